"""Fakes of the ports, public so that tests and users share them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from .adapters.crypto import FieldCipher
from .domain.rules.context import ImageFacts


class FrozenClock:
    """A clock that always says the same moment (Asia/Shanghai)."""

    def __init__(self, day: dt.date | str, hour: int = 12) -> None:
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        self._now = dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo("Asia/Shanghai"))

    def now(self) -> dt.datetime:
        return self._now

    def today(self) -> dt.date:
        return self._now.date()


class StaticImageProbe:
    """Answers from a table of file name -> facts; unknown files are 'not measured' (None)."""

    def __init__(self, facts: Mapping[str, ImageFacts]) -> None:
        self._facts = dict(facts)
        self.asked: list[str] = []

    def probe(self, file: str) -> ImageFacts | None:
        self.asked.append(file)
        return self._facts.get(file)


# ----- building valid filing documents -------------------------------------------------------------
#
# Tests, examples and benchmarks all need realistic documents with correct checksums. `make_filing`
# returns a plain dict (the JSON contract) that passes every rule for its province unless told
# otherwise; tests then change one thing and watch one rule fire.

#: One current district per province, used for addresses and the numbers' region codes.
PROVINCE_DISTRICTS: dict[str, str] = {
    "110000": "110105", "120000": "120101", "130000": "130102", "140000": "140105", "150000": "150102",
    "210000": "210102", "220000": "220102", "230000": "230102", "310000": "310104", "320000": "320102",
    "330000": "330106", "340000": "340102", "350000": "350102", "360000": "360102", "370000": "370102",
    "410000": "410102", "420000": "420102", "430000": "430102", "440000": "440305", "450000": "450102",
    "460000": "460105", "500000": "500103", "510000": "510104", "520000": "520102", "530000": "530102",
    "540000": "540102", "610000": "610102", "620000": "620102", "630000": "630102", "640000": "640104",
    "650000": "650102",
}

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code(seq: int) -> str:
    """A GB 11714 organisation code (8 characters + check character), embedded in a USCC."""
    body = f"MA{seq % 1_000_000:06d}"
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, _ORG_WEIGHTS, strict=True)) % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def make_uscc(district: str, seq: int = 1, authority: str = "9", kind: str = "1") -> str:
    """A valid unified social credit code (GB 32100) registered in `district`."""
    body = authority + kind + district + _org_code(seq)
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_ALPHABET[(31 - total) % 31]


def make_resident_id(area: str, birth: str = "19900307", seq: int = 123) -> str:
    """A valid resident ID (GB 11643) with this area code, birth date (YYYYMMDD) and sequence."""
    body = f"{area}{birth}{seq % 1000:03d}"
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(body))
    check = (12 - total % 11) % 11
    return body + ("X" if check == 10 else str(check))


def make_person(area: str, *, name: str, seq: int, legal_rep: bool, phone_seed: int) -> dict[str, object]:
    return {
        "name": name,
        "id_type": "resident_id",
        "id_number": make_resident_id(area, seq=seq),
        "id_valid_from": "2018-03-01",
        "id_valid_to": "2038-03-01",
        "id_address": "",
        "mobile": f"138{phone_seed:08d}",
        "emergency_phone": f"139{phone_seed:08d}",
        "email": f"user{phone_seed}@example.com",
        "is_legal_representative": legal_rep,
        "face_verified": True,
    }


def make_filing(
    province: str = "330000",
    *,
    nature: str = "enterprise",
    program_type: str = "mini_program",
    submitted_on: str = "2026-11-22",
    seq: int = 1,
) -> dict[str, object]:
    """A complete new filing that every rule of `province` accepts (for an organisation, the subject
    principal is the legal representative and also the mini-program principal; for an individual,
    the person is local to the province). Change one field to make one rule fire."""
    district = PROVINCE_DISTRICTS[province]
    city = district[:4] + "00"
    individual = nature == "individual"
    principal = make_person(district, name="王某某", seq=seq, legal_rep=not individual, phone_seed=seq * 4)
    if individual:
        subject_name = str(principal["name"])
        certificate: dict[str, object] = {
            "type": "resident_id", "number": principal["id_number"], "address": "某市某区某路 1 号",
            "valid_from": principal["id_valid_from"], "valid_to": principal["id_valid_to"],
        }
    else:
        subject_name = f"某某科技有限公司{seq}"
        authority = {"government": "1", "public_institution": "1", "social_organization": "5"}.get(nature, "9")
        cert_type = {"government": "uscc_certificate", "public_institution": "public_institution_certificate",
                     "social_organization": "social_organization_certificate"}.get(nature, "business_license")
        certificate = {
            "type": cert_type, "number": make_uscc(district, seq, authority), "address": "某区某路 90 号",
            "valid_from": "2019-05-01", "valid_to": "long_term",
            "business_scope": "技术开发、技术服务、技术咨询；软件开发；计算机系统服务。",
        }
    attachments: list[dict[str, object]] = [
        {"id": "id-front", "slot": "subject_principal_id", "kind": "id_front", "width": 1600, "height": 1000},
        {"id": "id-back", "slot": "subject_principal_id", "kind": "id_back", "width": 1600, "height": 1000},
    ]
    if not individual:
        attachments.insert(0, {"id": "cert", "slot": "subject_certificate", "kind": "certificate_photo",
                               "width": 1600, "height": 1200})
    program: dict[str, object] = {
        "type": program_type,
        "appid": f"wx{seq:016x}",
        "name": "鲜果日记" if program_type == "mini_program" else "方块消消乐",
        "languages": ["zh-Hans"],
        "service_content_types": ["生活服务-工具"],
        "description": "记录每日饮食并提供健康饮食小知识的工具，用户可以打卡、查看历史记录和设置提醒。",
        "remark": "该小程序是《鲜果日记》，提供饮食记录、打卡和提醒功能，目的是帮助用户养成健康饮食习惯。",
        "pre_approvals": [],
        "principal": "same_as_subject_principal",
        "listed": False,
        "count_under_subject": 1,
    }
    if program_type == "mini_game":
        program["game"] = {"publication_number": None, "authorization_level": 0, "mini_game_filing_approved": True}
        program["description"] = "一款休闲消除类小游戏，玩家交换相邻方块凑成三个同色即可消除，闯关获得星星。"
        program["remark"] = "该游戏是《方块消消乐》，经营休闲消除游戏内容，目的是给用户带来休闲、娱乐体验。"
    signed_on = (dt.date.fromisoformat(submitted_on) - dt.timedelta(days=10)).isoformat()
    letters = {"440000": ("guangdong_filing_commitment", "filing_commitment"),
               "500000": ("chongqing_public_commitment", "filing_commitment")}
    if province in letters:
        kind, slot = letters[province]
        attachments.append({"id": "commitment", "slot": slot, "kind": kind, "signed_on": signed_on,
                            "width": 1200, "height": 1600})
    if province == "120000":
        _tianjin(program, principal, attachments, subject_name, district, seq,
                 nature in ("individual", "individual_business"), signed_on)
    doc: dict[str, object] = {
        "schema_version": 1,
        "kind": "new",
        "submitted_on": submitted_on,
        "program": program,
        "subject": {
            "nature": nature,
            "name": subject_name,
            "certificate": certificate,
            "address": {"province": province, "city": city, "district": district, "detail": "某某路 90 号 3 幢 501 室"},
            "remark": "",
            "legal_representative": None if individual else {
                "name": principal["name"], "id_type": "resident_id", "id_number": principal["id_number"]},
            "principal": principal,
        },
        "attachments": attachments,
    }
    return doc


def _tianjin(program: dict[str, object], principal: dict[str, object], attachments: list[dict[str, object]],
             subject_name: str, district: str, seq: int, one_person: bool, signed_on: str) -> None:
    """Tianjin wants an employee other than the legal representative as mini-program principal, with
    a letter, and nothing in the remarks but one fixed line per emergency phone (seed 004 §1.3 天津).
    Individuals and individual businesses keep their one person as both principals."""
    people = [principal]
    if not one_person:
        employee = make_person(district, name="李某某", seq=seq + 500, legal_rep=False, phone_seed=seq * 4 + 1)
        program["principal"] = employee
        people.append(employee)
        attachments += [
            {"id": "pp-front", "slot": "program_principal_id", "kind": "id_front", "width": 1600, "height": 1000},
            {"id": "pp-back", "slot": "program_principal_id", "kind": "id_back", "width": 1600, "height": 1000},
            {"id": "pp-auth", "slot": "program_supplementary", "kind": "program_principal_authorization",
             "signed_on": signed_on, "width": 1200, "height": 1600},
        ]
    company = subject_name.removesuffix("公司")
    program["remark"] = "\n".join(
        f"应急联系电话手机号{p['emergency_phone']}使用人为{company}公司员工张某某" for p in people)


class SteppingClock:
    """A clock tests move by hand: `clock.advance(hours=25)`."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("SteppingClock needs an aware datetime")
        self._now = start

    def now(self) -> dt.datetime:
        return self._now

    def today(self) -> dt.date:
        return self._now.astimezone(ZoneInfo("Asia/Shanghai")).date()

    def advance(self, **delta: float) -> dt.datetime:
        self._now += dt.timedelta(**delta)
        return self._now

    def set(self, moment: dt.datetime) -> None:
        self._now = moment


# ----- personal information at rest ------------------------------------------------------------------

#: A fixed key for tests and benchmarks only (ICPFLOW_ENCRYPTION_KEYS form): never for real data.
TEST_ENCRYPTION_KEYS = "test1:" + "dGVzdC1vbmx5LWtleS1kby1ub3QtdXNlLWZvci1kYXQ="


def fixed_cipher(setting: str = TEST_ENCRYPTION_KEYS) -> FieldCipher:
    """The field cipher of `setting`, by default the fixed test key."""
    return FieldCipher.from_setting(setting)
