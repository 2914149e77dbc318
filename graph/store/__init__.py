"""The store seam: one Protocol, two real implementations.

``open_store(settings)`` returns a :class:`Neo4jStore` when a Neo4j is configured and a
:class:`SqliteStore` (the embedded default) otherwise. Everything else talks to a store only
through :class:`Store`: named queries, values as parameters.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.settings import Settings
>>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.db"
>>> with open_store(Settings(db_path=path)) as store:
...     store.ensure_schema()
...     web = {"channelId": "web", "kind": "web", "name": "Web"}
...     _ = store.write("load/merge_channels", rows=[web])
...     store.read("load/channel_by_id", channelId="web")
[{'channelId': 'web', 'kind': 'web', 'name': 'Web'}]
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from graph.store.base import Row, Step, Store
from graph.store.neo4j import Neo4jStore
from graph.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from graph.settings import Settings

__all__ = ["Neo4jStore", "Row", "SqliteStore", "Step", "Store", "open_store"]


@contextmanager
def open_store(settings: Settings) -> Iterator[Store]:
    """Open the store the settings select and close it on exit."""
    store: Store
    if settings.store_kind == "neo4j":
        store = Neo4jStore.connect(settings)
    else:
        store = SqliteStore(settings.db_path, batch_size=settings.batch_size)
    try:
        yield store
    finally:
        store.close()
