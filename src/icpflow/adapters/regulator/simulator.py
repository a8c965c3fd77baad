"""The regulator simulator (模拟管局): MIIT's verification SMS and the provincial bureau, made up, repeatably.

For development, demos and tests. Everything it produces is labelled: `is_simulator` is True and every
SMS text starts with 【模拟】, so no screen, message or log line can pass it off as the real regulator.

Deterministic, without state and without a clock: every draw is a SHA-256 of the simulator's `seed` and
what identifies the draw, never the `random` module and never the wall clock (`now` is passed in):

* SMS code: `sha256(f"{seed}:{application_id}:sms:{attempt}:{phone}")`, reduced to `sms_code_length`
  digits. Each phone gets its own code, as each principal does from 12381; a resend (the next attempt)
  never repeats the previous attempt's code for that phone.
* Bureau: `sha256(f"{seed}:{application_id}:{document_digest}:{purpose}")` for the decision, the delay
  and the reasons, where `document_digest` is a SHA-256 of the submitted document in canonical JSON. So
  a retried call (the outbox may retry) gets the same answer, and a filing edited after a rejection gets
  a fresh draw instead of being rejected forever.

The decision, in order of precedence:

1. a decision forced for this application: `force[application_id]` given when the simulator was built (tests,
   scripted demos), then the operator's (`tuning().forced`); True approves, False rejects;
2. a program name containing 【驳回】 is rejected, so a demo user can trigger a rejection on purpose;
3. otherwise approved with probability `approve_ratio` (over many applications; each one is fixed): the
   operator's (`tuning().approve_ratio`) when set, else the deployment's given when the simulator was built.

`tuning` is read at decision time. In a deployment it is the live configuration's (services/live_config.py):
the operator's values kept in the database, the same in every process and across restarts.

A rejection carries one or two reasons from the catalogue's bureau stage: the first from the filing's
own province's rules when the catalogue has one that fits, the other from the province's rules or the
general ones. A reason qualifies only if it applies to the subject's nature and its `field` exists in the
submitted document (or is "" for the whole filing), so the filer is never sent to a field they do not
have. The decision is due `bureau_delay` after submission (a uniform draw in whole seconds); the real
bureau takes 1-20 working days, the default here is minutes so a demo can watch it happen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ...domain.regulator import BureauDecision, BureauSubmission, FaceTask, PlannedDecision, SmsMessage
from ...domain.rejections import RejectionCatalogue, RejectionCause, ReviewStage
from ...domain.simulator_config import SimulatorTuning

#: the marker that makes the simulator reject on purpose (in `program.name`)
REJECT_MARKER = "【驳回】"
#: A principal whose name contains this fails the simulated face verification (for demos and tests).
FACE_FAIL_MARKER = "【人脸失败】"
#: WeChat's face task is valid for 3 days (reference §4.2 create_icp_verifytask).
FACE_TASK_VALIDITY = dt.timedelta(days=3)
#: every SMS text the simulator writes starts with this label
SIMULATOR_LABEL = "【模拟】"
DEFAULT_BUREAU_DELAY = (dt.timedelta(minutes=1), dt.timedelta(minutes=30))
#: no operator values: the simulator decides with what it was built with
UNTUNED = SimulatorTuning()

_PATH_PART = re.compile(r"^([a-z_]+)((?:\[\d+\])*)$")


class RegulatorSimulator:
    """A `RegulatorGateway` that makes up the regulator's side, the same way every time for one seed."""

    name: str = "simulator"
    is_simulator: bool = True

    def __init__(
        self,
        catalogue: RejectionCatalogue,
        *,
        seed: int,
        sms_code_length: int = 6,
        approve_ratio: float = 0.8,
        bureau_delay: tuple[dt.timedelta, dt.timedelta] = DEFAULT_BUREAU_DELAY,
        force: Mapping[str, bool] | None = None,
        tuning: Callable[[], SimulatorTuning] | None = None,
    ) -> None:
        if not 4 <= sms_code_length <= 12:
            raise ValueError(f"sms_code_length must be between 4 and 12, not {sms_code_length}")
        if not 0.0 <= approve_ratio <= 1.0:
            raise ValueError(f"approve_ratio must be between 0 and 1, not {approve_ratio}")
        low, high = bureau_delay
        if low < dt.timedelta(0) or high < low:
            raise ValueError(f"bureau_delay must be (min, max) with 0 <= min <= max, not ({low}, {high})")
        fallback = [c for c in catalogue.for_stage(ReviewStage.BUREAU) if _general(c) and not c.field]
        if not fallback:
            raise ValueError(
                "the catalogue needs a bureau-stage reason for the whole filing (field \"\", no province or"
                " nature restriction): the simulator falls back on it when no other reason fits a filing"
            )
        self.catalogue = catalogue
        self.seed = seed
        self.sms_code_length = sms_code_length
        #: the deployment's ratio (ICPFLOW_SIMULATOR_APPROVE_RATIO): used while the operator has set none
        self.approve_ratio = approve_ratio
        self.bureau_delay = (low, high)
        #: decisions fixed when the simulator was built (tests, scripted demos); they win over the operator's
        self.force: dict[str, bool] = dict(force or {})
        #: the operator's values, asked for at each decision
        self.tuning: Callable[[], SimulatorTuning] = tuning or (lambda: UNTUNED)
        self._fallback = fallback

    # ----- MIIT verification SMS (工信部短信核验) -------------------------------------------------

    def send_sms(self, application_id: str, phones: Sequence[str], attempt: int, now: dt.datetime) -> list[SmsMessage]:
        """One message per distinct phone, in the order given, each with its own code."""
        _require_aware(now)
        if attempt < 0:
            raise ValueError(f"attempt must not be negative, not {attempt}")
        return [
            SmsMessage(phone=phone, text=self._sms_text(application_id, code), code=code, sent_at=now)
            for phone in dict.fromkeys(phones)
            for code in [self.sms_code(application_id, phone, attempt)]
        ]

    def sms_code(self, application_id: str, phone: str, attempt: int) -> str:
        """The code sent to `phone` at `attempt`; differs from the code of `attempt - 1`."""
        previous = ""
        code = ""
        for current in range(attempt + 1):
            salt = 0
            while True:
                code = self._digits(f"{application_id}:sms:{current}:{phone}" + (f":{salt}" if salt else ""))
                if code != previous:
                    break
                salt += 1
            previous = code
        return code

    def _digits(self, key: str) -> str:
        value = _number(f"{self.seed}:{key}")
        return f"{value % 10**self.sms_code_length:0{self.sms_code_length}d}"

    @staticmethod
    def _sms_text(application_id: str, code: str) -> str:
        # Modelled on the 12381 message (seed 001 §五: sent from 12381, verify within 24 h on beian.miit.gov.cn).
        return (
            f"{SIMULATOR_LABEL}【工信部ICP备案】验证码{code}，"
            f"您正在办理小程序ICP备案短信核验（申请号 {application_id}），"
            "请登录工信部ICP/IP地址/域名信息备案管理系统（beian.miit.gov.cn）完成核验，24小时内有效。"
            "如非本人操作，请忽略本短信。"
        )

    # ----- face verification of the mini-program principal (人脸核身) --------------------------------

    def create_face_task(self, application_id: str, principal_name: str, now: dt.datetime) -> FaceTask:
        """Completes after the shortest bureau delay (demos: seconds), deterministically."""
        return _face_task(self.seed, application_id, principal_name, now, self.bureau_delay[0])

    # ----- provincial bureau review (管局审核) ----------------------------------------------------

    def submit_to_bureau(
        self, application_id: str, province: str, document: Mapping[str, Any], now: dt.datetime, *,
        forced: bool | None = None,
    ) -> BureauSubmission:
        """The bureau's planned decision; `forced` (the operator deciding an application in bureau review at
        once) wins over every other source."""
        _require_aware(now)
        digest = hashlib.sha256(_canonical_json(document).encode("utf-8")).hexdigest()
        key = f"{self.seed}:{application_id}:{digest}"
        approved, decided_by = (forced, "force") if forced is not None else self._decide(application_id, document, key)
        reasons = () if approved else tuple(c.reason for c in self._reasons(province, document, key))
        delay = self._delay(key)
        return BureauSubmission(
            reference=f"SIM-{province}-{_hex(key + ':reference')[:12].upper()}",
            planned=PlannedDecision(BureauDecision(approved=approved, reasons=reasons), due_at=now + delay),
            extra={"simulated": True, "decided_by": decided_by, "delay_seconds": int(delay.total_seconds())},
        )

    def _decide(self, application_id: str, document: Mapping[str, Any], key: str) -> tuple[bool, str]:
        if application_id in self.force:
            return self.force[application_id], "force"
        tuning = self.tuning()
        if application_id in tuning.forced:
            return tuning.forced[application_id], "force"
        if REJECT_MARKER in str(_lookup(document, "program.name") or ""):
            return False, "reject_marker"
        ratio = self.approve_ratio if tuning.approve_ratio is None else tuning.approve_ratio
        return _number(f"{key}:decision") / 2**256 < ratio, "draw"

    def _delay(self, key: str) -> dt.timedelta:
        low, high = self.bureau_delay
        span = (high - low) // dt.timedelta(seconds=1)
        return low + dt.timedelta(seconds=_number(f"{key}:delay") % (span + 1))

    def _reasons(self, province: str, document: Mapping[str, Any], key: str) -> list[RejectionCause]:
        nature = _lookup(document, "subject.nature")
        applicable = self.catalogue.for_stage(ReviewStage.BUREAU, province, nature if isinstance(nature, str) else None)
        candidates = [c for c in applicable if not c.field or _lookup(document, c.field) is not None]
        candidates = candidates or list(self._fallback)
        # a hash-keyed order: stable for one submission, independent of where a cause sits in the file
        candidates.sort(key=lambda cause: _hex(f"{key}:reason:{cause.code}"))
        count = min(len(candidates), 1 + _number(f"{key}:reason_count") % 2)
        own = [cause for cause in candidates if cause.province_specific]
        first = own[0] if own else candidates[0]
        rest = [cause for cause in candidates if cause is not first]
        return [first, *rest[: count - 1]]


