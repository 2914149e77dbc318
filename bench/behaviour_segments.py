"""Touch behaviour as segment features: do segments say more about what happens next?

Run:  python bench/behaviour_segments.py --workdir DIR [--k K]

``DIR`` is a folder ``bench/profiles.py --workdir DIR`` prepared (generated data with its
truth, a store with identity, influence and communities). As of the same date, the profile
job's own inputs make two segmentations with the product's k-means (k by silhouette, the
same seed; ``--k`` fixes k for both): the value features the product uses (spend, orders,
recency, predicted value, churn risk, tenure, influence), and the same plus touch behaviour
(touches in the last 30 and 90 days, days since the last touch). Each is scored against
the 90 days after the date, which the job never reads: the share of the variance of what
persons did that the segments explain (eta squared: between-segment over total), for
whether they bought and for their revenue, and the spread of the purchase rate between the
best and the worst segment. Prints both and the difference (the lift).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.profiles import ProfileParams, job, load_rules  # noqa: E402
from graph.profiles.segments import segment  # noqa: E402
from graph.store import SqliteStore  # noqa: E402

BEHAVIOUR = ["touches_30d", "touches_90d", "days_since_touch"]


def eta_squared(labels: np.ndarray, values: np.ndarray) -> float:
    """Between-group sum of squares over the total: the share of variance the groups hold.

    >>> round(eta_squared(np.array(["a", "a", "b", "b"]), np.array([0.0, 0.0, 1.0, 1.0])), 3)
    1.0
    """
    frame = pd.DataFrame({"g": labels, "v": values})
    total = float(((frame["v"] - frame["v"].mean()) ** 2).sum())
    means = frame.groupby("g")["v"].transform("mean")
    between = float(((means - frame["v"].mean()) ** 2).sum())
    return between / total if total else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--as-of", default="2026-03-31")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--k", type=int, default=None, help="segments (default: silhouette)")
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)
    rules = load_rules()
    params = ProfileParams(as_of=as_of, seed=args.seed)
    store = SqliteStore(args.workdir / "p.db")
    data = job.project(store, params)
    names = job.person_names(data)
    coded = job.coded_inputs(data, names)
    orders, plan = job.plan_for(coded, rules, params.horizon_days)
    parts = job.person_parts(coded, plan, rules, orders=orders)
    persons = pd.RangeIndex(len(names), name="personId")
    profiles = job.population_profiles(parts, job.shared_inputs(coded), plan, params, rules,
                                   persons=persons)  # fmt: skip
    table = profiles.table
    value = job.segment_features(table, with_influence=True)
    behaviour = parts.now[BEHAVIOUR].reindex(persons)
    with_behaviour = value.join(behaviour)

    # the truth: what each resolved person did in the 90 days after the date
    ids = store.frame("identity/export")
    person = dict(zip(ids["source"] + ":" + ids["source_customer_id"], ids["person_id"],
                      strict=True))  # fmt: skip
    lines = pd.read_csv(args.workdir / "generated" / "purchases.csv", dtype=str)
    lines["ts"] = pd.to_datetime(lines["purchased_at"], utc=True, format="ISO8601")
    lines["usd"] = lines["amount"].astype(float) * lines["currency"].map(rules.rate)
    lines["person"] = (lines["source"] + ":" + lines["source_customer_id"]).map(person)
    start = pd.Timestamp(as_of, tz="UTC") + pd.Timedelta(days=1)
    after = lines[(lines["ts"] >= start) & (lines["ts"] < start + pd.Timedelta(days=90))]
    code = pd.Series(np.arange(len(names)), index=names)
    revenue = after.groupby("person")["usd"].sum()
    revenue.index = code.reindex(revenue.index).to_numpy()
    revenue = revenue[revenue.index.notna()].groupby(level=0).sum()
    spent = revenue.reindex(persons, fill_value=0.0).to_numpy(dtype=float)
    bought = (spent > 0).astype(float)

    print(f"{len(persons):,} persons; {int(bought.sum()):,} bought in the 90 days after {as_of}")
    results = {}
    for name, features in (("value features", value), ("value + behaviour", with_behaviour)):
        seg = segment(features, seed=args.seed, k=args.k)
        labels = np.asarray(seg.labels)
        rates = pd.Series(bought).groupby(labels).mean()
        results[name] = (
            eta_squared(labels, bought),
            eta_squared(labels, spent),
            float(rates.max() - rates.min()),
        )
        print(
            f"  {name:>18}: k={seg.k} (silhouette {seg.silhouette:.3f}); eta² bought "
            f"{results[name][0]:.4f}, revenue {results[name][1]:.4f}; purchase rate by "
            f"segment {rates.min():.3f}..{rates.max():.3f}"
        )
    base, more = results["value features"], results["value + behaviour"]
    print(
        f"  lift from behaviour: eta² bought {more[0] - base[0]:+.4f}, revenue "
        f"{more[1] - base[1]:+.4f}; rate spread {more[2] - base[2]:+.3f}"
    )


if __name__ == "__main__":
    main()
