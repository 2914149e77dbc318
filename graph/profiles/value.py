"""Purchase summaries, RFM scores and segments, and lifetime value (pure functions).

Examples
--------
>>> import pandas as pd
>>> orders = pd.DataFrame({
...     "personId": ["a", "a", "b"],
...     "purchasedAt": ["2026-01-01T10:00:00Z", "2026-03-01T10:00:00Z", "2026-02-01T09:00:00Z"],
...     "amount": [10.0, 30.0, 5.0],
...     "currency": ["USD", "USD", "EUR"],
... })
>>> s = summarise(orders, pd.Timestamp("2026-03-31", tz="UTC"), {"USD": 1.0, "EUR": 2.0}.get)
>>> s[["frequency", "monetary", "recency_days", "x"]].to_dict("index")["a"]
{'frequency': 2, 'monetary': 40.0, 'recency_days': 29, 'x': 1}
>>> quintiles(pd.Series([3, 1, 1, 2, 9])).tolist()
[4, 1, 1, 3, 5]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graph.errors import JobError
from graph.profiles.clv import BgNbd, GammaGamma, fit_bgnbd, fit_gamma_gamma
from graph.profiles.rules import ProfileRules

__all__ = [
    "Lifetime",
    "conversion",
    "lifetime_value",
    "quintiles",
    "rfm",
    "summarise",
    "to_utc",
]


def to_utc(values: pd.Series | list[object]) -> pd.Series:
    """Parse ISO times (any offset) into UTC timestamps; unparseable values become NaT."""
    return pd.to_datetime(pd.Series(values), utc=True, errors="coerce", format="ISO8601")


def conversion(currencies: pd.Series, rate: Callable[[str | None], float | None]) -> np.ndarray:
    """``rate`` of each row's currency (a missing one: ``rate(None)``), asked once per
    distinct currency rather than once per order.

    >>> conversion(pd.Series(["EUR", None, "EUR"]), {"EUR": 2.0, None: 1.0}.get).tolist()
    [2.0, 1.0, 2.0]
    """
    codes, distinct = pd.factorize(currencies, use_na_sentinel=True)
    per = [rate(c if isinstance(c, str) else None) for c in distinct] + [rate(None)]
    return np.asarray(per, dtype=float)[codes]  # the sentinel -1 picks rate(None)


def summarise(
    orders: pd.DataFrame, as_of: pd.Timestamp, rate: Callable[[str | None], float | None]
) -> pd.DataFrame:
    """Per person: orders, spend (in the reporting currency), first and last purchase, and the
    BG/NBD summary ``x, t_x, T`` (weeks) with ``m_x`` (mean spend of repeat purchase days).

    ``rate`` maps a currency to units of the reporting currency. Orders after ``as_of`` are
    ignored, so a caller cannot leak the future by accident.
    """
    columns = ["frequency", "monetary", "first", "last", "recency_days", "x", "t_x", "T", "m_x"]
    if orders.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="personId"))
    # an ``at`` column (UTC, parsed already by the caller) saves parsing the text again;
    # ``.array`` keeps it a datetime array (``to_numpy()`` makes a Timestamp per order)
    at = (orders["at"] if "at" in orders else to_utc(orders["purchasedAt"])).array
    frame = pd.DataFrame(
        {
            "personId": orders["personId"].to_numpy(),
            "at": at,
            "amount": pd.to_numeric(orders["amount"], errors="coerce").fillna(0.0).to_numpy()
            * conversion(orders["currency"], rate),
        }
    )
    frame = frame[frame["at"].notna() & (frame["at"] <= as_of)]
    frame["day"] = frame["at"].dt.floor("D")
    per = frame.groupby("personId", sort=True).agg(
        frequency=("at", "size"),
        monetary=("amount", "sum"),
        first=("at", "min"),
        last=("at", "max"),
    )
    days = frame.groupby(["personId", "day"], sort=True)["amount"].sum().reset_index()
    by_person = days.groupby("personId", sort=True)
    first_day = by_person["day"].min()
    last_day = by_person["day"].max()
    n_days = by_person.size()
    first_spend = days.drop_duplicates("personId").set_index("personId")["amount"]
    per["x"] = (n_days - 1).astype(int)
    per["t_x"] = (last_day - first_day).dt.days / 7.0
    per["T"] = (as_of.floor("D") - first_day).dt.days / 7.0
    repeat_spend = per["monetary"] - first_spend
    per["m_x"] = np.where(per["x"] > 0, repeat_spend / per["x"].clip(lower=1), np.nan)
    per["recency_days"] = (as_of - per["last"]).dt.days.astype(int)
    per["monetary"] = per["monetary"].round(2)
    return per[columns]


def quintiles(values: pd.Series) -> pd.Series:
    """Scores 1-5 by quintile of rank; ties share the lower score, so the result never depends
    on row order."""
    n = len(values)
    if n == 0:
        return pd.Series([], dtype=int, index=values.index)
    ranks = values.rank(method="min").to_numpy()
    scores = np.floor((ranks - 1) / max(n - 1, 1) * 5).astype(int) + 1
    return pd.Series(np.clip(scores, 1, 5), index=values.index)


def rfm(summary: pd.DataFrame, rules: ProfileRules) -> pd.DataFrame:
    """Recency, frequency and monetary scores, the three-digit score and the named segment.

    Only persons who bought are scored; the segment comes from the rules' table over the
    recency score and the mean of the frequency and monetary scores, rounded half up.
    """
    out = pd.DataFrame(index=summary.index)
    if summary.empty:
        return out.assign(
            rfm_recency=[], rfm_frequency=[], rfm_monetary=[], rfm_score=[], rfm_segment=[]
        )
    out["rfm_recency"] = quintiles(-summary["recency_days"].astype(float))
    out["rfm_frequency"] = quintiles(summary["frequency"].astype(float))
    out["rfm_monetary"] = quintiles(summary["monetary"].astype(float))
    out["rfm_score"] = (
        out["rfm_recency"].astype(str)
        + out["rfm_frequency"].astype(str)
        + out["rfm_monetary"].astype(str)
    )
    fm = np.floor((out["rfm_frequency"] + out["rfm_monetary"]) / 2 + 0.5).astype(int)
    table = {(r, f): rules.segment_of(r, f) for r in range(1, 6) for f in range(1, 6)}
    out["rfm_segment"] = [table[(r, f)] for r, f in zip(out["rfm_recency"], fm, strict=True)]
    return out


@dataclass(frozen=True, slots=True)
class Lifetime:
    """Per-person expected purchases, spend and value over the horizon, and the fitted models."""

    table: pd.DataFrame
    bgnbd: BgNbd
    gamma_gamma: GammaGamma | None


def lifetime_value(summary: pd.DataFrame, horizon_days: int) -> Lifetime:
    """Fit BG/NBD and Gamma-Gamma on the summaries and predict over ``horizon_days``.

    When fewer than ten persons bought twice, spend per purchase falls back to the plain mean
    spend (recorded as ``gamma_gamma = None``) rather than a fit that cannot be trusted.
    """
    x = summary["x"].to_numpy(dtype=float)
    t_x = summary["t_x"].to_numpy(dtype=float)
    T = summary["T"].to_numpy(dtype=float)
    model = fit_bgnbd(x, t_x, T)
    expected = model.expected(x, t_x, T, horizon_days / 7.0)
    alive = model.p_alive(x, t_x, T)
    m_x = summary["m_x"].to_numpy(dtype=float)
    try:
        gg: GammaGamma | None = fit_gamma_gamma(x, m_x)
    except JobError:  # too few repeat buyers to fit spend
        gg = None
    if gg is not None:
        spend = gg.expected_spend(x, m_x)
    else:
        mean = float(summary["monetary"].sum() / max(summary["frequency"].sum(), 1))
        spend = np.where(x > 0, np.nan_to_num(m_x, nan=mean), mean)
    table = pd.DataFrame(
        {
            "expected_purchases": np.round(expected, 4),
            "p_alive": np.round(alive, 4),
            "expected_spend": np.round(spend, 2),
            "predicted_clv": np.round(expected * spend, 2),
        },
        index=summary.index,
    )
    return Lifetime(table, model, gg)
