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
from collections.abc import Iterable, Iterator
from itertools import groupby
from json.encoder import encode_basestring as _quote
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from graph.model import DEMOGRAPHIC_FIELDS

__all__ = [
    "DEMOGRAPHIC_FIELDS",
    "channel_preferences",
    "consent",
    "demographics",
    "demographics_json",
    "top_categories",
]


def _chosen(
    members: pd.DataFrame, priority: list[str], fields: Iterable[str] = DEMOGRAPHIC_FIELDS
) -> Iterator[tuple[str, pd.DataFrame]]:
    """Per demographic field: one row per person that has a value (``personId``, the field,
    ``uid``), taken from the best record that has one.

    Best = earliest in ``priority`` (sources not listed come after), then the most recent
    signup, then the record id.
    """
    rank = {s: i for i, s in enumerate(priority)}
    keys = pd.DataFrame(
        {
            "personId": members["personId"].to_numpy(),
            "_rank": members["source"].map(rank).fillna(len(rank)).to_numpy(),
            "_signup": pd.to_datetime(
                members["signupAt"], utc=True, errors="coerce", format="ISO8601"
            ).to_numpy(),
            "uid": members["uid"].to_numpy(),
        }
    )
    # the order once; each field then copies three columns, not the whole frame
    order = keys.sort_values(
        ["personId", "_rank", "_signup", "uid"],
        ascending=[True, True, False, True],
        na_position="last",
        kind="stable",
    ).index.to_numpy()
    del keys
    for name in fields:
        if name not in members:
            continue
        frame = members[["personId", name, "uid"]].take(order)
        column = frame[name]
        values = frame[column.notna().to_numpy() & (column != "").to_numpy()]
        yield name, values.drop_duplicates("personId")


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
    """:func:`demographics` as JSON text per person (keys sorted), grown field by field: a
    million persons never hold a Python object per attribute at once (that cost 1.4 GB).

    >>> members = pd.DataFrame({"personId": ["p1", "p2"], "uid": ["crm:1", "crm:2"],
    ...     "source": ["crm", "crm"], "signupAt": [None, None], "city": ["Lyon", None]})
    >>> demographics_json(members, ["crm"]).to_dict()
    {'p1': '{"city": {"source": "crm:1", "value": "Lyon"}}', 'p2': '{}'}
    """
    persons = pd.Index(members["personId"].unique())
    texts = [""] * len(persons)  # the fields so far, without the braces
    for name, first in _chosen(members, priority, sorted(DEMOGRAPHIC_FIELDS)):
        key = json.dumps(name) + ': {"source": '
        for at, value, uid in zip(
            persons.get_indexer(pd.Index(first["personId"])).tolist(),
            first[name].tolist(),
            first["uid"].tolist(),
            strict=True,
        ):
            fragment = f'{key}{_dumps(uid)}, "value": {_dumps(_plain(value))}}}'
            texts[at] = f"{texts[at]}, {fragment}" if texts[at] else fragment
    return pd.Series([f"{{{t}}}" for t in texts], index=persons, dtype=object)


def _dumps(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)``; text goes straight to the encoder's
    string quoting (``dumps`` with options builds an encoder per call: 3x the time)."""
    if isinstance(value, str):
        return _quote(value)
    return json.dumps(value, ensure_ascii=False)


def consent(members: pd.DataFrame) -> pd.Series:
    """Marketing consent per person: a record said yes and none said no."""
    said = members.dropna(subset=["consentMarketing"])
    yes = said["consentMarketing"].astype(bool).groupby(said["personId"].to_numpy()).all()
    return yes.reindex(members["personId"].unique(), fill_value=False).astype(bool)


def channel_preferences(touches: pd.DataFrame, orders: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Preferred channel (most touchpoints plus orders; ties by channel id) and channel mix
    (share of each channel, 3 decimals, as JSON text) per person.

    >>> touches = pd.DataFrame({"personId": ["p1", "p1"], "channelId": ["web", "app"],
    ...                         "touches": [3, 1]})
    >>> preferred, mix = channel_preferences(touches, pd.DataFrame())
    >>> preferred["p1"], mix["p1"]
    ('web', '{"app": 0.25, "web": 0.75}')
    """
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
    # JSON text per person (channels sorted), made person by person: a dict per person
    # held for a million persons costs half a gigabyte
    people, texts = [], []
    rows = zip(
        counts["personId"].tolist(),
        counts["channelId"].tolist(),
        counts["share"].astype(float).tolist(),
        strict=True,
    )
    for person, shares in groupby(rows, key=itemgetter(0)):
        people.append(person)
        texts.append(json.dumps({c: v for _p, c, v in shares}, ensure_ascii=False, sort_keys=True))
    return preferred, pd.Series(texts, index=people, dtype=object)


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
