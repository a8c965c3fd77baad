"""The unified social credit code (统一社会信用代码, GB 32100-2015) of an organisation.

Same contract as `identifiers.py`: None when fine, else an `IdProblem` in Chinese; never raises.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .identifiers import CACHE_SIZE, IdProblem, display_char, text_problem
from .regions import RegionTable

__all__ = [
    "USCC_AUTHORITIES",
    "USCC_INSTITUTION_TYPES",
    "check_uscc",
    "uscc_authority",
    "uscc_check_char",
    "uscc_institution_type",
    "uscc_region",
]

# -- unified social credit code (统一社会信用代码, GB 32100-2015) ----------------------------------------

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O Z S V
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
_USCC_FORM = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{18}")
#: Each character of the alphabet as the base-34 digit of its value (J, the 19th character, is "I").
_USCC_AS_BASE34 = str.maketrans(_USCC_ALPHABET, "0123456789ABCDEFGHIJKLMNOPQRSTU")


def _uscc_check_fast(body: str) -> str:
    """`uscc_check_char` in a few C calls, for 17 characters of the alphabet: the weights are 3^0 … 3^16
    mod 31 and 34 ≡ 3 (mod 31), so the weighted sum is ≡ the reversed values read in base 34.
    tests/domain/test_identifiers_fast_paths.py compares the two."""
    return _USCC_ALPHABET[-int(body.translate(_USCC_AS_BASE34)[::-1], 34) % 31]

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
    "6": {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    "Y": {"1": "其他"},  # 其他：not subdivided, always 1
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


@lru_cache(maxsize=CACHE_SIZE)
def _check_uscc(number: str, regions: RegionTable) -> IdProblem | None:
    # Fast path: a well-formed valid code passes every check below as it is (nothing to strip or
    # upper-case); anything else, including every problem, takes the full path.
    if len(number) == 18 and _USCC_FORM.fullmatch(number) is not None:
        types = USCC_INSTITUTION_TYPES.get(number[0])
        region = number[2:8]
        if (
            number[0] in USCC_AUTHORITIES
            and types is not None
            and number[1] in types
            and region.isdigit()
            and (region == _USCC_CENTRAL_REGION or regions.exists_any_year(region))
            and _uscc_check_fast(number[:17]) == number[17]
        ):
            return None
    kind, label = "uscc", _USCC_LABEL
    text = number.strip()
    problem = text_problem(kind, label, text)
    if problem is not None:
        return problem
    text = text.upper()
    if len(text) != 18:
        hint = ",15 位的是旧营业执照注册号" if len(text) == 15 and text.isdigit() else ""
        return IdProblem(
            "uscc.length",
            f"{label}应为 18 位，实际为 {len(text)} 位{hint}",
            "请按营业执照或登记证书上的 18 位统一社会信用代码填写",
        )
    if _USCC_FORM.fullmatch(text) is None:
        bad = next((c for c in text if c not in _USCC_VALUE), "")
        hint = ""
        if bad == "O":
            hint = "（可能把数字 0 写成了字母 O）"
        elif bad == "I":
            hint = "（可能把数字 1 写成了字母 I）"
        return IdProblem(
            "uscc.characters",
            f"{label}中含有不使用的字符{display_char(bad)}{hint}",
            "统一社会信用代码只由数字和大写字母组成，不使用字母 I、O、Z、S、V",
        )
    authority, institution = text[0], text[1]
    if authority not in USCC_AUTHORITIES:
        return IdProblem(
            "uscc.authority",
            f"{label}第 1 位“{authority}”不是登记管理部门代码",
            "第 1 位应为 1–9、A、N 或 Y，请对照证照核对",
        )
    types = USCC_INSTITUTION_TYPES[authority]
    if institution not in types:
        allowed = "、".join(types)
        return IdProblem(
            "uscc.institution_type",
            f"{label}第 2 位“{institution}”不是{USCC_AUTHORITIES[authority]}登记的机构类别代码",
            f"登记管理部门为“{authority}”时第 2 位应为 {allowed}，请对照证照核对",
        )
    region = text[2:8]
    if not (region.isdigit() and (region == _USCC_CENTRAL_REGION or regions.exists_any_year(region))):
        return IdProblem(
            "uscc.region",
            f"{label}第 3–8 位“{region}”不是行政区划代码",
            "第 3–8 位应为登记机关所在地的行政区划代码，请对照证照核对",
        )
    if uscc_check_char(text[:17]) != text[17]:
        return IdProblem(
            "uscc.checksum",
            f"{label}校验位不符，代码中可能有字符填错",
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
