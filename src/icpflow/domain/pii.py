"""Personal information (个人信息) in a filing: where it is, and how it is masked.

The developers' rule: identity numbers and phone numbers (and e-mail addresses) are personal
information — encrypted at rest, masked in logs and in views that do not need them, every access
audited. This module owns the part of that rule that needs no I/O: *which* paths of a filing document
are personal (`pii_paths`, `map_pii`, which the store uses to encrypt exactly those values), and
masking, for views (`mask_value`, `mask_document`) and for free text such as log lines and error
messages (`mask_text`). Masking never raises: a value it cannot make sense of is masked entirely.

Besides the identity numbers, phones and e-mails in their own fields, the remarks are personal too:
Tianjin requires the program remark to name each emergency phone (seed 004 §1.3 天津 备注), and filers
write contact details into remarks elsewhere. They are kind "text": encrypted whole, masked with
`mask_text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

from .enums import PersonIdType, SubjectNature

PiiKind = Literal["id", "phone", "email", "text"]
PiiPath = tuple[str, ...]

#: a principal's (负责人) personal fields, in both the subject's and the mini-program's section
PERSON_FIELDS: tuple[tuple[str, PiiKind], ...] = (
    ("id_number", "id"),
    ("mobile", "phone"),
    ("emergency_phone", "phone"),
    ("email", "email"),
)
_PERSONAL_ID_TYPES = frozenset(t.value for t in PersonIdType)


def pii_paths(document: Mapping[str, Any]) -> list[tuple[PiiPath, PiiKind]]:
    """The paths of personal information present in `document`, with the kind of each.

    Each principal's ID number, mobile, emergency phone and e-mail; the legal representative's ID
    number; the subject's certificate number when the subject is an individual (个人), whose
    certificate is their personal ID; and the free-text remarks (and a cancellation's reason), which
    may carry any of these. Works on any mapping (drafts, cancellations, partial documents):
    a path is listed when its parent is a mapping holding the key, whatever the value.
    """
    paths: list[tuple[PiiPath, PiiKind]] = []
    if "reason" in document:
        paths.append((("reason",), "text"))
    subject = document.get("subject")
    if isinstance(subject, Mapping):
        if "remark" in subject:
            paths.append((("subject", "remark"), "text"))
        _person(paths, subject, ("subject", "principal"))
        legal = subject.get("legal_representative")
        if isinstance(legal, Mapping) and "id_number" in legal:
            paths.append((("subject", "legal_representative", "id_number"), "id"))
        certificate = subject.get("certificate")
        if isinstance(certificate, Mapping) and "number" in certificate and (
            subject.get("nature") == SubjectNature.INDIVIDUAL.value or certificate.get("type") in _PERSONAL_ID_TYPES
        ):
            paths.append((("subject", "certificate", "number"), "id"))
    program = document.get("program")
    if isinstance(program, Mapping):
        if "remark" in program:
            paths.append((("program", "remark"), "text"))
        _person(paths, program, ("program", "principal"))
    return paths


def _person(paths: list[tuple[PiiPath, PiiKind]], section: Mapping[str, Any], path: PiiPath) -> None:
    person = section.get(path[-1])
    if isinstance(person, Mapping):  # not "same_as_subject_principal"
        paths.extend(((*path, name), kind) for name, kind in PERSON_FIELDS if name in person)


def map_pii(document: Mapping[str, Any], fn: Callable[[str, PiiKind], str]) -> dict[str, Any]:
    """A copy of `document` with `fn(value, kind)` applied to every non-empty personal string value.

    Only the containers on the way to a personal value are copied; the rest is shared with `document`,
    which is left as it was. Empty strings and non-string values are left alone (the document model
    only holds strings there, and an empty value has nothing to protect).
    """
    result = dict(document)
    copied: set[PiiPath] = set()
    for path, kind in pii_paths(document):
        node = result
        for depth, key in enumerate(path[:-1], start=1):
            child = node[key]
            if path[:depth] not in copied:
                child = dict(child)
                node[key] = child
                copied.add(path[:depth])
            node = child
        value = node.get(path[-1])
        if isinstance(value, str) and value:
            node[path[-1]] = fn(value, kind)
    return result


# ----- masking ------------------------------------------------------------------------------------

_MAX_STARS = 32


def _stars(value: str) -> str:
    return "*" * min(len(value), _MAX_STARS)


def mask_value(kind: PiiKind, value: str) -> str:
    """A masked form of one value, for views and logs: ID `330***********123X`, phone `138****8000`,
    e-mail `l***@example.com`; free text as `mask_text` masks it. A value too short or too odd for its
    kind is masked entirely (as many stars as characters, at most 32). Never raises."""
    try:
        text = (value if isinstance(value, str) else str(value)).strip()
        if not text:
            return ""
        if kind == "id":
            return _mask_id(text)
        if kind == "phone":
            return _mask_phone(text)
        if kind == "email":
            return _mask_email(text)
        if kind == "text":
            return mask_text(value)
        return _stars(text)
    except Exception:  # masking must never be the reason a log line or a view fails
        return "*" * 8


def _mask_id(text: str) -> str:
    if 15 <= len(text) <= 18 and text.isascii() and text.isalnum():
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    return _stars(text)


def _mask_phone(text: str) -> str:
    digits = "".join(c for c in text if c.isdecimal())
    if len(digits) == 13 and digits.startswith("86"):  # +86 / 0086 before a mainland mobile
        digits = digits[2:]
    elif len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    if len(digits) >= 10:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return _stars(text)


def _mask_email(text: str) -> str:
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        return _stars(text)
    return f"{local[0]}***@{domain}"


def mask_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of a filing document with every personal value masked (for views that do not need
    the values themselves: lists, reviews of other fields, support)."""
    return map_pii(_copy_json(document), lambda value, kind: mask_value(kind, value))


def _copy_json(value: Any) -> Any:
    """A deep copy of JSON-shaped data: new dicts and lists, the (immutable) leaves shared. A third of
    `copy.deepcopy`'s time on a filing document, which is read on every status read of the API."""
    if isinstance(value, Mapping):
        return {key: _copy_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_copy_json(item) for item in value]
    return value


# What free text may carry. Boundaries are ASCII letters and digits only, so a number written next to
# Chinese text (身份证号330106…) is still found.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
#: a resident ID (居民身份证号码, GB 11643): 17 digits and a check character, digit or X
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
#: a mainland mobile, optionally with +86 / 0086 / 86 and separators: 138 0013 8000, +86-138-0013-8000
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:(?:\+|00)?86[ \-]?)?1[3-9]\d(?:[ \-]?\d{4}){2}(?![0-9A-Za-z])")
_PATTERNS: tuple[tuple[re.Pattern[str], PiiKind], ...] = ((_EMAIL, "email"), (_RESIDENT_ID, "id"), (_MOBILE, "phone"))
_MAX_PASSES = 8


