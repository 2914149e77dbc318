"""Preferences (channels, categories), demographics with provenance, and marketing consent
(pure functions over store frames).

Examples
--------
>>> import pandas as pd
>>> members = pd.DataFrame({
...     "personId": ["p1", "p1"], "uid": ["app:9", "crm:1"], "source": ["app", "crm"],
...     "signupAt": ["2025-01-01T00:00:00Z", "2024-01-01T00:00:00Z"],
...     "consentMarketing": [True, None], "city": ["Lyon", "Paris"], "gender": ["f", None],
... })
>>> demographics(members, ["crm", "app"])["p1"]["city"]
{'value': 'Paris', 'source': 'crm:1'}
>>> demographics(members, ["crm", "app"])["p1"]["gender"]
{'value': 'f', 'source': 'app:9'}
>>> consent(members).to_dict()
{'p1': True}
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "DEMOGRAPHIC_FIELDS",
    "channel_preferences",
    "consent",
    "demographics",
    "demographics_json",
    "top_categories",
]

#: The attributes a profile chooses from its records (graph spelling).
DEMOGRAPHIC_FIELDS = (
    "firstName",
    "lastName",
    "fullName",
    "email",
    "phone",
    "birthDate",
    "gender",
    "city",
    "postcode",
    "region",
    "country",
    "occupation",
    "incomeBand",
)


def _chosen(members: pd.DataFrame, priority: list[str]) -> Iterator[tuple[str, pd.DataFrame]]:
    """Per demographic field: one row per person that has a value (``personId``, the field,
    ``uid``), taken from the best record that has one.

    Best = earliest in ``priority`` (sources not listed come after), then the most recent
    signup, then the record id.
    """
    rank = {s: i for i, s in enumerate(priority)}
    frame = members.assign(
        _rank=members["source"].map(rank).fillna(len(rank)),
        _signup=pd.to_datetime(members["signupAt"], utc=True, errors="coerce", format="ISO8601"),
    ).sort_values(
        ["personId", "_rank", "_signup", "uid"],
        ascending=[True, True, False, True],
        na_position="last",
        kind="stable",
    )
    for name in DEMOGRAPHIC_FIELDS:
        if name not in frame:
            continue
        column = frame[name]
        values = frame[column.notna().to_numpy() & (column != "").to_numpy()]
        yield name, values.drop_duplicates("personId")[["personId", name, "uid"]]


def demographics(members: pd.DataFrame, priority: list[str]) -> dict[str, dict[str, Any]]:
    """Per person and attribute: the value from the best record that has one, and that record.

    Best = earliest in ``priority`` (sources not listed come after), then the most recent
    signup, then the record id.
    """
    out: dict[Any, dict[str, Any]] = {p: {} for p in members["personId"].unique().tolist()}
    for name, first in _chosen(members, priority):
        # plain lists: iterating pandas columns element by element costs seconds per field
        for person, value, uid in zip(
            first["personId"].tolist(), first[name].tolist(), first["uid"].tolist(), strict=True
        ):
            out[person][name] = {"value": _plain(value), "source": uid}
    return out


def demographics_json(members: pd.DataFrame, priority: list[str]) -> pd.Series:
    """:func:`demographics` as JSON text per person (keys sorted), made person by person so
    that a million persons never hold a dict per attribute at once.

    >>> members = pd.DataFrame({"personId": ["p1", "p2"], "uid": ["crm:1", "crm:2"],
    ...     "source": ["crm", "crm"], "signupAt": [None, None], "city": ["Lyon", None]})
    >>> demographics_json(members, ["crm"]).to_dict()
    {'p1': '{"city": {"source": "crm:1", "value": "Lyon"}}', 'p2': '{}'}
    """
    persons = pd.Index(members["personId"].unique())
    fields = []
    for name, first in _chosen(members, priority):
        values: list[Any] = [None] * len(persons)
        sources: list[Any] = [None] * len(persons)
        for at, value, uid in zip(
            persons.get_indexer(pd.Index(first["personId"])).tolist(),
            first[name].tolist(),
            first["uid"].tolist(),
            strict=True,
        ):
            values[at], sources[at] = _plain(value), uid
        fields.append((name, values, sources))
    fields.sort(key=lambda f: f[0])
    texts = []
    for i in range(len(persons)):
        chosen = {n: {"source": s[i], "value": v[i]} for n, v, s in fields if s[i] is not None}
        texts.append(json.dumps(chosen, ensure_ascii=False, sort_keys=True) if chosen else "{}")
    return pd.Series(texts, index=persons, dtype=object)


def consent(members: pd.DataFrame) -> pd.Series:
    """Marketing consent per person: a record said yes and none said no."""
    said = members.dropna(subset=["consentMarketing"])
    yes = said["consentMarketing"].astype(bool).groupby(said["personId"].to_numpy()).all()
    return yes.reindex(members["personId"].unique(), fill_value=False).astype(bool)


def channel_preferences(touches: pd.DataFrame, orders: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Preferred channel (most touchpoints plus orders; ties by channel id) and channel mix
    (share of each channel, 3 decimals) per person."""
    parts = []
    if not touches.empty:
        parts.append(touches[["personId", "channelId", "touches"]].rename(columns={"touches": "n"}))
    if not orders.empty and "channelId" in orders:
        via = orders.dropna(subset=["channelId"]).groupby(["personId", "channelId"]).size()
        parts.append(via.rename("n").reset_index())
    if not parts:
        empty = pd.Series(dtype=object)
        return empty, empty
    counts = pd.concat(parts).groupby(["personId", "channelId"], sort=True)["n"].sum().reset_index()
    totals = counts.groupby("personId")["n"].transform("sum")
    counts["share"] = np.round(counts["n"] / totals.clip(lower=1), 3)
    best = counts.sort_values(["personId", "n", "channelId"], ascending=[True, False, True])
    preferred = best.drop_duplicates("personId").set_index("personId")["channelId"]
    mix: dict[Any, dict[Any, float]] = {}  # one pass over the rows, not a frame per person
    for person, channel, share in zip(
        best["personId"].tolist(),
        best["channelId"].tolist(),
        best["share"].astype(float).tolist(),
        strict=True,
    ):
        mix.setdefault(person, {})[channel] = share
    return preferred, pd.Series(mix, dtype=object)


def top_categories(categories: pd.DataFrame, n: int = 3) -> pd.Series:
    """The ``n`` categories with the most spend per person (ties by name)."""
    if categories.empty:
        return pd.Series(dtype=object)
    spend = categories.groupby(["personId", "category"], sort=True)["amount"].sum().reset_index()
    spend = spend.sort_values(["personId", "amount", "category"], ascending=[True, False, True])
    top = spend.groupby("personId", sort=True).head(n)
    lists: dict[Any, list[Any]] = {}  # one pass over the rows, not a list per group
    for person, category in zip(top["personId"].tolist(), top["category"].tolist(), strict=True):
        lists.setdefault(person, []).append(category)
    return pd.Series(lists, dtype=object)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value
