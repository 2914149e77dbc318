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

import logging
import threading
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph import forked
from graph.errors import JobError
from graph.influence import algorithms
from graph.influence.algorithms import (
    CommunityParams,
    InfluenceParams,
    PersonGraph,
    betweenness,
    coreness,
    degrees,
    detect_communities,
    effective_resolution,
    match_community_ids,
    pagerank,
    participation,
    percentile_rank,
    referral_tree,
    undirected,
)
from graph.model import PERSON_RELATIONSHIPS, RelType, until
from graph.runs import recorded_run
from graph.store.base import ColumnRows, Read, Step, Store

__all__ = [
    "NO_LINKS",
    "InfluenceResult",
    "Projection",
    "project",
    "run_communities",
    "run_influence",
]

log = logging.getLogger(__name__)

# The person graph of a date, made from the record-level links of that date.
_REFERRALS_UNTIL = "influence/person_referrals_until"
_SOCIAL_UNTIL = "influence/person_social_until"

#: Why influence and communities have nothing to do (recorded as the run's ``skipped``).
NO_LINKS = (
    "no referrals or social links between persons: nothing to rank or group "
    "(load referrals or social_links, then run `custgraph analyze identity` again)"
)


@dataclass(slots=True)
class Projection:
    """The person graph as arrays, per-person revenue and last purchase, and the undirected
    igraph graph once a job has built it. One projection serves both jobs when they run
    together (``custgraph analyze all``): the graph does not change between them."""

    graph: PersonGraph
    activity: pd.DataFrame
    as_of: date | None = None
    built: Any = None
    ranks: dict[str, int] | None = None  # the influence ranks, once that job has run
    early: forked.Forked[tuple[np.ndarray, float]] | None = None  # Leiden started ahead
    early_params: CommunityParams | None = None
    link_weight: float | None = None  # of the undirected graph, once summed

    def undirected(self) -> Any:
        """The undirected igraph graph, built on first use."""
        if self.built is None:
            self.built = undirected(self.graph)
        return self.built

    def resolved(self, params: CommunityParams) -> CommunityParams:
        """``params`` with the resolution Leiden runs at (the default follows the link
        weight of the undirected graph)."""
        if self.link_weight is None:  # summed once: ten million weights become a list
            self.link_weight = float(np.sum(self.undirected().es["weight"]))
        return replace(params, resolution=effective_resolution(params, self.link_weight))

    def start_communities(self, params: CommunityParams) -> None:
        """Start Leiden with ``params`` in a forked worker process, so that it runs on a
        second core while the influence job computes and writes (``custgraph analyze all``);
        :meth:`communities` collects it. Nothing starts where forking is not available."""
        if self.early is None and len(self.graph.src):
            resolved = self.resolved(params)
            self.early = forked.start(_leiden_worker, self.graph, resolved, self.undirected())
            self.early_params = resolved

    def communities(self, params: CommunityParams) -> tuple[np.ndarray, float, bool]:
        """Labels and modularity of Leiden run with ``params`` (resolved: see
        :meth:`resolved`): the worker's if one was started with the same parameters, else
        computed here; the last item says whether the worker's answer was used."""
        early, same = self.early, self.early_params == params
        self.early = self.early_params = None
        if early is not None and same:
            try:
                labels, modularity = early.result()
                return labels, modularity, True
            except forked.WorkerLostError as lost:
                log.warning("communities: %s; computing them in this process", lost)
        elif early is not None:
            early.cancel()
        labels, modularity = detect_communities(self.graph, params, self.undirected())
        return labels, modularity, False

    def cancel_early(self) -> None:
        """End the worker started ahead, if any (its job failed or will not run)."""
        early, self.early, self.early_params = self.early, None, None
        if early is not None:
            early.cancel()


def _leiden_worker(g: PersonGraph, params: CommunityParams, graph: Any) -> tuple[np.ndarray, float]:
    """:func:`detect_communities` in a forked worker: its only thread is the one that forked,
    so igraph's seeding lock is made anew (another thread may have held the parent's)."""
    algorithms._IGRAPH_RNG = threading.Lock()
    return detect_communities(g, params, graph)


@dataclass(slots=True)
class InfluenceResult:
    """Per person (aligned with ``graph.persons``): the score, rank and parts."""

    graph: PersonGraph
    table: pd.DataFrame
    projection: Projection | None = None


