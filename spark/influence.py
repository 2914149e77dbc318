"""Influence and communities in Spark, on the person graph built from the input files.

The person graph is made in Spark as the stores make it: record-level referrals and social
links (the last row per pair, as an upsert keeps it) mapped to persons, links within a
person left out, parallel links merged (referrals counted, the first one's time kept;
social links' weights summed). Revenue per person comes from the order lines as a load
totals them (direct amount plus product lines, the last line per product).

In Spark: the graph and a weighted PageRank by DataFrame iterations (the power
method with dangling persons' rank spread evenly, as igraph's PRPACK does, run until no
rank moves by more than 1e-9 of itself). On the driver, the one large node, with the
in-process functions: degrees, the referral forest (reach, depth, referred revenue), k-core,
Leiden communities and the combined score, from the compacted person graph (16 bytes per
merged link; docs/scale.md sizes it for a billion links).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from graph.influence.algorithms import (
    CommunityParams,
    InfluenceParams,
    PersonGraph,
    detect_communities,
    effective_resolution,
    match_community_ids,
    participation,
    undirected,
)
from graph.influence.job import compute_influence
from graph.model import PERSON_RELATIONSHIPS, RelType
from spark.orders import latest

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

__all__ = [
    "PersonEdges",
    "channel_touches",
    "communities",
    "community_summary",
    "graph_on_driver",
    "influence",
    "pagerank",
    "person_edges",
    "revenue",
]


@dataclass(slots=True)
class PersonEdges:
    """The person graph in Spark: ``persons`` (person_id, sorted), ``edges`` (src, dst,
    kind, weight, at) with one row per pair of persons and kind."""

    persons: DataFrame
    edges: DataFrame


def person_edges(
    rows: dict[str, DataFrame], records: DataFrame, until: str | None = None
) -> PersonEdges:
    """Person-level edges from the record-level referrals and social links (``rows`` from
    ``read_inputs``; ``records``: uid → person_id); with ``until`` (an ISO time, the end of
    an ``--as-of`` day: ``graph.model.until``) only the referrals and links made by then, a
    link without a time counting as always there (``influence/person_*_until``)."""
    from pyspark.sql import functions as F

    spark = records.sparkSession
    person = records.select("uid", "person_id")
    parts = []
    if "referrals" in rows:
        refs = (
            rows["referrals"]
            .select(
                "ord", "line", F.from_json("row", "src string, dst string, at string").alias("r")
            )
            .select("ord", "line", "r.*")
        )
        refs = latest(refs, ["src", "dst"])
        if until is not None:
            refs = refs.filter(F.col("at").isNull() | (F.col("at") <= until))
        parts.append(
            _to_persons(refs, person)
            .groupBy("src", "dst")
            .agg(F.count("*").cast("double").alias("weight"), F.min("at").alias("at"))
            .withColumn("kind", F.lit(str(RelType.REFERRED)))
        )
    if "social_links" in rows:
        links = (
            rows["social_links"]
            .select(
                "ord",
                "line",
                F.from_json(
                    "row", "src string, dst string, rel string, weight double, since string"
                ).alias("r"),
            )
            .select("ord", "line", "r.*")
        )
        links = latest(links, ["rel", "src", "dst"])
        if until is not None:
            links = links.filter(F.col("since").isNull() | (F.col("since") <= until))
        parts.append(
            _to_persons(links, person)
            .groupBy("rel", "src", "dst")
            .agg(F.sum(F.coalesce("weight", F.lit(1.0))).alias("weight"))
            .withColumn("at", F.lit(None).cast("string"))
            .withColumnRenamed("rel", "kind")
        )
    columns = ["src", "dst", "kind", "weight", "at"]
    edges = (
        parts[0].select(*columns)
        if len(parts) == 1
        else parts[0].select(*columns).unionByName(parts[1].select(*columns))
        if parts
        else spark.createDataFrame(
            [], "src string, dst string, kind string, weight double, at string"
        )
    )
    persons = records.select("person_id").distinct()
    return PersonEdges(persons, edges.persist())


def _to_persons(frame: DataFrame, person: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    a = person.select(F.col("uid").alias("src"), F.col("person_id").alias("pa"))
    b = person.select(F.col("uid").alias("dst"), F.col("person_id").alias("pb"))
    joined = frame.join(a, "src").join(b, "dst").filter(F.col("pa") != F.col("pb"))
    return joined.drop("src", "dst").withColumnRenamed("pa", "src").withColumnRenamed("pb", "dst")


def revenue(orders: DataFrame | None, records: DataFrame, until: str | None = None) -> DataFrame:
    """``person_id``, ``revenue``, ``lastPurchase``: the amounts of the ``orders``
    (``orders_of``; None: no purchases) a person's records placed and the time of the last
    one (with ``until``, the orders placed by then: ``influence/person_activity``)."""
    from pyspark.sql import functions as F

    persons = records.select("person_id").distinct()
    if orders is None:
        never = F.lit(None).cast("string")
        return persons.select("person_id", F.lit(0.0).alias("revenue"), never.alias("lastPurchase"))
    if until is not None:
        orders = orders.filter(F.col("purchasedAt") <= until)
    spent = (
        orders.join(records.select("uid", "person_id"), "uid")
        .groupBy("person_id")
        .agg(F.sum("amount").alias("revenue"), F.max("purchasedAt").alias("lastPurchase"))
    )
    return persons.join(spent, "person_id", "left").select(
        "person_id", F.coalesce("revenue", F.lit(0.0)).alias("revenue"), "lastPurchase"
    )


def channel_touches(
    rows: dict[str, DataFrame], records: DataFrame, until: str | None = None
) -> DataFrame | None:
    """``person_id``, ``channelId``, ``touches``: how many touchpoints a person's records
    had on each channel, counting the (record, channel) pairs first touched by ``until``
    as ``influence/person_channels`` does (None without a touchpoints file)."""
    from pyspark.sql import functions as F

    if "touchpoints" not in rows:
        return None
    fields = "uid string, channelId string, firstAt string, `count` long"
    touch = rows["touchpoints"].select(F.from_json("row", fields).alias("r")).select("r.*")
    pairs = touch.groupBy("uid", "channelId").agg(
        F.sum("count").alias("count"), F.min("firstAt").alias("firstAt")
    )
    if until is not None:
        pairs = pairs.filter(F.col("firstAt").isNull() | (F.col("firstAt") <= until))
    return (
        pairs.join(records.select("uid", "person_id"), "uid")
        .groupBy("person_id", "channelId")
        .agg(F.sum("count").alias("touches"))
    )


def _directed(edges: DataFrame, params: InfluenceParams) -> DataFrame:
    """Edges pointing at whoever gains influence, weighted by kind (``_directed_edges``),
    parallel ones summed: ``u``, ``v``, ``w``."""
    from pyspark.sql import functions as F

    scale = F.lit(0.0)
    for kind, value in params.kind_weights.items():
        scale = F.when(F.col("kind") == kind, F.lit(float(value))).otherwise(scale)
    weighted = edges.withColumn("w", F.col("weight") * scale)
    referred = F.col("kind") == str(RelType.REFERRED)
    forward = weighted.select(
        F.when(referred, F.col("dst")).otherwise(F.col("src")).alias("u"),
        F.when(referred, F.col("src")).otherwise(F.col("dst")).alias("v"),
        "w",
    )
    back = weighted.filter(F.col("kind") == str(RelType.FRIENDS_WITH)).select(
        F.col("dst").alias("u"), F.col("src").alias("v"), "w"
    )
    both = forward.unionByName(back).filter(F.col("w") > 0)
    return both.groupBy("u", "v").agg(F.sum("w").alias("w"))


def pagerank(
    persons: DataFrame,
    edges: DataFrame,
    params: InfluenceParams,
    *,
    tolerance: float = 1e-9,
    max_iterations: int = 500,
    rounds: list[int] | None = None,
    check_every: int = 3,
) -> DataFrame:
    """Weighted PageRank by the power method in Spark: ``person_id``, ``pagerank``.

    Each round spreads every person's rank along their out-links in proportion to weight
    and adds the teleport share. Persons without out-links spread theirs evenly over
    everyone, as the teleport does; that is the same as leaving their rank unspread and
    scaling the ranks to sum to one at the end (PageRank as a linear system: Del Corso,
    Gullì and Romani, 2005), so a round needs no sum of the dangling rank on the driver and its
    plan is the same every round. Every ``check_every`` rounds the largest relative move
    of that round is read, and the iteration stops once it is within ``tolerance``: a
    few rounds past the first one within it at most, each bringing the ranks closer.
    ``rounds``, when given, receives the number of rounds run.

    A round is one Spark job (and a check one more): both joins are shuffled (a broadcast
    is a job of its own) and adaptive execution is off while the rounds run (with it,
    every shuffle stage is a job of its own, and on small graphs the per-job cost is most
    of a round's time); the session's setting is put back at the end.

    With ``graph = person_edges(rows, records)`` (a Spark session needed, so not run as a
    doctest): ``pagerank(graph.persons, graph.edges, InfluenceParams())`` gives one row
    per person whose ``pagerank`` column sums to one.
    """
    from pyspark.sql import functions as F

    spark = persons.sparkSession
    d = params.damping
    n = persons.count()
    links = _directed(edges, params)
    out_weight = links.groupBy("u").agg(F.sum("w").alias("total"))
    share = links.join(out_weight, "u").select("u", "v", (F.col("w") / F.col("total")).alias("p"))
    teleport = F.lit((1.0 - d) / n)
    adaptive = spark.conf.get("spark.sql.adaptive.enabled")
    spark.conf.set("spark.sql.adaptive.enabled", "false")
    try:
        share = share.localCheckpoint()
        ranks = persons.select("person_id", F.lit(1.0 / n).alias("pagerank")).localCheckpoint()
        for done in range(1, max_iterations + 1):
            if rounds is not None:
                rounds[:] = [done]
            incoming = (
                share.join(
                    ranks.select(F.col("person_id").alias("u"), "pagerank").hint("merge"), "u"
                )
                .groupBy("v")
                .agg(F.sum(F.col("p") * F.col("pagerank")).alias("incoming"))
                .withColumnRenamed("v", "person_id")
            )
            ranks_next = (
                ranks.hint("merge")
                .join(incoming, "person_id", "left")
                .select(
                    "person_id",
                    (teleport + d * F.coalesce("incoming", F.lit(0.0))).alias("next"),
                    F.col("pagerank").alias("previous"),
                )
                .localCheckpoint()
            )
            ranks = ranks_next.select("person_id", F.col("next").alias("pagerank"))
            if done % check_every == 0 or done == max_iterations:
                moved = ranks_next.agg(
                    F.max(F.abs(F.col("next") - F.col("previous")) / F.col("next"))
                ).first()[0]
                if moved is not None and moved <= tolerance:
                    break
        total = ranks.agg(F.sum("pagerank")).first()[0] or 1.0
    finally:
        spark.conf.set("spark.sql.adaptive.enabled", adaptive)
    return ranks.select("person_id", (F.col("pagerank") / F.lit(float(total))).alias("pagerank"))


def graph_on_driver(persons: list[str], edges_path: str) -> PersonGraph:
    """The compacted person graph as arrays on the driver: ``persons`` sorted by id and the
    edges Spark wrote to ``edges_path`` (Parquet) read with Arrow, sorted by source, target
    and kind exactly as the in-process projection sorts them, so that every algorithm sees
    the graph the in-process path sees. No edge passes through Spark's result channel (a
    billion rows would exceed ``spark.driver.maxResultSize``); ids are looked up in C."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    table = ds.dataset(edges_path, format="parquet").to_table()
    ordered = np.array(sorted(persons), dtype=object)
    lookup = pa.array(ordered, type=pa.string())
    src = np.asarray(pc.index_in(table.column("src"), value_set=lookup).to_numpy(), np.int64)
    dst = np.asarray(pc.index_in(table.column("dst"), value_set=lookup).to_numpy(), np.int64)
    kinds = sorted(PERSON_RELATIONSHIPS, key=str)
    names = pa.array([str(k) for k in kinds], type=pa.string())
    codes = np.asarray(pc.index_in(table.column("kind"), value_set=names).to_numpy(), np.int64)
    n = max(len(ordered), 1)
    order = np.argsort((src * n + dst) * len(kinds) + codes, kind="stable")
    return PersonGraph(
        ordered,
        src[order],
        dst[order],
        np.array([str(k) for k in kinds], dtype=object)[codes[order]],
        np.asarray(table.column("weight").to_numpy(), dtype=float)[order],
        np.asarray(table.column("at").to_numpy(zero_copy_only=False), dtype=object)[order],
    )


