"""Face verification (人脸核身) of the mini-program principal: submission needs a passed, unexpired task."""

from __future__ import annotations

import dataclasses

import pytest

from icpflow.adapters.regulator.simulator import FACE_FAIL_MARKER
from icpflow.domain.errors import FaceVerificationRequired, InvalidRequest
from icpflow.domain.face import FaceStatus
from icpflow.domain.workflow import State
from icpflow.services import face, filings

from .conftest import FILER, Desk, filing


@pytest.fixture
def strict(desk: Desk) -> Desk:
    desk.wf = dataclasses.replace(desk.wf, policy=dataclasses.replace(desk.wf.policy, face_task_required=True))
    return desk


def test_a_task_passes_when_the_simulator_completes_it_and_the_filing_may_be_submitted(strict: Desk) -> None:
    app = strict.new()
    record = face.start(strict.wf, strict.gateway, app.id, actor=FILER)
    assert record.status is FaceStatus.PENDING and record.task_id.startswith("FACE-SIM-")
    strict.clock.advance(minutes=6)  # past the simulator's shortest delay (5 min in this desk)
    assert face.status(strict.wf, app.id, actor=FILER).status is FaceStatus.PASSED  # type: ignore[union-attr]
    submitted = filings.submit(strict.wf, app.id, actor=FILER, expected_version=app.version)
    assert submitted.state is State.PLATFORM_REVIEW
    assert submitted.document["subject"]["principal"]["face_verified"] is True


def test_the_task_is_the_truth_not_the_documents_flag(strict: Desk) -> None:
    doc = filing()
    doc["subject"]["principal"]["face_verified"] = False
    app = strict.new(doc)
    face.start(strict.wf, strict.gateway, app.id, actor=FILER)
    strict.clock.advance(minutes=6)
    assert filings.submit(strict.wf, app.id, actor=FILER, expected_version=app.version).state is State.PLATFORM_REVIEW


def test_without_a_task_the_submission_is_refused(strict: Desk) -> None:
    app = strict.new()
    with pytest.raises(FaceVerificationRequired) as info:
        filings.submit(strict.wf, app.id, actor=FILER, expected_version=app.version)
    assert "未发起" in info.value.message


def test_a_pending_task_does_not_yet_allow_submission(strict: Desk) -> None:
    app = strict.new()
    face.start(strict.wf, strict.gateway, app.id, actor=FILER)
    with pytest.raises(FaceVerificationRequired) as info:
        filings.submit(strict.wf, app.id, actor=FILER, expected_version=app.version)
    assert "核验中" in info.value.message


def test_a_failed_verification_refuses_submission(strict: Desk) -> None:
    doc = filing()
    doc["subject"]["principal"]["name"] = f"王某某{FACE_FAIL_MARKER}"
    doc["subject"]["legal_representative"]["name"] = doc["subject"]["principal"]["name"]
    app = strict.new(doc)
    face.start(strict.wf, strict.gateway, app.id, actor=FILER)
    strict.clock.advance(minutes=6)
    assert face.status(strict.wf, app.id, actor=FILER).status is FaceStatus.FAILED  # type: ignore[union-attr]
    with pytest.raises(FaceVerificationRequired):
        filings.submit(strict.wf, app.id, actor=FILER, expected_version=app.version)


def test_a_passed_task_expires_after_three_days(strict: Desk) -> None:
    app = strict.new()
    face.start(strict.wf, strict.gateway, app.id, actor=FILER)
    strict.clock.advance(days=3, minutes=1)
    assert face.status(strict.wf, app.id, actor=FILER).status is FaceStatus.EXPIRED  # type: ignore[union-attr]
    with pytest.raises(FaceVerificationRequired) as info:
        filings.submit(strict.wf, app.id, actor=FILER, expected_version=app.version)
    assert "已过期" in info.value.message


def test_a_new_task_replaces_an_expired_one(strict: Desk) -> None:
    app = strict.new()
    face.start(strict.wf, strict.gateway, app.id, actor=FILER)
    strict.clock.advance(days=4)
    face.start(strict.wf, strict.gateway, app.id, actor=FILER)
    strict.clock.advance(minutes=6)
    assert filings.submit(strict.wf, app.id, actor=FILER, expected_version=app.version).state is State.PLATFORM_REVIEW


def test_an_operator_records_the_result_in_manual_mode(strict: Desk) -> None:
    from icpflow.adapters.regulator.manual import ManualGateway

    app = strict.new()
    record = face.start(strict.wf, ManualGateway(), app.id, actor=FILER)
    assert record.status is FaceStatus.PENDING and record.planned_passed is None
    face.record_result(strict.wf, app.id, True, operator="operator-1")
    assert filings.submit(strict.wf, app.id, actor=FILER, expected_version=app.version).state is State.PLATFORM_REVIEW


def test_face_verification_is_started_only_on_a_draft(strict: Desk) -> None:
    app = strict.new()
    face.start(strict.wf, strict.gateway, app.id, actor=FILER)
    strict.clock.advance(minutes=6)
    filings.submit(strict.wf, app.id, actor=FILER, expected_version=app.version)
    with pytest.raises(InvalidRequest):
        face.start(strict.wf, strict.gateway, app.id, actor=FILER)


def test_a_second_task_is_refused_while_one_is_pending(strict: Desk) -> None:
    app = strict.new()
    face.start(strict.wf, strict.gateway, app.id, actor=FILER)
    with pytest.raises(InvalidRequest):
        face.start(strict.wf, strict.gateway, app.id, actor=FILER)
