"""Neo4j against the embedded store, step by step, on the same data in the same run.

Run:  scripts/neo4j start && eval "$(scripts/neo4j env)"
      python bench/stores.py [--customers 100000]

Each store is emptied, the same generated dataset is loaded, then each step runs on its own
as `custgraph analyze STEP` would (identity, influence, communities, profiles), then the
influence report. Prints seconds per step on each store and the ratio Neo4j / embedded
(issue 18's target: ≤ 1.5 for identity, influence, communities, profiles and report), and
each job's phases from its run record (reads, computation, write-back). The machine is
shared: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.identity import IdentityParams  # noqa: E402
from graph.pipeline import JobsParams, run_jobs  # noqa: E402
from graph.settings import Settings  # noqa: E402
from graph.store import Store, open_store  # noqa: E402
from loaders import load_files  # noqa: E402
from reports import ReportParams, write_report  # noqa: E402
from synthetic import GenerateParams, generate_dataset  # noqa: E402

STEPS = ("load", "identity", "influence", "communities", "profiles", "report")


def dataset(customers: int, out: Path) -> Path:
    folder = out / f"data-{customers}"
    if not (folder / "customers.csv").exists():
        generate_dataset(folder, GenerateParams(customers=customers, seed=42))
    return folder


def phases(store: Store, job: str) -> dict[str, float]:
    """The phases of the job's latest run as its run record has them (seconds: the reads
    (``project``), the computation and the write-back, under each job's own names)."""
    runs = store.frame("status/last_runs")
    timings = runs.loc[runs["job"] == job, "timings"]
    return {k: round(v, 1) for k, v in json.loads(timings.iloc[0]).items()}


def timed_steps(
    store: Store, data: Path, work: Path, parts: dict[str, dict[str, float]]
) -> dict[str, float]:
    """Seconds per step, each run on its own as the CLI runs it; each job's phases go to
    ``parts``."""
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    load_files(store, [data], rejects_dir=work / "rejects")
    seconds["load"] = time.perf_counter() - t
    for job in ("identity", "influence", "communities", "profiles"):
        t = time.perf_counter()
        run_jobs(store, JobsParams(jobs=(job,), identity=IdentityParams()))
        seconds[job] = time.perf_counter() - t
        parts[job] = phases(store, job)
        print(f"  {job}: {seconds[job]:.1f} s {json.dumps(parts[job])}", flush=True)
    t = time.perf_counter()
    write_report(store, ReportParams(top=25), work / "report")
    seconds["report"] = time.perf_counter() - t
    return {k: round(v, 2) for k, v in seconds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    data = dataset(args.customers, args.out)
    neo4j = Settings.from_env()
    if not neo4j.neo4j_uri:
        sys.exit("set CUSTGRAPH_NEO4J_URI (scripts/neo4j start && eval $(scripts/neo4j env))")
    results: dict[str, dict[str, float]] = {}
    parts: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, settings in (
            ("embedded", Settings(db_path=Path(tmp) / "bench.db")),
            ("neo4j", neo4j),
        ):
            print(f"{name}:", flush=True)
            with open_store(settings) as store:
                store.ensure_schema()
                store.write("support/wipe")
                parts[name] = {}
                results[name] = timed_steps(store, data, Path(tmp) / name, parts[name])
    ratios = {
        step: round(results["neo4j"][step] / max(results["embedded"][step], 1e-9), 2)
        for step in STEPS
    }
    print(
        json.dumps(
            {
                "customers": args.customers,
                **results,
                "neo4j_over_embedded": ratios,
                "phases": parts,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
