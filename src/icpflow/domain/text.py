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
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
#: What the table changes besides NFKC: ASCII capitals and the removable characters.
_UNCHANGED_IF_NFKC = re.compile(r"[A-Z\s\u200b-\u200d\u2060\ufeff\u00ad]")


@functools.cache
def _bmp_table() -> list[str]:
    """`str.translate` table for the Basic Multilingual Plane, indexed by code point.

    Built on first use (about 25 ms, once per process): a list lookup is twice as fast as a dict one,
    and translation is the largest cost of a scan. Characters outside the BMP raise IndexError, which
    `str.translate` treats as "unchanged"; `normalise` sends such texts to `_TABLE` instead.
    """
    table = [chr(code_point) for code_point in range(0x10000)]
    for code_point, ch in enumerate(table):
        if not unicodedata.is_normalized("NFKC", ch) or ch.isspace() or "A" <= ch <= "Z":
            table[code_point] = _normalise_char(ch)
    for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
        table[ord(ch)] = ""
    return table


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

    Only removable characters vanish and every other character becomes one or more, so the map is the
    identity when no character was removed and the length did not change; when characters were only
    removed it is built from their positions; only texts with expanding characters (`…` → `...`,
    `Ⅱ` → `ii`) or characters outside the BMP take the character-by-character path.
    """
    if _UNCHANGED_IF_NFKC.search(text) is None and unicodedata.is_normalized("NFKC", text):
        # The common case (Chinese and lower-case ASCII, no space): nothing to do. A string that is
        # NFKC-normal holds no character that NFKC maps alone, so the per-character table is the identity.
        return NormalisedText(text)
    if _ASTRAL.search(text):
        return _normalise_slowly(text)
    norm = text.translate(_bmp_table())
    if " " not in text and text.isprintable():  # no removable character (all are non-printable but " ")
        if len(norm) == len(text):
            return NormalisedText(norm)
        return _normalise_slowly(text)
    removed = [m.start() for m in _REMOVABLE.finditer(text)]
    if len(norm) != len(text) - len(removed):
        return _normalise_slowly(text)
    origin: list[int] = []
    breaks: list[int] = []
    previous = 0
    for position in removed:
        origin.extend(range(previous, position))
        if text[position] in _LINE_BREAKS:
            breaks.append(len(origin))
        previous = position + 1
    origin.extend(range(previous, len(text)))
    return NormalisedText(norm, origin, tuple(breaks))


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


