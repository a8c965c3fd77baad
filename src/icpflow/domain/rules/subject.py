"""Evaluators about the subject (主办单位): certificate, nature, address, and required fields.

Which rule uses which evaluator, with its source, is in `icpflow/data/rules.toml`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from operator import attrgetter
from typing import Any

from ..credit_code import check_uscc
from ..document import LONG_TERM, Person
from ..enums import AttachmentKind, OrgCertificateType, PersonIdType, Slot, label
from ..identifiers import check_person_id, resident_id_area
from ..policy import add_months
from ..regions import AddressProblem, RegionTable
from .catalogue import Rule
from .context import Context, evaluator, full_individual


class _RequiredPaths:
    """A `required_fields` rule's paths, compiled once per rule object (rules are immutable)."""

    __slots__ = ("all", "each", "without_program_principal")

    def __init__(self, paths: list[str]) -> None:
        #: (path, getter, through the program principal) for the path-by-path walk
        self.each = tuple((path, attrgetter(path), path.startswith("program.principal.")) for path in paths)
        # One getter for all paths, and one for those not through the program principal: a single call
        # reads every value, unless some path does not exist in this document (then path by path).
        self.all = _group_getter(paths)
        self.without_program_principal = _group_getter(
            [path for path in paths if not path.startswith("program.principal.")])


def _group_getter(paths: list[str]) -> tuple[tuple[str, ...], Callable[[Any], Any]] | None:
    if len(paths) < 2:  # attrgetter of one path returns the value, not a tuple
        return None
    return tuple(paths), attrgetter(*paths)


#: id(rule) -> (rule, its compiled paths); the rule is kept so that its id is not reused.
_PATHS: dict[int, tuple[Rule, _RequiredPaths]] = {}


def _required_paths(rule: Rule) -> _RequiredPaths:
    found = _PATHS.get(id(rule))
    if found is None or found[0] is not rule:
        if len(_PATHS) > 256:  # catalogues rebuilt by operator overrides leave old rules behind
            _PATHS.clear()
        found = _PATHS[id(rule)] = (rule, _RequiredPaths(list(rule.params.get("paths", []))))
    return found[1]


@evaluator("required_fields")
def required_fields(ctx: Context, rule: Rule) -> None:
    """params.paths: dotted paths of text fields that must not be blank.

    Paths through a part the document does not have are skipped: the program principal's fields when
    it is `same_as_subject_principal`, the program's on a cancellation that names none.
    """
    shared_principal = ctx.full is not None and not isinstance(ctx.full.program.principal, Person)
    doc = ctx.doc
    compiled = _required_paths(rule)
    group = compiled.without_program_principal if shared_principal else compiled.all
    if group is not None:
        try:
            values = group[1](doc)
        except AttributeError:  # some path is not in this document: walk them one by one below
            pass
        else:
            try:
                if all(map(str.strip, values)):  # all text, none blank: the common case, in C
                    return
            except TypeError:  # a path names something other than text
                pass
            for path, value in zip(group[0], values, strict=True):
                if isinstance(value, str) and not value.strip():
                    ctx.finding(rule, path, field_label=str(rule.params.get("labels", {}).get(path, path)))
            return
    for path, getter, on_program_principal in compiled.each:
        if shared_principal and on_program_principal:
            continue
        try:
            value = getter(doc)
        except AttributeError:
            continue
        if isinstance(value, str) and not value.strip():
            ctx.finding(rule, path, field_label=str(rule.params.get("labels", {}).get(path, path)))


@evaluator("province_known", applies=lambda case: not case.province)
def province_known(ctx: Context, rule: Rule) -> None:
    if not ctx.province:
        ctx.finding(rule, "subject.address.province")


@evaluator("certificate_number_format")
def certificate_number_format(ctx: Context, rule: Rule) -> None:
    cert = ctx.doc.subject.certificate
    if not cert.number.strip():
        return
    if isinstance(cert.type, PersonIdType):
        problem = check_person_id(cert.type, cert.number, ctx.regions, ctx.judged_on)
    elif cert.type._value_ in rule.params.get("uscc_types", []):
        problem = check_uscc(cert.number, ctx.regions)
    else:
        return
    if problem is not None:
        ctx.finding(rule, "subject.certificate.number", cert_type=label(cert.type),
                    detail=problem.message, detail_fix=problem.fix)


@evaluator("uscc_authority_matches_nature")
def uscc_authority_matches_nature(ctx: Context, rule: Rule) -> None:
    """GB 32100: the first character names the registering authority; it should fit the nature."""
    cert = ctx.doc.subject.certificate
    if not isinstance(cert.type, OrgCertificateType) or check_uscc(cert.number, ctx.regions) is not None:
        return
    expected = rule.params.get("authorities", {}).get(ctx.nature._value_)
    if not expected:
        return
    authority = cert.number.strip()[0].upper()  # a valid code: `uscc_authority`, without checking it again
    if expected and authority and authority not in expected:
        ctx.finding(rule, "subject.nature", authority=authority, expected="、".join(expected),
                    nature=label(ctx.nature))


