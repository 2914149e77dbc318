"""The profile job: one pure function (:func:`compute_profiles`) and one runner
(:func:`run_profiles`) that projects the store, computes and writes back.

Everything is computed as of a time (default: the latest purchase in the store) over a
horizon (default 90 days); the runner reads no order after the as-of time, so results can
be checked against what happened afterwards.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.store import SqliteStore
>>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "x.db"); store.ensure_schema()
>>> run_profiles(store, ProfileParams())  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph.errors.JobError: no purchases in the store; load purchases and run ...
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from graph.errors import JobError
from graph.profiles.churn import fit_churn, person_features, with_lifetime, with_peers
from graph.profiles.preferences import (
    channel_preferences,
    consent,
    demographics_json,
    top_categories,
)
from graph.profiles.rows import member_lists, profile_rows
from graph.profiles.rules import ProfileRules, load_rules
from graph.profiles.segments import segment
from graph.profiles.tags import apply_tags, check_tag_rules
from graph.profiles.value import (
    Lifetime,
    conversion,
    lifetime_value,
    rfm,
    summarise,
    to_utc,
)
from graph.runs import recorded_run, utc_now
from graph.store.base import ColumnRows, Read, Step, Store

__all__ = [
    "TEXT_PARTS",
    "PersonParts",
    "Plan",
    "ProfileInputs",
    "ProfileParams",
    "Profiles",
    "Shared",
    "coded_inputs",
    "compute_coded",
    "compute_profiles",
    "order_frame",
    "person_names",
    "person_parts",
    "plan_for",
    "plan_of",
    "population_profiles",
    "run_profiles",
    "segment_features",
    "shared_inputs",
]


@dataclass(frozen=True, slots=True)
class ProfileParams:
    """What a profile run computes.

    as_of: the date profiles describe (inclusive; default: the latest purchase).
    horizon_days: the window for expected purchases, value and churn.
    segments: k of k-means (None: chosen by silhouette over 2..8).
    """

    as_of: date | None = None
    horizon_days: int = 90
    seed: int = 7
    segments: int | None = None
    top_categories: int = 3


@dataclass(slots=True)
class ProfileInputs:
    """What the runner reads from the store (frames as the named queries return them).

    ``referrals``: person-level referrals made by the as-of time (``src, dst``); ``social``:
    whether any two persons are linked socially (the job needs no social link itself).
    """

    as_of: pd.Timestamp
    members: pd.DataFrame
    orders: pd.DataFrame
    categories: pd.DataFrame
    touches: pd.DataFrame
    influence: pd.DataFrame
    memberships: pd.DataFrame
    referrals: pd.DataFrame
    social: bool = False
    #: touchpoint events up to the as-of time: ``uid, atSeconds, count`` as read (Arrow),
    #: ``personId, atSeconds, count`` once coded
    events: Any = None


@dataclass(slots=True)
class Profiles:
    """The computed table (one row per person, Python column names), segments and tags."""

    table: pd.DataFrame
    segments: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    counts: dict[str, int | float | str] = field(default_factory=dict)

    def summary_line(self) -> str:
        """One line for a console: persons, buyers, the churn model's AUC, segments."""
        c = self.counts
        auc = c.get("churn_cv_auc")
        model = (
            f"churn model AUC {auc:.3f} (cross-validated)"
            if isinstance(auc, float)
            else "churn not learned (see below)"
        )
        return (
            f"profiles: {c['persons']:,} persons ({c['buyers']:,} buyers); {model}; "
            f"{c['segments']} segment{'s' if c['segments'] != 1 else ''}"
        )

    def method_lines(self) -> list[str]:
        """How value and churn were obtained when it is not the default, and what was
        left out for want of input."""
        c = self.counts
        lines = [f"value: {c['value_method']}"] if "not" in str(c["value_method"]) else []
        if c.get("churn_label_days") != c.get("horizon_days"):
            lines.append(f"churn: {c['churn_method']}")
        if "left_out" in c:
            lines.append(f"left out: {c['left_out']}")
        return lines


def _as_of(store: Store, wanted: date | None) -> pd.Timestamp:
    latest = store.read("profiles/latest_purchase")[0]["at"]
    if latest is None:
        raise JobError(
            "no purchases in the store; load purchases and run `custgraph analyze identity` first"
        )
    if wanted is None:
        return pd.Timestamp(to_utc([latest]).iloc[0])
    return pd.Timestamp(wanted, tz="UTC") + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)


