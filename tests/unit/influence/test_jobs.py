"""The influence and community jobs on generated data: quality against planted truth,
determinism, stable ids, exports; and the same answers on Neo4j."""

from __future__ import annotations

import collections
import csv
import json
import os
import shutil
import signal
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import normalized_mutual_info_score

from graph.identity import IdentityParams
from graph.identity.job import run_identity
from graph.influence import CommunityParams, InfluenceParams, run_communities, run_influence
from graph.influence.algorithms import detect_communities
from graph.influence.job import project
from graph.model import until
from graph.pipeline import JobsParams, run_jobs
from graph.store import SqliteStore, Store
from loaders import load_files
from synthetic import GenerateParams, generate_dataset, planted_communities


def prepare(store: Store, data: Path, rejects: Path) -> None:
    load_files(store, [data], rejects_dir=rejects)
    run_identity(store, IdentityParams(random_pairs=50_000))


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory: pytest.TempPathFactory) -> tuple[SqliteStore, Path]:
    tmp = tmp_path_factory.mktemp("influence")
    generate_dataset(tmp / "data", GenerateParams(customers=4000, seed=13, mixing=0.3))
    store = SqliteStore(tmp / "g.db")
    store.ensure_schema()
    prepare(store, tmp / "data", tmp / "rej")
    run_influence(store, InfluenceParams())
    run_communities(store, CommunityParams())
    return store, tmp / "data"


def planted(data: Path, store: Store) -> dict[str, str]:
    """Each resolved person's planted community (through its records' true person)."""
    frame = store.frame("identity/export")
    return planted_communities(
        data,
        (
            (f"{source}:{sid}", person)
            for source, sid, person in zip(
                frame.source, frame.source_customer_id, frame.person_id, strict=True
            )
        ),
    )


def test_communities_recover_the_planted_ones(analyzed: tuple[SqliteStore, Path]) -> None:
    store, data = analyzed
    truth = planted(data, store)
    found = {r["person_id"]: r["community_id"] for r in store.read("influence/communities")}
    people = sorted(found)
    nmi = normalized_mutual_info_score([truth[p] for p in people], [found[p] for p in people])
    assert nmi >= 0.9, nmi
    run = {r["job"]: r for r in store.read("status/last_runs")}["communities"]
    assert json.loads(run["counts"])["resolution"] == 1.0  # ~61k of link weight: below the scale