def project(store: Store, as_of: date | None = None) -> Projection:
    """The person graph as arrays, and per-person revenue and last purchase, from the
    orders, referrals and links up to the end of ``as_of`` (None: all of them).

    Edges come in the store's order and are sorted here (by source, target and kind), so
    the arrays, and every result computed from them, do not depend on that order. With
    ``as_of``, person-level edges are made from the record-level links of that time (the
    stored person graph holds every link ever loaded).
    """
    end = until(as_of)
    # one query per kind: the store sends no kind or time for the millions of social links
    kinds = sorted(PERSON_RELATIONSHIPS, key=str)  # the tie order of the sort below
    reads = {"activity": Read("influence/person_activity", {"until": end})}
    for rel in kinds:
        if rel is RelType.REFERRED:
            name = "influence/person_referrals" if as_of is None else _REFERRALS_UNTIL
        else:
            name = "influence/person_social" if as_of is None else _SOCIAL_UNTIL
        slots = None if rel is RelType.REFERRED else {"rel": rel}
        reads[str(rel)] = Read(name, {"until": end}, slots, arrow=True)
    read = store.read_many(reads)  # on Neo4j, two at a time
    activity = read.frame("activity")
    if activity.empty:
        raise JobError("no persons to rank; run `custgraph analyze identity` first")
    persons = activity["personId"].to_numpy(dtype=object)
    ids: list[pa.ChunkedArray] = []
    code_parts, weight_parts, at_parts = [], [], []
    for code, rel in enumerate(kinds):
        part = read.table(str(rel))
        read.drop(str(rel))
        if not part.num_rows:
            continue
        ids += [part.column("src"), part.column("dst")]
        code_parts.append(np.full(part.num_rows, code, dtype=np.int8))
        weight = part.column("weight").cast(pa.float64())
        weight_parts.append(np.asarray(weight.to_numpy(), dtype=np.float64))
        at_parts.append(
            part.column("at").to_numpy(zero_copy_only=False).astype(object)
            if "at" in part.column_names
            else np.full(part.num_rows, None)
        )
        del part
    if not ids:
        src = dst = np.zeros(0, dtype=np.int64)
        kind = at = np.zeros(0, dtype=object)
        weight = np.zeros(0, dtype=np.float64)
    else:
        # every id of every kind looked up at once (one hash table of the persons)
        positions = _positions(ids, persons)
        sizes = [len(c) for c in ids]
        starts = np.cumsum([0, *sizes])
        src = np.concatenate([positions[starts[i] : starts[i + 1]] for i in range(0, len(ids), 2)])
        dst = np.concatenate([positions[starts[i] : starts[i + 1]] for i in range(1, len(ids), 2)])
        del positions, ids
        codes = np.concatenate(code_parts)
        # one int64 key sorts by source, target and kind (the persons' count bounds each)
        n = max(len(persons), 1)
        order = np.argsort((src * n + dst) * len(kinds) + codes, kind="stable")
        src, dst = src[order], dst[order]
        kind = np.array([str(k) for k in kinds], dtype=object)[codes[order]]
        weight = np.concatenate(weight_parts)[order]
        at = np.concatenate(at_parts)[order]
    return Projection(PersonGraph(persons, src, dst, kind, weight, at), activity, as_of)


def _positions(ids: list[pa.ChunkedArray], persons: np.ndarray) -> np.ndarray:
    """Each id's position in ``persons`` (-1 when absent), as int64, for the ids of every
    column in ``ids`` one after the other: Arrow looks them up in C, so ten million links
    never become twenty million Python strings a second time.

    >>> import pyarrow as pa
    >>> persons = np.array(["a", "b"], dtype=object)
    >>> _positions([pa.chunked_array([["b", "x"]]), pa.chunked_array([["a"]])], persons).tolist()
    [1, -1, 0]
    """
    lookup = pa.array(persons, type=pa.string())
    values = pa.chunked_array([c for column in ids for c in column.cast(pa.string()).chunks])
    found = pc.index_in(values, value_set=lookup).fill_null(-1)
    return np.asarray(found.to_numpy(), dtype=np.int64)


def _projection(store: Store, as_of: date | None, given: Projection | None) -> Projection:
    """The projection a job was given (made as of the same date), or a new one."""
    if given is None:
        return project(store, as_of)
    if given.as_of != as_of:
        raise ValueError(f"a projection as of {given.as_of} cannot serve a job as of {as_of}")
    return given


