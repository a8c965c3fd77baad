"""The audit log page and the simulator's controls in the console (TestClient over the real app, SQLite)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from icpflow.adapters.regulator.simulator import RegulatorSimulator
from icpflow.domain.accounts import Principal
from icpflow.domain.model import Application
from icpflow.domain.simulator_config import SimulatorTuning
from icpflow.domain.workflow import State
from icpflow.services import filings

from ..api.conftest import Api, _build
from .support import csrf_of as _csrf
from .test_operator_dashboard import Console, _account, _submitted

BEIJING = dt.timezone(dt.timedelta(hours=8))
MOBILE = "13812345678"
RESIDENT_ID = "11010519491231002X"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from _build(tmp_path / "data")


@pytest.fixture
def manual(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    monkeypatch.setenv("ICPFLOW_REGULATOR", "manual")
    yield from _build(tmp_path / "manual")


def _principal(api: Api, username: str) -> Principal:
    account = api.accounts.by_username(username)
    assert account is not None
    return Principal(account, "session")


def _rows(html: str) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S) if body else []


def _to_bureau(api: Api, seq: int) -> Application:
    """A filing through platform review and SMS verification (recorded), in bureau review and not yet handed
    to the simulated bureau (the worker has not run)."""
    wf, owner = api.runtime.workflow, _account(api, "filer-a")
    app = _submitted(api, seq)
    app = filings.platform_approve(wf, app.id, reviewer=_account(api, "reviewer"), expected_version=app.version)
    app = filings.record_sms_verified(wf, app.id, operator=_account(api, "operator"), expected_version=app.version)
    assert filings.get_application(wf, app.id, actor=owner).state is State.BUREAU_REVIEW
    return app


# ----- the audit log -------------------------------------------------------------------------------------

def test_operators_and_auditors_read_the_audit_log_with_personal_data_masked(api: Api) -> None:
    api.accounts.audit(_principal(api, "reviewer"), "pii_read", "app-1", note=f"来电 {MOBILE}，证件 {RESIDENT_ID}")
    for user in ("operator", "auditor"):
        page = Console(api, user).get("/operator/audit")
        assert page.status_code == 200
        assert "查看个人信息" in page.text and "reviewer" in page.text and "app-1" in page.text
        assert MOBILE not in page.text and RESIDENT_ID not in page.text
        assert "138****5678" in page.text


@pytest.mark.parametrize("user", ["filer-a", "reviewer"])
def test_other_roles_may_not_read_the_audit_log(api: Api, user: str) -> None:
    assert Console(api, user).get("/operator/audit").status_code == 403


def test_the_audit_log_filters_by_action_actor_filing_and_period(api: Api) -> None:
    reviewer, operator = _principal(api, "reviewer"), _principal(api, "operator")
    api.accounts.audit(reviewer, "pii_read", "app-1")
    api.accounts.audit(operator, "bureau_decision_recorded", "app-2", approved=True)
    api.clock.advance(days=2)  # Wednesday 2026-11-25
    api.accounts.audit(reviewer, "pii_read", "app-2")
    console = Console(api, "auditor")

    def targets(query: str) -> list[str]:
        page = console.get("/operator/audit?" + query)
        assert page.status_code == 200
        return [re.search(r"<code>([^<]*)</code></td>", row).group(1) for row in _rows(page.text)  # type: ignore[union-attr]
                if "<code>app-" in row]

    assert targets("action=pii_read") == ["app-2", "app-1"]
    assert targets("actor=operator") == ["app-2"]
    assert targets("filing=app-2") == ["app-2", "app-2"]
    assert targets("action=pii_read&from=2026-11-25&to=2026-11-25") == ["app-2"]
    assert targets("actor=reviewer&to=2026-11-23") == ["app-1"]
    page = console.get("/operator/audit?action=bureau_decision_recorded")
    assert "记录管局审核结果" in page.text and "approved：True" in page.text
    assert '<option value="bureau_decision_recorded" selected>' in page.text
    wrong = console.get("/operator/audit?from=yesterday")
    assert wrong.status_code == 200 and "不是有效日期" in wrong.text


def test_the_audit_log_is_paged_fifty_at_a_time_keeping_the_filters(api: Api) -> None:
    reviewer = _principal(api, "reviewer")
    for i in range(60):
        api.accounts.audit(reviewer, "pii_read", f"app-{i:02d}")
    console = Console(api, "operator")
    first = console.get("/operator/audit?action=pii_read")
    assert len(_rows(first.text)) == 50 and "app-59" in first.text and "app-09" not in first.text
    assert 'href="/operator/audit?action=pii_read&amp;page=2" rel="next"' in first.text
    assert 'rel="prev"' not in first.text
    second = console.get("/operator/audit?action=pii_read&page=2")
    assert len(_rows(second.text)) == 10 and "app-09" in second.text and "app-00" in second.text
    assert 'rel="next"' not in second.text
    assert 'href="/operator/audit?action=pii_read&amp;page=1" rel="prev"' in second.text


# ----- the simulator's controls ---------------------------------------------------------------------------

def _tuning(api: Api) -> SimulatorTuning:
    """What the simulator decides with in this process, now (the live configuration's)."""
    gateway = api.runtime.gateway
    assert isinstance(gateway, RegulatorSimulator)
    return gateway.tuning()


def test_the_simulator_page_shows_its_settings_labelled_as_the_simulator(api: Api) -> None:
    page = Console(api, "operator").get("/operator/simulator")
    assert page.status_code == 200
    assert "<h1>模拟器</h1>" in page.text and "监管侧：模拟器" in page.text
    assert f"<code>{api.runtime.settings.simulator_seed}</code>" in page.text
    assert "100.0%（部署值）" in page.text and "0–0 秒" in page.text  # the fixture's ratio and delays
    assert "保存在数据库中" in page.text and "icpflow worker" in page.text and "重启后仍然保留" in page.text
    assert "当前进程" not in page.text and "恢复部署值</button>" not in page.text
    assert "还没有模拟器设置变更" in page.text


def test_the_operator_changes_the_approve_ratio_of_every_process_and_resets_it(api: Api) -> None:
    console = Console(api, "operator")
    done = console.submit("/operator/simulator", "/operator/simulator/approve-ratio", {"percent": "25"})
    assert "通过率已改为 25%" in done.text and "其他进程（含后台任务）在 5 秒内生效" in done.text
    assert "25.0%（运营设置，operator" in done.text and "部署值 100.0%" in done.text
    assert "修改通过率：25%" in done.text  # the page's history
    assert _tuning(api).approve_ratio == 0.25
    with api.runtime.config.uow() as store:
        assert [(s.key, s.value) for s in store.simulator_settings()] == [("approve_ratio", 0.25)]
    [entry] = api.accounts.audit_entries(10, 0, action="simulator_approve_ratio_changed")
    assert entry["username"] == "operator" and entry["target"] == "approve_ratio"
    assert entry["detail"]["before"] == {"approve_ratio": 1.0, "source": "deployment"}
    assert entry["detail"]["after"] == {"approve_ratio": 0.25, "source": "operator"}

    reset = console.submit("/operator/simulator", "/operator/simulator/approve-ratio/reset")
    assert "已恢复为部署值 100%" in reset.text and "100.0%（部署值）" in reset.text
    assert _tuning(api).approve_ratio is None
    [entry] = api.accounts.audit_entries(10, 0, action="simulator_approve_ratio_reset")
    assert entry["detail"]["after"] == {"approve_ratio": 1.0, "source": "deployment"}
    again = console.submit("/operator/simulator", "/operator/simulator/approve-ratio/reset")
    assert "已是部署值 100%" in again.text
    assert len(api.accounts.audit_entries(10, 0, action="simulator_approve_ratio_reset")) == 1


OUT_OF_RANGE = "模拟管局通过率（approve_ratio）应为 0 到 1 之间的数"


@pytest.mark.parametrize(("wrong", "message"), [
    ("150", OUT_OF_RANGE), ("-1", OUT_OF_RANGE), ("nan", OUT_OF_RANGE), ("abc", "通过率应为 0 到 100 之间的数字")])
def test_an_approve_ratio_out_of_range_is_refused_naming_the_field(api: Api, wrong: str, message: str) -> None:
    console = Console(api, "operator")
    refused = console.submit("/operator/simulator", "/operator/simulator/approve-ratio", {"percent": wrong})
    assert "flash bad" in refused.text and message in refused.text
    assert _tuning(api).approve_ratio is None
    assert api.accounts.audit_entries(10, 0, action="simulator_approve_ratio_changed") == []


def test_a_forced_rejection_decides_a_filing_in_bureau_review_at_once(api: Api) -> None:
    app = _to_bureau(api, 1)
    console = Console(api, "operator")
    page = console.get("/operator/simulator")
    assert f'name="application_id" value="{app.id}"' in page.text  # a button per filing in bureau review
    done = console.submit("/operator/simulator", "/operator/simulator/force",
                          {"application_id": app.id, "decision": "reject"})
    assert "模拟管局已驳回该申请" in done.text
    decided = filings.get_application(api.runtime.workflow, app.id, actor=_account(api, "filer-a"))
    assert decided.state is State.BUREAU_REJECTED and decided.reasons  # reasons drawn from the catalogue
    history = filings.history(api.runtime.workflow, app.id, actor=_account(api, "filer-a"))
    assert history[-1].event == "bureau_reject" and history[-1].actor == "regulator:simulator"
    [entry] = api.accounts.audit_entries(10, 0, action="simulator_decision_forced")
    assert entry["target"] == app.id and entry["detail"]["after"] == {"approved": False, "applied": True}
    assert app.id not in _tuning(api).forced  # nothing kept: a resubmission draws anew
    assert f"立即驳回：{app.id}" in done.text


def test_a_remembered_decision_is_kept_in_the_database_until_cleared(api: Api) -> None:
    app = _submitted(api, 1)
    console = Console(api, "operator")
    done = console.submit("/operator/simulator", "/operator/simulator/force",
                          {"application_id": app.id, "decision": "reject"})
    assert "此后提交到模拟管局时将被驳回" in done.text and "5 秒内生效" in done.text
    assert _tuning(api).forced == {app.id: False}
    with api.runtime.config.uow() as store:
        [stored] = store.forced_decisions()
    assert (stored.application_id, stored.approved, stored.set_by) == (app.id, False, _account(api, "operator"))
    page = console.get("/operator/simulator")
    assert f'aria-label="取消指定结果：{app.id}"' in page.text and f"指定驳回：{app.id}" in page.text
    [entry] = api.accounts.audit_entries(10, 0, action="simulator_decision_forced")
    assert entry["detail"]["after"] == {"approved": False, "applied": False} and entry["detail"]["before"] is None
    cleared = console.submit("/operator/simulator", "/operator/simulator/force",
                             {"application_id": app.id, "decision": "clear"})
    assert "已取消该申请的指定结果" in cleared.text and "已指定结果的申请</dt><dd>无" in cleared.text
    assert _tuning(api).forced == {}
    with api.runtime.config.uow() as store:
        assert store.forced_decisions() == []
    [entry] = api.accounts.audit_entries(10, 0, action="simulator_decision_cleared")
    assert entry["target"] == app.id and entry["detail"]["before"] == {"approved": False}
    console.submit("/operator/simulator", "/operator/simulator/force", {"application_id": app.id, "decision": "clear"})
    assert len(api.accounts.audit_entries(10, 0, action="simulator_decision_cleared")) == 1  # nothing to clear


def test_a_forced_approval_waits_for_the_next_submission_to_the_bureau(api: Api) -> None:
    wf = api.runtime.workflow
    app = _submitted(api, 1)
    console = Console(api, "operator")
    console.submit("/operator/simulator", "/operator/simulator/approve-ratio", {"percent": "0"})
    done = console.submit("/operator/simulator", "/operator/simulator/force",
                          {"application_id": app.id, "decision": "approve"})
    assert "此后提交到模拟管局时将被通过" in done.text and f"<code>{app.id}</code>：通过" in done.text
    app = filings.platform_approve(wf, app.id, reviewer=_account(api, "reviewer"), expected_version=app.version)
    filings.record_sms_verified(wf, app.id, operator=_account(api, "operator"), expected_version=app.version)
    ran = console.submit("/operator/simulator", "/operator/simulator/run")
    assert "已处理到期定时任务" in ran.text
    assert filings.get_application(wf, app.id, actor=_account(api, "filer-a")).state is State.FILED


def test_forcing_an_unknown_filing_says_so(api: Api) -> None:
    console = Console(api, "operator")
    done = console.submit("/operator/simulator", "/operator/simulator/force",
                          {"application_id": "00000000-0000-0000-0000-000000000000", "decision": "approve"})
    assert "找不到备案申请" in done.text
    empty = console.submit("/operator/simulator", "/operator/simulator/force", {"decision": "approve"})
    assert "请填写申请编号" in empty.text


def test_run_due_work_now_sends_the_simulated_sms_without_waiting_for_the_worker(api: Api) -> None:
    wf = api.runtime.workflow
    app = _submitted(api, 1)
    filings.platform_approve(wf, app.id, reviewer=_account(api, "reviewer"), expected_version=app.version)
    with wf.uow() as store:
        assert store.sms_of(app.id) == []
    ran = Console(api, "operator").submit("/operator/simulator", "/operator/simulator/run")
    counts = re.search(r"已处理到期定时任务 (\d+) 个、发件箱消息 (\d+) 条", ran.text)
    assert counts and int(counts.group(2)) >= 1
    with wf.uow() as store:
        assert store.sms_of(app.id) and store.sms_of(app.id)[0].simulated
    [entry] = api.accounts.audit_entries(10, 0, action="simulator_due_work_run")
    assert entry["target"] == "simulator" and entry["detail"]["outbox"] == int(counts.group(2))


@pytest.mark.parametrize("user", ["auditor", "reviewer", "filer-a"])
def test_only_operators_see_or_change_the_simulator(api: Api, user: str) -> None:
    console = Console(api, user)
    assert console.get("/operator/simulator").status_code == 403
    token = _csrf(console.home.text)  # the session's token, from the sign-out form of the role's home page
    for action in ("approve-ratio", "approve-ratio/reset", "force", "run"):
        refused = console.client.post(f"/operator/simulator/{action}", data={"csrf": token, "percent": "0"})
        assert refused.status_code == 403
    assert _tuning(api).approve_ratio is None


def test_a_simulator_control_without_the_csrf_token_is_refused(api: Api) -> None:
    console = Console(api, "operator")
    assert console.client.post("/operator/simulator/approve-ratio", data={"percent": "0"}).status_code == 403
    assert _tuning(api).approve_ratio is None


def test_in_manual_mode_the_simulator_page_explains_that_no_simulator_is_in_use(manual: Api) -> None:
    console = Console(manual, "operator")
    page = console.get("/operator/simulator")
    assert page.status_code == 200 and "当前未使用模拟器" in page.text
    assert "<code>manual</code>（人工录入）" in page.text
    assert 'href="/operator#manual"' in page.text and "/operator/simulator/run" not in page.text
    refused = console.client.post("/operator/simulator/run", data={"csrf": _csrf(page.text)})
    assert refused.status_code == 200 and "当前监管侧不是模拟器" in refused.text