def test_planted_influencers_rank_high(analyzed: tuple[SqliteStore, Path]) -> None:
    store, data = analyzed
    with (data / "truth" / "influencers.csv").open(encoding="utf-8") as handle:
        planted_top = {r["person_id"] for r in csv.DictReader(handle)}
    truth_person = {}
    frame = store.frame("identity/export")
    with (data / "truth" / "records.csv").open(encoding="utf-8") as handle:
        record = {
            f"{r['source']}:{r['source_customer_id']}": r["person_id"]
            for r in csv.DictReader(handle)
        }
    for source, sid, person in zip(
        frame.source, frame.source_customer_id, frame.person_id, strict=True
    ):
        truth_person[person] = record[f"{source}:{sid}"]
    ranked = store.read("influence/influencers")
    top = {truth_person[r["person_id"]] for r in ranked[: max(len(ranked) // 20, 1)]}
    assert len(planted_top & top) >= 0.6 * len(planted_top)


def test_same_data_and_seed_give_the_same_ranking_and_ids(
    analyzed: tuple[SqliteStore, Path],
) -> None:
    store, _ = analyzed
    before_rank = [r["person_id"] for r in store.read("influence/influencers")]
    before_comm = store.read("influence/communities")
    run_influence(store, InfluenceParams())
    run_communities(store, CommunityParams())
    assert [r["person_id"] for r in store.read("influence/influencers")] == before_rank
    assert store.read("influence/communities") == before_comm


def test_community_summaries_add_up(analyzed: tuple[SqliteStore, Path]) -> None:
    store, _ = analyzed
    import sqlite3

    rows = (
        sqlite3.connect(store.path)
        .execute(
            "SELECT communityId, size, density, churnRate, dominantChannel, topInfluencers "
            "FROM community"
        )
        .fetchall()
    )
    members = collections.Counter(r["community_id"] for r in store.read("influence/communities"))
    assert {r[0]: r[1] for r in rows} == dict(members)
    for _, size, density, churn, channel, top in rows:
        assert 0.0 <= density <= 1.0
        assert 0.0 <= churn <= 1.0
        assert channel is not None
        assert 1 <= len(top.split(";")) <= min(5, size)
    # the dominant channel: most touches of the community's persons (ties by channel id)
    touches = store.frame("influence/person_channels", until=until(None)).merge(
        store.frame("influence/communities"), left_on="personId", right_on="person_id"
    )
    sums = touches.groupby(["community_id", "channelId"], as_index=False)["touches"].sum()
    top_first = sums.sort_values(["touches", "channelId"], ascending=[False, True])
    expected = top_first.drop_duplicates("community_id").set_index("community_id")["channelId"]
    assert {r[0]: r[4] for r in rows} == expected.to_dict()


@pytest.mark.neo4j
def test_both_stores_rank_and_group_alike(
    sqlite_store: Store, neo4j_store: Store, tmp_path: Path
) -> None:
    generate_dataset(tmp_path / "data", GenerateParams(customers=1200, seed=9))
    answers = []
    for store in (sqlite_store, neo4j_store):
        prepare(store, tmp_path / "data", tmp_path / "rej")
        run_influence(store, InfluenceParams())
        run_communities(store, CommunityParams())
        # the report's ranking: what each person's records say about consent, and whether
        # one of them referred another of them (the report leaves those persons out)
        ranking = store.frame("reports/ranking")
        activity = store.frame("influence/person_activity", until=until(None))
        answers.append(
            (
                [
                    (r["person_id"], r["rank"], r["community_id"])
                    for r in store.read("influence/influencers")
                ],
                store.read("influence/communities"),
                [
                    (r.person_id, int(r.consent_yes), int(r.consent_no), bool(r.self_referral))
                    for r in ranking.itertuples()
                ],
                # what each person bought: revenue and last purchase (the ranking's input)
                [
                    (
                        r.personId,
                        round(float(r.revenue), 6),
                        None if pd.isna(r.lastPurchase) else str(r.lastPurchase),
                    )
                    for r in activity.itertuples()
                ],
            )
        )
    assert answers[0] == answers[1]
    flags = [flag for *_, flag in answers[1][2]]
    assert 0 < sum(flags) < len(flags)  # persons with and without a self-referral
    bought = [last for *_, last in answers[1][3]]
    assert bought.count(None) not in (0, len(bought))  # persons who bought and who did not


def test_analyze_all_runs_leiden_ahead_with_the_same_answers(
    analyzed: tuple[SqliteStore, Path], tmp_path: Path
) -> None:
    """`analyze all` starts Leiden in a worker process while influence runs; the answers are
    those of the two jobs run one after the other (the fixture's)."""
    store, _ = analyzed
    copy = SqliteStore(tmp_path / "copy.db")
    shutil.copyfile(store.path, copy.path)
    copy.write("influence/clear_communities")  # no earlier ids to keep: the same as the fixture's
    run_jobs(copy, JobsParams(jobs=("influence", "communities")))
    runs = {r["job"]: json.loads(r["counts"]) for r in copy.read("status/last_runs")}
    assert runs["communities"]["leiden_in_worker"] == 1
    fixture_runs = {r["job"]: json.loads(r["counts"]) for r in store.read("status/last_runs")}
    assert fixture_runs["communities"]["leiden_in_worker"] == 0
    assert copy.read("influence/communities") == store.read("influence/communities")
    ranked = [copy.read("influence/influencers"), store.read("influence/influencers")]
    assert [[(r["person_id"], r["rank"], r["score"]) for r in rows] for rows in ranked] == [
        [(r["person_id"], r["rank"], r["score"]) for r in ranked[1]]
    ] * 2


def test_a_lost_worker_is_replaced_by_computing_here(analyzed: tuple[SqliteStore, Path]) -> None:
    store, _ = analyzed
    projection = project(store)
    params = projection.resolved(CommunityParams())
    expected = detect_communities(projection.graph, params, projection.undirected())
    projection.start_communities(CommunityParams())
    assert projection.early is not None
    assert projection.early.pid is not None
    os.kill(projection.early.pid, signal.SIGKILL)
    labels, modularity, ahead = projection.communities(params)
    assert not ahead
    assert labels.tolist() == expected[0].tolist()
    assert modularity == expected[1]


def test_a_failed_influence_job_ends_the_worker(
    analyzed: tuple[SqliteStore, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = analyzed
    projection = project(store)
    started: list[int] = []

    def fail(*args: object, **kwargs: object) -> None:
        assert projection.early is not None
        assert projection.early.pid is not None
        started.append(projection.early.pid)
        raise RuntimeError("influence failed")

    monkeypatch.setattr("graph.influence.job.compute_influence", fail)
    with pytest.raises(RuntimeError, match="influence failed"):
        run_influence(store, InfluenceParams(), projection, communities=CommunityParams())
    assert projection.early is None
    with pytest.raises(ProcessLookupError):  # ended and reaped, not left computing
        os.kill(started[0], 0)
