"""Validators for personal identity numbers (credit codes: `credit_code.py`; phones and e-mail: `contacts.py`).

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

from .enums import PersonIdType
from .regions import RegionTable

__all__ = [
    "IdProblem",
    "check_person_id",
    "check_resident_id",
    "gb11643_check_char",
    "is_chinese_ordinary_passport",
    "resident_id_area",
    "resident_id_birth_date",
]

CACHE_SIZE = 8192
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


def _gb11643_check_fast(body: str) -> str:
    """`gb11643_check_char` in one C call: the weights are 2^17 … 2^1 mod 11 and 13 ≡ 2 (mod 11), so
    the weighted sum is ≡ 2 × (the 17 digits read in base 13). tests/domain/test_identifiers_fast_paths.py
    compares the two."""
    return _GB11643_CHECK[2 * int(body, 13) % 11]

_ID18 = re.compile(r"[0-9]{17}[0-9X]")
DIGITS = re.compile(r"[0-9]+")


def gb11643_check_char(body: str) -> str:
    """The GB 11643 check character for 17 ASCII digits (the caller guarantees the form)."""
    total = sum(int(c) * w for c, w in zip(body, _GB11643_WEIGHTS, strict=True))
    return _GB11643_CHECK[total % 11]


def display_char(ch: str) -> str:
    """A character safe to show inside a message: control, format and space characters as U+XXXX."""
    if ch.isprintable() and not ch.isspace():
        return f"“{ch}”"
    return f"U+{ord(ch):04X}"


def text_problem(kind: str, label: str, text: str) -> IdProblem | None:
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
                f"{label}中含有全角字符{display_char(ch)}",
                "请切换到半角（英文）输入法，重新输入数字和字母",
            )
        return IdProblem(
            f"{kind}.characters",
            f"{label}中含有不允许的字符{display_char(ch)}",
            f"请只填写{label}本身的数字和字母，不要包含空格、符号或其他文字",
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
            "第 7–14 位应为出生年月日(YYYYMMDD)，请对照证件核对",
        )
    if born < _EARLIEST_BIRTH or born > today:
        return IdProblem(
            f"{kind}.birth_date",
            f"{label}中的出生日期 {born.isoformat()} 不在 1900-01-01 至今天之间",
            "第 7–14 位应为出生年月日(YYYYMMDD)，请对照证件核对",
        )
    return None


def _gb11643_problem(kind: str, label: str, number: str) -> IdProblem | None:
    """Length, form and MOD 11-2 check of an 18-character GB 11643-style number (already upper-cased)."""
    if len(number) != 18:
        return IdProblem(
            f"{kind}.length",
            f"{label}应为 18 位，实际为 {len(number)} 位",
            "请对照证件逐位核对，前 17 位为数字，最后一位为数字或 X",
        )
    if _ID18.fullmatch(number) is None:
        return IdProblem(
            f"{kind}.format",
            f"{label}格式不正确：前 17 位应为数字，最后一位为数字或 X",
            "请对照证件逐位核对，只有最后一位可以是字母 X",
        )
    if gb11643_check_char(number[:17]) != number[17]:
        # Do not reveal the expected check character: the typo is as likely in the first 17 digits,
        # and "fixing" the last one would turn a typo into a wrong but valid-looking number.
        return IdProblem(
            f"{kind}.checksum",
            f"{label}校验位不符，号码中可能有数字填错",
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


@lru_cache(maxsize=CACHE_SIZE)
def _check_resident_id(number: str, regions: RegionTable, today: dt.date) -> IdProblem | None:
    # Fast path: a well-formed valid number passes every check below as it is (nothing to strip or
    # upper-case); anything else, including every problem, takes the full path.
    if len(number) == 18 and _ID18.fullmatch(number) is not None and _gb11643_check_fast(number[:17]) == number[17]:
        try:
            born: dt.date | None = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            born = None
        if born is not None and _EARLIEST_BIRTH <= born <= today:
            area = number[:6]
            if area not in ("810000", "820000", "830000") and regions.exists_any_year(area):
                return None
    kind, label = "resident_id", _RESIDENT_LABEL
    text = number.strip()
    problem = text_problem(kind, label, text)
    if problem is not None:
        return problem
    text = text.upper()  # a lowercase x is the same check character X
    if len(text) == 15 and text.isdigit():
        return IdProblem(
            f"{kind}.old_15_digit",
            "这是 15 位的第一代身份证号码，已停止使用",
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
            "该号码是港澳居民居住证号码，不是居民身份证号码",
            "请将证件类型改为“港澳居民居住证”",
        )
    if area == "830000":
        return IdProblem(
            f"{kind}.is_taiwan_residence_permit",
            "该号码是台湾居民居住证号码，不是居民身份证号码",
            "请将证件类型改为“台湾居民居住证”",
        )
    if not regions.exists_any_year(area):
        if text[0] == "9":
            return IdProblem(
                f"{kind}.is_foreign_permanent_residence",
                "以 9 开头的 18 位号码是外国人永久居留身份证号码，不是居民身份证号码",
                "请将证件类型改为“外国人永久居留身份证”",
            )
        return IdProblem(
            f"{kind}.area",
            f"{label}前 6 位“{area}”不是任何年份的行政区划代码",
            "前 6 位应为签发地的行政区划代码，请对照身份证核对",
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
        kind = id_type if type(id_type) is PersonIdType else PersonIdType(id_type)
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


@lru_cache(maxsize=CACHE_SIZE)
def _check_other_id(
    kind: PersonIdType, number: str, regions: RegionTable, today: dt.date
) -> IdProblem | None:
    label = _LABELS[kind]
    text = number.strip()
    problem = text_problem(kind.value, label, text)
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
                "请填写护照资料页上的护照号码，或将证件类型改为实际使用的证件",
            )
        return IdProblem(
            "passport.format",
            "护照号码格式不正确：应为 5–17 位字母和数字",
            "请按护照资料页填写，中国普通护照为 E 或 G 加 8 位数字，或 E 加 1 位字母和 7 位数字",
        )

    if kind is PersonIdType.TAIWAN_TRAVEL_PERMIT:
        if _TAIWAN_TRAVEL.fullmatch(text):
            return None
        return IdProblem(
            "taiwan_travel_permit.format",
            "台湾居民来往大陆通行证号码格式不正确",
            "2015 年起签发的卡式台胞证为 8 位数字；旧版本式证件为 10 位数字，可带括号字母，如 1234567890(B)",
        )

    if kind is PersonIdType.HK_MACAO_TRAVEL_PERMIT:
        if _HK_MACAO_TRAVEL.fullmatch(text):
            return None
        return IdProblem(
            "hk_macao_travel_permit.format",
            "港澳居民来往内地通行证号码格式不正确",
            "号码应为 H（香港居民）或 M（澳门居民）加 8 位数字，旧版证件为 H/M 加 10 位数字",
        )

    if kind is PersonIdType.FOREIGN_PERMANENT_RESIDENCE:
        if _FOREIGN_PR_OLD.fullmatch(text):
            return None
        if len(text) == 18 and text[0] != "9":
            return IdProblem(
                "foreign_permanent_residence.prefix",
                "18 位外国人永久居留身份证号码应以 9 开头",
                "请对照证件核对；2023 年版证件号码为 9 开头的 18 位，旧版为 3 位字母加 12 位数字",
            )
        if len(text) != 18:
            return IdProblem(
                "foreign_permanent_residence.format",
                "外国人永久居留身份证号码格式不正确",
                "2023 年版证件号码为 9 开头的 18 位（最后一位可为 X），旧版为 3 位字母加 12 位数字",
            )
        return _gb11643_problem(kind.value, label, text)

    # 港澳居民居住证 / 台湾居民居住证: citizen-number format with a fixed address code.
    prefixes = ("810000", "820000") if kind is PersonIdType.HK_MACAO_RESIDENCE_PERMIT else ("830000",)
    problem = _gb11643_problem(kind.value, label, text)
    if problem is not None:
        return problem
    if text[:6] not in prefixes:
        expected = "810000（香港）或 820000（澳门）" if len(prefixes) == 2 else "830000"
        hint = ""
        if regions.exists_any_year(text[:6]) and text[:6] not in ("810000", "820000", "830000"):
            hint = "，看起来是居民身份证号码"
        return IdProblem(
            f"{kind.value}.prefix",
            f"{label}应以 {expected} 开头{hint}",
            "请对照居住证核对号码，或将证件类型改为实际使用的证件",
        )
    return _birth_problem(kind.value, label, text, today)
