"""Recording job runs: parameters, seed, counts, timings and outcome.

Every job runner wraps its work in :func:`recorded_run`; ``custgraph status`` shows the
last run of each job.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.store import SqliteStore
>>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "r.db"); store.ensure_schema()
>>> with recorded_run(store, "demo", {"k": 1}, seed=7) as run:
...     run.counts["rows"] = 3
>>> store.read("status/last_runs")[0]["status"]
'ok'
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph.store.base import Store

__all__ = ["RunRecord", "recorded_run", "utc_now"]


def utc_now() -> str:
    """The current time as the store's text form (UTC, seconds, ``Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class RunRecord:
    """A run in progress: fill ``counts`` and ``timings`` as the job goes."""

    run_id: str
    job: str
    params: Mapping[str, Any]
    seed: int | None
    started_at: str
    counts: dict[str, int | float | str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        """Add the wall time of a block to ``timings[step]`` (seconds)."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[step] = round(self.timings.get(step, 0.0) + time.perf_counter() - start, 4)


def _save(store: Store, run: RunRecord, status: str, finished_at: str | None) -> None:
    store.write(
        "status/record_run",
        runId=run.run_id,
        job=run.job,
        params=json.dumps(run.params, sort_keys=True, default=str),
        seed=run.seed,
        counts=json.dumps(run.counts, sort_keys=True),
        timings=json.dumps(run.timings, sort_keys=True),
        status=status,
        startedAt=run.started_at,
        finishedAt=finished_at,
    )


#: Who owns a running run: recorded with it, so a later run can tell a dead one.
_OWNER: dict[str, int | float | str] = {
    "owner_host": socket.gethostname(),
    "owner_pid": os.getpid(),
}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's live process
        return True
    return True


def _mark_interrupted(store: Store, job: str) -> None:
    """Mark the ``running`` runs of ``job`` whose process on this host is gone."""
    for row in store.read("status/running_runs", job=job):
        owner = json.loads(row["counts"] or "{}")
        pid = owner.get("owner_pid")
        if owner.get("owner_host") != _OWNER["owner_host"] or not isinstance(pid, int):
            continue  # another machine's run, or one recorded before owners were
        if not _alive(pid):
            store.write("status/mark_interrupted", runId=row["runId"], finishedAt=utc_now())


@contextmanager
def recorded_run(
    store: Store, job: str, params: Mapping[str, Any], *, seed: int | None = None
) -> Iterator[RunRecord]:
    """Record a run as ``running``, then ``ok`` or ``failed`` (the error is re-raised).

    Earlier runs of the same job left ``running`` by a process of this host that is gone
    (killed, or the machine went down) are marked ``interrupted`` first.
    """
    _mark_interrupted(store, job)
    run = RunRecord(
        run_id=f"{job}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}",
        job=job,
        params=dict(params),
        seed=seed,
        started_at=utc_now(),
    )
    run.counts.update(_OWNER)
    _save(store, run, "running", None)
    try:
        with run.timed("total"):
            yield run
    except BaseException:
        _save(store, run, "failed", utc_now())
        raise
    _save(store, run, "ok", utc_now())
