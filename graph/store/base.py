"""The :class:`Store` protocol every back end implements (``graph.store.open_store`` opens
one; the implementations import this module, never the other way round)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Literal,
    Protocol,
    Self,
    TypeVar,
    final,
    overload,
    runtime_checkable,
)

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

_T = TypeVar("_T")


__all__ = [
    "ColumnRows",
    "MappedColumn",
    "Read",
    "ReadResults",
    "Row",
    "Slots",
    "Step",
    "Store",
    "StoreBase",
    "split_statements",
    "write_in_batches",
]

Row = dict[str, Any]
Slots = Mapping[str, StrEnum | int]
Timed = Callable[[str], AbstractContextManager[None]]


@dataclass(frozen=True)
class Read:
    """One read of :meth:`Store.read_many`: a named query into a DataFrame, or into an Arrow
    table with ``arrow=True``.

    >>> Read("profiles/orders", {"until": "2024-01-01T00:00:00Z"}).arrow
    False
    """

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)
    slots: Slots | None = None
    arrow: bool = False


class ReadResults:
    """What :meth:`Store.read_many` read, by the keys it was given.

    >>> import pandas as pd
    >>> ReadResults({"a": pd.DataFrame({"x": [1]})}).frame("a")["x"].tolist()
    [1]
    """

    def __init__(self, results: Mapping[str, pd.DataFrame | pa.Table]) -> None:
        self._results = dict(results)

    def frame(self, key: str) -> pd.DataFrame:
        """The DataFrame read under ``key``."""
        import pandas as pd

        value = self._results[key]
        if not isinstance(value, pd.DataFrame):
            raise TypeError(f"{key} was read as an Arrow table")
        return value

    def table(self, key: str) -> pa.Table:
        """The Arrow table read under ``key`` (``Read(..., arrow=True)``)."""
        import pyarrow as pa

        value = self._results[key]
        if not isinstance(value, pa.Table):
            raise TypeError(f"{key} was read as a DataFrame")
        return value

    def drop(self, key: str) -> None:
        """Let go of what was read under ``key`` (its memory is freed when nothing else
        holds it)."""
        del self._results[key]


class ColumnRows(Sequence[Row]):
    """Rows kept as columns: each row (a dict) is built only when it is read, so writing a
    million rows costs their values, not a million dicts held at once.

    >>> rows = ColumnRows({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    >>> len(rows), rows[1], [r["a"] for r in rows[1:]]
    (3, {'a': 2, 'b': 'y'}, [2, 3])
    >>> rows.with_column("c", [True, False, True])[0]
    {'a': 1, 'b': 'x', 'c': True}
    """

    __slots__ = ("_columns", "_keys", "_n")

    def __init__(self, columns: Mapping[str, Sequence[Any]]) -> None:
        self._keys = list(columns)
        self._columns = [columns[k] for k in self._keys]
        lengths = {len(c) for c in self._columns}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        self._n = lengths.pop() if lengths else 0

    def column(self, name: str) -> Sequence[Any]:
        """One column's values."""
        return self._columns[self._keys.index(name)]

    def names(self) -> list[str]:
        """The column names, in order.

        >>> ColumnRows({"a": [1], "b": [2]}).names()
        ['a', 'b']
        """
        return list(self._keys)

    def with_column(self, name: str, values: Sequence[Any]) -> ColumnRows:
        """These rows with one more column (the others are shared, not copied)."""
        return ColumnRows({**dict(zip(self._keys, self._columns, strict=True)), name: values})

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> ColumnRows: ...

    def __getitem__(self, index: int | slice) -> Row | ColumnRows:
        if isinstance(index, slice):
            return ColumnRows({k: c[index] for k, c in zip(self._keys, self._columns, strict=True)})
        return dict(zip(self._keys, (c[index] for c in self._columns), strict=True))

    def __iter__(self) -> Iterator[Row]:
        keys = self._keys
        for values in zip(*self._columns, strict=True):
            yield dict(zip(keys, values, strict=True))


class MappedColumn(Sequence[Any]):
    """A column whose values are converted only when read: ``convert(values[i])``. A column
    of :class:`ColumnRows` that never holds a Python object per row (a profile write at a
    million persons held 30 such lists, 0.6 GB).

    >>> import numpy as np
    >>> col = MappedColumn(np.array([1.5, np.nan, 3.0]), lambda v: None if v != v else v)
    >>> len(col), col[0], list(col), list(col[1:])
    (3, 1.5, [1.5, None, 3.0], [None, 3.0])
    """

    __slots__ = ("_convert", "_values")
    #: Values converted at a time while iterating (``tolist`` per chunk, not per value).
    CHUNK = 8192

    def __init__(self, values: Any, convert: Callable[[Any], Any]) -> None:
        self._values = values
        self._convert = convert

    def __len__(self) -> int:
        return len(self._values)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> MappedColumn: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return MappedColumn(self._values[index], self._convert)
        return self._convert(_plain(self._values[index]))

    def __iter__(self) -> Iterator[Any]:
        values, convert = self._values, self._convert
        for start in range(0, len(values), self.CHUNK):
            chunk = values[start : start + self.CHUNK]
            yield from map(convert, chunk.tolist() if hasattr(chunk, "tolist") else chunk)


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)
    return item() if callable(item) and getattr(value, "shape", None) == () else value


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

    def rows_per_commit(self, kind: str) -> int:
        """Rows a load of an input kind (``"touchpoints"``, …) commits at once: loaded
        batches are grouped into one transaction (:meth:`grouped`) up to this many rows."""
        ...

    def grouped(self) -> AbstractContextManager[None]:
        """Every write of this thread in the block joins one transaction, committed when the
        block ends and rolled back if it raises (a back end may commit each write instead)."""
        ...

    def loading(self, kind: str, size_bytes: int) -> AbstractContextManager[None]:
        """Around the load of one file of a kind and size: a back end may prepare for it and
        put things right after (the embedded store sets its event index aside)."""
        ...

    def read(self, name: str, /, *, slots: Slots | None = None, **params: Any) -> list[Row]:
        """Run a read query; return its rows as dicts keyed by the returned names."""
        ...

    def frame(self, name: str, /, *, slots: Slots | None = None, **params: Any) -> pd.DataFrame:
        """Run a read query; return its rows as a DataFrame (for projections)."""
        ...

    def table(self, name: str, /, *, slots: Slots | None = None, **params: Any) -> pa.Table:
        """Run a read query; return its rows as an Arrow table (for the largest reads,
        whose strings need not become Python objects twice)."""
        ...

    def read_many(self, reads: Mapping[str, Read], *, timed: Timed | None = None) -> ReadResults:
        """Run several independent reads, each in a transaction of its own, and return them
        by key; ``timed(key)`` wraps each read. A back end may run some at once (Neo4j runs
        two: the server executes one while the client decodes another)."""
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

    def write_many(self, steps: Sequence[Step]) -> None:
        """Run independent writes, each as :meth:`write` runs it (in transactions of its
        own), in no promised order. A back end may run some at once (Neo4j runs two: one
        query keeps one of the server's cores busy), so no step may need another's result."""
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


class StoreBase(ABC):
    """What every back end does the same way, written once: named queries compiled and
    cached for the back end's dialect, writes in batches, closing on leaving a ``with``.
    Back ends implement the hooks (:meth:`write_tx`, :meth:`close`, …); callers type
    against the :class:`Store` protocol, never this class. (The shape is Splink's
    ``DatabaseAPI``: final template methods around back-end hooks.)

    >>> class Echo(StoreBase):
    ...     dialect, comment = "sql", "--"
    ...     def __init__(self): super().__init__(batch_size=2); self.seen = []
    ...     def write_tx(self, steps): self.seen.append(len(steps[0].rows or ()))
    ...     def close(self): pass
    >>> store = Echo()
    >>> store.write("load/merge_channels", rows=[{"channelId": "web"}] * 3), store.seen
    (3, [2, 1])
    >>> store._compiled("schema/create", None)[0].startswith("CREATE TABLE")
    True
    """

    #: The ``queries/`` folder this back end reads (``sql`` or ``cypher``), and its
    #: line-comment marker.
    dialect: ClassVar[str]
    comment: ClassVar[str]
    #: How many reads of :meth:`read_many` run at once (1: one after the other, on the
    #: calling thread).
    parallel_reads: ClassVar[int] = 1
    #: How many writes of :meth:`write_many` run at once (1: one after the other).
    parallel_writes: ClassVar[int] = 1

    def __init__(self, *, batch_size: int) -> None:
        self.batch_size = batch_size
        self._statements: dict[tuple[str, str], Any] = {}

    def rows_per_commit(self, kind: str) -> int:
        """Rows a load of ``kind`` commits at once: ``batch_size`` (one batch per
        transaction), unless a back end knows better for that kind."""
        return self.batch_size

    def grouped(self) -> AbstractContextManager[None]:
        """No grouping here: each :meth:`write_tx` is its own transaction."""
        return nullcontext()

    def loading(self, kind: str, size_bytes: int) -> AbstractContextManager[None]:
        """Nothing to prepare here."""
        return nullcontext()

    @abstractmethod
    def write_tx(self, steps: Sequence[Step]) -> None:
        """Run every step in one transaction."""

    def frame(self, name: str, /, *, slots: Slots | None = None, **params: Any) -> pd.DataFrame:
        """Run a read query into a DataFrame (a back end that reads implements it)."""
        raise NotImplementedError(f"{type(self).__name__} does not read")

    def table(self, name: str, /, *, slots: Slots | None = None, **params: Any) -> pa.Table:
        """Run a read query into an Arrow table (a back end that reads implements it)."""
        raise NotImplementedError(f"{type(self).__name__} does not read")

    @final
    def read_many(self, reads: Mapping[str, Read], *, timed: Timed | None = None) -> ReadResults:
        """Run the reads, :attr:`parallel_reads` at a time, each in a transaction of its
        own, and return them by key. With more than one at a time they run on threads of
        their own; the first error raised is raised here, and reads not yet started are
        dropped.
        """
        clock: Timed = timed or (lambda _key: nullcontext())

        def one(key: str) -> pd.DataFrame | pa.Table:
            read = reads[key]
            with clock(key):
                if read.arrow:
                    return self.table(read.name, slots=read.slots, **read.params)
                return self.frame(read.name, slots=read.slots, **read.params)

        keys = list(reads)
        done = _at_once([partial(one, key) for key in keys], self.parallel_reads, "read")
        return ReadResults(dict(zip(keys, done, strict=True)))

    @final
    def write_many(self, steps: Sequence[Step]) -> None:
        """Run the writes, :attr:`parallel_writes` at a time, each as :meth:`write` runs it.

        Writes that run at once may deadlock on the records they share; the store retries
        a write that loses (a managed transaction is retried whole), so a write made of
        batches committed on their own (``mode: autocommit``) must say ``rerun: safe`` to
        run beside another. The first error raised is raised here, and writes not yet
        started are dropped.

        >>> class Echo(StoreBase):
        ...     dialect, comment = "sql", "--"
        ...     def __init__(self): super().__init__(batch_size=10); self.seen = []
        ...     def write_tx(self, steps): self.seen.append(steps[0].name)
        ...     def close(self): pass
        >>> store = Echo()
        >>> store.write_many([Step("identity/clear_matches"), Step("identity/prune_persons")])
        >>> store.seen
        ['identity/clear_matches', 'identity/prune_persons']
        """
        if self.parallel_writes > 1 and len(steps) > 1:
            from queries import load_query

            for step in steps:
                query = load_query(self.dialect, step.name)
                if query.autocommit and not query.rerun_safe:
                    raise ValueError(
                        f"{step.name} commits in batches and does not say `rerun: safe`, so "
                        "it cannot run beside another write"
                    )
        calls = [partial(self.write, s.name, s.rows, slots=s.slots, **s.params) for s in steps]
        _at_once(calls, self.parallel_writes, "write")

    @abstractmethod
    def close(self) -> None:
        """Release connections."""

    @final
    def write(
        self,
        name: str,
        /,
        rows: Sequence[Mapping[str, Any]] | None = None,
        *,
        slots: Slots | None = None,
        **params: Any,
    ) -> int:
        """Run a write query once, or with its rows in batches of ``batch_size``, each batch
        in its own transaction; returns the rows written."""
        return write_in_batches(self.write_tx, self.batch_size, Step(name, rows, params, slots))

    @final
    def _compiled(self, name: str, slots: Slots | None) -> list[str]:
        """The statements of a named query for this dialect, slots filled in (cached)."""
        from queries import UnknownQueryError, load_query, render

        key = (name, repr(sorted((slots or {}).items())))
        cached = self._statements.get(key)
        if cached is None:
            try:
                query = load_query(self.dialect, name)
            except UnknownQueryError as exc:
                from graph.errors import QueryError

                raise QueryError(str(exc)) from exc
            cached = split_statements(render(query, **(slots or {})), self.comment)
            self._statements[key] = cached
        return list(cached)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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


def _at_once(calls: Sequence[Callable[[], _T]], workers: int, what: str) -> list[_T]:
    """Each call's result, in order: ``workers`` calls at a time on threads of their own (on
    the calling thread, one after the other, for one worker or one call). The first error
    raised is raised here, and calls not yet started are dropped.

    >>> _at_once([lambda: 1, lambda: 2], 2, "read")
    [1, 2]
    """
    if workers <= 1 or len(calls) <= 1:
        return [call() for call in calls]
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(
        max_workers=min(workers, len(calls)), thread_name_prefix=f"custgraph-{what}"
    )
    try:
        futures = [pool.submit(call) for call in calls]
        return [future.result() for future in futures]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
