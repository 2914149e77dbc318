"""Schemathesis against the OpenAPI of a running server (a real socket) on generated data:
no generated request, valid or not, makes the API answer 5xx."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import response_schema_conformance

from graph.store import SqliteStore
from synthetic import GenerateParams, generate_dataset
from tests.integration.test_api import KEYS
from tests.pipeline import analyze
from tests.serving import serving


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("fuzz")
    generate_dataset(tmp / "data", GenerateParams(customers=400, seed=5))
    store = SqliteStore(tmp / "f.db")
    store.ensure_schema()
    analyze(store, tmp / "data", tmp / "rej")
    store.close()
    env = {"CUSTGRAPH_API_KEYS": KEYS, "CUSTGRAPH_AUDIT_LOG": str(tmp / "audit.log")}
    with serving("--db", str(tmp / "f.db"), env=env) as base:
        yield base


@pytest.fixture(scope="module")
def api_schema(base_url: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{base_url}/openapi.json")


@pytest.mark.slow
def test_no_request_makes_a_server_error(
    api_schema: schemathesis.BaseSchema, base_url: str
) -> None:
    """Every operation, with schemathesis-generated requests (valid and invalid) under each
    role and without a key; any 5xx fails, and every answer must have the shape the schema
    declares (the typed response models). (Driven through Hypothesis directly: the
    schemathesis pytest plugin does not load under this pytest.)"""
    checked = 0
    calls: list[int] = []
    shaped: list[int] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            for headers in ({"X-API-Key": "read-key"}, {"X-API-Key": "admin-key"}, {}):
                response = case.call(base_url=base_url, headers=headers)
                calls.append(response.status_code)
                assert response.status_code < 500, (
                    f"{case.method} {case.formatted_path} -> {response.status_code}"
                )
                case.validate_response(response, checks=[response_schema_conformance])
                shaped.append(response.status_code)

        run()
        checked += 1
    assert checked >= 10
    assert len(calls) >= 100, len(calls)
    assert sum(code == 200 for code in shaped) >= 20  # shapes checked on real answers


def test_the_schema_lists_every_operation(api_schema: schemathesis.BaseSchema) -> None:
    raw = api_schema.raw_schema
    operations = {(m.upper(), p) for p, ops in raw["paths"].items() for m in ops}
    assert ("DELETE", "/v1/customers/{source}/{id}") in operations
    assert ("GET", "/metrics") in operations
    assert len(operations) >= 10
