"""The store seam: one Protocol, two real implementations.

``open_store(settings)`` returns a :class:`Neo4jStore` when a Neo4j is configured and a
:class:`SqliteStore` (the embedded default) otherwise. Everything else talks to a store only
through :class:`Store`: named queries, values as parameters.
"""

from graph.store.base import Row, Step, Store, open_store
from graph.store.neo4j import Neo4jStore
from graph.store.sqlite import SqliteStore

__all__ = ["Neo4jStore", "Row", "SqliteStore", "Step", "Store", "open_store"]
