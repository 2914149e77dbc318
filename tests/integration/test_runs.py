"""A run whose process was killed does not stay "running": the next run of that job marks it
interrupted (a real SIGKILL of a real process, on both stores)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from graph.runs import recorded_run
from graph.settings import Settings
from graph.store import Neo4jStore, SqliteStore, Store


def runs_of(store: Store, job: str) -> dict[str, str]:
    rows = store.read("status/running_runs", job=job)
    return {r["runId"]: "running" for r in rows}


CHILD = textwrap.dedent(
    """
    import time
    from graph.runs import recorded_run
    from graph.settings import Settings
    from graph.store import open_store
    with open_store(Settings.from_env()) as store:
        with recorded_run(store, "profiles", {}) as run:
            print(run.run_id, flush=True)
            time.sleep(600)
    """
)


def child_env(store: Store, request: pytest.FixtureRequest) -> dict[str, str]:
    """The environment that makes the child open the same store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTGRAPH_")}
    if isinstance(store, SqliteStore):
        env["CUSTGRAPH_DB"] = str(store.path)
    else:
        assert isinstance(store, Neo4jStore)
        settings: Settings = request.getfixturevalue("neo4j_settings")
        assert settings.neo4j_uri is not None
        env["CUSTGRAPH_NEO4J_URI"] = settings.neo4j_uri
        env["CUSTGRAPH_NEO4J_PASSWORD"] = settings.neo4j_password
    return env


def test_a_killed_run_is_marked_interrupted_by_the_next_run(
    store: Store, request: pytest.FixtureRequest
) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(store, request),
    )
    assert child.stdout is not None
    run_id = child.stdout.readline().strip()
    assert run_id.startswith("profiles-")
    assert run_id in runs_of(store, "profiles")

    with recorded_run(store, "profiles", {}):  # the child is alive: its run stays running
        assert run_id in runs_of(store, "profiles")
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    time.sleep(0.1)
    assert run_id in runs_of(store, "profiles")  # nobody has looked yet

    with recorded_run(store, "profiles", {}) as later:
        pass
    assert run_id not in runs_of(store, "profiles")
    statuses = {r["runId"]: r["status"] for r in store.read("support/job_run", runId=run_id)}
    assert statuses == {run_id: "interrupted"}
    assert store.read("support/job_run", runId=later.run_id)[0]["status"] == "ok"
