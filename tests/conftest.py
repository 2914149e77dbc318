"""Shared fixtures: a real SQLite store per test, a real Neo4j per session.

The Neo4j fixture uses ``CUSTGRAPH_NEO4J_URI`` when set; otherwise it starts a server with
``scripts/neo4j start`` (assembled from Maven Central) and stops it at the end. A Neo4j
that cannot start (no Java, or the port taken by another server) fails the tests that need
it with the reason: they never skip. Every such test carries the ``neo4j`` marker (the
``store`` fixture's Neo4j parameter, and any test using ``neo4j_store`` or
``neo4j_settings``), so ``pytest -m "not neo4j"`` runs the rest without a server.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.settings import Settings
from graph.store import Neo4jStore, SqliteStore, Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    """A fresh embedded store with its schema."""
    store = SqliteStore(tmp_path / "test.db", batch_size=500)
    store.ensure_schema()
    yield store
    store.close()


def _script(command: str, timeout: int) -> subprocess.CompletedProcess[str]:
    """Run ``scripts/neo4j COMMAND`` (with this interpreter for its Bolt check)."""
    return subprocess.run(
        [str(ROOT / "scripts" / "neo4j"), command],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHON": sys.executable},
        timeout=timeout,
        check=False,
    )


def _start_neo4j() -> tuple[Settings, bool]:
    env_uri = os.environ.get("CUSTGRAPH_NEO4J_URI")
    if env_uri:
        return Settings.from_env(), False
    result = _script("start", timeout=900)
    if result.returncode != 0:
        pytest.fail(
            f"scripts/neo4j start failed (run `pytest -m 'not neo4j'` to leave Neo4j out):\n"
            f"{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    already = "already running" in result.stderr
    # the address and password of the server the script runs (it remembers them)
    exports = _script("env", timeout=60).stdout
    found = dict(re.findall(r"export (CUSTGRAPH_NEO4J_\w+)=(\S+)", exports))
    settings = Settings(
        neo4j_uri=found["CUSTGRAPH_NEO4J_URI"], neo4j_password=found["CUSTGRAPH_NEO4J_PASSWORD"]
    )
    return settings, not already


@pytest.fixture(scope="session")
def neo4j_settings() -> Iterator[Settings]:
    """Settings of a running real Neo4j (started here if needed)."""
    settings, started_here = _start_neo4j()
    yield settings
    if started_here and os.environ.get("CUSTGRAPH_KEEP_NEO4J") != "1":
        subprocess.run([str(ROOT / "scripts" / "neo4j"), "stop"], capture_output=True, check=False)


@pytest.fixture
def neo4j_store(neo4j_settings: Settings) -> Iterator[Neo4jStore]:
    """A real Neo4j store, emptied before the test."""
    store = Neo4jStore.connect(neo4j_settings)
    store.ping()
    store.write("support/wipe")
    store.ensure_schema()
    yield store
    store.close()


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest) -> Store:
    """Each store in turn: the conformance and loader tests run against both."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_store")  # type: ignore[no-any-return]
    return request.getfixturevalue("neo4j_store")  # type: ignore[no-any-return]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that asks for Neo4j by name (the ``store`` parameter marks itself)."""
    for item in items:
        if {"neo4j_store", "neo4j_settings"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.neo4j)
