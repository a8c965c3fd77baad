"""A seeded corpus of filing documents for differential tests of the pre-check engine.

`corpus(n, seed)` returns `n` documents (JSON bytes) with, for some, what an image probe would measure.
They start from `make_filing` (every province, nature and program type) or from `examples/filings/`, and
get one to four random mutations each: broken identifiers and checksums, every personal ID type, phones
and e-mail in odd forms, validity windows, region codes, keyword hits (full-width, spaced, astral, inside
exclusion clauses), remarks, declared pre-approvals, mini-game licences, attachments and letters, record
numbers, the cancellation kinds, and a few documents that do not parse at all. The point is breadth: the
same seed gives the same documents, so the reports can be compared before and after a change to the
engine (`test_reports_unchanged.py`), byte for byte.

The mutations are in one module a noun (`people`, `subject`, `program`, `attachments`, and `filing` for the
kind, the submission day and blanks); this package assembles them in a fixed order, which is part of the seed.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from pathlib import Path

from .attachments import m_attachments, m_images
from .common import PROVINCES, Doc, Facts
from .filing import DATES, RECORD_NUMBERS, m_blank, m_cancel, m_change, m_submitted
from .people import (
    m_email,
    m_emergency,
    m_face,
    m_id_address,
    m_id_number,
    m_id_type,
    m_individual_name,
    m_legal_rep,
    m_mobile,
    m_move_person_home,
    m_person_validity,
    m_program_principal,
)
from .program import (
    DESCRIPTIONS,
    NAMES,
    REMARKS,
    m_count,
    m_description,
    m_game,
    m_pre_approvals,
    m_program_text,
    m_program_type,
    m_remark,
)
from .subject import (
    SCOPES,
    m_address,
    m_cert_address,
    m_cert_type,
    m_cert_validity,
    m_detail_repeats,
    m_nature,
    m_scope,
    m_subject_name,
    m_tianjin_individual,
    m_uscc,
)

__all__ = [
    "DATES",
    "DESCRIPTIONS",
    "EXAMPLES",
    "MUTATIONS",
    "NAMES",
    "PROVINCES",
    "RECORD_NUMBERS",
    "REMARKS",
    "SCOPES",
    "Doc",
    "Facts",
    "corpus",
    "m_address",
    "m_attachments",
    "m_blank",
    "m_cancel",
    "m_cert_address",
    "m_cert_type",
    "m_cert_validity",
    "m_change",
    "m_count",
    "m_description",
    "m_detail_repeats",
    "m_email",
    "m_emergency",
    "m_face",
    "m_game",
    "m_id_address",
    "m_id_number",
    "m_id_type",
    "m_images",
    "m_individual_name",
    "m_legal_rep",
    "m_mobile",
    "m_move_person_home",
    "m_nature",
    "m_person_validity",
    "m_pre_approvals",
    "m_program_principal",
    "m_program_text",
    "m_program_type",
    "m_remark",
    "m_scope",
    "m_subject_name",
    "m_submitted",
    "m_tianjin_individual",
    "m_uscc",
]

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "filings"
MUTATIONS: list[Callable[[Doc, random.Random, Facts], None]] = [
    m_id_number, m_id_type, m_mobile, m_emergency, m_email, m_person_validity, m_cert_validity, m_uscc,
    m_nature, m_cert_type, m_address, m_cert_address, m_id_address, m_move_person_home, m_program_principal,
    m_legal_rep, m_face, m_detail_repeats, m_tianjin_individual, m_scope, m_subject_name, m_program_text,
    m_remark, m_pre_approvals, m_game, m_program_type, m_count, m_attachments, m_images, m_description,
    m_blank, m_individual_name, m_submitted, m_change, m_cancel,
]


def _examples() -> list[Doc]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))]


def _base(rng: random.Random, i: int, examples: list[Doc]) -> Doc:
    from icpflow.testing import make_filing

    if examples and rng.random() < 0.25:
        return copy.deepcopy(rng.choice(examples))
    nature = rng.choice(["enterprise", "enterprise", "individual", "individual_business", "public_institution",
                         "government", "social_organization"])
    doc = make_filing(rng.choice(PROVINCES), nature=nature, program_type=rng.choice(["mini_program", "mini_game"]),
                      seq=i + 1, submitted_on=rng.choice(["2026-11-22", "2026-11-22", "2026-06-30"]))
    if nature != "individual" and rng.random() < 0.5:
        doc["subject"]["certificate"]["business_scope"] = rng.choice(SCOPES)  # type: ignore[index]
    return doc


def _unreadable(doc: Doc, rng: random.Random) -> bytes:
    r = rng.random()
    if r < 0.25:
        return b'{"schema_version": 1, "kind": "new",'
    if r < 0.5:
        doc["subject"]["nature"] = "martian"
    elif r < 0.75:
        doc["subject"]["principal_name"] = "typo"
    else:
        doc["subject"].pop("name", None)
    return json.dumps(doc, ensure_ascii=False).encode()


def corpus(n: int, seed: int = 20261122) -> list[tuple[bytes, Facts | None]]:
    """`n` documents (JSON) with the image facts a probe would report (None: no probe)."""
    rng = random.Random(seed)
    examples = _examples()
    out: list[tuple[bytes, Facts | None]] = []
    for i in range(n):
        doc = _base(rng, i, examples)
        facts: Facts = {}
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            rng.choice(MUTATIONS)(doc, rng, facts)
        if rng.random() < 0.02:
            out.append((_unreadable(doc, rng), None))
            continue
        out.append((json.dumps(doc, ensure_ascii=False).encode(), facts or None))
    return out