def compute_influence(
    g: PersonGraph,
    revenue: np.ndarray,
    params: InfluenceParams,
    graph: Any = None,
    *,
    pagerank_values: np.ndarray | None = None,
) -> pd.DataFrame:
    """Every part, the combined score and a rank with a stable tie-break (pure; ``graph`` is
    the undirected igraph graph if built already; ``pagerank_values`` the PageRank if
    computed elsewhere, e.g. by the Spark engine)."""
    pr = pagerank(g, params) if pagerank_values is None else pagerank_values
    in_deg, out_deg = degrees(g)
    reach, depth, referred, _ = referral_tree(g, revenue, params.revenue_decay)
    graph = graph if graph is not None else undirected(g)
    core = coreness(g, graph)
    between = betweenness(g, params.betweenness_samples, params.seed, graph)
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


def run_influence(
    store: Store,
    params: InfluenceParams,
    projection: Projection | None = None,
    *,
    communities: CommunityParams | None = None,
) -> InfluenceResult:
    """Rank every person by influence and store the score, rank and parts (``projection``:
    the person graph if projected already). With ``communities``, the community job's
    parameters when it runs next on the same projection, Leiden starts in a worker process
    as soon as the graph is built (see :meth:`Projection.start_communities`)."""
    with recorded_run(store, "influence", asdict(params), seed=params.seed) as run:
        with run.timed("project"):
            projection = _projection(store, params.as_of, projection)
            g, activity = projection.graph, projection.activity
        run.counts.update({"persons": len(g), "edges": len(g.src)})
        if not len(g.src):
            run.counts["skipped"] = NO_LINKS
            store.write("influence/clear_scores")
            projection.ranks = {}
            return InfluenceResult(g, pd.DataFrame(columns=["personId", "rank"]), projection)
        try:
            with run.timed("compute"):
                if communities is not None:
                    projection.start_communities(communities)
                table = compute_influence(
                    g, activity["revenue"].astype(float).to_numpy(), params, projection.undirected()
                )
            with run.timed("write"):
                # one transaction: a kill leaves the previous scores or these, never a mix
                store.write_tx([Step("influence/write_scores", _rows(table, run=run.run_id))])
        except BaseException:
            projection.cancel_early()  # the community job will not run after a failure
            raise
    projection.ranks = dict(zip(table["personId"].tolist(), table["rank"].tolist(), strict=True))
    return InfluenceResult(g, table, projection)


#: A person with no purchase in this many days before the last one anybody made counts as
#: churned in a community's churn rate.
CHURN_DAYS = 90


def run_communities(
    store: Store,
    params: CommunityParams,
    *,
    churn_days: int = CHURN_DAYS,
    projection: Projection | None = None,
) -> pd.DataFrame:
    """Detect communities, keep ids stable, store communities, memberships and summaries
    (``projection``: the person graph if projected already, by the influence job, which
    may have started Leiden ahead: see :meth:`Projection.start_communities`)."""
    try:
        return _run_communities(store, params, churn_days, projection)
    finally:
        if projection is not None:
            projection.cancel_early()  # collected by now, or not needed any more


def _run_communities(
    store: Store, params: CommunityParams, churn_days: int, projection: Projection | None
) -> pd.DataFrame:
    with recorded_run(store, "communities", asdict(params), seed=params.seed) as run:
        with run.timed("project"):
            projection = _projection(store, params.as_of, projection)
            g, activity = projection.graph, projection.activity
            reads = {
                "memberships": Read("influence/memberships"),
                "issued": Read("influence/community_ids"),
                "channels": Read("influence/person_channels", {"until": until(params.as_of)}),
            }
            if projection.ranks is None:
                reads["ranks"] = Read("influence/influencers")
            read = store.read_many(reads)  # on Neo4j, two at a time
            members = read.frame("memberships")
            previous = dict(
                zip(members["personId"].tolist(), members["communityId"].tolist(), strict=True)
            )
            issued = set(read.frame("issued")["communityId"].tolist())
            channels = read.frame("channels")
            if projection.ranks is not None:
                ranks = projection.ranks
            else:
                ranked = read.frame("ranks")
                ranks = dict(
                    zip(ranked["person_id"].tolist(), ranked["rank"].tolist(), strict=True)
                )
        run.counts.update({"persons": len(g), "edges": len(g.src)})
        if not len(g.src):
            run.counts["skipped"] = NO_LINKS
            store.write("influence/clear_communities")
            return pd.DataFrame(columns=["communityId", "size"])
        with run.timed("compute"):
            resolved = projection.resolved(params)
            assert resolved.resolution is not None
            run.counts["resolution"] = round(resolved.resolution, 6)
            labels, modularity, ahead = projection.communities(resolved)
            run.counts["leiden_in_worker"] = int(ahead)
            ids = match_community_ids(labels, g.persons, previous, issued)
            summary = summarise(
                g,
                labels,
                ids,
                activity=activity,
                channels=community_channels(channels, g.persons, labels, ids),
                ranks=ranks,
                churn_days=churn_days,
            )
            part = participation(g, labels)
        with run.timed("write"):
            # one transaction: a kill leaves the previous communities or these, never a mix
            store.write_tx(
                [
                    Step("influence/clear_communities"),
                    Step(
                        "influence/write_communities",
                        _rows(summary, run=run.run_id),
                    ),
                    Step(
                        "influence/write_memberships",
                        ColumnRows(
                            {
                                "personId": g.persons.tolist(),
                                "communityId": np.asarray(ids, dtype=object)[labels].tolist(),
                                "participation": [round(x, 6) for x in part.tolist()],
                            }
                        ),
                    ),
                ]
            )
        run.counts.update({"communities": len(ids), "modularity_x1000": round(modularity * 1000)})
    return summary


