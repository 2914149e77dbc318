"""Journeys in Spark: each person's journeys in partitions, attribution on the driver.

The in-process job reads every touchpoint event and order, builds every person's journeys
(``build_journeys``), and from them the paths, attribution, transitions and each person's
behaviour. Here:

1. In Spark, as the job's named queries read a store: the touchpoint events (one per
   touchpoint row: record, channel, time in whole seconds, count) and the orders (rebuilt
   from their lines as a load keeps them), both up to the end of the ``as_of`` day, each
   mapped to its record's person. The instant journeys are seen from is the end of that
   day, or the latest event.
2. Persons hashed into partitions (at least one per 50,000 persons); per partition
   (``applyInPandas``) the in-process ``build_journeys`` and ``person_behaviour`` on that
   partition's persons: a person's journeys depend on their own events only. Out come the
   behaviour rows (final) and, compacted, the journeys and their collapsed steps.
3. On the driver, the one large node: the journeys and steps of every person, read with
   Arrow, numbered as in process (by person, then time; channels in name order), and
   ``summarise_journeys``: paths, the seven attribution models and the transitions. The
   driver holds the journeys (about 60 bytes each) and their steps (about 24 bytes each),
   not the events.

Example (``rows`` from ``read_inputs``, ``records`` from identity)::

    counts = journeys(rows, records, JourneyParams(), Path("results"), purchases.orders)
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from graph.journeys.job import NO_TOUCHES, JourneyParams, person_behaviour, summarise_journeys
from graph.journeys.paths import Journeys, build_journeys, ns_times, path_keys
from graph.model import until
from spark.session import Held

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

__all__ = ["journeys"]

#: The rows each partition gives back: ``part`` says which (b: behaviour, j: journey,
#: s: step); ``seq`` numbers a person's journeys, ``step`` a journey's steps.
_OUT_SCHEMA = (
    "part string, personId string, seq long, step long, orderId string, converted boolean, "
    "revenue double, startAt long, endAt long, touches long, open boolean, channelId string, "
    "at long, journeys long, conversions long, touchesBeforeFirstPurchase long, "
    "daysBeforeFirstPurchase double, lastChannelBeforeConversion string, "
    "topChannelBeforeConversion string, stage string"
)
_BEHAVIOUR = (
    "personId", "journeys", "conversions", "touchesBeforeFirstPurchase",
    "daysBeforeFirstPurchase", "lastChannelBeforeConversion", "topChannelBeforeConversion",
    "stage",
)  # fmt: skip


def _events(rows: dict[str, DataFrame], person: DataFrame, end: str) -> DataFrame:
    """``journeys/touches`` mapped to persons: person_id, channelId, atSeconds, count."""
    from pyspark.sql import functions as F

    fields = "uid string, channelId string, firstAt string, `count` long"
    touch = rows["touchpoints"].select(F.from_json("row", fields).alias("r")).select("r.*")
    return (
        touch.filter(F.col("firstAt") <= end)
        .join(person, "uid", "left")
        .select(
            "person_id",
            "channelId",
            F.col("firstAt").cast("timestamp").cast("long").alias("atSeconds"),
            "count",
        )
    )


def _orders(orders: DataFrame | None, person: DataFrame, end: str) -> DataFrame:
    """``profiles/orders`` as the journeys job reads them: person_id, orderId, at, revenue
    (``orders``: the run's ``orders_of``; None: no purchases)."""
    from pyspark.sql import functions as F

    spark = person.sparkSession
    if orders is None:
        return spark.createDataFrame(
            [], "person_id string, orderId string, at string, revenue double"
        )
    return (
        orders.filter(F.col("purchasedAt") <= end)
        .join(person, "uid")
        .select(
            "person_id",
            "orderId",
            F.col("purchasedAt").alias("at"),
            F.col("amount").alias("revenue"),
        )
    )


def _end_ns(events: DataFrame, orders: DataFrame, params: JourneyParams) -> int:
    """The instant journeys are seen from (``graph.journeys.job._end``), in nanoseconds."""
    import pandas as pd
    from pyspark.sql import functions as F

    if params.as_of is not None:
        return int(pd.Timestamp(until(params.as_of)).as_unit("ns").value)
    touch = events.agg(F.max("atSeconds")).first()[0]
    latest = orders.agg(F.max_by("at", F.col("at").cast("timestamp"))).first()[0]
    times = [int(touch) * 1_000_000_000] if touch is not None else []
    if latest is not None:
        times.append(int(ns_times(pd.Series([latest]))[0]))
    return max(times, default=0)


def _per_person(end: int, params: JourneyParams) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Per partition of persons: their journeys, collapsed steps and behaviour."""

    def run(frame: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        t = frame[frame["kind"] == "t"]
        o = frame[frame["kind"] == "o"]
        touches = pd.DataFrame(
            {
                "personId": t["person_id"].to_numpy(dtype=object),
                "channelId": t["channelId"].to_numpy(dtype=object),
                "at": t["atSeconds"].to_numpy(dtype=np.int64) * 1_000_000_000,
                "count": t["count"].to_numpy(dtype=np.int64),
            }
        )
        orders = pd.DataFrame(
            {
                "personId": o["person_id"].to_numpy(dtype=object),
                "orderId": o["orderId"].to_numpy(dtype=object),
                "at": ns_times(o["at"]),
                "revenue": o["revenue"].to_numpy(dtype=float),
            }
        )
        j = build_journeys(
            touches, orders, end=pd.Timestamp(end, unit="ns", tz="UTC"),
            lookback_days=params.lookback_days,
        )  # fmt: skip
        behaviour = person_behaviour(j, touches, orders, params.lookback_days)
        frame_j = j.journeys
        seq = frame_j.groupby("person").cumcount().to_numpy()
        journey_rows = pd.DataFrame(
            {
                "part": "j",
                "personId": frame_j["personId"].to_numpy(dtype=object),
                "seq": seq,
                "orderId": frame_j["orderId"],
                "converted": frame_j["converted"],
                "revenue": frame_j["revenue"],
                "startAt": frame_j["startAt"],
                "endAt": frame_j["endAt"],
                "touches": frame_j["touches"],
                "open": frame_j["open"],
            }
        )
        steps = j.steps
        owner = steps["journey"].to_numpy()
        step_rows = pd.DataFrame(
            {
                "part": "s",
                "personId": frame_j["personId"].to_numpy(dtype=object)[owner],
                "seq": seq[owner],
                "step": steps.groupby("journey").cumcount().to_numpy(),
                "channelId": j.channels[steps["channel"].to_numpy()],
                "at": steps["at"].to_numpy(),
            }
        )
        out = pd.concat([journey_rows, step_rows, behaviour.assign(part="b")], ignore_index=True)
        return out.reindex(columns=[c.split()[0] for c in _OUT_SCHEMA.split(", ")])

    return run


def _assemble(journey_rows: pd.DataFrame, step_rows: pd.DataFrame, channels: list[str],
              end: int) -> Journeys:  # fmt: skip
    """Every person's journeys as one ``Journeys``, numbered as ``build_journeys`` numbers
    them: by person, then time; channels in name order."""
    import pandas as pd

    jr = journey_rows.sort_values(["personId", "seq"], ignore_index=True)
    persons, person = np.unique(jr["personId"].to_numpy(dtype=object), return_inverse=True)
    index = pd.MultiIndex.from_arrays([jr["personId"], jr["seq"]])
    st = step_rows.sort_values(["personId", "seq", "step"], ignore_index=True)
    names = np.array(sorted(channels), dtype=object)
    steps = pd.DataFrame(
        {
            "journey": index.get_indexer(pd.MultiIndex.from_arrays([st["personId"], st["seq"]])),
            "channel": np.searchsorted(names, st["channelId"].to_numpy(dtype=object)),
            "at": st["at"].to_numpy(dtype=np.int64),
        }
    )
    key, path = path_keys(steps, len(jr), names)
    frame = pd.DataFrame(
        {
            "person": person.astype(np.int64),
            "personId": jr["personId"].to_numpy(dtype=object),
            "orderId": pd.Series(jr["orderId"].to_numpy(dtype=object), dtype=object),
            "converted": jr["converted"].to_numpy(dtype=bool),
            "revenue": jr["revenue"].to_numpy(dtype=float),
            "startAt": jr["startAt"].to_numpy(dtype=np.int64),
            "endAt": jr["endAt"].to_numpy(dtype=np.int64),
            "touches": jr["touches"].to_numpy(dtype=np.int64),
            "open": jr["open"].to_numpy(dtype=bool),
            "path": path,
            "key": key,
        }
    )
    frame["orderId"] = frame["orderId"].where(frame["converted"], None)
    return Journeys(frame, steps, names, end, persons)


def journeys(
    rows: dict[str, DataFrame],
    records: DataFrame,
    params: JourneyParams,
    out: Path,
    orders: DataFrame | None,
) -> dict[str, Any]:
    """Every person's journeys from the touchpoint ``rows`` and the run's ``orders``
    (``Purchases.orders``); ``paths/``, ``attribution/``, ``transitions/`` and
    ``journey_behaviour/`` written under ``out`` (the columns of the store's tables);
    the run's counts returned (those of the in-process run)."""
    import pyarrow.dataset as ds
    from pyspark.sql import functions as F

    spark = records.sparkSession
    if "touchpoints" not in rows:
        return {"skipped": NO_TOUCHES}
    end_text = until(params.as_of)
    person = records.select("uid", "person_id")
    held = Held()
    try:
        events = held(_events(rows, person, end_text))
        resolved = events.filter(F.col("person_id").isNotNull())
        orders = held(_orders(orders, person, end_text))
        counts: dict[str, Any] = {
            "touchpoints": resolved.count(),
            "orders": orders.count(),
            "unresolved_touchpoints": events.filter(F.col("person_id").isNull()).count(),
        }
        if counts["touchpoints"] == 0:
            return {**counts, "skipped": NO_TOUCHES}
        end = _end_ns(resolved, orders, params)
        persons = records.select("person_id").distinct().count()
        spread = max(int(spark.conf.get("spark.sql.shuffle.partitions") or 8), persons // 50_000, 1)
        together = (
            resolved.withColumn("kind", F.lit("t"))
            .unionByName(orders.withColumn("kind", F.lit("o")), allowMissingColumns=True)
            .withColumn("bucket", F.pmod(F.hash("person_id"), F.lit(spread)))
        )
        parts = together.groupBy("bucket").applyInPandas(_per_person(end, params), _OUT_SCHEMA)
        parts.write.mode("overwrite").partitionBy("part").parquet(str(out / "_journeys"))
    finally:
        held.release()
    behaviour = spark.read.parquet(str(out / "_journeys" / "part=b")).select(*_BEHAVIOUR)
    behaviour.orderBy("personId").write.mode("overwrite").parquet(str(out / "journey_behaviour"))
    channels = [r[0] for r in resolved.select("channelId").distinct().collect() if r[0] is not None]
    journey_rows = ds.dataset(str(out / "_journeys" / "part=j"), format="parquet").to_table()
    step_rows = ds.dataset(str(out / "_journeys" / "part=s"), format="parquet").to_table()
    j = _assemble(
        journey_rows.select(
            ["personId", "seq", "orderId", "converted", "revenue", "startAt", "endAt",
             "touches", "open"]
        ).to_pandas(),
        step_rows.select(["personId", "seq", "step", "channelId", "at"]).to_pandas(),
        channels,
        end,
    )  # fmt: skip
    del journey_rows, step_rows
    result = summarise_journeys(j, params)
    for name, frame in (
        ("paths", result.paths),
        ("attribution", result.attribution),
        ("transitions", result.transitions),
    ):
        _write(frame, out / name)
    shutil.rmtree(out / "_journeys", ignore_errors=True)
    counts.update(result.counts)
    counts["partitions"] = spread
    counts["params"] = {**asdict(params), "as_of": str(params.as_of) if params.as_of else None}
    return counts


def _write(frame: pd.DataFrame, folder: Path) -> None:
    """A driver-side table as a Parquet folder, like the folders Spark writes."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    frame.to_parquet(folder / "part-00000.parquet", index=False)