def project(
    store: Store,
    params: ProfileParams,
    timed: Callable[[str], AbstractContextManager[None]] = lambda _step: nullcontext(),
) -> ProfileInputs:
    """Read what the job needs, never an order after the as-of time. ``timed(name)`` wraps
    each read (the runner records ``project.<name>``; on Neo4j two reads run at a time, so
    their times overlap).

    The touchpoint events come as an Arrow table: ten million events at a million persons
    never become Python objects (their record ids are coded in Arrow).
    """
    as_of = _as_of(store, params.as_of)
    until = as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
    by_date = {"until": until}
    # the largest first, so that the reads that run at once end close together
    read = store.read_many(
        {
            "project.touches": Read("profiles/touches", by_date),
            "project.members": Read("profiles/all_members"),
            "project.events": Read("profiles/touch_times", by_date, arrow=True),
            "project.orders": Read("profiles/orders", by_date),
            "project.categories": Read("profiles/categories", by_date),
            # referrals as of the date, as influence and communities read them with --as-of
            "project.referrals": Read("influence/person_referrals_until", by_date),
            "project.influence": Read("profiles/influence"),
            "project.memberships": Read("influence/memberships"),
        },
        timed=timed,
    )
    members = read.frame("project.members")
    if members.empty:
        raise JobError("no persons yet; run `custgraph analyze identity` first")
    return ProfileInputs(
        as_of=as_of,
        members=members,
        orders=read.frame("project.orders"),
        categories=read.frame("project.categories"),
        touches=read.frame("project.touches"),
        influence=read.frame("project.influence"),
        memberships=read.frame("project.memberships"),
        referrals=read.frame("project.referrals"),
        social=bool(store.read("profiles/social_linked")[0]["linked"]),
        events=read.table("project.events"),
    )


def compute_profiles(data: ProfileInputs, params: ProfileParams, rules: ProfileRules) -> Profiles:
    """Every profile attribute for every person (pure)."""
    names = person_names(data)
    return compute_coded(coded_inputs(data, names), names, params, rules)


def person_names(data: ProfileInputs) -> pd.Index:
    """The persons' ids, sorted: their positions are the codes of :func:`coded_inputs`."""
    names: pd.Index = pd.Index(sorted(data.members["personId"].unique()), name="personId")
    return names


def compute_coded(
    data: ProfileInputs, names: pd.Index, params: ProfileParams, rules: ProfileRules
) -> Profiles:
    """:func:`compute_profiles` on inputs already coded by ``names``: the runner codes them
    and lets the text-keyed inputs go, so a million persons are not held twice."""
    profiles = _compute(data, params, rules)
    profiles.table.index = names[profiles.table.index.to_numpy()]
    return profiles


