"""Stable person ids on Spark: the rules of :mod:`graph.identity.ids`, on DataFrames.

A store keeps each record's person between runs; a Spark run from files keeps them in its
results folder instead, and the next run reads them back (``--previous FOLDER``):
``identities/`` (each record's person) and ``person_ids/`` (every id ever issued, with
when it was created and whether it is retired). With them the ids follow the in-process
rules exactly:

- a cluster keeps the id most of its records had (``merge`` when it held several: the
  oldest survives, ties by id; the others are retired into it);
- an id goes to the cluster holding most of its records (ties: the cluster with the
  smallest member uid); a cluster left without one gets a new id (``split`` from the id its
  records had, or ``new``);
- a new id is ``person_id_for(smallest member uid)``, the next attempt while the id was
  ever issued or another new cluster takes it first (clusters in the order of their first
  record);
- an id whose records all went elsewhere without a merge is ``retire``\\ d.

Every step is a join, a group-by or a window over the clusters; only the clusters whose
first new id is taken (a split's smaller part, a rare hash clash) reach the driver.

Example (``clustered``: idx, uid, cluster; ``firsts``: cluster, first_uid, first_idx)::

    previous = read_previous(spark, "results-of-last-week")
    held = Held()
    firsts, lineage = stable_ids(clustered, firsts, previous, held)  # checkpoint them, then
    held.release()
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import JobError
from graph.identity.ids import ATTEMPTS, person_id_for

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from spark.session import Held

__all__ = ["Previous", "issued_ids", "read_previous", "stable_ids"]

#: The columns of ``lineage/``: the run's identity events, as a store records them.
LINEAGE_SCHEMA = "event string, person_id string, other_id string"


@dataclass(frozen=True, slots=True)
class Previous:
    """An earlier run's ids: each record's person (``uid, old_id``) and every id it ever
    issued (``person_id, created_at``; ``created_at`` empty where unknown)."""

    assignments: DataFrame
    issued: DataFrame


def read_previous(spark: SparkSession, folder: str) -> Previous:
    """The ids of the Spark run whose results are in ``folder`` (its ``--out``).

    Results written before ``person_ids/`` existed still serve: their live ids count as
    issued, with no creation time (so a merge keeps the smallest id).
    """
    from pyspark.sql import functions as F

    base = folder.rstrip("/")
    identities = spark.read.parquet(f"{base}/identities")
    assignments = identities.select(
        F.concat_ws(":", "source", "source_customer_id").alias("uid"),
        F.col("person_id").alias("old_id"),
    )
    if "://" in base or (Path(base) / "person_ids").is_dir():
        issued = spark.read.parquet(f"{base}/person_ids").select(
            "person_id", F.coalesce("created_at", F.lit("")).alias("created_at")
        )
    else:
        issued = identities.select("person_id").distinct().withColumn("created_at", F.lit(""))
    return Previous(assignments, issued)


def stable_ids(
    clustered: DataFrame, firsts: DataFrame, previous: Previous | None, held: Held
) -> tuple[DataFrame, DataFrame]:
    """``firsts`` with each cluster's ``person_id`` (and ``new``: whether the id is issued
    by this run), and the run's lineage events (:data:`LINEAGE_SCHEMA`).

    ``clustered`` has a row per record (``uid``, ``cluster``); ``firsts`` a row per cluster
    (``cluster``, ``first_uid``: its smallest uid, ``first_idx``: its first record). The
    frames it caches are in ``held``, for the caller to drop once it has the answer.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if previous is None:
        fresh = _new_ids(firsts, None, held)
        lineage = fresh.select(
            F.lit("new").alias("event"), "person_id", F.lit(None).cast("string").alias("other_id")
        )
        return fresh.withColumn("new", F.lit(True)), lineage
    overlap = (
        clustered.select("uid", "cluster")
        .join(previous.assignments, "uid")
        .groupBy("cluster", "old_id")
        .count()
        .join(firsts.select("cluster", "first_uid"), "cluster")
    )
    # each earlier id goes to the cluster that holds most of its records
    by_id = Window.partitionBy("old_id").orderBy(F.desc("count"), "first_uid")
    claims = (
        overlap.withColumn("_k", F.row_number().over(by_id))
        .filter("_k = 1")
        .select("cluster", "old_id")
        .join(previous.issued.withColumnRenamed("person_id", "old_id"), "old_id", "left")
    )
    # a cluster claiming several keeps the oldest; the others merge into it
    by_cluster = Window.partitionBy("cluster").orderBy(
        F.coalesce("created_at", F.lit("")), "old_id"
    )
    ranked = held(claims.withColumn("_k", F.row_number().over(by_cluster)))
    kept = ranked.filter("_k = 1").select("cluster", F.col("old_id").alias("kept"))
    merges = (
        ranked.filter("_k > 1")
        .join(kept, "cluster")
        .select(F.lit("merge").alias("event"), F.col("kept").alias("person_id"),
                F.col("old_id").alias("other_id"))
    )  # fmt: skip
    with_kept = firsts.join(kept, "cluster", "left")
    fresh = _new_ids(
        with_kept.filter(F.col("kept").isNull()).drop("kept"),
        previous.issued.select("person_id"),
        held,
    )
    split_from = overlap.groupBy("cluster").agg(F.min("old_id").alias("from"))
    born = fresh.join(split_from, "cluster", "left").select(
        F.when(F.col("from").isNull(), "new").otherwise("split").alias("event"),
        F.coalesce("from", "person_id").alias("person_id"),
        F.when(F.col("from").isNotNull(), F.col("person_id")).alias("other_id"),
    )
    resolved = (
        with_kept.filter(F.col("kept").isNotNull())
        .select("cluster", "first_uid", "first_idx", F.col("kept").alias("person_id"))
        .withColumn("new", F.lit(False))
        .unionByName(fresh.withColumn("new", F.lit(True)))
    )
    gone = (
        previous.assignments.select("old_id")
        .distinct()
        .join(resolved.select(F.col("person_id").alias("old_id")), "old_id", "left_anti")
        .join(merges.select(F.col("other_id").alias("old_id")), "old_id", "left_anti")
    )
    retired = gone.select(
        F.lit("retire").alias("event"),
        F.col("old_id").alias("person_id"),
        F.lit(None).cast("string").alias("other_id"),
    )
    return resolved, merges.unionByName(born).unionByName(retired)


