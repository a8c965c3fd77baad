"""Validators for phone numbers and e-mail addresses (手机号码、应急电话、电子邮箱).

Same contract as `identifiers.py`: None when fine, else an `IdProblem` in Chinese; never raises.
"""

from __future__ import annotations

import functools
import re
from functools import lru_cache

import phonenumbers
from email_validator import validate_email

from .identifiers import CACHE_SIZE, DIGITS, IdProblem, display_char, text_problem

__all__ = ["check_email", "check_mobile", "check_phone", "normalize_phone"]

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
_CN_META_OR_NONE = phonenumbers.PhoneMetadata.metadata_for_region("CN")
if _CN_META_OR_NONE is None:  # pragma: no cover - phonenumbers always ships CN
    raise RuntimeError("phonenumbers has no metadata for CN")
_CN_META = _CN_META_OR_NONE
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


def _cn_number_type_by_descriptor(national: str) -> int:
    """`_cn_number_type` one descriptor at a time, as the library goes (the reference for the fast one)."""
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


_FIXED, _MOBILE = -1, -2  # markers for the fixed-line and mobile alternatives of `_by_length`


@functools.cache
def _by_length(length: int) -> tuple[re.Pattern[str], tuple[tuple[int, int], ...]] | None:
    """For national numbers of `length` digits: one pattern whose alternatives are the descriptors that
    admit the length, in the order `_cn_number_type_by_descriptor` tries them (a full match takes the
    first alternative that matches in full), and (group index, type or marker) per alternative."""
    candidates: list[tuple[re.Pattern[str], int]] = []
    for (lengths, pattern), kind in [*_CN_ORDERED, *((d, _FIXED) for d in [_CN_FIXED] if d is not None),
                                     *((d, _MOBILE) for d in [_CN_MOBILE] if d is not None)]:
        if not lengths or length in lengths:
            candidates.append((pattern, kind))
    if not candidates:
        return None
    groups: list[tuple[int, int]] = []
    index = 1
    for pattern, kind in candidates:
        groups.append((index, kind))
        index += 1 + pattern.groups
    return re.compile("|".join(f"({pattern.pattern})" for pattern, _ in candidates)), tuple(groups)


def _cn_number_type(national: str) -> int:
    """The phonenumbers type of a CN national significant number (no trunk 0), as the library computes it:
    the general pattern, then the first descriptor that matches, in one regex call."""
    if not _matches(national, _CN_GENERAL):
        return phonenumbers.PhoneNumberType.UNKNOWN
    combined = _by_length(len(national))
    m = None if combined is None else combined[0].fullmatch(national)
    if m is None or combined is None:
        return phonenumbers.PhoneNumberType.UNKNOWN
    kind = next(kind for index, kind in combined[1] if m.start(index) >= 0)
    same = _CN_META.same_mobile_and_fixed_line_pattern
    if kind == _FIXED:
        if same or _matches(national, _CN_MOBILE):
            return phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE
        return phonenumbers.PhoneNumberType.FIXED_LINE
    if kind == _MOBILE:
        return phonenumbers.PhoneNumberType.UNKNOWN if same else phonenumbers.PhoneNumberType.MOBILE
    return kind


def _valid_mobile_pattern() -> re.Pattern[str] | None:
    """The texts `_check_mobile` accepts that need no clean-up: a prefix, then an 11-digit national number
    of `_MOBILE_FAST` that `_cn_number_type` says is a mobile (the general pattern matches, no earlier
    descriptor does, the mobile one does: whether the fixed-line one matches too makes no difference).
    None when the metadata shares one pattern for mobile and fixed lines (then there is no fast path)."""
    if _CN_META.same_mobile_and_fixed_line_pattern or _CN_GENERAL is None or _CN_MOBILE is None:
        return None
    if (_CN_GENERAL[0] and 11 not in _CN_GENERAL[0]) or (_CN_MOBILE[0] and 11 not in _CN_MOBILE[0]):
        return None
    general = f"(?=(?:{_CN_GENERAL[1].pattern})\\Z)"
    earlier = [pattern.pattern for (lengths, pattern), _ in _CN_ORDERED if not lengths or 11 in lengths]
    not_earlier = f"(?!(?:{'|'.join(earlier)})\\Z)" if earlier else ""
    mobile = f"(?=(?:{_CN_MOBILE[1].pattern})\\Z)"
    return re.compile(f"(?:\\+86|0086|86)?{general}{not_earlier}{mobile}1[3-9][0-9]{{9}}")


#: tests/domain/test_identifiers_fast_paths.py checks it against the full path.
_VALID_MOBILE = _valid_mobile_pattern()


