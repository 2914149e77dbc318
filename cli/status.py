"""``custgraph status``: what the store holds."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.context import store_of
from graph.status import StoreStatus, store_status

__all__ = ["status"]


def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables")] = False,
) -> None:
    """Show what the store holds: counts per label and relationship type, recent loads and
    the last run of each job.

    Example: custgraph status --json
    """
    with store_of(ctx) as store:
        snapshot = store_status(store)
    if as_json:
        typer.echo(snapshot.to_json())
        return
    print_status(Console(), snapshot)


def print_status(console: Console, snapshot: StoreStatus) -> None:
    """Tables of counts, loads and runs."""
    console.print(f"[bold]Store[/] {snapshot.store}")
    counts = Table(title="Contents")
    counts.add_column("label / relationship")
    counts.add_column("count", justify="right")
    for name, n in snapshot.labels.items():
        counts.add_row(f"({name})", f"{n:,}")
    for name, n in snapshot.relationships.items():
        counts.add_row(f"[{name}]", f"{n:,}")
    console.print(counts)
    if snapshot.loads:
        loads = Table(title="Recent loads")
        columns = ("path", "kind", "status", "rowsRead", "rowsLoaded", "rowsRejected", "finishedAt")
        for col in columns:
            loads.add_column(col)
        for row in snapshot.loads:
            loads.add_row(*("" if row.get(c) is None else str(row[c]) for c in columns))
        console.print(loads)
    if snapshot.runs:
        runs = Table(title="Last run of each job")
        for col in ("job", "status", "startedAt", "finishedAt", "seconds"):
            runs.add_column(col)
        for run in snapshot.runs:
            runs.add_row(
                run["job"],
                str(run["status"]),
                str(run["startedAt"]),
                str(run["finishedAt"] or ""),
                str(run["timings"].get("total", "")),
            )
        console.print(runs)
    else:
        console.print("No job has run yet: `custgraph analyze` comes with the identity issue.")
