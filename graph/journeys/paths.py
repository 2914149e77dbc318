"""Journeys from touchpoint events and orders (pure, vectorised).

A person's journeys come from all of their records' touchpoints and orders, in time order:

- a **converting journey** is an order with the touchpoints before it — after the person's
  previous order and at most ``lookback_days`` before it (a touchpoint at the order's own
  instant counts); an order with no touchpoint in that window is a journey with an empty
  path (a *direct* conversion);
- touchpoints in no converting journey make **non-converting journeys**: a new one starts
  after an order or after ``lookback_days`` without a touchpoint. One whose last touch is
  within ``lookback_days`` of the end is still *open* (it may yet convert).

A path is the journey's channels in time order with repeats in a row collapsed
(``web > web > email`` is ``web > email``), as in path-exploration tools; every model
counts the collapsed steps, each at the time of its latest touch.

Examples
--------
>>> t = pd.DataFrame({"personId": ["a", "a", "a", "b"],
...                   "channelId": ["web", "web", "email", "app"],
...                   "at": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03",
...                                         "2026-01-01"], utc=True)})
>>> o = pd.DataFrame({"personId": ["a"], "orderId": ["O1"], "revenue": [20.0],
...                   "at": pd.to_datetime(["2026-01-04"], utc=True)})
>>> j = build_journeys(t, o, end=pd.Timestamp("2026-01-10", tz="UTC"), lookback_days=30)
>>> j.journeys[["personId", "orderId", "path", "touches", "open"]].to_dict("records")
[{'personId': 'a', 'orderId': 'O1', 'path': 'web > email', 'touches': 3, 'open': False}, \
{'personId': 'b', 'orderId': None, 'path': 'app', 'touches': 1, 'open': True}]
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "DAY_NS",
    "PATH_SEP",
    "Journeys",
    "build_journeys",
    "key_of",
    "ns_times",
    "path_keys",
    "path_table",
]

#: Nanoseconds in a day.
DAY_NS = 86_400 * 10**9
#: How a path's channels are written.
PATH_SEP = " > "
#: Where channel codes start in the one-character-per-step path keys (past ASCII and
#: Latin-1, so a key never needs escaping).
_BASE = 0x100


@dataclass(slots=True)
class Journeys:
    """Journeys and their collapsed steps.

    ``journeys``: one row per journey — person (a code into ``persons``), personId, orderId
    (None: did not convert), converted, revenue, startAt and endAt (ns since the epoch: the
    first touch or the order; the order or the last touch), touches (raw touchpoints, with
    their counts), open, path (channel names joined by :data:`PATH_SEP`; ``""`` for a
    direct conversion), key (one character per step, for grouping).
    ``steps``: journey, channel (code into ``channels``), at (ns) — collapsed, in order.
    """

    journeys: pd.DataFrame
    steps: pd.DataFrame
    channels: np.ndarray
    end: int
    persons: np.ndarray

    @property
    def converting(self) -> pd.DataFrame:
        """The converting journeys."""
        return self.journeys[self.journeys["converted"].to_numpy()]


def key_of(codes: list[int]) -> str:
    """The grouping key of a path of channel codes (one character per step).

    >>> [ord(c) for c in key_of([0, 2])]
    [256, 258]
    """
    return "".join(chr(_BASE + c) for c in codes)


def ns_times(values: pd.Series) -> np.ndarray:
    """Times as int64 nanoseconds since the epoch (UTC): ISO text or date-times are
    converted, integers are taken to be nanoseconds already.

    >>> ns_times(pd.Series(["1970-01-02T00:00:00Z"])).tolist()
    [86400000000000]
    >>> ns_times(pd.Series([5])).tolist()
    [5]
    """
    if pd.api.types.is_integer_dtype(values.dtype):
        return np.asarray(values, dtype=np.int64)
    times = pd.to_datetime(values, utc=True, format="ISO8601").dt.tz_convert(None)
    return np.asarray(times.dt.as_unit("ns").to_numpy(), dtype="datetime64[ns]").view(np.int64)


@dataclass(slots=True)
class _Timeline:
    """Touchpoints and orders of every person in one array set, by person then time (a
    touch before an order at the same instant; touches at one instant by channel name,
    orders by id, whatever order the rows came in)."""

    kind: np.ndarray  # 0 touch, 1 order
    person: np.ndarray
    at: np.ndarray
    channel: np.ndarray  # -1 for orders
    count: np.ndarray  # 0 for orders
    source: np.ndarray  # the order's row in ``orders`` (negative for touches)
    persons: np.ndarray
    channels: np.ndarray


def _timeline(touches: pd.DataFrame, orders: pd.DataFrame, end_ns: int) -> _Timeline:
    t_at, o_at = ns_times(touches["at"]), ns_times(orders["at"])
    t_keep, o_keep = t_at <= end_ns, o_at <= end_ns
    if not t_keep.all():  # a copy only when something is left out
        touches, t_at = touches[t_keep], t_at[t_keep]
    if not o_keep.all():
        orders, o_at = orders[o_keep], o_at[o_keep]
    codes, persons = pd.factorize(
        pd.concat([touches["personId"], orders["personId"]], ignore_index=True), sort=True
    )
    ch_codes, channels = pd.factorize(touches["channelId"], sort=True)
    nt, no = len(touches), len(orders)
    counts = (
        np.asarray(touches["count"], dtype=np.int64) if "count" in touches else np.ones(nt, int)
    )
    kind = np.concatenate([np.zeros(nt, np.int8), np.ones(no, np.int8)])
    person = codes.astype(np.int64)
    at = np.concatenate([t_at, o_at])
    # ties at one instant broken by the data, not by the rows' order (a store's load order,
    # a Spark partition's): touches by channel, orders by id
    o_codes = pd.factorize(orders["orderId"], sort=True)[0] if no else np.zeros(0, np.int64)
    tie = np.concatenate([ch_codes.astype(np.int64), o_codes.astype(np.int64)])
    order = np.lexsort((tie, kind, at, person))
    return _Timeline(
        kind=kind[order],
        person=person[order],
        at=at[order],
        channel=np.concatenate([ch_codes.astype(np.int64), np.full(no, -1)])[order],
        count=np.concatenate([counts, np.zeros(no, np.int64)])[order],
        source=np.where(order >= nt, np.flatnonzero(o_keep)[np.maximum(order - nt, 0)], -1)
        if no
        else order - nt,
        persons=np.asarray(persons),
        channels=np.asarray(channels, dtype=object),
    )


def _journey_of(t: _Timeline, window: int) -> np.ndarray:
    """Each row's journey, named by a number whose journeys end in row order: a converting
    journey by its order's row, a non-converting one by ``rows + its ordinal``."""
    n = len(t.kind)
    pos = np.arange(n)
    nxt = np.minimum.accumulate(np.where(t.kind == 1, pos, n)[::-1])[::-1] if n else pos
    has_next = nxt < n
    safe = np.where(has_next, nxt, 0)
    converts = (
        (t.kind == 0)
        & has_next
        & (t.person[safe] == t.person)
        & (t.at[safe] - t.at <= window)  # within the look-back window of the order
    )
    # non-converting: a new journey after an order, a new person, or a gap of a window
    li = np.flatnonzero((t.kind == 0) & ~converts)
    new = np.ones(len(li), dtype=bool)
    if len(li) > 1:
        new[1:] = (
            (t.person[li[1:]] != t.person[li[:-1]])
            | (nxt[li[1:]] != nxt[li[:-1]])
            | (t.at[li[1:]] - t.at[li[:-1]] > window)
        )
    journey_of = np.full(n, -1, dtype=np.int64)
    journey_of[t.kind == 1] = pos[t.kind == 1]
    journey_of[converts] = nxt[converts]
    journey_of[li] = n + np.cumsum(new) - 1
    return journey_of


