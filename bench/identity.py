"""Identity benchmark: pairwise precision and recall against the generator's truth, and speed.

Run:  python bench/identity.py [--customers 10000] [--customers 1000000]

Generates a dataset (seed 42 unless --seed), loads it into a fresh embedded store, runs
`analyze identity` as the product does (project, resolve, write back) and scores the
result against truth/records.csv, which the job never reads. Prints seconds per step and
peak RSS (VmHWM) of the process.
"""

from __future__ import annotations

import argparse
import csv
import json
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
from loaders.synthetic import GenerateParams, generate_dataset  # noqa: E402


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
        t = time.perf_counter()
        result = run_identity(store, IdentityParams())
        seconds = time.perf_counter() - t
        frame = store.frame("identity/export")
        store.close()
    predicted = {
        f"{s}:{i}": p
        for s, i, p in zip(frame.source, frame.source_customer_id, frame.person_id, strict=True)
    }
    with (data / "truth" / "records.csv").open(encoding="utf-8") as handle:
        truth = {
            f"{r['source']}:{r['source_customer_id']}": r["person_id"]
            for r in csv.DictReader(handle)
        }
    return {
        "customers": customers,
        "seed": seed,
        **score(predicted, truth),
        "identity_seconds": round(seconds, 1),
        "load_customers_seconds": round(load_seconds, 1),
        "steps": result.timings,
        "counts": result.counts,
        "peak_rss_mib": peak_rss_mib(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, action="append")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for n in args.customers or [10_000]:
        print(json.dumps(bench(n, args.seed, args.out), indent=2), flush=True)


if __name__ == "__main__":
    main()
