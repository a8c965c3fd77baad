"""The examples under `examples/`: each filing, run through the real CLI, gets the report its hand-written
manifest entry and its expected file say it should; the malformed one exits 2 with JSON paths.

`examples/manifest.toml` is written by hand from the seed rules; `examples/expected/` is the checker's
full report, refreshed by `scripts/refresh_examples.py` after a deliberate rule change.
"""

from __future__ import annotations

import json
import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageOps
from typer.testing import CliRunner, Result

from icpflow.bootstrap import build_checker
from icpflow.cli import app
from icpflow.config import Settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MANIFEST: list[dict[str, Any]] = tomllib.loads((EXAMPLES / "manifest.toml").read_text(encoding="utf-8"))["example"]
UNREADABLE = EXAMPLES / "invalid" / "unreadable.json"


def _invoke(*args: str) -> Result:
    """`icpflow ARGS`, in-process, with no ICPFLOW_* setting leaking in from the environment."""
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("ICPFLOW_")}
    return CliRunner().invoke(app, list(args), env=env)


@cache
def _checked(file: str) -> tuple[int, dict[str, Any]]:
    result = _invoke("check", str(EXAMPLES / file), "--format", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


def _fired(report: dict[str, Any]) -> set[str]:
    return {f["rule"] for f in report["findings"]} | {r["rule"] for r in report["requirements"] if not r["met"]}


examples = pytest.mark.parametrize("entry", MANIFEST, ids=[Path(e["file"]).stem for e in MANIFEST])


@examples
def test_the_example_exits_with_the_code_its_manifest_entry_names(entry: dict[str, Any]) -> None:
    exit_code, _ = _checked(entry["file"])
    assert exit_code == entry["exit_code"]


@examples
def test_the_example_gets_the_verdict_its_manifest_entry_names(entry: dict[str, Any]) -> None:
    _, report = _checked(entry["file"])
    assert report["verdict"] == entry["verdict"]


@examples
def test_the_rules_the_manifest_names_fire_and_the_ones_it_rules_out_stay_quiet(entry: dict[str, Any]) -> None:
    _, report = _checked(entry["file"])
    fired = _fired(report)
    assert set(entry["must_fire"]) - fired == set(), "must fire but did not"
    assert set(entry["must_not_fire"]) & fired == set(), "must not fire but did"


@examples
def test_the_whole_report_equals_the_expected_file(entry: dict[str, Any]) -> None:
    _, report = _checked(entry["file"])
    expected = json.loads((EXAMPLES / "expected" / Path(entry["file"]).name).read_text(encoding="utf-8"))
    assert report == expected, "run scripts/refresh_examples.py after a deliberate rule change, and read the diff"


def test_every_filing_has_one_manifest_entry_and_one_expected_report() -> None:
    filings = sorted(p.name for p in (EXAMPLES / "filings").glob("*.json"))
    listed = [Path(e["file"]).name for e in MANIFEST]
    assert sorted(listed) == filings and len(set(listed)) == len(listed)
    assert sorted(p.name for p in (EXAMPLES / "expected").glob("*.json")) == filings


def test_the_manifest_names_only_rules_that_exist_in_the_catalogue() -> None:
    known = set(build_checker(Settings()).catalogue.by_id)
    named = {rule for e in MANIFEST for rule in (*e["must_fire"], *e["must_not_fire"])}
    assert named - known == set()


def test_the_examples_include_ready_and_blocked_filings_of_every_kind() -> None:
    kinds = {json.loads((EXAMPLES / e["file"]).read_text(encoding="utf-8"))["kind"] for e in MANIFEST}
    assert kinds == {"new", "change", "cancel_subject", "cancel_program", "cancel_access"}
    assert {e["verdict"] for e in MANIFEST} == {"ready", "blocked"}


def test_the_unreadable_document_exits_two_naming_each_problem_by_its_json_path() -> None:
    result = _invoke("check", str(UNREADABLE), "--format", "json")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    problems = {p["path"]: p["expected"] for p in json.loads(result.stdout)["problems"]}
    assert "mini_program" in problems["program.type"]  # unknown enumeration value: the allowed codes
    assert problems["program.appid"] == "应为字符串"  # wrong type
    assert problems["subject.principal.mobile"] == "应为字符串"
    assert problems["program.count_under_subject"] == "应为整数"
    assert "enterprise" in problems["subject.nature"]
    assert "emergency_phone" in problems["subject.principal.emergency_phon"]  # misspelt key: a suggestion
    assert problems["subject.principal.emergency_phone"] == "缺少必填字段"
    assert "YYYY-MM-DD" in problems["submitted_on"]


def test_the_unreadable_document_gets_a_table_not_a_traceback_in_human_output() -> None:
    result = _invoke("check", str(UNREADABLE))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "无法读取备案文档" in result.stdout
    assert "subject.principal.emergency_phon" in result.stdout


def test_the_exif_sample_is_stored_landscape_but_displays_portrait() -> None:
    with Image.open(EXAMPLES / "files" / "id-front-portrait-exif.jpg") as im:
        width, height = im.size
        shown = ImageOps.exif_transpose(im).size
    assert width > height
    assert shown == (height, width)


def test_the_sample_images_are_small() -> None:
    sizes = {p.name: p.stat().st_size for p in (EXAMPLES / "files").iterdir()}
    assert sizes and all(size < 30_000 for size in sizes.values()), sizes
