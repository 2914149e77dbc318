"""``custgraph analyze``: run the jobs, and say what each found."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from cli.context import store_of
from graph.errors import InputError

if TYPE_CHECKING:
    from graph.identity.resolve import IdentityResult
    from graph.journeys.job import JourneyResult
    from graph.pipeline import JobsResult
    from spark.run import SparkParams, SparkResult

__all__ = ["analyze"]

JOBS = ("identity", "influence", "communities", "journeys", "profiles", "all")


def analyze(
    ctx: typer.Context,
    job: Annotated[
        str,
        typer.Argument(help="identity, influence, communities, journeys, profiles or all"),
    ] = "all",
    threshold: Annotated[
        float, typer.Option("--threshold", min=0.0, max=1.0, help="Match probability to accept")
    ] = 0.9,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random choice")] = 7,
    overrides: Annotated[
        Path | None,
        typer.Option("--overrides", help="CSV record_a,record_b,decision (must-/cannot-link)"),
    ] = None,
    resolution: Annotated[
        float | None,
        typer.Option(
            "--resolution",
            min=0.0,
            help="Leiden resolution (communities); default for modularity: max(1, total link "
            "weight / 100,000), so small communities stay visible in large graphs",
        ),
    ] = None,
    objective: Annotated[
        str, typer.Option("--objective", help="Leiden objective: modularity or CPM")
    ] = "modularity",
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Identity: resolve every record and fit the model again (default: only the "
            "components new or changed records touch, after a first full run)",
        ),
    ] = False,
    betweenness_samples: Annotated[
        int, typer.Option("--betweenness-samples", min=0, help="Sampled betweenness (0 = off)")
    ] = 0,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Read only the orders, referrals, links and touchpoints up to the end of "
            "this day (influence, communities, journeys, profiles; default: everything, "
            "profiles as of the last sale, journeys as of the last event)",
        ),
    ] = None,
    lookback_days: Annotated[
        int,
        typer.Option(
            "--lookback-days",
            min=1,
            help="Journeys: how long before an order a touchpoint still counts towards it",
        ),
    ] = 30,
    markov_order: Annotated[
        int,
        typer.Option("--markov-order", min=1, max=4, help="Journeys: order of the Markov chain"),
    ] = 1,
    horizon_days: Annotated[
        int, typer.Option("--horizon-days", min=1, help="Horizon of CLV and churn (profiles)")
    ] = 90,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="Profile rules YAML (RFM segments, tags); see docs"),
    ] = None,
    segments: Annotated[
        int | None,
        typer.Option("--segments", min=2, help="k of the k-means segments (default: silhouette)"),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="inprocess (the store's data) or spark (input files to Parquet results; "
            "the five jobs; see docs/scale.md)",
        ),
    ] = "inprocess",
    inputs: Annotated[
        list[Path] | None,
        typer.Option("--input", help="Spark: an input file or folder (repeatable)"),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Spark: the folder for the Parquet results")
    ] = None,
    spark_master: Annotated[
        str | None,
        typer.Option("--spark-master", help="Spark: master URL (default local[2])"),
    ] = None,
    spark_conf: Annotated[
        list[str] | None,
        typer.Option("--spark-conf", help="Spark: a setting KEY=VALUE (repeatable)"),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="Spark: YAML mapping of the input files' columns"),
    ] = None,
    neo4j_import: Annotated[
        bool,
        typer.Option(
            "--neo4j-import",
            help="Spark: also write the loaded graph and the results as neo4j-admin import "
            "files in OUT/neo4j (import them with custgraph load --import-dir OUT/neo4j)",
        ),
    ] = False,
    previous: Annotated[
        str | None,
        typer.Option(
            "--previous",
            help="Spark: the --out folder of an earlier run, whose person ids this run keeps "
            "(merges keep the oldest, splits and new persons get new ids)",
        ),
    ] = None,
) -> None:
    """Run analysis jobs and record each run (parameters, seed, counts, timings).

    identity: records from all sources into persons, and the person graph; after a first full
    run only the components new or changed records touch (--full: every record).
    influence: PageRank, degrees, referral reach and revenue, k-core; a combined score and rank.
    communities: Leiden communities, participation, per-community summaries.
    journeys: each person's journeys to a purchase; conversion paths, channel transitions,
    attribution by seven models (first/last touch, linear, position-based, time decay, Markov
    removal effect, Shapley), and per-person behaviour.
    profiles: RFM, lifetime value, churn risk, segments, preferences, tags, demographics.
    all: the five, in that order.

    With --engine spark, the five jobs run in Apache Spark straight from the input files,
    and write Parquet results to --out (see docs/scale.md).

    Example: custgraph analyze all --seed 7
    Example: custgraph analyze all --engine spark --input data/ --out results/
    """
    if job not in JOBS:
        raise InputError(f"unknown job {job!r}; choose one of {', '.join(JOBS)}")
    if engine not in ("inprocess", "spark"):
        raise InputError(f"unknown engine {engine!r}; use inprocess or spark")
    if engine == "spark":
        _spark(
            job,
            inputs or [],
            out,
            spark_master,
            spark_conf or [],
            mapping=mapping,
            betweenness_samples=betweenness_samples,
            threshold=threshold,
            seed=seed,
            resolution=resolution,
            objective=objective,
            as_of=as_of,
            horizon_days=horizon_days,
            segments=segments,
            rules=rules,
            overrides=overrides,
            lookback_days=lookback_days,
            markov_order=markov_order,
            previous=previous,
            neo4j_import=neo4j_import,
        )
        return
    if inputs or out or spark_master or spark_conf or mapping or previous or neo4j_import:
        raise InputError(
            "--input, --out, --spark-master, --spark-conf, --mapping, --previous and "
            "--neo4j-import go with "
            "--engine spark (in process, load the files first: custgraph load; the store "
            "keeps the person ids between runs)"
        )
    from graph.identity import IdentityParams
    from graph.influence import CommunityParams, InfluenceParams
    from graph.journeys.job import JourneyParams
    from graph.pipeline import JOBS as ORDER
    from graph.pipeline import JobsParams, run_jobs
    from graph.profiles import ProfileParams, load_rules

    day = as_of.date() if as_of else None
    params = JobsParams(
        jobs=ORDER if job == "all" else (job,),
        identity=IdentityParams(threshold=threshold, seed=seed),
        full_identity=full,
        influence=InfluenceParams(seed=seed, betweenness_samples=betweenness_samples, as_of=day),
        communities=CommunityParams(
            objective=objective, resolution=resolution, seed=seed, as_of=day
        ),
        journeys=JourneyParams(as_of=day, lookback_days=lookback_days, markov_order=markov_order),
        profiles=ProfileParams(as_of=day, horizon_days=horizon_days, seed=seed, segments=segments),
        rules=load_rules(rules) if job in ("profiles", "all") else None,
    )
    console = Console()
    with store_of(ctx) as store:
        if overrides is not None and job in ("identity", "all"):
            from graph.identity.job import load_overrides

            console.print(f"stored {load_overrides(store, overrides)} override(s)")
        run_jobs(
            store,
            params,
            step=lambda name: console.status(_WORKING[name]),
            done=lambda name, result: _report(console, name, result),
        )


def _spark(
    job: str,
    inputs: list[Path],
    out: Path | None,
    master: str | None,
    conf: list[str],
    *,
    mapping: Path | None,
    betweenness_samples: int,
    threshold: float,
    seed: int,
    resolution: float | None,
    objective: str,
    as_of: datetime | None,
    horizon_days: int,
    segments: int | None,
    rules: Path | None,
    overrides: Path | None,
    lookback_days: int,
    markov_order: int,
    previous: str | None,
    neo4j_import: bool = False,
) -> None:
    """``analyze --engine spark``: the jobs in Spark, from files to Parquet (``overrides``
    apply to this run: there is no store to keep them in; ``previous`` is the results
    folder of the run whose person ids this one keeps)."""
    from graph.identity import IdentityParams
    from graph.identity.job import read_overrides
    from graph.influence import CommunityParams, InfluenceParams
    from graph.journeys.job import JourneyParams
    from graph.profiles import ProfileParams, load_rules
    from loaders import load_mapping
    from spark.run import SparkParams, jobs_of, run_spark

    if not inputs or out is None:
        raise InputError(
            "--engine spark reads input files and writes Parquet: pass --input PATH "
            "(files or a folder) and --out FOLDER"
        )
    settings: dict[str, str] = {}
    for item in conf:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--spark-conf {item!r}: write KEY=VALUE")
        settings[key.strip()] = value.strip()
    day = as_of.date() if as_of else None
    params = SparkParams(
        jobs=jobs_of(job),
        inputs=tuple(str(p) for p in inputs),
        out=str(out),
        master=master,
        identity=IdentityParams(threshold=threshold, seed=seed),
        influence=InfluenceParams(seed=seed, betweenness_samples=betweenness_samples, as_of=day),
        communities=CommunityParams(
            objective=objective, resolution=resolution, seed=seed, as_of=day
        ),
        profiles=ProfileParams(as_of=day, horizon_days=horizon_days, seed=seed, segments=segments),
        journeys=JourneyParams(as_of=day, lookback_days=lookback_days, markov_order=markov_order),
        rules=load_rules(rules) if rules else None,
        mapping=load_mapping(mapping) if mapping else None,
        conf=settings,
        overrides=tuple(read_overrides(overrides)) if overrides else (),
        previous=previous,
        neo4j_import=neo4j_import,
    )
    console = Console()
    if console.is_terminal:
        with console.status("starting Spark…") as status:
            result = run_spark(params, say=lambda step: status.update(f"spark: {step}…"))
    else:  # a log (cron, CI, a bench): one timed line per step instead of a spinner
        result = run_spark(
            params, say=lambda step: console.print(f"{time.strftime('%H:%M:%S')} spark: {step}…")
        )
    _spark_summary(console, params, result)


def _spark_summary(console: Console, params: SparkParams, result: SparkResult) -> None:
    """The lines a Spark run ends with: persons, rejects, ids, communities, journeys,
    profiles, and where the results are."""
    counts = result.counts
    ident = counts.get("identity", {})
    console.print(
        f"spark: {ident.get('records', 0):,} records → {ident.get('persons', 0):,} persons "
        f"({ident.get('kept_pairs', 0):,} matches); {counts.get('rejects', 0):,} rejects"
    )
    if params.overrides:
        console.print(f"spark: {len(params.overrides):,} override(s) applied")
    if params.previous:
        events = ident.get("lineage", {})
        console.print(
            "spark: person ids kept from "
            f"{escape(params.previous)}; "
            + ", ".join(f"{events.get(e, 0):,} {e}" for e in ("new", "merge", "split", "retire"))
        )
    if "skipped" in counts:
        console.print(f"spark: influence and communities skipped, {counts['skipped']}")
    elif "communities" in counts:
        console.print(f"spark: {counts['communities']:,} communities")
    if "journeys" in counts:
        j = counts["journeys"]
        if "skipped" in j:
            console.print(f"spark: journeys skipped, {escape(j['skipped'])}")
        else:
            console.print(
                f"spark: {j['journeys']:,} journeys of {j['persons']:,} persons; "
                f"{j['conversions']:,} converted, {j['paths']:,} paths"
            )
    if "profiles" in counts:
        p = counts["profiles"]
        console.print(
            f"spark: profiles of {p['persons']:,} persons ({p['buyers']:,} buyers) as of "
            f"{p['as_of']}; {p['segments']} segments"
        )
    console.print(f"results in {escape(str(result.out))} (Parquet; run.json has the figures)")
    if "neo4j_import" in counts:
        folder = escape(str(result.out / "neo4j"))
        total = sum(counts["neo4j_import"].values())
        console.print(
            f"Neo4j import files in {folder} ({total:,} nodes and relationships); to import "
            "them into an empty Neo4j:"
        )
        console.print(f"  custgraph load --import-dir {folder}", soft_wrap=True)


_WORKING = {
    "identity": "resolving identities…",
    "influence": "ranking influence…",
    "communities": "detecting communities…",
    "journeys": "tracing journeys and attributing conversions…",
    "profiles": "building profiles (RFM, lifetime value, churn, segments)…",
}


def _report(console: Console, job: str, result: JobsResult) -> None:
    """One job's summary lines."""
    if job == "identity" and result.identity is not None:
        _identity(console, result.identity)
    elif job == "influence" and result.influence is not None:
        table = result.influence.table
        if table.empty:
            console.print(f"influence: skipped, {_no_links()}")
        else:
            top = table.sort_values("rank").head(3)
            console.print(
                f"influence: {len(table):,} persons ranked; top: " + ", ".join(top["personId"])
            )
    elif job == "communities" and result.communities is not None:
        summary = result.communities
        if summary.empty:
            console.print(f"communities: skipped, {_no_links()}")
        else:
            console.print(
                f"communities: {len(summary):,} communities; largest "
                f"{int(summary['size'].max()):,} persons"
            )
    elif job == "journeys" and result.journeys is not None:
        _journeys(console, result.journeys)
    elif job == "profiles" and result.profiles is not None:
        console.print(result.profiles.summary_line())
        for line in result.profiles.method_lines():
            console.print(f"  {escape(line)}")


