"""Loading the data files shipped in the package (rules, regions, keywords) and operator overrides.

The domain builds its objects from plain mappings; this adapter is the only code that reads them
from disk.
"""

from __future__ import annotations

import json
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any


def package_data(name: str) -> Any:
    """A data file from `icpflow/data/`, parsed by its suffix (`.toml` or `.json`)."""
    resource = files("icpflow") / "data" / name
    raw = resource.read_bytes()
    if name.endswith(".toml"):
        return tomllib.loads(raw.decode("utf-8"))
    return json.loads(raw)


def read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)
