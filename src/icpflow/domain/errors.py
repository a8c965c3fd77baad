"""Domain errors: each carries the data a caller needs to explain it (in Chinese, via `message`).

Entry points map them in one place each: to problem+json for the API, to exit codes and Chinese text
for the CLI.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


class DomainError(Exception):
    """Base: `message` is for people (Chinese), `code` for programs."""

    code = "domain_error"

    def __init__(self, message: str, **data: Any) -> None:
        self.message = message
        self.data = data
        super().__init__(message)


class NotFound(DomainError):
    code = "not_found"

    def __init__(self, what: str, key: str) -> None:
        super().__init__(f"找不到{what}“{key}”", what=what, key=key)


class ConcurrentUpdate(DomainError):
    """Someone else changed the application first (optimistic concurrency): reload and try again."""

    code = "conflict"

    def __init__(self, application_id: str, expected_version: int) -> None:
        super().__init__(f"申请 {application_id} 已被他人修改（版本 {expected_version} 已过期），请刷新后重试",
                         application_id=application_id, expected_version=expected_version)


class NotOwner(DomainError):
    code = "forbidden"

    def __init__(self, what: str, key: str) -> None:
        super().__init__(f"无权操作{what}“{key}”", what=what, key=key)


class SubmissionBlocked(DomainError):
    """The pre-check says the filing would be rejected; `report` says why."""

    code = "precheck_blocked"

    def __init__(self, report: dict[str, Any]) -> None:
        errors = sum(1 for f in report["findings"] if f["severity"] == "error")
        missing = sum(1 for r in report["requirements"] if not r["met"])
        super().__init__(f"预检未通过：{errors} 个错误，{missing} 项材料未提供，请修改后再提交", report=report)


class QuotaExhausted(DomainError):
    code = "quota_exhausted"

    def __init__(self, refresh_at: dt.datetime) -> None:
        super().__init__(f"今日存量小程序备案提交额度已用完，将于 {refresh_at:%Y-%m-%d %H:%M} 刷新",
                         refresh_at=refresh_at.isoformat())


class WrongSmsCode(DomainError):
    code = "wrong_sms_code"

    def __init__(self) -> None:
        super().__init__("短信验证码不正确或已失效")


class InvalidRequest(DomainError):
    code = "invalid_request"


class FaceVerificationRequired(DomainError):
    code = "face_verification_required"

    def __init__(self, status: str) -> None:
        super().__init__(f"小程序负责人尚未通过人脸核身（当前：{status}），请先完成人脸核身再提交", status=status)


class ClaimedByOther(DomainError):
    """Another reviewer claimed the application (认领) in this platform review."""

    code = "claimed"

    def __init__(self, holder: str) -> None:
        super().__init__(f"该申请已被审核员 {holder} 认领", claimed_by=holder)
