"""The filer's five-step wizard: which fields each step edits, how a posted form changes the document,
and where each pre-check finding or rejection reason belongs (the field it concerns, its step).

Plain data and functions, no framework: the routes render them, the tests can call them.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain.document import LONG_TERM, SAME_AS_SUBJECT_PRINCIPAL
from ..domain.enums import OrgCertificateType, PersonIdType, ProgramType, SubjectNature, label

STEP_TITLES = {1: "主办单位信息", 2: "主办单位负责人信息", 3: "备案小程序信息", 4: "小程序负责人信息", 5: "附件"}
SAME_FLAG = "program.principal_same"  # the step-4 checkbox: the mini-program principal is the subject principal
#: A new draft (console/new_filing.py) must parse, so a principal's ID validity dates it does not know yet hold
#: these impossible dates. The wizard shows them as empty inputs with a "please fill in" finding, and keeps
#: them when a required date is posted empty, so a step can be saved before every date is known.
PLACEHOLDER_VALID_FROM = "2099-12-31"
PLACEHOLDER_VALID_TO = "1900-01-01"
_PLACEHOLDERS = {"date": PLACEHOLDER_VALID_FROM, "validity": PLACEHOLDER_VALID_TO}
MINI_GAME = ("program.type", "mini_game")


@dataclass(frozen=True, slots=True)
class Field:
    path: str
    label: str
    kind: str = "text"  # text | textarea | select | date | validity | checkbox | number | list | json
    options: tuple[tuple[str, str], ...] = ()
    optional: bool = False  # an empty value removes the key instead of writing ""
    hint: str = ""
    minimum: int = 1  # number fields
    when: tuple[str, str] | None = None  # shown and written only while the document has this (path, value)

    @property
    def slug(self) -> str:
        return slug(self.path)


def slug(path: str) -> str:
    """An HTML id for a JSON path: `subject.principal.mobile` -> `subject-principal-mobile`."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", path).strip("-") or "document"


def _options(*enums: Iterable[Any]) -> tuple[tuple[str, str], ...]:
    return tuple((str(e.value), label(e)) for enum in enums for e in enum)


def _person(prefix: str) -> list[Field]:
    return [
        Field(f"{prefix}.name", "姓名"),
        Field(f"{prefix}.id_type", "证件类型", "select", _options(PersonIdType)),
        Field(f"{prefix}.id_number", "证件号码"),
        Field(f"{prefix}.id_valid_from", "证件有效期起", "date"),
        Field(f"{prefix}.id_valid_to", "证件有效期止", "validity", hint="YYYY-MM-DD，长期有效填“长期”"),
        Field(f"{prefix}.id_address", "证件住址"),
        Field(f"{prefix}.mobile", "手机号码"),
        Field(f"{prefix}.emergency_phone", "应急联系电话", hint="不能与手机号码相同"),
        Field(f"{prefix}.emergency_contact_name", "应急联系人"),
        Field(f"{prefix}.email", "电子邮箱"),
        Field(f"{prefix}.is_legal_representative", "是法定代表人", "checkbox"),
    ]


