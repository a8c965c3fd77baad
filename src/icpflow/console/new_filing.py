"""The field-by-field new filing (新建备案): what the form asks, how a posted form is checked, and the
smallest draft document it becomes.

A filer never writes JSON. The form asks only what identifies the filing — the subject (nature,
certificate, name, communication address's province/city/district) or an existing subject of the
filer's (新增小程序), and the mini-program (type, appid, name) — and the wizard asks the rest, guided by
the pre-check's findings.

The smallest draft that parses (`parsing.parse_mapping`) cannot leave everything empty: the subject
principal's ID validity dates must be dates. The skeleton therefore carries two deliberately impossible
dates — valid from 2099-12-31, valid until 1900-01-01 — which the pre-check reports beside their fields
("起始日晚于提交日", "截止日早于起始日") until the filer types the real ones, so a placeholder can never
pass unnoticed. Empty texts (name, ID number, phones, e-mail, addresses) are reported by `field.required`.

Plain data and functions, no framework: `filer.py` renders and routes, the tests call these directly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain.document import SAME_AS_SUBJECT_PRINCIPAL, SCHEMA_VERSION
from ..domain.enums import OrgCertificateType, PersonIdType, ProgramType, SubjectNature, label
from ..domain.regions import RegionTable
from .wizard import PLACEHOLDER_VALID_FROM, PLACEHOLDER_VALID_TO

START_FIRST = "first"  # 首次备案: a subject new to the platform and its first mini-program
START_ADD = "add"  # 新增小程序: another mini-program under a subject the filer already has
STARTS = ((START_FIRST, "首次备案（主办单位首次备案）"), (START_ADD, "新增小程序（沿用已有主办单位的信息）"))

GAME_LEVELS = (("0", "本主体持有版号"), ("1", "一级授权"), ("2", "二级授权"), ("3", "三级授权"))

LABELS = {
    "start": "备案类型", "program_type": "类型", "appid": "AppID", "program_name": "小程序名称",
    "game_publication_number": "版号（ISBN）", "game_authorization_level": "版号授权层级",
    "game_filing_approved": "已完成小游戏备案", "subject_id": "主办单位", "nature": "单位性质",
    "certificate_type": "证件类型", "certificate_number": "证件号码", "subject_name": "主办单位名称",
    "province": "通讯地址：省份", "city": "通讯地址：城市", "district": "通讯地址：区县",
}

_APPID = re.compile(r"[A-Za-z0-9_-]{2,64}")


def options(*enums: Any) -> list[tuple[str, str]]:
    return [(str(e.value), label(e)) for enum in enums for e in enum]


NATURES = options(SubjectNature)
CERTIFICATE_TYPES = options(OrgCertificateType, PersonIdType)
PROGRAM_TYPES = options(ProgramType)


class FormErrors(ValueError):
    """Posted values that cannot make a draft: `errors` maps each form field to a Chinese message that
    names it."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("；".join(errors.values()))