@evaluator("certificate_matches_nature")
def certificate_matches_nature(ctx: Context, rule: Rule) -> None:
    cert = ctx.doc.subject.certificate
    if ctx.is_individual:
        if isinstance(cert.type, PersonIdType):
            return
        allowed = [label(t) for t in PersonIdType]
    else:
        allowed_codes = rule.params.get("allowed", {}).get(ctx.nature._value_, [])
        if cert.type._value_ in allowed_codes:
            return
        allowed = [label(t) for t in allowed_codes]
    ctx.finding(rule, "subject.certificate.type", cert_type=label(cert.type),
                nature=label(ctx.nature), allowed="、".join(allowed))


@evaluator("certificate_validity")
def certificate_validity(ctx: Context, rule: Rule) -> None:
    cert = ctx.doc.subject.certificate
    months = ctx.policy.certificate_validity_months
    horizon = add_months(ctx.judged_on, months)
    if cert.valid_from is not None and cert.valid_from > ctx.judged_on:
        ctx.finding(rule, "subject.certificate.valid_from", months=months,
                    detail=f"有效期起始日 {cert.valid_from} 晚于提交日 {ctx.judged_on}")
    if cert.valid_to is None:
        ctx.finding(rule, "subject.certificate.valid_to", months=months, detail="未填写证件有效期截止日")
        return
    if cert.valid_to == LONG_TERM:
        return
    assert not isinstance(cert.valid_to, str)
    if cert.valid_from is not None and cert.valid_to < cert.valid_from:
        ctx.finding(rule, "subject.certificate.valid_to", months=months,
                    detail=f"有效期截止日 {cert.valid_to} 早于起始日 {cert.valid_from}")
    elif cert.valid_to < horizon:
        state = "已过期" if cert.valid_to < ctx.judged_on else f"剩余有效期不足 {months} 个月"
        ctx.finding(rule, "subject.certificate.valid_to", months=months,
                    detail=f"证件有效期至 {cert.valid_to}，{state}（需至少有效至 {horizon}）")


@evaluator("address_region")
def address_region(ctx: Context, rule: Rule) -> None:
    addr = ctx.doc.subject.address
    if addr is None:
        return
    for suffix, message, fix in _address_problems(ctx.regions, addr.province, addr.city, addr.district):
        ctx.finding(rule, f"subject.address.{suffix}", detail=message, detail_fix=fix)


@lru_cache(maxsize=4096)  # pure, and the codes of a batch's addresses repeat (some 3,200 counties in all)
def _address_problems(regions: RegionTable, province: str, city: str, district: str) -> tuple[AddressProblem, ...]:
    return tuple(regions.check_address(province, city, district))


@evaluator("address_detail_repeats_region")
def address_detail_repeats_region(ctx: Context, rule: Rule) -> None:
    addr = ctx.doc.subject.address
    if addr is None or not addr.detail.strip():
        return
    if ctx.regions.detail_repeats_region(addr.detail, addr.province, addr.city, addr.district):
        ctx.finding(rule, "subject.address.detail", detail=addr.detail)


@evaluator("address_province_matches_certificate", applies=lambda case: bool(case.province) and not case.individual)
def address_province_matches_certificate(ctx: Context, rule: Rule) -> None:
    """Organisations are judged where their certificate was issued; the address should be there too."""
    addr = ctx.doc.subject.address
    if addr is None or not ctx.is_organisation or not ctx.province:
        return
    if ctx.regions.province_code(addr.province) != ctx.province:
        ctx.finding(rule, "subject.address.province",
                    address_province=ctx.regions.province_label(addr.province))


@evaluator("address_pattern")
def address_pattern(ctx: Context, rule: Rule) -> None:
    """params.forbid: a regex the detail must not match (Beijing: `1-2-03` instead of words)."""
    addr = ctx.doc.subject.address
    if addr is None:
        return
    match = re.search(str(rule.params["forbid"]), addr.detail)
    if match:
        ctx.finding(rule, "subject.address.detail", found=match.group(0))


@evaluator("home_address", applies=lambda case: case.individual)
def home_address(ctx: Context, rule: Rule) -> None:
    """Tianjin: an individual writes their home address down to the room (params.require: regex)."""
    addr = ctx.doc.subject.address
    if addr is None or not ctx.is_individual:
        return
    if not re.search(str(rule.params["require"]), addr.detail):
        ctx.finding(rule, "subject.address.detail", detail=addr.detail)


def _household_province(ctx: Context, person: Person) -> str | None:
    """Where an individual is registered (户籍): the ID's address, else the resident ID's area code."""
    from_text = ctx.regions.province_from_text(person.id_address)
    if from_text:
        return from_text
    if person.id_type is PersonIdType.RESIDENT_ID:
        area = resident_id_area(person.id_number)
        if area and ctx.regions.exists_any_year(area[:2] + "0000"):
            return area[:2] + "0000"
    return None


@evaluator("residence_proof", applies=lambda case: full_individual(case) and bool(case.province))
def residence_proof(ctx: Context, rule: Rule) -> None:
    """Individuals filing outside their household province prove residence (seed 004 §1.2 附件 6)."""
    if ctx.full is None or not ctx.is_individual or not ctx.province:
        return
    home = _household_province(ctx, ctx.full.subject.principal)
    if home is None or home == ctx.province:
        return
    detail = rule.params.get("materials", {}).get(ctx.province) or rule.params.get("default_materials", "")
    ctx.require(rule, AttachmentKind.RESIDENCE_PROOF, str(rule.params.get("slot", Slot.SUBJECT_SUPPLEMENTARY)),
                home=ctx.regions.province_label(home), detail=detail)
