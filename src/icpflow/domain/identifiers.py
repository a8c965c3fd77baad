"""Validators for identity numbers, credit codes, phone numbers and e-mail addresses.

Every check returns None when the value is fine, or an `IdProblem` naming what is wrong and the expected
form, in Chinese, for the filer. Nothing here raises on any string (empty, whitespace, full-width digits,
emoji, control characters): the rules engine turns problems into findings.

Speed: one filing calls these about six times and the whole pre-check must stay within a few hundred
microseconds, so each check tries a cheap regular expression first and only then the slower libraries
(phonenumbers ~30 µs, email-validator ~30 µs per call), and the pure checks are memoised with
`functools.lru_cache(maxsize=8192)`: the same numbers recur across a batch (a company's principal
files many programs).

Sources:
* GB 11643-1999 公民身份号码: 6-digit address code (GB/T 2260), 8-digit birth date, 3-digit sequence,
  ISO 7064 MOD 11-2 check character (0-9 or X).
* GB 32100-2015 法人和其他组织统一社会信用代码编码规则: 18 characters from 0-9 and A-Y without I O Z S V;
  registration-authority code, institution-type code, GB/T 2260 region, GB 11714 organisation code,
  MOD 31 check character.
* 国家移民管理局, 新版外国人永久居留身份证机读信息规则 (2023): since 2023-12-01 the card number is
  18 characters, first digit 9, MOD 11-2 check like the citizen number; the 2017 card had 3 letters
  (nationality) + 12 digits.
* 港澳台居民居住证 (国办发〔2018〕81号): citizen-number format with address code 810000 (香港),
  820000 (澳门), 830000 (台湾).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from email_validator import validate_email

from .enums import PersonIdType
from .regions import RegionTable

__all__ = [
    "USCC_AUTHORITIES",
    "USCC_INSTITUTION_TYPES",
    "IdProblem",
    "check_email",
    "check_mobile",
    "check_person_id",
    "check_phone",
    "check_resident_id",
    "check_uscc",
    "gb11643_check_char",
    "is_chinese_ordinary_passport",
    "normalize_phone",
    "resident_id_area",
    "resident_id_birth_date",
    "uscc_authority",
    "uscc_check_char",
    "uscc_institution_type",
    "uscc_region",
]

_CACHE_SIZE = 8192
_EARLIEST_BIRTH = dt.date(1900, 1, 1)


@dataclass(frozen=True, slots=True)
class IdProblem:
    """What is wrong (`message`) and how to fix it (`fix`), in Chinese; `code` is a stable English key."""

    code: str
    message: str
    fix: str


# -- shared helpers ------------------------------------------------------------------------------------

# GB 11643 weights W_i = 2^(17-i) mod 11 for positions 1..17; the check value maps sum mod 11 to
# 1 0 X 9 8 7 6 5 4 3 2 (ISO 7064 MOD 11-2).
_GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB11643_CHECK = "10X98765432"

_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_DIGITS = re.compile(r"[0-9]+")


def gb11643_check_char(body: str) -> str:
    """The GB 11643 check character for 17 ASCII digits (the caller guarantees the form)."""
    total = sum(int(c) * w for c, w in zip(body, _GB11643_WEIGHTS, strict=True))
    return _GB11643_CHECK[total % 11]


def _display_char(ch: str) -> str:
    """A character safe to show inside a message: control, format and space characters as U+XXXX."""
    if ch.isprintable() and not ch.isspace():
        return f"“{ch}”"
    return f"U+{ord(ch):04X}"


def _text_problem(kind: str, label: str, text: str) -> IdProblem | None:
    """Empty / full-width / non-ASCII input, shared by every identifier check. `text` is stripped."""
    if not text:
        return IdProblem(f"{kind}.empty", f"{label}未填写", f"请填写{label}")
    if text.isascii():
        return None
    for ch in text:
        if ch.isascii():
            continue
        # Full-width forms (U+FF01–U+FF5E) and the ideographic space are what a Chinese IME types by
        # mistake: say so, because the filer cannot see the difference.
        if "\uff01" <= ch <= "\uff5e" or ch == "\u3000":
            return IdProblem(
                f"{kind}.fullwidth",
                f"{label}中含有全角字符{_display_char(ch)}",
                "请切换到半角(英文)输入法,重新输入数字和字母",
            )
        return IdProblem(
            f"{kind}.characters",
            f"{label}中含有不允许的字符{_display_char(ch)}",
            f"请只填写{label}本身的数字和字母,不要包含空格、符号或其他文字",
        )
    return None  # pragma: no cover - the loop always finds the non-ASCII character


def _birth_date(number: str) -> dt.date | None:
    """Characters 7–14 as a date, for any string of at least 14 characters; None when not a date."""
    part = number[6:14]
    if len(part) != 8 or not part.isascii() or not part.isdigit():
        return None
    try:
        return dt.date(int(part[:4]), int(part[4:6]), int(part[6:]))
    except ValueError:
        return None


def _birth_problem(kind: str, label: str, number: str, today: dt.date) -> IdProblem | None:
    born = _birth_date(number)
    if born is None:
        return IdProblem(
            f"{kind}.birth_date",
            f"{label}第 7–14 位“{number[6:14]}”不是有效的出生日期",
            "第 7–14 位应为出生年月日(YYYYMMDD),请对照证件核对",
        )
    if born < _EARLIEST_BIRTH or born > today:
        return IdProblem(
            f"{kind}.birth_date",
            f"{label}中的出生日期 {born.isoformat()} 不在 1900-01-01 至今天之间",
            "第 7–14 位应为出生年月日(YYYYMMDD),请对照证件核对",
        )
    return None


def _gb11643_problem(kind: str, label: str, number: str) -> IdProblem | None:
    """Length, form and MOD 11-2 check of an 18-character GB 11643-style number (already upper-cased)."""
    if len(number) != 18:
        return IdProblem(
            f"{kind}.length",
            f"{label}应为 18 位,实际为 {len(number)} 位",
            "请对照证件逐位核对,前 17 位为数字,最后一位为数字或 X",
        )
    if _ID18.fullmatch(number) is None:
        return IdProblem(
            f"{kind}.format",
            f"{label}格式不正确:前 17 位应为数字,最后一位为数字或 X",
            "请对照证件逐位核对,只有最后一位可以是字母 X",
        )
    if gb11643_check_char(number[:17]) != number[17]:
        # Do not reveal the expected check character: the typo is as likely in the first 17 digits,
        # and "fixing" the last one would turn a typo into a wrong but valid-looking number.
        return IdProblem(
            f"{kind}.checksum",
            f"{label}校验位不符,号码中可能有数字填错",
            "请对照证件逐位核对全部 18 位号码",
        )
    return None


# -- resident identity card (居民身份证) --------------------------------------------------------------

_RESIDENT_LABEL = "居民身份证号码"


def check_resident_id(number: str, regions: RegionTable, today: dt.date) -> IdProblem | None:
    """GB 11643 citizen number: 18 characters, check character, birth date, historical area code.

    The area code only has to exist in SOME edition of GB/T 2260. We deliberately do not gate on
    `stdnum.cn.ric.is_valid`: it also requires the area code to have been in use in the birth year,
    which rejects real numbers. A number is assigned when the first card is issued (many people born
    before 1984 got theirs decades later) and is kept for life when the county is renamed or re-coded,
    so e.g. someone born in 1960 and registered in 余杭区 (330110, created 2001) holds 330110 1960….
    """
    if not isinstance(number, str):
        return IdProblem("resident_id.empty", f"{_RESIDENT_LABEL}未填写", f"请填写{_RESIDENT_LABEL}")
    return _check_resident_id(number, regions, today)


@lru_cache(maxsize=_CACHE_SIZE)
def _check_resident_id(number: str, regions: RegionTable, today: dt.date) -> IdProblem | None:
    kind, label = "resident_id", _RESIDENT_LABEL
    text = number.strip()
    problem = _text_problem(kind, label, text)
    if problem is not None:
        return problem
    text = text.upper()  # a lowercase x is the same check character X
    if len(text) == 15 and text.isdigit():
        return IdProblem(
            f"{kind}.old_15_digit",
            "这是 15 位的第一代身份证号码,已停止使用",
            "请填写第二代居民身份证上的 18 位号码",
        )
    problem = _gb11643_problem(kind, label, text)
    if problem is not None:
        return problem
    problem = _birth_problem(kind, label, text, today)
    if problem is not None:
        return problem
    area = text[:6]
    # Same number format, other documents: name the right type instead of a puzzling "bad area".
    if area in ("810000", "820000"):
        return IdProblem(
            f"{kind}.is_hk_macao_residence_permit",
            "该号码是港澳居民居住证号码,不是居民身份证号码",
            "请将证件类型改为“港澳居民居住证”",
        )
    if area == "830000":
        return IdProblem(
            f"{kind}.is_taiwan_residence_permit",
            "该号码是台湾居民居住证号码,不是居民身份证号码",
            "请将证件类型改为“台湾居民居住证”",
        )
    if not regions.exists_any_year(area):
        if text[0] == "9":
            return IdProblem(
                f"{kind}.is_foreign_permanent_residence",
                "以 9 开头的 18 位号码是外国人永久居留身份证号码,不是居民身份证号码",
                "请将证件类型改为“外国人永久居留身份证”",
            )
        return IdProblem(
            f"{kind}.area",
            f"{label}前 6 位“{area}”不是任何年份的行政区划代码",
            "前 6 位应为签发地的行政区划代码,请对照身份证核对",
        )
    return None


def resident_id_birth_date(number: str) -> dt.date | None:
    """The birth date in an 18-character citizen number (any well-formed date), else None."""
    if not isinstance(number, str):
        return None
    text = number.strip()
    if len(text) != 18:
        return None
    return _birth_date(text)


def resident_id_area(number: str) -> str | None:
    """The 6-digit area code of an 18-character citizen number, else None."""
    if not isinstance(number, str):
        return None
    text = number.strip().upper()
    if _ID18.fullmatch(text) is None:
        return None
    return text[:6]


# -- the other six personal documents -------------------------------------------------------------------

# Chinese ordinary passports (普通护照): G + 8 digits (2006–2012), E + 8 digits (e-passport from 2012),
# E + a letter (not I/O) + 7 digits once the E-digit range ran out (2017 on).
_CN_PASSPORT = re.compile(r"[EG][0-9]{8}|E[A-HJ-NP-Z][0-9]{7}")
# ICAO Doc 9303 allows up to 9 characters in the MRZ document-number field and states may use longer
# numbers printed elsewhere; we accept 5–17 letters and digits with at least one digit (no state issues
# all-letter passport numbers), which also keeps placeholders such as "ABCDE" out.
_PASSPORT = re.compile(r"(?=[A-Z]*[0-9])[A-Z0-9]{5,17}")
# 台湾居民来往大陆通行证: the card issued since 2015-09-21 has an 8-digit number; the older booklet had
# 10 digits, sometimes followed by a bracketed letter, e.g. 1234567890(B).
_TAIWAN_TRAVEL = re.compile(r"[0-9]{8}|[0-9]{10}(?:[(（][A-Z][)）])?")
# 港澳居民来往内地通行证 (回乡证): H (香港) or M (澳门) + 8 digits on the card issued since 2013;
# the older booklet had H/M + 10 digits.
_HK_MACAO_TRAVEL = re.compile(r"[HM](?:[0-9]{8}|[0-9]{10})")
# 外国人永久居留身份证, 2017 card: 3-letter nationality code + 12 digits.
_FOREIGN_PR_OLD = re.compile(r"[A-Z]{3}[0-9]{12}")

_LABELS: dict[str, str] = {
    PersonIdType.RESIDENT_ID: _RESIDENT_LABEL,
    PersonIdType.PASSPORT: "护照号码",
    PersonIdType.TAIWAN_TRAVEL_PERMIT: "台湾居民来往大陆通行证号码",
    PersonIdType.HK_MACAO_TRAVEL_PERMIT: "港澳居民来往内地通行证号码",
    PersonIdType.FOREIGN_PERMANENT_RESIDENCE: "外国人永久居留身份证号码",
    PersonIdType.HK_MACAO_RESIDENCE_PERMIT: "港澳居民居住证号码",
    PersonIdType.TAIWAN_RESIDENCE_PERMIT: "台湾居民居住证号码",
}


def is_chinese_ordinary_passport(number: str) -> bool:
    """True for the Chinese ordinary-passport forms G/E + 8 digits and E + letter + 7 digits."""
    return isinstance(number, str) and _CN_PASSPORT.fullmatch(number.strip().upper()) is not None


def check_person_id(
    id_type: PersonIdType | str, number: str, regions: RegionTable, today: dt.date
) -> IdProblem | None:
    """Check `number` as a document of `id_type` (one of the seven `PersonIdType`s)."""
    if not isinstance(number, str):
        number = ""
    try:
        kind = PersonIdType(id_type)
    except ValueError:
        return IdProblem(
            "person_id.unknown_type",
            f"证件类型“{id_type}”不是可接受的个人证件",
            "请选择居民身份证、护照、台湾居民来往大陆通行证、港澳居民来往内地通行证、"
            "外国人永久居留身份证、港澳居民居住证或台湾居民居住证",
        )
    if kind is PersonIdType.RESIDENT_ID:
        return _check_resident_id(number, regions, today)
    return _check_other_id(kind, number, regions, today)


@lru_cache(maxsize=_CACHE_SIZE)
def _check_other_id(
    kind: PersonIdType, number: str, regions: RegionTable, today: dt.date
) -> IdProblem | None:
    label = _LABELS[kind]
    text = number.strip()
    problem = _text_problem(kind.value, label, text)
    # The older Taiwan permit prints its letter in full-width brackets: accept those two characters.
    fullwidth_brackets_ok = kind is PersonIdType.TAIWAN_TRAVEL_PERMIT and _TAIWAN_TRAVEL.fullmatch(
        text.upper()
    )
    if problem is not None and not fullwidth_brackets_ok:
        return problem
    text = text.upper()

    if kind is PersonIdType.PASSPORT:
        if _PASSPORT.fullmatch(text):
            return None
        if _ID18.fullmatch(text):
            return IdProblem(
                "passport.is_resident_id",
                "护照号码填成了 18 位的身份证类号码",
                "请填写护照资料页上的护照号码,或将证件类型改为实际使用的证件",
            )
        return IdProblem(
            "passport.format",
            "护照号码格式不正确:应为 5–17 位字母和数字",
            "请按护照资料页填写,中国普通护照为 E 或 G 加 8 位数字,或 E 加 1 位字母和 7 位数字",
        )

    if kind is PersonIdType.TAIWAN_TRAVEL_PERMIT:
        if _TAIWAN_TRAVEL.fullmatch(text):
            return None
        return IdProblem(
            "taiwan_travel_permit.format",
            "台湾居民来往大陆通行证号码格式不正确",
            "2015 年起签发的卡式台胞证为 8 位数字;旧版本式证件为 10 位数字,可带括号字母,如 1234567890(B)",
        )

    if kind is PersonIdType.HK_MACAO_TRAVEL_PERMIT:
        if _HK_MACAO_TRAVEL.fullmatch(text):
            return None
        return IdProblem(
            "hk_macao_travel_permit.format",
            "港澳居民来往内地通行证号码格式不正确",
            "号码应为 H(香港居民)或 M(澳门居民)加 8 位数字,旧版证件为 H/M 加 10 位数字",
        )

    if kind is PersonIdType.FOREIGN_PERMANENT_RESIDENCE:
        if _FOREIGN_PR_OLD.fullmatch(text):
            return None
        if len(text) == 18 and text[0] != "9":
            return IdProblem(
                "foreign_permanent_residence.prefix",
                "18 位外国人永久居留身份证号码应以 9 开头",
                "请对照证件核对;2023 年版证件号码为 9 开头的 18 位,旧版为 3 位字母加 12 位数字",
            )
        if len(text) != 18:
            return IdProblem(
                "foreign_permanent_residence.format",
                "外国人永久居留身份证号码格式不正确",
                "2023 年版证件号码为 9 开头的 18 位(最后一位可为 X),旧版为 3 位字母加 12 位数字",
            )
        return _gb11643_problem(kind.value, label, text)

    # 港澳居民居住证 / 台湾居民居住证: citizen-number format with a fixed address code.
    prefixes = ("810000", "820000") if kind is PersonIdType.HK_MACAO_RESIDENCE_PERMIT else ("830000",)
    problem = _gb11643_problem(kind.value, label, text)
    if problem is not None:
        return problem
    if text[:6] not in prefixes:
        expected = "810000(香港)或 820000(澳门)" if len(prefixes) == 2 else "830000"
        hint = ""
        if regions.exists_any_year(text[:6]) and text[:6] not in ("810000", "820000", "830000"):
            hint = ",看起来是居民身份证号码"
        return IdProblem(
            f"{kind.value}.prefix",
            f"{label}应以 {expected} 开头{hint}",
            "请对照居住证核对号码,或将证件类型改为实际使用的证件",
        )
    return _birth_problem(kind.value, label, text, today)


# -- unified social credit code (统一社会信用代码, GB 32100-2015) ----------------------------------------

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O Z S V
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
_USCC_FORM = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{18}")

#: GB 32100-2015 表 1: registration-authority code (登记管理部门代码).
USCC_AUTHORITIES: dict[str, str] = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}

#: GB 32100-2015 表 1: institution-type code (机构类别代码) per authority.
USCC_INSTITUTION_TYPES: dict[str, dict[str, str]] = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "2": {"1": "外国常驻新闻机构", "9": "其他"},
    "3": {
        "1": "律师执业机构",
        "2": "公证处",
        "3": "基层法律服务所",
        "4": "司法鉴定机构",
        "5": "仲裁委员会",
        "9": "其他",
    },
    "4": {"1": "外国在华文化中心", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "6": {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地(大陆)代表机构", "9": "其他"},
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    "Y": {"1": "其他"},  # 其他: not subdivided, always 1
}

#: Region part of codes assigned by central (national-level) registration authorities.
_USCC_CENTRAL_REGION = "100000"
_USCC_LABEL = "统一社会信用代码"


def uscc_check_char(body: str) -> str:
    """The GB 32100 MOD 31 check character for 17 characters from the USCC alphabet (caller checks)."""
    total = sum(_USCC_VALUE[c] * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(number: str, regions: RegionTable) -> IdProblem | None:
    """GB 32100 unified social credit code: alphabet, authority and type codes, region, check character.

    Own implementation rather than `stdnum.cn.uscc.is_valid`, which requires the first 8 characters to
    be digits and so rejects the authority codes A (军队), N (农业) and Y (其他) that GB 32100 defines.
    The organisation-code part (characters 9–17, GB 11714) is not re-checked: codes of 个体工商户 are
    assigned without a GB 11714 check character.
    """
    if not isinstance(number, str):
        number = ""
    return _check_uscc(number, regions)


@lru_cache(maxsize=_CACHE_SIZE)
def _check_uscc(number: str, regions: RegionTable) -> IdProblem | None:
    kind, label = "uscc", _USCC_LABEL
    text = number.strip()
    problem = _text_problem(kind, label, text)
    if problem is not None:
        return problem
    text = text.upper()
    if len(text) != 18:
        hint = ",15 位的是旧营业执照注册号" if len(text) == 15 and text.isdigit() else ""
        return IdProblem(
            "uscc.length",
            f"{label}应为 18 位,实际为 {len(text)} 位{hint}",
            "请按营业执照或登记证书上的 18 位统一社会信用代码填写",
        )
    if _USCC_FORM.fullmatch(text) is None:
        bad = next((c for c in text if c not in _USCC_VALUE), "")
        hint = ""
        if bad == "O":
            hint = "(可能把数字 0 写成了字母 O)"
        elif bad == "I":
            hint = "(可能把数字 1 写成了字母 I)"
        return IdProblem(
            "uscc.characters",
            f"{label}中含有不使用的字符{_display_char(bad)}{hint}",
            "统一社会信用代码只由数字和大写字母组成,不使用字母 I、O、Z、S、V",
        )
    authority, institution = text[0], text[1]
    if authority not in USCC_AUTHORITIES:
        return IdProblem(
            "uscc.authority",
            f"{label}第 1 位“{authority}”不是登记管理部门代码",
            "第 1 位应为 1–9、A、N 或 Y,请对照证照核对",
        )
    types = USCC_INSTITUTION_TYPES[authority]
    if institution not in types:
        allowed = "、".join(types)
        return IdProblem(
            "uscc.institution_type",
            f"{label}第 2 位“{institution}”不是{USCC_AUTHORITIES[authority]}登记的机构类别代码",
            f"登记管理部门为“{authority}”时第 2 位应为 {allowed},请对照证照核对",
        )
    region = text[2:8]
    if not (region.isdigit() and (region == _USCC_CENTRAL_REGION or regions.exists_any_year(region))):
        return IdProblem(
            "uscc.region",
            f"{label}第 3–8 位“{region}”不是行政区划代码",
            "第 3–8 位应为登记机关所在地的行政区划代码,请对照证照核对",
        )
    if uscc_check_char(text[:17]) != text[17]:
        return IdProblem(
            "uscc.checksum",
            f"{label}校验位不符,代码中可能有字符填错",
            "请对照营业执照或登记证书逐位核对全部 18 位",
        )
    return None


def _uscc_text(number: str) -> str | None:
    if not isinstance(number, str):
        return None
    text = number.strip().upper()
    return text if _USCC_FORM.fullmatch(text) else None


def uscc_authority(number: str) -> str | None:
    """The registration-authority code (1st character, e.g. "9" for 工商), or None if not a USCC form."""
    text = _uscc_text(number)
    return None if text is None else text[0]


def uscc_institution_type(number: str) -> str | None:
    """The institution-type code (2nd character, e.g. "2" in 92… for 个体工商户), or None."""
    text = _uscc_text(number)
    return None if text is None else text[1]


def uscc_region(number: str) -> str | None:
    """The registration region (characters 3–8) when they are digits, else None."""
    text = _uscc_text(number)
    if text is None or not text[2:8].isdigit():
        return None
    return text[2:8]


# -- phone numbers ----------------------------------------------------------------------------------------

# Separators filers type inside phone numbers; anything else is left in and fails the fast path.
_PHONE_SEPARATORS = str.maketrans("", "", " -()\u00a0")
# Mainland mobile numbers: 11 digits starting 13–19 (MIIT numbering plan); +86 / 0086 / 86 allowed.
_MOBILE_FAST = re.compile(r"(?:\+86|0086|86)?(1[3-9][0-9]{9})")
# The shape of a mobile number with a prefix outside the plan (12x, 10x): reported as "not allocated".
_MOBILE_SHAPE = re.compile(r"(?:\+86|0086|86)?(1[0-9]{10})")
# Landlines: trunk 0 + area code (2–3 digits after the 0, e.g. 10, 571) + 7–8 digit subscriber number;
# with +86/0086 the trunk 0 is dropped.
_LANDLINE_FAST = re.compile(r"(?:(?:\+86|0086)([1-9][0-9]{8,10})|(0[1-9][0-9]{8,10}))")
_MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
_PHONE_TYPES = _MOBILE_TYPES | {phonenumbers.PhoneNumberType.FIXED_LINE}


def _phone_text(number: str) -> str:
    return number.strip().translate(_PHONE_SEPARATORS)


# phonenumbers decides a number's type by trying its region's descriptors in a fixed order, in Python,
# which costs ~25 us a number. `_cn_number_type` runs the same algorithm (the order and possible-length
# gate of `phonenumberutil._number_type_helper`) over the library's own CN metadata, compiled once.
# tests/domain/test_identifiers_fast_paths.py checks it against phonenumbers number by number.
_CN_META = phonenumbers.PhoneMetadata.metadata_for_region("CN")
_TYPE_ORDER = (
    ("premium_rate", phonenumbers.PhoneNumberType.PREMIUM_RATE),
    ("toll_free", phonenumbers.PhoneNumberType.TOLL_FREE),
    ("shared_cost", phonenumbers.PhoneNumberType.SHARED_COST),
    ("voip", phonenumbers.PhoneNumberType.VOIP),
    ("personal_number", phonenumbers.PhoneNumberType.PERSONAL_NUMBER),
    ("pager", phonenumbers.PhoneNumberType.PAGER),
    ("uan", phonenumbers.PhoneNumberType.UAN),
    ("voicemail", phonenumbers.PhoneNumberType.VOICEMAIL),
)


def _descriptor(name: str) -> tuple[frozenset[int], re.Pattern[str]] | None:
    desc = getattr(_CN_META, name, None)
    if desc is None or desc.national_number_pattern is None:
        return None
    return frozenset(desc.possible_length or ()), re.compile(desc.national_number_pattern)


_CN_GENERAL = _descriptor("general_desc")
_CN_ORDERED = [(d, kind) for name, kind in _TYPE_ORDER if (d := _descriptor(name)) is not None]
_CN_FIXED = _descriptor("fixed_line")
_CN_MOBILE = _descriptor("mobile")


def _matches(national: str, desc: tuple[frozenset[int], re.Pattern[str]] | None) -> bool:
    if desc is None:
        return False
    lengths, pattern = desc
    if lengths and len(national) not in lengths:
        return False
    return pattern.fullmatch(national) is not None


def _cn_number_type(national: str) -> int:
    """The phonenumbers type of a CN national significant number (no trunk 0), as the library computes it."""
    if not _matches(national, _CN_GENERAL):
        return phonenumbers.PhoneNumberType.UNKNOWN
    for desc, kind in _CN_ORDERED:
        if _matches(national, desc):
            return kind
    same = _CN_META.same_mobile_and_fixed_line_pattern
    if _matches(national, _CN_FIXED):
        if same or _matches(national, _CN_MOBILE):
            return phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE
        return phonenumbers.PhoneNumberType.FIXED_LINE
    if not same and _matches(national, _CN_MOBILE):
        return phonenumbers.PhoneNumberType.MOBILE
    return phonenumbers.PhoneNumberType.UNKNOWN


def check_mobile(number: str) -> IdProblem | None:
    """A mainland China mobile number: 11 digits (optionally +86 / 86), spaces and dashes allowed."""
    if not isinstance(number, str):
        number = ""
    return _check_mobile(number)


@lru_cache(maxsize=_CACHE_SIZE)
def _check_mobile(number: str) -> IdProblem | None:
    label = "手机号码"
    text = _phone_text(number)
    problem = _text_problem("mobile", label, text)
    if problem is not None:
        return problem
    m = _MOBILE_FAST.fullmatch(text) or _MOBILE_SHAPE.fullmatch(text)
    if m is None:
        if _LANDLINE_FAST.fullmatch(text):
            return IdProblem(
                "mobile.landline",
                "这是固定电话号码,此处需要手机号码",
                "请填写 11 位中国内地手机号码,如 13800138000",
            )
        return IdProblem(
            "mobile.format",
            "手机号码应为 11 位中国内地手机号码(以 1 开头)",
            "请填写 11 位数字,如 13800138000;可带 +86,不要带分机号或其他文字",
        )
    kind = _cn_number_type(m.group(1)) if m.re is _MOBILE_FAST else phonenumbers.PhoneNumberType.UNKNOWN
    if kind not in _MOBILE_TYPES:
        return IdProblem(
            "mobile.unassigned",
            f"{m.group(1)} 不在已分配的中国内地手机号段内(前 3 位“{m.group(1)[:3]}”)",
            "请核对手机号码的前 3 位是否填错",
        )
    return None


def check_phone(number: str) -> IdProblem | None:
    """A mainland mobile number, or a landline with its area code (0571-88889999, 010-12345678)."""
    if not isinstance(number, str):
        number = ""
    return _check_phone(number)


@lru_cache(maxsize=_CACHE_SIZE)
def _check_phone(number: str) -> IdProblem | None:
    label = "电话号码"
    text = _phone_text(number)
    problem = _text_problem("phone", label, text)
    if problem is not None:
        return problem
    if _MOBILE_SHAPE.fullmatch(text):
        problem = _check_mobile(number)
        if problem is None:
            return None
        return IdProblem("phone.unassigned", problem.message, problem.fix)
    m = _LANDLINE_FAST.fullmatch(text)
    if m is None:
        if text.isdigit() and 7 <= len(text) <= 8:
            return IdProblem(
                "phone.area_code",
                "固定电话号码缺少区号",
                "请在号码前加上区号,如 0571-88889999、010-12345678",
            )
        return IdProblem(
            "phone.format",
            "电话号码格式不正确",
            "请填写 11 位手机号码,或带区号的固定电话,如 0571-88889999;不要带分机号或其他文字",
        )
    national = m.group(2) or "0" + m.group(1)
    if _cn_number_type(national[1:]) not in _PHONE_TYPES:
        return IdProblem(
            "phone.invalid",
            f"{national} 不是有效的中国内地固定电话号码",
            "请核对区号和号码位数,如 0571-88889999、010-12345678",
        )
    return None


def normalize_phone(number: str) -> str:
    """Digits only, national form ("+86 138-0013-8000" -> "13800138000", "+86 571 8888 9999" ->
    "057188889999"), so two spellings of one number compare equal. Unrecognised input: its ASCII digits."""
    if not isinstance(number, str):
        return ""
    return _normalize_phone(number)


@lru_cache(maxsize=_CACHE_SIZE)
def _normalize_phone(number: str) -> str:
    text = _phone_text(number)
    if m := _MOBILE_FAST.fullmatch(text):
        return m.group(1)
    if m := _LANDLINE_FAST.fullmatch(text):
        return m.group(2) or "0" + m.group(1)
    return "".join(_DIGITS.findall(text))


# -- e-mail -------------------------------------------------------------------------------------------------

# Cheap shape test: one @, something on both sides, a dot in the domain, no whitespace.
_EMAIL_FAST = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


# email-validator costs ~120 us an address. Almost every address filers type is a plain ASCII dot-atom
# at an ordinary domain, which the library always accepts; those skip it. Anything else (quotes, IDNA,
# odd lengths, special-use domains, "--" in a label) still goes through the library.
# tests/domain/test_identifiers_fast_paths.py checks: plainly valid => the library accepts.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL_PLAIN = re.compile(rf"({_ATOM}(?:\.{_ATOM})*)@((?:{_LABEL}\.)+([A-Za-z]{{2,63}}))")
_SPECIAL_USE = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})


def _email_plainly_valid(text: str) -> bool:
    m = _EMAIL_PLAIN.fullmatch(text)
    if m is None or len(m.group(1)) > 64 or len(text) > 254 or len(m.group(2)) > 253:
        return False
    if m.group(3).lower() in _SPECIAL_USE:
        return False
    return all(label[2:4] != "--" for label in m.group(2).split("."))


def check_email(addr: str) -> IdProblem | None:
    """An e-mail address by RFC 5321/5322 syntax (email-validator, no DNS lookup: no network here)."""
    if not isinstance(addr, str):
        addr = ""
    return _check_email(addr)


@lru_cache(maxsize=_CACHE_SIZE)
def _check_email(addr: str) -> IdProblem | None:
    text = addr.strip()
    fix = "请填写完整的电子邮箱地址,如 name@example.com"
    if not text:
        return IdProblem("email.empty", "电子邮箱未填写", fix)
    if not text.isascii():
        wide = next((c for c in text if "\uff01" <= c <= "\uff5e" or c == "\u3000"), None)
        if wide is not None:
            return IdProblem(
                "email.fullwidth",
                f"电子邮箱中含有全角字符{_display_char(wide)}",
                "请切换到半角(英文)输入法重新输入,@ 和 . 都应为半角",
            )
    if _EMAIL_FAST.fullmatch(text) is None:
        return IdProblem("email.format", "电子邮箱地址格式不正确:应包含 @ 和带“.”的域名", fix)
    if _email_plainly_valid(text):
        return None
    try:
        validate_email(text, check_deliverability=False)
    except Exception:
        # EmailNotValidError is the documented failure; anything else (an idna codec error on an
        # exotic domain) is still "not a usable address", and this function must never raise.
        return IdProblem("email.format", "电子邮箱地址格式不正确", fix)
    return None
