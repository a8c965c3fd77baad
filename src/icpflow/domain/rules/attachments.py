"""Evaluators about attachments (附件): letters' signing dates, identity photos, image facts, orientation,
references between sections, and the record number a cancellation names.

Which rule uses which evaluator, with its source, is in `icpflow/data/rules.toml`.
"""

from __future__ import annotations

from ..document import Attachment, CancelProgramFiling, FullFiling, Person
from ..enums import SIGNED_LETTER_KINDS, AttachmentKind, PersonIdType, Slot, label
from ..filing_number import parse_filing_number
from ..policy import add_months
from .catalogue import Rule
from .context import Context, evaluator, full

#: Personal documents that are cards with two faces; a passport has one photo page.
_TWO_SIDED = frozenset(PersonIdType) - {PersonIdType.PASSPORT}


@evaluator("letters_signed_window")
def letters_signed_window(ctx: Context, rule: Rule) -> None:
    """Signed within `letter_max_age_months` before submission and never after it (seed 004 §1.2 附件 3)."""
    letters = [(i, att) for i, att in enumerate(ctx.doc.attachments) if att.kind in SIGNED_LETTER_KINDS]
    if not letters:
        return
    months = ctx.policy.letter_max_age_months
    earliest = add_months(ctx.judged_on, -months)
    for i, att in letters:
        path = f"attachments[{i}].signed_on"
        name = label(att.kind)
        if att.signed_on is None:
            ctx.finding(rule, path, letter=name, detail="未填写签署日期", months=months)
        elif att.signed_on > ctx.judged_on:
            ctx.finding(rule, path, letter=name, months=months,
                        detail=f"签署日期 {att.signed_on} 晚于提交日期 {ctx.judged_on}")
        elif att.signed_on < earliest:
            ctx.finding(rule, path, letter=name, months=months,
                        detail=f"签署日期 {att.signed_on} 早于 {earliest}，已超过 {months} 个月")


@evaluator("attachment_ids_unique")
def attachment_ids_unique(ctx: Context, rule: Rule) -> None:
    attachments = ctx.doc.attachments
    if len({att.id for att in attachments}) == len(attachments):
        return
    seen: set[str] = set()
    for i, att in enumerate(attachments):
        if att.id in seen:
            ctx.finding(rule, f"attachments[{i}].id", id=att.id)
        seen.add(att.id)


@evaluator("identity_photos", applies=full)
def identity_photos(ctx: Context, rule: Rule) -> None:
    """The certificate photo and each principal's ID photos (seed 000 §证件材料准备 必备材料)."""
    doc = ctx.full
    if doc is None:
        return
    if ctx.is_organisation:
        ctx.require(rule, AttachmentKind.CERTIFICATE_PHOTO, Slot.SUBJECT_CERTIFICATE, what="主办单位证件照片")
    people: list[tuple[Slot, Person, str]] = [(Slot.SUBJECT_PRINCIPAL_ID, doc.subject.principal, "主体负责人")]
    if isinstance(doc.program.principal, Person):
        people.append((Slot.PROGRAM_PRINCIPAL_ID, doc.program.principal, "小程序负责人"))
    for slot, person, role in people:
        ctx.require(rule, AttachmentKind.ID_FRONT, slot, what=f"{role}证件人像面")
        if person.id_type in _TWO_SIDED:
            ctx.require(rule, AttachmentKind.ID_BACK, slot, what=f"{role}证件国徽面")


def _size(ctx: Context, att: Attachment) -> tuple[str | None, int | None, int | None]:
    """(format, width, height) of an attachment: measured when the probe read it, else as the filer wrote."""
    if ctx.image_facts:
        measured = ctx.image_facts.get(att.id)
        if measured is not None and (measured.width or measured.problem or measured.format == "PDF"):
            return measured.format, measured.width, measured.height
    return None, att.width, att.height


