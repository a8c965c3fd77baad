"""Evaluators about the mini-program (备案小程序信息): pre-approvals, mini-game publication numbers,
remarks, and the supplementary materials a province asks for.

Which rule uses which evaluator, with its source, is in `icpflow/data/rules.toml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..contacts import normalize_phone
from ..document import FullFiling, PreApproval
from ..enums import AttachmentKind, PreApprovalCategory, ProgramType, Slot, label
from .catalogue import Rule
from .context import Context, evaluator, full, full_mini_game

_NEGATION = re.compile(r"不涉及|不从事|不经营|不包含|不含|未涉及|无涉及")
#: The name ends at whitespace or punctuation, so lines joined by `；` are read one by one and a sentence
#: appended after `，` is not swallowed into the name (and is then reported by no_other_remarks).
_TIANJIN_LINE = re.compile(r"应急联系电话手机号\s*([+\d][\d\s-]{6,})\s*使用人为\s*(\S+?)公司员工\s*([^\s，,；;。、]+)")
_SPLIT = re.compile(r"[\n；;。]+")


def _declared(doc: FullFiling) -> dict[str, PreApproval]:
    return {p.category._value_: p for p in doc.program.pre_approvals}


def _open_categories(ctx: Context, doc: FullFiling) -> list[str]:
    """Categories hit outside exclusion clauses and not declared as approved, in first-hit order."""
    hits = ctx.pre_approval_hits()
    if not hits:
        return []
    declared = _declared(doc) if doc.program.pre_approvals else {}
    seen: dict[str, None] = {}
    for hit in hits:
        if not hit.excluded and hit.category not in declared:
            seen.setdefault(hit.category, None)
    return list(seen)


def _negating_sentences(remark: str) -> list[str]:
    """The sentences of a remark that negate (不涉及…, 不含…)."""
    return [sentence for sentence in _SPLIT.split(remark) if _NEGATION.search(sentence)]


def _states_non_involvement(remark: str, category: str, aliases: dict[str, list[str]],
                            negating: list[str] | None = None) -> bool:
    """A sentence of the remark negates and names the category (its label or an alias). `negating`:
    the remark's `_negating_sentences`, when the caller has them already."""
    names = [label(category, PreApprovalCategory), *aliases.get(category, [])]
    for sentence in _negating_sentences(remark) if negating is None else negating:
        if any(name in sentence for name in names):
            return True
    return False


def _service_text(doc: FullFiling) -> str:
    text = doc.program.description.strip().rstrip("。.；;，,")
    return text or f"《{doc.program.name}》相关服务"


@evaluator("declared_pre_approvals", applies=full)
def declared_pre_approvals(ctx: Context, rule: Rule) -> None:
    """A declared pre-approval carries its number and its document (seed 001 §三(一)3 提示)."""
    doc = ctx.full
    if doc is None or not doc.program.pre_approvals:
        return
    ids = {a.id: a for a in doc.attachments}
    seen: set[str] = set()
    for i, pa in enumerate(doc.program.pre_approvals):
        path = f"program.pre_approvals[{i}]"
        cat = label(pa.category)
        if pa.category._value_ in seen:
            ctx.finding(rule, f"{path}.category", category=cat, detail="同一前置审批类型重复填写")
        seen.add(pa.category._value_)
        if not pa.number.strip():
            ctx.finding(rule, f"{path}.number", category=cat, detail="未填写审批编号")
        if not pa.attachment:
            ctx.finding(rule, f"{path}.attachment", category=cat, detail="未上传审批文件")
        elif pa.attachment not in ids:
            ctx.finding(rule, f"{path}.attachment", category=cat,
                        detail=f"引用的附件“{pa.attachment}”不存在于 attachments 中")
        elif ids[pa.attachment].slot not in (Slot.PRE_APPROVAL, Slot.PROGRAM_SUPPLEMENTARY):
            ctx.finding(rule, f"{path}.attachment", category=cat,
                        detail=f"审批文件应上传至【前置审批】，而不是【{label(ids[pa.attachment].slot)}】")


