"""The rejection-reason catalogue (驳回原因目录): the causes reviewers and bureaus give, as data.

`icpflow/data/rejection_reasons.toml` lists each cause once, with a stable code, the Chinese message a
reviewer writes, the field of the filing document to fix, the seed section it comes from, the review
stage that gives it (platform review 平台初审, bureau review 管局审核, or both) and, where it is a
provincial bureau's own rule, the provinces it applies to. Platform reviewers pick from it; the
regulator simulator draws its bureau rejections from it.

The domain does no I/O: whoever reads the TOML hands the parsed mapping to
`RejectionCatalogue.from_mapping`, which is strict (unknown keys are refused) and reports every problem
with its path (`reason[3].stage`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .enums import SubjectNature
from .regulator import RejectionReason


class ReviewStage(StrEnum):
    """Who gives a rejection reason."""

    PLATFORM = "platform"  # platform review (平台初审)
    BUREAU = "bureau"  # provincial communications bureau review (管局审核)


class RejectionCatalogueError(ValueError):
    """The catalogue is not valid; `problems` lists `(path, message)` for every problem found."""

    def __init__(self, origin: str, problems: list[tuple[str, str]]) -> None:
        self.origin = origin
        self.problems = problems
        super().__init__(f"{origin}: " + "; ".join(f"{path}: {msg}" for path, msg in problems))


class UnknownRejectionReason(KeyError):
    """No reason with this code in the catalogue."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


@dataclass(frozen=True, slots=True)
class RejectionCause:
    """One entry of the catalogue: a `RejectionReason` and where it applies."""

    code: str
    message: str
    field: str  # JSON path into the filing document; "" for the whole filing
    source: str
    stages: frozenset[ReviewStage]
    provinces: frozenset[str] | None = None  # None: every province
    natures: frozenset[str] | None = None  # None: every subject nature

    @property
    def reason(self) -> RejectionReason:
        """The reason as it travels with a decision."""
        return RejectionReason(code=self.code, message=self.message, field=self.field, source=self.source)

    @property
    def province_specific(self) -> bool:
        return self.provinces is not None

    def applies_to(self, stage: ReviewStage | str, province: str | None = None, nature: str | None = None) -> bool:
        """Whether `stage` gives this reason for a filing of `province` and subject `nature`; a `None`
        argument does not narrow."""
        if ReviewStage(stage) not in self.stages:
            return False
        if province is not None and self.provinces is not None and province not in self.provinces:
            return False
        return nature is None or self.natures is None or nature in self.natures


class RejectionCatalogue:
    """The catalogue, in file order, indexed by code."""

    __slots__ = ("_by_code", "causes", "version")

    def __init__(self, causes: list[RejectionCause], version: str = "") -> None:
        self.version = version
        self.causes: tuple[RejectionCause, ...] = tuple(causes)
        self._by_code = {cause.code: cause for cause in self.causes}
        if len(self._by_code) != len(self.causes):
            raise ValueError("rejection reason codes must be unique")

    @classmethod
    def from_mapping(cls, data: Any, *, origin: str = "rejection_reasons.toml") -> RejectionCatalogue:
        """From the parsed TOML: an optional `version` string and a non-empty `[[reason]]` array.
        Raises `RejectionCatalogueError` naming the path of every problem."""
        problems: list[tuple[str, str]] = []
        if not isinstance(data, Mapping):
            raise RejectionCatalogueError(origin, [("", "expected a table with a [[reason]] array")])
        for key in data:
            if key not in ("version", "reason"):
                problems.append((str(key), "unknown key (expected version, reason)"))
        version = data.get("version", "")
        if not isinstance(version, str):
            problems.append(("version", "must be a string"))
            version = ""
        entries = data.get("reason")
        if not isinstance(entries, list) or not entries:
            problems.append(("reason", "must be a non-empty array of tables ([[reason]])"))
            raise RejectionCatalogueError(origin, problems)
        causes: list[RejectionCause] = []
        first_at: dict[str, int] = {}
        for i, entry in enumerate(entries):
            cause = _cause(f"reason[{i}]", entry, problems)
            if cause is None:
                continue
            if cause.code in first_at:
                problems.append((f"reason[{i}].code", f"duplicate of reason[{first_at[cause.code]}] ({cause.code})"))
                continue
            first_at[cause.code] = i
            causes.append(cause)
        if problems:
            raise RejectionCatalogueError(origin, problems)
        return cls(causes, version)

    # ----- lookups -------------------------------------------------------------------------------

    def __getitem__(self, code: str) -> RejectionCause:
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownRejectionReason(code) from None

    def get(self, code: str) -> RejectionCause | None:
        return self._by_code.get(code)

    def reason(self, code: str) -> RejectionReason:
        """The `RejectionReason` for `code` (raises `UnknownRejectionReason`)."""
        return self[code].reason

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[RejectionCause]:
        return iter(self.causes)

    def __len__(self) -> int:
        return len(self.causes)

    def for_stage(
        self, stage: ReviewStage | str, province: str | None = None, nature: str | None = None
    ) -> list[RejectionCause]:
        """The reasons `stage` may give, in catalogue order. With `province`, only those that apply there
        (the general ones and that province's own); with `nature`, only those for that subject nature.
        An unknown stage raises ValueError."""
        stage = ReviewStage(stage)
        return [cause for cause in self.causes if cause.applies_to(stage, province, nature)]


