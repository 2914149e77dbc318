"""Loader benchmark: nodes/s and relationships/s on both stores, against a naive baseline.

Run:  python bench/load.py [--customers 100000] [--neo4j]   (or `make bench`)

For each store it loads a generated dataset end to end (read, validate, normalise, write) and
prints rows/s, nodes/s and relationships/s; then it writes a sample of prepared customer rows
one row per transaction with the same named query (the naive MERGE baseline) and prints the
ratio. Peak RSS is measured in child processes loading the dataset's customers file (1x) and
the customers file of a dataset ten times larger (10x).
Last, the store floors of ``bench/floors.py`` are measured in the same run (``--no-floors``
skips them): the rates each store takes for the simplest writes on this machine, and what
they allow for this dataset's nodes and relationships; the load's rates are printed as a
share of that bound.
Absolute times depend on the machine; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from floors import (  # noqa: E402  (bench/floors.py)
    NODES,
    RELS,
    bounds,
    neo4j_floors,
    sqlite_floors,
)

from graph.settings import Settings  # noqa: E402
from graph.store import Step, Store, open_store  # noqa: E402
from graph.store.neo4j import DEFAULT_BATCH_SIZE as NEO4J_BATCH  # noqa: E402
from graph.store.sqlite import DEFAULT_BATCH_SIZE as SQLITE_BATCH  # noqa: E402
from loaders import load_files  # noqa: E402
from loaders.readers import open_reader  # noqa: E402
from loaders.rows import RowContext, prepare_row  # noqa: E402
from synthetic import GenerateParams, generate_dataset  # noqa: E402

NODE_LABELS = ("Customer", "Identifier", "Channel", "Product", "Order")


def dataset(customers: int, out: Path) -> Path:
    folder = out / f"data-{customers}"
    if not (folder / "customers.csv").exists():
        t = time.perf_counter()
        generate_dataset(folder, GenerateParams(customers=customers, seed=42))
        print(f"generated {customers:,} customers in {time.perf_counter() - t:.1f}s")
    return folder


def totals(store: Store) -> tuple[int, int]:
    rows = store.read("status/counts")
    nodes = sum(r["count"] for r in rows if r["kind"] == "label" and r["name"] in NODE_LABELS)
    rels = sum(r["count"] for r in rows if r["kind"] == "relationship")
    return nodes, rels


def bench_store(settings: Settings, data: Path, sample: int) -> dict[str, float]:
    with open_store(settings) as store:
        store.ensure_schema()
        store.write("support/wipe")
        t = time.perf_counter()
        report = load_files(
            store, [data], rejects_dir=data.parent / "rejects", batch_size=settings.batch_size
        )
        seconds = time.perf_counter() - t
        nodes, rels = totals(store)
        per_kind = {Path(f.path).name: round(f.rows_per_second) for f in report.files}
        batched, naive = baseline(store, data / "customers.csv", sample)
    return {
        "rows": report.rows_read,
        "seconds": round(seconds, 2),
        "rows_per_s": round(report.rows_read / seconds),
        "nodes_per_s": round(nodes / seconds),
        "rels_per_s": round(rels / seconds),
        "nodes": nodes,
        "rels": rels,
        "customer_writes_batched_per_s": round(batched),
        "customer_writes_naive_per_s": round(naive),
        "batched_over_naive": round(batched / naive, 1),
        "per_file_rows_per_s": per_kind,  # type: ignore[dict-item]
        # touchpoint events: a Touchpoint node with MADE and ON each (not in `nodes`/`rels`)
        "events": sum(f.rows_loaded for f in report.files if f.kind == "touchpoints"),
    }


def baseline(store: Store, customers: Path, sample: int) -> tuple[float, float]:
    """Write the same prepared rows batched and one per transaction; rows/s of each."""
    ctx = RowContext()
    rows = []
    with open_reader(customers) as reader:
        for raw in reader:
            rows.append(prepare_row("customers", raw.values, ctx).row | {"source": "bench"})
            if len(rows) >= sample * 5:
                break
    for i, row in enumerate(rows):
        row["uid"] = f"bench:{i}"
    t = time.perf_counter()
    store.write("load/merge_customers", rows=rows)
    batched = len(rows) / (time.perf_counter() - t)
    naive_rows = rows[:sample]
    for row in naive_rows:
        row["uid"] = "naive-" + row["uid"]
    t = time.perf_counter()
    for row in naive_rows:
        store.write_tx([Step("load/merge_customers", [row])])
    naive = len(naive_rows) / (time.perf_counter() - t)
    return batched, naive


_PEAK_CODE = """
import os, sys, threading, time
from pathlib import Path
from graph.store import SqliteStore
from loaders import load_files

def hwm(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1])
    return 0

