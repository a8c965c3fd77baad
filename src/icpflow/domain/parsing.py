"""Reading a filing document, and saying in Chinese exactly where and why one cannot be read.

`parse_document` never lets a pydantic or JSON error escape: it raises `DocumentUnreadable`, which
carries one `DocumentProblem(path, found, expected)` per problem. Paths are the JSON paths of the
spec (`subject.principal.mobile`, `attachments[2].slot`), without pydantic's internal union tags.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from . import document as d
from .enums import FilingKind

_TAGS = frozenset({*(k.value for k in FilingKind), "person", "same"})
_MAX_FOUND = 60


@dataclass(frozen=True, slots=True)
class DocumentProblem:
    path: str
    found: str
    expected: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "found": self.found, "expected": self.expected}


class DocumentUnreadable(ValueError):
    """The document is not a filing document of schema version 1; `problems` says where and why."""

    def __init__(self, problems: list[DocumentProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path or '(文档)'}: {p.expected}" for p in problems))


def _known_fields() -> list[str]:
    names: set[str] = set()
    for model in (d.Person, d.LegalRepresentative, d.Certificate, d.Address, d.Subject, d.PreApproval,
                  d.Game, d.Program, d.Attachment, d.FullFiling, d.CancelSubjectFiling,
                  d.CancelProgramFiling, d.SubjectRef, d.ProgramRef):
        names.update(model.model_fields)
    return sorted(names)


_FIELDS = _known_fields()


def format_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in _TAGS:
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def _found(value: Any) -> str:
    if isinstance(value, dict):
        return "对象"
    text = repr(value) if not isinstance(value, str) else f"“{value}”"
    return text if len(text) <= _MAX_FOUND else text[: _MAX_FOUND - 1] + "…"


def _expected(err: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    loc = err["loc"]
    last = loc[-1] if loc else ""
    if kind == "missing":
        return "缺少必填字段"
    if kind == "extra_forbidden":
        guess = difflib.get_close_matches(str(last), _FIELDS, n=1, cutoff=0.6)
        hint = f"；是否想写“{guess[0]}”？" if guess else ""
        return f"未知字段，请删除或检查拼写{hint}"
    if kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "")
        if last == "schema_version":
            return "不支持的 schema_version，当前版本为 1"
        return f"取值无效，应为以下之一：{expected}"
    if kind == "union_tag_invalid":
        return f"kind 取值无效，应为以下之一：{ctx.get('expected_tags', '')}"
    if kind == "union_tag_not_found":
        return "缺少 kind 字段（new | change | cancel_subject | cancel_program | cancel_access）"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        if last in ("province", "city", "district"):
            return "应为 6 位数字的行政区划代码（GB/T 2260），例如 330106"
        return f"格式不符合 {ctx.get('pattern', '')}"
    if kind in ("string_type", "string_sub_type"):
        return "应为字符串"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "应为整数"
    if kind in ("bool_type", "bool_parsing"):
        return "应为 true 或 false"
    if kind in ("list_type", "tuple_type"):
        return "应为数组"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "应为对象"
    if kind == "greater_than":
        return f"应大于 {ctx.get('gt')}"
    if kind == "greater_than_equal":
        return f"应不小于 {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"应不大于 {ctx.get('le')}"
    if kind == "json_invalid":
        return f"不是有效的 JSON：{ctx.get('error', '')}"
    if kind == "json_type":
        return "应为 JSON 对象"
    return str(err["msg"])


def problems_from(exc: ValidationError) -> list[DocumentProblem]:
    problems = []
    for err in exc.errors(include_url=False):
        if err["type"] == "json_invalid":
            problems.append(DocumentProblem("", "", _expected(err)))
            continue
        found = "（缺失）" if err["type"] == "missing" else _found(err.get("input"))
        problems.append(DocumentProblem(format_path(err["loc"]), found, _expected(err)))
    return problems


_LINE_COL = re.compile(r"line (\d+) column (\d+)")


def parse_document(raw: str | bytes) -> d.FullFiling | d.CancelSubjectFiling | d.CancelProgramFiling:
    """The filing document in `raw` (JSON text), or `DocumentUnreadable` saying what is wrong."""
    try:
        return d.DOCUMENT_ADAPTER.validate_json(raw)
    except ValidationError as exc:
        problems = problems_from(exc)
        for i, p in enumerate(problems):
            m = _LINE_COL.search(p.expected)
            if m:
                problems[i] = DocumentProblem("", "", f"不是有效的 JSON（第 {m.group(1)} 行第 {m.group(2)} 列附近）")
        raise DocumentUnreadable(problems) from None


def parse_mapping(data: Any) -> d.FullFiling | d.CancelSubjectFiling | d.CancelProgramFiling:
    """The same from already-decoded JSON (a dict), e.g. a JSONL line or an API body."""
    try:
        return d.DOCUMENT_ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise DocumentUnreadable(problems_from(exc)) from None


