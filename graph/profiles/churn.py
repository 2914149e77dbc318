"""Churn risk: the probability of no purchase within the horizon (pure functions).

The model learns from the store's own history: features as of ``as_of - horizon`` and the
label "bought nothing in the following horizon"; then it scores features as of ``as_of``.
It is a standardised logistic regression (so each person's top factors are the terms
``coefficient * standardised value`` that raise the risk most), calibrated with isotonic
regression over cross-validation folds.

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> recency = rng.integers(0, 400, 600).astype(float)
>>> X = pd.DataFrame({"recency_days": recency, "frequency": rng.integers(1, 9, 600)})
>>> y = rng.random(600) < 0.2 + 0.7 * recency / 400
>>> model = fit_churn(X, y, seed=1)
>>> bool(model.auc > 0.7)
True
>>> risk, factors = model.predict(X.head(1))
>>> factors[0][0]["factor"]
'recency_days'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from graph.errors import JobError

__all__ = [
    "BEHAVIOUR_FILL",
    "FEATURE_WORDS",
    "ChurnModel",
    "churn_features",
    "fit_churn",
    "person_features",
    "touch_behaviour",
    "with_lifetime",
    "with_peers",
]

#: Plain words for each feature, used in a person's top factors.
FEATURE_WORDS: dict[str, str] = {
    "recency_days": "days since the last purchase",
    "frequency": "orders so far",
    "log_monetary": "total spend (log)",
    "avg_order_value": "average order value",
    "tenure_days": "days since first seen",
    "orders_last_horizon": "orders in the last horizon",
    "p_alive": "BG/NBD probability of being active",
    "expected_purchases": "BG/NBD expected purchases",
    "records": "records across sources",
    "channels": "channels used",
    "community_churn_rate": "churn rate of the person's community",
    "influence_percentile": "influence percentile",
    "has_referrer": "was referred",
    "referrer_churned": "the referrer has churned",
    "touches_30d": "touches in the last 30 days (log)",
    "touches_90d": "touches in the last 90 days (log)",
    "days_since_touch": "days since the last touch",
}


def churn_features(
    *,
    at: pd.Timestamp,
    horizon_days: int,
    persons: pd.DataFrame,
    orders: pd.DataFrame,
    lifetime: pd.DataFrame,
    touches: pd.DataFrame,
    community: pd.Series,
    influence: pd.Series,
    referrer: pd.Series,
    lookback_days: float | None = None,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Feature frame (one row per person known by ``at``) from data up to ``at`` only:
    :func:`person_features`, then :func:`with_lifetime` and :func:`with_peers`.

    ``lookback_days``: count orders and spend only over that many days before ``at`` (the
    last purchase still counts for recency), so that features learned at an earlier date
    with less history and features scored later with more mean the same thing.

    persons: index personId, columns ``first_seen`` (UTC), ``records``.
    orders: ``personId, at, amount`` (reporting currency), any times; later ones are dropped.
    lifetime: index personId, ``p_alive, expected_purchases`` fitted as of ``at``.
    touches: ``personId, kind, touches, firstAt``; community: personId → community id;
    influence: personId → percentile (0..1); referrer: referred personId → referrer personId.
    events: touchpoint events ``personId, atSeconds, count`` (any times; later ones are
    dropped): touches in the last 30 and 90 days and days since the last touch, when there
    are any (on generated data they lift a logistic regression on RFM by +0.018 AUC:
    docs/benchmarks.md).
    """
    own = person_features(
        at=at,
        horizon_days=horizon_days,
        persons=persons,
        orders=orders,
        touches=touches,
        lookback_days=lookback_days,
        events=events,
    )
    return with_peers(
        with_lifetime(own, lifetime), community=community, influence=influence, referrer=referrer
    )


#: The touch behaviour features and their value for a person without touches by then.
BEHAVIOUR_FILL = {"touches_30d": 0.0, "touches_90d": 0.0, "days_since_touch": 10_000.0}