def check_mobile(number: str) -> IdProblem | None:
    """A mainland China mobile number: 11 digits (optionally +86 / 86), spaces and dashes allowed."""
    if not isinstance(number, str):
        number = ""
    return _check_mobile(number)


@lru_cache(maxsize=CACHE_SIZE)
def _check_mobile(number: str) -> IdProblem | None:
    if _VALID_MOBILE is not None and _VALID_MOBILE.fullmatch(number):  # as typed, nothing to clean up
        return None
    label = "手机号码"
    text = _phone_text(number)
    problem = text_problem("mobile", label, text)
    if problem is not None:
        return problem
    m = _MOBILE_FAST.fullmatch(text) or _MOBILE_SHAPE.fullmatch(text)
    if m is None:
        if _LANDLINE_FAST.fullmatch(text):
            return IdProblem(
                "mobile.landline",
                "这是固定电话号码，此处需要手机号码",
                "请填写 11 位中国内地手机号码，如 13800138000",
            )
        return IdProblem(
            "mobile.format",
            "手机号码应为 11 位中国内地手机号码（以 1 开头）",
            "请填写 11 位数字，如 13800138000；可带 +86，不要带分机号或其他文字",
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


@lru_cache(maxsize=CACHE_SIZE)
def _check_phone(number: str) -> IdProblem | None:
    if _VALID_MOBILE is not None and _VALID_MOBILE.fullmatch(number):  # a valid mobile, as typed
        return None
    label = "电话号码"
    text = _phone_text(number)
    problem = text_problem("phone", label, text)
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
                "请在号码前加上区号，如 0571-88889999、010-12345678",
            )
        return IdProblem(
            "phone.format",
            "电话号码格式不正确",
            "请填写 11 位手机号码，或带区号的固定电话，如 0571-88889999；不要带分机号或其他文字",
        )
    national = m.group(2) or "0" + m.group(1)
    if _cn_number_type(national[1:]) not in _PHONE_TYPES:
        return IdProblem(
            "phone.invalid",
            f"{national} 不是有效的中国内地固定电话号码",
            "请核对区号和号码位数，如 0571-88889999、010-12345678",
        )
    return None


def normalize_phone(number: str) -> str:
    """Digits only, national form ("+86 138-0013-8000" -> "13800138000", "+86 571 8888 9999" ->
    "057188889999"), so two spellings of one number compare equal. Unrecognised input: its ASCII digits."""
    if not isinstance(number, str):
        return ""
    return _normalize_phone(number)


@lru_cache(maxsize=CACHE_SIZE)
def _normalize_phone(number: str) -> str:
    if m := _MOBILE_FAST.fullmatch(number):  # nothing to clean up
        return m.group(1)
    text = _phone_text(number)
    if m := _MOBILE_FAST.fullmatch(text):
        return m.group(1)
    if m := _LANDLINE_FAST.fullmatch(text):
        return m.group(2) or "0" + m.group(1)
    return "".join(DIGITS.findall(text))


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
    return "--" not in m.group(2) or all(label[2:4] != "--" for label in m.group(2).split("."))


def check_email(addr: str) -> IdProblem | None:
    """An e-mail address by RFC 5321/5322 syntax (email-validator, no DNS lookup: no network here)."""
    if not isinstance(addr, str):
        addr = ""
    return _check_email(addr)


@lru_cache(maxsize=CACHE_SIZE)
def _check_email(addr: str) -> IdProblem | None:
    text = addr.strip()
    if _email_plainly_valid(text):  # implies every check below passes (non-empty ASCII, the shape)
        return None
    fix = "请填写完整的电子邮箱地址，如 name@example.com"
    if not text:
        return IdProblem("email.empty", "电子邮箱未填写", fix)
    if not text.isascii():
        wide = next((c for c in text if "\uff01" <= c <= "\uff5e" or c == "\u3000"), None)
        if wide is not None:
            return IdProblem(
                "email.fullwidth",
                f"电子邮箱中含有全角字符{display_char(wide)}",
                "请切换到半角（英文）输入法重新输入，@ 和 . 都应为半角",
            )
    if _EMAIL_FAST.fullmatch(text) is None:
        return IdProblem("email.format", "电子邮箱地址格式不正确：应包含 @ 和带“.”的域名", fix)
    try:
        validate_email(text, check_deliverability=False)
    except Exception:
        # EmailNotValidError is the documented failure; anything else (an idna codec error on an
        # exotic domain) is still "not a usable address", and this function must never raise.
        return IdProblem("email.format", "电子邮箱地址格式不正确", fix)
    return None
