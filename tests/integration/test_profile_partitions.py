"""The profile job in partitions of persons gives the profiles of the job in one piece.

What the Spark engine's profile step rests on, checked without Spark: every person's own
parts made per partition (persons by code modulo 3; or the first 40 persons each alone and
the rest together, so that partitions miss channel kinds and events that others have) and
written as one row per person, then read back, equal the parts
made on all persons at once; and the whole population's step on them gives the same table,
segments, tags and counts, at a horizon that learns churn and at one that carries it.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from graph.profiles import ProfileParams, load_rules
from graph.profiles.job import (
    ProfileInputs,
    coded_inputs,
    person_names,
    person_parts,
    plan_for,
    population_profiles,
    project,
    shared_inputs,
)
from graph.profiles.partition import feature_columns, flatten, subset, unflatten
from graph.profiles.rows import json_list
from graph.store import SqliteStore
from synthetic import GenerateParams, generate_dataset
from tests import pipeline


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> ProfileInputs:
    tmp = tmp_path_factory.mktemp("partitions")
    generate_dataset(tmp / "data", GenerateParams(customers=2500, seed=13))
    store = SqliteStore(tmp / "p.db")
    store.ensure_schema()
    pipeline.analyze(store, tmp / "data", tmp / "rej", profiles=False, pairs=20_000)
    data = project(store, ProfileParams(as_of=date(2026, 3, 31)))
    store.close()
    return coded_inputs(data, person_names(data))


def _kinds(features: pd.DataFrame) -> list[str]:
    return [c.removeprefix("share_") for c in features.columns if c.startswith("share_")]


def _texts(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists as the JSON text a partition row holds them in; a missing text is None
    whether pandas made it NaN or None (the store writes both as null)."""
    out = frame.assign(
        top_categories=frame["top_categories"].map(
            lambda v: json_list(v) if isinstance(v, list) else v
        )
    )
    texts = [c for c in out if pd.api.types.is_object_dtype(out[c])
             or pd.api.types.is_string_dtype(out[c])]  # fmt: skip
    for column in texts:
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


def _partitions(scheme: str, coded: ProfileInputs) -> list[np.ndarray]:
    n = int(coded.members["personId"].max()) + 1
    if scheme == "modulo-3":
        return [np.arange(b, n, 3) for b in range(3)]
    # 20 persons without touchpoint events and 20 with, each alone; the rest together
    touched = np.isin(np.arange(n), coded.events["personId"].to_numpy())
    alone = np.sort(np.concatenate([np.flatnonzero(~touched)[:20], np.flatnonzero(touched)[:20]]))
    assert len(alone) == 40
    return [np.array([i]) for i in alone] + [np.setdiff1d(np.arange(n), alone)]


@pytest.mark.parametrize("horizon", [90, 1500])  # 1500: churn learned on less, carried
@pytest.mark.parametrize("scheme", ["modulo-3", "singles-and-rest"])
def test_partitions_give_the_profiles_of_one_piece(
    coded: ProfileInputs, horizon: int, scheme: str
) -> None:
    rules = load_rules()
    params = ProfileParams(as_of=date(2026, 3, 31), horizon_days=horizon)
    _orders, plan = plan_for(coded, rules, horizon)
    assert plan.behaviour
    whole = person_parts(coded, plan, rules)
    assert whole.then is not None
    now = feature_columns(_kinds(whole.now), behaviour=True)
    then = feature_columns(_kinds(whole.then), behaviour=True)
    assert now == list(whole.now.columns)
    assert then == list(whole.then.columns)

    n = int(coded.members["personId"].max()) + 1
    rows = []
    missing_a_kind = 0
    for codes in _partitions(scheme, coded):
        part = person_parts(subset(coded, codes), plan, rules)
        missing_a_kind += len(_kinds(part.now)) < len(_kinds(whole.now))
        rows.append(flatten(part, codes, now, then))
    flat = pd.concat(rows[::-1], ignore_index=True)  # any order
    parts, persons = unflatten(flat, now, then)
    assert len(persons) == n
    assert (missing_a_kind > 0) == (scheme == "singles-and-rest")

    assert parts.past is not None
    assert parts.then is not None
    assert whole.past is not None
    pd.testing.assert_frame_equal(parts.summary, whole.summary, check_names=False)
    pd.testing.assert_frame_equal(parts.past, whole.past, check_names=False)
    assert sorted(parts.bought_after) == sorted(whole.bought_after)
    pd.testing.assert_frame_equal(parts.now, whole.now, check_names=False)
    pd.testing.assert_frame_equal(parts.then, whole.then, check_names=False)
    pd.testing.assert_frame_equal(
        _texts(parts.texts), _texts(whole.texts), check_names=False, check_dtype=False
    )

    shared = shared_inputs(coded)
    one = population_profiles(whole, shared, plan, params, rules, persons=persons)
    split = population_profiles(parts, shared, plan, params, rules, persons=persons)
    pd.testing.assert_frame_equal(
        _texts(split.table), _texts(one.table), check_names=False, check_dtype=False
    )
    assert (split.segments, split.tags, split.counts) == (one.segments, one.tags, one.counts)
    assert ("carried" in str(one.counts["churn_method"])) == (horizon == 1500)
