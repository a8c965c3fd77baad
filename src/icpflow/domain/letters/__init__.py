"""Prefilled letters (备案函件) for every material the pre-check can ask for, and the remark texts.

The pre-check report names, in `requirements[].template`, the letter a case needs (rules.toml: the
`template = "…"` and `templates = {…}` params, and the defaults of the evaluators in `rules/people.py`
and `rules/program.py`). `compose` turns a template name and a filing into a `Letter`: a title, body
paragraphs, a two-column table of fields, the lines to sign, stamp and date, and the seed's notes. The
renderers in `icpflow.adapters.letters` print it to DOCX and PDF.

What the filing knows is filled in: the subject's name and credit code, the legal representative, the
principals with their full ID numbers (the letter is signed by that person, so nothing is masked here;
never log a `Letter`'s content — its `repr` shows only the title and counts). What it cannot know is left
blank (`BLANK`): the handwritten signature, the stamp, and the date, which the seeds require to be
written by hand within one month before submission and never after it (seed 004 §1.2 主办单位负责人信息 1,
附件 3, §1.3 陕西/重庆/四川). Each `LetterSpec` cites the seed section the letter comes from.

Besides the eleven templates of the rule catalogue, three documents the WeChat seed says the platform
provides for the filer to confirm (seed 001 §二(三)1) are composed here: 互联网信息服务承诺书,
反诈自评估报告, 小程序备案真实性核验单.

`remark_text` gives the remark (备注) texts: the pre-approval non-involvement statement (the very text the
report suggests), Tianjin's emergency-phone lines and the service-content remark.

The domain does no I/O: the pre-approval category table (approving bodies and licences, used by
Sichuan's letter) is handed in by the caller (`categories=checker.scanner.categories`).

The package, by noun:

* `model` — `Letter`, `LetterSpec`, `UnknownLetterTemplate`, the facts a letter states, wording helpers;
* `authorizations` — the principals' authorisations and the game's authorisation letter and explanation;
* `commitments` — the non-involvement commitments (nationwide, Sichuan), Guangdong's and Chongqing's;
* `plans` — Shaanxi's construction plan;
* `platform_documents` — the three documents the platform provides;
* `report_reading` — what the letters and remarks read from the pre-check report;
* `remarks` — `REMARKS`, `remark_text`;
* `catalogue` — `SPECS`, `spec`, `templates_needed`, `compose`.
"""

from __future__ import annotations

from .catalogue import SPECS, compose, spec, templates_needed
from .commitments import GUANGDONG_ACCESS_PROVIDER, GUANGDONG_PROVINCE, SICHUAN_APPROVAL_ONLY
from .model import (
    BLANK,
    DATE_BLANK,
    NOTES_HEADING,
    Letter,
    LetterSpec,
    UnknownLetterTemplate,
    is_addressee,
    is_heading,
)
from .remarks import REMARKS, RemarkSpec, remark_text

__all__ = [
    "BLANK",
    "DATE_BLANK",
    "GUANGDONG_ACCESS_PROVIDER",
    "GUANGDONG_PROVINCE",
    "NOTES_HEADING",
    "REMARKS",
    "SICHUAN_APPROVAL_ONLY",
    "SPECS",
    "Letter",
    "LetterSpec",
    "RemarkSpec",
    "UnknownLetterTemplate",
    "compose",
    "is_addressee",
    "is_heading",
    "remark_text",
    "spec",
    "templates_needed",
]
