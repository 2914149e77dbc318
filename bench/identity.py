"""Identity benchmark: pairwise precision and recall against the generator's truth, and speed.

Run:  python bench/identity.py [--customers 10000] [--customers 1000000] [--incremental 0.01]

Generates a dataset (seed 42 unless --seed), loads it into a fresh embedded store, runs
`analyze identity` as the product does (project, resolve, write back) and scores the
result against truth/records.csv, which the job never reads. Prints seconds per step and
the peak RSS (VmHWM) of the identity job, run in a process of its own.

With --incremental SHARE, that share of the customer rows is held back: the full run
resolves the rest, the held-back rows are loaded, an incremental run resolves them, and
a full run on everything follows. Prints both runs' times, their ratio, and the quality of
the incremental result (against the truth, and its agreement with the full run).
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.identity import IdentityParams  # noqa: E402
from graph.identity.job import run_identity  # noqa: E402
from graph.store import SqliteStore  # noqa: E402
from loaders import load_files  # noqa: E402
from synthetic import GenerateParams, generate_dataset  # noqa: E402


def peak_rss_mib() -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) // 1024
    return -1


def score(predicted: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    """Pairwise precision, recall and F1 from the contingency of the two clusterings."""
    joint: dict[tuple[str, str], int] = {}
    for uid, p in predicted.items():
        key = (p, truth[uid])
        joint[key] = joint.get(key, 0) + 1
    tp = sum(n * (n - 1) // 2 for n in joint.values())
    by_pred: dict[str, int] = {}
    by_true: dict[str, int] = {}
    for uid, p in predicted.items():
        by_pred[p] = by_pred.get(p, 0) + 1
        by_true[truth[uid]] = by_true.get(truth[uid], 0) + 1
    pp = sum(n * (n - 1) // 2 for n in by_pred.values())
    tt = sum(n * (n - 1) // 2 for n in by_true.values())
    precision, recall = tp / max(pp, 1), tp / max(tt, 1)
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * precision * recall / max(precision + recall, 1e-12), 4),
        "true_pairs": tt,
        "predicted_pairs": pp,
    }


def _truth(data: Path) -> dict[str, str]:
    with (data / "truth" / "records.csv").open(encoding="utf-8") as handle:
        return {
            f"{r['source']}:{r['source_customer_id']}": r["person_id"]
            for r in csv.DictReader(handle)
        }


def _persons(store: SqliteStore) -> dict[str, str]:
    frame = store.frame("identity/export")
    return {
        f"{s}:{i}": p
        for s, i, p in zip(frame.source, frame.source_customer_id, frame.person_id, strict=True)
    }


def bench_incremental(customers: int, seed: int, share: float, out: Path) -> dict[str, object]:
    """Full run on (1 - share) of the records, incremental on the rest, then a full run."""
    data = out / f"identity-{customers}-{seed}"
    if not (data / "customers.csv").exists():
        generate_dataset(data, GenerateParams(customers=customers, seed=seed))
    every = round(1 / share)
    with tempfile.TemporaryDirectory() as tmp:
        base, delta = Path(tmp) / "base" / "customers.csv", Path(tmp) / "delta" / "customers.csv"
        base.parent.mkdir()
        delta.parent.mkdir()
        with (
            (data / "customers.csv").open(encoding="utf-8") as source,
            base.open("w", encoding="utf-8") as b,
            delta.open("w", encoding="utf-8") as d,
        ):
            header = source.readline()
            b.write(header)
            d.write(header)
            for k, line in enumerate(source):
                (d if k % every == every // 3 else b).write(line)
        store = SqliteStore(Path(tmp) / "id.db")
        store.ensure_schema()
        load_files(store, [base], rejects_dir=Path(tmp) / "r")
        t = time.perf_counter()
        run_identity(store, IdentityParams())
        full_seconds = time.perf_counter() - t
        load_files(store, [delta], rejects_dir=Path(tmp) / "r")
        t = time.perf_counter()
        inc = run_identity(store, IdentityParams())
        inc_seconds = time.perf_counter() - t
        incremental = _persons(store)
        t = time.perf_counter()
        run_identity(store, IdentityParams(), full=True)
        full_all_seconds = time.perf_counter() - t
        full = _persons(store)
        store.close()
    truth = _truth(data)
    agreement = score(incremental, full)
    return {
        "customers": customers,
        "held_back_share": share,
        "full_run_seconds": round(full_seconds, 1),
        "incremental_seconds": round(inc_seconds, 2),
        "incremental_over_full": round(inc_seconds / full_seconds, 4),
        "full_run_on_everything_seconds": round(full_all_seconds, 1),
        "incremental_counts": inc.counts,
        "incremental_steps": inc.timings,
        "incremental_vs_truth": score(incremental, truth),
        "full_vs_truth": score(full, truth),
        "incremental_vs_full_f1": agreement["f1"],
        "peak_rss_mib": peak_rss_mib(),
    }


def _identity_job(db: Path) -> tuple[float, dict[str, int], dict[str, float], int]:
    """One full identity run on ``db``: seconds, counts, step timings, peak RSS (MiB)."""
    store = SqliteStore(db)
    t = time.perf_counter()
    result = run_identity(store, IdentityParams(), full=True)
    seconds = time.perf_counter() - t
    store.close()
    return seconds, result.counts, result.timings, peak_rss_mib()


def bench(customers: int, seed: int, out: Path) -> dict[str, object]:
    data = out / f"identity-{customers}-{seed}"
    if not (data / "customers.csv").exists():
        generate_dataset(data, GenerateParams(customers=customers, seed=seed))
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "id.db")
        store.ensure_schema()
        t = time.perf_counter()
        load_files(store, [data / "customers.csv"], rejects_dir=Path(tmp) / "r")
        load_seconds = time.perf_counter() - t
        store.close()
        # the job in a process of its own, as `custgraph analyze identity` runs it, so its
        # peak RSS is its own and not the loader's
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            seconds, counts, timings, job_rss = pool.apply(_identity_job, (Path(tmp) / "id.db",))
        store = SqliteStore(Path(tmp) / "id.db")
        frame = store.frame("identity/export")
        store.close()
    predicted = {
        f"{s}:{i}": p
        for s, i, p in zip(frame.source, frame.source_customer_id, frame.person_id, strict=True)
    }
    truth = _truth(data)
    return {
        "customers": customers,
        "seed": seed,
        **score(predicted, truth),
        "identity_seconds": round(seconds, 1),
        "load_customers_seconds": round(load_seconds, 1),
        "steps": timings,
        "counts": counts,
        "identity_peak_rss_mib": job_rss,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, action="append")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument(
        "--incremental", type=float, metavar="SHARE", help="hold back this share (e.g. 0.01)"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for n in args.customers or [10_000]:
        if args.incremental:
            figures = bench_incremental(n, args.seed, args.incremental, args.out)
        else:
            figures = bench(n, args.seed, args.out)
        print(json.dumps(figures, indent=2), flush=True)


if __name__ == "__main__":
    main()
