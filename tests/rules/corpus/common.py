"""What the corpus's mutations share: the document type, the provinces, and the people in a document."""

from __future__ import annotations

import random
from typing import Any

from icpflow.domain.rules.context import ImageFacts
from icpflow.testing import PROVINCE_DISTRICTS

PROVINCES = sorted(PROVINCE_DISTRICTS)
Doc = dict[str, Any]
Facts = dict[str, ImageFacts]


def _full(doc: Doc) -> bool:
    return doc.get("kind") in ("new", "change")


def _principal(doc: Doc) -> Doc | None:
    subj = doc["subject"]
    principal: Doc | None = subj.get("principal")
    return principal


def _people(doc: Doc) -> list[Doc]:
    out = []
    p = _principal(doc)
    if p is not None:
        out.append(p)
    prog = doc.get("program", {})
    if isinstance(prog.get("principal"), dict):
        out.append(prog["principal"])
    return out


def _flip_last(number: str) -> str:
    return number[:-1] + ("0" if number[-1:] != "0" else "1")


def _someone(doc: Doc, rng: random.Random) -> Doc | None:
    people = _people(doc)
    return rng.choice(people) if people else None


def _district(rng: random.Random) -> str:
    return PROVINCE_DISTRICTS[rng.choice(PROVINCES)]
