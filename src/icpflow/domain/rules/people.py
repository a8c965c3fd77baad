"""Evaluators about people (负责人): identity documents, phones, e-mail, who may be a principal.

Which rule uses which evaluator, with its source, is in `icpflow/data/rules.toml`.
"""

from __future__ import annotations

from ..contacts import check_email, check_mobile, check_phone, normalize_phone
from ..document import LONG_TERM, FullFiling, LegalRepresentative, Person
from ..enums import AttachmentKind, Slot, SubjectNature, label
from ..identifiers import check_person_id
from ..policy import add_months
from .catalogue import Rule
from .context import Context, evaluator, full, full_individual, full_organisation


def is_legal_representative(person: Person, legal_rep: LegalRepresentative | None) -> bool:
    """Whether the person is the legal representative (法定代表人).

    The record on the certificate decides when the filing gives one: a principal who ticks the box but
    is not the person on record is not the legal representative (legal_rep_consistency says why). Only
    without a record does the box speak for itself.
    """
    if legal_rep is None or not legal_rep.name.strip():
        return person.is_legal_representative
    if person.name.strip() != legal_rep.name.strip():
        return False
    return not legal_rep.id_number or legal_rep.id_number.strip().upper() == person.id_number.strip().upper()


def _same_person(a: Person, b: Person) -> bool:
    return a.id_type == b.id_type and a.id_number.strip().upper() == b.id_number.strip().upper()


@evaluator("person_id_format")
def person_id_format(ctx: Context, rule: Rule) -> None:
    for party in ctx.parties():
        p = party.person
        if not p.id_number.strip():
            continue  # the required-field rule reports emptiness
        problem = check_person_id(p.id_type, p.id_number, ctx.regions, ctx.judged_on)
        if problem is not None:
            ctx.finding(
                rule, f"{party.path}.id_number", role=party.role, id_type=label(p.id_type),
                detail=problem.message, detail_fix=problem.fix,
            )
    lr = ctx.full.subject.legal_representative if ctx.full is not None else None
    if lr is not None and lr.id_number.strip():
        problem = check_person_id(lr.id_type, lr.id_number, ctx.regions, ctx.judged_on)
        if problem is not None:
            ctx.finding(
                rule, "subject.legal_representative.id_number", role="法定代表人", id_type=label(lr.id_type),
                detail=problem.message, detail_fix=problem.fix,
            )


@evaluator("contact_format")
def contact_format(ctx: Context, rule: Rule) -> None:
    """params.field: mobile | emergency_phone | email."""
    attr = str(rule.params["field"])
    check = {"mobile": check_mobile, "emergency_phone": check_phone, "email": check_email}[attr]
    for party in ctx.parties():
        value = getattr(party.person, attr)
        if not value.strip():
            continue
        problem = check(value)
        if problem is not None:
            ctx.finding(rule, f"{party.path}.{attr}", role=party.role, value=value,
                        detail=problem.message, detail_fix=problem.fix)


@evaluator("person_id_validity")
def person_id_validity(ctx: Context, rule: Rule) -> None:
    months = ctx.policy.certificate_validity_months
    horizon = add_months(ctx.judged_on, months)
    for party in ctx.parties():
        p = party.person
        if p.id_valid_from > ctx.judged_on:
            ctx.finding(rule, f"{party.path}.id_valid_from", role=party.role,
                        detail=f"有效期起始日 {p.id_valid_from} 晚于提交日 {ctx.judged_on}", months=months)
        if p.id_valid_to == LONG_TERM:
            continue
        assert not isinstance(p.id_valid_to, str)
        if p.id_valid_to < p.id_valid_from:
            ctx.finding(rule, f"{party.path}.id_valid_to", role=party.role,
                        detail=f"有效期截止日 {p.id_valid_to} 早于起始日 {p.id_valid_from}", months=months)
        elif p.id_valid_to < horizon:
            state = "已过期" if p.id_valid_to < ctx.judged_on else f"剩余有效期不足 {months} 个月"
            ctx.finding(rule, f"{party.path}.id_valid_to", role=party.role,
                        detail=f"证件有效期至 {p.id_valid_to}，{state}（需至少有效至 {horizon}）", months=months)