def build_journeys(
    touches: pd.DataFrame, orders: pd.DataFrame, *, end: pd.Timestamp, lookback_days: int
) -> Journeys:
    """Every person's journeys up to ``end`` (see the module docstring).

    ``touches``: personId, channelId, at, and optionally count (raw touchpoints of a row;
    default 1). ``orders``: personId, orderId, at, revenue. Times are ISO text, date-times
    or int64 nanoseconds since the epoch (:func:`ns_times`); person ids anything hashable
    (the job passes integer codes). Rows after ``end`` are ignored.
    """
    if lookback_days < 1:
        raise ValueError("lookback_days must be at least 1")
    end_ns = int(pd.Timestamp(end).as_unit("ns").value)
    window = lookback_days * DAY_NS
    t = _timeline(touches, orders, end_ns)
    n = len(t.kind)
    pos = np.arange(n)
    journey_of = _journey_of(t, window)
    # number the journeys in the order they end: by person, then time
    last_row = np.full(2 * n + 1, -1, dtype=np.int64)
    last_row[journey_of] = pos  # the last row of each journey (orders end theirs)
    ids = np.flatnonzero(last_row >= 0)
    ids = ids[np.argsort(last_row[ids], kind="stable")]
    ends = last_row[ids]
    del last_row
    renumber = np.full(2 * n + 1, -1, dtype=np.int64)
    renumber[ids] = np.arange(len(ids))
    jid = renumber[journey_of]
    del renumber, journey_of, pos
    nj = len(ids)
    first_row = np.searchsorted(jid, np.arange(nj))  # journeys are blocks of rows, in order
    converted = t.kind[ends] == 1
    is_touch = t.kind == 0
    touch_n = np.bincount(jid[is_touch], weights=t.count[is_touch], minlength=nj)
    order_rows = t.source[ends[converted]]
    j_order = np.full(nj, None, dtype=object)
    j_revenue = np.zeros(nj)
    j_order[converted] = orders["orderId"].to_numpy(dtype=object)[order_rows]
    j_revenue[converted] = np.asarray(orders["revenue"], dtype=np.float64)[order_rows]
    # collapsed steps: touch rows whose next touch in the journey is another channel
    ti = np.flatnonzero(is_touch)
    keep = np.ones(len(ti), dtype=bool)
    if len(ti) > 1:
        keep[:-1] = (jid[ti[1:]] != jid[ti[:-1]]) | (t.channel[ti[1:]] != t.channel[ti[:-1]])
    si = ti[keep]
    steps = pd.DataFrame({"journey": jid[si], "channel": t.channel[si], "at": t.at[si]})
    key, path = path_keys(steps, nj, t.channels)
    journeys = pd.DataFrame(
        {
            "person": t.person[ends],
            "personId": t.persons[t.person[ends]],
            "orderId": pd.Series(j_order, dtype=object),  # None, not NaN, on pandas 3 too
            "converted": converted,
            "revenue": j_revenue,
            "startAt": t.at[first_row],
            "endAt": t.at[ends],
            "touches": touch_n.astype(np.int64),
            # the open ones: not converted, last touch within a window of the end
            "open": ~converted & (end_ns - t.at[ends] <= window),
            "path": path,
            "key": key,
        }
    )
    return Journeys(journeys, steps, t.channels, end_ns, t.persons)


