"""Commands about one record or person: ``custgraph explain``, ``profile`` and ``erase``."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.context import store_of
from graph.errors import NotFoundError

__all__ = ["erase", "explain", "profile"]


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
            source, source_customer_id = split_uid(person)
            person_id = find_person(store, source=source, source_customer_id=source_customer_id)
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
