"""Rules about attachments (附件): letters' signing dates, identity photos, image facts, orientation, and the
record number a change or cancellation names.

Their evaluators are in `icpflow/domain/rules/attachments.py`. Each case triggers its rule or is a near miss
that does not (`test_every_rule.py` checks every rule has both).
"""

from __future__ import annotations

from collections.abc import Callable

from icpflow.domain.rules.context import ImageFacts
from icpflow.domain.rules.engine import Checker

from .cases import Case, Doc, missing_id_back
from .conftest import (
    DELETE,
    SIGNED_ON,
    attach,
    attachment,
    cancellation,
    employee,
    filing,
    findings_of,
    fired,
    run,
)


def landscape(province: str, width: int, height: int) -> Callable[[], Doc]:
    return lambda: filing(province, {"attachments.0.width": width, "attachments.0.height": height})


def probed(province: str) -> Doc:
    """The certificate photo has a file and no size in the document: only the probe can measure it."""
    return filing(province, {"attachments.0.file": "cert.jpg", "attachments.0.width": DELETE,
                             "attachments.0.height": DELETE})


def letter_signed(signed_on: str | None) -> Doc:
    doc = filing("440000")
    letter = attachment(doc, "commitment")
    if signed_on is None:
        del letter["signed_on"]
    else:
        letter["signed_on"] = signed_on
    return doc


def passport_principal(with_back: bool) -> Doc:
    doc = filing()
    person = employee(doc, id_type="passport", id_number="E12345678")
    doc["program"]["principal"] = person
    attach(doc, "id_front", "program_principal_id", id="pp-front")
    if with_back:
        attach(doc, "id_back", "program_principal_id", id="pp-back")
    return doc