def influence(
    graph: PersonEdges,
    edges_path: str,
    spent: pd.DataFrame,
    params: InfluenceParams,
    counts: dict[str, int] | None = None,
) -> tuple[pd.DataFrame, PersonGraph]:
    """Every person's influence (the columns of ``custgraph export influencers``): PageRank
    in Spark, the rest on the driver with the in-process functions (``edges_path``: the
    person graph as Spark wrote it; ``spent``: each person's ``revenue``, :func:`revenue`
    on the driver)."""
    import pandas as pd

    rounds: list[int] = []
    ranks = pagerank(graph.persons, graph.edges, params, rounds=rounds).toPandas()
    if counts is not None:
        counts["pagerank_rounds"] = rounds[0] if rounds else 0
    g = graph_on_driver(ranks["person_id"].tolist(), edges_path)
    money = spent.set_index("person_id")["revenue"].reindex(g.persons).fillna(0.0)
    pr = ranks.set_index("person_id")["pagerank"].reindex(g.persons).to_numpy(dtype=float)
    table = compute_influence(g, money.to_numpy(dtype=float), params, pagerank_values=pr)
    out = pd.DataFrame(
        {
            "person_id": table["personId"],
            "rank": table["rank"],
            "score": table["score"],
            "pagerank": table["pagerank"],
            "in_degree": table["inDegree"],
            "out_degree": table["outDegree"],
            "referral_reach": table["referralReach"],
            "referral_depth": table["referralDepth"],
            "referred_revenue": table["referredRevenue"],
            "coreness": table["coreness"],
            "betweenness": table["betweenness"],
        }
    )
    return out.sort_values("rank").reset_index(drop=True), g


