"""Exclusion clauses (排除条款) in business scopes: `（不含金融业务）`, `不得从事…`, `除…外`, `…除外`.

A pre-approval keyword inside one is reported but creates no requirement (issue #2, seed 004
§1.2 主办信息 12: only services the subject actually provides need the approval).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

# --------------------------------------------------------------------------------------------------
# Exclusion clauses (不含… / 不得从事… / 除…外 / …除外)
# --------------------------------------------------------------------------------------------------

_OPENERS = "([{【〔〖"
_BRACKET = re.compile(r"[()\[\]{}【】〔〕〖〗]")
_TERMINATOR = re.compile(r"[;。]")
#: `不含` `不包含` `不含有` `不包括` `不(得)从事` `不(得)涉及` `不(得)经营` `不(得)开展`, matched at each `不`.
_NEGATION = re.compile(r"不得?(?:包含|包括|含有|含|从事|涉及|经营|开展)")
#: `未经…批准,` just before a negation belongs to it: in `未经金融监管部门批准,不得从事…金融业务` the
#: whole sentence is the exclusion.
_UNAPPROVED = re.compile(r"未经[^;。()\[\]{}【】〔〕〖〗]{0,40}?(?:批准|许可|核准|审批|同意),?")
_UNAPPROVED_REACH = 48
#: `除` opens a `除…外` clause only at the start of a clause (not in 消除, 排除, 除尘 …).
_CLAUSE_START_BEFORE = frozenset("([{【〔〖,;。、:但")
#: After the closing `外` of `除…外`: a word character ends the clause only if it is one of these
#: (`除…外的`, `除…外,其他…`); otherwise the `外` belongs to a word (外包, 外贸, 外汇) and is not the end.
_AFTER_EXCEPT_WORDS = frozenset("的其均可凭之以")
_EXCEPT_REACH = 40
_EXCEPT_STOP = re.compile("[;。除]")

_TAIL_REACH = 100


class _Layout:
    """What clause detection asks of a normalised text: brackets, terminators, line breaks (lazily)."""

    __slots__ = ("_bracket_at", "_closer_of", "_open_after", "_terminators", "breaks", "norm")

    def __init__(self, norm: str, line_breaks: Sequence[int]) -> None:
        self.norm = norm
        self.breaks = sorted(line_breaks) if line_breaks else []
        self._bracket_at: list[int] | None = None
        self._open_after: list[int] = []  # innermost opener still open after each bracket (-1: none)
        self._closer_of: dict[int, int] = {}
        self._terminators: list[int] | None = None

    def enclosing(self, position: int) -> tuple[int, int | None] | None:
        """The innermost bracket around `position` as (opener, closer); closer None if never closed."""
        if self._bracket_at is None:
            self._bracket_at = []
            stack: list[int] = []
            for match in _BRACKET.finditer(self.norm):
                if match.group() in _OPENERS:
                    stack.append(match.start())
                elif stack:
                    self._closer_of[stack.pop()] = match.start()
                self._bracket_at.append(match.start())
                self._open_after.append(stack[-1] if stack else -1)
        index = bisect.bisect_left(self._bracket_at, position) - 1
        if index < 0 or self._open_after[index] < 0:
            return None
        opener = self._open_after[index]
        return opener, self._closer_of.get(opener)

    def next_terminator(self, position: int) -> int:
        """The first `;` / `。` at or after `position`, or the end of the text."""
        if self._terminators is None:
            self._terminators = [match.start() for match in _TERMINATOR.finditer(self.norm)]
        index = bisect.bisect_left(self._terminators, position)
        return self._terminators[index] if index < len(self._terminators) else len(self.norm)

    def next_break(self, position: int) -> int:
        """The first line start after `position`, or the end of the text."""
        index = bisect.bisect_right(self.breaks, position)
        return self.breaks[index] if index < len(self.breaks) else len(self.norm)

    def last_break(self, position: int) -> int:
        """The last line start at or before `position` (0 for the first line)."""
        index = bisect.bisect_right(self.breaks, position) - 1
        return self.breaks[index] if index >= 0 else 0

    def at_break(self, position: int) -> bool:
        index = bisect.bisect_left(self.breaks, position)
        return index < len(self.breaks) and self.breaks[index] == position

    def ends_word(self, position: int) -> bool:
        """True when the text at `position` does not continue the word before it."""
        if position >= len(self.norm) or self.at_break(position):
            return True
        ch = self.norm[position]
        return not (ch.isalnum() or ch == "_") or ch in _AFTER_EXCEPT_WORDS


def exclusion_clauses(norm: str, line_breaks: Sequence[int] = ()) -> list[tuple[int, int]]:
    """Spans `[start, end)` of the exclusion clauses of a normalised text (see `normalise`).

    - `不含…` `不包含…` `不含有…` `不包括…` `不(得)从事…` `不(得)涉及…` `不(得)经营…` `不(得)开展…`
      (with a `未经…批准,` just before it, from there): when the trigger stands inside a bracket the
      clause runs to that bracket's closing partner — `（不含金融、类金融、证券、期货业务）` — otherwise to
      the next `;` / `。` or line end. List separators (`、` `,`) do not end it: all the items are excluded.
    - `除…外`: from `除` (at the start of a clause) to the first `外` that ends a word, within 40
      characters, on the same line and before any `;` `。`.
    - `…除外`: back to the enclosing bracket, the previous `,` `;` `。` or the line start (at most 100
      characters back).

    `line_breaks` are the normalised offsets where lines start (`NormalisedText.line_breaks`). The standard
    tail `（依法须经批准的项目，经相关部门批准后方可开展经营活动）` is not an exclusion, and
    `（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）` excludes only `依法须经批准的项目`.
    """
    clauses: list[tuple[int, int]] = []
    if "不" not in norm and "除" not in norm:
        return clauses
    layout = _Layout(norm, line_breaks)
    position = norm.find("不")
    while position != -1:
        match = _NEGATION.match(norm, position)
        if match is None:
            position = norm.find("不", position + 1)
            continue
        start = position
        lead = norm.rfind("未经", max(0, position - _UNAPPROVED_REACH), position)
        if lead != -1 and _UNAPPROVED.fullmatch(norm, lead, position):
            start = lead
        clauses.append((start, _negation_end(layout, start, match.end())))
        position = norm.find("不", match.end())
    position = norm.find("除")
    while position != -1:
        if norm.startswith("除外", position) and layout.ends_word(position + 2):
            clauses.append((_tail_start(layout, position), position + 2))
        elif position == 0 or norm[position - 1] in _CLAUSE_START_BEFORE or layout.at_break(position):
            end = _except_end(layout, position)
            if end is not None:
                clauses.append((position, end))
        position = norm.find("除", position + 1)
    clauses.sort()
    return clauses


def _negation_end(layout: _Layout, start: int, trigger_end: int) -> int:
    """End of a `不含…` clause: the enclosing bracket's partner, else the next `;` `。` or line end."""
    enclosing = layout.enclosing(start)
    if enclosing is not None and enclosing[1] is not None:
        return enclosing[1]
    return min(layout.next_terminator(trigger_end), layout.next_break(trigger_end))


def _except_end(layout: _Layout, start: int) -> int | None:
    """The end of `除…外` opened at `start`: just after its `外`, or None when there is none in reach."""
    norm = layout.norm
    limit = min(len(norm), start + 2 + _EXCEPT_REACH, layout.next_break(start))
    stop = _EXCEPT_STOP.search(norm, start + 1, limit)
    if stop is not None:
        limit = stop.start()
    position = norm.find("外", start + 2, limit)
    while position != -1:
        if layout.ends_word(position + 1):
            return position + 1
        position = norm.find("外", position + 1, limit)
    return None


def _tail_start(layout: _Layout, position: int) -> int:
    """Where the clause that ends in `…除外` at `position` starts."""
    norm = layout.norm
    start = max(0, position - _TAIL_REACH, layout.last_break(position))
    enclosing = layout.enclosing(position)
    if enclosing is not None:
        start = max(start, enclosing[0] + 1)
    for separator in ",;。":
        start = max(start, norm.rfind(separator, start, position) + 1)
    return start


