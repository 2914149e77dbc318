"""``custgraph analyze``, ``custgraph explain`` and ``custgraph export``."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cli.context import store_of
from graph.errors import InputError, NotFoundError

if TYPE_CHECKING:
    from graph.identity.resolve import IdentityResult
    from graph.journeys.job import JourneyResult
    from graph.pipeline import JobsResult

__all__ = ["analyze", "erase", "explain", "export", "profile", "query"]

JOBS = ("identity", "influence", "communities", "journeys", "profiles", "all")
EXPORTS = {
    "identities": "identity/export",
    "communities": "influence/communities",
    "influencers": "influence/influencers",
    "profiles": "profiles/export",
    "paths": "journeys/paths",
    "attribution": "journeys/attribution",
}


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

    Example: custgraph analyze all --seed 7
    """
    if job not in JOBS:
        raise InputError(f"unknown job {job!r}; choose one of {', '.join(JOBS)}")
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


def explain(
    ctx: typer.Context,
    record: Annotated[str, typer.Argument(help="SOURCE:ID of a customer record")],
    against: Annotated[
        str | None,
        typer.Option(help="SOURCE:ID of another record: say why the two are (not) one person"),
    ] = None,
) -> None:
    """Show why a record belongs to its person: member records, matches, per-field evidence;
    with --against, why two records are or are not one person.

    Example: custgraph explain crm:C00001234 --against shop:S-00000042
    """
    from graph.model import split_uid

    split_uid(record)
    if against is not None:
        split_uid(against)
        _explain_pair(ctx, record, against)
        return
    with store_of(ctx) as store:
        rows = store.read("identity/explain", uid=record)
    if not rows:
        raise NotFoundError(
            f"record {record} has no person; load it and run `custgraph analyze identity`"
        )
    from rich.markup import escape

    console = Console()
    members = sorted({r["uid"] for r in rows})
    console.print(
        f"[bold]{escape(record)}[/] belongs to person [bold]{rows[0]['personId']}[/] "
        f"with {len(members)} record(s): {escape(', '.join(members))}"
    )
    table = Table(title="Matches")
    for col in ("record", "matched with", "rule", "score", "evidence (bits per field)"):
        table.add_column(col)
    for r in rows:
        if r["matchedWith"] is None:
            continue
        evidence = json.loads(r["evidence"] or "{}")
        parts = ", ".join(f"{k} {v['level']} {v['bits']:+.1f}" for k, v in evidence.items())
        table.add_row(
            escape(r["uid"]), escape(r["matchedWith"]), r["rule"], f"{r['score']:.4f}", parts
        )
    console.print(table)


def _explain_pair(ctx: typer.Context, a: str, b: str) -> None:
    from rich.markup import escape

    from graph.identity.explain import explain_pair

    with store_of(ctx) as store:
        why = explain_pair(store, a, b)
    console = Console()
    persons = (
        f"both in person [bold]{why.person_a}[/]"
        if why.same_person
        else f"persons {why.person_a or '(none)'} and {why.person_b or '(none)'}"
    )
    console.print(f"[bold]{escape(a)}[/] and [bold]{escape(b)}[/]: {persons}")
    console.print(f"verdict: {why.verdict()}")
    usable = [k for k in why.shared_keys if k not in why.too_common]
    console.print(
        f"candidates: {'yes' if why.candidates else 'no'}"
        + (f" (shared: {', '.join(usable)})" if usable else "")
        + (f"; too common to use: {', '.join(why.too_common)}" if why.too_common else "")
    )
    console.print(
        f"match probability: {why.probability:.4f} (threshold {why.threshold}); "
        f"evidence about the person: {'yes' if why.personal else 'no'}"
    )
    table = Table(title="Evidence (bits per field; missing fields count zero)")
    for col in ("field", "level", "bits"):
        table.add_column(col)
    for name, part in why.evidence.items():
        assert isinstance(part, dict)
        table.add_row(name, str(part["level"]), f"{part['bits']:+.1f}")
    console.print(table)


