"""A Spark run's graph as ``neo4j-admin`` import files, so Neo4j serves what Spark made.

``write_import(...)`` writes, under ``out/neo4j/``, the graph an online load of the same
files builds — records, identifiers, channels, products, orders, touchpoint events, links
and the load manifest, by the load's upsert rules (the last row of a record wins,
touchpoints summed into ``TOUCHED``, an order's amount its direct amount plus its lines) —
and the run's results on it: persons (size; influence, community, profile and journey
properties, as the in-process jobs store them), ``RESOLVES_TO``, ``MATCHES``, the
person-level links, communities with their summaries and ``IN_COMMUNITY``, segments and
tags, journeys' paths, credits and transitions, the identity lineage, the reviewers'
decisions and a ``JobRun`` per job. Matches carry their per-field evidence; each record's
``RESOLVES_TO`` carries its hashed blocking keys and the ``IdentityState`` node the model
and settings, so the database's next identity run is incremental, as after a full run in
process. Each label or type is a header file (``Customer.header.csv``) and Spark's part
files (``Customer/part-*.csv``), imported as one group; ``import.args`` is the argument
file ``neo4j-admin database import full`` takes, and ``import.json`` the rows per label
and type, which ``custgraph load --import-dir`` checks the database holds afterwards.

The loaded graph's columns and headers are the bulk load's (:data:`loaders.bulk.EXPORTS`),
so its files hold what ``custgraph load --bulk`` writes for the same files
(``tests/spark/test_parity.py`` compares them row by row).

Example (``run_spark`` calls it when ``SparkParams.neo4j_import`` is set)::

    files = write_import(spark, inputs, Path("results"), records=records,
                         loaded_at="2026-01-01T00:00:00Z", mapping=Mapping(), region="US",
                         batch_size=5000, jobs=jobs, purchases=Purchases.of(inputs.rows))
    files.counts()  # {'Customer': 2500, 'Identifier': 5710, ...}
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from graph.identity.job import STATE_NAME
from graph.model import CUSTOMER_FIELDS, IDENTIFIER_KINDS, Label, RelType
from loaders.bulk import (
    EXPORTS,
    TOUCH_FILES,
    ImportColumn,
    ImportFile,
    ImportSet,
    ImportSink,
    write_header,
)
from loaders.load import file_key
from loaders.mapping import Mapping
from loaders.report import FIELD_DROPPED, ROW_REJECTED
from loaders.rows import identifiers_of
from spark.orders import Purchases, latest, order_lines_of

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

    from spark.inputs import Inputs

__all__ = ["FOLDER", "JobRuns", "write_import"]

#: The folder of a run's results that holds its import files.
FOLDER = "neo4j"

#: The Spark type each import-header type is written from.
_SPARK = {
    "string": "string",
    "long": "bigint",
    "double": "double",
    "boolean": "boolean",
    "date": "string",
    "datetime": "string",
    "byte[]": "string",  # signed bytes joined by ';' (:func:`_key_text`)
}

_C = Label.CUSTOMER
_BY_NAME = {str(e.name): e for e in EXPORTS}
_TOUCH_COLUMNS = {str(name): columns for name, _, columns in TOUCH_FILES}


def _columns(name: str) -> tuple[ImportColumn, ...]:
    """The bulk load's columns of a label or type of the loaded graph."""
    return _TOUCH_COLUMNS[name] if name in _TOUCH_COLUMNS else _BY_NAME[name].columns


@dataclass(frozen=True, slots=True)
class _Group:
    """One group of import files to write: the label or type, whether nodes, the files'
    stem (``Person-REFERRED`` when two groups share a type), the columns, the frame, and
    the name ``status/counts`` counts its rows under (None: not counted there)."""

    name: str
    node: bool
    stem: str
    columns: tuple[ImportColumn, ...]
    #: a Spark frame, or a small table the driver holds (written here, with no Spark job)
    frame: DataFrame | pa.Table
    counted: str | None


#: CSV as the bulk load writes it (RFC 4180): a quote doubled inside a quoted value, spaces
#: kept (Spark trims them unless told), null an empty field, an empty text ``""``.
_CSV = {"escape": '"', "ignoreLeadingWhiteSpace": "false", "ignoreTrailingWhiteSpace": "false"}


