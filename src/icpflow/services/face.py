"""Face verification (人脸核身) of the mini-program principal: create a task through the gateway, follow
its status, and require a passed, unexpired task at submission (seed 001 §三(一)4; reference §4.2).

The task is the truth, not the document's `face_verified` flag: on submission the service writes the
task's outcome into the document before the pre-check judges it.
"""

from __future__ import annotations

from ..domain.errors import InvalidRequest
from ..domain.face import FaceRecord, FaceStatus
from ..domain.regulator import RegulatorGateway
from ..domain.workflow import State
from .workflow import Workflow, _check_owner


def _principal_name(document: dict[str, object]) -> str:
    program = document.get("program")
    subject = document.get("subject")
    person = program.get("principal") if isinstance(program, dict) else None
    if not isinstance(person, dict) and isinstance(subject, dict):
        person = subject.get("principal")
    return str(person.get("name", "")) if isinstance(person, dict) else ""


def start(wf: Workflow, gateway: RegulatorGateway, application_id: str, *, actor: str) -> FaceRecord:
    now = wf.clock.now()
    with wf.uow() as store:
        app = store.get_application(application_id)
        _check_owner(app, actor, staff=False)
        if app.state not in (State.DRAFT,):
            raise InvalidRequest("只有草稿阶段需要发起人脸核身")
        current = store.latest_face_task(app.id)
        if current is not None:
            current.resolve(now)
            if current.status is FaceStatus.PENDING:
                raise InvalidRequest("已有进行中的人脸核身任务，请先完成或等待其过期")
        task = gateway.create_face_task(app.id, _principal_name(app.document), now)
        record = FaceRecord(task.task_id, app.id, task.verify_url, FaceStatus.PENDING, now, task.expires_at,
                            task.completes_at, task.planned_passed)
        store.add_face_task(record)
        store.commit()
        return record


def status(wf: Workflow, application_id: str, *, actor: str, staff: bool = False) -> FaceRecord | None:
    now = wf.clock.now()
    with wf.uow() as store:
        app = store.get_application(application_id)
        _check_owner(app, actor, staff=staff)
        record = store.latest_face_task(app.id)
        if record is not None and record.resolve(now):
            store.save_face_task(record)
            store.commit()
        return record


def record_result(wf: Workflow, application_id: str, passed: bool, *, operator: str) -> FaceRecord:
    """Manual channel: an operator records the result the platform's face service reported."""
    now = wf.clock.now()
    with wf.uow() as store:
        record = store.latest_face_task(application_id)
        if record is None or record.status is not FaceStatus.PENDING:
            raise InvalidRequest("没有进行中的人脸核身任务")
        record.status = FaceStatus.PASSED if passed else FaceStatus.FAILED
        record.completed_at = now
        store.save_face_task(record)
        store.commit()
        return record
