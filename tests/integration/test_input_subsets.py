"""Every subset of the input kinds gives a full run, on both stores: customers and purchases
only (a plain order log), plus touchpoints, plus links, everything. Jobs with nothing to do
say so; profiles compute every part their inputs allow and record what they left out. A
short history still gives value and churn (learned on the longest window that fits)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from graph.errors import JobError
from graph.profiles import ProfileParams, run_profiles
from graph.profiles.document import profile_document
from graph.store import SqliteStore, Store
from synthetic import GenerateParams, generate_dataset
from tests import pipeline

SUBSETS = {
    "orders only": ("customers", "purchases"),
    "with touchpoints": ("customers", "purchases", "channels", "touchpoints"),
    "with links": ("customers", "purchases", "referrals", "social_links"),
    "everything": (
        "customers",
        "purchases",
        "channels",
        "touchpoints",
        "referrals",
        "social_links",
    ),
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("subsets") / "data"
    generate_dataset(data, GenerateParams(customers=1200, seed=33))
    return data


def subset(generated: Path, kinds: tuple[str, ...], folder: Path) -> Path:
    folder.mkdir()
    for kind in kinds:
        shutil.copy(generated / f"{kind}.csv", folder)
    return folder


def last_run(store: Store, job: str) -> dict[str, object]:
    row = next(r for r in store.read("status/last_runs") if r["job"] == job)
    assert row["status"] == "ok"
    counts: dict[str, object] = json.loads(row["counts"])
    return counts


@pytest.mark.parametrize("name", list(SUBSETS))
def test_every_subset_of_inputs_runs_to_the_end_and_says_what_it_left_out(
    store: Store, generated: Path, tmp_path: Path, name: str
) -> None:
    kinds = SUBSETS[name]
    pipeline.analyze(store, subset(generated, kinds, tmp_path / "in"), tmp_path / "rej")
    links = "referrals" in kinds
    touches = "touchpoints" in kinds

    influence, communities = last_run(store, "influence"), last_run(store, "communities")
    assert ("skipped" in influence) is not links
    assert ("skipped" in communities) is not links
    assert bool(store.read("influence/influencers")) is links
    assert bool(store.read("influence/memberships")) is links

    counts = last_run(store, "profiles")
    left_out = str(counts.get("left_out", ""))
    assert ("no touchpoints" in left_out) is not touches
    assert ("no links between persons" in left_out) is not links
    profiles = store.frame("profiles/export")
    buyers = profiles[profiles["frequency"] > 0]
    assert len(buyers) > 300
    for column in ("rfm_score", "expected_purchases", "predicted_clv", "churn_risk", "segment"):
        assert buyers[column].notna().all(), column
    assert bool(profiles["community_id"].notna().any()) is links
    assert bool(profiles["influence_rank"].notna().any()) is links

    person = str(buyers.iloc[0]["person_id"])
    document = profile_document(store, person)
    obtained = document["value"]["obtained"]
    assert obtained["churnLabelDays"] == 90
    assert str(obtained["churn"]).startswith("logistic regression learned on a 90-day window")
    assert ("channel mix and touchpoint features (no touchpoints)" in obtained["leftOut"]) is (
        not touches
    )
    assert (document["graph"]["influence"] is not None) is links


def test_an_order_line_with_an_unknown_channel_loads_without_it(
    store: Store, generated: Path, tmp_path: Path
) -> None:
    from loaders import load_files

    folder = subset(generated, ("customers", "purchases"), tmp_path / "in")
    report = load_files(store, [folder], rejects_dir=tmp_path / "rej")
    purchases = next(f for f in report.files if f.kind == "purchases")
    lines = len(pd.read_csv(folder / "purchases.csv"))
    assert (purchases.rows_loaded, purchases.rows_rejected) == (lines, 0)
    assert purchases.rows_warned == lines  # every line named a channel no file defines
    counts = {r["name"]: r["count"] for r in store.read("status/counts")}
    assert counts["Order"] == pd.read_csv(folder / "purchases.csv")["order_id"].nunique()
    assert counts["VIA"] == 0


# A plain order log of 39 weeks before the as-of date, and the 39 weeks after it unseen.
AS_OF = date(2025, 9, 30)
WEEKS_39 = 273


@pytest.fixture(scope="module")
def short_log(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(folder to load: customers and the orders of the 39 weeks up to and after AS_OF,
    the full purchase file for the truth)."""
    folder = tmp_path_factory.mktemp("short") / "in"
    folder.mkdir()
    shutil.copy(generated / "customers.csv", folder)
    lines = pd.read_csv(generated / "purchases.csv", dtype=str)
    at = pd.to_datetime(lines["purchased_at"], utc=True, format="ISO8601")
    start = pd.Timestamp(AS_OF, tz="UTC") - pd.Timedelta(days=WEEKS_39)
    lines[at > start].drop(columns=["channel_id"]).to_csv(folder / "purchases.csv", index=False)
    return folder, generated / "purchases.csv"


