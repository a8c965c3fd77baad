"""A subject in 香港/澳门/台湾 or with an unknown province code is reported, never a crash: only the 31 mainland
provinces have a bureau (管局), so such an address is an error finding and the filing is judged as one whose
province cannot be told from it (an organisation is still judged where its credit code was issued)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from icpflow.bootstrap import build_checker
from icpflow.cli import app
from icpflow.config import Settings
from icpflow.domain.parsing import parse_mapping
from icpflow.testing import make_filing

OUTSIDE = ["810000", "820000", "710000", "999999"]


def _with_address(province: str, nature: str) -> dict[str, Any]:
    doc = make_filing("330000", submitted_on="2026-11-01", nature=nature)
    doc["subject"]["address"]["province"] = province
    doc["subject"]["address"]["city"] = province[:4] + "00"
    return doc


def _findings(doc: dict[str, Any]) -> tuple[str, dict[str, str]]:
    import datetime as dt

    report = build_checker(Settings()).check(parse_mapping(doc), judged_on=dt.date(2026, 11, 1))
    found = report.to_dict()
    return found["province"], {f["rule"]: f["message"] for f in found["findings"]}


@pytest.mark.parametrize("province", OUTSIDE)
@pytest.mark.parametrize("nature", ["enterprise", "individual"])
def test_an_address_outside_the_mainland_is_a_finding_not_a_crash(province: str, nature: str) -> None:
    judged, rules = _findings(_with_address(province, nature))
    assert "field.address_region" in rules
    if nature == "individual":  # judged where they live: no mainland province to tell
        assert judged == "" and "nationwide.province_known" in rules
    else:  # judged where the credit code was issued; the address elsewhere is said plainly
        assert judged == "330000"
        assert "nationwide.address_in_certificate_province" in rules


def test_a_mainland_address_raises_none_of_these() -> None:
    judged, rules = _findings(make_filing("330000", submitted_on="2026-11-01", nature="individual"))
    assert judged == "330000"
    assert "field.address_region" not in rules and "nationwide.province_known" not in rules


def test_the_command_reports_a_hong_kong_address_with_exit_1_and_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "hk.json"
    path.write_text(json.dumps(_with_address("810000", "enterprise"), ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert json.loads(result.output)["verdict"] == "blocked"
