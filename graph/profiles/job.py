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
import math
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from graph.errors import JobError
from graph.profiles.churn import churn_features, fit_churn
from graph.profiles.preferences import (
    channel_preferences,
    consent,
    demographics,
    top_categories,
)
from graph.profiles.rules import ProfileRules, load_rules
from graph.profiles.segments import segment
from graph.profiles.value import lifetime_value, rfm, summarise, to_utc
from graph.runs import recorded_run, utc_now
from graph.store.base import Store

__all__ = ["ProfileInputs", "ProfileParams", "Profiles", "compute_profiles", "run_profiles"]


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
    """What the runner reads from the store (frames as the named queries return them)."""

    as_of: pd.Timestamp
    members: pd.DataFrame
    orders: pd.DataFrame
    categories: pd.DataFrame
    touches: pd.DataFrame
    influence: pd.DataFrame
    memberships: pd.DataFrame
    edges: pd.DataFrame


@dataclass(slots=True)
class Profiles:
    """The computed table (one row per person, Python column names), segments and tags."""

    table: pd.DataFrame
    segments: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    counts: dict[str, int | float] = field(default_factory=dict)


def _as_of(store: Store, wanted: date | None) -> pd.Timestamp:
    latest = store.read("profiles/latest_purchase")[0]["at"]
    if latest is None:
        raise JobError(
            "no purchases in the store; load purchases and run `custgraph analyze identity` first"
        )
    if wanted is None:
        return pd.Timestamp(to_utc([latest]).iloc[0])
    return pd.Timestamp(wanted, tz="UTC") + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)


def project(store: Store, params: ProfileParams) -> ProfileInputs:
    """Read what the job needs, never an order after the as-of time."""
    as_of = _as_of(store, params.as_of)
    until = as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
    members = store.frame("profiles/members", personIds=None)
    if members.empty:
        raise JobError("no persons yet; run `custgraph analyze identity` first")
    return ProfileInputs(
        as_of=as_of,
        members=members,
        orders=store.frame("profiles/orders", until=until),
        categories=store.frame("profiles/categories", until=until),
        touches=store.frame("profiles/touches"),
        influence=store.frame("influence/influencers"),
        memberships=store.frame("influence/memberships"),
        edges=store.frame("influence/person_edges"),
    )


def compute_profiles(data: ProfileInputs, params: ProfileParams, rules: ProfileRules) -> Profiles:
    """Every profile attribute for every person (pure)."""
    as_of, horizon = data.as_of, params.horizon_days
    persons = pd.Index(sorted(data.members["personId"].unique()), name="personId")
    orders = data.orders.assign(
        at=to_utc(data.orders["purchasedAt"]).to_numpy(),
        amount=pd.to_numeric(data.orders["amount"], errors="coerce").fillna(0.0)
        * data.orders["currency"].map(lambda c: rules.rate(c if isinstance(c, str) else None)),
    )
    orders = orders[orders["at"] <= as_of]
    summary = summarise(orders.assign(currency=None), as_of, lambda _c: 1.0)
    if summary.empty:
        raise JobError("no purchases up to the as-of date; choose a later --as-of")
    life = lifetime_value(summary, horizon)
    counts: dict[str, int | float] = {
        "persons": len(persons),
        "buyers": len(summary),
        "bgnbd_r": round(life.bgnbd.r, 4),
        "bgnbd_alpha": round(life.bgnbd.alpha, 4),
        "bgnbd_a": round(life.bgnbd.a, 4),
        "bgnbd_b": round(life.bgnbd.b, 4),
    }
    graph = _graph_inputs(data)
    table = pd.DataFrame(index=persons)
    table = table.join(summary[["frequency", "monetary", "recency_days", "first", "last"]])
    table = table.join(rfm(summary, rules)).join(life.table)
    table["frequency"] = table["frequency"].fillna(0).astype(int)
    table["monetary"] = table["monetary"].fillna(0.0)
    churn, churn_counts = _churn(
        data, params, orders=orders, persons=persons, graph=graph, lifetime_now=life.table
    )
    counts.update(churn_counts)
    table = table.join(churn)
    table["influence_percentile"] = graph.influence_pct.reindex(persons).fillna(0.0)
    for column, source in (("influence_rank", "rank"), ("influence_score", "score")):
        table[column] = (
            data.influence.set_index("person_id")[source].reindex(persons)
            if not data.influence.empty
            else pd.Series(np.nan, index=persons)
        )
    table["community_id"] = graph.community.reindex(persons)
    table["clv_percentile"] = table["predicted_clv"].fillna(0.0).rank(pct=True)
    table["monetary_percentile"] = table["monetary"].rank(pct=True)

    segmentation = segment(
        _segment_features(table, with_influence=not data.influence.empty),
        seed=params.seed,
        k=params.segments,
    )
    table["segment"] = segmentation.labels
    counts.update({"segments": segmentation.k, "silhouette": segmentation.silhouette})

    preferred, mix = channel_preferences(data.touches, orders)
    table["preferred_channel"] = preferred.reindex(persons)
    table["channel_mix"] = mix.reindex(persons)
    table["top_categories"] = top_categories(data.categories, params.top_categories).reindex(
        persons
    )
    table["consent_marketing"] = consent(data.members).reindex(persons, fill_value=False)
    chosen = demographics(data.members, rules.source_priority)
    table["demographics"] = pd.Series(chosen, dtype=object).reindex(persons)
    table["tags"], tag_rows = _tags(table, rules)
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


