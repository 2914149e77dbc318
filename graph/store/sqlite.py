"""The embedded store: one SQLite file in WAL mode.

Each thread gets its own connection (so the API can read while a job writes); every value
travels as a named parameter (``:uid``); batches go through ``executemany``.

Examples
--------
>>> import tempfile, pathlib
>>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "x.db")
>>> store.ensure_schema()
>>> store.read("status/counts")[0]
{'kind': 'label', 'name': 'Customer', 'count': 0}
>>> store.close()
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from graph import forked
from graph.errors import QueryError, StoreUnavailableError
from graph.model import tombstone_key
from graph.store.base import Row, Slots, Step, StoreBase

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["DEFAULT_BATCH_SIZE", "SCHEMA_VERSION", "TOUCHPOINT_ROWS_PER_COMMIT", "SqliteStore"]

#: Rows per transaction unless told: a commit writes every page it touched to the WAL, so
#: a commit costs more than a row here.
DEFAULT_BATCH_SIZE = 20_000

#: Rows of touchpoints per commit unless a batch size is given: their batches are committed
#: in groups. Each row appends an event whose index (by record) takes inserts all over the
#: file, and a commit writes every page its transaction touched, so fewer commits write far
#: less (docs/benchmarks.md, "Loading events"); batches stay small, so reading the next one
#: overlaps writing this one and memory stays as it was.
TOUCHPOINT_ROWS_PER_COMMIT = 100_000

#: Bytes of a touchpoint row in a file, at least (a CSV row is 60-80): a file of ``size``
#: bytes holds at most ``size / TOUCHPOINT_ROW_BYTES`` rows, an estimate that errs towards
#: keeping the event index (compressed files hold more rows than it says).
TOUCHPOINT_ROW_BYTES = 64

#: The embedded store's schema version (``PRAGMA user_version``), set by ``schema/create``.
SCHEMA_VERSION = 6

#: Versions this code upgrades in place: the migrations to run (then ``schema/create``).
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "schema/migrate_1",
        "schema/migrate_2",
        "schema/migrate_3",
        "schema/migrate_4",
        "schema/migrate_5",
    ),
    2: ("schema/migrate_2", "schema/migrate_3", "schema/migrate_4", "schema/migrate_5"),
    3: ("schema/migrate_3", "schema/migrate_4", "schema/migrate_5"),
    4: ("schema/migrate_4", "schema/migrate_5"),
    5: ("schema/migrate_5",),
}

#: Rows a large read turns into a frame at a time.
FRAME_CHUNK = 1_000_000


def _arrow_chunk(rows: list[tuple[Any, ...]], columns: list[str]) -> Any:
    """Rows as an Arrow table (C-speed column building); rows Arrow cannot type (a column
    mixing text and numbers) stay rows, for pandas to infer."""
    import pyarrow as pa

    arrays = []
    for i in range(len(columns)):
        array = _typed([r[i] for r in rows])
        if array is None:
            return rows
        arrays.append(array)
    return pa.Table.from_arrays(arrays, names=columns)


def _typed(values: list[Any]) -> Any:
    """The values as one Arrow array, or None when no one type holds them all (Arrow
    would read text beside bytes as bytes: that is a mix too).

    >>> _typed([1, None, 2.5]).type, _typed(["a", 1]), _typed(["a", b"b"])
    (DataType(double), None, None)
    """
    import pyarrow as pa

    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return None
    if pa.types.is_binary(array.type) and any(isinstance(v, str) for v in values):
        return None
    return array


def _joined(chunks: list[Any], columns: list[str]) -> pd.DataFrame:
    """The chunks (Arrow tables, or rows Arrow could not type) as one frame, with the
    types one frame of every row would have had: as ``pandas.DataFrame.from_records``.

    >>> import pyarrow as pa
    >>> a = _arrow_chunk([(None, "a")], ["x", "y"]); b = _arrow_chunk([(1.5, None)], ["x", "y"])
    >>> frame = _joined([a, b], ["x", "y"])
    >>> str(frame["x"].dtype), frame["y"].isna().tolist()
    ('float64', [False, True])
    """
    import pandas as pd
    import pyarrow as pa

    if not chunks:
        return pd.DataFrame.from_records([], columns=columns)
    if all(isinstance(c, pa.Table) for c in chunks):
        try:
            table = pa.concat_tables(chunks, promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
        else:
            frame: pd.DataFrame = table.to_pandas()
            return frame
    rows = [r for c in chunks for r in (c.to_pylist() if isinstance(c, pa.Table) else c)]
    return pd.DataFrame.from_records(
        [tuple(r.values()) if isinstance(r, dict) else r for r in rows], columns=columns
    )


# Columns declared BOOLEAN come back as bool, as they do from Neo4j.
sqlite3.register_converter("BOOLEAN", lambda raw: raw not in (b"0", b""))

_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA cache_size=-32768",  # 32 MiB per connection; the OS caches the file too
    "PRAGMA busy_timeout=15000",
    # erased values are overwritten with zeros, not left in free pages (the right to be
    # forgotten reaches the file; SQLite builds differ in their default)
    "PRAGMA secure_delete=ON",
)


#: The most of the file a serving connection maps into memory (:meth:`SqliteStore.map_reads`;
#: SQLite caps it at its build's maximum, 2 GiB in Python's).
READ_MAP_BYTES = 1 << 31


class SqliteStore(StoreBase):
    """A :class:`~graph.store.Store` on one SQLite file.

    Parameters
    ----------
    path
        The database file; created (with its folder) if missing.
    batch_size
        Rows per transaction in :meth:`write` (default 20,000).
    """

    kind: Literal["neo4j", "sqlite"] = "sqlite"
    dialect = "sql"
    comment = "--"
    #: Run on every new connection (a scratch store may trade durability for speed).
    pragmas: tuple[str, ...] = _PRAGMAS

    def __init__(self, path: Path | str, *, batch_size: int | None = None) -> None:
        self.path = Path(path)
        super().__init__(batch_size=batch_size or DEFAULT_BATCH_SIZE)
        self._batch_size_told = batch_size is not None
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def map_reads(self, size: int = READ_MAP_BYTES) -> None:
        """Read the file through a memory map (``PRAGMA mmap_size``) on this thread's
        connection and every one opened from now on: pages come from the operating system's
        cache without a copy per read, which is what a server's many small look-ups spend
        their time on (a 200-person neighborhood's reads: 6.2 → 3.9 ms on a 1 GB file).
        The file never shrinks (no ``VACUUM``), so a mapped page stays valid. Jobs do not
        map: their scans would count the whole file in their resident memory.

        >>> import tempfile, pathlib
        >>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "x.db")
        >>> store.map_reads(1 << 20)
        >>> store._conn().execute("PRAGMA mmap_size").fetchone()[0]
        1048576
        """
        pragma = f"PRAGMA mmap_size={int(size)}"
        self.pragmas = (*self.pragmas, pragma)
        self._conn().execute(pragma)

    def rows_per_commit(self, kind: str) -> int:
        """Rows a load of ``kind`` commits at once: touchpoints
        :data:`TOUCHPOINT_ROWS_PER_COMMIT` unless a batch size was given (then one batch).

        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.db"
        >>> store = SqliteStore(path)
        >>> store.rows_per_commit("touchpoints"), store.rows_per_commit("customers")
        (100000, 20000)
        >>> SqliteStore(path, batch_size=500).rows_per_commit("touchpoints")
        500
        """
        if kind == "touchpoints" and not self._batch_size_told:
            return max(self.batch_size, TOUCHPOINT_ROWS_PER_COMMIT)
        return self.batch_size

    @contextmanager
    def grouped(self) -> Iterator[None]:
        """Every write of this thread in the block joins one transaction: committed when the
        block ends, rolled back (all of it) if it raises. Reads in the block see its writes.

        >>> import tempfile, pathlib
        >>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "x.db")
        >>> store.ensure_schema()
        >>> web, app = ({"channelId": c, "kind": c, "name": None} for c in ("web", "app"))
        >>> with store.grouped():
        ...     _ = store.write("load/merge_channels", [web])
        ...     _ = store.write("load/merge_channels", [app])
        >>> [r["count"] for r in store.read("status/counts") if r["name"] == "Channel"]
        [2]
        """
        with self._transaction("grouped writes"):
            self._local.grouped = True
            try:
                yield
            finally:
                self._local.grouped = False

    @contextmanager
    def loading(self, kind: str, size_bytes: int) -> Iterator[None]:
        """Around the load of one file: a touchpoint file that holds at least as many rows
        as the store holds events (by its size) is loaded with the event index set aside
        (``schema/set_aside_event_index``), built again once at the end; appending to an
        unindexed table and sorting once is several times faster than inserting into the
        index (docs/benchmarks.md, "Loading events"). A kill leaves the index missing until
        the next command opens the store (``schema/create`` builds it); queries stay correct.
        """
        if kind != "touchpoints":
            yield
            return
        held = int(self.read("load/touch_events_held")[0]["events"])
        if held * TOUCHPOINT_ROW_BYTES > size_bytes:
            yield
            return
        self.write("schema/set_aside_event_index")
        try:
            yield
        finally:
            self.write("schema/create")

    # -- connections -----------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(
                    self.path,
                    isolation_level=None,
                    check_same_thread=False,
                    detect_types=sqlite3.PARSE_DECLTYPES,
                )
                for pragma in self.pragmas:
                    conn.execute(pragma)
                # the tombstone match (graph.model.tombstone_key), the same in both stores
                conn.create_function("tombstone_key", 1, _tombstone_key, deterministic=True)
            except (sqlite3.Error, OSError) as exc:
                raise StoreUnavailableError(
                    f"cannot open the embedded store at {self.path}: {exc}; "
                    "check the path and its permissions (CUSTGRAPH_DB)"
                ) from exc
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def _transaction(self, name: str) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        if getattr(self._local, "grouped", False):  # inside grouped(): it begins and ends
            try:
                yield conn
            except sqlite3.Error as exc:
                raise QueryError(f"query {name!r} failed in SQLite: {exc}") from exc
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreUnavailableError(
                f"the embedded store {self.path} is busy ({exc}); retry when the other "
                "writer has finished"
            ) from exc
        try:
            yield conn
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise QueryError(f"query {name!r} failed in SQLite: {exc}") from exc
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- Store -----------------------------------------------------------------------
    def read(self, name: str, /, *, slots: Slots | None = None, **params: Any) -> list[Row]:
        """Run a read query; return dict rows."""
        statements = self._compiled(name, slots)
        try:
            cursor = self._conn().execute(statements[-1], _sql_params(params))
            return [dict(row) for row in cursor.fetchall()]
        except sqlite3.Error as exc:
            raise QueryError(f"query {name!r} failed in SQLite: {exc}") from exc

    def frame(self, name: str, /, *, slots: Slots | None = None, **params: Any) -> pd.DataFrame:
        """Run a read query into a DataFrame."""
        columns, chunks = self._chunks(name, slots, params)
        return _joined(chunks, columns)

    def table(self, name: str, /, *, slots: Slots | None = None, **params: Any) -> pa.Table:
        """Run a read query into an Arrow table: :meth:`frame` without the last step, which
        turns every string back into a Python object (at ten million rows of two person
        ids that step and pandas' look-ups cost as much as the read itself).

        >>> import tempfile, pathlib
        >>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "x.db")
        >>> store.ensure_schema()
        >>> store.table("status/counts").column_names
        ['kind', 'name', 'count']
        """
        import pyarrow as pa

        fast = self._adbc_table(name, slots, params)
        if fast is not None:
            return fast
        columns, chunks = self._chunks(name, slots, params)
        if chunks and all(isinstance(c, pa.Table) for c in chunks):
            try:
                return pa.concat_tables(chunks, promote_options="permissive")
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                pass
        # no rows, or a column Arrow could not type a chunk of: pandas decides the types,
        # as for frame(); a column whose values no one type holds cannot be a table
        frame = _joined(chunks, columns)
        arrays = [_typed(frame[column].tolist()) for column in columns]
        mixed = [column for column, array in zip(columns, arrays, strict=True) if array is None]
        if mixed:
            raise QueryError(
                f"query {name!r} returned a column whose values mix types ({mixed[0]}); "
                "read it with frame(), whose columns may hold Python objects of any type"
            )
        return pa.Table.from_arrays(arrays, names=columns)

    def _adbc_table(
        self, name: str, slots: Slots | None, params: Mapping[str, Any]
    ) -> pa.Table | None:
        """The rows of a ``mode: typed`` query read by Apache Arrow's ADBC SQLite driver
        straight into Arrow columns, with no Python object per value (ten million links: 2 s
        against 11 s through the ``sqlite3`` module); None for other queries and when the
        driver cannot say (no rows, a column null in its first rows and typed later, a
        function only this store's connections define): :meth:`table` then reads as before.

        The driver brings its own copy of SQLite, and two copies of SQLite must never open
        the same file in one process: POSIX locks belong to the process, so the driver's
        copy, closing, takes itself for the last connection and truncates the WAL index
        under this one's feet (a bus error in the next write, seen at 100k customers). So
        the read runs in a forked process of its own (:func:`graph.forked.start`), read-only
        and on committed data only, and sends the table back.
        """
        from queries import load_query

        # the driver types a column by its first rows and turns a later mix into text (1 and
        # 'x' become '1.000000e+00' and 'x'): only queries whose header promises one type
        if not load_query("sql", name).typed or not self.path.exists():
            return None
        statement = self._compiled(name, slots)[-1]
        uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        call = forked.start(_adbc_read, uri, statement, _sql_params(params), overlap=False)
        if call is None:
            return None
        table: pa.Table | None = call.result()
        return table

    def _chunks(
        self, name: str, slots: Slots | None, params: Mapping[str, Any]
    ) -> tuple[list[str], list[Any]]:
        """A read query's column names and rows, as Arrow tables of FRAME_CHUNK rows."""
        statements = self._compiled(name, slots)
        try:
            cursor = self._conn().cursor()
            cursor.row_factory = None  # plain tuples: half the time of sqlite3.Row
            cursor.execute(statements[-1], _sql_params(params))
            columns = [d[0] for d in cursor.description or ()]
            chunks = []
            # in chunks, as Arrow columns: each chunk's Python objects go once it is
            # converted, so a read of millions of rows never holds them all at once
            while rows := cursor.fetchmany(FRAME_CHUNK):
                chunks.append(_arrow_chunk(rows, columns))
                del rows
        except sqlite3.Error as exc:
            raise QueryError(f"query {name!r} failed in SQLite: {exc}") from exc
        return columns, chunks

    def write_tx(self, steps: Sequence[Step]) -> None:
        """Run every step in one transaction."""
        from queries import load_query

        label = ",".join(step.name for step in steps)
        with self._transaction(label) as conn:
            for step in steps:
                statements = self._compiled(step.name, step.slots)
                staged = step.rows is not None and load_query("sql", step.name).staged
                for number, statement in enumerate(statements):
                    if step.rows is None or (staged and number > 0):
                        conn.execute(statement, _sql_params(step.params))
                    elif staged:  # the rows as they are; the shared values go to the others
                        conn.executemany(statement, step.rows)
                    elif step.params:
                        shared = _sql_params(step.params)
                        convert = bool(step.rows) and _has_containers(step.rows[0])
                        conn.executemany(
                            statement,
                            ({**shared, **(_sql_params(r) if convert else r)} for r in step.rows),
                        )
                    elif step.rows and _has_containers(step.rows[0]):
                        conn.executemany(statement, (_sql_params(r) for r in step.rows))
                    else:  # rows hold scalars only (the loaders' rows do): the fast path
                        conn.executemany(statement, step.rows)

    def ensure_schema(self) -> None:
        """Create every table and index (idempotent); upgrade an older schema this code knows
        how to upgrade; refuse a file of any other schema version."""
        conn = self._conn()
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
        if version in MIGRATIONS:
            for migration in MIGRATIONS[version]:
                self.write(migration)
        elif version != SCHEMA_VERSION and (version or tables[0]):
            raise StoreUnavailableError(
                f"the embedded store {self.path} has schema version {version}; this custgraph "
                f"uses {SCHEMA_VERSION}. Export what you need, then move the file aside (or set "
                "CUSTGRAPH_DB to a new file) and load again"
            )
        self.write("schema/create")

    def purge(self) -> None:
        """Copy every committed page into the database file and empty the write-ahead log,
        so no erased value stays in the WAL (freed pages are zeroed by ``secure_delete``)."""
        busy = self._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy and busy[0]:
            raise StoreUnavailableError(
                f"the embedded store {self.path} is busy; its log could not be emptied after "
                "the erasure. Retry `custgraph erase` (it is idempotent) when readers are done"
            )

    def ping(self) -> None:
        """Check that the file opens and answers."""
        try:
            self._conn().execute("SELECT 1").fetchone()
        except sqlite3.Error as exc:
            raise StoreUnavailableError(f"the embedded store {self.path} does not answer") from exc

    def describe(self) -> str:
        """``sqlite:`` and the file's path."""
        return f"sqlite:{self.path}"

    def close(self) -> None:
        """Close every thread's connection."""
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


def _has_containers(row: Mapping[str, Any]) -> bool:
    """Whether a row carries lists or dicts (which SQLite takes as JSON text)."""
    return any(isinstance(v, list | dict | tuple) for v in row.values())


def _adbc_read(uri: str, statement: str, values: dict[str, Any]) -> pa.Table | None:
    """In a forked process (see ``SqliteStore._adbc_table``): the statement's rows as an
    Arrow table, or None (no rows, or the driver could not type or run it)."""
    import adbc_driver_manager
    import adbc_driver_sqlite.dbapi as adbc
    import pyarrow as pa

    try:
        with adbc.connect(uri) as conn, conn.cursor() as cursor:
            wanted = cursor.adbc_prepare(statement)  # the parameters, in SQLite's order
            bound = tuple(values[field.name[1:]] for field in wanted) if wanted else None
            cursor.execute(statement, parameters=bound)
            table = cursor.fetch_arrow_table()
    except (adbc_driver_manager.Error, pa.ArrowException, OSError, KeyError):
        return None
    return table if table.num_rows else None


def _sql_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """SQLite takes scalars only: lists and dicts become JSON text, bools become 0/1."""
    import json

    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, list | dict | tuple):
            out[key] = json.dumps(value, ensure_ascii=False, sort_keys=True)
        else:
            out[key] = value
    return out


def _tombstone_key(uid: str | None) -> str | None:
    return tombstone_key(uid) if isinstance(uid, str) else None
