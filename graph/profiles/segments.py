"""Model segments: k-means over standardised value features, k chosen by silhouette, each
segment described in plain words from its centroid (pure functions).

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> big = pd.DataFrame({"monetary": rng.normal(900, 50, 80), "frequency": rng.normal(12, 1, 80)})
>>> small = pd.DataFrame({"monetary": rng.normal(40, 5, 80), "frequency": rng.normal(1, .2, 80)})
>>> result = segment(pd.concat([big, small], ignore_index=True), seed=1)
>>> result.k, sorted(result.sizes.values())
(2, [80, 80])
>>> result.descriptions["S1"]
'high spend, frequent buyers'
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["Segmentation", "segment"]

# Feature → (words when the centroid is high, words when it is low).
_WORDS: dict[str, tuple[str, str]] = {
    "monetary": ("high spend", "low spend"),
    "frequency": ("frequent buyers", "rare buyers"),
    "recency_days": ("lapsed", "recently active"),
    "predicted_clv": ("high predicted value", "low predicted value"),
    "churn_risk": ("likely to churn", "likely to stay"),
    "influence_percentile": ("influential", "little influence"),
    "tenure_days": ("long-standing", "new"),
}


@dataclass(slots=True)
class Segmentation:
    """Labels (aligned with the input rows), names ordered by centroid value, descriptions."""

    labels: list[str]
    k: int
    silhouette: float
    descriptions: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    centroids: dict[str, dict[str, float]] = field(default_factory=dict)


def segment(
    features: pd.DataFrame,
    *,
    seed: int,
    k: int | None = None,
    k_range: range = range(2, 9),
    sample: int = 4000,
) -> Segmentation:
    """Cluster rows of ``features`` (numbers; missing values take the column median).

    Heavy-tailed money and count columns are log-scaled before standardising. ``k`` fixed
    skips the silhouette search, which runs on a seeded sample of ``sample`` rows.
    """
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    data = features.astype(float)
    data = data.fillna(data.median()).fillna(0.0)
    shaped = data.copy()
    for col in ("monetary", "frequency", "predicted_clv", "recency_days", "tenure_days"):
        if col in shaped:
            shaped[col] = np.log1p(shaped[col].clip(lower=0))
    X = StandardScaler().fit_transform(shaped.to_numpy())
    X = np.nan_to_num(X)
    n = len(X)
    if n < 3:
        return Segmentation(labels=["S1"] * n, k=1, silhouette=0.0)
    rng = np.random.default_rng(seed)
    pick = rng.choice(n, min(sample, n), replace=False)

    def fit(kk: int, rows: np.ndarray) -> np.ndarray:
        model: KMeans | MiniBatchKMeans
        if len(rows) > 100_000:
            model = MiniBatchKMeans(kk, random_state=seed, n_init=3, batch_size=4096)
        else:
            model = KMeans(kk, random_state=seed, n_init=4)
        return np.asarray(model.fit_predict(rows))

    best_score = -1.0
    if k is None:
        chosen = 2
        for kk in k_range:
            if kk >= len(pick):
                break
            labels_sample = fit(kk, X[pick])
            if len(set(labels_sample)) < 2:
                continue
            score = float(silhouette_score(X[pick], labels_sample, random_state=seed))
            if score > best_score + 1e-9:
                best_score, chosen = score, kk
    else:
        chosen = k
    raw = fit(chosen, X)
    if k is not None and len(set(raw)) > 1:
        sub = raw[pick]
        best_score = float(silhouette_score(X[pick], sub)) if len(set(sub)) > 1 else 0.0
    # Name segments by descending mean predicted value (else spend), then by size: stable
    # names for the same data whatever k-means numbered them.
    key = "predicted_clv" if "predicted_clv" in data else data.columns[0]
    order = sorted(
        set(raw.tolist()),
        key=lambda c: (-float(data[key].to_numpy()[raw == c].mean()), -int((raw == c).sum()), c),
    )
    names = {c: f"S{i + 1}" for i, c in enumerate(order)}
    labels = [names[c] for c in raw]
    z = pd.DataFrame(X, columns=data.columns)
    result = Segmentation(labels=labels, k=len(order), silhouette=round(best_score, 4))
    for c in order:
        name = names[c]
        members = raw == c
        centre = z[members].mean()
        result.sizes[name] = int(members.sum())
        result.centroids[name] = {
            col: round(float(data[col].to_numpy()[members].mean()), 4) for col in data.columns
        }
        result.descriptions[name] = _describe(centre)
    return result


def _describe(centre: pd.Series) -> str:
    """Up to three words-phrases for the features furthest from average (|z| > 0.5)."""
    ranked = sorted(
        ((abs(float(v)), col, float(v)) for col, v in centre.items() if col in _WORDS),
        key=lambda t: (-t[0], t[1]),
    )
    words = [_WORDS[col][0 if v > 0 else 1] for size, col, v in ranked if size > 0.5][:3]
    return ", ".join(words) if words else "average on every measure"