@dataclass(frozen=True, slots=True)
class _Graph:
    community: pd.Series
    influence_pct: pd.Series
    referrer: pd.Series


def _graph_inputs(data: ProfileInputs) -> _Graph:
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
    referrals = data.edges[data.edges["kind"] == "REFERRED"] if not data.edges.empty else None
    referrer = (
        referrals.sort_values(["dst", "src"]).drop_duplicates("dst").set_index("dst")["src"]
        if referrals is not None and not referrals.empty
        else pd.Series(dtype=object)
    )
    return _Graph(community, influence_pct, referrer)


def _churn(
    data: ProfileInputs,
    params: ProfileParams,
    *,
    orders: pd.DataFrame,
    persons: pd.Index,
    graph: _Graph,
    lifetime_now: pd.DataFrame,
) -> tuple[pd.DataFrame, dict[str, int | float]]:
    """Learn churn on (features as of as_of - horizon, outcome in the following horizon);
    score features as of as_of. Returns churn_risk, churn_factors and tenure_days."""
    as_of, horizon = data.as_of, params.horizon_days
    records = data.members.groupby("personId").size().reindex(persons, fill_value=0)
    signup = to_utc(data.members["signupAt"]).groupby(data.members["personId"].to_numpy()).min()
    first_touch = (
        to_utc(data.touches["firstAt"]).groupby(data.touches["personId"].to_numpy()).min()
        if not data.touches.empty
        else pd.Series(dtype="datetime64[ns, UTC]")
    )
    first_buy = orders.groupby("personId")["at"].min()
    first_seen = pd.concat(
        [signup.reindex(persons), first_touch.reindex(persons), first_buy.reindex(persons)],
        axis=1,
    ).min(axis=1)
    person_frame = pd.DataFrame({"first_seen": first_seen, "records": records}, index=persons)
    touches = data.touches.assign(
        firstAt=to_utc(data.touches["firstAt"]).to_numpy() if not data.touches.empty else []
    )
    trained_at = as_of - pd.Timedelta(days=horizon)
    past = summarise(orders.assign(currency=None), trained_at, lambda _c: 1.0)
    if past.empty or not (past["x"] > 0).any():
        raise JobError(
            f"too little history before {trained_at:%Y-%m-%d} to learn churn; choose a later "
            "--as-of or a shorter --horizon-days"
        )

    def features(at: pd.Timestamp, lifetime: pd.DataFrame) -> pd.DataFrame:
        return churn_features(
            at=at,
            horizon_days=horizon,
            persons=person_frame,
            orders=orders[["personId", "at", "amount"]],
            lifetime=lifetime,
            touches=touches,
            community=graph.community,
            influence=graph.influence_pct,
            referrer=graph.referrer,
        )

    X_train = features(trained_at, lifetime_value(past, horizon).table)
    bought_after = set(orders.loc[orders["at"] > trained_at, "personId"])
    y_train = ~X_train.index.isin(list(bought_after))
    model = fit_churn(X_train, y_train, seed=params.seed)
    X_now = features(as_of, lifetime_now)
    risk, factors = model.predict(X_now)
    out = pd.DataFrame(
        {
            "churn_risk": risk,
            "churn_factors": pd.Series(factors, index=X_now.index, dtype=object),
            "tenure_days": X_now["tenure_days"].round().astype("Int64"),
        },
        index=X_now.index,
    ).reindex(persons)
    counts: dict[str, int | float] = {
        "churn_training_rows": len(X_train),
        "churn_training_rate": round(model.base_rate, 4),
        "churn_cv_auc": round(model.auc, 4),
    }
    return out, counts


def _segment_features(table: pd.DataFrame, *, with_influence: bool) -> pd.DataFrame:
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


