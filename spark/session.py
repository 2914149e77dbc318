"""One Spark session for a run: local mode by default, a cluster by ``--spark-master``.

PySpark is an optional dependency (``pip install 'custgraph[spark]'``); nothing else in
custgraph imports it. The session is set up so that it works on a laptop out of the box:
Python workers run the driver's own interpreter (``PYSPARK_PYTHON``: the venv that has
custgraph, pandas and pyarrow), the driver binds to loopback in local mode
(``SPARK_LOCAL_IP``), the web UI is off, and shuffles use a few partitions per core rather
than Spark's default 200 (tiny tasks dominate small inputs). A real cluster's settings
(executor memory, partitions) come from ``spark-submit`` or ``--conf`` as usual and win.

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
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from graph.errors import InputError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["master_of", "spark_session"]


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
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", os.environ.get("CUSTGRAPH_SPARK_DRIVER_MEMORY", "4g"))
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