def path_keys(steps: pd.DataFrame, nj: int, channels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each journey's step key (one character per step, :func:`key_of`) and readable path,
    from the collapsed ``steps`` (journey 0..nj-1 in order, channel codes into
    ``channels``).

    >>> steps = pd.DataFrame({"journey": [0, 0, 2], "channel": [1, 0, 1]})
    >>> path_keys(steps, 3, np.array(["app", "web"], dtype=object))[1].tolist()
    ['web > app', '', 'web']
    """
    codes = steps["channel"].to_numpy()
    text = "".join(map(chr, (codes + _BASE).tolist()))
    bounds = np.searchsorted(steps["journey"].to_numpy(), np.arange(nj + 1))
    keys = np.array([text[a:b] for a, b in itertools.pairwise(bounds)], object)
    inverse, uniq = pd.factorize(keys)
    readable = np.array(
        [PATH_SEP.join(channels[ord(c) - _BASE] for c in k) for k in uniq.tolist()], object
    )
    return keys, readable[inverse]


def path_table(journeys: Journeys) -> pd.DataFrame:
    """One row per path: path, journeys, conversions, conversion_rate,
    median_days_to_convert (over its converting journeys; None when none converted) and
    revenue; most journeys first, then by path.

    >>> t = pd.DataFrame({"personId": ["a", "b"], "channelId": ["web", "web"],
    ...                   "at": pd.to_datetime(["2026-01-01", "2026-01-01"], utc=True)})
    >>> o = pd.DataFrame({"personId": ["a"], "orderId": ["O1"], "revenue": [5.0],
    ...                   "at": pd.to_datetime(["2026-01-03"], utc=True)})
    >>> j = build_journeys(t, o, end=pd.Timestamp("2026-02-01", tz="UTC"), lookback_days=30)
    >>> path_table(j).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'path': 'web', 'journeys': 2, 'conversions': 1, 'conversion_rate': 0.5,
      'median_days_to_convert': 2.0, 'revenue': 5.0}]
    """
    j = journeys.journeys
    touched = j[j["path"] != ""]
    days = (touched["endAt"] - touched["startAt"]) / DAY_NS
    frame = pd.DataFrame(
        {
            "path": touched["path"],
            "converted": touched["converted"].astype(np.int64),
            "revenue": touched["revenue"],
            "days": days.where(touched["converted"]),
        }
    )
    grouped = frame.groupby("path", sort=True)
    table = pd.DataFrame(
        {
            "journeys": grouped.size(),
            "conversions": grouped["converted"].sum(),
            "median_days_to_convert": grouped["days"].median().round(3),
            "revenue": grouped["revenue"].sum().round(2),
        }
    ).reset_index()
    table["conversion_rate"] = (table["conversions"] / table["journeys"]).round(6)
    table["median_days_to_convert"] = table["median_days_to_convert"].astype(object)
    table.loc[table["conversions"] == 0, "median_days_to_convert"] = None
    table = table.sort_values(["journeys", "path"], ascending=[False, True], kind="stable")
    columns = ["path", "journeys", "conversions", "conversion_rate", "median_days_to_convert"]
    return table[[*columns, "revenue"]].reset_index(drop=True)