children = {}  # the validating child's VmHWM, polled while it lives
done = threading.Event()

def poll():
    me = str(os.getpid())
    while not done.is_set():
        for proc in Path("/proc").iterdir():
            try:
                ppid = (proc / "stat").read_text().rsplit(")", 1)[1].split()[1]
                if proc.name.isdigit() and ppid == me:
                    children[proc.name] = max(children.get(proc.name, 0), hwm(proc.name))
            except (OSError, IndexError):
                pass
        time.sleep(0.05)

threading.Thread(target=poll, daemon=True).start()
s = SqliteStore(Path(sys.argv[2])); s.ensure_schema()
load_files(s, [Path(sys.argv[1])], rejects_dir=Path(sys.argv[2]).parent / "r")
done.set()
print(hwm("self") + max(children.values(), default=0))
"""


def peak_rss(customers_file: Path, db: Path) -> int:
    """Peak RSS (KiB) of a child process loading one customers file, plus the peak of the
    process it validates in (files from 4 MiB up are validated in a child process).

    VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child would report its
    parent's peak.
    """
    out = subprocess.run(
        [sys.executable, "-c", _PEAK_CODE, str(customers_file), str(db)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return int(out.stdout.strip().splitlines()[-1])


def memory(out: Path, customers: int) -> dict[str, float]:
    """Peak RSS loading the ``customers`` dataset's customers file (1x) and one 10x larger."""
    small = dataset(customers, out) / "customers.csv"
    large = dataset(customers * 10, out) / "customers.csv"
    with tempfile.TemporaryDirectory() as tmp:
        a = peak_rss(small, Path(tmp) / "a.db")
        b = peak_rss(large, Path(tmp) / "b.db")
    return {
        "rss_1x_mib": round(a / 1024),
        "rss_10x_mib": round(b / 1024),
        "rss_ratio": round(b / a, 2),
    }


def floor_shares(results: dict[str, Any], neo4j: bool) -> dict[str, Any]:
    """The store floors, their bound for this dataset, and the load's share of the bound."""
    floors = {"sqlite": sqlite_floors(NODES, RELS, SQLITE_BATCH)}
    if neo4j:
        floors["neo4j"] = neo4j_floors(Settings.from_env(), NODES, RELS, NEO4J_BATCH)
    run = results["sqlite"]
    limits = bounds(floors, run["rows"], run["nodes"], run["rels"])
    shares = {
        "sqlite_rows_share_of_bound": round(
            run["rows_per_s"] / limits["sqlite"]["input_rows_per_s_at_most"], 2
        )
    }
    if neo4j:
        merge = limits["neo4j_merge"]
        shares["neo4j_nodes_share_of_merge_bound"] = round(
            results["neo4j"]["nodes_per_s"] / merge["nodes_per_s_at_most"], 2
        )
        shares["neo4j_rels_share_of_merge_bound"] = round(
            results["neo4j"]["rels_per_s"] / merge["rels_per_s_at_most"], 2
        )
        # every write the load makes: records and links merged (idempotent), events created
        # (additive by design: a Touchpoint node, MADE and ON per touchpoint row)
        f, run4j = floors["neo4j"], results["neo4j"]
        seconds = (
            run4j["nodes"] / f["node_merge_per_s"]
            + run4j["rels"] / f["rel_merge_per_s"]
            + run4j["events"] / f["node_create_per_s"]
            + 2 * run4j["events"] / f["rel_create_per_s"]
        )
        limits["neo4j_all_writes"] = {"input_rows_per_s_at_most": round(run4j["rows"] / seconds)}
        shares["neo4j_rows_share_of_all_writes_bound"] = round(
            run4j["rows_per_s"] / limits["neo4j_all_writes"]["input_rows_per_s_at_most"], 2
        )
    return {"floors": floors, "dataset_bounds": limits, "shares": shares}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000, help="rows for the naive baseline")
    parser.add_argument("--neo4j", action="store_true", help="also bench CUSTGRAPH_NEO4J_URI")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--no-floors", action="store_true", help="skip the store floors")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    data = dataset(args.customers, args.out)
    results: dict[str, object] = {"customers": args.customers, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = bench_store(Settings(db_path=Path(tmp) / "bench.db"), data, args.sample)
    print(json.dumps(results["sqlite"], indent=2))
    if args.neo4j:
        results["neo4j"] = bench_store(Settings.from_env(), data, args.sample // 4)
        print(json.dumps(results["neo4j"], indent=2))
    results["memory"] = memory(args.out, args.customers)
    print(json.dumps(results["memory"], indent=2))
    if not args.no_floors:
        results["floors"] = floor_shares(results, args.neo4j)
        print(json.dumps(results["floors"], indent=2))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak RSS of this process: {peak} MiB")
    (args.out / "load-results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
