"""The analysis pipeline: identity → influence → communities → journeys → profiles, or any
of them in that order. Communities reuse the person graph the influence job projected, and
their Leiden run starts in a worker process while influence is computed and written (on a
machine with more than one core); a bad tag rule fails before the first job runs.
`custgraph analyze`, `custgraph demo`, the scheduler and the tests all run the jobs through
:func:`run_jobs`.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.store import SqliteStore
>>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "x.db"); store.ensure_schema()
>>> run_jobs(store, JobsParams(jobs=("influence",)))
Traceback (most recent call last):
...
graph.errors.JobError: no persons to rank; run `custgraph analyze identity` first
>>> run_jobs(store, JobsParams(jobs=("everything",)))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph.errors.InputError: unknown job 'everything'; choose from identity, influence, ...
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from graph.errors import InputError
from graph.identity import IdentityParams
from graph.identity.resolve import IdentityResult
from graph.influence import CommunityParams, InfluenceParams
from graph.influence.job import InfluenceResult
from graph.journeys.job import JourneyParams, JourneyResult
from graph.profiles.job import ProfileParams, Profiles
from graph.profiles.rules import ProfileRules
from graph.store.base import Store

__all__ = ["JOBS", "JobsParams", "JobsResult", "run_jobs"]

#: The jobs, in the order they run.
JOBS = ("identity", "influence", "communities", "journeys", "profiles")


@dataclass(frozen=True, slots=True)
class JobsParams:
    """Which jobs to run and each one's parameters (``full_identity``: resolve every record
    again; ``rules``: the profile rules, None for the shipped ones)."""

    jobs: tuple[str, ...] = JOBS
    identity: IdentityParams = field(default_factory=IdentityParams)
    full_identity: bool = False
    influence: InfluenceParams = field(default_factory=InfluenceParams)
    communities: CommunityParams = field(default_factory=CommunityParams)
    journeys: JourneyParams = field(default_factory=JourneyParams)
    profiles: ProfileParams = field(default_factory=ProfileParams)
    rules: ProfileRules | None = None


@dataclass(slots=True)
class JobsResult:
    """What each job that ran returned (None for a job that did not run)."""

    identity: IdentityResult | None = None
    influence: InfluenceResult | None = None
    communities: pd.DataFrame | None = None
    journeys: JourneyResult | None = None
    profiles: Profiles | None = None


def run_jobs(
    store: Store,
    params: JobsParams,
    *,
    step: Callable[[str], AbstractContextManager[Any]] | None = None,
    done: Callable[[str, JobsResult], None] | None = None,
) -> JobsResult:
    """Run ``params.jobs`` in pipeline order; ``step(job)`` wraps each job (a progress
    display), ``done(job, result)`` is told when each has finished."""
    from graph.identity.job import run_identity
    from graph.influence import run_communities, run_influence
    from graph.journeys.job import run_journeys
    from graph.profiles import load_rules, run_profiles
    from graph.profiles.tags import check_tag_rules

    unknown = [j for j in params.jobs if j not in JOBS]
    if unknown:
        raise InputError(f"unknown job {unknown[0]!r}; choose from {', '.join(JOBS)}")
    rules = None
    if "profiles" in params.jobs:  # a bad rules file fails before any job runs
        rules = params.rules or load_rules()
        check_tag_rules(rules)
    result = JobsResult()
    for job in (j for j in JOBS if j in params.jobs):
        with step(job) if step else nullcontext():
            if job == "identity":
                result.identity = run_identity(store, params.identity, full=params.full_identity)
            elif job == "influence":
                # Leiden starts in a worker as soon as the graph is built (a second core)
                ahead = "communities" in params.jobs and (
                    params.communities.as_of == params.influence.as_of
                )
                result.influence = run_influence(
                    store, params.influence, communities=params.communities if ahead else None
                )
            elif job == "communities":
                shared = result.influence.projection if result.influence else None
                result.communities = run_communities(store, params.communities, projection=shared)
            elif job == "journeys":
                result.journeys = run_journeys(store, params.journeys)
            else:
                result.profiles = run_profiles(store, params.profiles, rules)
        if done:
            done(job, result)
    return result
