"""The :class:`Store` protocol every back end implements (``graph.store.open_store`` opens
one; the implementations import this module, never the other way round)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd


__all__ = [
    "Row",
    "Slots",
    "Step",
    "Store",
    "split_statements",
    "write_in_batches",
]

Row = dict[str, Any]
Slots = Mapping[str, StrEnum | int]


@dataclass(frozen=True, slots=True)
class Step:
    """One named query in a transaction of several (see :meth:`Store.write_tx`)."""

    name: str
    rows: Sequence[Mapping[str, Any]] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    slots: Slots | None = None


@runtime_checkable
class Store(Protocol):
    """What custgraph needs of a store; implemented by Neo4j and by embedded SQLite.

    Every method takes a query *name* (``"load/merge_customers"``) and values as keyword
    parameters; no method takes query text.
    """

    kind: Literal["neo4j", "sqlite"]
    batch_size: int  # rows per write transaction (and per loaded batch)

    def read(self, name: str, /, *, slots: Slots | None = None, **params: Any) -> list[Row]:
        """Run a read query; return its rows as dicts keyed by the returned names."""
        ...

    def frame(self, name: str, /, *, slots: Slots | None = None, **params: Any) -> pd.DataFrame:
        """Run a read query; return its rows as a DataFrame (for projections)."""
        ...

    def write(
        self,
        name: str,
        /,
        rows: Sequence[Mapping[str, Any]] | None = None,
        *,
        slots: Slots | None = None,
        **params: Any,
    ) -> int:
        """Run a write query, once or once per batch of ``rows``; return rows sent."""
        ...

    def write_tx(self, steps: Sequence[Step]) -> None:
        """Run several write queries in one transaction: all of them happen, or none."""
        ...

    def ensure_schema(self) -> None:
        """Create constraints, indexes (Neo4j) or tables (SQLite); safe to repeat."""
        ...

    def ping(self) -> None:
        """Raise :class:`~graph.errors.StoreUnavailableError` unless the store answers."""
        ...

    def purge(self) -> None:
        """Make deleted data unrecoverable from the store's own files where the store can
        (after an erasure): SQLite overwrites freed pages (``secure_delete``) and empties
        its write-ahead log; Neo4j reuses freed record space itself (docs/api.md)."""
        ...

    def describe(self) -> str:
        """Where the store is, for humans (never a password)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def split_statements(text: str, comment: str) -> list[str]:
    """Split a query file into statements at lines that end with ``;``.

    >>> split_statements("// a\\nRETURN 1;\\nRETURN 2", "//")
    ['RETURN 1', 'RETURN 2']
    """
    statements: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip().startswith(comment) and not current:
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).rstrip().removesuffix(";").strip())
            current = []
    tail = "\n".join(current).strip()
    if tail:
        statements.append(tail)
    return [s for s in statements if s]


def write_in_batches(
    write_tx: Callable[[Sequence[Step]], None], batch_size: int, step: Step
) -> int:
    """Run ``step`` once (no rows) or once per ``batch_size`` rows, each in its own transaction.

    >>> seen = []
    >>> write_in_batches(seen.append, 2, Step("q", rows=[{"a": 1}] * 5))
    5
    >>> [len(s[0].rows or ()) for s in seen]
    [2, 2, 1]
    """
    if step.rows is None:
        write_tx([step])
        return 0
    rows = step.rows
    for start in range(0, len(rows), batch_size):
        write_tx([Step(step.name, rows[start : start + batch_size], step.params, step.slots)])
    return len(rows)