def coded_inputs(data: ProfileInputs, names: pd.Index) -> ProfileInputs:
    """The inputs with each person id replaced by its position in ``names`` (rows of persons
    not in ``names`` dropped): grouping and aligning on integers instead of text saves most
    of the job's time at a million persons. Positions follow the sorted ids, so every tie
    broken by person id is broken the same way."""

    def coded(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
        if frame.empty:
            return frame.assign(**{c: pd.Series(dtype="int64") for c in columns})
        codes = {c: names.get_indexer(pd.Index(frame[c])) for c in columns}
        known = np.logical_and.reduce([v >= 0 for v in codes.values()])
        return frame.assign(**codes)[known].reset_index(drop=True)

    return ProfileInputs(
        as_of=data.as_of,
        members=coded(data.members, "personId"),
        orders=coded(data.orders, "personId"),
        categories=coded(data.categories, "personId"),
        touches=coded(data.touches, "personId"),
        influence=coded(data.influence, "person_id"),
        memberships=coded(data.memberships, "personId"),
        referrals=coded(data.referrals, "src", "dst"),
        social=data.social,
        events=_coded_events(data.events, data.members, names),
    )


def _coded_events(events: Any, members: pd.DataFrame, names: pd.Index) -> pd.DataFrame:
    """Touchpoint events (Arrow ``uid, atSeconds, count``) as ``personId`` codes (positions
    in ``names``), seconds and counts; events of records no person holds are dropped.

    >>> import pyarrow as pa
    >>> ev = pa.table({"uid": ["r2", "r9", "r1"], "atSeconds": [5, 6, 7], "count": [1, 1, 2]})
    >>> m = pd.DataFrame({"uid": ["r1", "r2"], "personId": ["b", "a"]})
    >>> _coded_events(ev, m, pd.Index(["a", "b"])).to_dict("list")
    {'personId': [0, 1], 'atSeconds': [5, 7], 'count': [1, 2]}
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = {"personId": np.zeros(0, np.int64), "atSeconds": np.zeros(0, np.int64)}
    if events is None or not events.num_rows:
        return pd.DataFrame(columns | {"count": np.zeros(0, np.int64)})
    person_of = names.get_indexer(pd.Index(members["personId"]))
    uids = pa.array(members["uid"].astype(str).to_numpy(dtype=object), type=pa.string())
    found = pc.index_in(events.column("uid").cast(pa.string()), value_set=uids)
    row = np.asarray(found.fill_null(-1).to_numpy(), dtype=np.int64)
    person = np.where(row >= 0, person_of[row], -1)
    keep = person >= 0
    seconds = events.column("atSeconds").cast(pa.int64()).fill_null(0).to_numpy()
    count = events.column("count").cast(pa.int64()).fill_null(1).to_numpy()
    return pd.DataFrame(
        {"personId": person[keep], "atSeconds": seconds[keep], "count": count[keep]}
    )


def _compute(data: ProfileInputs, params: ProfileParams, rules: ProfileRules) -> Profiles:
    """:func:`compute_profiles` on coded inputs (person ids are 0..n-1): the plan, every
    person's own part, then the whole population's."""
    orders, plan = plan_for(data, rules, params.horizon_days)
    parts = person_parts(
        data, plan, rules, orders=orders, top=params.top_categories, with_texts=False
    )
    persons = pd.RangeIndex(data.members["personId"].max() + 1, name="personId")
    # the texts when the table needs them: not held through the fits (+10 % memory)
    return population_profiles(
        parts,
        shared_inputs(data),
        plan,
        params,
        rules,
        persons=persons,
        texts=lambda: person_texts(data, orders, rules, top=params.top_categories),
    )


@dataclass(frozen=True, slots=True)
class Plan:
    """What each person's part needs to know of the whole population, decided first: the
    as-of time, the horizon, the days churn is learned on (:func:`label_window`; 0: not
    learned), the days orders are counted over (None: all) and whether touchpoint events
    exist (then every person has touch behaviour features)."""

    as_of: pd.Timestamp
    horizon: int
    window: int
    lookback: int | None
    behaviour: bool

    @property
    def trained_at(self) -> pd.Timestamp:
        """The date churn is learned at: ``window`` days before the as-of time."""
        return self.as_of - pd.Timedelta(days=self.window)


def plan_of(
    as_of: pd.Timestamp, first_order: pd.Timestamp, horizon: int, *, behaviour: bool
) -> Plan:
    """The plan of a run whose first order (up to ``as_of``) was at ``first_order``.

    >>> at = pd.Timestamp("2026-10-01", tz="UTC")
    >>> p = plan_of(at, at - pd.Timedelta(days=400), 90, behaviour=False)
    >>> p.window, p.lookback, str(p.trained_at.date())
    (90, 310, '2026-07-03')
    """
    window = label_window(first_order, as_of, horizon)
    # orders and spend count over the history the training date has, at both dates
    lookback = window and int((as_of - pd.Timedelta(days=window) - first_order).days)
    return Plan(as_of, horizon, window, lookback or None, behaviour)


def plan_for(data: ProfileInputs, rules: ProfileRules, horizon: int) -> tuple[pd.DataFrame, Plan]:
    """The orders of coded ``data`` up to its as-of time (:func:`order_frame`) and the
    plan of a run on it: the first steps of the job, for whoever runs its parts.

    Example: ``orders, plan = plan_for(coded_inputs(data, person_names(data)), rules, 90)``
    """
    orders = order_frame(data.orders, rules, data.as_of)
    if orders.empty:
        raise JobError("no purchases up to the as-of date; choose a later --as-of")
    behaviour = data.events is not None and len(data.events) > 0
    return orders, plan_of(data.as_of, orders["at"].min(), horizon, behaviour=behaviour)


def order_frame(orders: pd.DataFrame, rules: ProfileRules, as_of: pd.Timestamp) -> pd.DataFrame:
    """The orders up to ``as_of`` with their time (``at``, UTC) and amount in the
    reporting currency, sorted by person, time and order id (sums must not depend on the
    order a store returns them in)."""
    frame = orders.assign(
        at=to_utc(orders["purchasedAt"]).array,  # .array: to_numpy() makes Timestamps
        amount=pd.to_numeric(orders["amount"], errors="coerce").fillna(0.0)
        * conversion(orders["currency"], rules.rate),
    )
    frame = frame.sort_values(["personId", "at", "orderId"], kind="stable", ignore_index=True)
    return frame[frame["at"] <= as_of]


#: The text parts of a profile that each person's own records decide.
TEXT_PARTS = ("preferred_channel", "channel_mix", "top_categories", "consent_marketing",
              "demographics")  # fmt: skip


@dataclass(slots=True)
class PersonParts:
    """Every number and text of a profile that the person's own rows decide (persons are
    codes): purchase summaries at the as-of time (``summary``) and at the training date
    (``past``), who bought after the training date, the person's own churn features at both
    dates (``now``, ``then``: :func:`graph.profiles.churn.person_features`), and
    :data:`TEXT_PARTS`. Made on any subset of persons with all of their rows, they are the
    same: the Spark engine makes them per partition."""

    summary: pd.DataFrame
    past: pd.DataFrame | None
    bought_after: np.ndarray
    now: pd.DataFrame
    then: pd.DataFrame | None
    texts: pd.DataFrame


def person_parts(
    data: ProfileInputs,
    plan: Plan,
    rules: ProfileRules,
    *,
    orders: pd.DataFrame | None = None,
    top: int = 3,
    with_texts: bool = True,
) -> PersonParts:
    """:class:`PersonParts` of the persons of ``data`` (coded 0..n-1; ``orders``: their
    :func:`order_frame` when made already; ``top``: how many categories; ``with_texts``:
    False leaves :data:`TEXT_PARTS` out, for :func:`person_texts` later)."""
    if orders is None:
        orders = order_frame(data.orders, rules, plan.as_of)
    persons = pd.RangeIndex(data.members["personId"].max() + 1, name="personId")
    own = _own_features(data, orders=orders, persons=persons)
    unconverted = orders.assign(currency=None)
    summary = summarise(unconverted, plan.as_of, lambda _c: 1.0)
    now = own(plan.as_of, plan.window or plan.horizon, plan)
    past = then = None
    bought_after = np.zeros(0, dtype=np.int64)
    if plan.window:
        past = summarise(unconverted, plan.trained_at, lambda _c: 1.0)
        then = own(plan.trained_at, plan.window, plan)
        bought_after = orders.loc[orders["at"] > plan.trained_at, "personId"].unique()
    texts = person_texts(data, orders, rules, top=top) if with_texts else pd.DataFrame()
    return PersonParts(summary, past, np.asarray(bought_after), now, then, texts)


def person_texts(
    data: ProfileInputs, orders: pd.DataFrame, rules: ProfileRules, *, top: int = 3
) -> pd.DataFrame:
    """:data:`TEXT_PARTS` of the persons of ``data`` (coded 0..n-1), one row each."""
    persons = pd.RangeIndex(data.members["personId"].max() + 1, name="personId")
    preferred, mix = channel_preferences(data.touches, orders)
    return pd.DataFrame(
        {
            "preferred_channel": preferred.reindex(persons),
            "channel_mix": mix.reindex(persons),
            "top_categories": top_categories(data.categories, top).reindex(persons),
            "consent_marketing": consent(data.members).reindex(persons, fill_value=False),
            # JSON text already (a dict per attribute and person costs a gigabyte at a million)
            "demographics": demographics_json(data.members, rules.source_priority).reindex(persons),
        },
        index=persons,
    )


def _own_features(
    data: ProfileInputs, *, orders: pd.DataFrame, persons: pd.Index
) -> Callable[[pd.Timestamp, int, Plan], pd.DataFrame]:
    """``own(at, window, plan)``: :func:`person_features` as of ``at``."""
    records = data.members.groupby("personId").size().reindex(persons, fill_value=0)
    signup = to_utc(data.members["signupAt"]).groupby(data.members["personId"].to_numpy()).min()
    touches = data.touches.assign(firstAt=to_utc(data.touches["firstAt"]).array)
    first_touch = touches.groupby("personId")["firstAt"].min()
    first_buy = orders.groupby("personId")["at"].min()
    first_seen = pd.concat(
        [
            pd.to_datetime(part.reindex(persons), utc=True)  # an empty part is not datetime
            for part in (signup, first_touch, first_buy)
        ],
        axis=1,
    ).min(axis=1)
    person_frame = pd.DataFrame({"first_seen": first_seen, "records": records}, index=persons)
    bought = orders[["personId", "at", "amount"]]

    def own(at: pd.Timestamp, window: int, plan: Plan) -> pd.DataFrame:
        return person_features(
            at=at,
            horizon_days=window,
            persons=person_frame,
            orders=bought,
            touches=touches,
            events=data.events,
            lookback_days=plan.lookback,
            behaviour=plan.behaviour,
        )

    return own


@dataclass(slots=True)
class Shared:
    """What the population's part reads besides the person parts (persons coded):
    influence (``person_id, rank, score``), memberships (``personId, communityId``),
    referrals (``src, dst``), whether anyone is linked socially and whether there are
    touchpoints at all."""

    influence: pd.DataFrame
    memberships: pd.DataFrame
    referrals: pd.DataFrame
    social: bool
    touches: bool


def shared_inputs(data: ProfileInputs) -> Shared:
    """The :class:`Shared` part of coded inputs."""
    return Shared(
        data.influence, data.memberships, data.referrals, data.social, not data.touches.empty
    )


def population_profiles(
    parts: PersonParts,
    shared: Shared,
    plan: Plan,
    params: ProfileParams,
    rules: ProfileRules,
    *,
    persons: pd.Index,
    texts: Callable[[], pd.DataFrame] | None = None,
) -> Profiles:
    """What needs the whole population: the BG/NBD and Gamma-Gamma fits, RFM quintiles,
    churn learned and scored, percentiles, segments and tags, from every person's parts.
    The text parts come from ``texts()`` when given, else from ``parts.texts``, which may
    hold only those tag rules read (preferred channel and consent): the others are then
    joined by the caller. The training date's parts (``past``, ``then``) are let go once
    churn is learned: the parts are the job's to consume."""
    horizon = plan.horizon
    summary = parts.summary
    if summary.empty:
        raise JobError("no purchases up to the as-of date; choose a later --as-of")
    life = _lifetime(summary, horizon)
    counts: dict[str, int | float | str] = {
        "persons": len(persons),
        "buyers": len(summary),
        "horizon_days": horizon,
    }
    if life is not None:
        counts.update(
            bgnbd_r=round(life.bgnbd.r, 4),
            bgnbd_alpha=round(life.bgnbd.alpha, 4),
            bgnbd_a=round(life.bgnbd.a, 4),
            bgnbd_b=round(life.bgnbd.b, 4),
            value_method="BG/NBD expected purchases"
            + (
                " times Gamma-Gamma spend"
                if life.gamma_gamma
                else " times the mean spend per order"
            ),
        )
    else:
        counts["value_method"] = "not computed: nobody bought twice before the as-of date"
    graph = _graph_inputs(shared)
    left_out = _left_out(shared)
    if left_out:
        counts["left_out"] = "; ".join(left_out)
    table = pd.DataFrame(index=persons)
    table = table.join(summary[["frequency", "monetary", "recency_days", "first", "last"]])
    table = table.join(rfm(summary, rules))
    table = table.join(life.table if life is not None else _no_lifetime(summary.index))
    table["frequency"] = table["frequency"].fillna(0).astype(int)
    table["monetary"] = table["monetary"].fillna(0.0)
    churn, churn_counts = _churn(
        parts, plan, params, persons=persons, graph=graph, now=_Now(summary, life)
    )
    # the training date's parts are done with: let them go before segments and tags
    parts.past = parts.then = None
    counts.update(churn_counts)
    table = table.join(churn)
    table["influence_percentile"] = graph.influence_pct.reindex(persons).fillna(0.0)
    for column, source in (("influence_rank", "rank"), ("influence_score", "score")):
        table[column] = (
            shared.influence.set_index("person_id")[source].reindex(persons)
            if not shared.influence.empty
            else pd.Series(np.nan, index=persons)
        )
    table["community_id"] = graph.community.reindex(persons)
    table["clv_percentile"] = table["predicted_clv"].fillna(0.0).rank(pct=True)
    table["monetary_percentile"] = table["monetary"].rank(pct=True)

    segmentation = segment(
        segment_features(table, with_influence=not shared.influence.empty),
        seed=params.seed,
        k=params.segments,
    )
    table["segment"] = segmentation.labels
    counts.update({"segments": segmentation.k, "silhouette": segmentation.silhouette})
    made = texts() if texts is not None else parts.texts
    for column in TEXT_PARTS:
        if column in made:
            values = made[column].reindex(persons)
            table[column] = values.fillna(False) if column == "consent_marketing" else values
    table["tags"], tag_rows = apply_tags(table, rules)
    segments = [
        {
            "name": name,
            "description": segmentation.descriptions.get(name, ""),
            "size": segmentation.sizes.get(name, 0),
            "centroid": json.dumps(segmentation.centroids.get(name, {}), sort_keys=True),
        }
        for name in sorted(segmentation.sizes)
    ]
    return Profiles(table, segments, tag_rows, counts)


