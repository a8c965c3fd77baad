"""schemathesis against the API's own OpenAPI schema: no generated request causes a server error.

Every operation of the schema gets generated requests (hypothesis strategies from schemathesis), sent
in-process (ASGI) as a filer with an API key, so generation reaches past authentication into each
route's validation and domain code. Every error answer must be problem+json.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from .conftest import _build


@pytest.fixture(scope="module")
def _api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from _build(Path(tmp_path_factory.mktemp("schemathesis")) / "data")


def _content_type(response: Any) -> str:
    value = response.headers.get("content-type", "")
    return str(value[0] if isinstance(value, list) else value)  # schemathesis keeps header values as lists


def test_no_generated_request_causes_a_server_error(_api: Any) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", _api.app)
    account = _api.accounts.by_username("filer-a")
    headers = {"Authorization": f"Bearer {_api.accounts.create_api_key(account, [])}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: Any) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}")
            elif response.status_code >= 400 and not _content_type(response).startswith("application/problem+json"):
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} not problem+json")

        run()
    assert failures == []
