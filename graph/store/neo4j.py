"""The Neo4j store: one driver, managed transactions with retries, ``UNWIND $rows`` batches.

Driver errors are wrapped with the query's *name* and Neo4j's status code, never the
query's values (Neo4j's own messages can quote them).

Examples
--------
>>> from graph.settings import Settings
>>> store = Neo4jStore.connect(Settings(neo4j_uri="bolt://127.0.0.1:7687",
...     neo4j_password="secret"))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from graph.errors import ConfigError, QueryError, StoreUnavailableError
from graph.store.base import Row, Slots, Step, StoreBase
from queries import load_query

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    from neo4j import Driver, Result, Transaction

    from graph.settings import Settings

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "FRAME_CHUNK",
    "Neo4jStore",
    "QuietRows",
    "columnar",
    "plain_value",
]

log = logging.getLogger(__name__)

#: Neo4j's answer when a transaction's state outgrows ``db.memory.transaction.max`` or the
#: pool of all transactions (``dbms.memory.transaction.total.max``, 70 % of the heap).
MEMORY_POOL_FULL = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
#: How long transient errors (deadlocks, a leader switch) are retried, as the driver does.
RETRY_SECONDS = 30.0


class _TooLargeError(Exception):
    """A transaction did not fit in the server's transaction memory (or, stopped early by
    :class:`_MemoryWatch`, would not have: then ``why`` says what was measured)."""

    def __init__(self, name: str, why: str = "") -> None:
        super().__init__(name)
        self.why = why


class QuietRows(list[dict[str, Any]]):
    """A batch of ``$rows`` whose ``repr`` names only its length.

    The driver formats every statement's parameters for its debug log *before* it asks
    whether debug logging is on: a profile write-back's rows cost 1.1 s of ``repr`` at
    100k customers, and with the driver's debug log on, every value (names, e-mails) would
    be written to the log. The driver sends it as the list it is.

    >>> rows = QuietRows([{"email": "ada@example.org"}])
    >>> repr(rows), rows[0]["email"]
    ('<1 rows>', 'ada@example.org')
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


_UNITS = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}


def memory_bytes(text: str) -> int | None:
    """Bytes of one of Neo4j's memory settings as ``SHOW SETTINGS`` prints it; None for
    text it does not recognise.

    >>> memory_bytes("716.80MiB"), memory_bytes("1.40GiB"), memory_bytes("0B")
    (751619276, 1503238553, 0)
    >>> memory_bytes("lots") is None
    True
    """
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]iB|B)\s*", text)
    return int(float(match[1]) * _UNITS[match[2]]) if match else None


@dataclass
class _MemoryWatch:
    """Stops a one-transaction write early when, at the rate it fills the server's
    transaction memory, it would not fit: the server would refuse it only once full, and
    a first profile write-back at 100k customers took 19.2 s that way against 15.1 s
    stopped early (docs/benchmarks.md). The commit needs memory of its own, several times
    the state (``factor``), and fails only after every row was written.

    The rate is measured from the first batch on (what a transaction holds before its
    first row is fixed cost), and asked between batches, each time after half again as
    many rows as the last time (each look is a round trip).

    >>> held = {"bytes": 0}
    >>> watch = _MemoryWatch(lambda: held["bytes"], name="w", total=100_000,
    ...                      limit=1 << 30, first=5_000)
    >>> held["bytes"] = 20 << 20
    >>> watch.check(5_000)   # the first batch: where the rate starts
    >>> held["bytes"] = 50 << 20
    >>> watch.check(10_000)  # 6 MiB per 1,000 rows: 590 MiB in all
    >>> watch.factor = 2     # ... and a commit that needs twice its state
    >>> held["bytes"] = 80 << 20
    >>> watch.check(15_000)
    Traceback (most recent call last):
    ...
    graph.store.neo4j._TooLargeError: w
    >>> looks = []
    >>> watch = _MemoryWatch(lambda: looks.append(1) or 100 << 20, name="w", total=100_000,
    ...                      limit=1 << 30, first=5_000)
    >>> for done in range(5_000, 100_000, 5_000):
    ...     watch.check(done)
    >>> len(looks)  # after 5k, 10k, 15k, 25k, 40k, 60k and 90k rows
    7
    """

    used: Callable[[], int | None]
    name: str
    total: int
    limit: int
    #: rows in a batch: the rate is measured from the first batch on, and projected from
    #: the second
    first: int
    #: how many times its state the transaction's commit needs (the most of its queries'
    #: :attr:`~queries.Query.commit_factor`): a commit that does not fit fails only after
    #: every row was written
    factor: float = 1.0
    #: rows written before the next look: each look is a round trip (36 ms at 100k
    #: customers), so they are spaced by half again as many rows as the last
    next: int = 0
    #: (rows, bytes) at the first look
    start: tuple[int, int] | None = None

    def check(self, done: int) -> None:
        if done >= self.total or done < self.first:
            return
        if self.start is None:
            used = self.used()
            if used is not None:
                self.start = (done, used)
            return
        if done < max(2 * self.first, self.next) or done <= self.start[0]:
            return
        self.next = done * 3 // 2
        used = self.used()
        if used is None:
            return
        rows, held = self.start
        projected = used + max(used - held, 0) * (self.total - done) / (done - rows)
        if projected * self.factor > self.limit:
            raise _TooLargeError(
                self.name,
                f"after {done:,} of {self.total:,} rows it held {used / 2**20:,.0f} MiB, "
                f"so all of them would need ~{projected / 2**20:,.0f} MiB and their commit "
                f"{self.factor:g} times that, of the server's {self.limit / 2**20:,.0f} MiB",
            )


