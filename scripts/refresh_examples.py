"""Rewrite `examples/expected/` from the current checker, after a deliberate rule change.

    python scripts/refresh_examples.py           # rewrite, print a diff of every report that changed
    python scripts/refresh_examples.py --check   # write nothing; exit 1 if any report would change

Each `examples/filings/NN-<slug>.json` is checked exactly as `icpflow check FILE --format json` does
(the real CLI, in-process, with no `ICPFLOW_*` settings from the environment) and its output is
written to `examples/expected/NN-<slug>.json`. Expected reports whose filing is gone are removed.

`examples/manifest.toml` is written by hand and is never touched here: the script only says where the
new reports disagree with it (verdict, exit code, rules that must or must not fire), and then exits 1,
so that a person reads the diff against the seed rules and edits the manifest, or the rule, on purpose.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from icpflow.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FILINGS = EXAMPLES / "filings"
EXPECTED = EXAMPLES / "expected"
MANIFEST = EXAMPLES / "manifest.toml"


def run_check(filing: Path) -> tuple[int, str]:
    """Exit code and stdout of `icpflow check FILING --format json`, unaffected by ICPFLOW_* variables."""
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("ICPFLOW_")}
    result = CliRunner().invoke(app, ["check", str(filing), "--format", "json"], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def fired(report: dict[str, Any]) -> set[str]:
    """Rules that fired: every finding, and every requirement left unmet."""
    return {f["rule"] for f in report["findings"]} | {r["rule"] for r in report["requirements"] if not r["met"]}


def manifest_disagreements(entry: dict[str, Any], exit_code: int, report: dict[str, Any]) -> list[str]:
    out = []
    if report.get("verdict") != entry["verdict"]:
        out.append(f"verdict {report.get('verdict')!r}, manifest says {entry['verdict']!r}")
    if exit_code != entry["exit_code"]:
        out.append(f"exit code {exit_code}, manifest says {entry['exit_code']}")
    rules = fired(report) if "findings" in report else set()
    missing = sorted(set(entry.get("must_fire", [])) - rules)
    unwanted = sorted(set(entry.get("must_not_fire", [])) & rules)
    if missing:
        out.append(f"must fire but did not: {', '.join(missing)}")
    if unwanted:
        out.append(f"must not fire but did: {', '.join(unwanted)}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a report would change")
    args = parser.parse_args(argv)

    manifest = {e["file"]: e for e in tomllib.loads(MANIFEST.read_text(encoding="utf-8"))["example"]}
    filings = sorted(FILINGS.glob("*.json"))
    changed: list[str] = []
    problems: list[str] = []
    EXPECTED.mkdir(exist_ok=True)

    for filing in filings:
        exit_code, text = run_check(filing)
        report = json.loads(text)
        if "problems" in report:
            problems.append(f"{filing.name}: the document cannot be read: {report['problems']}")
            continue
        target = EXPECTED / filing.name
        old = target.read_text(encoding="utf-8") if target.exists() else ""
        if old != text:
            changed.append(filing.name)
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(keepends=True), text.splitlines(keepends=True),
                fromfile=f"a/examples/expected/{filing.name}", tofile=f"b/examples/expected/{filing.name}"))
            if not args.check:
                target.write_text(text, encoding="utf-8")
        entry = manifest.get(f"filings/{filing.name}")
        if entry is None:
            problems.append(f"{filing.name}: no entry in examples/manifest.toml")
        else:
            problems += [f"{filing.name}: {p}" for p in manifest_disagreements(entry, exit_code, report)]

    names = {f.name for f in filings}
    for stale in sorted(EXPECTED.glob("*.json")):
        if stale.name not in names:
            changed.append(stale.name)
            print(f"--- a/examples/expected/{stale.name}\n(no filing any more: removed)")
            if not args.check:
                stale.unlink()
    for file in sorted(set(manifest) - {f"filings/{n}" for n in names}):
        problems.append(f"{file}: in examples/manifest.toml but not in examples/filings/")

    verb = "would change" if args.check else "changed"
    listed = f": {', '.join(changed)}" if changed else ""
    print(f"\n{len(filings)} examples, {len(changed)} expected reports {verb}{listed}")
    if problems:
        print("\nThe manifest (written by hand) disagrees; read the reports against the seed rules, then fix "
              "the rule or edit examples/manifest.toml:")
        for p in problems:
            print(f"  - {p}")
    return 1 if problems or (args.check and changed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
