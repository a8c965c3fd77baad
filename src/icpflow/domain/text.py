"""Text normalisation for keyword matching, with a map back to the original offsets.

NFKC (full-width to half-width), ASCII lower-case, whitespace and zero-width characters removed, so
`Ｐ２Ｐ`/`p2p` and `互 联 网 金 融` match their keywords while every hit still spans the original text.
Used by the pre-approval scanner (`preapproval.py`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# --------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------

#: Characters normalisation drops: whitespace (Python's `\s` is exactly `str.isspace()`), zero-width
#: space/non-joiner/joiner, word joiner, byte-order mark and soft hyphen.
_REMOVABLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff\u00ad]")
#: The removed characters that end a line (`str.splitlines` boundaries): exclusion clauses stop there.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def _normalise_char(ch: str) -> str:
    """One character normalised: "" for a removable one, else one or more characters (never "")."""
    if _REMOVABLE.match(ch):
        return ""
    # `or ch` keeps the invariant "only removable characters vanish" that `normalise` relies on
    # (no code point of Unicode 14 NFKC-maps to whitespace alone, but the fallback costs nothing).
    out = _REMOVABLE.sub("", unicodedata.normalize("NFKC", ch)) or ch
    return out.translate(_ASCII_LOWER)


class _CharTable(dict[int, str]):
    """A `str.translate` table that normalises a character the first time it is seen."""

    def __missing__(self, code_point: int) -> str:
        out = _normalise_char(chr(code_point))
        self[code_point] = out
        return out


#: Shared by every scanner: normalisation does not depend on the keywords, and an entry is the same for
#: everyone, so sharing it is safe. Used for texts with characters outside the BMP.
_TABLE = _CharTable()


@functools.cache
def _bmp_table() -> list[str]:
    """The normalisation of every character of the Basic Multilingual Plane, indexed by code point.

    Built on first use, with `_plan` (about 0.1 s together, once per process). Characters outside the
    BMP are looked up in `_TABLE` instead (by `_normalise_slowly`).
    """
    table = [chr(code_point) for code_point in range(0x10000)]
    for code_point, ch in enumerate(table):
        if not unicodedata.is_normalized("NFKC", ch) or ch.isspace() or "A" <= ch <= "Z":
            table[code_point] = _normalise_char(ch)
    for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
        table[ord(ch)] = ""
    return table


def _char_class(code_points: list[int]) -> str:
    """A regex character class body for sorted code points, as ranges."""
    parts: list[str] = []
    index = 0
    while index < len(code_points):
        first = last = code_points[index]
        while index + 1 < len(code_points) and code_points[index + 1] == last + 1:
            index += 1
            last = code_points[index]
        parts.append(f"\\U{first:08x}" if first == last else f"\\U{first:08x}-\\U{last:08x}")
        index += 1
    return "".join(parts)


_PLAN: tuple[re.Pattern[str], dict[str, str]] | None = None


def _plan() -> tuple[re.Pattern[str], dict[str, str]]:
    """What `normalise` needs to leave most of a text alone: a pattern finding the characters that
    normalisation changes, and the replacement of each that changes in place: to nothing (a removable
    character) or to one character that itself stays unchanged. The pattern also finds what is not in the
    map and takes the character-by-character path: characters that expand (`…` → `...`), characters
    outside the BMP, and surrogates (so that a text on the fast paths is one a regex sees as the scanner's
    automaton does: see `normalised_parts`)."""
    table = _bmp_table()
    changing = [code_point for code_point in range(0x10000) if table[code_point] != chr(code_point)]
    simple: dict[str, str] = {}
    for code_point in changing:
        out = table[code_point]
        if out == "" or (len(out) == 1 and ord(out) < 0x10000 and table[ord(out)] == out):
            simple[chr(code_point)] = out
    found = sorted({*changing, *range(0xD800, 0xE000)})
    global _PLAN
    _PLAN = re.compile("[" + _char_class(found) + "\U00010000-\U0010ffff]"), simple
    return _PLAN


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """A text as the scanner sees it, and the way back to the original.

    `origin[i]` is the offset in the original text of normalised character `i` (None: the identity).
    `line_breaks` are the normalised offsets at which a new line started in the original.
    """

    text: str
    origin: Sequence[int] | None = None
    line_breaks: tuple[int, ...] = ()

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original span `[start', end')` covering normalised `[start, end)` (end > start)."""
        if self.origin is None:
            return start, end
        return self.origin[start], self.origin[end - 1] + 1


def normalise(text: str) -> NormalisedText:
    """NFKC, ASCII lower-case, whitespace and zero-width characters removed, with an offset map.

    Character by character: each character becomes `_bmp_table()[ord(ch)]` (outside the BMP,
    `_TABLE[ord(ch)]`). Only removable characters vanish and every other character becomes one or more,
    so the map is the identity when no character changes length; when characters were only removed it is
    built from their positions; only texts with expanding characters (`…` → `...`, `Ⅱ` → `ii`) or
    characters outside the BMP take the character-by-character path.
    """
    norm, origin, line_breaks, _ = normalised_parts(text)
    return NormalisedText(norm, origin, line_breaks)


def normalised_parts(text: str) -> tuple[str, Sequence[int] | None, tuple[int, ...], bool]:
    """`normalise(text)` as a plain tuple (text, origin, line_breaks, in_bmp) for the scanner. `in_bmp` is
    true when the text took a fast path: every character is in the BMP and none is a surrogate."""
    pattern, simple = _PLAN or _plan()
    found = pattern.findall(text)
    if not found:  # the common case (Chinese and lower-case ASCII, no space): nothing changes
        return text, None, (), True
    norm = text
    removes = False
    for ch in set(found):
        out = simple.get(ch)
        if out is None:  # expands, lies outside the BMP, or is a surrogate
            slow = _normalise_slowly(text)
            return slow.text, slow.origin, slow.line_breaks, False
        if not out:
            removes = True
        # Replacements are one character that no other replacement touches, so the order does not matter.
        norm = norm.replace(ch, out)
    if not removes:
        return norm, None, (), True
    origin: list[int] = []
    breaks: list[int] = []
    previous = 0
    for match in _REMOVABLE.finditer(text):
        position = match.start()
        origin.extend(range(previous, position))
        if text[position] in _LINE_BREAKS:
            breaks.append(len(origin))
        previous = position + 1
    origin.extend(range(previous, len(text)))
    return norm, origin, tuple(breaks), True


def _normalise_slowly(text: str) -> NormalisedText:
    parts: list[str] = []
    origin: list[int] = []
    breaks: list[int] = []
    for position, ch in enumerate(text):
        out = _TABLE[ord(ch)]
        if out:
            parts.append(out)
            origin.extend([position] * len(out))
        elif ch in _LINE_BREAKS:
            breaks.append(len(origin))
    return NormalisedText("".join(parts), origin, tuple(breaks))


def utf16_hex(normalised: str) -> str:
    """The hex digits of the UTF-16 code units: the 16-letter alphabet the automaton runs on."""
    return normalised.encode("utf-16-be", "surrogatepass").hex()


