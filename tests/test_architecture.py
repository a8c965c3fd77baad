"""The layering of STYLE.md is executable: entry points -> services -> domain, and the domain does no I/O."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_importing_the_whole_domain_loads_no_framework_or_io_library() -> None:
    code = (
        "import sys, icpflow.domain.rules.engine, icpflow.domain.parsing;"
        "bad = [m for m in ('sqlalchemy', 'fastapi', 'PIL', 'typer', 'rich', 'structlog', 'pydantic_settings',"
        " 'icpflow.adapters', 'icpflow.services', 'icpflow.config') if m in sys.modules];"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_importing_the_cli_builds_nothing() -> None:
    """Nothing happens at import: no settings read, no catalogue loaded, no checker built."""
    code = (
        "import icpflow.cli, icpflow.bootstrap, sys;"
        "print(any(type(v).__name__ in ('Checker', 'Catalogue', 'Settings') for v in vars(icpflow.cli).values()))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