# --------------------------------------------------------------------------------------------------
# Parsing one [[reason]] table
# --------------------------------------------------------------------------------------------------

_KEYS = frozenset({"code", "message", "field", "source", "stage", "provinces", "natures"})
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
#: `subject.principal.mobile`, `attachments[2].slot`: the paths of shared/spec/filing-document.md
_FIELD = re.compile(r"^[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*$")
_DOCUMENT_TOP = frozenset({"schema_version", "kind", "submitted_on", "program", "subject", "attachments"})
#: a provincial-level GB/T 2260 code (11 北京 … 65 新疆; 71 台湾, 81 香港, 82 澳门 have no bureau here)
_PROVINCE = re.compile(r"^[1-6]\d0000$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NATURES = frozenset(n.value for n in SubjectNature)
_STAGES = frozenset(s.value for s in ReviewStage)


def _cause(path: str, entry: Any, problems: list[tuple[str, str]]) -> RejectionCause | None:
    if not isinstance(entry, Mapping):
        problems.append((path, "expected a table"))
        return None
    before = len(problems)
    for key in entry:
        if key not in _KEYS:
            problems.append((f"{path}.{key}", f"unknown key (expected one of {', '.join(sorted(_KEYS))})"))

    def text(key: str, *, required: bool = True) -> str | None:
        """The string at `key` ("" when optional and absent); None after recording a problem."""
        value = entry.get(key, None if required else "")
        if value is None:
            problems.append((f"{path}.{key}", "missing"))
            return None
        if not isinstance(value, str):
            problems.append((f"{path}.{key}", "must be a string"))
            return None
        if required and not value.strip():
            problems.append((f"{path}.{key}", "is empty"))
            return None
        return value

    code = text("code")
    if code is not None and not _CODE.match(code):
        problems.append((f"{path}.code", f"{code!r} is not lower_snake_case"))
    message = text("message")
    if message is not None and not _CJK.search(message):
        problems.append((f"{path}.message", "must be Chinese, as the filer reads it"))
    field = text("field", required=False)
    if field and (not _FIELD.match(field) or field.split(".")[0].split("[")[0] not in _DOCUMENT_TOP):
        problems.append((f"{path}.field", f"{field!r} is not a JSON path into the filing document"))
    source = text("source")
    stages = _stages(f"{path}.stage", entry.get("stage"), problems)
    provinces = _codes(f"{path}.provinces", entry.get("provinces"), problems, _PROVINCE.match, "a province code")
    natures = _codes(f"{path}.natures", entry.get("natures"), problems, _NATURES.__contains__, "a subject nature")
    if len(problems) > before or code is None or message is None or field is None or source is None:
        return None
    return RejectionCause(code, message, field, source, stages, provinces, natures)


def _stages(path: str, value: Any, problems: list[tuple[str, str]]) -> frozenset[ReviewStage]:
    values = [value] if isinstance(value, str) else value
    expected = 'must be "platform", "bureau" or ["platform", "bureau"]'
    if not isinstance(values, list) or not values:
        problems.append((path, "missing; " + expected if value is None else expected))
        return frozenset()
    out: set[ReviewStage] = set()
    for i, item in enumerate(values):
        where = path if isinstance(value, str) else f"{path}[{i}]"
        if not isinstance(item, str) or item not in _STAGES:
            problems.append((where, f"{item!r}: {expected}"))
        else:
            out.add(ReviewStage(item))
    return frozenset(out)


def _codes(
    path: str, value: Any, problems: list[tuple[str, str]], valid: Callable[[str], object], what: str
) -> frozenset[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        problems.append((path, "must be a non-empty list (leave it out to apply everywhere)"))
        return None
    for i, item in enumerate(value):
        if not isinstance(item, str) or not valid(item):
            problems.append((f"{path}[{i}]", f"{item!r} is not {what}"))
        elif item in value[:i]:
            problems.append((f"{path}[{i}]", f"{item!r} is listed twice"))
    return frozenset(str(v) for v in value)