@evaluator("non_involvement", applies=full)
def non_involvement(ctx: Context, rule: Rule) -> None:
    """Keyword hit, no approval: a non-involvement remark or a signed commitment letter (seed 004 §1.2)."""
    doc = ctx.full
    if doc is None:
        return
    categories = _open_categories(ctx, doc)
    if not categories:  # most filings: nothing below can apply
        return
    letter_only = any(rid in ctx.rules for rid in rule.params.get("letter_only_rules", []))
    approval_only: set[str] = set()
    for rid in rule.params.get("approval_required_rules", []):
        if rid in ctx.rules:
            approval_only.update(ctx_rule_categories(ctx, rid))
    if approval_only:
        categories = [c for c in categories if c not in approval_only]
        if not categories:
            return
    aliases = rule.params.get("aliases", {})
    quoted = "、".join(f"“{label(c, PreApprovalCategory)}”" for c in categories)
    remark = doc.program.remark
    remark_met = False
    if not letter_only:
        negating = _negating_sentences(remark)
        remark_met = all(_states_non_involvement(remark, c, aliases, negating) for c in categories)
    ctx.require(
        rule,
        AttachmentKind.NON_INVOLVEMENT_COMMITMENT,
        str(rule.params.get("slot", Slot.PROGRAM_SUPPLEMENTARY)),
        template=rule.params.get("templates", {}).get(ctx.province, "non_involvement_commitment"),
        alternative_field=None if letter_only else "program.remark",
        alternative_met=remark_met,
        categories=quoted,
        how="只能提交承诺书" if letter_only else "可在【备案小程序信息-备注】中备注说明，或提交承诺书",
    )
    if not letter_only and not remark_met:
        text = str(rule.params["remark_template"]).format(service=_service_text(doc), categories=quoted)
        ctx.suggest(rule, "program.remark", text)


def ctx_rule_categories(ctx: Context, rule_id: str) -> Iterable[str]:
    """The categories a province rule demands the approval itself for (params.categories)."""
    rule = ctx.rules.get(rule_id)
    return [] if rule is None else [str(c) for c in rule.params.get("categories", [])]


@evaluator("approval_required", applies=full)
def approval_required(ctx: Context, rule: Rule) -> None:
    """Sichuan: a finance keyword hit needs the approval document itself; no letter or remark will do."""
    doc = ctx.full
    if doc is None:
        return
    wanted = {str(c) for c in rule.params.get("categories", [])}
    for category in _open_categories(ctx, doc):
        if category in wanted:
            ctx.finding(rule, "program.pre_approvals", category=label(category, PreApprovalCategory))


@evaluator("letter_only_no_remark", applies=full)
def letter_only_no_remark(ctx: Context, rule: Rule) -> None:
    """Where only the letter counts, a non-involvement remark is refused (Sichuan: 不支持进行备注).

    A remark states non-involvement when a sentence negates and names 前置审批 or a category, by the same
    test (labels and the non-involvement rule's aliases) that accepts such a remark in other provinces.
    """
    doc = ctx.full
    if doc is None:
        return
    remark = doc.program.remark
    aliases: dict[str, list[str]] = next(
        (r.params.get("aliases", {}) for r in ctx.rules.values() if r.check == "non_involvement"), {}
    )
    negating = _negating_sentences(remark)
    if any("前置审批" in s for s in negating) or any(
        _states_non_involvement(remark, c._value_, aliases, negating) for c in PreApprovalCategory
    ):
        ctx.finding(rule, "program.remark")


