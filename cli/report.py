"""``custgraph report influence`` and ``custgraph schedule``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli.context import settings_of, store_of
from graph.errors import InputError

__all__ = ["report", "schedule"]


def report(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(help="influence")] = "influence",
    top: Annotated[int, typer.Option("--top", min=1, max=1000, help="How many to list")] = 25,
    community: Annotated[
        str | None, typer.Option("--community", help="Only this community")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Where the report goes")] = Path("report"),
    include_self_referrals: Annotated[
        bool, typer.Option("--include-self-referrals", help="Keep self-referrers in the lists")
    ] = False,
    include_without_consent: Annotated[
        bool,
        typer.Option("--include-without-consent", help="Keep persons without marketing consent"),
    ] = False,
) -> None:
    """Write the influence-ranking report: index.html (charts, offline), ranking.csv,
    ranking.json and metadata.json; movement compares with the previous report in OUT.

    Example: custgraph report influence --top 25 --out report/
    """
    from reports import ReportParams, write_report

    if what != "influence":
        raise InputError("the report is `influence`: custgraph report influence")
    params = ReportParams(
        top=top,
        community=community,
        exclude_self_referrals=not include_self_referrals,
        exclude_without_consent=not include_without_consent,
    )
    with store_of(ctx) as store:
        built = write_report(store, params, out)
    left = built.metadata["left_out"]
    Console().print(
        f"report: {out / 'index.html'} ({len(built.ranking):,} persons listed; left out "
        f"{left['self_referral']:,} self-referrers and {left['no_consent']:,} without consent)"
    )


def schedule(
    ctx: typer.Context,
    cron: Annotated[str, typer.Argument(help='A cron expression, e.g. "0 6 * * 1"')],
    data: Annotated[
        list[Path] | None, typer.Option("--data", help="Files or folders to load each run")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Where reports go")] = Path("report"),
    top: Annotated[int, typer.Option("--top", min=1, help="How many the report lists")] = 25,
    once: Annotated[bool, typer.Option("--once", help="Run once now and exit")] = False,
) -> None:
    """Run load → analyze all → report on a cron schedule (UTC), logging each run's outcome.

    Example: custgraph schedule "0 6 * * 1" --data exports/ --out report/
    """
    from cli.scheduling import run_pipeline, run_schedule

    settings = settings_of(ctx)
    if once:
        run_pipeline(settings, data or [], out, top)
        return
    run_schedule(settings, cron, data or [], out, top)
