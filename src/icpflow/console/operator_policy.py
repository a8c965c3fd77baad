"""The platform policy in the console (/operator/policy, operators only): every key with its value in force,
its deployment value and the operator's setting, in one plain form (POST; CSRF checked; works without
JavaScript). A value that cannot be applied comes back beside its field, with what was typed kept; nothing is
saved then. The same use cases as the API and the CLI (services/policy_config.py), so every change is applied
at once here, within the refresh interval elsewhere, and audited.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..domain.accounts import Role
from ..domain.errors import InvalidRequest
from ..domain.policy_config import KEYS, PolicyValue, show, to_json
from ..services import config, policy_config
from .common import ACTION_ERRORS, Session, go, guard, message_of, page, posted_form, services
from .operator_config import when

router = APIRouter(include_in_schema=False)

OPERATOR = (Role.OPERATOR,)
PAGE = "/operator/policy"
#: what the form was shown with, posted back: a key is set only when its field was changed on the page (a
#: value another operator set meanwhile is not overwritten by a field left as it was)
SHOWN = "shown-"


def form_text(value: PolicyValue) -> str:
    """A value as its form field holds it."""
    json = to_json(value)
    if json is None:
        return ""
    if isinstance(json, bool):
        return "true" if json else "false"
    return str(json)


def describe(value: dict[str, object] | None) -> str:
    """A history entry's before/after: 存量小程序每日提交配额=50 件（运营设置）."""
    parts = [f"{KEYS[key].label}={show(key, raw)}" for key, raw in (value or {}).items()
             if key in KEYS and (raw is None or isinstance(raw, int | str))]
    if not parts:
        return "—"
    source = {"operator": "运营设置", "deployment": "部署值"}.get(str((value or {}).get("source", "")), "")
    return "；".join(parts) + (f"（{source}）" if source else "")


def _render(request: Request, session: Session, *, values: dict[str, str] | None = None,
            errors: dict[str, str] | None = None, note: str = "", posted_shown: dict[str, str] | None = None,
            status_code: int = 200) -> Response:
    """The page; after refused input, with what was typed (`values`), the messages beside their fields, and
    the values the form was first shown with (`posted_shown`), so that saving it again still sets only the
    fields the operator changed."""
    cfg = services(request).runtime.config
    items = policy_config.policy_items(cfg)
    changes = config.history(cfg, kind="policy", limit=50)
    actors = {c.account_id: c.actor for c in changes}
    shown = {item.key: form_text(item.value) for item in items} | (posted_shown or {})
    return page(request, "operator_policy.html", session, status_code, items=items, shown=shown,
                values=values if values is not None else shown, errors=errors or {}, note=note,
                changes=changes, actors=actors, refresh=int(cfg.live.ttl), show=show, form_text=form_text, when=when,
                describe=describe, shown_prefix=SHOWN)


@router.get("/operator/policy")
def policy_page(request: Request) -> Response:
    session = guard(request, OPERATOR)
    if not isinstance(session, Session):
        return session
    return _render(request, session)


@router.post("/operator/policy")
async def set_policy(request: Request) -> Response:
    posted = await posted_form(request, OPERATOR)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    entered = {key: form[key] for key in KEYS if key in form}
    changed = {key: text for key, text in entered.items()
               if text.strip() != form.get(SHOWN + key, "").strip() or SHOWN + key not in form}
    note = form.get("note", "")
    if not changed:
        return go(PAGE, notice="没有修改任何一项")
    try:
        policy_config.set_policy(services(request).runtime.config, changed, actor=session.who.account.id,
                                 note=note, text=True)
    except InvalidRequest as exc:
        errors = {str(e["path"]): str(e["expected"]) for e in exc.data.get("errors", [])}
        posted_shown = {key: form[SHOWN + key] for key in KEYS if SHOWN + key in form}
        return _render(request, session, values=entered, errors=errors, note=note, posted_shown=posted_shown,
                       status_code=422)
    except ACTION_ERRORS as exc:
        return go(PAGE, error=message_of(exc))
    names = "、".join(KEYS[key].label for key in changed)
    return go(PAGE, notice=f"已保存：{names}。本服务已立即生效")


@router.post("/operator/policy/{key}/reset")
async def reset_policy(request: Request, key: str) -> Response:
    posted = await posted_form(request, OPERATOR)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    try:
        policy_config.reset_policy(services(request).runtime.config, key, actor=session.who.account.id,
                                   note=form.get("note", ""))
    except ACTION_ERRORS as exc:
        return go(PAGE, error=message_of(exc))
    return go(PAGE, notice=f"已恢复部署值：{KEYS[key].label}", anchor=f"p-{key}")