def _lifetime(summary: pd.DataFrame, horizon: int) -> Lifetime | None:
    """BG/NBD and Gamma-Gamma, or None when nobody bought twice (nothing to fit)."""
    if not (summary["x"] > 0).any():
        return None
    return lifetime_value(summary, horizon)


def _no_lifetime(index: pd.Index) -> pd.DataFrame:
    columns = ["expected_purchases", "p_alive", "expected_spend", "predicted_clv"]
    return pd.DataFrame(np.nan, index=index, columns=columns)


def _left_out(shared: Shared) -> list[str]:
    """The parts whose inputs the store does not hold (they are neutral in this run)."""
    parts = []
    if not shared.touches:
        parts.append("channel mix and touchpoint features (no touchpoints)")
    if shared.referrals.empty and not shared.social:
        parts.append("influence, community and referral features (no links between persons)")
    else:
        if shared.influence.empty:
            parts.append("influence (run `custgraph analyze influence`)")
        if shared.memberships.empty:
            parts.append("community features (run `custgraph analyze communities`)")
    return parts


@dataclass(frozen=True, slots=True)
class _Graph:
    community: pd.Series
    influence_pct: pd.Series
    referrer: pd.Series


def _graph_inputs(data: Shared) -> _Graph:
    """Community per person, influence percentile, and each referred person's referrer."""
    community = (
        data.memberships.set_index("personId")["communityId"]
        if not data.memberships.empty
        else pd.Series(dtype=object)
    )
    influence_pct = (
        data.influence.set_index("person_id")["score"].astype(float).rank(pct=True)
        if not data.influence.empty
        else pd.Series(dtype=float)
    )
    referrals = data.referrals
    referrer = (
        referrals.sort_values(["dst", "src"]).drop_duplicates("dst").set_index("dst")["src"]
        if not referrals.empty
        else pd.Series(dtype=object)
    )
    return _Graph(community, influence_pct, referrer)


