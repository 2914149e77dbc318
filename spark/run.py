"""The Spark engine's one runner: input files in, Parquet results out.

``run_spark(SparkParams(...))`` validates the input files, resolves identities and, when
asked, ranks influence and finds communities, writing each result as a Parquet folder
under ``out`` with the columns of the matching ``custgraph export``:

- ``identities/``: source, source_customer_id, person_id, confidence
- ``matches/``: src, dst (record uids), score, rule, evidence (the kept matches; evidence
  is each field's level and weight in bits, JSON text, as ``MATCHES.evidence`` holds it)
- ``person_graph/``: src, dst (person ids), kind, weight, at
- ``influencers/``: person_id, rank, score, pagerank, in/out degree, referral reach and
  depth, referred revenue, coreness, betweenness
- ``communities/``: person_id, community_id, participation; ``community_summary/``: each
  community's communityId, size, density, modularityShare, revenue, churnRate,
  dominantChannel and topInfluencers, as the store's ``Community`` nodes hold them
- ``profiles/``: the columns of ``custgraph export profiles`` (RFM, lifetime value, churn
  risk, segment, community, influence rank, tags); ``profile_details/``: every attribute
  of a profile as a store keeps it (churn factors, channel mix, top categories,
  demographics with their source record, …)
- ``paths/``, ``attribution/``, ``transitions/``: the journeys run's conversion paths (the
  columns of ``custgraph export paths``, with revenue), every attribution model's credits
  (``custgraph export attribution``) and the channel transitions; ``journey_behaviour/``:
  each person's journeys, conversions, touches and days before the first purchase, the
  channels before converting and the stage
- ``lineage/``: the run's identity events (event: new, merge, split or retire; person_id,
  other_id), as a store records them; ``person_ids/``: every person id ever issued
  (person_id, created_at, retired), what the next run's ``--previous`` reads
- ``comparison_vectors/``: each distinct comparison vector of the candidate pairs (a level
  per field) and how many pairs have it: what the model was fitted on
- ``rejects/``: file, line, column, reason, action (every rejected row and dropped field)
- with ``neo4j_import``: ``neo4j/`` (files ``custgraph load --import-dir`` imports:
  ``spark.neo4j``) and ``record_keys/`` (uid, keys: each record's hashed blocking keys,
  which an incremental identity run in the database looks records up by)
- ``run.json``: counts, timings, the fitted model and the parameters

Influence, communities and journeys need persons, so they always run after identity;
profiles use influence and communities, so they run after both. With an ``as_of`` day
(``--as-of``), influence, communities, journeys and profiles read only what happened by
the end of that day, as they do in process: the person graph (and ``person_graph/``)
holds the referrals and links made by then, revenue the orders placed by then, journeys
the touchpoints and orders by then; identity always reads every record. With ``previous``
(``--previous``: an earlier run's ``out``), persons keep that run's ids by the in-process
rules (``spark.ids``); without, every person gets the id a first run gives.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from graph.errors import InputError
from graph.identity.resolve import IdentityParams
from graph.influence.algorithms import CommunityParams, InfluenceParams
from graph.journeys.job import JourneyParams
from graph.model import until
from graph.profiles.job import ProfileParams
from graph.profiles.rules import ProfileRules
from loaders.mapping import Mapping

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from spark.session import Held

__all__ = ["SPARK_JOBS", "SparkParams", "SparkResult", "run_spark"]

#: The jobs the Spark engine runs ("all" is the four of them).
SPARK_JOBS = ("identity", "influence", "communities", "journeys", "profiles")


@dataclass(frozen=True, slots=True)
class SparkParams:
    """A Spark run: which jobs, the input paths, the output folder, the master URL, the
    jobs' parameters (the in-process defaults), extra Spark settings and the reviewers'
    identity decisions."""

    jobs: tuple[str, ...]
    inputs: tuple[str, ...]
    out: str
    master: str | None = None
    identity: IdentityParams = field(default_factory=IdentityParams)
    influence: InfluenceParams = field(default_factory=InfluenceParams)
    communities: CommunityParams = field(default_factory=CommunityParams)
    profiles: ProfileParams = field(default_factory=ProfileParams)
    journeys: JourneyParams = field(default_factory=JourneyParams)
    rules: ProfileRules | None = None
    mapping: Mapping | None = None
    conf: dict[str, str] = field(default_factory=dict)
    #: reviewers' must-link / cannot-link decisions (``graph.identity.job.read_overrides``)
    overrides: tuple[dict[str, str], ...] = ()
    #: the results folder of an earlier run whose person ids this run keeps
    previous: str | None = None
    #: also write the loaded graph and the results as ``neo4j-admin`` import files
    #: (``out/neo4j``, :mod:`spark.neo4j`); needs ``out`` on this machine's file system
    neo4j_import: bool = False

    def __post_init__(self) -> None:
        unknown = [j for j in self.jobs if j not in SPARK_JOBS]
        if unknown:
            raise InputError(
                f"the spark engine runs {', '.join(SPARK_JOBS)} (or all); not yet "
                f"{', '.join(unknown)}: run it in process after `custgraph load`"
            )
        if self.previous is not None and _same_folder(self.previous, self.out):
            raise InputError(
                f"--previous {self.previous} is the --out folder: a run cannot read the ids "
                "it is overwriting; write this run to a new folder"
            )
        if (
            self.previous is not None
            and "://" not in self.previous
            and not (Path(self.previous) / "identities").is_dir()
        ):
            raise InputError(
                f"--previous {self.previous}: no identities/ in it; give the --out folder of "
                "an earlier spark run"
            )
        if self.neo4j_import and "://" in self.out:
            raise InputError(
                f"--neo4j-import writes the import files beside the results, and --out "
                f"{self.out} is a URL; neo4j-admin reads files on the server's machine: "
                "give a local --out (or a mounted path)"
            )
        days = {
            job: getattr(self, job).as_of
            for job in ("influence", "communities", "journeys", "profiles")
            if job in self.jobs
        }
        if len(set(days.values())) > 1:
            raise InputError(
                "the spark engine runs its jobs as of one day: give influence, communities, "
                "journeys and profiles the same as_of ("
                + ", ".join(f"{j} {d}" for j, d in days.items())
                + ")"
            )

    @property
    def as_of(self) -> date | None:
        """The day the jobs run as of (None: everything in the files)."""
        for job in ("influence", "communities", "journeys", "profiles"):
            if job in self.jobs:
                return cast(date | None, getattr(self, job).as_of)
        return None


def _same_folder(a: str, b: str) -> bool:
    """Whether two paths (or URLs) name one folder.

    >>> _same_folder("results/", "./results"), _same_folder("results", "results-2")
    (True, False)
    """
    if "://" in a or "://" in b:
        return a.rstrip("/") == b.rstrip("/")
    return Path(a).resolve() == Path(b).resolve()


@dataclass(slots=True)
class SparkResult:
    """What a Spark run wrote and measured."""

    out: Path
    counts: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


@contextmanager
def _timed(timings: dict[str, float], step: str, say: Callable[[str], None]) -> Iterator[None]:
    say(step)
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[step] = round(time.perf_counter() - started, 3)


def run_spark(
    params: SparkParams,
    say: Callable[[str], None] = lambda _: None,
    *,
    session: SparkSession | None = None,
) -> SparkResult:
    """Run ``params.jobs`` in Spark and write their results under ``params.out``.

    Without ``session`` the run builds its own (``params.master``, ``params.conf``) and
    stops it; with one (a notebook's, a test module's) it borrows it: ``params.conf`` may
    then hold only settings a running session accepts, and the session is left as it was
    found — its SQL settings put back, nothing of the run cached.
    """
    from spark.session import borrowed_session, spark_session

    result = SparkResult(Path(params.out))
    conf = dict(params.conf)
    if session is not None:
        if params.master is not None:
            raise InputError(
                f"a run on a borrowed Spark session runs where that session does, not on "
                f"{params.master}: give one or the other"
            )
        with borrowed_session(session, conf) as spark:
            _analyse(spark, params, say, result)
        return result
    if "spark.sql.shuffle.partitions" not in conf:
        conf["spark.sql.shuffle.partitions"] = str(shuffle_partitions(params.inputs))
    with spark_session(params.master, conf=conf) as spark:
        _analyse(spark, params, say, result)
    return result


def _analyse(
    spark: SparkSession, params: SparkParams, say: Callable[[str], None], result: SparkResult
) -> None:
    """:func:`run_spark` in ``spark``; every frame the run caches is dropped at its end."""
    from spark.session import Held

    held = Held()
    try:
        _steps(spark, params, say, result, held)
    finally:
        held.release()


def _steps(
    spark: SparkSession,
    params: SparkParams,
    say: Callable[[str], None],
    result: SparkResult,
    held: Held,
) -> None:
    """The steps of a run; the frames kept from step to step are cached in ``held``."""
    from graph.runs import utc_now
    from spark.influence import person_edges
    from spark.inputs import read_inputs
    from spark.orders import Purchases

    out = Path(params.out)
    t = result.timings
    read_at = utc_now()
    with _timed(t, "reading and validating the input files", say):
        inputs = read_inputs(spark, list(params.inputs), params.mapping)
        held.keep(*inputs.cached)
        rejects = inputs.rejects.orderBy("ord", "line", "column").drop("ord")
        rejects.write.mode("overwrite").parquet(str(out / "rejects"))
        result.counts["rejects"] = spark.read.parquet(str(out / "rejects")).count()
        result.counts["files"] = len(inputs.files)
    if "customers" not in inputs.rows:
        raise InputError("no customers file among the inputs: nobody to resolve")
    with _timed(t, "resolving identities", say):
        identity_at = utc_now()
        ident = _identity(spark, params, inputs, identity_at, result)
    end = until(params.as_of) if params.as_of is not None else None
    step = _Run(spark, params, result, say)
    # the orders, rebuilt from their lines once for every job that reads them and for the
    # Neo4j import files
    purchases = (
        Purchases.of(inputs.rows)
        if {"influence", "communities", "journeys", "profiles"} & set(params.jobs)
        or params.neo4j_import
        else Purchases(None, None)
    )
    held.keep(purchases.lines, purchases.orders)
    graph, table, members = _graph_jobs(
        step, rows=inputs.rows, ident=ident, end=end, orders=purchases.orders
    )
    held.keep(graph.edges if graph is not None else None)
    if "journeys" in params.jobs:
        from spark.journeys import journeys

        with _timed(t, "tracing journeys", say):
            result.counts["journeys"] = journeys(
                inputs.rows, ident.records, params.journeys, out, purchases.orders
            )
    if "profiles" in params.jobs:
        ever = None
        if end is not None:
            # whether anyone is linked socially at all: the stored person graph's answer
            # in process (every link loaded, whatever the day)
            ever = person_edges(inputs.rows, ident.records)
            held.keep(ever.edges)
        _profiles(
            step,
            rows=inputs.rows,
            purchases=purchases,
            records=ident.records,
            graph=ever if ever is not None else graph,
            table=table,
            members=members,
        )
    if params.neo4j_import:
        with _timed(t, "writing Neo4j import files", say):
            _neo4j_import(spark, params, inputs, ident, result, purchases=purchases,
                          read_at=read_at, identity_at=identity_at)  # fmt: skip
    report = {
        "jobs": list(params.jobs),
        "inputs": list(params.inputs),
        "as_of": params.as_of.isoformat() if params.as_of else None,
        "previous": params.previous,
        "master": spark.sparkContext.master,
        "counts": result.counts,
        "timings": result.timings,
        "pairs_by_rule": ident.pairs_by_rule,
        "model": ident.model.to_dict(),
        "params": {
            "identity": asdict(params.identity),
            "influence": asdict(params.influence),
            "communities": asdict(params.communities),
            "journeys": {
                **asdict(params.journeys),
                "as_of": str(params.journeys.as_of) if params.journeys.as_of else None,
            },
            "profiles": {
                **asdict(params.profiles),
                "as_of": str(params.profiles.as_of) if params.profiles.as_of else None,
            },
        },
    }
    (out / "run.json").write_text(json.dumps(report, indent=2, default=str), "utf-8")


def _identity(
    spark: SparkSession, params: SparkParams, inputs: Any, at: str, result: SparkResult
) -> Any:
    """Resolve the records (a run started at ``at``) and write identity's results."""
    from spark.identity import customer_records, resolve
    from spark.ids import read_previous

    out = Path(params.out)
    ident = resolve(
        spark,
        customer_records(inputs.rows["customers"]),
        params.identity,
        overrides=params.overrides,
        previous=read_previous(spark, params.previous) if params.previous else None,
        at=at,
        with_keys=params.neo4j_import,
    )
    ident.records.select("source", "source_customer_id", "person_id", "confidence").orderBy(
        "source", "source_customer_id"
    ).write.mode("overwrite").parquet(str(out / "identities"))
    ident.matches.write.mode("overwrite").parquet(str(out / "matches"))
    spark.createDataFrame(ident.patterns).write.mode("overwrite").parquet(
        str(out / "comparison_vectors")
    )
    ident.lineage.write.mode("overwrite").parquet(str(out / "lineage"))
    ident.person_ids.write.mode("overwrite").parquet(str(out / "person_ids"))
    if ident.keys is not None:  # what an incremental identity run in Neo4j looks records up by
        ident.keys.write.mode("overwrite").parquet(str(out / "record_keys"))
    events = ident.lineage.groupBy("event").count().collect()
    result.counts["identity"] = {
        **ident.counts,
        "overrides": len(params.overrides),
        "lineage": {r["event"]: int(r["count"]) for r in events},
    }
    return ident