def community_channels(
    channels: pd.DataFrame, persons: np.ndarray, labels: np.ndarray, ids: list[str]
) -> pd.DataFrame:
    """Touches per person and channel (``personId``, ``channelId``, ``touches``) summed per
    community (``communityId``, ``channelId``, ``touches``) for :func:`summarise`; persons
    in no community (``persons`` with their ``labels`` into ``ids``) are left out.

    >>> per_person = pd.DataFrame({"personId": ["p1", "p2", "p2", "p9"],
    ...                            "channelId": ["web", "web", "app", "web"],
    ...                            "touches": [1, 2, 5, 7]})
    >>> community_channels(per_person, np.array(["p1", "p2"]), np.array([0, 0]), ["c-a"])
      communityId channelId  touches
    0         c-a       app        5
    1         c-a       web        3
    """
    columns = ["communityId", "channelId", "touches"]
    if channels.empty:
        return pd.DataFrame(columns=columns)
    community = pd.Series(np.asarray(ids, dtype=object)[labels], index=persons, dtype=object)
    frame = channels.assign(communityId=channels["personId"].map(community)).dropna(
        subset=["communityId"]
    )
    totals = frame.groupby(["communityId", "channelId"], as_index=False).agg(
        touches=("touches", "sum")
    )
    return totals[columns]


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
    channel and top influencers (pure). ``activity``: each person's ``revenue`` and
    ``lastPurchase``, in ``g.persons`` order; ``channels``: touches per community and
    channel (``communityId``, ``channelId``, ``touches``), from :func:`community_channels`
    in process, summed where the touches are on Spark.

    >>> g = PersonGraph(np.array(["p1", "p2", "p3"], dtype=object), np.array([0]),
    ...                 np.array([1]), np.array(["REFERRED"], dtype=object), np.array([1.0]),
    ...                 np.array([None], dtype=object))
    >>> activity = pd.DataFrame({"revenue": [10.0, 5.0, 0.0],
    ...                          "lastPurchase": ["2024-05-01", "2024-01-01", None]})
    >>> totals = pd.DataFrame({"communityId": ["c-a", "c-a"], "channelId": ["web", "app"],
    ...                        "touches": [1, 3]})
    >>> s = summarise(g, np.array([0, 0, 1]), ["c-a", "c-b"], activity=activity,
    ...               channels=totals, ranks={"p2": 1, "p1": 2}, churn_days=90)
    >>> s[["communityId", "size", "revenue", "churnRate", "dominantChannel"]].values.tolist()
    [['c-a', 2, 15.0, 0.5, 'app'], ['c-b', 1, 0.0, 1.0, None]]
    >>> s["topInfluencers"].tolist()
    ['p2;p1', '']
    """
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
        position = {c: i for i, c in enumerate(ids)}
        channels = channels.assign(label=channels["communityId"].map(position))
        frame = channels[["label", "channelId", "touches"]].dropna()
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
            # object, so a community without touches writes null (pandas 3 would make the
            # column text with NaN for the missing, and NaN is a number in Neo4j)
            "dominantChannel": pd.Series([dominant.get(i) for i in range(k)], dtype=object),
            "topInfluencers": [";".join(top.get(i, [])) for i in range(k)],
        }
    )


def _rows(table: pd.DataFrame, **constants: object) -> ColumnRows:
    """A frame's rows for a write, column by column as plain Python values (both drivers
    want them), with ``constants`` as columns of their own; no dict per row is held.

    >>> _rows(pd.DataFrame({"a": np.array([1, 2])}), run="r")[1]
    {'a': 2, 'run': 'r'}
    """
    columns: dict[str, list[Any]] = {str(k): table[k].tolist() for k in table.columns}
    columns.update({k: [v] * len(table) for k, v in constants.items()})
    return ColumnRows(columns)