@evaluator("service_content_remark", applies=full)
def service_content_remark(ctx: Context, rule: Rule) -> None:
    """Henan, Fujian, Guangdong, Hebei: the remark says in detail what the mini-program does."""
    doc = ctx.full
    if doc is None:
        return
    min_length = int(rule.params.get("min_length", 30))
    if len(re.sub(r"\s", "", doc.program.remark)) >= min_length:
        return
    ctx.finding(rule, "program.remark", min_length=min_length)
    kind = "游戏" if doc.program.type is ProgramType.MINI_GAME else "小程序"
    ctx.suggest(rule, "program.remark",
                str(rule.params["remark_template"]).format(name=doc.program.name, kind=kind,
                                                           service=_service_text(doc)))


def _emergency_phones(ctx: Context) -> list[tuple[str, str, str]]:
    """(path, phone, contact name) of every distinct emergency phone in the filing."""
    out: dict[str, tuple[str, str, str]] = {}
    for party in ctx.parties():
        phone = party.person.emergency_phone.strip()
        if phone:
            out.setdefault(normalize_phone(phone), (f"{party.path}.emergency_phone", phone,
                                                    party.person.emergency_contact_name.strip()))
    return list(out.values())


@evaluator("emergency_phone_remark", applies=full)
def emergency_phone_remark(ctx: Context, rule: Rule) -> None:
    """Tianjin: each emergency phone is explained in the pre-approval remark, in a fixed format."""
    doc = ctx.full
    if doc is None:
        return
    written = {normalize_phone(m.group(1)) for m in _TIANJIN_LINE.finditer(doc.program.remark)}
    company = doc.subject.name.strip()
    company = company[:-2] if company.endswith("公司") else company
    for path, phone, contact in _emergency_phones(ctx):
        if normalize_phone(phone) in written:
            continue
        ctx.finding(rule, "program.remark", phone=phone, path=path)
        text = str(rule.params["remark_template"]).format(
            phone=phone, company=company, name=contact or "（使用人姓名）")
        ctx.suggest(rule, "program.remark", text)


@evaluator("no_other_remarks", applies=full)
def no_other_remarks(ctx: Context, rule: Rule) -> None:
    """Tianjin: nothing but the emergency-phone lines, and no subject remark at all."""
    doc = ctx.full
    if doc is None:
        return
    if doc.subject.remark.strip():
        ctx.finding(rule, "subject.remark", found=doc.subject.remark.strip()[:30])
    rest = _TIANJIN_LINE.sub("", doc.program.remark)
    if re.sub(r"[\s\n；;。，,、()（）]", "", rest):
        # Quote the leftover as the filer wrote it: with the punctuation stripped, "13802156789、13612047735"
        # would read "1380215678913612047735", a number that is not in the remark.
        found = re.sub(r"\s+", " ", rest).strip(" ；;。，,、")
        ctx.finding(rule, "program.remark", found=found[:30])


@evaluator("material_when_count", applies=full)
def material_when_count(ctx: Context, rule: Rule) -> None:
    """params.kind must be uploaded to params.slot once the subject files more than params.more_than."""
    doc = ctx.full
    if doc is None:
        return
    more_than = int(rule.params.get("more_than", 0))
    if doc.program.count_under_subject > more_than:
        ctx.require(rule, AttachmentKind(str(rule.params["kind"])), str(rule.params["slot"]),
                    template=rule.params.get("template"), count=doc.program.count_under_subject,
                    more_than=more_than)


@evaluator("material_always", applies=full)
def material_always(ctx: Context, rule: Rule) -> None:
    """params.kind must be uploaded to params.slot (Guangdong's and Chongqing's commitment letters)."""
    if ctx.full is None:
        return
    ctx.require(rule, AttachmentKind(str(rule.params["kind"])), str(rule.params["slot"]),
                template=rule.params.get("template"))