def person_features(
    *,
    at: pd.Timestamp,
    horizon_days: int,
    persons: pd.DataFrame,
    orders: pd.DataFrame,
    touches: pd.DataFrame,
    lookback_days: float | None = None,
    events: pd.DataFrame | None = None,
    behaviour: bool | None = None,
) -> pd.DataFrame:
    """The features of :func:`churn_features` that each person's own rows decide (no
    fitted model, no other person): computed on any subset of the persons with all of
    their rows, they are the same numbers, so they can be made per partition.

    ``behaviour``: add the touch behaviour columns (default: when ``events`` has rows); a
    partition without events still adds them when the whole population has some.

    >>> at = pd.Timestamp("2024-03-01", tz="UTC")
    >>> persons = pd.DataFrame({"first_seen": [at - pd.Timedelta(days=50)], "records": [2]})
    >>> orders = pd.DataFrame({"personId": [0], "at": [at - pd.Timedelta(days=10)],
    ...                        "amount": [30.0]})
    >>> touches = pd.DataFrame(columns=["personId", "kind", "touches", "firstAt"])
    >>> f = person_features(at=at, horizon_days=90, persons=persons, orders=orders,
    ...                     touches=touches, behaviour=True)
    >>> f.loc[0, ["recency_days", "frequency", "tenure_days", "days_since_touch"]].tolist()
    [10.0, 1.0, 50.0, 10000.0]
    """
    horizon = pd.Timedelta(days=horizon_days)
    known = persons[persons["first_seen"].isna() | (persons["first_seen"] <= at)]
    index = known.index
    past = orders[orders["at"] <= at]
    last = past.groupby("personId")["at"].max().reindex(index)
    if lookback_days is not None:
        past = past[past["at"] > at - pd.Timedelta(days=lookback_days)]
    grouped = past.groupby("personId")
    frequency = grouped.size().reindex(index, fill_value=0)
    spend = grouped["amount"].sum().reindex(index, fill_value=0.0)
    recent = past[past["at"] > at - horizon].groupby("personId").size()
    recent = recent.reindex(index, fill_value=0)
    first_seen = known["first_seen"].fillna(at)
    tenure = ((at - first_seen).dt.total_seconds() / 86_400.0).clip(lower=0)
    recency = ((at - last).dt.total_seconds() / 86_400.0).fillna(tenure)
    frame = pd.DataFrame(
        {
            "recency_days": recency.astype(float),
            "frequency": frequency.astype(float),
            "log_monetary": np.log1p(spend.clip(lower=0)),
            "avg_order_value": (spend / frequency.clip(lower=1)).astype(float),
            "tenure_days": tenure.astype(float),
            "orders_last_horizon": recent.astype(float),
            "records": known["records"].astype(float),
        },
        index=index,
    )
    seen = touches[touches["firstAt"].isna() | (touches["firstAt"] <= at)]
    frame["channels"] = seen.groupby("personId").size().reindex(index, fill_value=0).astype(float)
    if not seen.empty:
        mix = seen.pivot_table(
            index="personId", columns="kind", values="touches", aggfunc="sum", fill_value=0
        )
        mix = mix.div(mix.sum(axis=1).clip(lower=1), axis=0).reindex(index, fill_value=0.0)
        for kind in sorted(mix.columns):
            frame[f"share_{kind}"] = mix[kind].astype(float)
    has_events = events is not None and len(events) > 0
    if behaviour if behaviour is not None else has_events:
        if has_events:
            assert events is not None
            frame = frame.join(touch_behaviour(events, at))
        for column, value in BEHAVIOUR_FILL.items():
            frame[column] = frame[column].fillna(value) if column in frame else value
    return frame.astype(float)


def with_lifetime(frame: pd.DataFrame, lifetime: pd.DataFrame) -> pd.DataFrame:
    """:func:`person_features` with the fitted BG/NBD's ``p_alive`` and
    ``expected_purchases`` (0 for persons it does not cover), in their place."""
    out = frame.copy()
    at = list(out.columns).index("orders_last_horizon") + 1
    for offset, column in enumerate(("p_alive", "expected_purchases")):
        values = lifetime[column].reindex(out.index).fillna(0.0).astype(float)
        out.insert(at + offset, column, values)
    return out


def with_peers(
    frame: pd.DataFrame, *, community: pd.Series, influence: pd.Series, referrer: pd.Series
) -> pd.DataFrame:
    """The features that cross persons: the churn rate of the person's community (peers
    with no purchase in the last horizon, the person left out), influence percentile,
    whether the person was referred and whether the referrer has churned."""
    index = frame.index
    active = frame["orders_last_horizon"] > 0
    out = frame.copy()
    comm = community.reindex(index)
    inactive = (~active).astype(float)
    members = comm.groupby(comm).transform("size").fillna(1)
    churned_members = inactive.groupby(comm).transform("sum").fillna(0)
    peers = (members - 1).clip(lower=1)
    out["community_churn_rate"] = ((churned_members - inactive) / peers).where(
        comm.notna(), inactive.mean()
    )
    out["influence_percentile"] = influence.reindex(index).fillna(0.0).astype(float)
    ref = referrer.reindex(index)
    out["has_referrer"] = ref.notna().astype(float)
    referrer_active = ref.map(active).astype(float)
    out["referrer_churned"] = (1.0 - referrer_active).fillna(0.0).where(ref.notna(), 0.0)
    return out.astype(float)


