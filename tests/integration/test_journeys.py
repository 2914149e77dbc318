"""The journeys job end to end on generated data with planted channel effects: touchpoints
kept as events (exactly once), attribution against the planted shares (which the job never
reads), erasure, the CLI; and the same journeys on Neo4j as on the
embedded store."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from graph.journeys.job import STAGES, JourneyParams, person_journey, run_journeys
from graph.pipeline import JobsParams, run_jobs
from graph.privacy import erase_record
from graph.profiles.document import profile_document
from graph.store import SqliteStore, Store
from loaders import load_files
from synthetic import GenerateParams, generate_dataset
from tests import pipeline


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("journeys") / "data"
    generate_dataset(data, GenerateParams(customers=4000, seed=23))
    return data


def _analyze(store: Store, data: Path, rejects: Path) -> None:
    load_files(store, [data], rejects_dir=rejects)
    run_jobs(store, JobsParams(jobs=("identity",)))


@pytest.fixture(scope="module")
def traced(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> SqliteStore:
    tmp = tmp_path_factory.mktemp("traced")
    store = SqliteStore(tmp / "j.db")
    store.ensure_schema()
    _analyze(store, generated, tmp / "rej")
    run_journeys(store, JourneyParams())
    return store


def _count(store: Store, name: str) -> int:
    rows = store.read("status/counts")
    return int(next(r["count"] for r in rows if r["name"] == name))


def _events(store: Store) -> int:
    return len(store.frame("journeys/touches", until="9999-12-31T23:59:59Z"))


def test_every_touchpoint_row_is_kept_as_one_event_and_a_reload_adds_none(
    store: Store, generated: Path, tmp_path: Path
) -> None:
    _analyze(store, generated, tmp_path / "rej")
    rows = len(pd.read_csv(generated / "touchpoints.csv"))
    assert _events(store) == rows
    load_files(store, [generated / "touchpoints.csv"], rejects_dir=tmp_path / "rej2")
    assert _events(store) == rows
    # the aggregate the loader maintains per batch is exactly the events summed
    kept = store.frame("profiles/touches", until="9999-12-31T23:59:59Z")
    # knock one pair's aggregate off; summing the events again must put it right
    one = pd.read_csv(generated / "touchpoints.csv", dtype=str).iloc[0]
    uid, at = f"{one['source']}:{one['source_customer_id']}", "2020-01-01T00:00:00Z"
    off = {"uid": uid, "channelId": one["channel_id"], "count": 1000, "firstAt": at, "lastAt": at}
    store.write("support/add_touches", rows=[off])
    assert not kept.equals(store.frame("profiles/touches", until="9999-12-31T23:59:59Z"))
    store.write("support/derive_touched")
    derived = store.frame("profiles/touches", until="9999-12-31T23:59:59Z")
    order = ["personId", "channelId"]
    assert len(kept) > 0
    pd.testing.assert_frame_equal(
        kept.sort_values(order, ignore_index=True), derived.sort_values(order, ignore_index=True)
    )


def test_shapley_recovers_the_planted_shares_where_last_touch_over_credits_the_closer(
    traced: SqliteStore, generated: Path
) -> None:
    truth = pd.read_csv(generated / "truth" / "channel_effects.csv").set_index("channel_id")
    credits = traced.frame("journeys/attribution", model=None)
    share = credits.pivot(index="channel_id", columns="model", values="share")
    share = share.reindex(truth.index).fillna(0.0)
    shapley_err = (share["shapley"] - truth["planted_share"]).abs()
    last_err = (share["last_touch"] - truth["planted_share"]).abs()
    assert shapley_err.max() <= 0.05
    assert shapley_err.sum() < last_err.sum()
    # email has no effect but comes last: last touch gives it far more than planted
    assert share.loc["email", "last_touch"] > truth.loc["email", "planted_share"] + 0.2
    assert share.loc["email", "shapley"] < truth.loc["email", "planted_share"] + 0.05
    # every model credits all conversions that had a touch
    totals = credits.groupby("model")["conversions"].sum()
    assert totals.max() - totals.min() < 1e-3


def test_paths_count_the_journeys_and_the_behaviour_joins_the_profile(
    traced: SqliteStore,
) -> None:
    paths = traced.frame("journeys/paths")
    runs = traced.read("status/last_runs")
    counts = next(r for r in runs if r["job"] == "journeys")["counts"]
    assert '"paths": ' + str(len(paths)) in counts
    assert (paths["conversions"] <= paths["journeys"]).all()
    assert paths["journeys"].is_monotonic_decreasing
    person = pipeline.touched_persons(traced)[-1]  # a person with a touchpoint has a journey
    doc = profile_document(traced, person)
    stored = traced.read("journeys/behaviour", personId=person)
    assert len(stored) == 1
    assert doc["behaviour"]["stage"] == stored[0]["stage"] in STAGES
    assert doc["behaviour"]["journeys"] >= 1
    assert doc["behaviour"]["run"].startswith("journeys-")


def test_a_person_with_journeys_sees_them_with_their_touchpoints_in_time_order(
    traced: SqliteStore,
) -> None:
    ids = traced.frame("identity/export")
    person = pipeline.touched_persons(traced)[0]  # the most touched person
    got = person_journey(traced, person)
    assert len(got["journeys"]) >= 2
    for journey in got["journeys"]:
        times = [t["at"] for t in journey["touchpoints"]]
        assert times == sorted(times)
        channels = [t["channelId"] for t in journey["touchpoints"]]
        collapsed = [c for i, c in enumerate(channels) if i == 0 or channels[i - 1] != c]
        assert journey["path"] == " > ".join(collapsed)
    uids = {t["uid"] for j in got["journeys"] for t in j["touchpoints"]}
    mine = ids[ids["person_id"] == person]
    assert uids <= set(mine["source"] + ":" + mine["source_customer_id"])


def test_erasure_removes_the_events_and_the_behaviour_and_a_running_job_cannot_write_it_back(
    store: Store, generated: Path, tmp_path: Path
) -> None:
    _analyze(store, generated, tmp_path / "rej")
    started = "2000-01-01T00:00:00Z"  # a job that started before the erasure
    first = run_journeys(store, JourneyParams())
    again = run_journeys(store, JourneyParams())  # a second run replaces the first's results
    assert again.counts == first.counts
    assert len(store.frame("journeys/attribution", model=None)) == len(first.attribution)
    person = pipeline.touched_persons(store)[0]
    uid = person_journey(store, person)["journeys"][0]["touchpoints"][0]["uid"]
    before = _events(store)
    erase_record(store, uid, by="test")
    assert _events(store) < before
    assert not store.read("journeys/behaviour", personId=person)
    late = {
        "personId": person,
        "journeys": 1,
        "conversions": 1,
        "touchesBeforeFirstPurchase": 1,
        "daysBeforeFirstPurchase": 1.0,
        "lastChannelBeforeConversion": "web",
        "topChannelBeforeConversion": "web",
        "stage": "converted",
        "run": "journeys-late",
    }
    store.write("journeys/write_behaviour", [late], since=started)
    assert not store.read("journeys/behaviour", personId=person)


@pytest.mark.neo4j
def test_neo4j_gives_the_same_journeys_paths_and_attribution(
    neo4j_store: Store, traced: SqliteStore, generated: Path, tmp_path: Path
) -> None:
    _analyze(neo4j_store, generated, tmp_path / "rej")
    # the same persons: identity is identical on both stores (tested elsewhere)
    run_journeys(neo4j_store, JourneyParams())

    def frames(store: Store) -> list[pd.DataFrame]:
        paths = store.frame("journeys/paths").drop(columns=["run"])
        credits = store.frame("journeys/attribution", model=None).drop(columns=["run"])
        moves = store.frame("journeys/transitions")
        return [
            f.sort_values(list(f.columns[:2])).reset_index(drop=True)
            for f in (paths, credits, moves)
        ]

    for a, b in zip(frames(traced), frames(neo4j_store), strict=True):
        pd.testing.assert_frame_equal(a, b, check_dtype=False, atol=1e-6)
    persons = pd.Series(pipeline.touched_persons(traced))

    def behaviour(store: Store, person: str) -> list[dict[str, object]]:
        rows = store.read("journeys/behaviour", personId=person)
        return [{k: v for k, v in r.items() if k not in ("run", "computedAt")} for r in rows]

    for person in persons.drop_duplicates().head(40):
        assert behaviour(neo4j_store, person) == behaviour(traced, person) != []


def test_the_cli_runs_journeys_and_exports_paths_and_attribution(
    generated: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "c.db")
    assert pipeline.custgraph("--db", db, "load", str(generated)).returncode == 0
    assert pipeline.custgraph("--db", db, "analyze", "identity").returncode == 0
    done = pipeline.custgraph("--db", db, "analyze", "journeys", "--lookback-days", "14")
    assert done.returncode == 0, done.stderr
    assert "journeys:" in done.stdout
    assert "shapley" in done.stdout
    for what, columns in (
        ("paths", ["path", "journeys", "conversions", "conversion_rate", "median_days_to_convert"]),
        ("attribution", ["model", "channel_id", "conversions", "revenue", "share"]),
    ):
        out = tmp_path / f"{what}.csv"
        done = pipeline.custgraph("--db", db, "export", what, str(out))
        assert done.returncode == 0, done.stderr
        assert pd.read_csv(out).columns.tolist() == columns
    store = SqliteStore(Path(db))
    run = next(r for r in store.read("status/last_runs") if r["job"] == "journeys")
    assert '"lookback_days": 14' in store.read("support/job_run", runId=run["runId"])[0]["params"]