def _write(groups: Sequence[_Group], folder: Path) -> tuple[list[ImportFile], dict[str, int]]:
    """Write every group's part files and header file, counting rows, line breaks and
    identifier labels on the way (one pass each). The groups are written by a few threads
    at once: each is a small Spark job whose time is mostly the driver's planning and
    scheduling, which overlap. Returns the written files (groups without rows left out, in
    ``groups``' order) and the rows per counted name."""
    from concurrent.futures import ThreadPoolExecutor

    def write(g: _Group) -> tuple[ImportFile, dict[str, int]]:
        return _write_table(g, folder) if isinstance(g.frame, pa.Table) else _write_group(g, folder)

    with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="neo4j-import") as pool:
        done = list(pool.map(write, groups))
    files = [f for f, _ in done if f.rows]
    counts: dict[str, int] = {}
    for (f, labels), g in zip(done, groups, strict=True):
        if g.counted is not None:
            counts[g.counted] = counts.get(g.counted, 0) + f.rows
        counts.update(labels)
        if not f.rows:
            shutil.rmtree(folder / g.stem, ignore_errors=True)
            f.header.unlink()
    return files, {k: v for k, v in counts.items() if v}


#: Groups written at once (:func:`_write`).
WRITERS = 4


def _write_table(g: _Group, folder: Path) -> tuple[ImportFile, dict[str, int]]:
    """Write a group the driver holds as the bulk load writes its files (one part)."""
    assert isinstance(g.frame, pa.Table)
    (folder / g.stem).mkdir()
    out = ImportFile(g.name, g.node, folder / f"{g.stem}.header.csv",
                     [folder / g.stem / "part-00000.csv"])  # fmt: skip
    sink = ImportSink(out, g.columns)
    try:
        sink.write(g.frame)
    finally:
        sink.close()
    return out, {}


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[ImportColumn]) -> pa.Table:
    """A driver-held group's table from rows (``None`` where a row lacks a column)."""
    return pa.table({c.name: [r.get(c.name) for r in rows] for c in columns})


def _write_group(g: _Group, folder: Path) -> tuple[ImportFile, dict[str, int]]:
    """Write one group: its part files (no header in them) and its header file; the rows,
    whether a text holds a line break, and (identifiers) the rows per label."""
    from pyspark.sql import Observation
    from pyspark.sql import functions as F

    labels = [str(x) for x in IDENTIFIER_KINDS.values()] if g.name == Label.IDENTIFIER else []
    typed = g.frame.select(*(F.col(c.name).cast(_SPARK[c.type]).alias(c.name) for c in g.columns))
    texts = [F.coalesce(F.col(c.name).rlike("[\r\n]"), F.lit(False)) for c in g.columns
             if _SPARK[c.type] == "string"]  # fmt: skip
    broken = F.greatest(*texts, F.lit(False)) if texts else F.lit(False)
    seen = Observation(f"neo4j-{g.stem}")
    observed = typed.observe(
        seen,
        F.count(F.lit(1)).alias("rows"),
        F.coalesce(F.max(broken.cast("int")), F.lit(0)).alias("breaks"),
        *(F.sum((F.col("label") == x).cast("long")).alias(f"label {x}") for x in labels),
    )
    data = folder / g.stem
    observed.write.mode("overwrite").options(**_CSV).option("header", False).csv(str(data))
    metrics = seen.get
    header = folder / f"{g.stem}.header.csv"
    write_header(header, g.columns)
    parts = sorted(p for p in data.glob("part-*.csv") if p.stat().st_size > 0)
    rows, breaks = int(metrics.get("rows") or 0), bool(metrics.get("breaks") or 0)
    written = ImportFile(g.name, g.node, header, parts, rows, breaks)
    return written, {x: int(metrics.get(f"label {x}") or 0) for x in labels}


def _parsed(rows: DataFrame, schema: str) -> DataFrame:
    """Validated rows' fields (``schema``: Spark DDL of the JSON row's keys), with their file
    order and line."""
    from pyspark.sql import functions as F

    return rows.select("ord", "line", F.from_json("row", schema).alias("r")).select(
        "ord", "line", "r.*"
    )


_IDENTIFIER_SCHEMA = "ord int, line long, uid string, key string, kind string, value string"


