"""A profile run's rows as the stores keep them: graph names, lists and maps as JSON text,
no NaN; converted value by value as the store writes them."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from graph.store.base import ColumnRows, MappedColumn

if TYPE_CHECKING:
    from graph.profiles.job import ProfileParams, Profiles

__all__ = ["json_list", "json_map", "member_lists", "profile_rows"]


def profile_rows(
    profiles: Profiles, *, as_of: pd.Timestamp, params: ProfileParams, run: str, currency: str
) -> ColumnRows:
    """The store's rows (graph names; lists and maps as JSON text; no NaN), kept as the
    table's own arrays and converted value by value only as the store writes them (a dict
    per person, or a Python object per value, is never held for a million persons)."""
    t = profiles.table
    n = len(t)

    def floats(name: str, convert: Callable[[Any], Any] = _float) -> MappedColumn:
        return MappedColumn(t[name].to_numpy(dtype="float64", na_value=np.nan), convert)

    def mapped(name: str, convert: Callable[[Any], Any]) -> MappedColumn:
        return MappedColumn(t[name].array, convert)

    columns: dict[str, Sequence[Any]] = {
        "personId": MappedColumn(t.index.array, str),
        "asOf": [as_of.strftime("%Y-%m-%dT%H:%M:%SZ")] * n,
        "horizonDays": [params.horizon_days] * n,
        "recencyDays": floats("recency_days", _int),
        "frequency": floats("frequency", _int),
        "monetary": floats("monetary"),
        "currency": [currency] * n,
        "rfmRecency": floats("rfm_recency", _int),
        "rfmFrequency": floats("rfm_frequency", _int),
        "rfmMonetary": floats("rfm_monetary", _int),
        "rfmScore": mapped("rfm_score", _str),
        "rfmSegment": mapped("rfm_segment", _str),
        "expectedPurchases": floats("expected_purchases"),
        "pAlive": floats("p_alive"),
        "expectedSpend": floats("expected_spend"),
        "predictedClv": floats("predicted_clv"),
        "churnRisk": floats("churn_risk"),
        "churnFactors": mapped("churn_factors", json_list),
        "segment": mapped("segment", _str),
        "preferredChannel": mapped("preferred_channel", _str),
        "channelMix": mapped("channel_mix", json_map),
        "topCategories": mapped("top_categories", json_list),
        "tags": mapped("tags", json_list),
        "consentMarketing": MappedColumn(t["consent_marketing"].to_numpy(dtype=bool), bool),
        "demographics": mapped("demographics", json_map),
        "tenureDays": floats("tenure_days", _int),
        "firstPurchaseAt": _stamps(t["first"]),
        "lastPurchaseAt": _stamps(t["last"]),
        "run": [run] * n,
    }
    return ColumnRows(columns)


def member_lists(members: pd.DataFrame, names: pd.Index) -> list[list[str]]:
    """Each person's record uids, aligned with ``names`` (``members`` coded by them), in one
    pass over the rows (not a list per group).

    >>> m = pd.DataFrame({"personId": [1, 0, 1], "uid": ["crm:2", "crm:1", "shop:7"]})
    >>> member_lists(m, pd.Index(["a", "b"]))
    [['crm:1'], ['crm:2', 'shop:7']]
    """
    out: list[list[str]] = [[] for _ in range(len(names))]
    for code, uid in zip(members["personId"].tolist(), members["uid"].tolist(), strict=True):
        out[code].append(uid)
    return out


def _stamps(column: pd.Series) -> MappedColumn:
    text = pd.to_datetime(column, utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return MappedColumn(text.array, lambda v: v if isinstance(v, str) else None)


def json_list(value: Any) -> str:
    """A list as the store keeps it: JSON text (keys sorted; missing: ``[]``).

    >>> json_list(["b", "a"]), json_list(None), json_list('["x"]')
    ('["b", "a"]', '[]', '["x"]')
    """
    return _json(value, [])


def json_map(value: Any) -> str:
    """A map as the store keeps it: JSON text (keys sorted; missing: ``{}``)."""
    return _json(value, {})


def _float(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return round(float(value), 4)


def _int(value: Any) -> int | None:
    f = _float(value)
    return None if f is None else int(f)


def _str(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _json(value: Any, empty: Any) -> str:
    if isinstance(value, str):  # JSON text already
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        value = empty
    if not value and isinstance(value, list | dict):  # most persons: no factors, no tags
        return "[]" if isinstance(value, list) else "{}"
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in a profile")
