"""Store floors: how fast the stores on this machine take the simplest writes, with no
custgraph code in the way — the ceiling any loader here can reach.

Run:  python bench/floors.py [--nodes 200000] [--rels 400000] [--neo4j]

SQLite (a scratch file, the embedded store's pragmas): rows per second for key-only node
rows upserted into a keyed table, relationship rows upserted into a ``(src, dst)``-keyed
table with an index on ``dst`` (the shape of every relationship table), and plain inserts
into a table with no key at all (Python's sqlite3 and nothing else), ``--batch`` rows per
transaction. Neo4j (the server of ``CUSTGRAPH_NEO4J_URI``, on a scratch label that is
removed afterwards): nodes per second for ``CREATE`` and ``MERGE`` of key-only nodes under a
uniqueness constraint, relationships per second for ``CREATE`` and ``MERGE`` between two
indexed nodes, without and with three properties, from one session and from two; and
relationships per second for reading those links back (their ends' keys and a weight): on the
server alone, and sent to this client in the form the product's reads use.

Then the bound these floors put on loading the benchmark dataset of ``bench/load.py``
(``--dataset-rows/-nodes/-rels``): the time its nodes and relationships take at the floor
rates alone, as input rows/s (SQLite) or nodes/s and relationships/s (Neo4j). Every
statement here is the benchmark's own (not the product's queries); values are parameters.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.settings import Settings  # noqa: E402
from graph.store.neo4j import DEFAULT_BATCH_SIZE as NEO4J_BATCH  # noqa: E402
from graph.store.neo4j import columnar  # noqa: E402  (the product's read form)
from graph.store.sqlite import _PRAGMAS  # noqa: E402  (the embedded store's own settings)
from graph.store.sqlite import DEFAULT_BATCH_SIZE as SQLITE_BATCH  # noqa: E402

NODES, RELS = 200_000, 400_000  # the default sample: enough for steady rates
LABEL = "CustgraphBenchFloor"  # scratch label on the Neo4j server, removed afterwards


def keys(n: int) -> list[str]:
    """``n`` record-like keys (``bench:00000042``)."""
    return [f"bench:{i:08d}" for i in range(n)]


def pairs(ids: Sequence[str], n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` random ordered pairs of distinct keys, no pair twice."""
    rng = random.Random(seed)
    seen: set[tuple[str, str]] = set()
    while len(seen) < n:
        a, b = rng.randrange(len(ids)), rng.randrange(len(ids))
        if a != b:
            seen.add((ids[a], ids[b]))
    out = list(seen)
    rng.shuffle(out)
    return out


def per_second(count: int, seconds: float) -> int:
    return round(count / seconds) if seconds > 0 else 0


# -- SQLite ----------------------------------------------------------------------------


def sqlite_floors(nodes: int, rels: int, batch: int) -> dict[str, int]:
    """Rows/s SQLite takes for node upserts, relationship upserts and bare inserts."""
    ids = keys(nodes)
    links = pairs(ids, rels, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "floor.db", isolation_level=None)
        for pragma in _PRAGMAS:
            conn.execute(pragma)
        conn.execute("CREATE TABLE node (uid TEXT PRIMARY KEY)")
        conn.execute(
            "CREATE TABLE rel (src TEXT NOT NULL, dst TEXT NOT NULL, PRIMARY KEY (src, dst))"
            " WITHOUT ROWID"
        )
        conn.execute("CREATE INDEX rel_dst ON rel (dst)")
        conn.execute("CREATE TABLE bare (src TEXT, dst TEXT)")

        def timed(sql: str, rows: Sequence[tuple[str, ...]]) -> int:
            t = time.perf_counter()
            for i in range(0, len(rows), batch):
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(sql, rows[i : i + batch])
                conn.execute("COMMIT")
            return per_second(len(rows), time.perf_counter() - t)

        out = {
            "node_upsert_per_s": timed(
                "INSERT INTO node (uid) VALUES (?) ON CONFLICT (uid) DO NOTHING",
                [(u,) for u in ids],
            ),
            "rel_upsert_per_s": timed(
                "INSERT INTO rel (src, dst) VALUES (?, ?) ON CONFLICT (src, dst) DO NOTHING",
                links,
            ),
            "bare_insert_per_s": timed("INSERT INTO bare (src, dst) VALUES (?, ?)", links),
        }
        conn.close()
    return out


# -- Neo4j -----------------------------------------------------------------------------