def export(
    ctx: typer.Context,
    what: Annotated[
        str,
        typer.Argument(help="identities, communities, influencers, profiles, paths or attribution"),
    ],
    out: Annotated[Path, typer.Argument(help="Output file: .csv, .parquet or .jsonl")],
) -> None:
    """Export results as CSV, Parquet or JSONL (by the file's extension).

    identities: source, source_customer_id, person_id, confidence.
    communities: person_id, community_id, participation.
    influencers: person_id, rank, score, pagerank, in/out degree, referral reach and depth,
    referred revenue, coreness, betweenness, community_id.
    profiles: person_id, recency_days, frequency, monetary, rfm_score, rfm_segment,
    expected_purchases, predicted_clv, churn_risk, segment, community_id, influence_rank, tags.
    paths: path, journeys, conversions, conversion_rate, median_days_to_convert.
    attribution: model, channel_id, conversions, revenue, share.

    Example: custgraph export influencers top.parquet
    """
    from graph.export import write_frame

    if what not in EXPORTS:
        raise InputError(f"cannot export {what!r}; choose one of {', '.join(EXPORTS)}")
    with store_of(ctx) as store:
        if what == "profiles":
            from graph.profiles.document import export_profiles

            frame = export_profiles(store)
        elif what in ("paths", "attribution"):
            frame = store.frame(EXPORTS[what], **({"model": None} if what == "attribution" else {}))
            frame = frame.drop(columns=["run", "revenue"] if what == "paths" else ["run"])
        else:
            frame = store.frame(EXPORTS[what])
    if frame.empty:
        job = "journeys" if what in ("paths", "attribution") else "all"
        raise NotFoundError(f"no {what} yet; run `custgraph analyze {job}` first")
    rows = write_frame(frame, out)
    Console().print(f"wrote {rows:,} rows to {out}")


def profile(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="A person id, or SOURCE:ID of one of its records")],
) -> None:
    """Print a person's profile document as JSON (identity, demographics, value, graph, tags).

    PII is printed whole: the CLI runs with the store owner's rights.

    Example: custgraph profile crm:C00001234
    """
    from graph.lookup import find_person
    from graph.model import split_uid
    from graph.profiles.document import profile_document

    with store_of(ctx) as store:
        person_id = person
        if ":" in person:
            source, record_id = split_uid(person)
            person_id = find_person(store, source=source, record_id=record_id)
        document = profile_document(store, person_id)
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False))


def erase(
    ctx: typer.Context,
    record: Annotated[str, typer.Argument(help="SOURCE:ID of the customer record to erase")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
) -> None:
    """Erase a record (right to be forgotten): its PII, identifiers, orders and links; its
    person is re-resolved from the remaining records; a tombstone suppresses later loads.

    Example: custgraph erase crm:C00001234 --yes
    """
    from rich.markup import escape

    from graph.model import record_uid, split_uid
    from graph.privacy import erase_record

    record = record_uid(*split_uid(record))
    if not yes:
        typer.confirm(f"Erase {record} everywhere? This cannot be undone", abort=True)
    with store_of(ctx) as store:
        result = erase_record(store, record, by="cli")
    console = Console(highlight=False)
    record = escape(record)
    if result.already_erased:
        console.print(f"{record} was already erased; nothing to do")
    elif result.person_removed:
        console.print(f"erased {record}; its person {result.person_id} had no other records")
    else:
        console.print(
            f"erased {record}; person {result.person_id} re-resolved into "
            f"{', '.join(result.persons_after) or 'no person (identity has not run)'}"
        )


def query(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="An analyst query (see --list)")] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="k=v, repeatable")
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the analyst queries")] = False,
) -> None:
    """Run a named analyst query on Neo4j and print a table, or list them.

    Example: custgraph query top_influencers_in_community --param community=C1 --param limit=5
    """
    from graph.analyst import analyst_queries, parameters, run_analyst_query

    console = Console()
    if list_ or name is None:
        table = Table(title="Analyst queries (queries/cypher/analyst/)")
        for col in ("name", "parameters", "what it answers"):
            table.add_column(col, no_wrap=col == "name")
        for query_name, purpose in sorted(analyst_queries().items()):
            table.add_row(query_name, ", ".join(parameters(query_name)), purpose)
        console.print(table)
        return
    given: dict[str, str] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"--param takes k=v, e.g. community=C1; got {item!r}")
        given[key.strip()] = value
    with store_of(ctx) as store:
        rows = run_analyst_query(store, name, given)
    table = Table(title=f"{name}: {len(rows)} row(s)")
    columns = list(rows[0]) if rows else []
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(
            *(json.dumps(v) if isinstance(v, list | dict) else str(v) for v in row.values())
        )
    console.print(table)