@evaluator("emergency_differs")
def emergency_differs(ctx: Context, rule: Rule) -> None:
    for party in ctx.parties():
        p = party.person
        if p.mobile.strip() and normalize_phone(p.mobile) == normalize_phone(p.emergency_phone):
            ctx.finding(rule, f"{party.path}.emergency_phone", role=party.role, value=p.emergency_phone)


@evaluator("phones_not_shared")
def phones_not_shared(ctx: Context, rule: Rule) -> None:
    """Different people never share a mobile number (seed 001 §三(一)2 提示)."""
    parties = ctx.parties()
    if len(parties) < 2:
        return
    for i, a in enumerate(parties):
        for b in parties[i + 1:]:
            if _same_person(a.person, b.person):
                continue
            if a.person.mobile.strip() and normalize_phone(a.person.mobile) == normalize_phone(b.person.mobile):
                ctx.finding(rule, f"{b.path}.mobile", role=b.role, other_role=a.role, value=b.person.mobile)


@evaluator("same_id_same_name")
def same_id_same_name(ctx: Context, rule: Rule) -> None:
    parties = ctx.parties()
    if len(parties) < 2:
        return
    for i, a in enumerate(parties):
        for b in parties[i + 1:]:
            if _same_person(a.person, b.person) and a.person.name.strip() != b.person.name.strip():
                ctx.finding(rule, f"{b.path}.name", role=b.role, other_role=a.role)


@evaluator("individual_principal_is_self", applies=lambda case: case.individual)
def individual_principal_is_self(ctx: Context, rule: Rule) -> None:
    """An individual's principals are the individual (seed 004 §1.2 主办单位负责人信息 2, 小程序负责人信息 2)."""
    if not ctx.is_individual:
        return
    subj = ctx.doc.subject
    cert_no = subj.certificate.number.strip().upper()
    # `same_as_subject_principal` needs no second look: parties() yields the subject principal once.
    for party in ctx.parties():
        p = party.person
        if p.name.strip() != subj.name.strip() or (cert_no and p.id_number.strip().upper() != cert_no):
            ctx.finding(rule, f"{party.path}.name", role=party.role, name=p.name, subject_name=subj.name)


@evaluator("legal_rep_consistency", applies=full_organisation)
def legal_rep_consistency(ctx: Context, rule: Rule) -> None:
    """A principal who says they are the legal representative must match the one on record."""
    if ctx.full is None or not ctx.is_organisation:
        return
    lr = ctx.full.subject.legal_representative
    for party in ctx.parties():
        p = party.person
        if not p.is_legal_representative:
            continue
        if lr is None:
            ctx.finding(rule, "subject.legal_representative", role=party.role,
                        detail="声明为法定代表人，但未填写法定代表人信息")
        elif p.name.strip() != lr.name.strip() or (
            lr.id_number and lr.id_number.strip().upper() != p.id_number.strip().upper()
        ):
            ctx.finding(rule, f"{party.path}.is_legal_representative", role=party.role,
                        detail=f"声明为法定代表人，但与法定代表人“{lr.name}”的姓名或证件号不一致")


@evaluator("face_verified", applies=full)
def face_verified(ctx: Context, rule: Rule) -> None:
    doc = ctx.full
    if doc is None:
        return
    principal = doc.program.principal
    if isinstance(principal, Person):
        if not principal.face_verified:
            ctx.finding(rule, "program.principal.face_verified", name=principal.name)
    elif not doc.subject.principal.face_verified:  # same_as_subject_principal
        ctx.finding(rule, "subject.principal.face_verified", name=doc.subject.principal.name)


def _subject_principal_is_legal_rep(doc: FullFiling) -> bool:
    return is_legal_representative(doc.subject.principal, doc.subject.legal_representative)


