"""Profiles benchmark: quality against the 90 days after the as-of date, and speed.

Run:  python bench/profiles.py [--customers 100000] [--seed 5] [--as-of 2026-03-31]

Generates a dataset, loads it into a fresh embedded store, runs identity, influence,
communities, then profiles as of a date 90 days before the data ends. The job never reads an
order after that date; this script then reads the generated purchase files (the truth) to
measure, on the following 90 days:

- churn AUC of ``churn_risk``, and of a same-run baseline (recency alone);
- total predicted purchases (BG/NBD) against actual purchase days of the same persons, and
  the RMSE per person against a same-run baseline (each person's own past rate);
- the share of holdout revenue captured by the top 20% by predicted value, and by the
  baseline ranking (past spend).

It also prints the job's time per step and per 100k persons.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.identity import IdentityParams  # noqa: E402
from graph.identity.job import run_identity  # noqa: E402
from graph.influence import (  # noqa: E402
    CommunityParams,
    InfluenceParams,
    run_communities,
    run_influence,
)
from graph.profiles import ProfileParams, load_rules, run_profiles  # noqa: E402
from graph.store import SqliteStore  # noqa: E402
from loaders import load_files  # noqa: E402
from synthetic import GenerateParams, generate_dataset  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--as-of", default="2026-03-31")
    parser.add_argument("--horizon-days", type=int, default=90)
    parser.add_argument(
        "--inputs",
        choices=["all", "orders"],
        default="all",
        help="orders: customers and purchases only (no channel column), a plain order log",
    )
    parser.add_argument(
        "--history-days", type=int, default=None, help="keep only this many days of orders"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the generated data and the store here; a second run with the same "
        "directory (and the same other options) skips generating, loading and the other jobs",
    )
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)
    tmp = args.workdir or Path(tempfile.mkdtemp(prefix="cg-profiles-"))
    tmp.mkdir(parents=True, exist_ok=True)
    full = tmp / "generated"
    store = SqliteStore(tmp / "p.db")
    if not (tmp / "prepared").exists():
        generate_dataset(full, GenerateParams(customers=args.customers, seed=args.seed))
        data = _inputs(full, tmp / "data", args.inputs, as_of, args.history_days)
        store.ensure_schema()
        load_files(store, [data], rejects_dir=tmp / "rej")
        run_identity(store, IdentityParams())
        run_influence(store, InfluenceParams())
        run_communities(store, CommunityParams())
        (tmp / "prepared").write_text(" ".join(sys.argv[1:]) + "\n")

    started = time.perf_counter()
    profiles = run_profiles(store, ProfileParams(as_of=as_of, horizon_days=args.horizon_days))
    seconds = time.perf_counter() - started
    # the peak so far: the job's own when the store was prepared by an earlier run
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timings = json.loads(
        next(r for r in store.read("status/last_runs") if r["job"] == "profiles")["timings"]
    )

    # The truth: what each resolved person did in the horizon after the as-of date.
    ids = store.frame("identity/export")
    person = dict(
        zip(ids["source"] + ":" + ids["source_customer_id"], ids["person_id"], strict=True)
    )
    lines = pd.read_csv(full / "purchases.csv", dtype=str)
    lines["ts"] = pd.to_datetime(lines["purchased_at"], utc=True, format="ISO8601")
    lines["usd"] = lines["amount"].astype(float) * lines["currency"].map(load_rules().rate)
    lines["person"] = (lines["source"] + ":" + lines["source_customer_id"]).map(person)
    start = pd.Timestamp(as_of, tz="UTC") + pd.Timedelta(days=1)
    horizon = pd.Timedelta(days=args.horizon_days)
    after = lines[(lines["ts"] >= start) & (lines["ts"] < start + horizon)]
    days = after.assign(day=after["ts"].dt.floor("D")).groupby("person")["day"].nunique()
    revenue = after.groupby("person")["usd"].sum()

    table = profiles.table
    scored = table[table["churn_risk"].notna()]
    churned = ~scored.index.isin(days.index)
    auc = roc_auc_score(churned, scored["churn_risk"])
    recency = scored["recency_days"].fillna(scored["tenure_days"].astype(float))
    auc_base = roc_auc_score(churned, recency.fillna(recency.max()))

    buyers = table[table["frequency"] > 0]
    actual = days.reindex(buyers.index).fillna(0)
    predicted = buyers["expected_purchases"]
    first = buyers["first"]
    weeks = ((pd.Timestamp(as_of, tz="UTC") - first).dt.days / 7.0).clip(lower=1)
    naive = buyers["frequency"] / weeks * (args.horizon_days / 7.0)
    rmse = float(np.sqrt(np.mean((predicted - actual) ** 2)))
    rmse_base = float(np.sqrt(np.mean((naive - actual) ** 2)))

    def capture(score: pd.Series) -> float:
        ranked = score.fillna(0.0).sort_values(ascending=False, kind="stable")
        top = ranked.index[: len(ranked) // 5]
        return float(revenue.reindex(top).fillna(0).sum() / revenue.sum())

    window = int(profiles.counts["churn_label_days"]) or args.horizon_days
    seen = lines[lines["ts"] < start]
    if args.history_days:
        seen = seen[seen["ts"] >= start - pd.Timedelta(days=args.history_days)]
    rfm_risk = _rfm_logistic(seen, pd.Timestamp(as_of, tz="UTC") + pd.Timedelta(days=1), window)
    bought = set(days.index)
    on = buyers.index
    y = ~on.isin(list(bought))
    auc_buyers = roc_auc_score(y, buyers["churn_risk"].fillna(1.0))
    auc_rfm = roc_auc_score(y, rfm_risk.reindex(on).fillna(rfm_risk.max()))
    touches_file = full / "touchpoints.csv"
    behaviour_lift = None
    if args.inputs == "all" and touches_file.exists():
        # what touch behaviour up to each date would add to the same textbook model
        touches = pd.read_csv(touches_file, dtype=str, usecols=[0, 1, 3, 5])
        touches["ts"] = pd.to_datetime(touches["occurred_at"], utc=True, format="ISO8601")
        touches["n"] = touches["count"].astype(float)
        touches["person"] = (touches["source"] + ":" + touches["source_customer_id"]).map(person)
        end = pd.Timestamp(as_of, tz="UTC") + pd.Timedelta(days=1)
        with_touches = _rfm_logistic(seen, end, window, touches.dropna(subset=["person"]))
        auc_touch = roc_auc_score(y, with_touches.reindex(on).fillna(with_touches.max()))
        behaviour_lift = (auc_touch, auc_touch - auc_rfm)
    print(
        f"persons {len(table):,} (buyers {len(buyers):,}); as of {as_of}; horizon "
        f"{args.horizon_days} days; inputs {args.inputs}; history "
        f"{args.history_days or 'all'} days; churn window {window} days"
    )
    print(
        f"churn AUC {auc:.3f} (baseline recency only {auc_base:.3f}); "
        f"cross-validated in-job {profiles.counts.get('churn_cv_auc', float('nan')):.3f}; "
        f"{profiles.counts['churn_method']}"
    )
    print(
        f"churn AUC on buyers {auc_buyers:.3f} vs logistic regression on RFM alone "
        f"{auc_rfm:.3f} (lift of the other features {auc_buyers - auc_rfm:+.3f})"
    )
    if behaviour_lift is not None:
        print(
            f"churn AUC on buyers of the same logistic regression on RFM plus touch "
            f"behaviour (touches in the last 30 and 90 days, days since the last touch) "
            f"{behaviour_lift[0]:.3f} (lift of behaviour over RFM {behaviour_lift[1]:+.3f})"
        )
    print(
        f"purchases predicted {predicted.sum():,.0f} vs actual {actual.sum():,.0f} "
        f"({predicted.sum() / max(actual.sum(), 1) - 1:+.1%}); RMSE {rmse:.3f} "
        f"(baseline past rate {rmse_base:.3f}, ratio {rmse / rmse_base:.2f})"
    )
    print(
        f"top 20% by predicted value capture {capture(table['predicted_clv']):.1%} of holdout "
        f"revenue (baseline past spend {capture(table['monetary']):.1%})"
    )
    print(
        f"profile job {seconds:.1f}s ({seconds / len(table) * 100_000:.1f}s per 100k persons); "
        f"steps {timings}; peak RSS up to the end of the job {rss:,.0f} MiB"
    )


def _inputs(full: Path, data: Path, inputs: str, as_of: date, history_days: int | None) -> Path:
    """The files the job loads: all kinds, or customers and purchases only; orders limited
    to ``history_days`` before the as-of date (later orders stay: the job must not read them).
    """
    data.mkdir()
    kinds = ("customers", "purchases") if inputs == "orders" else None
    for path in full.glob("*.csv"):
        if kinds is None or path.stem in kinds:
            shutil.copy(path, data / path.name)
    lines = pd.read_csv(data / "purchases.csv", dtype=str)
    if inputs == "orders":
        lines = lines.drop(columns=["channel_id"])
    if history_days:
        at = pd.to_datetime(lines["purchased_at"], utc=True, format="ISO8601")
        first = pd.Timestamp(as_of, tz="UTC") + pd.Timedelta(days=1 - history_days)
        lines = lines[at >= first]
    lines.to_csv(data / "purchases.csv", index=False)
    return data


def _rfm_logistic(
    lines: pd.DataFrame, end: pd.Timestamp, window: int, touches: pd.DataFrame | None = None
) -> pd.Series:
    """The textbook churn model: logistic regression on recency, frequency and monetary as
    of ``end - window``, labelled by no purchase in the following ``window`` days, scored on
    RFM as of ``end`` (persons by the job's identity; bench-side, from the files). With
    ``touches`` (``person, ts, n``), touch behaviour up to each date joins the features."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    lines = lines.dropna(subset=["person"])

    def rfm(at: pd.Timestamp) -> pd.DataFrame:
        past = lines[lines["ts"] < at]
        g = past.groupby("person")
        frame = pd.DataFrame(
            {
                "recency": (at - g["ts"].max()).dt.days,
                "frequency": g["ts"].apply(lambda t: t.dt.floor("D").nunique()),
                "monetary": np.log1p(g["usd"].sum().clip(lower=0)),
            }
        )
        if touches is not None:
            before = touches[touches["ts"] < at]
            for days in (30, 90):
                recent = before[before["ts"] >= at - pd.Timedelta(days=days)]
                counts = recent.groupby("person")["n"].sum()
                frame[f"touches_{days}d"] = np.log1p(counts.reindex(frame.index).fillna(0.0))
            last = before.groupby("person")["ts"].max().reindex(frame.index)
            frame["days_since_touch"] = ((at - last).dt.days).fillna(10_000).clip(upper=10_000)
        return frame

    trained = end - pd.Timedelta(days=window)
    features = rfm(trained)
    bought = set(lines.loc[lines["ts"] >= trained, "person"])
    y = ~features.index.isin(list(bought))
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(features, y)
    now = rfm(end)
    return pd.Series(model.predict_proba(now)[:, 1], index=now.index)


if __name__ == "__main__":
    main()
