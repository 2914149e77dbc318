"""Identity resolution gives the same persons on Neo4j as on the embedded store."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.identity import IdentityParams
from graph.identity.job import run_identity
from graph.store import Store
from loaders import load_files
from synthetic import GenerateParams, generate_dataset


@pytest.mark.neo4j
def test_both_stores_resolve_to_the_same_persons(
    sqlite_store: Store, neo4j_store: Store, tmp_path: Path
) -> None:
    generate_dataset(tmp_path / "data", GenerateParams(customers=1500, seed=4))
    exports = []
    for store in (sqlite_store, neo4j_store):
        load_files(store, [tmp_path / "data"], rejects_dir=tmp_path / "rej")
        run_identity(store, IdentityParams(random_pairs=20_000))
        frame = store.frame("identity/export")
        frame["confidence"] = frame["confidence"].round(6)
        exports.append(frame)
        counts = {r["name"]: r["count"] for r in store.read("status/counts")}
        assert counts["RESOLVES_TO"] == 1500
    assert exports[0].equals(exports[1])
    assert sqlite_store.read("status/counts") == neo4j_store.read("status/counts")
    member = exports[0].iloc[0]
    uid = f"{member.source}:{member.source_customer_id}"
    a = sqlite_store.read("identity/explain", uid=uid)
    b = neo4j_store.read("identity/explain", uid=uid)
    assert [(r["uid"], r["matchedWith"], r["rule"]) for r in a] == [
        (r["uid"], r["matchedWith"], r["rule"]) for r in b
    ]