@evaluator("subject_principal_legal_rep", applies=full_organisation)
def subject_principal_legal_rep(ctx: Context, rule: Rule) -> None:
    """The subject principal must be the certificate's legal representative (groups in seed 004 §1.2)."""
    if ctx.full is None or not ctx.is_organisation:
        return
    if not _subject_principal_is_legal_rep(ctx.full):
        ctx.finding(rule, "subject.principal.is_legal_representative", name=ctx.full.subject.principal.name)


def _legal_rep_demanded(ctx: Context, check: str) -> bool:
    """A rule in force for this filing (evaluator `check`) demands the legal representative himself, so no
    letter can stand in for him (seed 004 §1.2: 四川(个体工商户必须为法定代表人); 个体工商户必须为法定代表人)."""
    return any(r.check == check for r in ctx.rules.values())


@evaluator("subject_principal_authorization", applies=full_organisation)
def subject_principal_authorization(ctx: Context, rule: Rule) -> None:
    """Not the legal representative: allowed with an authorisation letter in 主体补充材料."""
    if ctx.full is None or not ctx.is_organisation or _subject_principal_is_legal_rep(ctx.full):
        return
    if _legal_rep_demanded(ctx, "subject_principal_legal_rep"):
        return
    ctx.require(rule, AttachmentKind.SUBJECT_PRINCIPAL_AUTHORIZATION,
                str(rule.params.get("slot", Slot.SUBJECT_SUPPLEMENTARY)),
                template="subject_principal_authorization", name=ctx.full.subject.principal.name)


def _program_principal_is_legal_rep(ctx: Context) -> tuple[str, bool] | None:
    pp = ctx.program_principal()
    if pp is None or ctx.full is None:
        return None
    return pp[0], is_legal_representative(pp[1], ctx.full.subject.legal_representative)


@evaluator("program_principal_authorization", applies=full_organisation)
def program_principal_authorization(ctx: Context, rule: Rule) -> None:
    """Mini-program principal other than the legal representative: letter in 小程序补充材料."""
    if not ctx.is_organisation:
        return
    found = _program_principal_is_legal_rep(ctx)
    if found is None or found[1]:
        return
    if ctx.nature is SubjectNature.INDIVIDUAL_BUSINESS and _legal_rep_demanded(ctx, "program_principal_legal_rep"):
        return
    templates = rule.params.get("templates", {})
    template = templates.get(ctx.province, "program_principal_authorization")
    ctx.require(rule, AttachmentKind.PROGRAM_PRINCIPAL_AUTHORIZATION,
                str(rule.params.get("slot", Slot.PROGRAM_SUPPLEMENTARY)), template=template)


@evaluator("program_principal_not_legal_rep", applies=full_organisation)
def program_principal_not_legal_rep(ctx: Context, rule: Rule) -> None:
    """Tianjin: the mini-program principal is an employee other than the legal representative."""
    if not ctx.is_organisation:
        return
    found = _program_principal_is_legal_rep(ctx)
    if found is not None and found[1]:
        ctx.finding(rule, "program.principal")


@evaluator("program_principal_legal_rep",
           applies=lambda case: case.full and case.nature == SubjectNature.INDIVIDUAL_BUSINESS._value_)
def program_principal_legal_rep(ctx: Context, rule: Rule) -> None:
    """Individual businesses (个体工商户): the mini-program principal must be the legal representative."""
    if ctx.nature is not SubjectNature.INDIVIDUAL_BUSINESS:
        return
    found = _program_principal_is_legal_rep(ctx)
    if found is not None and not found[1]:
        ctx.finding(rule, "program.principal")


@evaluator("individual_emergency_contact", applies=full_individual)
def individual_emergency_contact(ctx: Context, rule: Rule) -> None:
    """Guangdong and Hunan say who an individual's emergency contact must be; a person must judge it."""
    if ctx.full is None or not ctx.is_individual:
        return
    ctx.finding(rule, "subject.principal.emergency_phone",
                detail=str(rule.params.get("requirements", {}).get(ctx.province, "")))
