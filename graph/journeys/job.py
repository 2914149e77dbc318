"""The journeys job: paths, transitions, attribution and per-person behaviour (one runner
around the pure :func:`compute_journeys`), and one person's journeys on demand.

Each person's behaviour:

- ``journeys``, ``conversions``: how many journeys the person had, and how many converted;
- ``touchesBeforeFirstPurchase``, ``daysBeforeFirstPurchase``: touchpoints before the first
  order (all of them, not only the look-back window) and the days from the first of them
  to that order (None without an order, or without a touch before it);
- ``lastChannelBeforeConversion``: the last channel of the latest converting journey;
  ``topChannelBeforeConversion``: the channel of most steps over all converting journeys
  (ties: the first by name);
- ``stage``: ``in_journey`` (an open journey: touched within the look-back window and not
  converted since), ``converted`` (converted within the window), ``lapsed`` (converted
  before, nothing since) or ``dropped_out`` (never converted, nothing open).

Examples
--------
>>> import tempfile, pathlib
>>> from graph.store import SqliteStore
>>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "x.db"); store.ensure_schema()
>>> run_journeys(store, JourneyParams()).skipped  # doctest: +ELLIPSIS
'no touchpoints to trace; load touchpoints ...'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from graph.errors import InputError, NotFoundError
from graph.journeys.attribution import MODELS, attribute, transition_matrix
from graph.journeys.paths import DAY_NS, Journeys, build_journeys, ns_times, path_table
from graph.model import until
from graph.runs import recorded_run, utc_now
from graph.store.base import Read, Step, Store

__all__ = [
    "STAGES",
    "JourneyParams",
    "JourneyResult",
    "attribution_page",
    "compute_journeys",
    "person_behaviour",
    "person_journey",
    "run_journeys",
    "summarise_journeys",
]

#: The journey stages, in funnel order.
STAGES = ("in_journey", "converted", "lapsed", "dropped_out")

NO_TOUCHES = (
    "no touchpoints to trace; load touchpoints (custgraph load touchpoints.csv), then run "
    "`custgraph analyze identity` and `custgraph analyze journeys`"
)


@dataclass(frozen=True, slots=True)
class JourneyParams:
    """What the journeys job does.

    Parameters
    ----------
    as_of
        Journeys up to the end of this day (None: everything loaded).
    lookback_days
        How long before an order a touchpoint still counts towards it, and how long
        without a touch ends a journey that did not convert.
    markov_order
        The order of the Markov chain (1: the next channel depends on this one only).
    half_life_days
        Time-decay attribution: a touch this many days before the conversion counts half.
    shapley_max_channels
        Journeys with more distinct channels get linear credit instead of Shapley values
        (the cost doubles with every channel).
    """

    as_of: date | None = None
    lookback_days: int = 30
    markov_order: int = 1
    half_life_days: float = 7.0
    shapley_max_channels: int = 12

    def __post_init__(self) -> None:
        if self.lookback_days < 1:
            raise ValueError("lookback_days must be at least 1")
        if self.markov_order < 1:
            raise ValueError("markov_order must be at least 1")
        if self.half_life_days <= 0:
            raise ValueError("half_life_days must be positive")


@dataclass(slots=True)
class JourneyResult:
    """What a journeys run computed (empty frames when it had nothing to do)."""

    paths: pd.DataFrame = field(default_factory=pd.DataFrame)
    attribution: pd.DataFrame = field(default_factory=pd.DataFrame)
    transitions: pd.DataFrame = field(default_factory=pd.DataFrame)
    behaviour: pd.DataFrame = field(default_factory=pd.DataFrame)
    counts: dict[str, int] = field(default_factory=dict)
    journeys: Journeys | None = None
    skipped: str | None = None


def _end(touches: pd.DataFrame, orders: pd.DataFrame, as_of: date | None) -> pd.Timestamp:
    """The instant journeys are seen from: the end of ``as_of``, or the latest event."""
    if as_of is not None:
        return pd.Timestamp(until(as_of))
    latest = max(
        (int(ns_times(frame["at"]).max()) for frame in (touches, orders) if len(frame)),
        default=0,
    )
    return pd.Timestamp(latest, unit="ns", tz="UTC")


def compute_journeys(
    touches: pd.DataFrame, orders: pd.DataFrame, params: JourneyParams
) -> JourneyResult:
    """Journeys, paths, transitions, attribution and behaviour from touchpoint events
    (personId, channelId, at, count) and orders (personId, orderId, at, revenue) (pure)."""
    end = _end(touches, orders, params.as_of)
    j = build_journeys(touches, orders, end=end, lookback_days=params.lookback_days)
    result = summarise_journeys(j, params)
    result.behaviour = person_behaviour(j, touches, orders, params.lookback_days)
    return result


def summarise_journeys(j: Journeys, params: JourneyParams) -> JourneyResult:
    """The population's part of a journeys run, from every person's journeys (pure): the
    paths, attribution by every model, transitions and the counts (no behaviour: that is
    each person's own part, :func:`person_behaviour`)."""
    credits, extra = attribute(
        j,
        markov_order=params.markov_order,
        half_life_days=params.half_life_days,
        shapley_max_channels=params.shapley_max_channels,
    )
    frame = j.journeys
    counts = {
        "journeys": len(frame),
        "conversions": int(frame["converted"].sum()),
        "direct_conversions": int((frame["converted"] & (frame["path"] == "")).sum()),
        "open_journeys": int(frame["open"].sum()),
        "persons": int(frame["person"].nunique()),
        **extra,
    }
    paths = path_table(j)
    counts["paths"] = len(paths)
    return JourneyResult(
        paths=paths,
        attribution=credits,
        transitions=transition_matrix(j),
        counts=counts,
        journeys=j,
    )


def person_behaviour(
    j: Journeys, touches: pd.DataFrame, orders: pd.DataFrame, lookback_days: int
) -> pd.DataFrame:
    """One row per person with a journey (see the module docstring for the columns)."""
    frame = j.journeys
    n = len(j.persons)
    person = frame["person"].to_numpy()
    converted = frame["converted"].to_numpy()
    journeys_n = np.bincount(person, minlength=n)
    conversions = np.bincount(person, weights=converted, minlength=n).astype(np.int64)
    # the latest journey of each person decides the stage
    last = np.full(n, -1, dtype=np.int64)
    last[person] = np.arange(len(frame))  # journeys are ordered by person, then time
    window = lookback_days * DAY_NS
    last_open = frame["open"].to_numpy()[last]
    last_conv = converted[last]
    recent = j.end - frame["endAt"].to_numpy()[last] <= window
    stage = np.where(
        last_open,
        "in_journey",
        np.where(
            last_conv & recent,
            "converted",
            np.where(conversions > 0, "lapsed", "dropped_out"),
        ),
    )
    # channels before converting: over the steps of converting journeys
    steps = j.steps
    conv_steps = steps[converted[steps["journey"].to_numpy()]]
    step_person = person[conv_steps["journey"].to_numpy()]
    last_channel = np.full(n, None, dtype=object)
    if len(conv_steps):
        latest = np.full(n, -1, dtype=np.int64)
        latest[step_person] = np.arange(len(conv_steps))
        has = latest >= 0
        last_channel[has] = j.channels[conv_steps["channel"].to_numpy()[latest[has]]]
    top_channel = np.full(n, None, dtype=object)
    if len(conv_steps):
        tally = (
            pd.DataFrame({"p": step_person, "c": j.channels[conv_steps["channel"].to_numpy()]})
            .value_counts()
            .reset_index(name="n")
            .sort_values(["p", "n", "c"], ascending=[True, False, True], kind="stable")
            .drop_duplicates("p")
        )
        top_channel[tally["p"].to_numpy()] = tally["c"].to_numpy()
    before_n, before_days = _before_first_purchase(j, touches, orders)
    table = pd.DataFrame(
        {
            "personId": j.persons,
            "journeys": journeys_n,
            "conversions": conversions,
            "touchesBeforeFirstPurchase": before_n,
            "daysBeforeFirstPurchase": before_days,
            "lastChannelBeforeConversion": last_channel,
            "topChannelBeforeConversion": top_channel,
            "stage": stage,
        }
    )
    return table[journeys_n > 0].reset_index(drop=True)


def _before_first_purchase(
    j: Journeys, touches: pd.DataFrame, orders: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Per person (codes of ``j.persons``): touchpoints before the first order and days from
    the first of them to it (None: no order, or no touch before it)."""
    n = len(j.persons)
    index = pd.Index(j.persons)
    end = j.end
    never = np.iinfo(np.int64).max
    o_at = ns_times(orders["at"])
    o_code = index.get_indexer(orders["personId"])
    keep = (o_at <= end) & (o_code >= 0)
    first_order = _first(o_code[keep], o_at[keep], n, never)
    t_at = ns_times(touches["at"])
    t_code = index.get_indexer(touches["personId"])
    t_count = (
        np.asarray(touches["count"], dtype=np.int64)
        if "count" in touches
        else np.ones(len(touches), np.int64)
    )
    before = (t_code >= 0) & (t_at <= end)
    before &= t_at <= first_order[np.where(t_code >= 0, t_code, 0)]
    count = np.bincount(t_code[before], weights=t_count[before], minlength=n).astype(np.int64)
    first_touch = _first(t_code[before], t_at[before], n, never)
    bought = first_order < np.iinfo(np.int64).max
    touched = bought & (count > 0)
    days = np.full(n, None, dtype=object)
    days[touched] = np.round((first_order[touched] - first_touch[touched]) / DAY_NS, 3)
    counts = np.where(bought, count, -1).astype(object)
    counts[~bought] = None
    return counts, days


def _first(codes: np.ndarray, values: np.ndarray, n: int, missing: int) -> np.ndarray:
    """The smallest value per code 0..n-1 (``missing`` where a code has none)."""
    out = np.full(n, missing, dtype=np.int64)
    if len(codes):
        smallest = pd.Series(values).groupby(codes).min()
        out[smallest.index.to_numpy()] = smallest.to_numpy()
    return out


def _inputs(
    store: Store, as_of: date | None, run: Any
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Touchpoint events and orders with integer person codes and times in nanoseconds,
    and the person ids the codes stand for."""
    end = until(as_of)
    read = store.read_many(  # on Neo4j, two at a time
        {
            "read.touches": Read("journeys/touches", {"until": end}),
            "read.orders": Read("profiles/orders", {"until": end}),
            "read.records": Read("journeys/records"),
        },
        timed=run.timed,
    )
    touches = read.frame("read.touches")
    with run.timed("read.orders"):
        orders = read.frame("read.orders")
        orders = orders.rename(columns={"purchasedAt": "at", "amount": "revenue"})
        if orders.empty:
            orders = pd.DataFrame(columns=["personId", "orderId", "at", "revenue"])
        orders = orders[["personId", "orderId", "at", "revenue"]]
    with run.timed("read.codes"):
        # record -> person code, then each event's person code (no Python string per event)
        records = read.frame("read.records")
        person_of_record, persons = pd.factorize(records["personId"])
        where = pd.Index(records["uid"]).get_indexer(touches["uid"])
        code = np.where(where >= 0, person_of_record[np.maximum(where, 0)], -1)
        run.counts["unresolved_touchpoints"] = int((code < 0).sum())
        keep = code >= 0
        seconds = np.asarray(touches["atSeconds"], dtype=np.int64)
        touches = touches.drop(columns=["uid", "atSeconds"]).assign(
            personId=code, at=seconds * 1_000_000_000
        )
        touches = touches[keep] if not keep.all() else touches
        buyer = pd.Index(persons).get_indexer(orders["personId"])
        orders = orders.assign(personId=buyer, at=ns_times(orders["at"]))[buyer >= 0]
    return touches, orders, np.asarray(persons, dtype=object)


def _records(frame: pd.DataFrame, run: str, **names: str) -> list[dict[str, Any]]:
    rows = frame.rename(columns=names).assign(run=run).to_dict("records")
    return [{str(k): _plain(v) for k, v in r.items()} for r in rows]


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def run_journeys(store: Store, params: JourneyParams) -> JourneyResult:
    """Build every person's journeys and store paths, transitions, attribution and
    behaviour (one transaction: a kill leaves the previous results or these)."""
    with recorded_run(store, "journeys", asdict(params)) as run:
        since = run.started_at
        touches, orders, persons = _inputs(store, params.as_of, run)
        run.counts.update({"touchpoints": len(touches), "orders": len(orders)})
        if touches.empty:
            run.counts["skipped"] = NO_TOUCHES
            store.write_tx([Step("journeys/clear")])
            return JourneyResult(skipped=NO_TOUCHES)
        with run.timed("compute"):
            result = compute_journeys(touches, orders, params)
            del touches, orders
            codes = result.behaviour["personId"].to_numpy(dtype=np.int64)
            result.behaviour["personId"] = persons[codes]
        run.counts.update(result.counts)
        with run.timed("write"):
            paths = result.paths.rename(
                columns={
                    "conversion_rate": "conversionRate",
                    "median_days_to_convert": "medianDaysToConvert",
                }
            )
            store.write_tx(
                [
                    Step("journeys/clear"),
                    Step("journeys/write_paths", _records(paths, run.run_id)),
                    Step(
                        "journeys/write_attribution",
                        _records(result.attribution, run.run_id, channel_id="channelId"),
                    ),
                    Step("journeys/write_transitions", _records(result.transitions, run.run_id)),
                    Step(
                        "journeys/write_behaviour",
                        _records(result.behaviour, run.run_id),
                        params={"since": since},
                    ),
                ]
            )
    return result


def person_journey(
    store: Store, person_id: str, params: JourneyParams | None = None
) -> dict[str, Any]:
    """One person's journeys now (or as of ``params.as_of``), each with its touchpoints in
    time order, and the stored behaviour part (None before a journeys run). Raises
    :class:`~graph.errors.NotFoundError` for an unknown person."""
    params = params or JourneyParams()
    if not store.read("lookup/person_nodes", personIds=[person_id]):
        raise NotFoundError(
            f"no person {person_id!r}; look it up by record with `custgraph explain SOURCE:ID`"
        )
    last = until(params.as_of)
    touches = store.frame("journeys/person_touches", personId=person_id, until=last)
    orders = store.frame("journeys/person_orders", personId=person_id, until=last)
    orders = orders.rename(columns={"purchasedAt": "at", "amount": "revenue"})
    if orders.empty:
        orders = pd.DataFrame(columns=["personId", "orderId", "at", "revenue"])
    stored = store.read("journeys/behaviour", personId=person_id)
    behaviour = {k: _plain(v) for k, v in stored[0].items()} if stored else None
    journeys: list[dict[str, Any]] = []
    if len(touches) or len(orders):
        touches = touches.assign(personId=person_id)
        end = pd.Timestamp(until(params.as_of) if params.as_of else utc_now())
        j = build_journeys(touches, orders, end=end, lookback_days=params.lookback_days)
        journeys = _journey_list(j, touches)
    return {
        "personId": person_id,
        "lookbackDays": params.lookback_days,
        "journeys": journeys,
        "behaviour": behaviour,
    }


def attribution_page(store: Store, model: str | None = None) -> dict[str, Any]:
    """The last journeys run's credits for ``model`` (None: every model), for the API.

    Raises :class:`~graph.errors.InputError` for an unknown model and
    :class:`~graph.errors.NotFoundError` before the first journeys run.
    """
    if model is not None and model not in MODELS:
        raise InputError(f"unknown attribution model {model!r}; choose from {', '.join(MODELS)}")
    rows = store.read("journeys/attribution", model=model)
    if not rows and not store.read("journeys/attribution", model=None):
        raise NotFoundError("no attribution yet; run `custgraph analyze journeys` first")
    credits = [{k: v for k, v in r.items() if k != "run"} for r in rows]
    return {"model": model, "run": rows[0]["run"] if rows else None, "credits": credits}


def _journey_list(j: Journeys, touches: pd.DataFrame) -> list[dict[str, Any]]:
    """The journeys as JSON-ready dicts, each with its raw touchpoints."""
    t = touches.assign(ns=ns_times(touches["at"])).sort_values(["ns", "uid", "channelId"])
    out = []
    for row in j.journeys.to_dict("records"):
        inside = t[(t["ns"] >= row["startAt"]) & (t["ns"] <= row["endAt"])]
        out.append(
            {
                "orderId": _plain(row["orderId"]),
                "converted": bool(row["converted"]),
                "revenue": float(row["revenue"]) if row["converted"] else None,
                "open": bool(row["open"]),
                "path": row["path"],
                "startAt": _iso(int(row["startAt"])),
                "endAt": _iso(int(row["endAt"])),
                "touchpoints": [
                    {
                        "uid": r["uid"],
                        "channelId": r["channelId"],
                        "at": r["at"],
                        "event": _plain(r["event"]),
                        "count": int(r["count"]),
                    }
                    for r in inside.to_dict("records")
                ],
            }
        )
    return out


def _iso(ns: int) -> str:
    return pd.Timestamp(ns, unit="ns", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