def neo4j_floors(settings: Settings, nodes: int, rels: int, batch: int) -> dict[str, int]:
    """Nodes/s and relationships/s the Neo4j server takes for the simplest Cypher writes."""
    import neo4j

    if not settings.neo4j_uri:
        raise SystemExit('--neo4j needs CUSTGRAPH_NEO4J_URI (eval "$(scripts/neo4j env)")')
    logging.getLogger("neo4j").setLevel(logging.ERROR)  # deadlock retries are expected
    driver = neo4j.GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    )
    ids = keys(nodes)
    links = [list(p) for p in pairs(ids, rels, seed=2)]

    def run(statement: str, **params: Any) -> None:
        with driver.session(database=settings.neo4j_database) as session:
            session.run(statement, params).consume()

    def timed(statement: str, rows: Sequence[Any], sessions: int = 1) -> int:
        chunks = [rows[i : i + batch] for i in range(0, len(rows), batch)]

        def write(tx: neo4j.ManagedTransaction, chunk: Sequence[Any]) -> None:
            tx.run(statement, rows=chunk).consume()

        def work(k: int) -> None:
            with driver.session(database=settings.neo4j_database) as session:
                for chunk in chunks[k::sessions]:
                    session.execute_write(write, chunk)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(sessions)]
        t = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return per_second(len(rows), time.perf_counter() - t)

    def clear() -> None:
        run(f"MATCH (n:{LABEL}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 1000 ROWS")

    def read(statement: str, rows: Callable[[Any], int]) -> int:
        """Relationships/s reading every ``BENCH_C`` link (its ends' keys and weight): the
        better of two reads (the first also plans the query and warms the page cache)."""
        best = float("inf")
        for _ in range(2):
            t = time.perf_counter()
            with driver.session(database=settings.neo4j_database) as session:
                got = rows(session.run(statement))
            best = min(best, time.perf_counter() - t)
            if got != len(links):
                raise SystemExit(f"read {got:,} links of {len(links):,}")
        return per_second(len(links), best)

    walk = f"MATCH (a:{LABEL})-[r:BENCH_C]->(b:{LABEL}) "
    ends = walk + "RETURN a.uid AS src, b.uid AS dst, r.weight AS weight"

    match = f"UNWIND $rows AS p MATCH (a:{LABEL} {{uid: p[0]}}) MATCH (b:{LABEL} {{uid: p[1]}}) "
    props = "{weight: 1.0, since: datetime('2024-01-01T00:00:00Z'), platform: 'web'}"
    out: dict[str, int] = {}
    steps: list[tuple[str, Callable[[], int]]] = [
        (
            "node_create_per_s",
            lambda: timed(f"UNWIND $rows AS u CREATE (:{LABEL} {{uid: u}})", ids),
        ),
        ("rel_create_per_s", lambda: timed(match + "CREATE (a)-[:BENCH_A]->(b)", links)),
        ("rel_merge_per_s", lambda: timed(match + "MERGE (a)-[:BENCH_B]->(b)", links)),
        (
            "rel_merge_3_props_per_s",
            lambda: timed(match + f"MERGE (a)-[r:BENCH_C]->(b) SET r += {props}", links),
        ),
        # reads, on the 3-property links just written: the server walking them and reading
        # their ends' keys and weight with nothing sent back, then the same rows sent to this
        # client as the product's reads send them (lists of rows: Neo4jStore.frame)
        (
            "rel_read_server_only_per_s",
            lambda: read(
                walk + "RETURN count(a.uid + b.uid + toString(r.weight))",
                lambda result: int(result.single()[0]),
            ),
        ),
        (
            "rel_read_to_client_per_s",
            lambda: read(
                columnar(ends, ["src", "dst", "weight"]),
                lambda result: sum(len(record[0]) for record in result),
            ),
        ),
        (
            "rel_create_2_sessions_per_s",
            lambda: timed(match + "CREATE (a)-[:BENCH_D]->(b)", links, 2),
        ),
        (
            "rel_merge_2_sessions_per_s",
            lambda: timed(match + "MERGE (a)-[:BENCH_E]->(b)", links, 2),
        ),
    ]
    try:
        run(
            "CREATE CONSTRAINT custgraph_bench_floor IF NOT EXISTS "
            f"FOR (n:{LABEL}) REQUIRE n.uid IS UNIQUE"
        )
        clear()
        for name, step in steps:
            out[name] = step()
            print(f"  neo4j {name}: {out[name]:,}", flush=True)
        clear()
        out["node_merge_per_s"] = timed(f"UNWIND $rows AS u MERGE (:{LABEL} {{uid: u}})", ids)
    finally:
        clear()
        run("DROP CONSTRAINT custgraph_bench_floor IF EXISTS")
        driver.close()
    return out


# -- bounds ----------------------------------------------------------------------------


def bounds(
    floors: dict[str, dict[str, int]], rows: int, nodes: int, rels: int
) -> dict[str, dict[str, int]]:
    """What the floors allow for the dataset: its writes alone, at floor rates."""
    out: dict[str, dict[str, int]] = {}
    if "sqlite" in floors:
        f = floors["sqlite"]
        seconds = nodes / f["node_upsert_per_s"] + rels / f["rel_upsert_per_s"]
        out["sqlite"] = {"input_rows_per_s_at_most": per_second(rows, seconds)}
    if "neo4j" in floors:
        f = floors["neo4j"]
        for kind in ("create", "merge"):
            node_rate = f[f"node_{kind}_per_s"]
            seconds = nodes / node_rate + rels / f[f"rel_{kind}_per_s"]
            out[f"neo4j_{kind}"] = {
                "nodes_per_s_at_most": per_second(nodes, seconds),
                "rels_per_s_at_most": per_second(rels, seconds),
            }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=NODES)
    parser.add_argument("--rels", type=int, default=RELS)
    parser.add_argument("--batch", type=int, default=None, help="rows per transaction")
    parser.add_argument("--neo4j", action="store_true", help="also CUSTGRAPH_NEO4J_URI")
    parser.add_argument("--dataset-rows", type=int, default=1_001_476)
    parser.add_argument("--dataset-nodes", type=int, default=471_724)
    parser.add_argument("--dataset-rels", type=int, default=1_398_102)
    args = parser.parse_args()
    floors: dict[str, dict[str, int]] = {}
    floors["sqlite"] = sqlite_floors(args.nodes, args.rels, args.batch or SQLITE_BATCH)
    print("sqlite", json.dumps(floors["sqlite"]), flush=True)
    if args.neo4j:
        floors["neo4j"] = neo4j_floors(
            Settings.from_env(), args.nodes, args.rels, args.batch or NEO4J_BATCH
        )
        print("neo4j", json.dumps(floors["neo4j"]), flush=True)
    limits = bounds(floors, args.dataset_rows, args.dataset_nodes, args.dataset_rels)
    print(json.dumps({"floors": floors, "dataset_bounds": limits}, indent=2))


if __name__ == "__main__":
    main()