@evaluator("game_details", applies=full_mini_game)
def game_details(ctx: Context, rule: Rule) -> None:
    """A mini-game has a publication number (版号) or a completed 小游戏备案 (seed 004 §二 特别提醒 1)."""
    doc = ctx.full
    if doc is None or doc.program.type is not ProgramType.MINI_GAME:
        return
    game = doc.program.game
    if game is None:
        ctx.finding(rule, "program.game", detail="小游戏须填写版号信息（program.game）")
        return
    if not (game.publication_number or "").strip() and not game.mini_game_filing_approved:
        ctx.finding(rule, "program.game.mini_game_filing_approved",
                    detail="无版号的小游戏须先完成「小游戏备案」，审核通过后才开放 ICP 备案")


@evaluator("game_publishing_pre_approval", applies=full_mini_game)
def game_publishing_pre_approval(ctx: Context, rule: Rule) -> None:
    """With a 版号 the pre-approval is 出版 with the ISBN as its number (seed 004 §1.2 备案小程序信息 4)."""
    doc = ctx.full
    if doc is None or doc.program.type is not ProgramType.MINI_GAME or doc.program.game is None:
        return
    number = (doc.program.game.publication_number or "").strip()
    if not number:
        return
    publishing = _declared(doc).get(PreApprovalCategory.PUBLISHING._value_)
    if publishing is None:
        ctx.finding(rule, "program.pre_approvals", number=number, detail="未填写“出版”前置审批")
    elif publishing.number.strip() and publishing.number.strip() != number:
        ctx.finding(rule, "program.pre_approvals", number=number,
                    detail=f"“出版”审批编号 {publishing.number} 与版号 {number} 不一致")


def _authorised_game(ctx: Context) -> int | None:
    doc = ctx.full
    if doc is None or doc.program.type is not ProgramType.MINI_GAME or doc.program.game is None:
        return None
    if not (doc.program.game.publication_number or "").strip():
        return None
    return doc.program.game.authorization_level


@evaluator("game_authorization_level", applies=full_mini_game)
def game_authorization_level(ctx: Context, rule: Rule) -> None:
    """Some bureaus accept only short authorisation chains for the 版号 (params.max_level by province)."""
    level = _authorised_game(ctx)
    max_level = rule.params.get("max_level", {}).get(ctx.province)
    if level is not None and max_level is not None and level > int(max_level):
        ctx.finding(rule, "program.game.authorization_level", level=level, max_level=max_level)


@evaluator("game_authorization_letter", applies=full_mini_game)
def game_authorization_letter(ctx: Context, rule: Rule) -> None:
    """An operator that does not own the 版号 uploads the authorisation letter where the province wants it."""
    level = _authorised_game(ctx)
    if level is None or level < 1:
        return
    slot = rule.params.get("slots", {}).get(ctx.province, rule.params.get("default_slot", Slot.PRE_APPROVAL))
    ctx.require(rule, AttachmentKind.PUBLICATION_AUTHORIZATION, str(slot), template="publication_authorization",
                slot_label=label(str(slot)), level=level)


@evaluator("game_authorization_explanation", applies=full_mini_game)
def game_authorization_explanation(ctx: Context, rule: Rule) -> None:
    """Multi-level chains need an authorisation explanation (授权说明) in these provinces."""
    level = _authorised_game(ctx)
    if level is None or level < 2:
        return
    slot = rule.params.get("slots", {}).get(ctx.province, Slot.PRE_APPROVAL)
    template = rule.params.get("templates", {}).get(ctx.province, "authorization_explanation")
    ctx.require(rule, AttachmentKind.AUTHORIZATION_EXPLANATION, str(slot), template=template,
                slot_label=label(str(slot)), level=level)


@evaluator("description_length", applies=full)
def description_length(ctx: Context, rule: Rule) -> None:
    doc = ctx.full
    if doc is None:
        return
    n = len(doc.program.description.strip())
    low, high = int(rule.params.get("min", 20)), int(rule.params.get("max", 200))
    if not low <= n <= high:
        ctx.finding(rule, "program.description", length=n, min=low, max=high)
