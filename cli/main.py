"""The ``custgraph`` application: global options, error translation, command registration.

Every command is a thin shell over a library function; errors of the
:class:`~graph.errors.CustgraphError` family print ``Error: …`` and exit 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from graph.errors import CustgraphError
from graph.settings import Settings

__all__ = ["app", "main"]

app = typer.Typer(
    name="custgraph",
    help=(
        "Graph-based customer relationship analyzer: load customer data from many sources, "
        "resolve identities, measure influence and communities, build one profile per person.\n\n"
        "Example: custgraph demo"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    neo4j: Annotated[
        str | None,
        typer.Option(
            "--neo4j", help="Neo4j URI (else CUSTGRAPH_NEO4J_URI; else the embedded store)"
        ),
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="The embedded store's file (else CUSTGRAPH_DB or ./custgraph.db)"
        ),
    ] = None,
) -> None:
    """Build the settings once; every command reads them from the context."""
    ctx.obj = Settings.from_env(neo4j_uri=neo4j, db_path=db)


def _register() -> None:
    from cli import analyze, data, demo, keys, records, report, results, serve, status

    app.command("demo")(demo.demo)
    app.command("generate")(data.generate)
    app.command("load")(data.load)
    app.command("analyze")(analyze.analyze)
    app.command("explain")(records.explain)
    app.command("export")(results.export)
    app.command("profile")(records.profile)
    app.command("erase")(records.erase)
    app.command("query")(results.query)
    app.command("report")(report.report)
    app.command("schedule")(report.schedule)
    app.add_typer(keys.keys_app, name="keys")
    app.command("status")(status.status)
    app.command("serve")(serve.serve)


_register()


def main() -> None:
    """Console entry point: run the app, translating custgraph errors into exit code 1."""
    err = Console(stderr=True)
    try:
        app(standalone_mode=False)
    except CustgraphError as exc:
        from rich.markup import escape

        err.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except typer.Abort:
        err.print("Aborted.")
        sys.exit(130)
    except (typer.Exit, SystemExit) as exc:
        code = exc.exit_code if isinstance(exc, typer.Exit) else exc.code
        sys.exit(code if isinstance(code, int) else 0)
    except Exception as exc:  # click usage errors carry their own exit code
        import click

        # typer >= 0.20 raises its own copy of click's exceptions (typer.TyperException)
        usage = (click.ClickException, getattr(typer, "TyperException", click.ClickException))
        if isinstance(exc, usage) and hasattr(exc, "show"):
            exc.show()
            sys.exit(getattr(exc, "exit_code", 2))
        raise
