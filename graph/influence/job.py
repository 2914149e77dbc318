"""Influence and community runners: project the person graph, compute, write back, record.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.store import SqliteStore
>>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "x.db"); store.ensure_schema()
>>> run_influence(store, InfluenceParams())
Traceback (most recent call last):
...
graph.errors.JobError: no persons to rank; run `custgraph analyze identity` first
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from graph.errors import JobError
from graph.influence.algorithms import (
    CommunityParams,
    InfluenceParams,
    PersonGraph,
    betweenness,
    coreness,
    degrees,
    detect_communities,
    match_community_ids,
    pagerank,
    participation,
    percentile_rank,
    referral_tree,
)
from graph.runs import recorded_run
from graph.store.base import Store

__all__ = ["InfluenceResult", "project", "run_communities", "run_influence"]


@dataclass(slots=True)
class InfluenceResult:
    """Per person (aligned with ``graph.persons``): the score, rank and parts."""

    graph: PersonGraph
    table: pd.DataFrame


def project(store: Store) -> tuple[PersonGraph, pd.DataFrame]:
    """The person graph as arrays, and per-person revenue and last purchase."""
    activity = store.frame("influence/person_activity")
    if activity.empty:
        raise JobError("no persons to rank; run `custgraph analyze identity` first")
    persons = activity["personId"].to_numpy(dtype=object)
    index = pd.Index(persons)
    edges = store.frame("influence/person_edges")
    if edges.empty:
        src = dst = np.zeros(0, dtype=np.int64)
        kind = at = np.zeros(0, dtype=object)
        weight = np.zeros(0, dtype=np.float64)
    else:
        src = index.get_indexer(edges["src"])
        dst = index.get_indexer(edges["dst"])
        kind = edges["kind"].to_numpy(dtype=object)
        weight = np.asarray(edges["weight"], dtype=np.float64)
        at = edges["at"].to_numpy(dtype=object)
    return PersonGraph(persons, src, dst, kind, weight, at), activity


def compute_influence(g: PersonGraph, revenue: np.ndarray, params: InfluenceParams) -> pd.DataFrame:
    """Every part, the combined score and a rank with a stable tie-break (pure)."""
    pr = pagerank(g, params)
    in_deg, out_deg = degrees(g)
    reach, depth, referred, _ = referral_tree(g, revenue, params.revenue_decay)
    core = coreness(g)
    between = betweenness(g, params.betweenness_samples, params.seed)
    parts = {
        "pagerank": pr,
        "referral_reach": reach,
        "referred_revenue": referred,
        "coreness": core,
        "betweenness": between,
        "in_degree": in_deg,
    }
    score = sum(
        w * percentile_rank(np.asarray(parts[name], dtype=float))
        for name, w in params.parts.items()
    )
    score = np.round(np.asarray(score, dtype=float) / max(sum(params.parts.values()), 1e-12), 6)
    table = pd.DataFrame(
        {
            "personId": g.persons,
            "score": score,
            "pagerank": pr,
            "inDegree": in_deg,
            "outDegree": out_deg,
            "referralReach": reach,
            "referralDepth": depth,
            "referredRevenue": np.round(referred, 2),
            "coreness": core,
            "betweenness": between,
        }
    )
    table = table.sort_values(
        ["score", "pagerank", "personId"], ascending=[False, False, True], kind="stable"
    )
    table["rank"] = np.arange(1, len(table) + 1)
    return table.sort_index()


def run_influence(store: Store, params: InfluenceParams) -> InfluenceResult:
    """Rank every person by influence and store the score, rank and parts."""
    with recorded_run(store, "influence", asdict(params), seed=params.seed) as run:
        with run.timed("project"):
            g, activity = project(store)
        with run.timed("compute"):
            table = compute_influence(g, activity["revenue"].astype(float).to_numpy(), params)
        with run.timed("write"):
            rows = table.assign(run=run.run_id).to_dict("records")
            store.write("influence/write_scores", rows=[_plain(r) for r in rows])
        run.counts.update({"persons": len(g), "edges": len(g.src)})
    return InfluenceResult(g, table)


def run_communities(store: Store, params: CommunityParams, *, churn_days: int = 90) -> pd.DataFrame:
    """Detect communities, keep ids stable, store communities, memberships and summaries."""
    with recorded_run(store, "communities", asdict(params), seed=params.seed) as run:
        with run.timed("project"):
            g, activity = project(store)
            previous = {
                r["personId"]: r["communityId"] for r in store.read("influence/memberships")
            }
            issued = {r["communityId"] for r in store.read("influence/community_ids")}
            channels = store.frame("influence/person_channels")
            ranks = {r["person_id"]: r["rank"] for r in store.read("influence/influencers")}
        with run.timed("compute"):
            labels, modularity = detect_communities(g, params)
            ids = match_community_ids(labels, g.persons, previous, issued)
            summary = summarise(
                g,
                labels,
                ids,
                activity=activity,
                channels=channels,
                ranks=ranks,
                churn_days=churn_days,
            )
            part = participation(g, labels)
        with run.timed("write"):
            store.write("influence/clear_communities")
            store.write(
                "influence/write_communities",
                rows=[_plain(r) for r in summary.assign(run=run.run_id).to_dict("records")],
            )
            store.write(
                "influence/write_memberships",
                rows=[
                    {"personId": p, "communityId": ids[label], "participation": round(float(x), 6)}
                    for p, label, x in zip(g.persons, labels, part, strict=True)
                ],
            )
        run.counts.update(
            {
                "persons": len(g),
                "communities": len(ids),
                "modularity_x1000": round(modularity * 1000),
            }
        )
    return summary


def summarise(
    g: PersonGraph,
    labels: np.ndarray,
    ids: list[str],
    *,
    activity: pd.DataFrame,
    channels: pd.DataFrame,
    ranks: dict[str, int],
    churn_days: int,
) -> pd.DataFrame:
    """Per community: size, density, share of modularity, revenue, churn rate, dominant
    channel and top influencers (pure)."""
    k = len(ids)
    size = np.bincount(labels, minlength=k)
    same = labels[g.src] == labels[g.dst]
    internal = np.bincount(labels[g.src][same], minlength=k)
    possible = np.maximum(size * (size - 1) / 2, 1)
    w = g.weight.astype(float)
    total = max(w.sum(), 1e-12)
    strength = np.bincount(labels[g.src], weights=w, minlength=k) + np.bincount(
        labels[g.dst], weights=w, minlength=k
    )
    inside = np.bincount(labels[g.src][same], weights=w[same], minlength=k)
    share = inside / total - (strength / (2 * total)) ** 2
    revenue = np.bincount(labels, weights=activity["revenue"].astype(float).to_numpy(), minlength=k)
    last = pd.to_datetime(activity["lastPurchase"], utc=True, errors="coerce")
    as_of = last.max() if last.notna().any() else pd.Timestamp(datetime.now()).tz_localize("UTC")
    churned = (last.isna() | (last < as_of - timedelta(days=churn_days))).to_numpy()
    churn = np.bincount(labels, weights=churned.astype(float), minlength=k) / np.maximum(size, 1)
    person_label = dict(zip(g.persons, labels, strict=True))
    dominant: dict[int, str] = {}
    if not channels.empty:
        frame = channels.assign(label=channels["personId"].map(person_label)).dropna()
        totals = frame.groupby(["label", "channelId"])["touches"].sum().reset_index()
        totals = totals.sort_values(
            ["label", "touches", "channelId"], ascending=[True, False, True]
        )
        first = totals.drop_duplicates("label")
        dominant = {
            int(label): str(channel)
            for label, channel in zip(first["label"], first["channelId"], strict=True)
        }
    top: dict[int, list[str]] = {}
    for person in sorted(ranks, key=lambda p: ranks[p]):
        label = person_label.get(person)
        if label is not None and len(top.setdefault(int(label), [])) < 5:
            top[int(label)].append(person)
    return pd.DataFrame(
        {
            "communityId": ids,
            "size": size,
            "density": np.round(internal / possible, 6),
            "modularityShare": np.round(share, 6),
            "revenue": np.round(revenue, 2),
            "churnRate": np.round(churn, 4),
            "dominantChannel": [dominant.get(i) for i in range(k)],
            "topInfluencers": [";".join(top.get(i, [])) for i in range(k)],
        }
    )


def _plain(row: Mapping[Hashable, object]) -> dict[str, object]:
    """numpy scalars as Python values (both drivers want plain types)."""
    return {str(k): (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
