"""Test helpers: a whole graph as comparable data, from either store.

Bookkeeping (load manifest, job runs) is left out: it records times, not customer data.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from graph.store import Neo4jStore, SqliteStore, Store
from graph.store.neo4j import plain_value

_BOOKKEEPING_TABLES = {"load_file", "job_run"}
_BOOKKEEPING_LABELS = {"LoadFile", "JobRun"}


def snapshot(store: Store) -> dict[str, list[str]]:
    """Every node and relationship, as sorted JSON lines per table / label / type."""
    if isinstance(store, SqliteStore):
        return _sqlite_snapshot(store)
    assert isinstance(store, Neo4jStore)
    return _neo4j_snapshot(store)


def _sqlite_snapshot(store: SqliteStore) -> dict[str, list[str]]:
    conn = sqlite3.connect(store.path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        out: dict[str, list[str]] = {}
        for table in tables:
            if table in _BOOKKEEPING_TABLES:
                continue
            cursor = conn.execute(f'SELECT * FROM "{table}"')  # table names from sqlite_master
            cols = [d[0] for d in cursor.description]
            out[table] = sorted(
                json.dumps(
                    dict(zip(cols, row, strict=True)),
                    sort_keys=True,
                    default=str,
                    ensure_ascii=False,
                )
                for row in cursor
            )
        return out
    finally:
        conn.close()


def _neo4j_snapshot(store: Neo4jStore) -> dict[str, list[str]]:
    driver = store._driver  # test helper: reads everything, writes nothing
    out: dict[str, list[str]] = {}
    records, _, _ = driver.execute_query(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props", database_=store.database
    )
    for rec in records:
        labels = sorted(rec["labels"])
        if _BOOKKEEPING_LABELS & set(labels):
            continue
        out.setdefault(":".join(labels), []).append(_json(rec["props"]))
    records, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(a) AS a, properties(b) AS b, "
        "properties(r) AS props",
        database_=store.database,
    )
    for rec in records:

        def key(p):
            return (
                p.get("uid")
                or p.get("key")
                or p.get("orderId")
                or p.get("channelId")
                or p.get("productId")
                or p.get("personId")
                or p.get("name")
            )

        out.setdefault(rec["type"], []).append(
            _json({"src": key(rec["a"]), "dst": key(rec["b"]), **rec["props"]})
        )
    return {k: sorted(v) for k, v in sorted(out.items())}


def _json(props: dict[str, Any]) -> str:
    return json.dumps(
        {k: plain_value(v) for k, v in props.items()},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
