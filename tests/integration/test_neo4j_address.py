"""`custgraph status` and connection errors name the Neo4j the user configured."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from graph.settings import Settings
from graph.store import Store


def _custgraph(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CUSTGRAPH_")}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**clean, **env},
        check=False,
    )


@pytest.mark.neo4j
def test_status_names_the_server_and_an_unreachable_one_is_named_too(
    neo4j_store: Store, neo4j_settings: Settings
) -> None:
    uri = neo4j_settings.neo4j_uri or ""
    env = {"CUSTGRAPH_NEO4J_URI": uri, "CUSTGRAPH_NEO4J_PASSWORD": neo4j_settings.neo4j_password}
    status = _custgraph("status", "--json", env=env)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["store"] == f"{uri} (database neo4j)"

    nobody = "bolt://127.0.0.1:9"  # the discard port: nothing speaks Bolt there
    failed = _custgraph("status", env={**env, "CUSTGRAPH_NEO4J_URI": nobody})
    assert failed.returncode != 0
    assert "bolt://127.0.0.1:9" in failed.stderr
    assert neo4j_settings.neo4j_password not in failed.stderr + failed.stdout