def _identifiers(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Each customer row's identifiers (:func:`loaders.rows.identifiers_of`, the load's)."""
    import pandas as pd

    for frame in batches:
        out = [
            (o, n, i["uid"], i["key"], i["kind"], i["value"])
            for o, n, text in zip(frame["ord"], frame["line"], frame["row"], strict=True)
            for i in identifiers_of(json.loads(text))
        ]
        yield pd.DataFrame(out, columns=["ord", "line", "uid", "key", "kind", "value"])


def _flagged(referrals: DataFrame, records: DataFrame) -> DataFrame:
    """Referrals with ``selfReferral``: whether both records are one person (the identity
    job's flag)."""
    from pyspark.sql import functions as F

    a = records.select(F.col("uid").alias("src"), F.col("person_id").alias("pa"))
    b = records.select(F.col("uid").alias("dst"), F.col("person_id").alias("pb"))
    return (
        referrals.join(a, "src", "left")
        .join(b, "dst", "left")
        .withColumn("selfReferral", F.coalesce(F.col("pa") == F.col("pb"), F.lit(False)))
    )


def _loaded_graph(
    rows: dict[str, DataFrame], records: DataFrame, purchases: Purchases, cached: list[DataFrame]
) -> Iterator[tuple[str, bool, DataFrame]]:
    """The loaded graph's frames, by the load's upsert rules: (name, node, frame);
    ``purchases``: the run's lines and orders (both set when ``rows`` has purchases);
    frames cached on the way are added to ``cached`` (the caller drops them)."""
    from pyspark.sql import functions as F

    if "customers" in rows:
        customer_types = {"bool": "boolean"}
        fields = ", ".join(
            f"`{c}` {t}"
            for c, t in (
                ("uid", "string"),
                ("source", "string"),
                ("sourceCustomerId", "string"),
                *((f.graph, customer_types.get(f.kind, "string")) for f in CUSTOMER_FIELDS),
            )
        )
        customers = latest(_parsed(rows["customers"], fields), ["uid"])
        yield str(_C), True, customers
        every = rows["customers"].mapInPandas(_identifiers, _IDENTIFIER_SCHEMA)
        # an identifier stays once loaded, even when a later row of its record drops it
        # (``load/clear_customer_identifiers`` unlinks the record, the node remains)
        labels = F.create_map(
            *(
                x
                for kind, label in IDENTIFIER_KINDS.items()
                for x in (F.lit(kind), F.lit(str(label)))
            )
        )
        yield (
            str(Label.IDENTIFIER),
            True,
            every.dropDuplicates(["key"]).withColumn("label", labels[F.col("kind")]),
        )
        kept = every.join(customers.select("uid", "ord", "line"), ["uid", "ord", "line"])
        yield (
            str(RelType.HAS_IDENTIFIER),
            False,
            kept.select(F.col("uid").alias("src"), F.col("key").alias("dst")).distinct(),
        )
    if "channels" in rows:
        channels = _parsed(rows["channels"], "channelId string, kind string, name string")
        yield str(Label.CHANNEL), True, latest(channels, ["channelId"])
    if purchases.lines is not None and purchases.orders is not None:
        yield from _orders(purchases.lines, purchases.orders, cached)
    if "referrals" in rows:
        referrals = _parsed(rows["referrals"], "src string, dst string, at string, campaign string")
        yield str(RelType.REFERRED), False, _flagged(latest(referrals, ["src", "dst"]), records)
    if "social_links" in rows:
        links = latest(
            _parsed(
                rows["social_links"],
                "rel string, src string, dst string, weight double, since string, platform string",
            ),
            ["rel", "src", "dst"],
        )
        for rel in (RelType.FOLLOWS, RelType.FRIENDS_WITH, RelType.INTERACTS_WITH):
            yield str(rel), False, links.filter(F.col("rel") == str(rel))
    if "touchpoints" in rows:
        events = _parsed(
            rows["touchpoints"],
            "uid string, channelId string, firstAt string, event string, count bigint",
        ).select(
            # an import id only (one per input row), as the bulk load's row number is
            F.concat_ws(":", "ord", "line").alias("seq"),
            "uid",
            "channelId",
            F.col("firstAt").alias("at"),
            "event",
            "count",
        )
        for name, node, _ in TOUCH_FILES:
            yield str(name), node, events
        touched = events.groupBy("uid", "channelId").agg(
            F.sum("count").alias("count"), F.min("at").alias("firstAt"), F.max("at").alias("lastAt")
        )
        yield (
            str(RelType.TOUCHED),
            False,
            touched.withColumnRenamed("uid", "src").withColumnRenamed("channelId", "dst"),
        )


def _orders(
    lines: DataFrame, orders: DataFrame, cached: list[DataFrame]
) -> Iterator[tuple[str, bool, DataFrame]]:
    """Products, orders and their links from the run's purchase ``lines`` and ``orders``
    (``spark.orders``: the rules the jobs' orders are rebuilt by). The product lines are
    computed once, on disk, for two writers (added to ``cached``)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    kept = order_lines_of(lines).persist(StorageLevel.DISK_ONLY)
    cached.append(kept)
    yield str(Label.PRODUCT), True, kept.select("productId", "category").distinct()
    yield str(Label.ORDER), True, orders
    yield (
        str(RelType.PLACED),
        False,
        orders.select(F.col("uid").alias("src"), F.col("orderId").alias("dst")),
    )
    yield (
        str(RelType.CONTAINS),
        False,
        kept.select(
            F.col("orderId").alias("src"), F.col("productId").alias("dst"), "quantity", "amount"
        ),
    )
    yield (
        str(RelType.VIA),
        False,
        orders.filter(F.col("channelId").isNotNull()).select(
            F.col("orderId").alias("src"), F.col("channelId").alias("dst")
        ),
    )


def _manifest(
    spark: SparkSession,
    inputs: Inputs,
    rejects: Path,
    *,
    at: str,
    mapping: Mapping,
    region: str,
    batch_size: int,
) -> tuple[pa.Table | None, list[str]]:
    """The load manifest an online load of the same files records (``LoadFile``: key,
    checksum, rows read, loaded, rejected and warned, status done), so a later
    ``custgraph load`` of one of them skips it. Only files on this machine's file system
    are checksummed (a URL's file gets no entry, and a later load reads it again)."""
    from pyspark.sql import functions as F

    local = [f for f in inputs.files if "://" not in f.path and Path(f.path).is_file()]
    if not local:
        return None, []
    from functools import reduce

    # rows read: one validated row per line loaded or rejected (a dropped field's warning
    # is a row of its own); rows loaded: read less rejected, as a load counts them
    read = reduce(
        lambda a, b: a.unionByName(b),
        [
            f.filter(F.col("ok") | (F.col("action") == ROW_REJECTED)).select("ord")
            for f in inputs.cached
        ],
    )
    lines = {int(r["ord"]): int(r["count"]) for r in read.groupBy("ord").count().collect()}
    # the run wrote the rejects already: read them back (planning them again costs more)
    bad: dict[tuple[str, str], int] = {
        (str(r["file"]), str(r["action"])): int(r["n"])
        for r in spark.read.parquet(str(rejects))
        .groupBy("file", "action")
        .agg(F.countDistinct("line").alias("n"))
        .collect()
    }
    entries = []
    for f in local:
        checksum, key = file_key(Path(f.path), f.kind, mapping, region)
        rejected = bad.get((f.name, ROW_REJECTED), 0)
        read = lines.get(f.ord, 0)
        entries.append(
            {
                "fileKey": key,
                "path": f.path,
                "kind": f.kind,
                "checksum": checksum,
                "batchSize": batch_size,
                "batchesDone": math.ceil(read / batch_size),
                "rowsRead": read,
                "rowsLoaded": read - rejected,
                "rowsRejected": rejected,
                "rowsWarned": bad.get((f.name, FIELD_DROPPED), 0),
                "status": "done",
                "startedAt": at,
                "finishedAt": at,
            }
        )
    table = _table(entries, _columns(str(Label.LOAD_FILE)))
    return table, [str(e["fileKey"]) for e in entries]


@dataclass(frozen=True, slots=True)
class JobRuns:
    """The run's jobs as a database records runs (``JobRun``: ``runId``, ``job``,
    ``params``, ``seed``, ``counts``, ``timings`` (JSON text), ``status``, ``startedAt``,
    ``finishedAt``), by job; and the profile run's segment and tag tables (``run.json``'s
    ``segment_table`` and ``tag_table``)."""

    runs: dict[str, dict[str, Any]]
    segments: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    #: the reviewers' decisions the run applied (``key``, ``a``, ``b``, ``decision``): kept
    #: as ``IdentityOverride`` nodes, so later identity runs on the database apply them too
    overrides: list[dict[str, str]] = field(default_factory=list)
    #: what a full identity run leaves for incremental runs (``graph.identity.job``'s
    #: ``full_run_state``): kept as the ``IdentityState`` node, so the database's next
    #: identity run can be incremental
    identity_state: dict[str, Any] | None = None

    def id_of(self, job: str) -> str | None:
        """The run id of ``job`` (None: the run did not run it)."""
        run = self.runs.get(job)
        return None if run is None else str(run["runId"])


_JOB_RUN = (
    ImportColumn("runId"),
    ImportColumn("job"),
    ImportColumn("params"),
    ImportColumn("seed", "long"),
    ImportColumn("counts"),
    ImportColumn("timings"),
    ImportColumn("status"),
    ImportColumn("startedAt"),
    ImportColumn("finishedAt"),
)

#: Influence and community properties of a person: (folder, job, {column: property}).
_PERSON_RESULTS: tuple[tuple[str, str, dict[str, str]], ...] = (
    (
        "influencers",
        "influence",
        {
            "score": "influenceScore",
            "rank": "influenceRank",
            "pagerank": "pagerank",
            "in_degree": "inDegree",
            "out_degree": "outDegree",
            "referral_reach": "referralReach",
            "referral_depth": "referralDepth",
            "referred_revenue": "referredRevenue",
            "coreness": "coreness",
            "betweenness": "betweenness",
        },
    ),
    (
        "communities",
        "communities",
        {"community_id": "communityId", "participation": "participation"},
    ),
)

_HEADER_TYPES = {"bigint": "long", "int": "long", "double": "double", "boolean": "boolean"}

_Out = tuple[str, bool, "DataFrame", tuple[ImportColumn, ...]]


def _cols(*specs: str) -> tuple[ImportColumn, ...]:
    """Columns from ``name`` or ``name:type`` (``_cols("path", "journeys:long")``)."""
    return tuple(ImportColumn(*spec.split(":")) for spec in specs)


def _ends(src: Label, dst: Label) -> tuple[ImportColumn, ImportColumn]:
    return (
        ImportColumn("src", header=f":START_ID({src})"),
        ImportColumn("dst", header=f":END_ID({dst})"),
    )


def _persons(
    parquet: Callable[[str], DataFrame | None], records: DataFrame, jobs: JobRuns
) -> tuple[DataFrame, tuple[ImportColumn, ...]]:
    """Person nodes: size and identity run; influence, community, profile and journey
    properties as the jobs store them (each with its run)."""
    from pyspark.sql import functions as F

    identity = jobs.id_of("identity")
    ids = parquet("person_ids")
    assert ids is not None  # identity always runs
    sizes = records.groupBy("person_id").agg(F.count(F.lit(1)).alias("size"))
    persons = (
        ids.filter(~F.col("retired"))
        .join(sizes, "person_id")
        .select(
            F.col("person_id").alias("personId"),
            F.col("created_at").alias("createdAt"),
            "size",
            F.lit(identity).alias("run"),
        )
    )
    columns: list[ImportColumn] = [
        ImportColumn("personId", header=f"personId:ID({Label.PERSON})"),
        ImportColumn("createdAt"),
        ImportColumn("size", "long"),
        ImportColumn("run"),
    ]

    def add(frame: DataFrame, renames: dict[str, str], key: str) -> None:
        nonlocal persons
        picked = frame.select(
            F.col(key).alias("personId"),
            *(F.col(c).alias(p) for c, p in renames.items() if c != key),
        )
        persons = persons.join(picked, "personId", "left")
        types = dict(picked.dtypes)
        columns.extend(
            ImportColumn(p, _HEADER_TYPES.get(types[p], "string"))
            for c, p in renames.items()
            if c != key
        )

    for name, job, renames in _PERSON_RESULTS:
        frame = parquet(name)
        if frame is not None and jobs.id_of(job) is not None:
            add(frame, renames, "person_id")
            if job == "influence":
                persons = persons.withColumn(
                    "influenceRun",
                    F.when(F.col("influenceRank").isNotNull(), F.lit(jobs.id_of(job))),
                )
                columns.append(ImportColumn("influenceRun"))
    details = parquet("profile_details")
    if details is not None:
        renames = {c: c for c in details.columns if c not in ("personId", "asOf", "run")}
        add(details, {"asOf": "profileAsOf", **renames, "run": "profileRun"}, "personId")
    behaviour = parquet("journey_behaviour")
    if behaviour is not None:
        renames = {c: c for c in behaviour.columns if c not in ("personId", "stage")}
        add(behaviour, {**renames, "stage": "journeyStage"}, "personId")
        persons = persons.withColumn(
            "journeyRun", F.when(F.col("journeyStage").isNotNull(), F.lit(jobs.id_of("journeys")))
        )
        columns.append(ImportColumn("journeyRun"))
    return persons, tuple(columns)


def _results(
    spark: SparkSession,
    out: Path,
    rows: dict[str, DataFrame],
    records: DataFrame,
    jobs: JobRuns,
) -> Iterator[_Out]:
    """The run's results as graph: persons with their properties, ``RESOLVES_TO``,
    ``MATCHES``, the person-level links, communities and memberships, segments and tags,
    journeys' paths, credits and transitions, the identity lineage and the job runs."""
    from pyspark.sql import functions as F

    def parquet(name: str) -> DataFrame | None:
        return spark.read.parquet(str(out / name)) if (out / name).is_dir() else None

    identity = jobs.id_of("identity")
    persons, columns = _persons(parquet, records, jobs)
    details = parquet("profile_details")
    yield str(Label.PERSON), True, persons, tuple(columns)
    resolved = parquet("identities")
    assert resolved is not None
    links = resolved.select(
        F.concat_ws(":", "source", "source_customer_id").alias("src"),
        F.col("person_id").alias("dst"),
        F.lit(identity).alias("run"),
        "confidence",
    )
    linked: tuple[ImportColumn, ...] = (
        *_ends(_C, Label.PERSON),
        ImportColumn("run"),
        ImportColumn("confidence", "double"),
    )
    keys = parquet("record_keys")
    if keys is not None:
        text = keys.mapInPandas(_key_text, "uid string, keys string")
        links = links.join(text.withColumnRenamed("uid", "src"), "src", "left")
        linked = (*linked, ImportColumn("keys", "byte[]"))
    yield str(RelType.RESOLVES_TO), False, links, linked
    matches = parquet("matches")
    if matches is not None:
        evidence = (ImportColumn("evidence"),) if "evidence" in matches.columns else ()
        yield (
            str(RelType.MATCHES),
            False,
            matches,
            (*_ends(_C, _C), ImportColumn("score", "double"), ImportColumn("rule"), *evidence),
        )
    if jobs.identity_state is not None:
        state = (ImportColumn("name", header=f"name:ID({Label.IDENTITY_STATE})"),
                 ImportColumn("value"))  # fmt: skip
        row = {"name": STATE_NAME, "value": json.dumps(jobs.identity_state)}
        yield str(Label.IDENTITY_STATE), True, _table([row], state), state
    lineage = parquet("lineage")
    if lineage is not None:
        at = jobs.runs["identity"]["finishedAt"]
        event_id = F.substring(
            F.sha1(F.concat_ws("|", F.lit(identity), "event", "person_id", "other_id")), 1, 16
        )
        yield (
            str(Label.IDENTITY_EVENT),
            True,
            lineage.select(
                event_id.alias("eventId"),
                F.lit(identity).alias("run"),
                F.lit(at).alias("at"),
                "event",
                F.col("person_id").alias("personId"),
                F.col("other_id").alias("otherId"),
            ),
            tuple(
                ImportColumn(c) for c in ("eventId", "run", "at", "event", "personId", "otherId")
            ),
        )
    memberships = parquet("communities")
    summary = parquet("community_summary")
    if memberships is not None and summary is not None and jobs.id_of("communities") is not None:
        yield (
            str(Label.COMMUNITY),
            True,
            summary.withColumn("run", F.lit(jobs.id_of("communities"))),
            (
                ImportColumn("communityId", header=f"communityId:ID({Label.COMMUNITY})"),
                ImportColumn("size", "long"),
                *_COMMUNITY_SUMMARY,
            ),
        )
        yield (
            str(RelType.IN_COMMUNITY),
            False,
            memberships.select(F.col("person_id").alias("src"), F.col("community_id").alias("dst")),
            _ends(Label.PERSON, Label.COMMUNITY),
        )
    if details is not None:
        yield from _segments_and_tags(details, jobs)
    yield from _journeys(out, rows, jobs.id_of("journeys"))
    yield from _person_links(
        rows, records.select(F.col("uid").alias("src"), F.col("person_id").alias("dst"))
    )
    if jobs.overrides:
        decided = (ImportColumn("key"), ImportColumn("a"), ImportColumn("b"),
                   ImportColumn("decision"))  # fmt: skip
        yield (
            str(Label.IDENTITY_OVERRIDE),
            True,
            _table(jobs.overrides, decided),
            decided,
        )
    yield (
        str(Label.JOB_RUN),
        True,
        _table(list(jobs.runs.values()), _JOB_RUN),
        _JOB_RUN,
    )


_COMMUNITY_SUMMARY = _cols(
    *("density:double", "modularityShare:double", "revenue:double", "churnRate:double"),
    *("dominantChannel", "topInfluencers", "run"),
)


def _key_text(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Each record's packed keys as an import file's ``byte[]`` value: the signed bytes
    joined by ``;`` (the import's array delimiter), so the database holds the bytes the
    in-process job stores (``RESOLVES_TO.keys``)."""
    import numpy as np
    import pandas as pd

    for frame in batches:
        texts = [
            None if b is None else ";".join(map(str, np.frombuffer(b, dtype=np.int8).tolist()))
            for b in frame["keys"].tolist()
        ]
        yield frame.assign(keys=pd.Series(texts, index=frame.index, dtype=object))


def _segments_and_tags(details: DataFrame, jobs: JobRuns) -> Iterator[_Out]:
    """Segment and tag nodes (the profile run's tables) and who is in or has each."""
    from pyspark.sql import functions as F

    run = details.select("run").limit(1).collect()
    profile_run = str(run[0]["run"]) if run else None
    segment = (ImportColumn("name", header=f"name:ID({Label.SEGMENT})"),
               ImportColumn("description"), ImportColumn("size", "long"),
               ImportColumn("centroid"), ImportColumn("run"))  # fmt: skip
    tag = (ImportColumn("name", header=f"name:ID({Label.TAG})"), ImportColumn("rule"),
           ImportColumn("marketing", "boolean"), ImportColumn("description"),
           ImportColumn("size", "long"), ImportColumn("run"))  # fmt: skip
    for label, table, cols in (
        (Label.SEGMENT, jobs.segments, segment),
        (Label.TAG, jobs.tags, tag),
    ):
        yield str(label), True, _table([{**r, "run": profile_run} for r in table], cols), cols
    known_segments = {str(r["name"]) for r in jobs.segments}
    known_tags = {str(r["name"]) for r in jobs.tags}
    yield (
        str(RelType.IN_SEGMENT),
        False,
        details.filter(F.col("segment").isin(*known_segments)).select(
            F.col("personId").alias("src"), F.col("segment").alias("dst")
        ),
        _ends(Label.PERSON, Label.SEGMENT),
    )
    tags = details.select(
        F.col("personId").alias("src"),
        F.explode(F.from_json("tags", "array<string>")).alias("dst"),
    )
    yield (
        str(RelType.HAS_TAG),
        False,
        tags.filter(F.col("dst").isin(*known_tags)),
        _ends(Label.PERSON, Label.TAG),
    )


def _journeys(out: Path, rows: dict[str, DataFrame], run: str | None) -> Iterator[_Out]:
    """The journeys run's conversion paths, channel credits (``CREDITS`` their channel)
    and channel transitions: tables the driver made, read and written here."""
    import pyarrow.parquet as pq

    def read(name: str, renames: dict[str, str]) -> list[dict[str, Any]]:
        if not (out / name).is_dir():
            return []
        return [{renames.get(k, k): v for k, v in r.items()} | {"run": run}
                for r in pq.read_table(str(out / name)).to_pylist()]  # fmt: skip

    if run is None:
        return
    paths = read("paths", {"conversion_rate": "conversionRate",
                           "median_days_to_convert": "medianDaysToConvert"})  # fmt: skip
    columns = _cols("path", "journeys:long", "conversions:long", "conversionRate:double",
                    "medianDaysToConvert:double", "revenue:double", "run")  # fmt: skip
    yield str(Label.JOURNEY_PATH), True, _table(paths, columns), columns
    credits = read("attribution", {"channel_id": "channelId"})
    if credits and "channels" in rows:
        # a credit to a channel no channels file has is left out, as in process
        known = {r["channelId"] for r in _parsed(rows["channels"], "channelId string")
                 .select("channelId").distinct().collect()}  # fmt: skip
        kept = [{**c, "id": f"{c['model']}|{c['channelId']}"} for c in credits
                if c["channelId"] in known]  # fmt: skip
        columns = (ImportColumn("id", header=f":ID({Label.CHANNEL_CREDIT})"),
                   *_cols("model", "channelId", "conversions:double", "revenue:double",
                          "share:double", "run"))  # fmt: skip
        yield str(Label.CHANNEL_CREDIT), True, _table(kept, columns), columns
        ends = _ends(Label.CHANNEL_CREDIT, Label.CHANNEL)
        links = [{"src": c["id"], "dst": c["channelId"]} for c in kept]
        yield str(RelType.CREDITS), False, _table(links, ends), ends
    transitions = read("transitions", {})
    columns = _cols("from", "to", "journeys:long", "probability:double", "run")
    yield str(Label.CHANNEL_TRANSITION), True, _table(transitions, columns), columns


def _person_links(
    rows: dict[str, DataFrame], person: DataFrame
) -> Iterator[tuple[str, bool, DataFrame, tuple[ImportColumn, ...]]]:
    """Person-level links from the record-level ones, as the identity job derives them:
    one per pair of persons (links within a person left out), referrals with their count
    and first time, social links with their count, total weight and first time."""
    from pyspark.sql import functions as F

    src = person.select(F.col("src"), F.col("dst").alias("pa"))
    dst = person.select(F.col("src").alias("dst"), F.col("dst").alias("pb"))

    def persons(frame: DataFrame) -> DataFrame:
        joined = frame.join(src, "src").join(dst, "dst").filter(F.col("pa") != F.col("pb"))
        return (
            joined.drop("src", "dst").withColumnRenamed("pa", "src").withColumnRenamed("pb", "dst")
        )

    ends = (
        ImportColumn("src", header=f":START_ID({Label.PERSON})"),
        ImportColumn("dst", header=f":END_ID({Label.PERSON})"),
    )
    if "referrals" in rows:
        referrals = latest(_parsed(rows["referrals"], "src string, dst string, at string"),
                           ["src", "dst"])  # fmt: skip
        yield (
            str(RelType.REFERRED),
            False,
            persons(referrals)
            .groupBy("src", "dst")
            .agg(F.count(F.lit(1)).alias("count"), F.min("at").alias("at")),
            (*ends, ImportColumn("count", "long"), ImportColumn("at", "datetime")),
        )
    if "social_links" in rows:
        links = latest(
            _parsed(
                rows["social_links"], "rel string, src string, dst string, weight double, "
                "since string",
            ),
            ["rel", "src", "dst"],
        )  # fmt: skip
        merged = (
            persons(links)
            .groupBy("rel", "src", "dst")
            .agg(
                F.count(F.lit(1)).alias("count"),
                F.sum(F.coalesce("weight", F.lit(1.0))).alias("weight"),
                F.min("since").alias("since"),
            )
        )
        for rel in (RelType.FOLLOWS, RelType.FRIENDS_WITH, RelType.INTERACTS_WITH):
            yield (
                str(rel),
                False,
                merged.filter(F.col("rel") == str(rel)),
                (
                    *ends,
                    ImportColumn("count", "long"),
                    ImportColumn("weight", "double"),
                    ImportColumn("since", "datetime"),
                ),
            )


def write_import(
    spark: SparkSession,
    inputs: Inputs,
    out: Path,
    *,
    records: DataFrame,
    loaded_at: str,
    mapping: Mapping,
    region: str,
    batch_size: int,
    jobs: JobRuns,
    purchases: Purchases,
) -> ImportSet:
    """Write the import files of a run's loaded graph and results under ``out/neo4j``
    (replacing an earlier run's); ``records``: each record's ``uid`` and ``person_id``;
    ``loaded_at``: when the run read the files (the manifest's times); ``purchases``: the
    run's purchase lines and orders (:class:`spark.orders.Purchases`, cached by the run)."""
    from pyspark import StorageLevel

    folder = out / FOLDER
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    manifest, keys = _manifest(spark, inputs, out / "rejects", at=loaded_at, mapping=mapping,
                               region=region, batch_size=batch_size)  # fmt: skip
    # each kind's checked rows (the validated rows with their references checked: a few
    # joins), computed once, on disk, before the writers share them: a dozen groups read them
    rows = {k: v.persist(StorageLevel.DISK_ONLY) for k, v in inputs.rows.items()}
    cached = list(rows.values())
    try:
        for frame in rows.values():
            frame.count()
        groups: list[_Group] = []
        for name, node, frame in _loaded_graph(rows, records, purchases, cached):
            columns = _columns(name)
            if name == RelType.REFERRED:
                columns = (*columns, ImportColumn("selfReferral", "boolean"))
            # touchpoint events and the manifest are not among status/counts' names
            counted = None if name in _TOUCH_COLUMNS else name
            groups.append(_Group(name, node, name, columns, frame, counted))
        for name, node, frame, columns in _results(spark, out, rows, records, jobs):
            person_level = name in _BY_NAME  # a record-level type: these are its person links
            stem = f"{Label.PERSON}-{name}" if person_level else name
            counted = f"{Label.PERSON} {name}" if person_level else name
            groups.append(_Group(name, node, stem, columns, frame, counted))
        if manifest is not None:
            name = str(Label.LOAD_FILE)
            groups.append(_Group(name, True, name, _columns(name), manifest, None))
        written, counts = _write(groups, folder)
    finally:
        for frame in cached:
            frame.unpersist()
    files = ImportSet(folder, written)
    files.write_arguments(folder / "import.args")
    described = {"runs": sorted(r["runId"] for r in jobs.runs.values()), "counts": counts,
                 "load_files": sorted(keys)}  # fmt: skip
    (folder / "import.json").write_text(json.dumps(described, indent=2), "utf-8")
    return files
