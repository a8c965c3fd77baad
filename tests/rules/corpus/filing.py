"""Mutations of the filing as a whole: its kind (a change, the three cancellations), the day it is submitted on,
and a required field left blank. Each mutation edits `doc` in place (and may add image facts).
"""

from __future__ import annotations

import copy
import random

from .common import Doc, Facts, _full, _people

RECORD_NUMBERS = ["浙ICP备2023012345号-2X", "浙ICP备2023012345号", "粤ICP备2023045678号-1X", "蜀ICP备2024012345号-3X",
                  "沪ICP备2022033445号-2", "京ICP备12345678号", "ICP备123号", "", "   ", "津ICP备2020000001号-1A",
                  "川ICP备2024012345号-3X"]
DATES = ["2026-11-22", "2026-11-01", "2027-01-31", "2025-02-28", "2026-02-28", "2024-02-29", None]


def m_blank(doc: Doc, rng: random.Random, facts: Facts) -> None:
    targets: list[tuple[Doc, str]] = [(doc["subject"], "name"), (doc["subject"]["certificate"], "number")]
    for p in _people(doc):
        targets += [(p, "name"), (p, "mobile"), (p, "email"), (p, "emergency_phone"), (p, "id_number")]
    if "program" in doc:
        targets += [(doc["program"], "name"), (doc["program"], "appid")]
    obj, key = rng.choice(targets)
    obj[key] = rng.choice(["", " ", "\u3000"])


def m_submitted(doc: Doc, rng: random.Random, facts: Facts) -> None:
    day = rng.choice(DATES)
    if day is None:
        doc.pop("submitted_on", None)
    else:
        doc["submitted_on"] = day


def m_change(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if _full(doc):
        doc["kind"] = "change"
        doc["record_number"] = rng.choice(RECORD_NUMBERS)


def _subject_ref(doc: Doc, rng: random.Random) -> Doc:
    subj = doc["subject"]
    ref: Doc = {"nature": subj["nature"], "name": subj["name"], "certificate": copy.deepcopy(subj["certificate"])}
    if rng.random() < 0.5 and subj.get("address") is not None:
        ref["address"] = subj["address"]
    if rng.random() < 0.4 and subj.get("principal") is not None:
        ref["principal"] = subj["principal"]
    return ref


def m_cancel(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if not _full(doc):
        return
    kind = rng.choice(["cancel_subject", "cancel_program", "cancel_access"])
    new: Doc = {"schema_version": 1, "kind": kind, "subject": _subject_ref(doc, rng),
                "attachments": doc["attachments"] if rng.random() < 0.3 else []}
    if "submitted_on" in doc:
        new["submitted_on"] = doc["submitted_on"]
    if rng.random() < 0.7:
        new["reason"] = "停止运营"
    if kind == "cancel_subject":
        new["record_number"] = rng.choice(RECORD_NUMBERS)
    else:
        new["program"] = {"type": doc["program"]["type"], "appid": doc["program"]["appid"],
                          "name": doc["program"]["name"], "record_number": rng.choice(RECORD_NUMBERS)}
    doc.clear()
    doc.update(new)
