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
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from graph.errors import ConfigError, QueryError, StoreUnavailableError
from graph.store.base import Row, Slots, Step, StoreBase
from queries import load_query

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    from neo4j import Driver, Transaction

    from graph.settings import Settings

__all__ = ["DEFAULT_BATCH_SIZE", "FRAME_CHUNK", "Neo4jStore", "columnar", "plain_value"]

log = logging.getLogger(__name__)

#: Neo4j's answer when a transaction's state outgrows ``db.memory.transaction.max`` or the
#: pool of all transactions (``dbms.memory.transaction.total.max``, 70 % of the heap).
MEMORY_POOL_FULL = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
#: How long transient errors (deadlocks, a leader switch) are retried, as the driver does.
RETRY_SECONDS = 30.0


class _TooLargeError(Exception):
    """A transaction did not fit in the server's transaction memory."""


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

    def _run_write(self, name: str, fn: Callable[[Any], None]) -> None:
        """Run ``fn(tx)`` in one transaction and commit it; transient errors are retried for
        :data:`RETRY_SECONDS` (as a managed transaction is), except a full transaction memory
        pool, which raises :class:`_TooLargeError` at once: the same transaction would not fit
        the next time either."""
        from neo4j.exceptions import DriverError, Neo4jError

        deadline, pause = time.monotonic() + RETRY_SECONDS, 0.2
        while True:
            try:
                with (
                    self._driver.session(database=self.database) as session,
                    session.begin_transaction() as tx,
                ):
                    fn(tx)
                    tx.commit()
                return
            except Neo4jError as exc:
                if exc.code == MEMORY_POOL_FULL:
                    raise _TooLargeError(name) from exc
                if not exc.is_retryable() or time.monotonic() > deadline:
                    raise self._wrap(name, exc) from exc
            except (DriverError, OSError) as exc:
                retryable = isinstance(exc, DriverError) and exc.is_retryable()
                if not retryable or time.monotonic() > deadline:
                    raise self._wrap(name, exc) from exc
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
        arrives, only not all at once.
        """
        if len(steps) == 1 and load_query("cypher", steps[0].name).autocommit:
            self._autocommit(steps[0])
            return
        compiled = [(step, self._compiled(step.name, step.slots)) for step in steps]

        def run(tx: Transaction, statements: list[str], params: dict[str, Any]) -> None:
            for statement in statements:
                tx.run(statement, params).consume()

        def chunks(step: Step) -> list[dict[str, Any]]:
            """The step's parameters, with its rows in chunks (bounded parameters)."""
            if step.rows is None:
                return [dict(step.params)]
            return [
                {**step.params, "rows": [dict(r) for r in step.rows[i : i + self.batch_size]]}
                for i in range(0, max(len(step.rows), 1), self.batch_size)
            ]

        def work(tx: Transaction) -> None:
            for step, statements in compiled:
                for params in chunks(step):
                    run(tx, statements, params)

        names = ",".join(s.name for s in steps)
        try:
            self._run_write(names, work)
            return
        except _TooLargeError:
            log.warning(
                "%s did not fit in one Neo4j transaction (the server's transaction memory, "
                "dbms.memory.transaction.total.max, is full); writing it in batches of %d "
                "rows instead: until it ends, readers may see old and new values side by "
                "side. Give Neo4j more heap for one-transaction write-backs.",
                names,
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

    def _autocommit(self, step: Step) -> None:
        from neo4j.exceptions import DriverError, Neo4jError

        params = dict(step.params)
        if step.rows is not None:
            params["rows"] = [dict(r) for r in step.rows]
        try:
            with self._driver.session(database=self.database) as session:
                for statement in self._compiled(step.name, step.slots):
                    session.run(statement, params).consume()
        except (DriverError, Neo4jError, OSError) as exc:
            raise self._wrap(step.name, exc) from exc

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
