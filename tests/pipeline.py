"""The whole pipeline on a store, for integration tests: load, identity, influence,
communities (and profiles when asked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from graph.identity import IdentityParams
from graph.pipeline import JOBS, JobsParams, run_jobs
from graph.store import Store
from loaders import load_files


def analyze(
    store: Store, data: Path, rejects: Path, *, profiles: bool = True, pairs: int = 20_000
) -> None:
    """Load ``data`` and run every job with default parameters."""
    load_files(store, [data], rejects_dir=rejects)
    jobs = JOBS if profiles else JOBS[:-1]
    run_jobs(store, JobsParams(jobs=jobs, identity=IdentityParams(random_pairs=pairs)))


def custgraph(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the ``custgraph`` command in a subprocess (the way users run it)."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def touched_persons(store: Store) -> list[str]:
    """Persons with touchpoint events, the most touched first (ties by id)."""
    import pandas as pd

    touches = store.frame("journeys/touches", until="9999-12-31T23:59:59Z")
    records = store.frame("journeys/records").set_index("uid")["personId"]
    persons = pd.Series(records.reindex(touches["uid"]).dropna().to_numpy(dtype=object))
    counts = persons.value_counts()
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [str(p) for p, _ in ordered]