def _journeys(console: Console, result: JourneyResult) -> None:
    if result.skipped:
        console.print(f"journeys: skipped, {escape(result.skipped)}")
        return
    c = result.counts
    console.print(
        f"journeys: {c['journeys']:,} journeys of {c['persons']:,} persons; "
        f"{c['conversions']:,} converted ({c['direct_conversions']:,} with no touchpoint "
        f"in the window), {c['paths']:,} paths"
    )
    credits = result.attribution
    for model in ("last_touch", "markov", "shapley"):
        top = credits[credits["model"] == model].nlargest(3, "share")
        if len(top):
            shares = ", ".join(
                f"{escape(str(r.channel_id))} {r.share:.0%}" for r in top.itertuples()
            )
            console.print(f"  {model}: {shares}")


def _no_links() -> str:
    from graph.influence.job import NO_LINKS

    return escape(NO_LINKS)


def _identity(console: Console, result: IdentityResult) -> None:
    counts = result.counts
    if counts.get("incremental"):
        if not counts["pending_records"]:
            console.print(
                f"identity: up to date, no new or changed records since the last run "
                f"({counts['persons_total']:,} persons); --full resolves every record again"
            )
            return
        console.print(
            f"identity (incremental): {counts['pending_records']:,} new or changed records; "
            f"re-resolved {counts['records']:,} records in the components they touch "
            f"({counts['touched_persons']:,} earlier persons → {counts['persons']:,}); "
            f"{counts['persons_total']:,} persons in all"
        )
        return
    console.print(f"identity: resolving every record ({result.full_reason})")
    console.print(
        f"identity: {counts['records']:,} records → {counts['persons']:,} persons "
        f"({counts['candidate_pairs']:,} candidate pairs, {counts['kept_pairs']:,} matches kept)"
    )
    for field, values in result.blocking.overshared.items():
        console.print(
            f"  [yellow]not used for linking[/] ({field}): {len(values)} value(s) "
            "shared by too many records"
        )
    for rule, n in result.blocking.oversized_blocks.items():
        console.print(f"  [yellow]blocking rule {rule}[/]: {n} block(s) too large, left out")