CASES: list[Case] = [
    # --- field formats ----------------------------------------------------------------------------------------
    Case("field.attachment_ids_unique", "two-attachments-one-id",
         lambda: filing("330000", {"attachments.1.id": "cert"}), True),
    Case("field.attachment_ids_unique", "ids-differ", lambda: filing("330000", {"attachments.1.id": "cert-2"}), False),
    # --- nationwide ----------------------------------------------------------------------------------------
    Case("nationwide.letter_signed_window", "signed-the-day-after-submission", lambda: letter_signed("2026-11-23"),
         True),
    Case("nationwide.letter_signed_window", "signed-on-the-day-of-submission", lambda: letter_signed("2026-11-22"),
         False),
    Case("nationwide.letter_signed_window", "signed-a-month-and-a-day-before", lambda: letter_signed("2026-10-21"),
         True),
    Case("nationwide.letter_signed_window", "signed-exactly-a-month-before", lambda: letter_signed("2026-10-22"),
         False),
    Case("nationwide.letter_signed_window", "letter-without-date", lambda: letter_signed(None), True),
    Case("nationwide.identity_photos", "subject-principal-id-back-missing", missing_id_back, True),
    Case("nationwide.identity_photos", "passport-has-no-back", lambda: passport_principal(with_back=False), False),
    Case("nationwide.identity_photos", "certificate-photo-in-wrong-slot",
         lambda: filing("330000", {"attachments.0.slot": "subject_supplementary"}), True),
    Case("nationwide.attachment_readable", "file-cannot-be-decoded", lambda: probed("330000"), True,
         images={"cert.jpg": ImageFacts(problem="无法解码图片")}),
    Case("nationwide.attachment_readable", "file-over-10-mb", lambda: probed("330000"), True,
         images={"cert.jpg": ImageFacts(format="JPEG", width=1600, height=1200, size_bytes=11 * 1048576)}),
    Case("nationwide.attachment_readable", "file-of-9-mb", lambda: probed("330000"), False,
         images={"cert.jpg": ImageFacts(format="JPEG", width=1600, height=1200, size_bytes=9 * 1048576)}),
    Case("nationwide.attachment_resolution", "short-side-599", landscape("330000", 1600, 599), True),
    Case("nationwide.attachment_resolution", "short-side-600", landscape("330000", 1600, 600), False),
    Case("nationwide.attachment_resolution", "probe-measures-small-photo", lambda: probed("330000"), True,
         images={"cert.jpg": ImageFacts(format="JPEG", width=400, height=300)}),
    Case("nationwide.cancel_record_number", "cancel-subject-with-program-number",
         lambda: cancellation("cancel_subject", "浙ICP备2023012345号-1X"), True),
    Case("nationwide.cancel_record_number", "cancel-subject-with-subject-number",
         lambda: cancellation("cancel_subject", "浙ICP备2023012345号"), False),
    Case("nationwide.cancel_record_number", "cancel-subject-with-other-province-number",
         lambda: cancellation("cancel_subject", "粤ICP备2023012345号"), True),
    Case("nationwide.cancel_record_number", "cancel-subject-with-short-serial",
         lambda: cancellation("cancel_subject", "浙ICP备123号"), True),
    Case("nationwide.cancel_record_number", "cancel-program-with-subject-number",
         lambda: cancellation("cancel_program", "浙ICP备2023012345号"), True),
    Case("nationwide.cancel_record_number", "cancel-program-with-app-number",
         lambda: cancellation("cancel_program", "浙ICP备2023012345号-1A"), True),
    Case("nationwide.cancel_record_number", "cancel-program-with-mini-program-number",
         lambda: cancellation("cancel_program", "浙ICP备2023012345号-1X"), False),
    Case("nationwide.cancel_record_number", "cancel-access-with-mini-program-number",
         lambda: cancellation("cancel_access", "浙ICP备2023012345号-2X"), False),
    Case("nationwide.cancel_record_number", "cancel-access-with-empty-number",
         lambda: cancellation("cancel_access", ""), True),
    Case("nationwide.change_record_number", "change-without-the-number-it-changes",
         lambda: filing("330000", {"kind": "change"}), True),
    Case("nationwide.change_record_number", "change-naming-an-app-number",
         lambda: filing("330000", {"kind": "change", "record_number": "浙ICP备2023012345号-1A"}), True),
    Case("nationwide.change_record_number", "change-naming-a-malformed-number",
         lambda: filing("330000", {"kind": "change", "record_number": "浙ICP2023012345"}), True),
    Case("nationwide.change_record_number", "change-naming-the-mini-program-number",
         lambda: filing("330000", {"kind": "change", "record_number": "浙ICP备2023012345号-1X"}), False),
    Case("nationwide.change_record_number", "change-naming-the-subject-number",
         lambda: filing("330000", {"kind": "change", "record_number": "浙ICP备2023012345号"}), False),
    Case("nationwide.change_record_number", "new-filing-needs-no-number", lambda: filing("330000"), False),
    # --- other provinces (seed 004 §1.3) -----------------------------------------------------------------
    *[Case("province.attachments.landscape", f"{p}-portrait-photo", landscape(p, 1000, 1600), True)
      for p in ("610000", "310000", "370000", "460000")],
    Case("province.attachments.landscape", "shanghai-landscape-photo", landscape("310000", 1600, 1000), False),
    Case("province.attachments.landscape", "zhejiang-portrait-photo", landscape("330000", 1000, 1600), False),
    Case("province.attachments.landscape", "shanghai-probe-measures-portrait", lambda: probed("310000"), True,
         images={"cert.jpg": ImageFacts(format="JPEG", width=1200, height=1600)}),
    Case("province.attachments.landscape", "shanghai-pdf-has-no-orientation", lambda: probed("310000"), False,
         images={"cert.jpg": ImageFacts(format="PDF", size_bytes=20_000)}),
    Case("province.attachments.landscape_unverified", "shanghai-photo-of-unknown-size", lambda: probed("310000"), True),
    Case("province.attachments.landscape_unverified", "shanghai-probe-measures-the-photo", lambda: probed("310000"),
         False, images={"cert.jpg": ImageFacts(format="JPEG", width=1600, height=1200)}),
    Case("province.attachments.landscape_unverified", "zhejiang-photo-of-unknown-size", lambda: probed("330000"),
         False),
]



# ----- what the reports say, beyond firing -----------------------------------------------------------------


def test_landscape_warning_for_unknown_size_does_not_block(checker: Checker) -> None:
    report = run(probed("310000"), checker=checker)
    [finding] = findings_of(report, "province.attachments.landscape_unverified")
    assert (finding["severity"], report["verdict"]) == ("warning", "ready")


def test_letter_window_is_judged_against_submitted_on_not_the_clock(checker: Checker) -> None:
    doc = filing("440000", submitted_on="2026-12-01")
    attachment(doc, "commitment")["signed_on"] = SIGNED_ON  # 19 days before submission, 10 before the clock
    assert "nationwide.letter_signed_window" not in fired(run(doc, checker=checker))
    doc["submitted_on"] = "2026-12-13"  # one month and a day after signing
    assert "nationwide.letter_signed_window" in fired(run(doc, checker=checker))