STEPS: dict[int, list[Field]] = {
    1: [
        Field("subject.nature", "单位性质", "select", _options(SubjectNature)),
        Field("subject.name", "主办单位名称"),
        Field("subject.certificate.type", "证件类型", "select", _options(OrgCertificateType, PersonIdType)),
        Field("subject.certificate.number", "证件号码"),
        Field("subject.certificate.address", "证件住所"),
        Field("subject.certificate.valid_from", "证件有效期起", "date", optional=True),
        Field("subject.certificate.valid_to", "证件有效期止", "validity", optional=True,
              hint="YYYY-MM-DD，长期有效填“长期”"),
        Field("subject.certificate.business_scope", "经营范围", "textarea"),
        Field("subject.address.province", "通讯地址：省（行政区划代码）", hint="6 位代码，如 330000"),
        Field("subject.address.city", "通讯地址：市（代码）"),
        Field("subject.address.district", "通讯地址：区县（代码）"),
        Field("subject.address.detail", "通讯地址：详细地址"),
        Field("subject.remark", "备注", "textarea"),
    ],
    2: _person("subject.principal"),
    3: [
        Field("program.type", "类型", "select", _options(ProgramType)),
        Field("program.appid", "AppID"),
        Field("program.name", "小程序名称"),
        Field("program.service_content_types", "服务内容", "list", hint="多项用逗号或顿号分隔"),
        Field("program.description", "小程序简介", "textarea"),
        Field("program.remark", "备注", "textarea"),
        Field("program.listed", "已上架（存量小程序）", "checkbox"),
        Field("program.count_under_subject", "该主体下的小程序数量", "number"),
        Field("program.game.publication_number", "版号（网络游戏出版物号）", optional=True, when=MINI_GAME,
              hint="如 ISBN 978-7-…；没有版号的小游戏留空，并完成小游戏备案"),
        Field("program.game.authorization_level", "版号授权层级", "number", minimum=0, when=MINI_GAME,
              hint="0 = 运营方即版号持有方；1 = 一级授权；2、3 … = 多级授权"),
        Field("program.game.mini_game_filing_approved", "已完成小游戏备案", "checkbox", when=MINI_GAME),
    ],
    4: [Field(SAME_FLAG, "小程序负责人与主办单位负责人为同一人", "checkbox"), *_person("program.principal")],
    # step 5 (附件) has no form fields: uploads, replacements and edits are their own forms (console/uploads.py)
    5: [],
}


def step_of(path: str) -> int:
    """The wizard step a document path belongs to (0: the filing as a whole)."""
    if path.startswith("subject.principal"):
        return 2
    if path.startswith("subject"):
        return 1
    if path.startswith("program.principal"):
        return 4
    if path.startswith("program"):
        return 3
    if path.startswith("attachments"):
        return 5
    return 0


def get_path(document: Mapping[str, Any], path: str) -> Any:
    node: Any = document
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _set_path(document: dict[str, Any], path: str, value: Any, *, remove: bool = False) -> None:
    parts = path.split(".")
    node = document
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    if remove:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value


def display_value(document: Mapping[str, Any], item: Field) -> str:
    """The text an input shows for this field."""
    if item.path == SAME_FLAG:
        return "on" if get_path(document, "program.principal") == SAME_AS_SUBJECT_PRINCIPAL else ""
    value = get_path(document, item.path)
    if item.kind == "json":
        return json.dumps(value if value is not None else [], ensure_ascii=False, indent=2)
    if item.kind == "list":
        return "、".join(str(v) for v in value) if isinstance(value, list) else ""
    if item.kind == "checkbox":
        return "on" if value is True else ""
    if value == LONG_TERM:
        return "长期"
    if item.kind in _PLACEHOLDERS and value == _PLACEHOLDERS[item.kind]:
        return ""
    return "" if value is None else str(value)


def mark_placeholders(placed: Placed, document: Mapping[str, Any], step: int) -> Placed:
    """A date still holding its placeholder gets one plain "please fill in" finding instead of the rule
    findings the impossible date causes (which would send the filer to a value they never typed)."""
    for item in shown_fields(document, step):
        if item.kind in _PLACEHOLDERS and get_path(document, item.path) == _PLACEHOLDERS[item.kind]:
            placed.by_field[item.path] = [{"field": item.path, "severity": "error", "message": f"请填写{item.label}",
                                           "fix": "", "rule": "field.required", "source": ""}]
    return placed