#: Rows per transaction unless told: transaction state lives in the server's heap (20,000
#: measured no faster).
DEFAULT_BATCH_SIZE = 5_000


class Neo4jStore(StoreBase):
    """A :class:`~graph.store.Store` on a Neo4j server.

    Parameters
    ----------
    driver
        An open ``neo4j.Driver``; the store owns it and closes it.
    database
        The database name (``neo4j`` on Community edition).
    batch_size
        Rows per ``UNWIND $rows`` transaction in :meth:`write` (default 5,000).
    address
        The URI the driver was opened with (what :meth:`describe` and errors show).
    """

    kind: Literal["neo4j", "sqlite"] = "neo4j"
    dialect = "cypher"
    comment = "//"
    #: Two reads of ``read_many`` at once, each on a connection of its own: a projection's
    #: reads are bound by the server (it builds and encodes the rows; the client's Rust
    #: decoder needs a fifth of that time), so a second one keeps a second core of the
    #: server busy (the profile job's eight reads at 100k customers: 20 s → 13.5 s; a third
    #: gained nothing on 2 cores, and each read holds its rows in the server's memory).
    parallel_reads = 2
    #: Two writes of ``write_many`` at once: an identity run's five derivations of the
    #: person graph are each bound by one core of the server (at 100k customers 18.9 s one
    #: after the other, 14.1 s two at a time, 13.0 s three at a time on 2 cores).
    parallel_writes = 2

    def __init__(
        self,
        driver: Driver,
        *,
        database: str = "neo4j",
        batch_size: int | None = None,
        address: str | None = None,
    ) -> None:
        self._driver = driver
        self.database = database
        self.address = address
        self._memory_limit: int | None = None
        self._memory_limit_read = False
        super().__init__(batch_size=batch_size or DEFAULT_BATCH_SIZE)

    @classmethod
    def connect(cls, settings: Settings) -> Neo4jStore:
        """Open a driver from settings (does not contact the server yet)."""
        from neo4j import GraphDatabase

        if not settings.neo4j_uri:
            raise ConfigError("no Neo4j configured: set CUSTGRAPH_NEO4J_URI or pass --neo4j")
        try:
            driver = GraphDatabase.driver(
                settings.neo4j_uri,
                auth=(settings.neo4j_user, settings.neo4j_password),
                max_connection_pool_size=64,
                connection_acquisition_timeout=30.0,
                notifications_min_severity="OFF",
            )
        except ValueError as exc:
            raise ConfigError(
                "CUSTGRAPH_NEO4J_URI is not a Neo4j URI; use bolt://HOST:7687 or neo4j://HOST:7687"
            ) from exc
        return cls(
            driver,
            database=settings.neo4j_database,
            batch_size=settings.batch_size,
            address=settings.neo4j_uri,
        )

    def _wrap(self, name: str, exc: Exception) -> Exception:
        from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

        if isinstance(exc, AuthError):
            return ConfigError(
                "Neo4j refused the credentials; check CUSTGRAPH_NEO4J_USER and "
                "CUSTGRAPH_NEO4J_PASSWORD"
            )
        if isinstance(exc, ServiceUnavailable | SessionExpired | OSError):
            return StoreUnavailableError(
                f"Neo4j at {self.describe()} is unreachable while running {name!r}; "
                "start it (`scripts/neo4j start` or `docker compose up -d neo4j`)"
            )
        if isinstance(exc, Neo4jError):
            return QueryError(f"query {name!r} failed in Neo4j ({exc.code})")
        return QueryError(f"query {name!r} failed in Neo4j ({type(exc).__name__})")

    def _run_write(
        self, name: str, fn: Callable[[Any], None], metadata: dict[str, Any] | None = None
    ) -> None:
        """Run ``fn(tx)`` in one transaction (with ``metadata``) and commit it, retried as
        :meth:`_retried` says."""

        def attempt() -> None:
            with (
                self._driver.session(database=self.database) as session,
                session.begin_transaction(metadata=metadata) as tx,
            ):
                fn(tx)
                tx.commit()

        self._retried(name, attempt)

    def _retried(self, name: str, attempt: Callable[[], None], *, again: bool = True) -> None:
        """Run ``attempt()``; when ``again``, transient errors (a deadlock, a lost
        connection) run it again for :data:`RETRY_SECONDS` (as a managed transaction is),
        except a full transaction memory pool, which raises :class:`_TooLargeError` at once:
        the same transaction would not fit the next time either."""
        from neo4j.exceptions import DriverError, Neo4jError

        deadline, pause = time.monotonic() + RETRY_SECONDS, 0.2
        while True:
            try:
                attempt()
                return
            except Neo4jError as exc:
                if exc.code == MEMORY_POOL_FULL:
                    raise _TooLargeError(name) from exc
                if not (again and exc.is_retryable()) or time.monotonic() > deadline:
                    raise self._wrap(name, exc) from exc
            except (DriverError, OSError) as exc:
                retryable = isinstance(exc, DriverError) and exc.is_retryable()
                if not (again and retryable) or time.monotonic() > deadline:
                    raise self._wrap(name, exc) from exc
            log.info("%s met a transient error; running it again", name)
            time.sleep(pause)
            pause = min(pause * 2, 5.0)

    def _read(self, name: str, statement: str, params: dict[str, Any], consume: Any) -> Any:
        """One read statement in an auto-commit transaction: one network round trip instead
        of a managed transaction's two, which is what API latency is made of. Transient
        errors and lost connections are retried twice, as managed transactions would."""
        from neo4j import READ_ACCESS
        from neo4j.exceptions import (
            DriverError,
            Neo4jError,
            ServiceUnavailable,
            SessionExpired,
            TransientError,
        )

        for attempt in range(3):
            try:
                with self._driver.session(
                    database=self.database, default_access_mode=READ_ACCESS
                ) as session:
                    return consume(session.run(statement, params))
            except (TransientError, SessionExpired, ServiceUnavailable) as exc:
                if attempt == 2:
                    raise self._wrap(name, exc) from exc
                time.sleep(0.05 * (attempt + 1))
            except (DriverError, Neo4jError, OSError) as exc:
                raise self._wrap(name, exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def read(self, name: str, /, *, slots: Slots | None = None, **params: Any) -> list[Row]:
        """Run a read query; temporal values come back as ISO-8601 strings."""

        def consume(result: Any) -> list[Row]:
            return [
                {k: plain_value(v) for k, v in zip(record.keys(), record.values(), strict=True)}
                for record in result
            ]

        rows: list[Row] = self._read(name, self._compiled(name, slots)[-1], params, consume)
        return rows

    def frame(self, name: str, /, *, slots: Slots | None = None, **params: Any) -> pd.DataFrame:
        """Run a read query into a DataFrame.

        The rows travel in lists of :data:`FRAME_CHUNK` (see :func:`columnar`): the driver
        spends ~20 µs of Python on each record it decodes, so 600k rows as records took 14 s
        and as lists 1 s. A result too large for the server's query memory is streamed as
        records instead.
        """
        import pandas as pd
        from neo4j.exceptions import TransientError

        statement = self._compiled(name, slots)[-1]
        columns = self._columns(name, statement, params)

        def chunks(result: Any) -> list[Any]:
            return [row for record in result for row in record[0]]

        def records(result: Any) -> list[Any]:
            return [record.values() for record in result]

        try:
            rows = self._read(name, columnar(statement, columns), params, chunks)
        except QueryError as exc:
            cause = exc.__cause__
            if not (isinstance(cause, TransientError) and cause.code == MEMORY_POOL_FULL):
                raise
            rows = self._read(name, statement, params, records)
        frame = pd.DataFrame.from_records(rows, columns=columns)
        for column in frame.columns:
            values = frame[column]
            if values.dtype == object and _needs_plain(values):
                frame[column] = values.map(plain_value)
        return frame

    def _columns(self, name: str, statement: str, params: dict[str, Any]) -> list[str]:
        """The columns a read statement returns (asked once with ``EXPLAIN``, then cached)."""
        key = ("columns", statement)
        cached = self._statements.get(key)
        if cached is None:
            cached = self._read(name, f"EXPLAIN {statement}", params, lambda r: list(r.keys()))
            self._statements[key] = cached
        return list(cached)

    def table(self, name: str, /, *, slots: Slots | None = None, **params: Any) -> pa.Table:
        """Run a read query into an Arrow table (the rows travel as for :meth:`frame`)."""
        import pyarrow as pa

        return pa.Table.from_pandas(self.frame(name, slots=slots, **params), preserve_index=False)

    def write_tx(self, steps: Sequence[Step]) -> None:
        """Run every step in one transaction (retried on transient errors).

        A query whose header says ``mode: autocommit`` runs alone in an implicit transaction.
        When the server's transaction memory cannot hold the whole transaction, the steps
        are written in batches of ``batch_size`` rows instead (a warning says so): the data
        arrives, only not all at once. A write of many batches is watched as it goes
        (:class:`_MemoryWatch`), so one that would not fit stops early instead of when the
        server refuses it.
        """
        if len(steps) == 1 and load_query("cypher", steps[0].name).autocommit:
            self._autocommit(steps[0])
            return
        compiled = [(step, self._compiled(step.name, step.slots)) for step in steps]

        def run(tx: Transaction, statements: list[str], params: dict[str, Any]) -> None:
            for statement in statements:
                tx.run(statement, params).consume()

        def chunks(step: Step) -> Iterator[dict[str, Any]]:
            """The step's parameters, with its rows in chunks (bounded parameters), each
            built only when asked for."""
            if step.rows is None:
                yield dict(step.params)
                return
            for i in range(0, max(len(step.rows), 1), self.batch_size):
                yield {
                    **step.params,
                    "rows": QuietRows(dict(r) for r in step.rows[i : i + self.batch_size]),
                }

        names = ",".join(s.name for s in steps)
        total = sum(len(step.rows) if step.rows is not None else 1 for step in steps)
        token = uuid.uuid4().hex
        factor = max(load_query("cypher", step.name).commit_factor for step in steps)
        watch = self._memory_watch(names, total, token, factor)

        def work(tx: Transaction) -> None:
            # a batch is sent, then the next one is built while the server writes it (a
            # profile write-back's rows take 1.7 s to build at 100k customers)
            done = 0
            for step, statements in compiled:
                sent: tuple[Result, int] | None = None
                for params in chunks(step):
                    if sent is not None:
                        done = finish(*sent, done)
                    for statement in statements[:-1]:
                        tx.run(statement, params).consume()
                    rows = len(params["rows"]) if step.rows is not None else 1
                    sent = (tx.run(statements[-1], params), rows)
                if sent is not None:
                    done = finish(*sent, done)

        def finish(result: Result, rows: int, done: int) -> int:
            """Wait for a batch's write to end; ``done`` counting it."""
            result.consume()
            if watch is not None:
                watch.check(done + rows)
            return done + rows

        try:
            self._run_write(names, work, {"custgraph": token})
            return
        except _TooLargeError as exc:
            log.warning(
                "%s did not fit in one Neo4j transaction (%s); writing it in batches of %d "
                "rows instead: until it ends, readers may see old and new values side by "
                "side. Give Neo4j more heap for one-transaction write-backs.",
                names,
                exc.why
                or "the server's transaction memory, dbms.memory.transaction.total.max, is full",
                self.batch_size,
            )
        for step, statements in compiled:
            for params in chunks(step):
                try:
                    self._run_write(step.name, partial(run, statements=statements, params=params))
                except _TooLargeError as exc:
                    raise QueryError(
                        f"one batch of {step.name!r} ({self.batch_size} rows) does not fit in "
                        "Neo4j's transaction memory; set CUSTGRAPH_BATCH_SIZE lower or give "
                        "Neo4j more heap"
                    ) from exc

    def _memory_watch(
        self, name: str, total: int, token: str, factor: float
    ) -> _MemoryWatch | None:
        """A watch on a one-transaction write of ``total`` rows (None for a write of a few
        batches, or when the server's limit cannot be read)."""
        if total <= 2 * self.batch_size:
            return None
        limit = self._transaction_memory_limit()
        if not limit:
            return None

        def used() -> int | None:
            rows = self._read_quietly("status/transaction_memory", token=token)
            return int(rows[0]["memory"]) if rows and rows[0]["memory"] is not None else None

        return _MemoryWatch(
            used, name=name, total=total, limit=limit, first=self.batch_size, factor=factor
        )

    def _transaction_memory_limit(self) -> int | None:
        """The smallest of the server's transaction memory limits in bytes (read once);
        None when there is none or it cannot be read."""
        if not self._memory_limit_read:
            rows = self._read_quietly("status/transaction_memory_limit")
            limits = [memory_bytes(str(r["value"])) for r in rows or ()]
            self._memory_limit = min((b for b in limits if b), default=None)
            self._memory_limit_read = True
        return self._memory_limit

    def _read_quietly(self, name: str, **params: Any) -> list[Row] | None:
        """:meth:`read`, or None when the server refuses it (a privilege this user lacks):
        for what only makes a write faster, never for what it writes."""
        try:
            return self.read(name, **params)
        except QueryError as exc:
            log.debug("%s: %s", name, exc)
            return None

    def _autocommit(self, step: Step) -> None:
        """Run a ``mode: autocommit`` write in implicit transactions. One whose header says
        ``rerun: safe`` is run again after a transient error (a deadlock with a write
        running beside it, a lost connection), as a managed transaction would be; any other
        is reported at once, since part of it may have committed."""
        params = dict(step.params)
        if step.rows is not None:
            params["rows"] = QuietRows(dict(r) for r in step.rows)

        def attempt() -> None:
            with self._driver.session(database=self.database) as session:
                for statement in self._compiled(step.name, step.slots):
                    session.run(statement, params).consume()

        try:
            self._retried(step.name, attempt, again=load_query("cypher", step.name).rerun_safe)
        except _TooLargeError as exc:  # the server's own error, as for any other query
            cause = exc.__cause__ if isinstance(exc.__cause__, Exception) else exc
            raise self._wrap(step.name, cause) from cause

    def ensure_schema(self) -> None:
        """Create constraints and indexes (``IF NOT EXISTS``), each in its own transaction.

        A server that does not answer is reported at once (:meth:`ping`), not after the
        driver's 30 s of retries."""
        from neo4j.exceptions import DriverError, Neo4jError

        self.ping()
        for statement in self._compiled("schema/create", None):
            try:
                self._driver.execute_query(statement, database_=self.database)
            except (DriverError, Neo4jError, OSError) as exc:
                raise self._wrap("schema/create", exc) from exc
        # one-time upgrades, each once per database (a SchemaState node marks it done):
        # touchpoint events (4), the record key's name (5)
        for migration in ("schema/migrate_4", "schema/migrate_5"):
            self.write(migration)

    def ping(self) -> None:
        """Check that Neo4j answers a query (once: no retries, so a server that is down is
        reported at once)."""
        from neo4j.exceptions import DriverError, Neo4jError

        try:
            with self._driver.session(database=self.database) as session:
                session.run("RETURN 1").consume()
        except (DriverError, Neo4jError, OSError) as exc:
            raise self._wrap("ping", exc) from exc

    def purge(self) -> None:
        """Nothing to do from a client: Neo4j reuses the store space of deleted records,
        and its transaction logs are rotated by the server (docs/api.md, erasure)."""

    def describe(self) -> str:
        """The server's address and database, without credentials.

        >>> from neo4j import GraphDatabase
        >>> uri = "neo4j://db.example:7690"
        >>> Neo4jStore(GraphDatabase.driver(uri), address=uri).describe()
        'neo4j://db.example:7690 (database neo4j)'
        """
        from urllib.parse import urlsplit

        if not self.address:
            return f"Neo4j (database {self.database})"
        parts = urlsplit(self.address)
        host = parts.hostname or ""
        host = f"[{host}]" if ":" in host else host
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port} (database {self.database})"

    def close(self) -> None:
        """Close the driver."""
        self._driver.close()