def churned_in_holdout(store: Store, purchases: Path, days: int) -> pd.Series:
    """Per person with a purchase by AS_OF: True when they bought nothing in the ``days``
    after it (from the generated files, which the job never reads past AS_OF)."""
    ids = store.frame("identity/export")
    person = dict(
        zip(ids["source"] + ":" + ids["source_customer_id"], ids["person_id"], strict=True)
    )
    lines = pd.read_csv(purchases, dtype=str)
    at = pd.to_datetime(lines["purchased_at"], utc=True, format="ISO8601")
    start = pd.Timestamp(AS_OF, tz="UTC") + pd.Timedelta(days=1)
    later = lines[(at >= start) & (at < start + pd.Timedelta(days=days))]
    bought = set((later["source"] + ":" + later["source_customer_id"]).map(person))
    profiles = store.frame("profiles/export")
    buyers = profiles[profiles["frequency"] > 0].set_index("person_id")
    return pd.Series(~buyers.index.isin(list(bought)), index=buyers.index)


def test_a_short_history_learns_churn_on_the_longest_window_that_fits(
    short_log: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, truth = short_log
    store = SqliteStore(tmp_path / "s.db")
    store.ensure_schema()
    pipeline.analyze(store, folder, tmp_path / "rej", profiles=False)
    profiles = run_profiles(store, ProfileParams(as_of=AS_OF, horizon_days=WEEKS_39))
    counts = profiles.counts
    assert counts["churn_label_days"] == WEEKS_39 // 2  # half the 39 weeks of history
    assert "carried to 273 days" in str(counts["churn_method"])
    table = profiles.table
    buyers = table[table["frequency"] > 0]
    assert buyers[["rfm_score", "predicted_clv", "churn_risk"]].notna().all().all()

    churned = churned_in_holdout(store, truth, WEEKS_39)
    risk = buyers["churn_risk"].reindex(churned.index)
    assert roc_auc_score(churned, risk) > 0.65  # on the 39 weeks it never saw

    # The same model over its own 136-day window, not carried: carrying to a longer
    # horizon never raises a risk, and lowers it for the buyers BG/NBD expects back.
    window = run_profiles(store, ProfileParams(as_of=AS_OF, horizon_days=WEEKS_39 // 2))
    assert window.counts["churn_label_days"] == WEEKS_39 // 2
    assert "carried" not in str(window.counts["churn_method"])
    uncarried = window.table["churn_risk"].reindex(churned.index)
    assert (risk <= uncarried + 1e-9).all()
    assert (risk < uncarried).mean() > 0.5


def test_without_two_weeks_of_history_churn_falls_back_to_bgnbd_and_says_so(
    generated: Path, tmp_path: Path
) -> None:
    folder = subset(generated, ("customers",), tmp_path / "in")
    customers = pd.read_csv(folder / "customers.csv", dtype=str).head(80)
    rng = np.random.default_rng(4)
    end = pd.Timestamp(AS_OF, tz="UTC") + pd.Timedelta(hours=20)
    lines = [
        (f"o{i}-{k}", c.source, c.source_customer_id, end - pd.Timedelta(hours=h), 10.0 + k)
        for i, c in enumerate(customers.itertuples())
        for k, h in enumerate(rng.uniform(0, 24 * 12, rng.integers(1, 4)))
    ]
    pd.DataFrame(
        lines, columns=["order_id", "source", "source_customer_id", "purchased_at", "amount"]
    ).assign(purchased_at=lambda f: f["purchased_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")).to_csv(
        folder / "purchases.csv", index=False
    )
    store = SqliteStore(tmp_path / "s.db")
    store.ensure_schema()
    pipeline.analyze(store, folder, tmp_path / "rej", profiles=False)
    profiles = run_profiles(store, ProfileParams(as_of=AS_OF, horizon_days=90))
    assert profiles.counts["churn_label_days"] == 0
    assert str(profiles.counts["churn_method"]).startswith("BG/NBD probability of no purchase")
    buyers = profiles.table[profiles.table["frequency"] > 0]
    assert len(buyers) > 50
    assert buyers["churn_risk"].between(0, 1).all()
    assert buyers[["rfm_score", "predicted_clv"]].notna().all().all()
    with pytest.raises(JobError, match="no purchases up to the as-of date"):
        run_profiles(store, ProfileParams(as_of=date(2020, 1, 1)))
