"""What every command shares: the settings built once in the callback, and the store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from graph.settings import Settings
from graph.store import Store, open_store

__all__ = ["settings_of", "store_of"]


def settings_of(ctx: typer.Context) -> Settings:
    """The settings the ``custgraph`` callback built."""
    settings = ctx.find_root().obj
    if not isinstance(settings, Settings):  # pragma: no cover - the callback always sets it
        raise RuntimeError("custgraph callback did not run")
    return settings


@contextmanager
def store_of(ctx: typer.Context) -> Iterator[Store]:
    """Open the configured store (with its schema) for one command."""
    with open_store(settings_of(ctx)) as store:
        store.ensure_schema()
        yield store