def _neo4j_import(
    spark: SparkSession,
    params: SparkParams,
    inputs: Any,
    ident: Any,
    result: SparkResult,
    *,
    purchases: Any,
    read_at: str,
    identity_at: str,
) -> None:
    """The run's loaded graph and results as ``neo4j-admin`` import files (``out/neo4j``),
    with a ``JobRun`` per job as a run in process records it, the files' manifest as of
    ``read_at`` and the state a full identity run started at ``identity_at`` leaves (so
    the database's next identity run can be incremental); ``purchases``: the run's
    :class:`spark.orders.Purchases`."""
    import uuid
    from datetime import UTC, datetime

    from graph.identity.job import full_run_state
    from graph.runs import utc_now
    from graph.store.neo4j import DEFAULT_BATCH_SIZE
    from spark.neo4j import JobRuns, write_import

    finished = utc_now()
    took = sum(v for k, v in result.timings.items() if ":" not in k)
    started = datetime.fromtimestamp(time.time() - took, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    profiles = result.counts.get("profiles", {})
    runs: dict[str, dict[str, Any]] = {}
    for job in ("identity", *params.jobs):
        job_params = getattr(params, job)
        runs[job] = {
            "runId": profiles["run"] if job == "profiles" else
            f"{job}-{stamp}-{uuid.uuid4().hex[:8]}",
            "job": job,
            "params": json.dumps({**asdict(job_params), "engine": "spark"}, sort_keys=True,
                                 default=str),
            "seed": getattr(job_params, "seed", None),
            "counts": json.dumps(result.counts, sort_keys=True, default=str),
            "timings": json.dumps({**result.timings, "total": round(took, 4)}, sort_keys=True),
            "status": "ok",
            "startedAt": started,
            "finishedAt": finished,
        }  # fmt: skip
    mapping = params.mapping or Mapping()
    # the decisions as the database will read them (identity/overrides)
    decided = sorted(
        ({"a": o["a"], "b": o["b"], "decision": o["decision"]} for o in params.overrides),
        key=lambda o: (o["a"], o["b"]),
    )
    files = write_import(
        spark,
        inputs,
        Path(params.out),
        records=ident.records,
        loaded_at=read_at,
        mapping=mapping,
        region=mapping.default_region or "US",
        batch_size=DEFAULT_BATCH_SIZE,
        purchases=purchases,
        jobs=JobRuns(
            runs,
            segments=list(profiles.get("segment_table", [])),
            tags=list(profiles.get("tag_table", [])),
            overrides=[dict(o) for o in params.overrides],
            identity_state=full_run_state(
                params.identity, decided, at=identity_at, model=ident.model
            ),
        ),
    )
    result.counts["neo4j_import"] = files.counts()


@dataclass(frozen=True, slots=True)
class _Run:
    """What every step of a run writes with: the session, the parameters, the result it
    fills in and the progress callback."""

    spark: Any
    params: SparkParams
    result: SparkResult
    say: Callable[[str], None]


_SUMMARY = (
    "communityId string, size long, density double, modularityShare double, revenue double, "
    "churnRate double, dominantChannel string, topInfluencers string"
)


def _graph_jobs(
    run: _Run, *, rows: dict[str, Any], ident: Any, end: str | None, orders: Any
) -> tuple[Any, Any, Any]:
    """The person graph (as of ``end``), influence (referred revenue from the run's
    ``orders``) and communities, when the jobs need them: the graph, the influence table
    and the memberships (None where not run)."""
    from spark.influence import (
        channel_touches,
        communities,
        community_summary,
        influence,
        person_edges,
        revenue,
    )

    spark, params, result, say = run.spark, run.params, run.result, run.say
    out, t = Path(params.out), result.timings
    graph, table, members = None, None, None
    if not {"influence", "communities", "profiles"} & set(params.jobs):
        return graph, table, members
    with _timed(t, "building the person graph", say):
        graph = person_edges(rows, ident.records, until=end)
        graph.edges.write.mode("overwrite").parquet(str(out / "person_graph"))
        edges = spark.read.parquet(str(out / "person_graph")).count()
        result.counts["person_edges"] = edges
    if edges == 0:
        result.counts["skipped"] = "no referrals or social links between persons"
        return graph, table, members
    with _timed(t, "ranking influence", say):
        activity = revenue(orders, ident.records, until=end).toPandas()
        table, g = influence(
            graph, str(out / "person_graph"), activity, params.influence, result.counts
        )
        if "influence" in params.jobs:
            spark.createDataFrame(table).write.mode("overwrite").parquet(str(out / "influencers"))
    if {"communities", "profiles"} & set(params.jobs):
        with _timed(t, "detecting communities", say):
            members, modularity = communities(g, params.communities)
            spark.createDataFrame(members).write.mode("overwrite").parquet(str(out / "communities"))
            result.counts["communities"] = int(members["community_id"].nunique())
            result.counts["modularity"] = round(modularity, 6)
            summary = community_summary(
                g,
                members,
                spark.read.parquet(str(out / "communities")),
                activity=activity,
                ranks=table,
                touches=channel_touches(rows, ident.records, until=end),
            )
            spark.createDataFrame(summary, _SUMMARY).write.mode("overwrite").parquet(
                str(out / "community_summary")
            )
    return graph, table, members


def _profiles(
    step: _Run,
    *,
    rows: dict[str, Any],
    purchases: Any,
    records: Any,
    graph: Any,
    table: Any,
    members: Any,
) -> None:
    """Profiles from the inputs, the run's purchases, the persons, influence and
    communities: ``profiles/``, ``profile_details/``, and the segments, tags and counts in
    ``run.json``."""
    params, result, say = step.params, step.result, step.say
    import uuid
    from datetime import UTC, datetime

    from graph.profiles.rules import load_rules
    from graph.profiles.tags import check_tag_rules
    from spark.profiles import profiles

    rules = params.rules or load_rules()
    check_tag_rules(rules)
    run_id = f"profiles-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    with _timed(result.timings, "profiling", lambda _step: None):
        run = profiles(
            rows,
            records,
            purchases=purchases,
            person_edges=graph.edges if graph is not None else None,
            influence=table,
            memberships=members,
            params=params.profiles,
            rules=rules,
            out=Path(params.out),
            run=run_id,
            timed=lambda step: _timed(result.timings, step, say),
        )
    result.counts["profiles"] = {
        **run.counts,
        "as_of": run.as_of.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "run": run_id,
        "segment_table": run.segments,
        "tag_table": run.tags,
    }


#: Input bytes per shuffle partition: Spark's guide is 100 to 200 MB a partition; at 8
#: partitions (the least) the 1M-record bench input (1.5 GB) sits at this size.
BYTES_PER_PARTITION = 192 * 2**20


def shuffle_partitions(inputs: Sequence[str]) -> int:
    """Shuffle partitions for a run: one per :data:`BYTES_PER_PARTITION` of the local input
    files (URLs are not sized), at least 8, a multiple of 8. A 2M-record input (3 GB) with
    8 partitions failed in Spark's hash aggregation (``AGGREGATE_OUT_OF_MEMORY``, 4 GiB
    heap, local[2]): a partition's share of a shuffle must stay bounded as inputs grow.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "customers.csv").write_text("source,source_customer_id\\n")
    >>> shuffle_partitions([str(folder)])
    8
    """
    from spark.inputs import plan_inputs

    size = sum(os.path.getsize(f.path) for f in plan_inputs(list(inputs)) if "://" not in f.path)
    wanted = math.ceil(size / BYTES_PER_PARTITION)
    return max(8, math.ceil(wanted / 8) * 8)


def jobs_of(job: str) -> tuple[str, ...]:
    """The jobs ``custgraph analyze JOB --engine spark`` runs (profiles use influence and
    communities, so they come with them).

    >>> jobs_of("all") == SPARK_JOBS, jobs_of("communities"), jobs_of("journeys")
    (True, ('identity', 'communities'), ('identity', 'journeys'))
    >>> jobs_of("profiles")
    ('identity', 'influence', 'communities', 'profiles')
    """
    if job == "all":
        return SPARK_JOBS
    if job == "profiles":
        return ("identity", "influence", "communities", "profiles")
    return ("identity", job) if job != "identity" else ("identity",)