#: Rows per list when a frame's rows travel as lists (:func:`columnar`).
FRAME_CHUNK = 10_000


def _plain(column: str) -> str:
    """A column's value with date-times as ``plain_value`` writes them (UTC,
    ``YYYY-MM-DDTHH:MM:SSZ``) and dates as ``YYYY-MM-DD``, made by the server: the driver's
    Python temporal types cost ~60 µs a value to decode."""
    v = "`" + column.replace("`", "``") + "`"
    # through a map: the planner then does not know the type, and does not reject the
    # temporal branches for a column it knows holds numbers
    t = f"{{v: {v}}}.v"
    u = f"datetime({{datetime: {t}, timezone: 'UTC'}})"

    def text(t: str) -> str:
        two = [f"right('0' + toString({t}.{part}), 2)" for part in ("hour", "minute", "second")]
        return f"toString(date({t})) + 'T' + " + " + ':' + ".join(two) + " + 'Z'"

    return (
        f"CASE WHEN {v} IS :: ZONED DATETIME NOT NULL THEN {text(u)} "
        f"WHEN {v} IS :: LOCAL DATETIME NOT NULL THEN {text(t)} "
        f"WHEN {v} IS :: DATE NOT NULL THEN toString({t}) ELSE {v} END"
    )


def columnar(statement: str, columns: Sequence[str]) -> str:
    """``statement`` wrapped so that its rows come back as lists of :data:`FRAME_CHUNK` rows,
    each row a list in ``columns`` order (nulls kept, temporal values as text: see
    :func:`_plain`), in the statement's order.

    >>> lines = columnar("MATCH (p:Person) RETURN p.personId AS id", ["id"]).splitlines()
    >>> lines[0], lines[-1]
    ('CALL () {', 'RETURN rows[start..start + 10000] AS rows')
    """
    row = ", ".join(_plain(c) for c in columns)
    return (
        f"CALL () {{\n{statement}\n}}\n"
        f"WITH collect([{row}]) AS rows\n"
        f"UNWIND range(0, size(rows) - 1, {FRAME_CHUNK}) AS start\n"
        f"RETURN rows[start..start + {FRAME_CHUNK}] AS rows"
    )


def _needs_plain(values: pd.Series) -> bool:
    """Whether a column holds Neo4j temporal values (or lists, which may hold them)."""
    present = values.dropna()
    if present.empty:
        return False
    first = present.iloc[0]
    return isinstance(first, list) or (
        hasattr(first, "to_native") and not isinstance(first, str | int | float | bool)
    )


def plain_value(value: Any) -> Any:
    """Neo4j temporal values as the text the loaders write, so both stores answer alike.

    Date-times become UTC ``YYYY-MM-DDTHH:MM:SSZ``; dates ``YYYY-MM-DD``.
    """
    if isinstance(value, list):
        return [plain_value(v) for v in value]
    to_native = getattr(value, "to_native", None)
    if to_native is None or isinstance(value, str | int | float | bool | dict):
        return value
    native = to_native()
    if isinstance(native, datetime):
        if native.tzinfo is not None:
            native = native.astimezone(UTC)
        return native.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(native, date):
        return native.isoformat()
    return value
