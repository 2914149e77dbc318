"""A Spark run's import files in a real Neo4j, against an online load analysed in process.

Run (Neo4j up: ``scripts/neo4j start && eval "$(scripts/neo4j env)"``; the Spark venv)::

    .venv-spark/bin/python bench/spark_neo4j.py [--customers 800] [--data DIR] [--workdir DIR]

The dataset (generated with ``--customers``, or the files of ``--data``) is loaded online
into the emptied database and analysed in process (``analyze all``); its graph is read
back whole. Then ``custgraph analyze all --engine spark --neo4j-import`` runs on the same
files, the database is emptied, ``custgraph load --import-dir`` imports the run's files,
and that graph is read back. Printed: per label and relationship type, the counts on each
side, the nodes or links one side has and the other lacks (by key), and the properties that
differ (numbers: 1e-4 relative for PageRank, 1e-6 otherwise; a value and its type, as
Neo4j keeps them) or that one side lacks; the seconds of each step. Nothing here is tuned:
the in-process side is the reference. Last, five records of the customers file are given
new e-mail addresses in a file of their own, loaded online on top of the imported graph,
and ``custgraph analyze identity`` runs: printed is whether it ran incrementally (the
import holds the keys and state a full run in process leaves) and how many records it
re-resolved.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from neo4j import GraphDatabase  # noqa: E402

from graph.pipeline import JobsParams, run_jobs  # noqa: E402
from graph.settings import Settings  # noqa: E402
from graph.store import Neo4jStore  # noqa: E402
from loaders import load_files  # noqa: E402
from synthetic.generator import GenerateParams, generate_dataset  # noqa: E402

#: The property that keys each node (the first one a node has).
KEYS = ("uid", "key", "channelId", "productId", "orderId", "fileKey", "personId",
        "communityId", "eventId", "path", "name")  # fmt: skip
#: Properties a run sets to its own ids and times: they differ by design.
RUN_PROPERTIES = {"run", "influenceRun", "journeyRun", "profileRun", "createdAt", "eventId", "at",
                  "startedAt", "finishedAt"}  # fmt: skip


#: What :func:`dump` reads: keyed nodes, links between them, touchpoint events, and the
#: journeys' credit and transition nodes (keyed by model and channel, or by their ends).
QUERIES = (
    "MATCH (n) WHERE NOT n:Touchpoint AND NOT n:JobRun AND NOT n:ChannelCredit "
    "AND NOT n:ChannelTransition RETURN labels(n) AS l, properties(n) AS p",
    "MATCH (a)-[r]->(b) WHERE NOT a:Touchpoint AND NOT b:Touchpoint AND NOT a:ChannelCredit "
    "RETURN type(r) AS t, labels(a)[0] AS la, properties(a) AS a, properties(b) AS b, "
    "properties(r) AS p",
    "MATCH (c:Customer)-[:MADE]->(t:Touchpoint)-[:ON]->(ch:Channel) "
    "RETURN c.uid AS uid, ch.channelId AS ch, properties(t) AS p",
    "MATCH (c:ChannelCredit)-[:CREDITS]->(ch:Channel) RETURN c.model AS m, "
    "ch.channelId AS ch, properties(c) AS p UNION ALL "
    "MATCH (t:ChannelTransition) RETURN t.from AS m, t.to AS ch, properties(t) AS p",
)


def _state(value: str) -> str:
    """The identity state without its time, the model's numbers to nine digits (the EM's
    last bits depend on the order of its sums)."""
    state = json.loads(value)
    state.pop("at", None)

    def rounded(x: Any) -> Any:
        if isinstance(x, float):
            return float(f"{x:.9g}")
        if isinstance(x, list):
            return [rounded(v) for v in x]
        if isinstance(x, dict):
            return {k: rounded(v) for k, v in x.items()}
        return x

    return json.dumps(rounded(state), sort_keys=True)


def dump(settings: Settings) -> dict[str, Any]:
    """Every keyed node and every link between keyed nodes, with properties; touchpoint
    events as a multiset of (record, channel, properties)."""
    assert settings.neo4j_uri
    auth = (settings.neo4j_user, settings.neo4j_password)
    with GraphDatabase.driver(settings.neo4j_uri, auth=auth) as driver:
        nodes, rels, touches, credits = (driver.execute_query(q)[0] for q in QUERIES)

    def key(p: dict[str, Any]) -> str | None:
        return next((str(p[k]) for k in KEYS if k in p), None)

    out: dict[str, Any] = {"nodes": {}, "rels": {}}
    for r in nodes:
        props = dict(r["p"])
        if "IdentityState" in r["l"] and props.get("value"):
            props["value"] = _state(props["value"])
        out["nodes"][(tuple(sorted(r["l"])), key(r["p"]))] = props
    for r in credits:
        out["nodes"][(("ChannelCredit/Transition",), f"{r['m']}>{r['ch']}")] = dict(r["p"])
    for r in rels:
        out["rels"][(r["t"], r["la"], key(r["a"]), key(r["b"]))] = dict(r["p"])
    out["touches"] = Counter(
        (r["uid"], r["ch"], tuple(sorted((k, str(v)) for k, v in r["p"].items()))) for r in touches
    )
    return out


def _same(a: Any, b: Any, name: str) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return math.isclose(a, b, rel_tol=1e-4 if name == "pagerank" else 1e-6, abs_tol=1e-12)
    return bool(a == b)


def compare(
    kind: str, online: dict[Any, dict[str, Any]], imported: dict[Any, dict[str, Any]]
) -> int:
    """Print one label's or type's comparison; returns how many differences it found."""
    missing, extra = set(online) - set(imported), set(imported) - set(online)
    diffs: Counter[str] = Counter()
    absent: Counter[str] = Counter()
    for k in set(online) & set(imported):
        for name, value in online[k].items():
            if name in RUN_PROPERTIES:
                continue
            if name not in imported[k]:
                absent[name] += 1
            elif not _same(value, imported[k][name], name):
                diffs[name] += 1
    print(
        f"  {kind:32} {len(online):>8,} {len(imported):>8,}  missing {len(missing)}  "
        f"extra {len(extra)}  differ {dict(diffs) or '-'}  not written {dict(absent) or '-'}"
    )
    return len(missing) + len(extra) + sum(diffs.values())


def _changed_records(
    data: Path, work: Path, cli: list[str], env: dict[str, str], seconds: dict[str, float]
) -> str:
    """Load five customers again with new e-mail addresses on top of the imported graph and
    run identity; what its run record says (incremental or not, records re-resolved)."""
    changed = work / "changed"
    changed.mkdir(exist_ok=True)
    with (data / "customers.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row for _, row in zip(range(5), reader, strict=False)]
        fields = list(reader.fieldnames or [])
    with (changed / "customers.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        for k, row in enumerate(rows):
            writer.writerow({**row, "email": f"changed.{k}@example.org"})
    subprocess.run([*cli, "load", str(changed)], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    mark = time.perf_counter()
    subprocess.run([*cli, "analyze", "identity"], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    seconds["identity after the import"] = time.perf_counter() - mark
    with Neo4jStore.connect(Settings.from_env()) as store:
        last = {r["job"]: r for r in store.read("status/last_runs")}
    counts = json.loads(last["identity"]["counts"])
    keys = ("incremental", "pending_records", "touched_persons", "persons_total")
    return ", ".join(f"{k} {counts.get(k)}" for k in keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=800)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    settings = Settings.from_env()
    if not settings.neo4j_uri:
        sys.exit('no Neo4j: scripts/neo4j start && eval "$(scripts/neo4j env)"')
    work = args.workdir or Path(tempfile.mkdtemp(prefix="spark-neo4j-"))
    data = args.data or work / "data"
    if args.data is None and not data.exists():
        generate_dataset(data, GenerateParams(customers=args.customers, seed=7))
    seconds: dict[str, float] = {}
    with Neo4jStore.connect(settings) as store:
        store.write("support/wipe")
        store.ensure_schema()
        mark = time.perf_counter()
        load_files(store, [data], rejects_dir=work / "rejects")
        seconds["online load"] = time.perf_counter() - mark
        mark = time.perf_counter()
        run_jobs(store, JobsParams(full_identity=True))
        seconds["analyze all in process"] = time.perf_counter() - mark
    online = dump(settings)
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1"}
    cli = [sys.executable, "-m", "cli"]
    mark = time.perf_counter()
    subprocess.run(
        [*cli, "analyze", "all", "--engine", "spark", "--input", str(data), "--out",
         str(work / "out"), "--neo4j-import"],
        check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    seconds["spark run with import files"] = time.perf_counter() - mark
    with Neo4jStore.connect(settings) as store:
        store.write("support/wipe")
    mark = time.perf_counter()
    subprocess.run([*cli, "load", "--import-dir", str(work / "out" / "neo4j")], check=True,
                   env=env, cwd=ROOT, stdout=subprocess.DEVNULL)  # fmt: skip
    seconds["import"] = time.perf_counter() - mark
    imported = dump(settings)
    print(f"{data}: online load + analyze in process (left) vs Spark run imported (right)")
    differences = 0
    for labels in sorted({k[0] for k in online["nodes"]} | {k[0] for k in imported["nodes"]}):
        differences += compare(
            "/".join(labels),
            {k: v for k, v in online["nodes"].items() if k[0] == labels},
            {k: v for k, v in imported["nodes"].items() if k[0] == labels},
        )
    for kind in sorted({k[:2] for k in online["rels"]} | {k[:2] for k in imported["rels"]}):
        differences += compare(
            f"{kind[0]} from {kind[1]}",
            {k: v for k, v in online["rels"].items() if k[:2] == kind},
            {k: v for k, v in imported["rels"].items() if k[:2] == kind},
        )
    same = online["touches"] == imported["touches"]
    print(f"  touchpoint events: {sum(online['touches'].values()):,} each, same: {same}")
    print(f"  identity after the import: {_changed_records(data, work, cli, env, seconds)}")
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    print(f"{differences} missing, extra or differing nodes, links and values in all")


if __name__ == "__main__":
    main()