@evaluator("attachment_readable")
def attachment_readable(ctx: Context, rule: Rule) -> None:
    """A file that cannot be decoded, or of a type the platform does not take, is refused."""
    if not ctx.image_facts:  # nothing was read: nothing to say
        return
    max_bytes = int(rule.params.get("max_bytes", 0))
    for i, att in enumerate(ctx.doc.attachments):
        facts = ctx.image_facts.get(att.id)
        if facts is None:
            continue
        if facts.problem:
            ctx.finding(rule, f"attachments[{i}].file", file=att.file, detail=facts.problem)
        elif max_bytes and facts.size_bytes and facts.size_bytes > max_bytes:
            ctx.finding(rule, f"attachments[{i}].file", file=att.file,
                        detail=f"文件大小 {facts.size_bytes / 1048576:.1f} MB，超过上限 {max_bytes / 1048576:.0f} MB")


@evaluator("attachment_resolution")
def attachment_resolution(ctx: Context, rule: Rule) -> None:
    """Photos too small to read are rejected as unclear (seed 004 §1.2 主办信息 5: 内容清晰)."""
    short_side = int(rule.params.get("min_short_side", 0))
    measured = bool(ctx.image_facts)
    for i, att in enumerate(ctx.doc.attachments):
        _, width, height = _size(ctx, att) if measured else (None, att.width, att.height)
        if width and height and min(width, height) < short_side:
            ctx.finding(rule, f"attachments[{i}].file", file=att.file, width=width,
                        height=height, min_short_side=short_side)


@evaluator("landscape_photos")
def landscape_photos(ctx: Context, rule: Rule) -> None:
    """Some bureaus take attachment photos only in landscape (seed 004 §1.3 陕西/上海/山东/海南 附件).

    params.mode: `portrait` reports photos measured taller than wide; `unknown` reports photos whose
    size is not known (neither given nor readable), which a person must then look at.
    """
    mode = rule.params.get("mode", "portrait")
    measured = bool(ctx.image_facts)
    for i, att in enumerate(ctx.doc.attachments):
        form, width, height = _size(ctx, att) if measured else (None, att.width, att.height)
        if form == "PDF":
            continue
        if width and height:
            if mode == "portrait" and width <= height:
                ctx.finding(rule, f"attachments[{i}].file", file=att.file or att.id, width=width, height=height)
        elif mode == "unknown":
            ctx.finding(rule, f"attachments[{i}].file", file=att.file or att.id)


@evaluator("record_number_format")
def record_number_format(ctx: Context, rule: Rule) -> None:
    """A cancellation names the record it cancels: the subject's number, or a mini-program's `-nX`."""
    doc = ctx.doc
    want_service: bool | None  # None: either the subject's number or a mini-program's
    if isinstance(doc, FullFiling):  # a change filing names the record it changes
        path, number, want_service = "record_number", doc.record_number, None
    elif isinstance(doc, CancelProgramFiling):
        path, number, want_service = "program.record_number", doc.program.record_number, True
    else:
        path, number, want_service = "record_number", doc.record_number, False
    parsed = parse_filing_number(number)
    if not number.strip():
        ctx.finding(rule, path, number=number, detail="未填写原备案号")
    elif parsed is None:
        ctx.finding(rule, path, number=number, detail="不是有效的备案号格式")
    elif want_service is None and parsed.service is not None and parsed.suffix != "X":
        ctx.finding(rule, path, number=number, detail="这不是小程序的备案号（小程序备案号以 -序号X 结尾）")
    elif want_service and parsed.suffix != "X":
        ctx.finding(rule, path, number=number, detail="小程序备案号应以 -序号X 结尾，例如 浙ICP备2023012345号-2X")
    elif want_service is False and parsed.service is not None:
        ctx.finding(rule, path, number=number, detail="注销主体应填写主体备案号（不带 -序号）")
    elif ctx.province and parsed.abbreviation not in (
        ctx.regions.abbreviation(ctx.province), ctx.regions.alt_abbreviation(ctx.province)
    ):
        ctx.finding(rule, path, number=number,
                    detail=f"备案号省份简称“{parsed.abbreviation}”与主体所在省（{ctx.regions.province_name(ctx.province)}）不符")
