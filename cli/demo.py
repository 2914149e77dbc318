"""``custgraph demo``: generate, load, analyze what exists, and say what to open next."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.panel import Panel

from cli.context import settings_of, store_of
from cli.progress import load_progress, print_load_report

__all__ = ["demo"]


def demo(
    ctx: typer.Context,
    customers: Annotated[int, typer.Option("--customers", min=10, help="Customer records")] = 3000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed")] = 7,
    workdir: Annotated[
        Path, typer.Option("--workdir", help="Where the demo writes its data and rejects")
    ] = Path("custgraph-demo"),
) -> None:
    """Run the whole product on a generated dataset: generate, load, analyze, summarise.

    Uses the embedded store (./custgraph.db) unless a Neo4j is configured.

    Example: custgraph demo --customers 5000
    """
    from graph.errors import JobError
    from graph.pipeline import JobsParams, run_jobs
    from graph.status import store_status
    from loaders import load_files
    from reports import ReportParams, write_report
    from synthetic import GenerateParams, generate_dataset

    console = Console()
    settings = settings_of(ctx)
    data = workdir / "data"
    console.rule("[bold]custgraph demo")
    with console.status(f"1/3 generating {customers:,} customer records from 4 sources…"):
        summary = generate_dataset(data, GenerateParams(customers=customers, seed=seed))
    console.print(
        f"1/3 generated {summary.rows['customers']:,} records of {summary.persons:,} people "
        f"into {data} ({summary.seconds:.1f}s)"
    )
    console.print("2/3 loading into the store")
    with store_of(ctx) as store:
        with load_progress(console) as on_progress:
            report = load_files(
                store,
                [data],
                rejects_dir=workdir / "rejects",
                region=settings.default_region,
                batch_size=settings.batch_size,
                on_progress=on_progress,  # type: ignore[arg-type]
            )
        print_load_report(console, report)
        with console.status(
            "3/3 resolving identities, ranking influence, finding communities, tracing journeys, "
            "building profiles…"
        ):
            ran = run_jobs(store, JobsParams())
        result, ranked, communities, profiles = (
            ran.identity,
            ran.influence,
            ran.communities,
            ran.profiles,
        )
        if result is None or ranked is None or communities is None or profiles is None:
            raise JobError("the demo ran only some of its jobs")  # every job ran or raised
        console.print(
            f"3/3 identity: {result.counts['records']:,} records → "
            f"{result.counts['persons']:,} persons; influence ranked; "
            f"{len(communities):,} communities; "
            + (
                f"{ran.journeys.counts['conversions']:,} conversions traced; "
                if ran.journeys and not ran.journeys.skipped
                else ""
            )
            + profiles.summary_line().replace("profiles: ", "profiles built: ", 1)
        )
        top = ranked.table.sort_values("rank").iloc[0]["personId"] if len(ranked.table) else ""
        snapshot = store_status(store)
        built = write_report(store, ReportParams(), workdir / "report")
    customers_loaded = snapshot.labels.get("Customer", 0)
    example = result.uids[int(np.argmax(np.bincount(result.labels)))] if len(result.uids) else ""
    console.print(
        Panel.fit(
            f"[bold]{customers_loaded:,}[/] customer records of "
            f"[bold]{snapshot.labels.get('Person', 0):,}[/] persons, "
            f"{snapshot.labels.get('Order', 0):,} orders, {len(communities):,} communities, "
            f"{sum(snapshot.relationships.values()):,} relationships in {snapshot.store}",
            title="demo finished",
        )
    )
    report_path = (workdir / "report" / "index.html").resolve()
    console.print(
        f"The influence report ({len(built.ranking):,} persons on the marketing list): "
        f"[bold]{report_path}[/]",
        soft_wrap=True,
    )
    console.print("Next:")
    for command, what in (
        ("custgraph status", "what the store holds"),
        (f"custgraph explain {example}", "why that record belongs to its person"),
        ("custgraph export influencers influencers.csv", f"everyone by influence (top: {top})"),
        ("custgraph export identities identities.csv", "record → person for every record"),
        (f"custgraph profile {example}", "the combined profile of that record's person"),
        ("custgraph export profiles profiles.csv", "RFM, value, churn, segment, tags per person"),
        ("custgraph export attribution credit.csv", "each channel's credit, by seven models"),
        (f"ls {data}/truth", "the ground truth the generator planted"),
        (
            'CUSTGRAPH_API_KEYS="dev:reader" custgraph serve',
            "the HTTP API on http://127.0.0.1:8000 (OpenAPI at /docs; key: dev)",
        ),
        (
            ":play http://localhost:8000/browser/guide",
            "in Neo4j Browser (with `custgraph serve` running): the analyst guide",
        ),
        ("custgraph query --list", "the analyst queries (they run on Neo4j)"),
        (
            'scripts/neo4j start && eval "$(scripts/neo4j env)" && custgraph demo',
            "the same on a real Neo4j, then http://127.0.0.1:7474/browser/",
        ),
    ):
        console.print(f"  [bold]{command}[/]  {what}", soft_wrap=True)
