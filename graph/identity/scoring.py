"""Fellegi-Sunter scoring with weights learned without labels.

Each candidate pair gets a comparison *level* per field (exact, close, different, or
missing). ``u`` (how often a level occurs between two different people) is estimated from
random record pairs; ``m`` (how often between two records of one person) and the share of
matches among candidates are fitted by expectation-maximisation. A pair's match weight is
``log2(λ/(1-λ)) + Σ log2(m/u)`` in bits; its parts are the per-field evidence.

Examples
--------
>>> import numpy as np
>>> levels = {"email": np.array([1, 3, 1, 3]), "dob": np.array([1, 2, 1, 2])}
>>> random_levels = {"email": np.array([3] * 99 + [1]), "dob": np.array([2] * 95 + [1] * 5)}
>>> model = fit_model(levels, random_levels, {"email": 3, "dob": 2}, seed=1)
>>> probs = match_probability(model, levels)
>>> bool(probs[0] > 0.9 > probs[1])
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from graph.identity.features import RecordFeatures

__all__ = [
    "FIELD_LEVELS",
    "LEVEL_NAMES",
    "FSModel",
    "compare",
    "contributions",
    "evidence_texts",
    "fit_model",
    "match_probability",
]

#: Levels per field; level 0 is always "missing" (no evidence either way). Identifiers are
#: graded like every other field: a one-character typo or a swap of two neighbouring
#: characters is a level of its own, and a different value weighs against a merge by what
#: EM learns, never as a veto.
LEVEL_NAMES: dict[str, tuple[str, ...]] = {
    "given": ("missing", "exact", "nickname", "one typo", "close", "similar", "different"),
    "family": ("missing", "exact", "one typo", "close", "similar", "different"),
    "order": ("missing", "as written", "swapped"),
    "dob": ("missing", "exact", "one typo", "day and month swapped", "partial", "different"),
    "email": ("missing", "exact", "one typo", "different"),
    "phone": ("missing", "exact", "one typo", "same last 7 digits", "different"),
    "postcode": ("missing", "exact", "one typo", "different"),
    "street": ("missing", "exact", "close", "different"),
    "city": ("missing", "exact", "different"),
    "national": ("missing", "exact", "one typo", "different"),
    "device": ("missing", "exact", "one typo", "different"),
    "loyalty": ("missing", "exact", "one typo", "different"),
}
FIELD_LEVELS: dict[str, int] = {k: len(v) - 1 for k, v in LEVEL_NAMES.items()}


@dataclass(frozen=True, slots=True)
class FSModel:
    """Fitted parameters of the three-class model.

    ``m[field][level]``: how often a level occurs for two records of one person; ``h``: for
    two people of one household (shared phone and address, different names and birth
    dates); ``u``: for two unrelated people (from random pairs). ``prior`` holds the share
    of each class among all record pairs. Households are a class of their own because their
    correlated agreements would otherwise be counted as independent evidence of a match.
    """

    m: dict[str, np.ndarray]
    h: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    prior: tuple[float, float, float]  # same person, household, unrelated
    iterations: int

    @property
    def lam(self) -> float:
        """Probability that two random records are one person."""
        return self.prior[0]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (an incremental run scores with the last full run's model).

        >>> model = FSModel({"dob": np.array([1.0, 0.9, 0.1])}, {"dob": np.array([1.0, .5, .5])},
        ...                 {"dob": np.array([1.0, 0.01, 0.99])}, (1e-6, 1e-5, 0.99999), 3)
        >>> FSModel.from_dict(model.to_dict()).to_dict() == model.to_dict()
        True
        """
        return {
            "m": {k: v.tolist() for k, v in self.m.items()},
            "h": {k: v.tolist() for k, v in self.h.items()},
            "u": {k: v.tolist() for k, v in self.u.items()},
            "prior": list(self.prior),
            "iterations": self.iterations,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FSModel:
        """The inverse of :meth:`to_dict`."""
        a, b, c = (float(x) for x in data["prior"])
        return cls(
            m={k: np.asarray(v, dtype=float) for k, v in data["m"].items()},
            h={k: np.asarray(v, dtype=float) for k, v in data["h"].items()},
            u={k: np.asarray(v, dtype=float) for k, v in data["u"].items()},
            prior=(a, b, c),
            iterations=int(data["iterations"]),
        )

    def weights(self) -> dict[str, np.ndarray]:
        """Per field and level, bits of evidence for "one person" against the other two
        classes mixed by their priors (0 for "missing"). Summed with the prior odds this
        approximates the posterior; the probability itself is exact."""
        _, ph, pu = self.prior
        out = {}
        for name in self.m:
            other = (ph * self.h[name] + pu * self.u[name]) / (ph + pu)
            w = np.log2(self.m[name] / other)
            w[0] = 0.0
            out[name] = w
        return out


def _both(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.array(
        [x is not None and y is not None for x, y in zip(a, b, strict=True)], dtype=bool
    )


def _pairwise(a: np.ndarray, b: np.ndarray, scorer: Any) -> np.ndarray:
    """``scorer`` (a rapidfuzz metric) of each pair where both values are present, else 0."""
    from rapidfuzz.process import cpdist

    both = _both(a, b)
    out = np.zeros(len(a))
    if both.any():
        out[both] = cpdist(list(a[both]), list(b[both]), scorer=scorer, workers=-1)
    return out


def _jw(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    from rapidfuzz.distance import JaroWinkler

    return _pairwise(a, b, JaroWinkler.normalized_similarity)


def _one_typo(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Present, different, and one edit or one swap of neighbours apart (Damerau-Levenshtein)."""
    from rapidfuzz.distance import DamerauLevenshtein

    distance = _pairwise(a, b, DamerauLevenshtein.distance)
    return np.asarray(_both(a, b) & (distance == 1))


def _missing(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.array([x is None or y is None for x, y in zip(a, b, strict=True)], dtype=bool)


def _equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.array([x is not None and x == y for x, y in zip(a, b, strict=True)], dtype=bool)


def _exact_level(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """missing / exact / different."""
    return np.where(_missing(a, b), 0, np.where(_equal(a, b), 1, 2))


def _typo_level(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """missing / exact / one typo / different."""
    return np.select([_missing(a, b), _equal(a, b), _one_typo(a, b)], [0, 1, 2], 3)


def _name_levels(a: np.ndarray, b: np.ndarray, *, nicknames: bool) -> tuple[np.ndarray, np.ndarray]:
    """Levels (exact, [nickname,] one typo, JW >= 0.92, JW >= 0.8, different) and similarity."""
    from graph.identity.names import nickname_groups

    sim = _jw(a, b)
    exact = _equal(a, b)
    conditions = [exact]
    if nicknames:
        conditions.append(
            np.array(
                [
                    bool(x and y and nickname_groups(x) & nickname_groups(y))
                    for x, y in zip(a, b, strict=True)
                ],
                dtype=bool,
            )
        )
    conditions += [_one_typo(a, b), sim >= 0.92, sim >= 0.8]
    levels = np.select(conditions, list(range(1, len(conditions) + 1)), len(conditions) + 1)
    levels = np.where(_missing(a, b), 0, levels)
    return levels, np.where(levels == 0, 0.0, np.where(exact, 1.0, sim))


def _dob_level(x: str | None, y: str | None) -> int:
    """missing / exact / one typo / day and month swapped / partial / different.

    ``partial`` is the same year with the same month or the same day, or the same month and
    day one year apart.
    """
    from rapidfuzz.distance import DamerauLevenshtein

    if x is None or y is None:
        return 0
    if x == y:
        return 1
    if DamerauLevenshtein.distance(x, y) == 1:
        return 2
    if x[:4] == y[:4] and (x[5:7], x[8:10]) == (y[8:10], y[5:7]):
        return 3
    if (x[:4] == y[:4] and (x[5:7] == y[5:7] or x[8:10] == y[8:10])) or (
        x[5:] == y[5:] and x[:4].isdigit() and y[:4].isdigit() and abs(int(x[:4]) - int(y[:4])) == 1
    ):
        return 4
    return 5


#: Pairs compared at a time: the temporaries of a chunk (strings, similarities) stay small.
COMPARE_CHUNK = 500_000


def compare(
    f: RecordFeatures, pairs: np.ndarray, blocked: dict[str, set[str]] | None = None
) -> dict[str, np.ndarray]:
    """The comparison level of every field for every pair (``pairs`` is ``k x 2``).

    Identifier values in ``blocked`` (over-shared ones) count as missing. Pairs are compared
    in chunks of :data:`COMPARE_CHUNK`, so memory grows with the levels kept, not with the
    temporaries of all pairs at once.
    """
    if len(pairs) <= COMPARE_CHUNK:
        return _compare(f, pairs, blocked or {})
    parts = [
        _compare(f, pairs[start : start + COMPARE_CHUNK], blocked or {})
        for start in range(0, len(pairs), COMPARE_CHUNK)
    ]
    return {k: np.concatenate([p[k] for p in parts]) for k in LEVEL_NAMES}


def _names(f: RecordFeatures, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
    """Given and family levels in the better of the two readings, and which one it was.

    Names are read swapped (given against family) only when both swapped parts agree
    closely (Jaro-Winkler >= 0.9): "Carter Jean" and "Juan Carter" share a family name, not
    a person. ``order`` is "as written" or "swapped" when both records have both names.
    """
    g_straight, gs = _name_levels(f.given[i], f.given[j], nicknames=True)
    s_straight, ss = _name_levels(f.family[i], f.family[j], nicknames=False)
    g_swapped, gw = _name_levels(f.given[i], f.family[j], nicknames=True)
    s_swapped, sw = _name_levels(f.family[i], f.given[j], nicknames=False)
    swap = ((gw + sw) > (gs + ss) + 0.1) & (np.minimum(gw, sw) >= 0.9)
    complete = _both(f.given[i], f.given[j]) & _both(f.family[i], f.family[j])
    return {
        "given": np.where(swap, g_swapped, g_straight),
        "family": np.where(swap, s_swapped, s_straight),
        "order": np.where(complete, np.where(swap, 2, 1), 0),
    }


def _compare(
    f: RecordFeatures, pairs: np.ndarray, blocked: dict[str, set[str]]
) -> dict[str, np.ndarray]:
    i, j = pairs[:, 0], pairs[:, 1]

    def ids(name: str) -> tuple[np.ndarray, np.ndarray]:
        a, b = getattr(f, name)[i], getattr(f, name)[j]
        bad = blocked.get(name)
        if bad:
            a = np.array([None if v in bad else v for v in a], dtype=object)
            b = np.array([None if v in bad else v for v in b], dtype=object)
        return a, b

    levels = _names(f, i, j)
    levels["dob"] = np.fromiter(
        (_dob_level(x, y) for x, y in zip(f.dob[i], f.dob[j], strict=True)), np.int64, len(i)
    )
    for name in ("email", "national", "device", "loyalty"):
        levels[name] = _typo_level(*ids(name))
    phone_a, phone_b = ids("phone")
    tail = np.array(
        [bool(x and y and x[-7:] == y[-7:]) for x, y in zip(phone_a, phone_b, strict=True)],
        dtype=bool,
    )
    levels["phone"] = np.select(
        [
            _missing(phone_a, phone_b),
            _equal(phone_a, phone_b),
            _one_typo(phone_a, phone_b),
            tail,
        ],
        [0, 1, 2, 3],
        4,
    )
    levels["postcode"] = _typo_level(f.postcode[i], f.postcode[j])
    street_sim = _jw(f.street[i], f.street[j])
    levels["street"] = np.select(
        [_missing(f.street[i], f.street[j]), _equal(f.street[i], f.street[j]), street_sim >= 0.9],
        [0, 1, 2],
        3,
    )
    levels["city"] = _exact_level(f.city[i], f.city[j])
    return {k: levels[k].astype(np.int64) for k in LEVEL_NAMES}


def _frequencies(levels: np.ndarray, n_levels: int, prior: np.ndarray) -> np.ndarray:
    counts = np.bincount(levels, minlength=n_levels + 1).astype(float)[: n_levels + 1]
    counts[0] = 0.0
    probs = np.asarray((counts + prior) / (counts[1:].sum() + prior[1:].sum()), dtype=float)
    probs[0] = 1.0
    return probs


_IDENTITY = ("given", "order", "dob", "email", "national", "device", "loyalty")


def _start(n: int, agree: bool) -> np.ndarray:
    probs = np.r_[0.0, np.linspace(0.9, 0.02, n) if agree else np.linspace(0.02, 0.9, n)]
    probs = np.asarray(probs / probs.sum(), dtype=float)
    probs[0] = 1.0
    return probs


def _m_step(levels: np.ndarray, n: int, weights: np.ndarray) -> np.ndarray:
    counts = np.bincount(levels, weights=weights, minlength=n + 1)[: n + 1]
    counts[0] = 0.0
    probs = np.asarray((counts + 0.1) / (counts[1:].sum() + 0.1 * n), dtype=float)
    probs[0] = 1.0
    return probs


def _patterns(
    levels: dict[str, np.ndarray], fields: list[str]
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Distinct comparison vectors, how many pairs have each, and each pair's vector index.

    EM on patterns weighted by their counts is exact and independent of the number of pairs
    (a few thousand patterns stand for millions of pairs).
    """
    if not fields or len(levels[fields[0]]) == 0:
        empty = {k: np.zeros(0, dtype=np.int64) for k in fields}
        return empty, np.zeros(0), np.zeros(0, dtype=np.int64)
    code = np.zeros(len(levels[fields[0]]), dtype=np.int64)
    for name in fields:
        code = code * 16 + levels[name]
    unique, inverse, counts = np.unique(code, return_inverse=True, return_counts=True)
    out: dict[str, np.ndarray] = {}
    rest = unique.copy()
    for name in reversed(fields):
        out[name] = rest % 16
        rest = rest // 16
    return out, counts.astype(float), inverse


def fit_model(
    levels: dict[str, np.ndarray],
    random_levels: dict[str, np.ndarray],
    n_levels: dict[str, int] | None = None,
    *,
    total_pairs: int | None = None,
    seed: int = 7,
    max_iterations: int = 200,
    tolerance: float = 1e-6,
) -> FSModel:
    """Fit ``u`` on random pairs, then ``m``, ``h`` and the class shares by EM.

    The class shares are shares of *all* ``total_pairs`` record pairs (the probability that
    two random records are one person, or one household), as ``u`` is: blocking selects
    candidates by their comparison vector only, so a candidate's posterior is computed with
    all-pairs priors. Fitting the shares over candidates instead would overrate agreement
    that blocking itself selected for (same name, same city), which at a million records
    merges namesakes. Without ``total_pairs`` the candidates are taken to be all pairs.
    """
    n_levels = n_levels or FIELD_LEVELS
    fields = list(n_levels)
    u = {
        k: _frequencies(random_levels[k], n, np.r_[0.0, np.full(n, 0.5)])
        for k, n in n_levels.items()
    }
    m = {k: _start(n, agree=True) for k, n in n_levels.items()}
    # Two people of one household share their home, not their person: given name, birth
    # date, e-mail and personal ids agree in h only by chance, as in u. Left free, EM lets
    # h absorb true matches that differ in one personal field (another e-mail address).
    h = {k: u[k] if k in _IDENTITY else _start(n, agree=True) for k, n in n_levels.items()}
    patterns, counts, _ = _patterns(levels, fields)
    candidates = max(counts.sum(), 1.0)
    total = float(max(total_pairs or 0, candidates))
    prior = np.array([0.5 * candidates / total, 0.2 * candidates / total, 0.0])
    prior[2] = 1.0 - prior[0] - prior[1]
    log_u = sum(np.log(u[k][patterns[k]]) for k in fields)
    iteration = 0
    while iteration < max_iterations and len(counts):
        iteration += 1
        logs = np.stack(
            [
                np.log(prior[0]) + sum(np.log(m[k][patterns[k]]) for k in fields),
                np.log(prior[1]) + sum(np.log(h[k][patterns[k]]) for k in fields),
                np.log(prior[2]) + log_u,
            ]
        )
        logs -= logs.max(axis=0)
        resp = np.exp(logs)
        resp /= resp.sum(axis=0)
        weighted = resp * counts
        new_prior = np.clip(weighted[:2].sum(axis=1) / total, 1e-12, 0.5)
        new_prior = np.r_[new_prior, 1.0 - new_prior.sum()]
        new_m = {k: _m_step(patterns[k], n, weighted[0]) for k, n in n_levels.items()}
        new_h = {
            k: u[k] if k in _IDENTITY else _m_step(patterns[k], n, weighted[1])
            for k, n in n_levels.items()
        }
        delta = max(
            float(np.abs(np.log(new_prior[:2]) - np.log(prior[:2])).max()),
            *(float(np.abs(new_m[k] - m[k]).max()) for k in fields),
        )
        m, h, prior = new_m, new_h, new_prior
        if delta < tolerance:
            break
    return FSModel(
        m=m,
        h=h,
        u=u,
        prior=(float(prior[0]), float(prior[1]), float(prior[2])),
        iterations=iteration,
    )


def match_probability(model: FSModel, levels: dict[str, np.ndarray]) -> np.ndarray:
    """The posterior probability that each pair is one person."""
    fields = list(model.m)
    patterns, _, inverse = _patterns(levels, fields)
    if len(inverse) == 0:
        return np.zeros(0)
    pm, ph, pu = model.prior
    logs = np.stack(
        [
            np.log(pm) + sum(np.log(model.m[k][patterns[k]]) for k in fields),
            np.log(ph) + sum(np.log(model.h[k][patterns[k]]) for k in fields),
            np.log(pu) + sum(np.log(model.u[k][patterns[k]]) for k in fields),
        ]
    )
    logs -= logs.max(axis=0)
    probs = np.exp(logs)
    return np.asarray((probs[0] / probs.sum(axis=0))[inverse], dtype=float)


def contributions(
    model: FSModel,
    levels: dict[str, np.ndarray],
    index: int,
    weights: dict[str, np.ndarray] | None = None,
) -> dict[str, object]:
    """Per-field evidence of one pair: level name and weight in bits (missing fields left out).

    Pass ``weights`` (``model.weights()``) when calling for many pairs.
    """
    weights = weights if weights is not None else model.weights()
    out: dict[str, object] = {}
    for name in model.m:
        level = int(levels[name][index])
        if level:
            out[name] = {
                "level": LEVEL_NAMES[name][level],
                "bits": round(float(weights[name][level]), 2),
            }
    return out


def evidence_texts(model: FSModel, levels: dict[str, np.ndarray]) -> list[str]:
    """The evidence of every pair as JSON text, computed once per distinct comparison vector."""
    fields = list(model.m)
    patterns, _, inverse = _patterns(levels, fields)
    weights = model.weights()
    texts = [
        json.dumps(contributions(model, patterns, i, weights), sort_keys=True)
        for i in range(len(patterns[fields[0]]) if fields else 0)
    ]
    return [texts[i] for i in inverse]