def issued_ids(resolved: DataFrame, previous: Previous | None, at: str) -> DataFrame:
    """``person_ids/``: every id ever issued (``person_id, created_at, retired``): the
    earlier ones with their creation time, this run's new ones created ``at``; an id no
    cluster holds now is retired."""
    from pyspark.sql import functions as F

    live = resolved.select("person_id", "new")
    if previous is None:
        earlier = live.sparkSession.createDataFrame([], "person_id string, created_at string")
    else:
        earlier = previous.issued
    fresh = live.filter(F.col("new")).select("person_id", F.lit(at).alias("created_at"))
    every = earlier.unionByName(fresh)
    return every.join(
        live.select("person_id", F.lit(False).alias("retired")), "person_id", "left"
    ).select("person_id", "created_at", F.coalesce("retired", F.lit(True)).alias("retired"))


def _new_ids(firsts: DataFrame, taken: DataFrame | None, held: Held) -> DataFrame:
    """``person_id`` per cluster without an earlier id: ``person_id_for(smallest uid)`` as
    in process (SQL sha1 of the same UTF-8 text). The clusters whose first id was issued
    before (``taken``: ``person_id``) or that another cluster shares try the next attempts
    on the driver, in the order of their first record, as in process."""
    from pyspark.sql import functions as F

    def pid(attempt: int) -> Any:
        digest = F.sha1(F.concat(F.col("first_uid"), F.lit(f"#{attempt}")))
        return F.concat(F.lit("P"), F.substring(digest, 1, 12))

    spark = firsts.sparkSession
    firsts = held(firsts.withColumn("person_id", pid(0)))
    repeated = firsts.groupBy("person_id").count().filter(F.col("count") > 1).select("person_id")
    if taken is not None:
        repeated = repeated.unionByName(
            firsts.select("person_id").join(taken.select("person_id"), "person_id")
        ).distinct()
    clashes = firsts.join(repeated, "person_id").orderBy("first_idx").collect()
    if not clashes:
        return firsts
    # of the ids the clashing clusters could get, those issued before and those the
    # other clusters take
    candidates = spark.createDataFrame(
        [(c,) for row in clashes for c in _attempts(row["first_uid"])], "person_id string"
    )
    clean = firsts.join(repeated, "person_id", "left_anti").select("person_id")
    used = candidates.join(clean, "person_id", "left_semi")
    if taken is not None:
        used = used.unionByName(candidates.join(taken, "person_id", "left_semi"))
    issued = {r["person_id"] for r in used.distinct().collect()}
    fixed: dict[str, str] = {}
    for row in clashes:
        choice = next((c for c in _attempts(row["first_uid"]) if c not in issued), None)
        if choice is None:
            raise JobError(
                f"no free person id in {ATTEMPTS} attempts for the cluster of record number "
                f"{row['first_idx']}: every one was issued before"
            )
        issued.add(choice)
        fixed[row["cluster"]] = choice
    mapping = spark.createDataFrame(list(fixed.items()), "cluster string, fixed string")
    return (
        firsts.join(mapping, "cluster", "left")
        .withColumn("person_id", F.coalesce("fixed", "person_id"))
        .drop("fixed")
    )


def _attempts(uid: str) -> list[str]:
    return [person_id_for(uid, attempt) for attempt in range(ATTEMPTS)]
