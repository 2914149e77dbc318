"""A load killed with SIGKILL half-way and run again ends with the graph of one clean run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.store import Store
from loaders import load_files
from synthetic import GenerateParams, generate_dataset
from tests.snapshots import snapshot


def _cli(store: Store, db: Path) -> tuple[list[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTGRAPH_")}
    args = [sys.executable, "-m", "cli", "--db", str(db)]
    if store.kind == "neo4j":
        from graph.store import Neo4jStore

        assert isinstance(store, Neo4jStore)
        assert store.address  # the server the tests started, or CUSTGRAPH_NEO4J_URI
        env.update(
            CUSTGRAPH_NEO4J_URI=store.address,
            CUSTGRAPH_NEO4J_PASSWORD=os.environ.get("CUSTGRAPH_NEO4J_PASSWORD", "custgraph-dev"),
        )
    return args, env


def _counts(store: Store) -> dict[str, int]:
    return {r["name"]: int(r["count"]) for r in store.read("status/counts")}


@pytest.mark.slow
def test_kill_mid_load_then_rerun_equals_one_clean_run(store: Store, tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate_dataset(data, GenerateParams(customers=2000, seed=11))
    load_files(store, [data], rejects_dir=tmp_path / "rej-clean", batch_size=100)
    clean = snapshot(store)
    store.write("support/wipe")

    args, env = _cli(store, tmp_path / "killed.db")
    if store.kind == "sqlite":
        from graph.store import SqliteStore

        assert isinstance(store, SqliteStore)
        args[args.index("--db") + 1] = str(store.path)
    command = [*args, "load", str(data), "--batch-size", "100", "--rejects", str(tmp_path / "r")]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    killed_at: dict[str, int] = {}
    while time.monotonic() < deadline and proc.poll() is None:
        counts = _counts(store)
        if counts["TOUCHED"] > 0:  # customers done, touchpoints (additive) under way
            proc.send_signal(signal.SIGKILL)
            killed_at = counts
            break
        time.sleep(0.01)
    proc.wait(timeout=60)
    assert killed_at, "the load finished before it could be killed; make the dataset larger"
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(store) != clean  # the kill really left a partial graph

    rerun = subprocess.run(
        [
            *args[: len(args)],
            "load",
            str(data),
            "--batch-size",
            "100",
            "--rejects",
            str(tmp_path / "r"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert "resumed" in rerun.stdout
    assert snapshot(store) == clean
