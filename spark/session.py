"""One Spark session for a run: local mode by default, a cluster by ``--spark-master``.

PySpark is an optional dependency (``pip install 'custgraph[spark]'``); nothing else in
custgraph imports it. The session is set up so that it works on a laptop out of the box:
Python workers run the driver's own interpreter (``PYSPARK_PYTHON``: the venv that has
custgraph, pandas and pyarrow), the driver binds to loopback in local mode
(``SPARK_LOCAL_IP``), the web UI is off, and shuffles use a few partitions per core rather
than Spark's default 200 (tiny tasks dominate small inputs). A real cluster's settings
(executor memory, partitions) come from ``spark-submit`` or ``--conf`` as usual and win.

A run can also borrow a session its caller owns (a notebook's, a test module's):
:func:`borrowed_session` sets the SQL settings the jobs rely on (UTC, Arrow) for the run
and puts the owner's back afterwards. Each step drops what it cached for itself
(:class:`Held`), so a borrowed session is left holding nothing of the run.

Examples
--------
>>> master_of(None)
'local[2]'
>>> master_of("spark://head:7077")
'spark://head:7077'
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from graph.errors import InputError

if TYPE_CHECKING:
    from pyspark import StorageLevel
    from pyspark.sql import Column, DataFrame, Row, SparkSession

__all__ = [
    "RUN_SQL_CONF",
    "Held",
    "borrowed_session",
    "master_of",
    "places",
    "row_index",
    "spark_session",
]

#: SQL settings the jobs' answers depend on (times are read and written in UTC; pandas
#: functions exchange Arrow batches): set on a session of custgraph's own, and for the
#: length of a run on a borrowed one.
RUN_SQL_CONF = {
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
}


def master_of(master: str | None) -> str:
    """The master URL a run uses: the one given, else ``local[2]`` (two cores, like the
    machines custgraph is measured on; ``local[*]`` uses every core)."""
    return master or "local[2]"


def _pyspark() -> Any:
    try:
        import pyspark
    except ImportError:
        raise InputError(
            "the spark engine needs PySpark: pip install 'custgraph[spark]' "
            "(Java 17 or newer must be on the PATH)"
        ) from None
    return pyspark


@contextmanager
def spark_session(
    master: str | None = None, *, app: str = "custgraph", conf: dict[str, str] | None = None
) -> Iterator[SparkSession]:
    """A Spark session for one run, stopped at the end (its JVM with it).

    ``conf`` adds Spark settings (``{"spark.executor.memory": "8g"}``).
    """
    _pyspark()
    from pyspark.sql import SparkSession

    url = master_of(master)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    if url.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (
        SparkSession.builder.master(url)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", os.environ.get("CUSTGRAPH_SPARK_DRIVER_MEMORY", "4g"))
    )
    for key, value in {**RUN_SQL_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


@contextmanager
def borrowed_session(
    session: SparkSession, conf: Mapping[str, str] | None = None
) -> Iterator[SparkSession]:
    """``session`` (its owner's: not stopped here) with :data:`RUN_SQL_CONF` and ``conf``
    set for the length of a run, then the owner's values put back.

    Only settings a running session accepts can be given (``spark.sql.*``, mostly); others
    belong where the session is built.
    """
    wanted = {**RUN_SQL_CONF, **(conf or {})}
    fixed = [key for key in wanted if not session.conf.isModifiable(key)]
    if fixed:
        raise InputError(
            f"{', '.join(sorted(fixed))} cannot be changed on a running Spark session; "
            "set it where the session is built (or let custgraph build one)"
        )
    before = {key: session.conf.get(key, None) for key in wanted}
    for key, value in wanted.items():
        session.conf.set(key, value)
    try:
        yield session
    finally:
        for key, value in before.items():
            if value is None:
                session.conf.unset(key)
            else:
                session.conf.set(key, value)


class Held:
    """The frames one step caches for its own work, dropped together when it ends: a run's
    later steps get the executors' storage back, and a borrowed session keeps nothing.

    Example::

        held = Held()
        try:
            pairs = held(candidates(records))  # cached (memory, then disk) until release
            ...
        finally:
            held.release()
    """

    def __init__(self) -> None:
        self._frames: list[DataFrame] = []
        self._cuts: list[Any] = []  # the JVM RDDs that hold cut frames' blocks

    def __call__(self, frame: DataFrame, level: StorageLevel | None = None) -> DataFrame:
        """``frame``, cached (``level``: Spark's default for frames when None)."""
        cached = frame.persist() if level is None else frame.persist(level)
        self._frames.append(cached)
        return cached

    def cut(self, frame: DataFrame) -> DataFrame:
        """``frame`` computed now and kept on disk, its plan cut: later queries read it
        as a table instead of planning (and printing) everything it came from.

        A frame a step derives in many stages needs this as well as a cache: a cached
        frame's plan is carried, whole, by every query that uses it, so the plans of an
        identity run grew to hundreds of megabytes of text (Spark prints a plan each time
        adaptive execution re-plans a stage) and a second run ran out of heap doing it.
        Its blocks go with the holder's frames (:meth:`release`): the frame cannot be read
        after that, so nothing the step returns may be computed from it.
        """
        from pyspark import StorageLevel

        cut = frame.localCheckpoint(eager=True, storageLevel=StorageLevel.DISK_ONLY)
        # the checkpoint is a plan that reads one RDD (LogicalRDD): that RDD holds the blocks
        self._cuts.append(cut._jdf.queryExecution().analyzed().rdd())
        return cut

    def keep(self, *frames: DataFrame | None) -> None:
        """Drop ``frames`` (cached elsewhere; None: nothing) with this holder's own."""
        self._frames.extend(f for f in frames if f is not None)

    def release(self) -> None:
        """Drop every frame cached or cut through this holder."""
        while self._frames:
            self._frames.pop().unpersist()
        while self._cuts:
            self._cuts.pop().unpersist(False)


#: ``monotonically_increasing_id`` puts a row's partition above these bits, its place below
_PLACE_BITS = 33


def row_index(frame: DataFrame, by: str, held: Held, name: str = "idx") -> DataFrame:
    """``frame`` with ``name`` first: each row's 0-based place in the order of ``by`` (a
    column whose values are unique), counted in the JVM.

    The sorted rows are numbered within their partitions (``monotonically_increasing_id``)
    and cut (:meth:`Held.cut`: computed once, so the numbers cannot change between reads);
    one small pass (:func:`places`) counts each partition's rows, and a row's place is the
    rows of the partitions before its own plus its place in its partition. Nothing goes to
    Python, as ``rdd.zipWithIndex`` sends every row. The frame is read until ``held`` is released.

    Example::

        held = Held()
        indexed = row_index(records, "uid", held)  # idx 0, 1, 2, … in uid order
    """
    from pyspark.sql import functions as F

    columns = [F.col(f"`{c}`") for c in frame.columns]
    marked = held.cut(
        frame.orderBy(by).select(F.monotonically_increasing_id().alias("_at"), *columns)
    )
    place, _ = places(marked, F.shiftright("_at", _PLACE_BITS), start=0)
    return marked.select(
        (place if place is not None else F.lit(None).cast("long")).alias(name), *columns
    )


def places(
    marked: DataFrame, group: Column, start: int, *keep: Column
) -> tuple[Column | None, list[Row]]:
    """The column that numbers ``marked``'s rows ``start``, ``start + 1``, … in order, and
    one row per group (``rows``, ``first``, then ``keep``'s aggregates), in group order.

    ``marked`` has ``_at`` (``monotonically_increasing_id``), and ``group`` splits its rows
    into runs that one task each counted up in order, groups ordered as the rows are: a
    sorted frame's partitions, a file's blocks. One small pass counts each group's rows and
    finds its first ``_at``; a row's place is ``start`` plus the rows of the groups before
    its own plus its distance from its group's first row. The column is None when there are
    no rows. Both :func:`row_index` and the inputs' line numbers are this.

    Example::

        place, _ = places(marked, F.col("_block"), start=1)  # 1, 2, 3, … across blocks
    """
    from pyspark.sql import functions as F

    groups = (
        marked.groupBy(group.alias("_group"))
        .agg(F.count("*").alias("rows"), F.min("_at").alias("first"), *keep)
        .orderBy("_group")
        .collect()
    )
    if not groups:
        return None, groups
    shift: list[Any] = []
    before = start
    for row in groups:
        shift += [F.lit(row["_group"]), F.lit(before - int(row["first"]))]
        before += int(row["rows"])
    return F.col("_at") + F.element_at(F.create_map(*shift), group), groups