class FormProblem(ValueError):
    """A posted value that cannot even be written into the document (bad JSON, not a number)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(message)


def applies(document: Mapping[str, Any], item: Field) -> bool:
    """Whether the field belongs on the form for this document (mini-game fields only for a mini-game)."""
    return item.when is None or get_path(document, item.when[0]) == item.when[1]


def shown_fields(document: Mapping[str, Any], step: int) -> list[Field]:
    return [f for f in STEPS.get(step, []) if applies(document, f)]


def apply_step(document: Mapping[str, Any], step: int, form: Mapping[str, str]) -> dict[str, Any]:
    """A copy of `document` with the step's fields set from a posted form (the document is not checked)."""
    doc = copy.deepcopy(dict(document))
    if step == 3:  # the type decides which fields follow; a mini-program carries no mini-game facts
        kind = form.get("program.type", "")
        if kind:
            _set_path(doc, "program.type", kind.strip())
        if get_path(doc, "program.type") != MINI_GAME[1]:
            _set_path(doc, "program.game", None, remove=True)
    fields = shown_fields(doc, step)
    same = step == 4 and bool(form.get(SAME_FLAG))
    if step == 4:
        if same:
            _set_path(doc, "program.principal", SAME_AS_SUBJECT_PRINCIPAL)
            return doc
        if not isinstance(get_path(doc, "program.principal"), dict):
            _set_path(doc, "program.principal", {})
    for item in fields:
        if item.path == SAME_FLAG:
            continue
        raw = form.get(item.path, "")
        if item.kind == "checkbox":
            _set_path(doc, item.path, bool(raw))
        elif item.kind == "json":
            try:
                _set_path(doc, item.path, json.loads(raw or "[]"))
            except json.JSONDecodeError as exc:
                raise FormProblem(item.path, f"不是有效的 JSON：第 {exc.lineno} 行 {exc.msg}") from None
        elif item.kind == "list":
            _set_path(doc, item.path, [p.strip() for p in re.split(r"[,，、;\n]", raw) if p.strip()])
        elif item.kind == "number":
            try:
                number = int(raw.strip() or str(item.minimum))
            except ValueError:
                raise FormProblem(item.path, "应为整数") from None
            if number < item.minimum:
                raise FormProblem(item.path, f"应为不小于 {item.minimum} 的整数")
            _set_path(doc, item.path, number)
        elif item.kind in _PLACEHOLDERS and not item.optional and not raw.strip():
            _set_path(doc, item.path, _PLACEHOLDERS[item.kind])
        elif item.kind == "validity" and raw.strip() in ("长期", LONG_TERM):
            _set_path(doc, item.path, LONG_TERM)
        elif item.optional and not raw.strip():
            _set_path(doc, item.path, None, remove=True)
        else:
            _set_path(doc, item.path, raw.strip() if item.kind in ("date", "validity", "select") else raw)
    return doc


@dataclass(slots=True)
class Placed:
    """Messages (findings or document problems) sorted by the field of the step they concern."""

    by_field: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    step_level: list[dict[str, Any]] = field(default_factory=list)


def place(items: Iterable[dict[str, Any]], step: int, *, key: str = "field") -> Placed:
    """Each item goes to the step field whose path is the longest prefix of the item's path (or that the
    item's path is a prefix of); items of this step that match no field stay at the step level."""
    placed = Placed()
    paths = [f.path for f in STEPS.get(step, [])]
    for item in items:
        where = str(item.get(key, ""))
        if step_of(where) != step:
            continue
        target = max((p for p in paths if where == p or where.startswith((p + ".", p + "["))),
                     key=len, default=None)
        if target is None and step == 4 and where.startswith("program.principal"):
            target = SAME_FLAG
        if target is None:
            placed.step_level.append(item)
        else:
            placed.by_field.setdefault(target, []).append(item)
    return placed


def field_anchor(path: str) -> tuple[int, str]:
    """(step, HTML id) of the form field that fixes `path`: where a rejection reason links to."""
    step = step_of(path)
    for item in STEPS.get(step, []):
        if path == item.path or path.startswith(item.path + "."):
            return step, "fld-" + item.slug
    return step, "uploads" if step == 5 else "step-findings"