def _tags(table: pd.DataFrame, rules: ProfileRules) -> tuple[pd.Series, list[dict[str, Any]]]:
    """Each person's tags (marketing tags only with consent) and each tag's summary row."""
    tag_lists: dict[str, list[str]] = {p: [] for p in table.index}
    tag_rows = []
    columns = table.drop(columns=["churn_factors", "channel_mix", "top_categories", "demographics"])
    for rule in rules.tags:
        mask = rule.mask(columns)
        if rule.marketing:
            mask &= table["consent_marketing"].astype(bool)
        chosen = table.index[mask.to_numpy()]
        for person in chosen:
            tag_lists[person].append(rule.name)
        tag_rows.append(
            {
                "name": rule.name,
                "rule": rule.rule,
                "marketing": rule.marketing,
                "description": rule.description,
                "size": len(chosen),
            }
        )
    return pd.Series(tag_lists, dtype=object).reindex(table.index), tag_rows


def profile_rows(
    profiles: Profiles, *, as_of: pd.Timestamp, params: ProfileParams, run: str, currency: str
) -> list[dict[str, Any]]:
    """The store's rows (graph names; lists and maps as JSON text; no NaN)."""
    t = profiles.table
    stamp = as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = []
    for person, r in zip(t.index, t.itertuples(index=False), strict=True):
        rows.append(
            {
                "personId": person,
                "asOf": stamp,
                "horizonDays": params.horizon_days,
                "recencyDays": _int(r.recency_days),
                "frequency": _int(r.frequency),
                "monetary": _float(r.monetary),
                "currency": currency,
                "rfmRecency": _int(r.rfm_recency),
                "rfmFrequency": _int(r.rfm_frequency),
                "rfmMonetary": _int(r.rfm_monetary),
                "rfmScore": _str(r.rfm_score),
                "rfmSegment": _str(r.rfm_segment),
                "expectedPurchases": _float(r.expected_purchases),
                "pAlive": _float(r.p_alive),
                "expectedSpend": _float(r.expected_spend),
                "predictedClv": _float(r.predicted_clv),
                "churnRisk": _float(r.churn_risk),
                "churnFactors": _json(r.churn_factors, []),
                "segment": _str(r.segment),
                "preferredChannel": _str(r.preferred_channel),
                "channelMix": _json(r.channel_mix, {}),
                "topCategories": _json(r.top_categories, []),
                "tags": _json(r.tags, []),
                "consentMarketing": bool(r.consent_marketing),
                "demographics": _json(r.demographics, {}),
                "tenureDays": _int(r.tenure_days),
                "firstPurchaseAt": _stamp(r.first),
                "lastPurchaseAt": _stamp(r.last),
                "run": run,
            }
        )
    return rows


def run_profiles(
    store: Store, params: ProfileParams, rules: ProfileRules | None = None
) -> Profiles:
    """Compute every person's profile and store it, with segments, tags and the run."""
    rules = rules or load_rules()
    recorded = {**asdict(params), "as_of": str(params.as_of) if params.as_of else None}
    since = utc_now()  # erasures from now on are final for this run's write-back
    with recorded_run(store, "profiles", recorded, seed=params.seed) as run:
        with run.timed("project"):
            data = project(store, params)
        with run.timed("compute"):
            profiles = compute_profiles(data, params, rules)
        with run.timed("write"):
            rows = profile_rows(
                profiles,
                as_of=data.as_of,
                params=params,
                run=run.run_id,
                currency=rules.currency.reporting,
            )
            store.write("profiles/clear_labels")
            store.write(
                "profiles/write_segments",
                rows=[{**s, "run": run.run_id} for s in profiles.segments],
            )
            store.write(
                "profiles/write_tags", rows=[{**t, "run": run.run_id} for t in profiles.tags]
            )
            members = data.members.groupby("personId")["uid"].agg(list).to_dict()
            store.write(
                "profiles/write_profiles",
                rows=[{**r, "members": members.get(r["personId"], [])} for r in rows],
                since=since,
            )
            store.write(
                "profiles/write_memberships",
                rows=[
                    {
                        "personId": r["personId"],
                        "segment": r["segment"],
                        "tags": json.loads(r["tags"]),
                    }
                    for r in rows
                ],
            )
        run.counts.update(profiles.counts)
        run.counts["as_of_epoch_day"] = int(data.as_of.normalize().value // 86_400_000_000_000)
    return profiles


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


def _stamp(value: Any) -> str | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return pd.Timestamp(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json(value: Any, empty: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        value = empty
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in a profile")
