"""``custgraph keys new``: make an API key and add its hash to a key file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graph.errors import InputError

__all__ = ["keys_app"]

keys_app = typer.Typer(
    help="API keys for `custgraph serve`.\n\nExample: custgraph keys new crm-sync"
)


@keys_app.command("new")
def new(
    name: Annotated[str, typer.Argument(help="Who the key is for (appears in the audit log)")],
    role: Annotated[str, typer.Option("--role", help="reader, pii or admin")] = "reader",
    file: Annotated[
        Path, typer.Option("--file", help="The key file (CUSTGRAPH_API_KEY_FILE)")
    ] = Path("custgraph-keys.txt"),
) -> None:
    """Make a random key, append `name role sha256` to the key file, print the key once.

    Example: custgraph keys new crm-sync --role reader --file /etc/custgraph/keys.txt
    """
    from graph.access import ROLES, hash_key, new_key

    if role not in ROLES:
        raise InputError(f"--role must be one of {', '.join(ROLES)}")
    if not name or any(ch.isspace() for ch in name):
        raise InputError("the key's name must be one word, e.g. crm-sync")
    key = new_key()
    file.parent.mkdir(parents=True, exist_ok=True)
    line = f"{name} {role} {hash_key(key)}\n"
    with file.open("a", encoding="utf-8") as handle:
        handle.write(line)
    file.chmod(0o600)
    typer.echo(key)
    typer.echo(
        f"added {name} ({role}) to {file}; the key above is shown once. Serve with "
        f"CUSTGRAPH_API_KEY_FILE={file}",
        err=True,
    )
