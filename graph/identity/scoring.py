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
import pandas as pd

from graph.identity.features import RecordFeatures

__all__ = [
    "FIELD_LEVELS",
    "LEVEL_NAMES",
    "TF_FIELDS",
    "FSModel",
    "code_fields",
    "compare",
    "contributions",
    "evidence_texts",
    "fit_model",
    "match_probability",
    "tf_adjustments",
]

#: Levels per field; level 0 is always "missing" (no evidence either way). Identifiers are
#: graded like every other field: a one-character typo or a swap of two neighbouring
#: characters is a level of its own, and a different value weighs against a merge by what
#: EM learns, never as a veto.
LEVEL_NAMES: dict[str, tuple[str, ...]] = {
    "given": ("missing", "exact", "nickname", "one typo", "close", "similar", "different"),
    "family": ("missing", "exact", "one typo", "close", "similar", "different"),
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


class _Column:
    """One field of every record: its strings, and integer codes (``-1`` where missing) so
    that presence and equality of a pair are two array look-ups, not Python comparisons.

    ``blocked`` values (over-shared identifiers) count as missing.
    """

    __slots__ = ("codes", "values")

    def __init__(self, values: np.ndarray, blocked: set[str] | None = None) -> None:
        if blocked:
            values = values.copy()
            values[pd.Series(values, dtype=object).isin(blocked).to_numpy()] = None
        self.values = values
        self.codes = pd.factorize(values, use_na_sentinel=True)[0]

    def both(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return np.asarray((self.codes[i] >= 0) & (self.codes[j] >= 0))

    def equal(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return np.asarray((self.codes[i] >= 0) & (self.codes[i] == self.codes[j]))


def _pairwise(
    x: _Column,
    y: _Column,
    i: np.ndarray,
    j: np.ndarray,
    *,
    scorer: Any,
    where: np.ndarray,
    **kwargs: Any,
) -> np.ndarray:
    """``scorer`` (a rapidfuzz metric) of ``x[i]`` and ``y[j]`` where ``where`` holds, else 0."""
    from rapidfuzz.process import cpdist

    out = np.zeros(len(i))
    if where.any():
        out[where] = cpdist(
            x.values[i[where]].tolist(),
            y.values[j[where]].tolist(),
            scorer=scorer,
            workers=-1,
            **kwargs,
        )
    return out


def _one_typo(
    x: _Column, y: _Column, i: np.ndarray, j: np.ndarray, unequal: np.ndarray
) -> np.ndarray:
    """One edit or one swap of neighbours apart (Damerau-Levenshtein 1), among ``unequal``
    pairs (both present and different)."""
    from rapidfuzz.distance import DamerauLevenshtein

    distance = _pairwise(
        x, y, i, j, scorer=DamerauLevenshtein.distance, where=unequal, score_cutoff=2
    )
    return np.asarray(unequal & (distance == 1))


def _exact_level(c: _Column, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """missing / exact / different."""
    return np.select([~c.both(i, j), c.equal(i, j)], [0, 1], 2)


def _typo_level(c: _Column, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """missing / exact / one typo / different."""
    both, equal = c.both(i, j), c.equal(i, j)
    return np.select([~both, equal, _one_typo(c, c, i, j, both & ~equal)], [0, 1, 2], 3)


def _email_levels(c: _Column, digits: _Column, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """missing / exact / one typo / different, where a typo is a slip in the letters: two
    addresses whose numbers differ (``ann.lee1@…`` and ``ann.lee2@…``) are two people's.
    Measured on 1M generated records, where namesakes' addresses differ by one digit, the
    plain one-edit level merged 370 pairs of namesakes."""
    levels = _typo_level(c, i, j)
    same_digits = digits.codes[i] == digits.codes[j]
    return np.where((levels == 2) & ~same_digits, 3, levels)


def _name_levels(
    x: _Column, y: _Column, i: np.ndarray, j: np.ndarray, *, nicknames: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Levels of ``x[i]`` against ``y[j]`` (exact, [nickname,] one typo, JW >= 0.92,
    JW >= 0.8, different) and their similarity. ``x`` and ``y`` share codes when they are
    the same column; across columns (a swapped reading) equality is by value."""
    from rapidfuzz.distance import JaroWinkler

    both = np.asarray((x.codes[i] >= 0) & (y.codes[j] >= 0))
    same_column = x is y  # shared codes; across columns (a swapped reading) compare values
    exact = x.equal(i, j) if same_column else both & np.asarray(x.values[i] == y.values[j])
    sim = _pairwise(x, y, i, j, scorer=JaroWinkler.normalized_similarity, where=both & ~exact)
    conditions = [exact]
    if nicknames:
        conditions.append(_nicknames(x.values[i], y.values[j], both & ~exact))
    conditions += [_one_typo(x, y, i, j, both & ~exact), sim >= 0.92, sim >= 0.8]
    levels = np.select(conditions, list(range(1, len(conditions) + 1)), len(conditions) + 1)
    levels = np.where(both, levels, 0)
    return levels, np.where(both, np.where(exact, 1.0, sim), 0.0)


def _nicknames(a: np.ndarray, b: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Whether the two given names share a nickname group (Bob and Robert)."""
    from graph.identity.names import nickname_groups

    out = np.zeros(len(a), dtype=bool)
    for k in np.flatnonzero(where):
        groups = nickname_groups(a[k])
        out[k] = bool(groups and groups & nickname_groups(b[k]))
    return out


def _dob_levels(c: _Column, parts: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """missing / exact / one typo / day and month swapped / partial / different.

    ``parts`` holds each record's year, month and day as integers (0 where missing).
    ``partial`` is the same year with the same month or the same day, or the same month and
    day one year apart.
    """
    both, equal = c.both(i, j), c.equal(i, j)
    typo = _one_typo(c, c, i, j, both & ~equal)
    year, month, day = (parts[i, k] for k in range(3))
    year2, month2, day2 = (parts[j, k] for k in range(3))
    same_year = year == year2
    swapped = same_year & (month == day2) & (day == month2)
    near = (np.abs(year - year2) == 1) & (month == month2) & (day == day2)
    partial = (same_year & ((month == month2) | (day == day2))) | near
    return np.select([~both, equal, typo, swapped, partial], [0, 1, 2, 3, 4], 5)


def _date_parts(values: np.ndarray) -> np.ndarray:
    """Year, month and day of ISO dates as an ``n x 3`` integer array (0 where missing)."""
    text = pd.Series(values, dtype="string[pyarrow]")
    out = np.zeros((len(values), 3), dtype=np.int64)
    for k, (start, stop) in enumerate(((0, 4), (5, 7), (8, 10))):
        number = pd.to_numeric(text.str.slice(start, stop), errors="coerce")
        out[:, k] = number.fillna(0).to_numpy(dtype=np.int64)
    return out


#: Pairs compared at a time: the temporaries of a chunk (strings, similarities) stay small.
COMPARE_CHUNK = 500_000


def _strings(series: pd.Series) -> np.ndarray:
    """A string column as an object array with ``None`` where a value is missing."""
    return np.asarray(series.astype(object).where(series.notna(), None), dtype=object)


class _Fields:
    """Every compared field of the records, coded once for all pairs and chunks."""

    def __init__(self, f: RecordFeatures, blocked: dict[str, set[str]]) -> None:
        self.given = _Column(f.given)
        self.family = _Column(f.family)
        self.dob = _Column(f.dob)
        self.dob_parts = _date_parts(f.dob)
        self.ids = {n: _Column(getattr(f, n), blocked.get(n)) for n in _IDENTIFIERS}
        emails = self.ids["email"].values
        self.email_digits = _Column(
            _strings(pd.Series(emails, dtype="string[pyarrow]").str.replace(r"\D", "", regex=True))
        )
        phones = self.ids["phone"].values
        self.phone_tail = _Column(
            _strings(pd.Series(phones, dtype="string[pyarrow]").str.slice(-7))
        )
        self.postcode = _Column(f.postcode)
        self.street = _Column(f.street)
        self.city = _Column(f.city)


_IDENTIFIERS = ("email", "phone", "national", "device", "loyalty")


def code_fields(f: RecordFeatures, blocked: dict[str, set[str]] | None = None) -> _Fields:
    """The records' compared fields, coded once (see :func:`compare`)."""
    return _Fields(f, blocked or {})


def compare(
    f: RecordFeatures,
    pairs: np.ndarray,
    blocked: dict[str, set[str]] | None = None,
    *,
    coded: _Fields | None = None,
) -> dict[str, np.ndarray]:
    """The comparison level of every field for every pair (``pairs`` is ``k x 2``).

    Identifier values in ``blocked`` (over-shared ones) count as missing. Each field is
    coded once per record (pass ``coded``, from :func:`code_fields`, to compare several
    sets of pairs of the same records); pairs are compared in chunks of
    :data:`COMPARE_CHUNK`, so memory grows with the levels kept, not with the temporaries
    of all pairs at once.
    """
    fields = coded if coded is not None else _Fields(f, blocked or {})
    parts = [
        _compare(fields, pairs[start : start + COMPARE_CHUNK])
        for start in range(0, max(len(pairs), 1), COMPARE_CHUNK)
    ]
    if len(parts) == 1:
        return parts[0]
    return {k: np.concatenate([p[k] for p in parts]) for k in LEVEL_NAMES}


def _names(c: _Fields, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
    """Given and family levels in the better of the two readings.

    Names are read swapped (given against family) only when both swapped parts agree
    closely (Jaro-Winkler >= 0.9): "Carter Jean" and "Juan Carter" share a family name, not
    a person. A swap is not a field of its own: it is only seen when both crossed names
    agree, so its weight would count that agreement a second time (measured: 14.5 bits
    learnt, precision 0.980 at 100k generated records; docs/identity.md).
    """
    g_straight, gs = _name_levels(c.given, c.given, i, j, nicknames=True)
    s_straight, ss = _name_levels(c.family, c.family, i, j, nicknames=False)
    g_swapped, gw = _name_levels(c.given, c.family, i, j, nicknames=True)
    s_swapped, sw = _name_levels(c.family, c.given, i, j, nicknames=False)
    swap = ((gw + sw) > (gs + ss) + 0.1) & (np.minimum(gw, sw) >= 0.9)
    return {
        "given": np.where(swap, g_swapped, g_straight),
        "family": np.where(swap, s_swapped, s_straight),
    }


def _compare(c: _Fields, pairs: np.ndarray) -> dict[str, np.ndarray]:
    from rapidfuzz.distance import JaroWinkler

    i, j = pairs[:, 0], pairs[:, 1]
    levels = _names(c, i, j)
    levels["dob"] = _dob_levels(c.dob, c.dob_parts, i, j)
    for name in ("national", "device", "loyalty"):
        levels[name] = _typo_level(c.ids[name], i, j)
    levels["email"] = _email_levels(c.ids["email"], c.email_digits, i, j)
    phone = c.ids["phone"]
    both, equal = phone.both(i, j), phone.equal(i, j)
    levels["phone"] = np.select(
        [~both, equal, _one_typo(phone, phone, i, j, both & ~equal), c.phone_tail.equal(i, j)],
        [0, 1, 2, 3],
        4,
    )
    levels["postcode"] = _typo_level(c.postcode, i, j)
    both, equal = c.street.both(i, j), c.street.equal(i, j)
    close = _pairwise(
        c.street, c.street, i, j, scorer=JaroWinkler.normalized_similarity, where=both & ~equal
    )
    levels["street"] = np.select([~both, equal, close >= 0.9], [0, 1, 2], 3)
    levels["city"] = _exact_level(c.city, i, j)
    # one byte per level: at a million records the levels of ~6M pairs are kept whole
    return {k: levels[k].astype(np.int8) for k in LEVEL_NAMES}


def _frequencies(levels: np.ndarray, n_levels: int, prior: np.ndarray) -> np.ndarray:
    counts = np.bincount(levels, minlength=n_levels + 1).astype(float)[: n_levels + 1]
    counts[0] = 0.0
    probs = np.asarray((counts + prior) / (counts[1:].sum() + prior[1:].sum()), dtype=float)
    probs[0] = 1.0
    return probs


_IDENTITY = ("given", "dob", "email", "national", "device", "loyalty")


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
    levels: dict[str, np.ndarray], fields: list[str], weights: np.ndarray | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Distinct comparison vectors, how many pairs have each, and each pair's vector index.

    EM on patterns weighted by their counts is exact and independent of the number of pairs
    (a few thousand patterns stand for millions of pairs). ``weights`` says how many pairs
    each row of ``levels`` stands for (rows counted elsewhere, e.g. by Spark).
    """
    if not fields or len(levels[fields[0]]) == 0:
        empty = {k: np.zeros(0, dtype=np.int64) for k in fields}
        return empty, np.zeros(0), np.zeros(0, dtype=np.int64)
    code = np.zeros(len(levels[fields[0]]), dtype=np.int64)
    for name in fields:
        code = code * 16 + levels[name].astype(np.int64)
    unique, inverse, counts = np.unique(code, return_inverse=True, return_counts=True)
    if weights is not None:
        counts = np.bincount(inverse, weights=weights, minlength=len(unique))
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
    counts: np.ndarray | None = None,
) -> FSModel:
    """Fit ``u`` on random pairs, then ``m``, ``h`` and the class shares by EM.

    ``counts``, when given, says how many candidate pairs each row of ``levels`` stands
    for: distinct comparison vectors counted elsewhere (the Spark engine) fit exactly the
    model their pairs would.

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
    patterns, counts, _ = _patterns(levels, fields, counts)
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


def match_probability(
    model: FSModel, levels: dict[str, np.ndarray], adjust: np.ndarray | None = None
) -> np.ndarray:
    """The posterior probability that each pair is one person.

    ``adjust`` (``k x 3``, natural logs) is added to each pair's log-likelihood under the
    three classes (term-frequency adjustments, :func:`tf_adjustments`).
    """
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
    )[:, inverse]
    if adjust is not None:
        logs = logs + adjust.T
    logs -= logs.max(axis=0)
    probs = np.exp(logs)
    return np.asarray(probs[0] / probs.sum(axis=0), dtype=float)


#: Fields whose exact agreement is weighed by how common the shared value is.
TF_FIELDS = ("given", "family")


def tf_adjustments(
    model: FSModel, f: RecordFeatures, pairs: np.ndarray, levels: dict[str, np.ndarray]
) -> np.ndarray:
    """Per pair and class, how much rarer (or commoner) the shared name is than average.

    For an exact agreement on a name, the chance that two people agree on *that* value is
    the value's frequency among records, not the average ``u``: a shared rare family name
    says more than a shared "Smith" (Splink's term-frequency adjustment). The unrelated
    class gets ``log(tf(value) / u_exact)``; the household class too for the given name
    (households share a family name whatever its frequency). Returns ``k x 3`` logs.
    """

    out = np.zeros((len(pairs), 3))
    for name in TF_FIELDS:
        values = getattr(f, name)
        counts = pd.Series(values[pd.notna(values)]).value_counts(normalize=True)
        exact = levels[name] == 1
        if not exact.any():
            continue
        shared = values[pairs[exact, 0]]
        tf = counts.reindex(shared).to_numpy(dtype=float)
        delta = np.log(np.maximum(tf, 1e-9)) - np.log(model.u[name][1])
        out[exact, 2] += delta
        if name == "given":
            out[exact, 1] += delta
    return out


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
