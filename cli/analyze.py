"""``custgraph analyze``, ``custgraph explain`` and ``custgraph export``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.context import store_of
from graph.errors import InputError, NotFoundError

__all__ = ["analyze", "explain", "export"]

JOBS = ("identity", "all")
EXPORTS = ("identities",)


def analyze(
    ctx: typer.Context,
    job: Annotated[str, typer.Argument(help="identity or all")] = "all",
    threshold: Annotated[
        float, typer.Option("--threshold", min=0.0, max=1.0, help="Match probability to accept")
    ] = 0.7,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random pairs")] = 7,
    overrides: Annotated[
        Path | None,
        typer.Option("--overrides", help="CSV record_a,record_b,decision (must-/cannot-link)"),
    ] = None,
) -> None:
    """Run analysis jobs and record each run (parameters, seed, counts, timings).

    identity: resolve records from all sources into persons (and the person graph).
    Influence, communities and profiles arrive with their issues.

    Example: custgraph analyze identity --overrides reviewed-pairs.csv
    """
    from graph.identity import IdentityParams
    from graph.identity.job import load_overrides, run_identity

    if job not in JOBS:
        raise InputError(f"unknown job {job!r}; choose one of {', '.join(JOBS)}")
    console = Console()
    with store_of(ctx) as store:
        if overrides is not None:
            console.print(f"stored {load_overrides(store, overrides)} override(s)")
        with console.status("resolving identities…"):
            result = run_identity(store, IdentityParams(threshold=threshold, seed=seed))
    counts = result.counts
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
) -> None:
    """Show why a record belongs to its person: member records, matches, per-field evidence.

    Example: custgraph explain crm:C00001234
    """
    from graph.model import split_uid

    split_uid(record)
    with store_of(ctx) as store:
        rows = store.read("identity/explain", uid=record)
    if not rows:
        raise NotFoundError(
            f"record {record} has no person; load it and run `custgraph analyze identity`"
        )
    console = Console()
    members = sorted({r["uid"] for r in rows})
    console.print(
        f"[bold]{record}[/] belongs to person [bold]{rows[0]['personId']}[/] "
        f"with {len(members)} record(s): {', '.join(members)}"
    )
    table = Table(title="Matches")
    for col in ("record", "matched with", "rule", "score", "evidence (bits per field)"):
        table.add_column(col)
    for r in rows:
        if r["matchedWith"] is None:
            continue
        evidence = json.loads(r["evidence"] or "{}")
        parts = ", ".join(f"{k} {v['level']} {v['bits']:+.1f}" for k, v in evidence.items())
        table.add_row(r["uid"], r["matchedWith"], r["rule"], f"{r['score']:.4f}", parts)
    console.print(table)


def export(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(help="identities")],
    out: Annotated[Path, typer.Argument(help="Output file: .csv, .parquet or .jsonl")],
) -> None:
    """Export results as CSV, Parquet or JSONL (by the file's extension).

    identities: source, source_customer_id, person_id, confidence.

    Example: custgraph export identities identities.csv
    """
    from graph.export import write_frame

    if what not in EXPORTS:
        raise InputError(f"cannot export {what!r}; choose one of {', '.join(EXPORTS)}")
    with store_of(ctx) as store:
        frame = store.frame("identity/export")
    if frame.empty:
        raise NotFoundError("no identities yet; run `custgraph analyze identity` first")
    rows = write_frame(frame, out)
    Console().print(f"wrote {rows:,} rows to {out}")
