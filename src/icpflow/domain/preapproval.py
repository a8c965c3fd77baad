"""Pre-approval keyword detection (前置审批关键字检测): which of the eleven categories a text touches.

Seed 000 §前置审批材料准备 (L56-80): the subject name, business scope, mini-program name and content are
checked against the keywords of eleven categories (seed 004 §附:前置审批说明, L391-493). A hit means the
filer provides the approval, or states in a remark or a signed letter that the service does not involve
it (seed 004 §二 5, L122-128). A keyword inside an exclusion clause such as `（不含金融业务）` is reported
with `excluded=True` and creates no requirement.

How a text is scanned:

1. It is normalised (`normalise`): NFKC, ASCII lower-case, whitespace and zero-width characters removed,
   with a map back to the original offsets, so `Ｐ２Ｐ`/`p2p` and `互 联 网 金 融` match and every hit
   spans the original text.
2. A prefilter (`_prefilter`, one regex search) looks for the first two characters of any keyword; a text
   without one has no hit and goes no further (most subject names, most descriptions).
3. The normalised text is written as the hex digits of its UTF-16 code units and scanned once by an
   Aho-Corasick automaton (pyahocorasick) built, in the constructor, over the keywords written the same
   way. Why hex: pyahocorasick finds a node's child by linear search, so over raw Chinese the root of a
   10,000-keyword trie has thousands of children and the scan slows down in proportion to the keyword
   count; over a 16-letter alphabet no node has more than 16 children and scan time stays flat. A match
   counts only when it starts on a code-unit boundary (a multiple of four hex digits).
4. Per category, of overlapping matches only the longest is kept (`互联网金融`, not also `金融` inside it);
   the same span is reported once for every category that lists the keyword.
5. `exclusion_clauses` finds the exclusion clauses of the normalised text; hits inside one are excluded.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick

from .enums import PreApprovalCategory, label
from .exclusions import exclusion_clauses
from .report import PreApprovalHit
from .text import normalise, normalised_parts, utf16_hex

# --------------------------------------------------------------------------------------------------
# Categories and the scanner
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Category:
    """A pre-approval item (前置审批项) and what its approval is.

    `derived` marks a keyword list the seed does not give (教育, 医疗保健: "/"), derived from the seed's
    description quoted in `derived_from`. `note` says what the seed adds (an approval since cancelled).
    """

    code: str
    label: str
    approving_body: str
    licence: str
    legal_basis: str
    source: str
    keywords: tuple[str, ...]
    derived: bool = False
    derived_from: str = ""
    note: str = ""


_REQUIRED_TEXT = ("label", "approving_body", "licence", "legal_basis", "source")


def category_from_mapping(code: str, entry: Any) -> Category:
    """One `[categories.<code>]` table of `preapproval_keywords.toml`; ValueError says what is wrong."""
    if not isinstance(entry, Mapping):
        raise ValueError(f"pre-approval category {code!r}: expected a table")
    texts: dict[str, str] = {}
    for name in (*_REQUIRED_TEXT, "derived_from", "note"):
        value = entry.get(name, "")
        if not isinstance(value, str):
            raise ValueError(f"pre-approval category {code!r}: {name} must be a string")
        if name in _REQUIRED_TEXT and not value.strip():
            raise ValueError(f"pre-approval category {code!r}: {name} is missing")
        texts[name] = value
    keywords = entry.get("keywords")
    if not isinstance(keywords, list) or not keywords or not all(isinstance(k, str) and k.strip() for k in keywords):
        raise ValueError(f"pre-approval category {code!r}: keywords must be a non-empty list of words")
    derived = entry.get("derived", False)
    if not isinstance(derived, bool):
        raise ValueError(f"pre-approval category {code!r}: derived must be true or false")
    return Category(code=code, keywords=tuple(dict.fromkeys(keywords)), derived=derived, **texts)


class KeywordScanner:
    """Finds pre-approval keywords in a text; build once (the automaton is built here), scan many times."""

    __slots__ = ("_automaton", "_order", "_prefilter", "categories")

    def __init__(self, categories: Mapping[str, Category]) -> None:
        self.categories: dict[str, Category] = dict(categories)
        self._order = {code: index for index, code in enumerate(self.categories)}
        # encoded normalised keyword -> {category code: the keyword as written}
        entries: dict[str, dict[str, str]] = {}
        for code, category in self.categories.items():
            for keyword in category.keywords:
                normalised = normalise(keyword).text
                if not normalised:
                    raise ValueError(f"pre-approval category {code!r}: keyword {keyword!r} is blank")
                entries.setdefault(utf16_hex(normalised), {}).setdefault(code, keyword)
        self._automaton: Any = None
        if entries:
            automaton = ahocorasick.Automaton()
            for key, per_category in entries.items():
                automaton.add_word(key, (len(key), tuple(per_category.items())))
            automaton.make_automaton()
            self._automaton = automaton
        self._prefilter = _prefilter({bytes.fromhex(key).decode("utf-16-be", "surrogatepass") for key in entries})

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> KeywordScanner:
        """From the parsed `preapproval_keywords.toml`: its `[categories.<code>]` tables, in order; every code
        must be a `PreApprovalCategory`."""
        raw = data.get("categories")
        if not isinstance(raw, Mapping) or not raw:
            raise ValueError("pre-approval keyword table: no [categories] table")
        unknown = sorted(set(raw) - {code.value for code in PreApprovalCategory})
        if unknown:
            raise ValueError(f"pre-approval keyword table: unknown categories {unknown}")
        return cls({code: category_from_mapping(code, entry) for code, entry in raw.items()})

    @classmethod
    def from_keywords(
        cls,
        pairs: Iterable[tuple[str, str]],
        categories: Mapping[str, Category] | None = None,
    ) -> KeywordScanner:
        """From `(keyword, category code)` pairs; `categories` lends labels, bodies and sources.

        The pairs replace the keywords of `categories`; a code not in `categories` gets its label from
        `enums.label` and empty metadata.
        """
        grouped: dict[str, list[str]] = {code: [] for code in categories or {}}
        for keyword, code in pairs:
            grouped.setdefault(code, []).append(keyword)
        built: dict[str, Category] = {}
        for code, keywords in grouped.items():
            base = (categories or {}).get(code) or Category(
                code=code,
                label=label(code, PreApprovalCategory),
                approving_body="",
                licence="",
                legal_basis="",
                source="",
                keywords=(),
            )
            built[code] = dataclasses.replace(base, keywords=tuple(dict.fromkeys(keywords)))
        return cls(built)

    @property
    def keyword_count(self) -> int:
        """Number of (keyword, category) pairs the scanner looks for."""
        return sum(len(category.keywords) for category in self.categories.values())

    def scan(self, field: str, text: str) -> list[PreApprovalHit]:
        """Every keyword found in `text`, spans into `text`, ordered by position then category order."""
        return self.scan_fields(((field, text),))

    def scan_fields(self, fields: Iterable[tuple[str, str]]) -> list[PreApprovalHit]:
        """`scan(field, text)` of each pair, one after the other, in one list."""
        hits: list[PreApprovalHit] = []
        if self._automaton is None:
            return hits
        prefilter = self._prefilter
        for field, text in fields:
            if not text:
                continue
            norm, origin, line_breaks, in_bmp = normalised_parts(text)
            if in_bmp and prefilter is not None and prefilter.search(norm) is None:
                continue  # no keyword starts anywhere in the text
            found = self._hits(field, norm, origin, line_breaks)
            if found:
                hits += found
        return hits

    def _hits(
        self, field: str, norm: str, origin: Sequence[int] | None, line_breaks: tuple[int, ...]
    ) -> list[PreApprovalHit]:
        """The hits in one normalised text (`origin` and `line_breaks` as in `NormalisedText`)."""
        encoded = norm.encode("utf-16-be", "surrogatepass").hex()  # utf16_hex, inlined
        # (start, end, ((category, keyword), ...)) in UTF-16 units, ordered by end; a match that does not
        # end on a code-unit boundary does not start on one either: a false match across two characters.
        matches = [
            ((last + 1 - length) >> 2, (last + 1) >> 2, per_category)
            for last, (length, per_category) in self._automaton.iter(encoded)
            if not (last + 1) & 3
        ]
        if not matches:
            return []
        if len(encoded) != 4 * len(norm):  # characters outside the BMP: two units each
            matches = _units_to_characters(norm, matches)
        kept = _resolve_overlaps(matches)
        clauses = exclusion_clauses(norm, line_breaks)
        order = self._order
        # (start, end, category order, position in `kept`, category, keyword, excluded): sorted as tuples,
        # this is the order of a stable sort by (start, end, category order).
        rows: list[tuple[int, int, int, int, str, str, bool]] = []
        if clauses:
            # A hit is excluded when a clause starting at or before it reaches its end: with clauses sorted
            # by start, that is the furthest end among the clauses that start at or before the hit.
            clause_starts = [clause[0] for clause in clauses]
            reach = list(itertools.accumulate((clause[1] for clause in clauses), max))
        for index, (code, start, end, keyword) in enumerate(kept):
            excluded = False
            if clauses:
                position = bisect.bisect_right(clause_starts, start)
                excluded = position > 0 and reach[position - 1] >= end
            if origin is not None:
                start, end = origin[start], origin[end - 1] + 1
            rows.append((start, end, order[code], index, code, keyword, excluded))
        if len(rows) > 1:
            rows.sort()
        return [PreApprovalHit(code, keyword, field, start, end, excluded)
                for start, end, _, _, code, keyword, excluded in rows]


#: Above this many distinct two-character keyword prefixes the prefilter would cost more than it saves
#: (a regex alternation is tried branch by branch); the automaton alone then decides.
_PREFILTER_MAX_PREFIXES = 512


def _prefilter(keywords: set[str]) -> re.Pattern[str] | None:
    """A pattern that finds where some keyword could start: one of their first two characters (the only
    character of a one-character keyword). No match: no keyword. Used on texts without surrogates only:
    the automaton's UTF-16 alphabet could join two lone surrogates into a character no regex sees.

    Written as a trie one level deep (`教[育学]|医[疗药]|...`), so that a position is tried against the
    second characters of one first character only."""
    second: dict[str, set[str]] = {}
    alone: set[str] = set()
    for keyword in keywords:
        if len(keyword) == 1:
            alone.add(keyword)
        else:
            second.setdefault(keyword[0], set()).add(keyword[1])
    if not keywords or sum(map(len, second.values())) + len(alone) > _PREFILTER_MAX_PREFIXES:
        return None
    branches = [re.escape(first) for first in sorted(alone)]
    for first in sorted(set(second) - alone):
        branches.append(re.escape(first) + "[" + "".join(re.escape(c) for c in sorted(second[first])) + "]")
    return re.compile("|".join(branches))


_Match = tuple[int, int, tuple[tuple[str, str], ...]]


def _units_to_characters(text: str, matches: list[_Match]) -> list[_Match]:
    """UTF-16 unit offsets to character offsets (matches always start and end on whole characters)."""
    character_of_unit: list[int] = []
    for index, ch in enumerate(text):
        character_of_unit.extend((index, index) if ord(ch) > 0xFFFF else (index,))
    character_of_unit.append(len(text))
    return [(character_of_unit[start], character_of_unit[end], entries) for start, end, entries in matches]


def _resolve_overlaps(matches: list[_Match]) -> list[tuple[str, int, int, str]]:
    """(category, start, end, keyword) to report: per category, the longest of overlapping matches.

    `matches` come ordered by end. Usually none overlap and every entry is kept as it is.
    """
    previous_end = 0
    for start, end, _ in matches:
        if start < previous_end:
            break
        previous_end = end
    else:
        return [(code, start, end, keyword) for start, end, entries in matches for code, keyword in entries]
    by_category: dict[str, list[tuple[int, int, str]]] = {}
    for start, end, entries in matches:
        for code, keyword in entries:
            by_category.setdefault(code, []).append((start, end, keyword))
    return [
        (code, start, end, keyword)
        for code, spans in by_category.items()
        for start, end, keyword in _keep_longest(spans)
    ]


def _keep_longest(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Of overlapping spans keep the longest (the earliest on a tie); the others lie across or inside it.

    Greedy, longest first; the result is in no particular order (the caller sorts the hits).
    """
    if len(spans) == 1:
        return spans
    # Longest first, then earliest; a stable sort (the index keeps equal keys in order) of plain tuples,
    # so no Python key function is called per span.
    spans = [span for _, _, _, span in sorted(
        [(start - end, start, index, (start, end, keyword)) for index, (start, end, keyword) in enumerate(spans)])]
    if len(spans) <= _FEW:
        kept = [spans[0]]
        for span in spans[1:]:
            start, end, _ = span
            for other_start, other_end, _ in kept:
                if start < other_end and other_start < end:
                    break
            else:
                kept.append(span)
        return kept
    # Many spans (long texts): `kept` stays disjoint and sorted by start, so only neighbours can overlap.
    starts: list[int] = []
    kept = []
    for span in spans:
        start, end, _ = span
        index = bisect.bisect_right(starts, start)
        if (index > 0 and kept[index - 1][1] > start) or (index < len(kept) and kept[index][0] < end):
            continue
        starts.insert(index, start)
        kept.insert(index, span)
    return kept


_FEW = 12