def _hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _number(text: str) -> int:
    """A 256-bit number drawn from `text`."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")


def _general(cause: RejectionCause) -> bool:
    return cause.provinces is None and cause.natures is None


def _require_aware(now: dt.datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware (the simulator reads no clock; pass the clock's now())")


def _plain(value: Any) -> Any:
    """Mappings and sequences as dicts and lists, so any `Mapping` document serialises the same way."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _canonical_json(document: Mapping[str, Any]) -> str:
    return json.dumps(_plain(document), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _lookup(document: Mapping[str, Any], path: str) -> Any:
    """The value at a JSON path (`subject.principal.mobile`, `attachments[0].slot`), None if absent."""
    current: Any = document
    for part in path.split("."):
        match = _PATH_PART.match(part)
        if match is None or not isinstance(current, Mapping) or match.group(1) not in current:
            return None
        current = current[match.group(1)]
        for index in re.findall(r"\[(\d+)\]", match.group(2)):
            if not isinstance(current, list | tuple) or int(index) >= len(current):
                return None
            current = current[int(index)]
    return current


def _face_task(seed: int, application_id: str, principal_name: str, now: dt.datetime,
               delay: dt.timedelta) -> FaceTask:
    """The simulated face verification: passes after `delay` unless the name carries FACE_FAIL_MARKER."""
    _require_aware(now)
    digest = _hex(f"{seed}:{application_id}:face:{now.isoformat()}")[:16]
    return FaceTask(
        task_id=f"FACE-SIM-{digest}",
        verify_url=f"https://simulator.icpflow.invalid/face/{digest}",
        expires_at=now + FACE_TASK_VALIDITY,
        planned_passed=FACE_FAIL_MARKER not in principal_name,
        completes_at=now + delay,
    )
