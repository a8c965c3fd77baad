"""Mutations of the attachments (附件): dropped, duplicated, moved, resized, letters added, and what an image probe
would measure. Each mutation edits `doc` in place (and may add image facts).
"""

from __future__ import annotations

import random

from icpflow.domain.rules.context import ImageFacts

from .common import Doc, Facts


def m_attachments(doc: Doc, rng: random.Random, facts: Facts) -> None:
    atts: list[Doc] = doc["attachments"]
    r = rng.random()
    if atts and r < 0.2:
        atts.pop(rng.randrange(len(atts)))
    elif atts and r < 0.35:
        atts.append(dict(rng.choice(atts)))  # duplicate id
    elif atts and r < 0.5:
        rng.choice(atts)["slot"] = rng.choice(["subject_certificate", "subject_principal_id", "program_principal_id",
                                               "pre_approval", "subject_supplementary", "program_supplementary",
                                               "filing_commitment"])
    elif atts and r < 0.7:
        att = rng.choice(atts)
        att["width"], att["height"] = rng.choice([(1000, 1600), (300, 200), (1600, 1000), (800, 800)])
        if rng.random() < 0.3:
            att.pop("width", None)
    else:
        kind = rng.choice(["non_involvement_commitment", "guangdong_filing_commitment",
                           "chongqing_public_commitment", "subject_principal_authorization", "construction_plan",
                           "program_principal_authorization"])
        att = {"id": f"letter-{len(atts)}", "slot": rng.choice(["program_supplementary", "subject_supplementary",
                                                                  "filing_commitment"]), "kind": kind}
        signed = rng.choice([None, "2026-11-12", "2026-12-25", "2026-10-01", "2026-10-22", "2026-10-21"])
        if signed is not None:
            att["signed_on"] = signed
        atts.append(att)


def m_images(doc: Doc, rng: random.Random, facts: Facts) -> None:
    for i, att in enumerate(doc["attachments"]):
        if rng.random() < 0.6:
            att["file"] = f"file-{i}.{rng.choice(['jpg', 'png', 'pdf'])}"
            facts[att["file"]] = rng.choice([
                ImageFacts(format="JPEG", width=1600, height=1000, size_bytes=300_000),
                ImageFacts(format="JPEG", width=900, height=1600, size_bytes=300_000),
                ImageFacts(format="PNG", width=200, height=150, size_bytes=10_000),
                ImageFacts(format="PDF", size_bytes=100_000),
                ImageFacts(problem="无法读取图片"),
                ImageFacts(format="JPEG", width=4000, height=3000, size_bytes=12_000_000),
                ImageFacts(),
            ])
