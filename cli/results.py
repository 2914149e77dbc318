"""Results out of the store: ``custgraph export`` (files) and ``custgraph query`` (the
analyst queries, as tables)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.context import store_of
from graph.errors import InputError, NotFoundError

__all__ = ["export", "query"]


EXPORTS = {
    "identities": "identity/export",
    "communities": "influence/communities",
    "influencers": "influence/influencers",
    "profiles": "profiles/export",
    "paths": "journeys/paths",
    "attribution": "journeys/attribution",
}


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