#: what any of the patterns above needs somewhere: an `@`, or eleven digits with at most one space or hyphen
#: between two of them. Most strings of a log line (keys, paths, levels, times) have neither, and are
#: returned after this one search instead of the three substitutions (a request path: 7 → 2.8 µs).
_MAYBE_PII = re.compile(r"@|\d(?:[ \-]?\d){10}")


def mask_text(text: str) -> str:
    """`text` with everything that looks like an e-mail address, a resident ID or a mainland mobile
    masked, for log lines and error messages. Never raises."""
    try:
        current = text if isinstance(text, str) else str(text)
        if _MAYBE_PII.search(current) is None:
            return current
        return _mask_found(current)
    except Exception:
        return "[masked]"


def _mask_found(current: str) -> str:
    try:
        for _ in range(_MAX_PASSES):  # masking one thing can expose another (138…@qq.com): until stable
            masked = current
            for pattern, kind in _PATTERNS:
                masked = pattern.sub(_masker(kind), masked)
            if masked == current:
                return masked
            current = masked
        return current
    except Exception:
        return "[masked]"


def _masker(kind: PiiKind) -> Callable[[re.Match[str]], str]:
    return lambda match: mask_value(kind, match.group(0))


def contains_pii(text: str) -> bool:
    """Whether `text` still holds something `mask_text` would mask (for tests and audits)."""
    return any(pattern.search(text) for pattern, _ in _PATTERNS)
