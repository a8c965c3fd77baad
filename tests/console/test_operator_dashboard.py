"""The operator's dashboard in the console (TestClient over the real app, SQLite, the simulator): the figures
of a known history, the filters without JavaScript, the roles, and the regulator's outcomes an operator
records by hand (manual mode). The SQL itself is checked on SQLite and PostgreSQL in
tests/workflow/test_dashboard_stats.py."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from icpflow.adapters.db.store import SqlStore
from icpflow.bootstrap import load_rejections
from icpflow.domain.face import FaceStatus
from icpflow.domain.model import Application
from icpflow.domain.workflow import State
from icpflow.services import face, filings, worker

from ..api.conftest import PASSWORD, Api, _build, filing_doc
from .support import check_page
from .support import csrf_of as _csrf
from .test_pages import Browser

PHOTO = "photo_incomplete_or_unclear"
MATERIALS = "materials_inconsistent"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from _build(tmp_path / "data")


class Console(Browser):
    """`test_pages.Browser` that also works in manual mode (no simulator banner there)."""

    def __init__(self, api: Api, username: str) -> None:
        self.simulated = api.runtime.gateway.is_simulator
        self.client = TestClient(api.app)
        page = self.client.get("/login")
        done = self.client.post("/login", data={"username": username, "password": PASSWORD, "csrf": _csrf(page.text)})
        assert done.status_code == 200, done.text
        self.home = done

    def get(self, url: str) -> Any:
        page = self.client.get(url)
        if page.status_code == 200:
            check_page(page.text, simulated=self.simulated)
        return page


def _account(api: Api, name: str) -> str:
    return api.users[name].account_id


def _submitted(api: Api, seq: int, province: str = "330000") -> Application:
    """A filing of filer-a, face-verified (the simulator's task completes at once here) and submitted."""
    wf = api.runtime.workflow
    owner = _account(api, "filer-a")
    app = filings.create_application(wf, owner=owner, document=filing_doc(seq, province))
    face.start(wf, api.runtime.gateway, app.id, actor=owner)
    return filings.submit(wf, app.id, actor=owner, expected_version=app.version)


def _reject(api: Api, app: Application, *codes: str) -> Application:
    reasons = [load_rejections().reason(c) for c in codes]
    return filings.platform_reject(api.runtime.workflow, app.id, reasons, reviewer=_account(api, "reviewer"),
                                   expected_version=app.version)


def _row(html: str, header: str) -> list[str]:
    """The cells of the table row whose row header is `header` (tags stripped)."""
    found = re.search(rf'<th scope="row">{re.escape(header)}</th>(.*?)</tr>', html, re.S)
    assert found, f"no row {header!r}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)]


def _section(html: str, heading_id: str) -> str:
    found = re.search(rf'aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert found, heading_id
    return found.group(1)


def _history(api: Api) -> list[Application]:
    """Four submissions on Monday 2026-11-23: two rejected in Zhejiang (photo; photo + materials), one in
    Guangdong (materials), one left in platform review."""
    apps = [_submitted(api, 1), _submitted(api, 2), _submitted(api, 3, "440000"), _submitted(api, 4)]
    _reject(api, apps[0], PHOTO)
    _reject(api, apps[1], PHOTO, MATERIALS)
    _reject(api, apps[2], MATERIALS)
    return apps


def test_the_dashboard_shows_the_figures_of_the_history(api: Api) -> None:
    _history(api)
    page = Console(api, "operator").get("/operator")
    assert page.status_code == 200
    html = page.text
    assert "备案申请（按状态，共 4 件）" in html
    assert [_row(html, state)[0] for state in ("平台初审驳回", "平台初审中", "已备案")] == ["3", "1", "0"]
    by_province = _section(html, "rej-prov-h")
    assert _row(by_province, "浙江省")[:3] == ["2", "0", "2"] and _row(by_province, "广东省")[:3] == ["1", "0", "1"]
    reasons = _section(html, "rej-code-h")
    photo = load_rejections()[PHOTO].message
    counted = '</code></th><td class="nowrap">平台初审</td><td class="num">2</td>'
    assert f"{photo}<br><code>{PHOTO}{counted}" in reasons and f"<code>{MATERIALS}{counted}" in reasons
    draft = _row(_section(html, "dur-h"), "草稿")
    assert draft[0] == "4" and draft[1] == "0 秒"  # created and submitted at the same moment
    assert 'class="bar-track" aria-hidden="true"' in html  # the bars are decoration; the table is the data
    assert "规则目录" in html and "平台策略" in html  # the rest of the page is still there


def test_the_filters_work_without_javascript(api: Api) -> None:
    _history(api)
    operator = Console(api, "operator")
    guangdong = operator.get("/operator?province=440000&from=&to=")
    assert guangdong.status_code == 200
    assert "备案申请（按状态，共 1 件）" in guangdong.text
    assert '<option value="440000" selected>广东省</option>' in guangdong.text
    assert "浙江省</th>" not in _section(guangdong.text, "rej-prov-h")
    earlier = operator.get("/operator?from=2026-11-01&to=2026-11-22")
    assert "备案申请（按状态，共 0 件）" in earlier.text and "所选范围内没有驳回" in earlier.text
    assert 'name="from" type="date" value="2026-11-01"' in earlier.text
    same_day = operator.get("/operator?from=2026-11-23&to=2026-11-23")
    assert "备案申请（按状态，共 4 件）" in same_day.text
    nonsense = operator.get("/operator?from=2026-13-01&province=xyz")
    assert nonsense.status_code == 200 and "不是有效日期" in nonsense.text and "省份“xyz”无效" in nonsense.text
    assert "备案申请（按状态，共 4 件）" in nonsense.text


def test_overdue_filings_show_now_and_in_the_weekly_chart(api: Api) -> None:
    apps = _history(api)
    api.clock.set(dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))  # next Monday
    worker.sweep(api.runtime.workflow, api.runtime.gateway, api.runtime.notifiers)
    html = Console(api, "operator").get("/operator").text
    sla = _section(html, "sla-h")
    assert "平台初审超过 3 个工作日</dt><dd><strong class=\"sla overdue\">1 件</strong>" in sla
    assert f'href="/review/{apps[3].id}"' in sla and filing_doc(4)["program"]["appid"] in sla
    weeks = _section(html, "weeks-h")
    assert "超期趋势（按周，共 1 次）" in html
    assert 'role="img" aria-labelledby="weeks-h weeks-desc"' in weeks
    assert "11-23 起一周：平台初审超期 1 件，管局审核超期 0 件" in weeks  # the breach fell due on Thursday 26th
    assert _row(weeks, "2026-11-23") == ["1", "0", "1"] and _row(weeks, "2026-11-30") == ["0", "0", "0"]


def test_the_dashboard_never_loads_the_applications_to_count_them(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    _history(api)
    limits: list[int] = []
    original = SqlStore.list_applications

    def recording(self: SqlStore, **kwargs: Any) -> list[Application]:
        limits.append(kwargs.get("limit", 100))
        return original(self, **kwargs)

    monkeypatch.setattr(SqlStore, "list_applications", recording)
    assert Console(api, "operator").get("/operator").status_code == 200
    assert limits and max(limits) <= 100  # only the short lists of the manual-results forms


@pytest.mark.parametrize("user", ["filer-a", "reviewer", "auditor"])
def test_only_operators_open_the_dashboard(api: Api, user: str) -> None:
    assert Console(api, user).get("/operator").status_code == 403


# ----- manual mode: the operator records the regulator's outcomes --------------------------------------

@pytest.fixture
def manual(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    monkeypatch.setenv("ICPFLOW_REGULATOR", "manual")
    yield from _build(tmp_path / "manual")


def test_in_manual_mode_the_operator_records_face_sms_and_bureau_results(manual: Api) -> None:
    api = manual
    wf, owner = api.runtime.workflow, _account(api, "filer-a")
    assert not api.runtime.gateway.is_simulator
    app = filings.create_application(wf, owner=owner, document=filing_doc(1))
    face.start(wf, api.runtime.gateway, app.id, actor=owner)
    operator = Console(api, "operator")
    page = operator.get("/operator")
    assert "当前为人工录入模式" in page.text and "监管侧：模拟器" not in page.text
    face_action = f"/operator/filings/{app.id}/face-result"
    assert face_action in _section(page.text, "face-h")
    missing = operator.submit("/operator", face_action)
    assert "请选择人脸核身结果" in missing.text
    recorded = operator.submit("/operator", face_action, {"passed": "yes"})
    assert "已记录人脸核身结果：通过" in recorded.text
    assert face.status(wf, app.id, actor=owner) is not None
    assert face.status(wf, app.id, actor=owner).status is FaceStatus.PASSED  # type: ignore[union-attr]
    app = filings.submit(wf, app.id, actor=owner, expected_version=app.version)
    app = filings.platform_approve(wf, app.id, reviewer=_account(api, "reviewer"), expected_version=app.version)
    worker.sweep(wf, api.runtime.gateway, api.runtime.notifiers)  # the manual gateway texts nobody
    sms_action = f"/operator/filings/{app.id}/sms-verified"
    assert sms_action in _section(operator.get("/operator").text, "sms-h")
    verified = operator.submit("/operator", sms_action)
    assert "已记录工信部短信核验完成" in verified.text
    assert filings.get_application(wf, app.id, actor=owner).state is State.BUREAU_REVIEW
    stale = operator.client.post(sms_action, data={"csrf": _csrf(verified.text), "version": "1"})
    assert stale.status_code == 200 and "flash bad" in stale.text  # not in SMS verification any more
    worker.sweep(wf, api.runtime.gateway, api.runtime.notifiers)
    decided = operator.submit("/operator", f"/operator/filings/{app.id}/bureau-decision",
                              {"approved": "yes", "number": "浙ICP备2026000001号-1X"})
    assert "已记录管局审核结果" in decided.text
    assert filings.get_application(wf, app.id, actor=owner).issued_number == "浙ICP备2026000001号-1X"
    actions = [e["action"] for e in api.accounts.audit_entries(50, 0, target=app.id)]
    assert {"face_result_recorded", "sms_verified_recorded", "bureau_decision_recorded"} <= set(actions)


def test_recording_results_needs_the_operator_role_and_the_csrf_token(api: Api) -> None:
    app = _submitted(api, 1)
    reviewer = Console(api, "reviewer")
    token = _csrf(reviewer.get("/review").text)
    for action in ("sms-verified", "face-result", "bureau-decision"):
        url = f"/operator/filings/{app.id}/{action}"
        assert reviewer.client.post(url, data={"csrf": token, "version": "2", "passed": "yes"}).status_code == 403
        assert Console(api, "operator").client.post(url, data={"version": "2"}).status_code == 403