#: The shortest label window churn is learned on; with less history the run falls back.
MIN_LABEL_DAYS = 7


def label_window(first: pd.Timestamp, as_of: pd.Timestamp, horizon_days: int) -> int:
    """Days of the window churn is learned on: the horizon when the history before ``as_of``
    is at least twice as long, else half that history (so the training date has as much
    history before it as the window after it); 0 when that is under :data:`MIN_LABEL_DAYS`.

    >>> at = pd.Timestamp("2026-10-01", tz="UTC")
    >>> label_window(at - pd.Timedelta(days=400), at, 90), label_window(
    ...     at - pd.Timedelta(days=273), at, 273), label_window(at, at, 90)
    (90, 136, 0)
    """
    span = int((as_of - first).days)
    window = min(horizon_days, span // 2)
    return window if window >= MIN_LABEL_DAYS else 0


@dataclass(frozen=True, slots=True)
class _Now:
    """What the churn step needs from the value step: summaries as of ``as_of`` and the
    fitted lifetime model (None when nobody bought twice)."""

    summary: pd.DataFrame
    life: Lifetime | None


def _churn(
    parts: PersonParts,
    plan: Plan,
    params: ProfileParams,
    *,
    persons: pd.Index,
    graph: _Graph,
    now: _Now,
) -> tuple[pd.DataFrame, dict[str, int | float | str]]:
    """Learn churn on (features as of ``as_of - w``, outcome in the following ``w`` days),
    score features as of ``as_of``, and carry the risk from ``w`` to the horizon when the
    history was too short for ``w = horizon`` (:func:`label_window`). Without enough
    history to learn, risk is BG/NBD's probability of no purchase in the horizon.
    Returns churn_risk, churn_factors and tenure_days, and how risk was obtained."""
    window, horizon = plan.window, plan.horizon

    def features(own: pd.DataFrame, lifetime: pd.DataFrame | None) -> pd.DataFrame:
        empty = pd.DataFrame(columns=["p_alive", "expected_purchases"], dtype=float)
        return with_peers(
            with_lifetime(own, lifetime if lifetime is not None else empty),
            community=graph.community,
            influence=graph.influence_pct,
            referrer=graph.referrer,
        )

    life_now = now.life.table if now.life else None
    if now.life is not None and window and window != horizon:
        # the model learns on window-day features: it is scored on window-day features too
        life_now = _expected_over(now, window)
    X_now = features(parts.now, life_now)
    counts: dict[str, int | float | str] = {"churn_label_days": window}
    risk: np.ndarray | None = None
    factors: list[str] = ["[]"] * len(X_now)  # JSON text, as the store keeps it
    why_not = f"under {2 * MIN_LABEL_DAYS} days of purchase history before the as-of date"
    if window:
        assert parts.past is not None
        assert parts.then is not None
        try:
            X_train = features(parts.then, lifetime_value(parts.past, window).table)
            y_train = ~X_train.index.isin(parts.bought_after)
            model = fit_churn(X_train, y_train, seed=params.seed)
        except JobError as error:  # too few repeat buyers before trained_at, or one outcome
            why_not = str(error).split(";")[0]
        else:
            risk, factors = model.predict_json(X_now)
            counts.update(
                churn_training_rows=len(X_train),
                churn_training_rate=round(model.base_rate, 4),
                churn_cv_auc=round(model.auc, 4),
                churn_method=(
                    f"logistic regression learned on a {window}-day window before the as-of date"
                ),
            )
            if window < horizon:
                risk = _carry(risk, X_now.index, now, window=window, horizon=horizon)
                counts["churn_method"] = (
                    f"{counts['churn_method']} (the history is shorter than twice the "
                    f"{horizon}-day horizon), carried to {horizon} days by each buyer's BG/NBD "
                    "odds of no purchase over the longer window"
                )
    if risk is None:
        risk, counts["churn_method"] = _fallback_risk(X_now.index, now, horizon, why_not)
    out = pd.DataFrame(
        {
            "churn_risk": risk,
            "churn_factors": pd.Series(factors, index=X_now.index, dtype=object),
            "tenure_days": X_now["tenure_days"].round().astype("Int64"),
        },
        index=X_now.index,
    ).reindex(persons)
    return out, counts


def _expected_over(now: _Now, days: int) -> pd.DataFrame:
    """The lifetime table with expected purchases over ``days`` instead of the horizon
    (same BG/NBD fit)."""
    assert now.life is not None
    s = now.summary
    x, t_x, T = (s[c].to_numpy(dtype=float) for c in ("x", "t_x", "T"))
    expected = pd.Series(np.round(now.life.bgnbd.expected(x, t_x, T, days / 7.0), 4), s.index)
    table = now.life.table
    return table.assign(expected_purchases=expected.reindex(table.index).to_numpy())


def _carry(
    risk: np.ndarray, index: pd.Index, now: _Now, *, window: int, horizon: int
) -> np.ndarray:
    """Risk over ``window`` days carried to ``horizon`` days: times each buyer's BG/NBD ratio
    P(no purchase in horizon) / P(no purchase in window) (at most 1); for persons without a
    purchase (or without a BG/NBD fit), the constant-hazard carry ``risk ** (horizon / window)``.
    """
    carried = np.power(risk, horizon / window)
    if now.life is not None:
        s = now.summary
        x, t_x, T = (s[c].to_numpy(dtype=float) for c in ("x", "t_x", "T"))
        model = now.life.bgnbd
        ratio = model.p_none(x, t_x, T, horizon / 7.0) / np.maximum(
            model.p_none(x, t_x, T, window / 7.0), 1e-12
        )
        buyer_ratio = pd.Series(np.clip(ratio, 0.0, 1.0), index=s.index).reindex(index)
        carried = np.where(buyer_ratio.notna(), risk * buyer_ratio.to_numpy(), carried)
    return np.round(np.asarray(carried, dtype=float), 4)


def _fallback_risk(
    index: pd.Index, now: _Now, horizon: int, why_not: str
) -> tuple[np.ndarray, str]:
    """Without a learned model: BG/NBD's probability of no purchase in the horizon for
    buyers (persons who never bought are left without a risk); nothing without BG/NBD."""
    if now.life is None:
        return np.full(len(index), np.nan), (
            f"not computed: {why_not}, and nobody bought twice (no BG/NBD fit to fall back on)"
        )
    s = now.summary
    x, t_x, T = (s[c].to_numpy(dtype=float) for c in ("x", "t_x", "T"))
    p_none = now.life.bgnbd.p_none(x, t_x, T, horizon / 7.0)
    risk = pd.Series(np.round(p_none, 4), index=s.index).reindex(index).to_numpy(dtype=float)
    return risk, (
        f"BG/NBD probability of no purchase in {horizon} days (not learned: {why_not}); "
        "persons who never bought have no risk"
    )


def segment_features(table: pd.DataFrame, *, with_influence: bool) -> pd.DataFrame:
    """What k-means segments persons on: value, churn risk, tenure and (with influence) the
    influence percentile, one column each, from the profile table.

    Example: ``segment(segment_features(profiles.table, with_influence=True), seed=7)``
    """
    features = pd.DataFrame(
        {
            "monetary": table["monetary"],
            "frequency": table["frequency"].astype(float),
            "recency_days": table["recency_days"].astype(float),
            "predicted_clv": table["predicted_clv"].fillna(0.0),
            "churn_risk": table["churn_risk"].astype(float),
            "tenure_days": table["tenure_days"].astype(float),
        }
    )
    if with_influence:
        features["influence_percentile"] = table["influence_percentile"]
    return features


def run_profiles(
    store: Store, params: ProfileParams, rules: ProfileRules | None = None
) -> Profiles:
    """Compute every person's profile and store it, with segments, tags and the run."""
    rules = rules or load_rules()
    check_tag_rules(rules)  # a bad rule fails now, not after the whole job
    recorded = {**asdict(params), "as_of": str(params.as_of) if params.as_of else None}
    since = utc_now()  # erasures from now on are final for this run's write-back
    with recorded_run(store, "profiles", recorded, seed=params.seed) as run:
        with run.timed("project"):
            data = project(store, params, run.timed)
        as_of = data.as_of
        with run.timed("compute"):
            names = person_names(data)
            data = coded_inputs(data, names)  # the text-keyed frames go now
            profiles = compute_coded(data, names, params, rules)
        with run.timed("write"):
            with run.timed("write.rows"):
                tags = profiles.table["tags"].tolist()
                rows = profile_rows(
                    profiles,
                    as_of=as_of,
                    params=params,
                    run=run.run_id,
                    currency=rules.currency.reporting,
                )
                members = member_lists(data.members, names)
                persons = rows.column("personId")
            # one transaction: a kill leaves the previous profiles, segments and tags or
            # these, never a mix; memberships are changed where they differ, and the labels
            # of an earlier run that this one did not write go last
            store.write_tx(
                [
                    Step(
                        "profiles/write_segments",
                        [{**s, "run": run.run_id} for s in profiles.segments],
                    ),
                    Step("profiles/write_tags", [{**t, "run": run.run_id} for t in profiles.tags]),
                    Step(
                        "profiles/write_profiles",
                        rows.with_column("members", members),
                        {"since": since},
                    ),
                    Step(
                        "profiles/write_memberships",
                        ColumnRows(
                            {
                                "personId": persons,
                                "segment": rows.column("segment"),
                                "tags": [t if isinstance(t, list) else [] for t in tags],
                            }
                        ),
                        {"run": run.run_id},
                    ),
                    Step("profiles/drop_stale_labels", params={"run": run.run_id}),
                ]
            )
        run.counts.update(profiles.counts)
        run.counts["as_of_epoch_day"] = int(as_of.normalize().value // 86_400_000_000_000)
    return profiles