@dataclass(slots=True)
class _Checker:
    form: Mapping[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    def text(self, name: str, *, max_len: int = 100, required: bool = True) -> str:
        value = self.form.get(name, "").strip()
        if required and not value:
            self.errors[name] = f"{LABELS[name]}：请填写"
        elif len(value) > max_len:
            self.errors[name] = f"{LABELS[name]}：不能超过 {max_len} 个字符"
        return value

    def choice(self, name: str, allowed: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> str:
        value = self.form.get(name, "").strip()
        if value not in {code for code, _ in allowed}:
            self.errors[name] = f"{LABELS[name]}：请从列表中选择" if not value else \
                f"{LABELS[name]}：“{value[:20]}”不是可选的值，请从列表中选择"
        return value


def program_section(form: Mapping[str, str], check: _Checker | None = None) -> dict[str, Any]:
    """The mini-program part of the form: type, appid, name, and a mini-game's publication number (版号)."""
    c = check or _Checker(form)
    program_type = c.choice("program_type", PROGRAM_TYPES)
    appid = c.text("appid", max_len=64)
    if appid and "appid" not in c.errors and not _APPID.fullmatch(appid):
        c.errors["appid"] = "AppID：只能包含英文字母、数字、下划线和连字符，如 wx0123456789abcdef"
    program: dict[str, Any] = {"type": program_type, "appid": appid, "name": c.text("program_name", max_len=64)}
    if program_type == ProgramType.MINI_GAME.value:
        number = c.text("game_publication_number", max_len=100, required=False)
        level = c.choice("game_authorization_level", GAME_LEVELS) if number else "0"
        program["game"] = {"publication_number": number or None,
                           "authorization_level": int(level) if level.isdigit() else 0,
                           "mini_game_filing_approved": bool(form.get("game_filing_approved"))}
    if not check and c.errors:
        raise FormErrors(c.errors)
    return program


def added_program(form: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    """A 新增小程序 form: the chosen subject's id and the mini-program section, or `FormErrors`."""
    c = _Checker(form)
    program = program_section(form, c)
    subject_id = form.get("subject_id", "").strip()
    if not subject_id:
        c.errors["subject_id"] = "主办单位：请选择沿用哪个主办单位的信息"
    if c.errors:
        raise FormErrors(c.errors)
    return subject_id, program


def address_errors(regions: RegionTable, province: str, city: str, district: str) -> dict[str, str]:
    """The region selection's problems by form field (current GB/T 2260 codes, nested)."""
    errors: dict[str, str] = {}
    for name, value in (("province", province), ("city", city), ("district", district)):
        if not value:
            errors[name] = f"{LABELS[name]}：请选择"
    if "province" in errors:
        return errors
    for where, message, fix in regions.check_address(province, city or None, district or None):
        errors.setdefault(where, f"{LABELS[where]}：{message}，{fix}")
    return errors


def first_filing(form: Mapping[str, str], regions: RegionTable) -> dict[str, Any]:
    """The skeleton of a 首次备案 draft from the posted form, or `FormErrors` naming every bad field."""
    c = _Checker(form)
    program = program_section(form, c)
    nature = c.choice("nature", NATURES)
    cert_type = c.choice("certificate_type", CERTIFICATE_TYPES)
    number = c.text("certificate_number", max_len=64).upper()
    name = c.text("subject_name", max_len=100)
    individual = nature == SubjectNature.INDIVIDUAL.value
    personal = cert_type in {t.value for t in PersonIdType}
    if "nature" not in c.errors and "certificate_type" not in c.errors and individual != personal:
        c.errors["certificate_type"] = ("证件类型：个人主体应选择个人身份证件" if individual
                                        else "证件类型：单位主体应选择单位证件，个人请将单位性质选为“个人”")
    province, city, district = (form.get(k, "").strip() for k in ("province", "city", "district"))
    c.errors.update(address_errors(regions, province, city, district))
    if c.errors:
        raise FormErrors(c.errors)
    principal: dict[str, Any] = {
        "name": name if individual else "", "id_type": cert_type if individual else PersonIdType.RESIDENT_ID.value,
        "id_number": number if individual else "",
        "id_valid_from": PLACEHOLDER_VALID_FROM, "id_valid_to": PLACEHOLDER_VALID_TO,
        "mobile": "", "emergency_phone": "", "email": "", "is_legal_representative": False,
    }
    return {
        "schema_version": SCHEMA_VERSION, "kind": "new",
        "program": {**program, "principal": SAME_AS_SUBJECT_PRINCIPAL},
        "subject": {
            "nature": nature, "name": name, "certificate": {"type": cert_type, "number": number},
            "address": {"province": province, "city": city, "district": district, "detail": ""},
            "principal": principal,
        },
        "attachments": [],
    }


@dataclass(frozen=True, slots=True)
class RegionChoices:
    """The selects of the communication address: provinces, and the cities/districts of the selection."""

    provinces: list[tuple[str, str]]
    cities: list[tuple[str, str]]
    districts: list[tuple[str, str]]


def region_choices(regions: RegionTable, province: str = "", city: str = "") -> RegionChoices:
    provinces = [(p.code, p.name) for p in regions.provinces()]
    cities = [(r.code, r.name) for r in regions.subdivisions(province)] if regions.is_province(province) else []
    in_province = city[:2] == province[:2] and any(code == city for code, _ in cities)
    districts = [(r.code, r.name) for r in regions.subdivisions(city)] if in_province else []
    return RegionChoices(provinces, cities, districts)
