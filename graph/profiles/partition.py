"""The profile job in partitions of persons: each partition's person parts as one row per
person, and back (pure functions; the Spark engine's profile step runs on them).

A partition holds some persons with all of their rows. :func:`subset` takes them out of
coded inputs and numbers them 0..m-1 in the order of their global codes (so every tie
broken by person is broken the same way); :func:`graph.profiles.job.person_parts` runs on
the subset; :func:`flatten` writes its parts as one row per person under the global codes,
with the feature columns of the whole population (a channel kind that a partition never
saw is a share of 0, as in one piece); :func:`unflatten` turns the rows of every partition
back into the parts of the whole, the same as :func:`~graph.profiles.job.person_parts` on
all persons at once (``tests/integration/test_profile_partitions.py``).

Examples
--------
>>> feature_columns(["web", "app"], behaviour=True)[-6:]
['channels', 'share_app', 'share_web', 'touches_30d', 'touches_90d', 'days_since_touch']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from graph.profiles.churn import BEHAVIOUR_FILL
from graph.profiles.job import TEXT_PARTS, PersonParts, ProfileInputs
from graph.profiles.rows import json_list
from graph.profiles.value import to_utc

__all__ = [
    "SUMMARY_COLUMNS",
    "feature_columns",
    "flat_columns",
    "flatten",
    "subset",
    "unflatten",
]

#: The purchase summary's columns (``graph.profiles.value.summarise``).
SUMMARY_COLUMNS = ("frequency", "monetary", "first", "last", "recency_days", "x", "t_x", "T",
                   "m_x")  # fmt: skip
_INTS = ("frequency", "recency_days", "x")
_TIMES = ("first", "last")
#: The person's own churn features before the channel shares, in their order.
_OWN = ("recency_days", "frequency", "log_monetary", "avg_order_value", "tenure_days",
        "orders_last_horizon", "records", "channels")  # fmt: skip


def _time_unit() -> Literal["s", "ms", "us", "ns"]:
    """The unit of the times the profile job parses (``to_utc``) with this pandas."""
    unit: Literal["s", "ms", "us", "ns"] = to_utc(["1970-01-01T00:00:00Z"]).dt.unit
    return unit


def feature_columns(kinds: Iterable[str], *, behaviour: bool) -> list[str]:
    """The columns of :func:`graph.profiles.churn.person_features` for the whole
    population: the channel kinds seen by then (any order) and whether there are events."""
    return [
        *_OWN,
        *(f"share_{k}" for k in sorted(set(kinds))),
        *(BEHAVIOUR_FILL if behaviour else ()),
    ]


def flat_columns(now: Sequence[str], then: Sequence[str] | None) -> dict[str, str]:
    """The flat row's columns and their types (Spark's names: ``long``, ``double``,
    ``boolean``, ``string``), for features ``now`` and ``then`` (None: no training date)."""
    columns: dict[str, str] = {"personId": "long"}
    for prefix in ("s_", "p_") if then is not None else ("s_",):
        columns[f"{prefix}buyer"] = "boolean"
        for name in SUMMARY_COLUMNS:
            columns[prefix + name] = "long" if name in _INTS or name in _TIMES else "double"
    columns["bought_after"] = "boolean"
    for prefix, names in (("n_", now), ("t_", then or ())):
        if prefix == "t_" and then is None:
            continue
        columns[f"{prefix}known"] = "boolean"
        columns.update({prefix + name: "double" for name in names})
    columns.update(dict.fromkeys(TEXT_PARTS, "string"))
    columns["consent_marketing"] = "boolean"
    return columns


def subset(data: ProfileInputs, codes: np.ndarray) -> ProfileInputs:
    """The rows of the persons ``codes`` (sorted global codes) with each person numbered by
    its position in ``codes``; rows of other persons are left out.

    >>> m = pd.DataFrame({"personId": [4, 9, 4], "uid": ["a", "b", "c"]})
    >>> empty = pd.DataFrame({"personId": pd.Series(dtype="int64")})
    >>> part = subset(ProfileInputs(pd.Timestamp(0), m, empty, empty, empty, empty, empty,
    ...                             pd.DataFrame({"src": [], "dst": []})), np.array([4, 9]))
    >>> part.members["personId"].tolist()
    [0, 1, 0]
    """

    def local(frame: pd.DataFrame) -> pd.DataFrame:
        if frame.empty:
            return frame.copy()
        person = frame["personId"].to_numpy()
        at = np.searchsorted(codes, person)
        inside = (at < len(codes)) & (codes[np.minimum(at, len(codes) - 1)] == person)
        kept: pd.DataFrame = frame[inside].assign(personId=at[inside]).reset_index(drop=True)
        return kept

    return ProfileInputs(
        as_of=data.as_of,
        members=local(data.members),
        orders=local(data.orders),
        categories=local(data.categories),
        touches=local(data.touches),
        influence=data.influence,
        memberships=data.memberships,
        referrals=data.referrals,
        social=data.social,
        events=local(data.events) if isinstance(data.events, pd.DataFrame) else data.events,
    )


def flatten(
    parts: PersonParts, codes: np.ndarray, now: Sequence[str], then: Sequence[str] | None
) -> pd.DataFrame:
    """One row per person of ``parts`` (local codes, ``codes[i]`` the global code of local
    person ``i``) with :func:`flat_columns`; lists and maps as JSON text."""
    index = pd.RangeIndex(len(codes))
    out: dict[str, Any] = {"personId": np.asarray(codes, dtype=np.int64)}
    summaries = [("s_", parts.summary)] + ([("p_", parts.past)] if then is not None else [])
    for prefix, summary in summaries:
        assert summary is not None
        frame = summary.reindex(index)
        out[f"{prefix}buyer"] = index.isin(summary.index)
        for name in SUMMARY_COLUMNS:
            values = frame[name]
            if name in _TIMES:  # nanoseconds since 1970 (exact; a float is not)
                stamps = pd.to_datetime(values, utc=True)
                ns = pd.array(stamps.to_numpy(dtype="datetime64[ns]").view("int64"), "Int64")
                ns[stamps.isna().to_numpy()] = pd.NA
                out[prefix + name] = ns
            elif name in _INTS:
                out[prefix + name] = pd.array(values.to_numpy(dtype=float), "Float64").astype(
                    "Int64"
                )
            else:
                out[prefix + name] = values.to_numpy(dtype=float)
    out["bought_after"] = index.isin(parts.bought_after)
    for prefix, names, features in (("n_", now, parts.now), ("t_", then, parts.then)):
        if names is None:
            continue
        assert features is not None
        frame = features.reindex(index)
        out[f"{prefix}known"] = index.isin(features.index)
        for name in names:
            column = frame[name] if name in frame else pd.Series(0.0, index=index)
            # a kind this partition did not see is a share of 0 for its known persons
            out[prefix + name] = column.where(~out[f"{prefix}known"] | column.notna(), 0.0)
    texts = parts.texts.reindex(index)
    for name in TEXT_PARTS:
        values = texts[name]
        if name == "top_categories":  # a list as the store keeps it; none stays none
            values = values.map(lambda v: json_list(v) if isinstance(v, list) else None)
        out[name] = values.fillna(False).astype(bool) if name == "consent_marketing" else values
    return pd.DataFrame(out, index=index)


def unflatten(
    rows: pd.DataFrame, now: Sequence[str], then: Sequence[str] | None
) -> tuple[PersonParts, pd.RangeIndex]:
    """The parts of every person from the rows of all partitions (any row order; the
    text parts present in ``rows`` only), and the persons (codes 0..n-1). Integer columns
    must be read exactly (pandas' nullable ``Int64``, not floats)."""
    rows = rows.sort_values("personId", ignore_index=True)
    persons = pd.RangeIndex(len(rows), name="personId")
    code = rows["personId"].to_numpy()

    def summary(prefix: str) -> pd.DataFrame:
        mask = rows[f"{prefix}buyer"].to_numpy(dtype=bool)
        frame = pd.DataFrame(index=pd.Index(code[mask], name="personId"))
        for name in SUMMARY_COLUMNS:
            values = rows[prefix + name][mask]
            if name in _TIMES:  # in the unit the job's own times have (ns, or us on pandas 3)
                ns = values.astype("int64").to_numpy()
                frame[name] = pd.to_datetime(ns, utc=True).as_unit(_time_unit())
            elif name in _INTS:
                frame[name] = values.astype("int64").to_numpy()
            else:
                frame[name] = values.to_numpy(dtype=float)
        return frame

    def features(prefix: str, names: Sequence[str]) -> pd.DataFrame:
        mask = rows[f"{prefix}known"].to_numpy(dtype=bool)
        return pd.DataFrame(
            {name: rows[prefix + name].to_numpy(dtype=float)[mask] for name in names},
            index=pd.Index(code[mask], name="personId"),
        )

    texts = pd.DataFrame(index=persons)
    for name in TEXT_PARTS:
        if name in rows:
            texts[name] = rows[name].to_numpy()
    parts = PersonParts(
        summary=summary("s_"),
        past=summary("p_") if then is not None else None,
        bought_after=code[rows["bought_after"].to_numpy(dtype=bool)],
        now=features("n_", now),
        then=features("t_", then) if then is not None else None,
        texts=texts,
    )
    return parts, persons
