"""What a store holds: counts per label and relationship type, recent loads, last runs.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.store import SqliteStore
>>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "s.db"); store.ensure_schema()
>>> snapshot = store_status(store)
>>> snapshot.labels["Customer"], snapshot.store.startswith("sqlite:")
(0, True)
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from graph.store.base import Row, Store

__all__ = ["StoreStatus", "store_status"]


@dataclass(frozen=True, slots=True)
class StoreStatus:
    """A snapshot of a store, ready to print or to serialise as JSON."""

    store: str
    labels: dict[str, int]
    relationships: dict[str, int]
    loads: list[Row] = field(default_factory=list)
    runs: list[Row] = field(default_factory=list)

    def to_json(self) -> str:
        """The snapshot as a JSON document."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, default=str)


def store_status(store: Store, *, recent_loads: int = 10) -> StoreStatus:
    """Read counts, the most recent loads and the last run of each job from ``store``."""
    labels: dict[str, int] = {}
    relationships: dict[str, int] = {}
    for row in store.read("status/counts"):
        target = labels if row["kind"] == "label" else relationships
        target[row["name"]] = int(row["count"])
    runs: list[dict[str, Any]] = []
    for row in store.read("status/last_runs"):
        run = dict(row)
        for key in ("counts", "timings"):
            run[key] = json.loads(run[key]) if run.get(key) else {}
        runs.append(run)
    loads = store.read("status/last_loads", limit=recent_loads)
    return StoreStatus(store.describe(), labels, relationships, loads, runs)
