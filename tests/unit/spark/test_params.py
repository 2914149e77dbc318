"""What a Spark run accepts, checked before Spark starts (no PySpark needed)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph.errors import InputError
from graph.influence import CommunityParams, InfluenceParams
from graph.journeys.job import JourneyParams
from graph.profiles import ProfileParams
from spark.run import SPARK_JOBS, SparkParams


def test_the_jobs_run_as_of_one_day() -> None:
    day = date(2025, 3, 31)
    params = SparkParams(
        jobs=SPARK_JOBS,
        inputs=("d",),
        out="o",
        influence=InfluenceParams(as_of=day),
        communities=CommunityParams(as_of=day),
        journeys=JourneyParams(as_of=day),
        profiles=ProfileParams(as_of=day),
    )
    assert params.as_of == day
    assert SparkParams(jobs=("identity",), inputs=("d",), out="o").as_of is None
    with pytest.raises(InputError, match="as of one day"):
        SparkParams(
            jobs=SPARK_JOBS,
            inputs=("d",),
            out="o",
            influence=InfluenceParams(as_of=day),
            profiles=ProfileParams(as_of=date(2025, 4, 1)),
        )
    # a job not run does not count: identity with journeys alone takes the journeys' day
    alone = SparkParams(
        jobs=("identity", "journeys"), inputs=("d",), out="o", journeys=JourneyParams(as_of=day)
    )
    assert alone.as_of == day


def test_an_unknown_job_is_refused() -> None:
    with pytest.raises(InputError, match="not yet gossip"):
        SparkParams(jobs=("identity", "gossip"), inputs=("d",), out="o")


def test_a_run_never_reads_the_ids_it_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "results"
    (tmp_path / "last" / "identities").mkdir(parents=True)
    with pytest.raises(InputError, match="is the --out folder"):
        SparkParams(jobs=("identity",), inputs=("d",), out=str(out), previous=f"{out}/")
    with pytest.raises(InputError, match="is the --out folder"):
        SparkParams(jobs=("identity",), inputs=("d",), out="s3a://b/r", previous="s3a://b/r/")
    kept = SparkParams(
        jobs=("identity",), inputs=("d",), out=str(out), previous=str(tmp_path / "last")
    )
    assert kept.previous == str(tmp_path / "last")


def test_previous_results_must_hold_identities(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no identities/ in it"):
        SparkParams(jobs=("identity",), inputs=("d",), out="o", previous=str(tmp_path))


def test_import_files_go_where_neo4j_admin_reads_them() -> None:
    assert SparkParams(jobs=("identity",), inputs=("d",), out="o", neo4j_import=True)
    with pytest.raises(InputError, match="neo4j-admin reads files on the server's machine"):
        SparkParams(jobs=("identity",), inputs=("d",), out="s3://bucket/o", neo4j_import=True)
    # without import files, a URL is a fine --out
    assert SparkParams(jobs=("identity",), inputs=("d",), out="s3://bucket/o")
