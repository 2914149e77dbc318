"""Profiles on Spark: every person's own parts per partition, the population's on the driver.

The profile job splits in two (:mod:`graph.profiles.job`): what each person's own rows decide
(purchase summaries, the person's churn features at the as-of and training dates, channel
preferences, top categories, consent, demographics: :func:`~graph.profiles.job.person_parts`)
and what needs the whole population (the BG/NBD, Gamma-Gamma and churn fits, RFM quintiles,
percentiles, community churn rates, segments, tags:
:func:`~graph.profiles.job.population_profiles`). Here:

1. Spark rebuilds from the validated rows what the job reads from a store (orders from their
   lines as a load keeps them, spend per person and category, touches per person and
   channel, touchpoint events, person-level referrals), cut at the as-of time by the same
   text comparison the named queries make; persons are numbered in the order of their ids.
2. Persons are hashed into partitions; each partition's rows go to
   :func:`~graph.profiles.job.person_parts` with ``applyInPandas`` and come back as one row
   per person (:func:`graph.profiles.partition.flatten`): the same numbers as in one piece.
3. The driver reads the numbers only (a few dozen per person, no text but the preferred
   channel and consent that tag rules read) and runs the population's part with the
   in-process code.
4. Spark joins the driver's table with the text parts and writes the rows as a store keeps
   them (``mapInPandas`` with :func:`graph.profiles.rows.profile_rows`).

Records, orders, events and demographics never reach the driver.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import JobError
from graph.model import RelType
from graph.profiles.job import ProfileParams, Profiles
from graph.profiles.rules import ProfileRules
from spark.orders import Purchases, latest, order_lines_of
from spark.session import Held, row_index

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

__all__ = ["DETAIL_COLUMNS", "EXPORT_COLUMNS", "ProfileRun", "profiles"]

#: The columns of ``custgraph export profiles`` (queries/sql/profiles/export.sql).
EXPORT_COLUMNS = (
    "person_id", "recency_days", "frequency", "monetary", "currency", "rfm_score",
    "rfm_segment", "expected_purchases", "p_alive", "predicted_clv", "churn_risk", "segment",
    "community_id", "influence_rank", "tags", "as_of", "run",
)  # fmt: skip

#: The customer fields a profile chooses demographics from (``profiles/all_members``).
MEMBER_FIELDS = (
    "firstName", "lastName", "fullName", "email", "phone", "birthDate", "gender", "city",
    "postcode", "region", "country", "occupation", "incomeBand",
)  # fmt: skip

_UNTIL = "%Y-%m-%dT%H:%M:%SZ"
_ORDER_COLUMNS = ["personId", "orderId", "purchasedAt", "amount", "currency", "channelId"]


#: The columns of a profile as a store keeps it (``person_profile``) and their Spark types.
DETAIL_COLUMNS = {
    "personId": "string", "asOf": "string", "horizonDays": "long", "recencyDays": "long",
    "frequency": "long", "monetary": "double", "currency": "string", "rfmRecency": "long",
    "rfmFrequency": "long", "rfmMonetary": "long", "rfmScore": "string",
    "rfmSegment": "string", "expectedPurchases": "double", "pAlive": "double",
    "expectedSpend": "double", "predictedClv": "double", "churnRisk": "double",
    "churnFactors": "string", "segment": "string", "preferredChannel": "string",
    "channelMix": "string", "topCategories": "string", "tags": "string",
    "consentMarketing": "boolean", "demographics": "string", "tenureDays": "long",
    "firstPurchaseAt": "string", "lastPurchaseAt": "string", "run": "string",
}  # fmt: skip

#: Text parts that stay in Spark (the driver has the preferred channel and consent).
_SPARK_TEXTS = ("channel_mix", "top_categories", "demographics")


@dataclass(slots=True)
class ProfileRun:
    """What the profile step wrote and found: the export frame and every attribute (Spark
    DataFrames over the written Parquet), the as-of time, segments, tags and counts."""

    export: DataFrame
    details: DataFrame
    as_of: pd.Timestamp
    segments: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)


def _on_driver(frame: DataFrame, path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """``frame`` written as Parquet under ``path`` and read back with Arrow (not through
    Spark's result channel, which holds every row twice on the driver); whole numbers stay
    exact (pandas' nullable ``Int64``)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame.write.mode("overwrite").parquet(str(path))
    table = pq.read_table(str(path), columns=columns)
    read: pd.DataFrame = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    return read


def _members(customers: DataFrame, person: DataFrame) -> DataFrame:
    """Each record with its person (``person``: uid → personId) and the fields demographics
    come from."""
    from pyspark.sql import functions as F

    fields = ", ".join(
        ["uid string", "source string", "signupAt string", "consentMarketing boolean"]
        + [f"`{c}` string" for c in MEMBER_FIELDS]
    )
    parsed = customers.select("ord", "line", F.from_json("row", fields).alias("r")).select(
        "ord", "line", "r.*"
    )
    kept = latest(parsed, ["uid"]).drop("ord", "line")
    return kept.join(person, "uid").select(
        "personId", "uid", "source", "signupAt", "consentMarketing", *MEMBER_FIELDS
    )


def _touch_rows(rows: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    fields = "uid string, channelId string, firstAt string, `count` long"
    return rows.select(F.from_json("row", fields).alias("r")).select("r.*")


def _channels(rows: dict[str, DataFrame]) -> DataFrame:
    from pyspark.sql import functions as F

    if "channels" not in rows:
        spark = next(iter(rows.values())).sparkSession
        return spark.createDataFrame([], "channelId string, kind string")
    parsed = (
        rows["channels"]
        .select("ord", "line", F.from_json("row", "channelId string, kind string").alias("r"))
        .select("ord", "line", "r.*")
    )
    return latest(parsed, ["channelId"]).select("channelId", "kind")


def _referrals_until(rows: dict[str, DataFrame], person: DataFrame, until: str) -> DataFrame:
    """``influence/person_referrals_until``: person-level referrals made by ``until``."""
    from pyspark.sql import functions as F

    spark = person.sparkSession
    if "referrals" not in rows:
        return spark.createDataFrame([], "src string, dst string, weight double, at string")
    refs = (
        rows["referrals"]
        .select("ord", "line", F.from_json("row", "src string, dst string, at string").alias("r"))
        .select("ord", "line", "r.*")
    )
    refs = latest(refs, ["src", "dst"]).filter(F.col("at").isNull() | (F.col("at") <= until))
    a = person.select(F.col("uid").alias("src"), F.col("personId").alias("pa"))
    b = person.select(F.col("uid").alias("dst"), F.col("personId").alias("pb"))
    return (
        refs.join(a, "src")
        .join(b, "dst")
        .filter(F.col("pa") != F.col("pb"))
        .groupBy(F.col("pa").alias("src"), F.col("pb").alias("dst"))
        .agg(F.count("*").cast("double").alias("weight"), F.min("at").alias("at"))
    )


@dataclass(slots=True)
class _Frames:
    """The job's inputs in Spark, persons coded: ``codes`` (person_id, code) and the rows
    of every kind together (``part`` names the kind)."""

    codes: DataFrame
    person: DataFrame
    rows: DataFrame
    touches: DataFrame | None
    referrals: DataFrame


def _frames(rows: dict[str, DataFrame], records: DataFrame, until: str, orders: DataFrame,
            lines: DataFrame, *, held: Held) -> _Frames:  # fmt: skip
    from pyspark.sql import functions as F

    ids = records.select("person_id").distinct()
    codes = row_index(ids, "person_id", held, "code").select("person_id", "code")
    person = held(
        records.select("uid", "person_id")
        .join(codes, "person_id")
        .select("uid", F.col("code").alias("personId"))
    )
    placed = orders.filter(F.col("purchasedAt") <= until).join(person, "uid")
    parts = [
        _members(rows["customers"], person).withColumn("part", F.lit("members")),
        placed.select(*_ORDER_COLUMNS).withColumn("part", F.lit("orders")),
        order_lines_of(lines)
        .filter(F.col("category").isNotNull())
        .join(placed.select("orderId", "personId", "currency"), "orderId")
        .groupBy("personId", "category", "currency")
        .agg(F.sum("amount").alias("amount"))
        .withColumn("part", F.lit("categories")),
    ]
    touches = None
    if "touchpoints" in rows:
        touch = _touch_rows(rows["touchpoints"])
        per_record = (
            touch.groupBy("uid", "channelId")
            .agg(F.sum("count").alias("count"), F.min("firstAt").alias("firstAt"))
            .filter(F.col("firstAt").isNull() | (F.col("firstAt") <= until))
        )
        touches = held(
            per_record.join(person, "uid")
            .join(_channels(rows), "channelId")
            .groupBy("personId", "channelId")
            .agg(
                F.first("kind").alias("kind"),
                F.sum("count").alias("touches"),
                F.min("firstAt").alias("firstAt"),
            )
        )
        events = (
            touch.filter(F.col("firstAt") <= until)
            .join(person, "uid")
            .select(
                "personId",
                F.col("firstAt").cast("timestamp").cast("long").alias("atSeconds"),
                "count",
            )
        )
        parts += [
            touches.withColumn("part", F.lit("touches")),
            events.withColumn("part", F.lit("events")),
        ]
    together = parts[0]
    for part in parts[1:]:
        together = together.unionByName(part, allowMissingColumns=True)
    return _Frames(codes, person, together, touches, _referrals_until(rows, person, until))


def _person_parts_fn(
    plan: Any, rules: ProfileRules, top: int, now: list[str], then: list[str] | None
) -> Any:
    """The function each partition's rows go to (``applyInPandas``)."""

    def run(rows: pd.DataFrame) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        from graph.profiles.job import ProfileInputs, person_parts
        from graph.profiles.partition import flatten, subset

        def part(name: str, columns: list[str]) -> pd.DataFrame:
            frame = rows.loc[rows["part"] == name, columns].reset_index(drop=True)
            return frame.astype({"personId": "int64"})

        members = part("members", ["personId", "uid", "source", "signupAt",
                                   "consentMarketing", *MEMBER_FIELDS])  # fmt: skip
        members = members.sort_values(["personId", "uid"], ignore_index=True)
        events = part("events", ["personId", "atSeconds", "count"]).astype("int64")
        data = ProfileInputs(
            as_of=plan.as_of,
            members=members,
            orders=part("orders", _ORDER_COLUMNS),
            categories=part(
                "categories", ["personId", "category", "amount", "currency"]
            ).sort_values(["personId", "category", "currency"], ignore_index=True),
            touches=part("touches", ["personId", "channelId", "kind", "touches", "firstAt"])
            .astype({"touches": "int64"})
            .sort_values(["personId", "channelId"], ignore_index=True),
            influence=pd.DataFrame(),
            memberships=pd.DataFrame(),
            referrals=pd.DataFrame(),
            events=events,
        )
        codes = np.sort(members["personId"].unique())
        parts = person_parts(subset(data, codes), plan, rules, top=top)
        return flatten(parts, codes, now, then)

    return run


def _kinds(touches: DataFrame | None, at: str) -> list[str]:
    from pyspark.sql import functions as F

    if touches is None:
        return []
    seen = touches.filter(F.col("firstAt").isNull() | (F.col("firstAt") <= at))
    return [r["kind"] for r in seen.select("kind").distinct().collect() if r["kind"] is not None]


def profiles(
    rows: dict[str, DataFrame],
    records: DataFrame,
    *,
    purchases: Purchases,
    person_edges: DataFrame | None,
    influence: pd.DataFrame | None,
    memberships: pd.DataFrame | None,
    params: ProfileParams,
    rules: ProfileRules,
    out: Path,
    run: str,
    timed: Callable[[str], AbstractContextManager[None]] = lambda _step: nullcontext(),
) -> ProfileRun:
    """Every person's profile from the validated ``rows``, the run's ``purchases`` and
    ``records`` (uid → person_id), with ``influence`` (person_id, rank, score) and
    ``memberships`` (person_id, community_id) as the Spark engine computed them (None: not
    computed). Writes ``profiles/`` and ``profile_details/`` under ``out`` (work files in
    ``out/_profiles_work``, removed at the end); ``timed(step)`` wraps each step (the runner
    records its seconds)."""
    import shutil

    import pandas as pd
    from pyspark.sql import functions as F

    from graph.profiles.job import population_profiles
    from graph.profiles.value import to_utc

    lines, orders = purchases.lines, purchases.orders
    if lines is None or orders is None:
        raise JobError("no purchases among the inputs; profiles need a purchases file")
    work = out / "_profiles_work"
    latest_at = orders.agg(F.max("purchasedAt").alias("at")).first()
    if latest_at is None or latest_at["at"] is None:
        raise JobError("no purchases among the inputs; profiles need a purchases file")
    if params.as_of is None:
        as_of = pd.Timestamp(to_utc([latest_at["at"]]).iloc[0])
    else:
        as_of = (
            pd.Timestamp(params.as_of, tz="UTC") + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
        )
    held = Held()
    try:
        with timed("profiling: inputs and plan"):
            frames = _frames(rows, records, as_of.strftime(_UNTIL), orders, lines, held=held)
            plan, now, then = _plan(frames, as_of, params)
        with timed("profiling: person parts (partitions)"):
            parts, index, spread = _person_parts(frames, plan, rules, params, now=now, then=then,
                                                 work=work)  # fmt: skip
        with timed("profiling: population (driver)"):
            shared = _shared(frames, person_edges, influence, memberships, work)
            result = population_profiles(parts, shared, plan, params, rules, persons=index)
            del parts
        with timed("profiling: writing"):
            _write(frames, result, as_of, params, rules=rules, run=run, out=out)
    finally:
        held.release()
    shutil.rmtree(work, ignore_errors=True)
    spark = records.sparkSession
    return ProfileRun(
        spark.read.parquet(str(out / "profiles")),
        spark.read.parquet(str(out / "profile_details")),
        as_of,
        result.segments,
        result.tags,
        {**result.counts, "partitions": spread},
    )


def _plan(
    frames: _Frames, as_of: pd.Timestamp, params: ProfileParams
) -> tuple[Any, list[str], list[str] | None]:
    """What each partition must know of the whole population: the plan, and the feature
    columns at the as-of and training dates (None: no training date)."""
    from pyspark.sql import functions as F

    from graph.profiles.job import plan_of
    from graph.profiles.partition import feature_columns
    from graph.profiles.value import to_utc

    first = (
        frames.rows.filter(F.col("part") == "orders")
        .agg(F.min("purchasedAt").alias("at"), F.count("*").alias("n"))
        .first()
    )
    if first is None or not first["n"]:
        raise JobError("no purchases up to the as-of date; choose a later --as-of")
    behaviour = bool(frames.rows.filter(F.col("part") == "events").limit(1).count())
    start = to_utc([first["at"]]).iloc[0]
    plan = plan_of(as_of, start, params.horizon_days, behaviour=behaviour)
    now = feature_columns(_kinds(frames.touches, as_of.strftime(_UNTIL)), behaviour=behaviour)
    then = None
    if plan.window:
        kinds = _kinds(frames.touches, plan.trained_at.strftime(_UNTIL))
        then = feature_columns(kinds, behaviour=behaviour)
    return plan, now, then


def _person_parts(
    frames: _Frames,
    plan: Any,
    rules: ProfileRules,
    params: ProfileParams,
    *,
    now: list[str],
    then: list[str] | None,
    work: Path,
) -> tuple[Any, pd.RangeIndex, int]:
    """Every person's own parts, made per partition and written; their numbers read back
    on the driver (the text parts stay in Parquet), and how many partitions there were."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyspark.sql import functions as F

    from graph.profiles.partition import flat_columns, unflatten

    spark = frames.codes.sparkSession
    persons = frames.codes.count()
    spread = max(int(spark.conf.get("spark.sql.shuffle.partitions") or 8), persons // 50_000, 1)
    columns = flat_columns(now, then)
    schema = ", ".join(f"`{k}` {v}" for k, v in columns.items())
    flat = frames.rows.groupBy(F.col("personId") % spread).applyInPandas(
        _person_parts_fn(plan, rules, params.top_categories, now, then), schema
    )
    flat.write.mode("overwrite").parquet(str(work / "parts"))
    numbers = [c for c in columns if c not in _SPARK_TEXTS]
    read = pq.read_table(str(work / "parts"), columns=numbers)
    parts, index = unflatten(
        read.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get), now, then
    )
    return parts, index, spread


def _shared(
    frames: _Frames,
    person_edges: DataFrame | None,
    influence: pd.DataFrame | None,
    memberships: pd.DataFrame | None,
    work: Path,
) -> Any:
    """Influence, memberships and referrals coded as the persons are, on the driver."""
    import pandas as pd
    from pyspark.sql import functions as F

    from graph.profiles.job import Shared

    spark = frames.codes.sparkSession

    def coded(frame: pd.DataFrame | None, columns: list[str], name: str) -> pd.DataFrame:
        if frame is None or frame.empty:
            return pd.DataFrame(columns=[name, *columns[1:]])
        ids = frames.codes.withColumnRenamed("person_id", columns[0])
        joined = spark.createDataFrame(frame[columns]).join(ids, columns[0])
        read = _on_driver(joined.drop(columns[0]).withColumnRenamed("code", name), work / name)
        return read.astype({name: "int64"})

    social = person_edges is not None and bool(
        person_edges.filter(F.col("kind") != str(RelType.REFERRED)).limit(1).count()
    )
    members = (
        memberships.rename(columns={"community_id": "communityId"})
        if memberships is not None
        else None
    )
    influenced = coded(influence, ["person_id", "rank", "score"], "person_id")
    if not influenced.empty:
        influenced = influenced.astype({"rank": "int64"})
    return Shared(
        influence=influenced,
        memberships=coded(members, ["person_id", "communityId"], "personId"),
        referrals=_on_driver(frames.referrals.select("src", "dst"), work / "referrals").astype(
            "int64"
        ),
        social=social,
        touches=frames.touches is not None and bool(frames.touches.limit(1).count()),
    )


def _write(
    frames: _Frames,
    result: Profiles,
    as_of: pd.Timestamp,
    params: ProfileParams,
    *,
    rules: ProfileRules,
    run: str,
    out: Path,
) -> None:
    """The driver's table back to Spark, joined with the text parts and the person ids,
    written as a store keeps it (``profile_details/``) and as the export (``profiles/``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyspark.sql import functions as F

    from graph.profiles.rows import json_list

    spark = frames.codes.sparkSession
    work = out / "_profiles_work"
    core = result.table.drop(columns=[c for c in _SPARK_TEXTS if c in result.table])
    core = core.assign(tags=core["tags"].map(json_list)).reset_index(names="code")
    pq.write_table(  # Spark reads microseconds, not nanoseconds
        pa.Table.from_pandas(core, preserve_index=False),
        str(work / "core.parquet"),
        coerce_timestamps="us",
    )
    del core
    texts = spark.read.parquet(str(work / "parts")).select(
        F.col("personId").alias("code"), *_SPARK_TEXTS
    )
    joined = (
        spark.read.parquet(str(work / "core.parquet"))
        .join(texts, "code")
        .join(frames.codes, "code")
        .drop("code")
    )
    detail_schema = ", ".join(f"`{k}` {v}" for k, v in DETAIL_COLUMNS.items())
    full = joined.mapInPandas(
        _rows_fn(as_of, params, run, rules.currency.reporting),
        f"{detail_schema}, community_id string, influence_rank long",
    )
    full.write.mode("overwrite").parquet(str(work / "rows"))
    written = spark.read.parquet(str(work / "rows"))
    written.drop("community_id", "influence_rank").orderBy("personId").write.mode(
        "overwrite"
    ).parquet(str(out / "profile_details"))
    names = {"personId": "person_id", "recencyDays": "recency_days", "rfmScore": "rfm_score",
             "rfmSegment": "rfm_segment", "expectedPurchases": "expected_purchases",
             "pAlive": "p_alive", "predictedClv": "predicted_clv", "churnRisk": "churn_risk",
             "asOf": "as_of"}  # fmt: skip
    export = written.select(
        *(F.col(source).alias(name) for source, name in names.items() if name in EXPORT_COLUMNS),
        *(c for c in EXPORT_COLUMNS if c not in names.values()),
    ).select(*EXPORT_COLUMNS)
    export.orderBy("person_id").write.mode("overwrite").parquet(str(out / "profiles"))


def _rows_fn(as_of: pd.Timestamp, params: ProfileParams, run: str, currency: str) -> Any:
    """Each batch of joined profiles as the rows a store keeps (``mapInPandas``)."""

    def rows(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd

        from graph.profiles.rows import profile_rows

        for batch in batches:
            table = batch.set_index("person_id")
            table["consent_marketing"] = table["consent_marketing"].astype(bool)
            converted = profile_rows(
                Profiles(table, [], []), as_of=as_of, params=params, run=run, currency=currency
            )
            frame = pd.DataFrame({name: list(converted.column(name)) for name in DETAIL_COLUMNS})
            rank = table["influence_rank"].to_numpy(dtype=float)
            frame["community_id"] = table["community_id"].to_numpy(dtype=object)
            frame["influence_rank"] = pd.array(rank, dtype="Float64").astype("Int64")
            yield frame

    return rows
