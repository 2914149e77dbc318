"""The scheduled pipeline: load → analyze (identity, influence, communities, journeys,
profiles) → report, each run recorded in the store (job ``schedule``) and logged with its
outcome.

Examples
--------
>>> trigger("0 6 * * 1").fields[4].name
'day_of_week'
>>> trigger("every day")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph.errors.InputError: "every day" is not a cron expression (minute hour day month weekday), ...
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from graph.errors import CustgraphError, InputError
from graph.settings import Settings

__all__ = ["run_pipeline", "run_schedule", "trigger"]

log = logging.getLogger("custgraph.schedule")


def trigger(cron: str) -> Any:
    """An APScheduler cron trigger in UTC; a clear error for a malformed expression."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        return CronTrigger.from_crontab(cron, timezone="UTC")
    except ValueError as exc:
        raise InputError(
            f'"{cron}" is not a cron expression (minute hour day month weekday), e.g. "0 6 * * 1"'
        ) from exc


def run_pipeline(settings: Settings, data: list[Path], out: Path, top: int) -> dict[str, Any]:
    """One run: load what is given, run every job, write the report. Returns the counts."""
    from graph.pipeline import JobsParams, run_jobs
    from graph.runs import recorded_run
    from graph.store import open_store
    from loaders import load_files
    from reports import ReportParams, write_report

    with open_store(settings) as store:
        store.ensure_schema()
        with recorded_run(
            store, "schedule", {"data": [str(p) for p in data], "out": str(out), "top": top}
        ) as run:
            if data:
                with run.timed("load"):
                    loaded = load_files(
                        store,
                        data,
                        rejects_dir=out / "rejects",
                        region=settings.default_region,
                        batch_size=settings.batch_size,
                    )
                run.counts["rows_loaded"] = loaded.rows_loaded
                run.counts["rows_rejected"] = loaded.rows_rejected
            with run.timed("analyze"):
                run_jobs(store, JobsParams())
            with run.timed("report"):
                built = write_report(store, ReportParams(top=top), out)
            run.counts["listed"] = len(built.ranking)
        log.info("scheduled run %s ok: %s", run.run_id, run.counts)
        return dict(run.counts)


def run_schedule(settings: Settings, cron: str, data: list[Path], out: Path, top: int) -> None:
    """Block, running the pipeline at each time the cron expression names (UTC). A failed run
    is logged with its error and the schedule goes on."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    when = trigger(cron)

    def job() -> None:
        try:
            run_pipeline(settings, data, out, top)
        except CustgraphError as exc:
            log.error("scheduled run failed: %s", exc)

    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(job, when, max_instances=1, coalesce=True, id="custgraph-pipeline")
    log.info("custgraph schedule %r: next run at %s", cron, when.get_next_fire_time(None, _now()))
    scheduler.start()


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)
