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