def communities(g: PersonGraph, params: CommunityParams) -> tuple[pd.DataFrame, float]:
    """Leiden communities of the compacted person graph on the driver (the in-process
    function, the same seed): ``person_id``, ``community_id``, ``participation``, and the
    modularity."""
    import pandas as pd

    built = undirected(g)
    resolution = effective_resolution(params, float(np.sum(built.es["weight"])))
    labels, modularity = detect_communities(g, replace(params, resolution=resolution), built)
    ids = match_community_ids(labels, g.persons, {}, set())
    part = participation(g, labels)
    frame = pd.DataFrame(
        {
            "person_id": g.persons,
            "community_id": np.asarray(ids, dtype=object)[labels],
            "participation": np.round(part, 6),
        }
    )
    return frame, modularity


def community_summary(
    g: PersonGraph,
    members: pd.DataFrame,
    memberships: DataFrame,
    *,
    activity: pd.DataFrame,
    ranks: pd.DataFrame,
    touches: DataFrame | None,
) -> pd.DataFrame:
    """Each community's summary as the in-process job stores it (``summarise``: size,
    density, share of modularity, revenue, churn rate, dominant channel, top influencers).

    ``members``: :func:`communities`' frame (in ``g.persons`` order) and ``memberships`` the
    same in Spark; ``activity``: :func:`revenue` on the driver; ``ranks``: the influence
    table; ``touches``: :func:`channel_touches`, summed per community and channel in Spark,
    so only those sums reach the driver.
    """
    import pandas as pd
    from pyspark.sql import functions as F

    from graph.influence.job import CHURN_DAYS, summarise

    assert (members["person_id"].to_numpy() == g.persons).all()
    labels, ids = pd.factorize(members["community_id"])
    totals = pd.DataFrame(columns=["communityId", "channelId", "touches"])
    if touches is not None:
        totals = (
            touches.join(memberships.select("person_id", "community_id"), "person_id")
            .groupBy(F.col("community_id").alias("communityId"), "channelId")
            .agg(F.sum("touches").alias("touches"))
            .toPandas()
        )
    by_person = activity.set_index("person_id").reindex(g.persons)
    return summarise(
        g,
        np.asarray(labels, dtype=np.int64),
        [str(i) for i in ids],
        activity=by_person.assign(revenue=by_person["revenue"].fillna(0.0)),
        channels=totals,
        ranks=dict(zip(ranks["person_id"], ranks["rank"], strict=True)),
        churn_days=CHURN_DAYS,
    )