def touch_behaviour(events: pd.DataFrame, at: pd.Timestamp) -> pd.DataFrame:
    """Per person, from touchpoint events up to ``at`` only: touches in the last 30 and 90
    days (log) and days since the last touch (10,000 for a person never touched by then).

    >>> at = pd.Timestamp("2024-03-01", tz="UTC")
    >>> day = 86_400
    >>> ev = pd.DataFrame({"personId": [0, 0, 1], "count": [1, 2, 1],
    ...                    "atSeconds": [int(at.timestamp()) - 5 * day,
    ...                                  int(at.timestamp()) - 60 * day,
    ...                                  int(at.timestamp()) + day]})  # after at: left out
    >>> touch_behaviour(ev, at).round(3).to_dict("index")
    {0: {'touches_30d': 0.693, 'touches_90d': 1.386, 'days_since_touch': 5.0}}
    """
    now = int(at.timestamp())
    seconds = events["atSeconds"].to_numpy(dtype=np.int64)
    keep = seconds <= now  # arrays, not a frame of temporaries: ten million events at 1M
    person = events["personId"].to_numpy(dtype=np.int64)[keep]
    age = (now - seconds[keep]) / 86_400.0
    count = events["count"].to_numpy(dtype=float)[keep]
    size = int(person.max()) + 1 if person.size else 0
    seen = np.bincount(person, minlength=size) > 0
    newest = np.full(size, np.inf)
    np.minimum.at(newest, person, age)
    ids = np.flatnonzero(seen)
    return pd.DataFrame(
        {
            "touches_30d": np.log1p(np.bincount(person, count * (age < 30), size)[ids]),
            "touches_90d": np.log1p(np.bincount(person, count * (age < 90), size)[ids]),
            "days_since_touch": newest[ids],
        },
        index=ids,
    )


@dataclass(slots=True)
class ChurnModel:
    """A calibrated churn classifier and the plain model its factors come from."""

    calibrated: Any
    explainer: Any
    columns: list[str]
    auc: float
    base_rate: float

    def predict(self, frame: pd.DataFrame) -> tuple[np.ndarray, list[list[dict[str, Any]]]]:
        """Risk per row and its top three risk-raising factors (name, value, effect)."""
        X = frame.reindex(columns=self.columns, fill_value=0.0).to_numpy(dtype=float)
        risk = self.calibrated.predict_proba(X)[:, 1]
        scaler, logit = self.explainer.named_steps.values()
        z = scaler.transform(X)
        contributions = z * logit.coef_[0]
        top = np.argsort(-contributions, axis=1, kind="stable")[:, :3]
        factors: list[list[dict[str, Any]]] = []
        for row, order in enumerate(top):
            picked = []
            for j in order:
                effect = float(contributions[row, j])
                if effect <= 0.05:
                    break
                name = self.columns[j]
                picked.append(
                    {
                        "factor": name,
                        "words": FEATURE_WORDS.get(name, name.replace("share_", "share of ")),
                        "value": round(float(X[row, j]), 3),
                        "direction": "above average" if z[row, j] > 0 else "below average",
                        "effect": round(effect, 3),
                    }
                )
            factors.append(picked)
        return np.round(risk, 4), factors

    def predict_json(
        self, frame: pd.DataFrame, chunk: int = 50_000
    ) -> tuple[np.ndarray, list[str]]:
        """:meth:`predict`, with each row's factors as JSON text (keys sorted), made a chunk
        of rows at a time: a million persons' factor dicts would hold 0.8 GB at once.

        >>> import json
        >>> X = pd.DataFrame({"recency_days": [5.0, 300.0, 40.0] * 20,
        ...                   "frequency": [9.0, 1.0, 3.0] * 20})
        >>> model = fit_churn(X, np.array([False, True, False] * 20), seed=1)
        >>> risk, texts = model.predict_json(X.head(2), chunk=1)
        >>> [json.loads(t) for t in texts] == model.predict(X.head(2))[1]
        True
        """
        risks: list[np.ndarray] = []
        texts: list[str] = []
        for start in range(0, len(frame), chunk):
            risk, factors = self.predict(frame.iloc[start : start + chunk])
            risks.append(risk)
            texts.extend(
                json.dumps(f, ensure_ascii=False, sort_keys=True) if f else "[]" for f in factors
            )
        return (np.concatenate(risks) if risks else np.zeros(0)), texts


def fit_churn(X: pd.DataFrame, y: np.ndarray, *, seed: int, max_rows: int = 200_000) -> ChurnModel:
    """Fit on (a seeded sample of at most ``max_rows`` of) the training rows.

    ``auc`` is measured on out-of-fold predictions, so it is an honest estimate.
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    y = np.asarray(y, dtype=bool)
    if y.all() or not y.any():
        raise JobError(
            "the training horizon has only one outcome (everybody churned, or nobody); "
            "choose an --as-of with a longer history or a different --horizon-days"
        )
    if min(int(y.sum()), int((~y).sum())) < 3:
        raise JobError(
            "the training horizon has fewer than 3 persons with one of the outcomes; "
            "three-fold cross-validation needs more history"
        )
    if len(X) > max_rows:
        pick = np.sort(np.random.default_rng(seed).choice(len(X), max_rows, replace=False))
        X, y = X.iloc[pick], y[pick]
    columns = list(X.columns)
    data = X.to_numpy(dtype=float)

    def base() -> Any:
        return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))

    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    calibrated = CalibratedClassifierCV(base(), method="isotonic", cv=folds)
    out_of_fold = cross_val_predict(calibrated, data, y, cv=folds, method="predict_proba")[:, 1]
    calibrated.fit(data, y)
    explainer = base().fit(data, y)
    return ChurnModel(
        calibrated,
        explainer,
        columns,
        auc=float(roc_auc_score(y, out_of_fold)),
        base_rate=float(y.mean()),
    )
