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
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.pipeline import JobsParams, run_jobs  # noqa: E402
from graph.settings import Settings  # noqa: E402
from graph.store import Neo4jStore  # noqa: E402
from loaders import load_files  # noqa: E402
from synthetic.generator import GenerateParams, generate_dataset  # noqa: E402
from tests.neo4j_graph import compare_graphs, dump  # noqa: E402


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
    comparisons = compare_graphs(online, imported)
    for each in comparisons:
        print(each.line())
    differences = sum(c.count for c in comparisons)
    print(f"  identity after the import: {_changed_records(data, work, cli, env, seconds)}")
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    print(f"{differences} missing, extra or differing nodes, links and values in all")


if __name__ == "__main__":
    main()
