"""Identity resolution as one pure function: records in, person clusters out.

``resolve_identities(records, IdentityParams())`` does no I/O; ``graph.identity.job`` runs
it against a store.

Examples
--------
>>> import pandas as pd
>>> rows = [
...     {"uid": "crm:1", "firstName": "Ann", "lastName": "Lee", "email": "ann@x.com",
...      "birthDate": "1990-02-03", "phone": "+14155550132"},
...     {"uid": "shop:7", "fullName": "Ann Lee", "email": "ann@x.com",
...      "birthDate": "1990-02-03", "phone": "+14155550132"},
...     {"uid": "app:3", "firstName": "Bo", "lastName": "Chan", "email": "bo@y.com",
...      "birthDate": "1971-11-30"},
... ]
>>> result = resolve_identities(pd.DataFrame(rows), IdentityParams(random_pairs=500))
>>> result.labels.tolist()
[0, 0, 1]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from graph.identity.blocking import BlockingReport, candidate_pairs
from graph.identity.clustering import cluster
from graph.identity.features import RecordFeatures, record_features
from graph.identity.ids import LineageEvent, assign_ids
from graph.identity.keys import KEY_LAYOUT, raw_keys, record_keys
from graph.identity.scoring import (
    LEVEL_NAMES,
    FSModel,
    code_fields,
    compare,
    evidence_texts,
    fit_model,
    match_probability,
    tf_adjustments,
)

__all__ = [
    "PERSONAL_LEVELS",
    "IdentityParams",
    "IdentityResult",
    "block_records",
    "personal_evidence",
    "resolve_identities",
]


@dataclass(frozen=True, slots=True)
class IdentityParams:
    """Settings of a resolution run (every one has a sensible default; none is per-dataset).

    Parameters
    ----------
    threshold
        Match probability at or above which a pair is accepted.
    bridge_threshold
        A pair below this that alone joins two groups of records is cut.
    max_block
        Blocking keys shared by more records than this are not used (and reported).
    max_identifier_share
        Identifier values (e-mail, phone, …) shared by more records than this are treated
        as missing: they do not link anybody (and are reported).
    random_pairs
        Random record pairs used to estimate how often fields agree by chance.
    seed
        Seed of the random pairs.
    term_frequencies
        Weigh an exact name agreement by how common the name is (Splink's term-frequency
        adjustment). Off by default: measured on Febrl 1 and 2 it changed nothing; on
        generated data it raised precision by 0.0004 at 10k records and cut it from 0.9963
        to 0.9827 at 1M (docs/identity.md). A run with it is always a full run.
    """

    threshold: float = 0.9
    bridge_threshold: float = 0.99
    max_block: int = 200
    max_identifier_share: int = 20
    random_pairs: int = 200_000
    seed: int = 7
    term_frequencies: bool = False


@dataclass(slots=True)
class IdentityResult:
    """Clusters, ids, confidences, kept matches with evidence, lineage and a report."""

    uids: np.ndarray
    labels: np.ndarray
    person_ids: list[str]  # one per cluster label
    confidence: np.ndarray  # per record
    matches: list[dict[str, Any]]
    lineage: list[LineageEvent]
    model: FSModel
    blocking: BlockingReport
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    #: hashed blocking keys per record (``graph.identity.keys``), in ``uids`` order
    keys: np.ndarray = field(default_factory=lambda: np.zeros((0, len(KEY_LAYOUT)), np.int64))
    #: why a run resolved every record ("" for an incremental run)
    full_reason: str = ""

    def person_of(self) -> list[str]:
        """The person id of each record."""
        return [self.person_ids[label] for label in self.labels]


#: Levels that say something about the person rather than their home (``personal_evidence``).
PERSONAL_LEVELS: dict[str, tuple[str, ...]] = {
    "given": ("exact", "nickname", "one typo", "close"),
    "dob": ("exact", "one typo", "day and month swapped"),
    "email": ("exact", "one typo"),
    "national": ("exact", "one typo"),
    "device": ("exact", "one typo"),
    "loyalty": ("exact", "one typo"),
}


def personal_evidence(levels: dict[str, np.ndarray]) -> np.ndarray:
    """Pairs that agree on something about the person, not only about their home.

    Given name exact, a known nickname, one typo apart or within Jaro-Winkler 0.92 (either
    order); birth date exact, one typo apart or with day and month swapped; the same e-mail
    address, national id, device or loyalty card, or one typo apart (:data:`PERSONAL_LEVELS`).
    """
    out = np.zeros(len(levels["given"]), dtype=bool)
    for name, accepted in PERSONAL_LEVELS.items():
        codes = [LEVEL_NAMES[name].index(level) for level in accepted]
        out |= np.isin(levels[name], codes)
    return out


def _random_pairs(n: int, k: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, n, k)
    b = rng.integers(0, n, k)
    keep = a != b
    return np.stack([a[keep], b[keep]], axis=1)


def _index_pairs(uids: np.ndarray, pairs: list[tuple[str, str]]) -> np.ndarray:
    position = {u: i for i, u in enumerate(uids)}
    found = [(position[a], position[b]) for a, b in pairs if a in position and b in position]
    return np.array(found, dtype=np.int64).reshape(-1, 2)


def block_records(
    f: RecordFeatures,
    keys: np.ndarray,
    params: IdentityParams,
    too_common: Mapping[str, set[int]] | None,
    must_link: list[tuple[str, str]],
    *,
    raw: Mapping[str, np.ndarray] | None = None,
) -> tuple[np.ndarray, BlockingReport, dict[str, set[str]], np.ndarray]:
    """Candidate pairs (with the must-link pairs), the report, over-shared values, forced."""
    masks = {
        name: np.isin(keys[:, column], np.fromiter(too_common[name], np.int64))
        for column, name in enumerate(KEY_LAYOUT)
        if too_common and too_common.get(name)
    }
    pairs, report, blocked = candidate_pairs(
        f,
        max_block=params.max_block,
        max_identifier_share=params.max_identifier_share,
        too_common=masks,
        raw=raw,
    )
    forced = _index_pairs(f.uid, must_link)
    if len(forced):
        forced = np.sort(forced, axis=1)
        pairs = np.unique(np.concatenate([pairs, forced]), axis=0)
    return pairs, report, blocked, forced


def resolve_identities(
    records: pd.DataFrame,
    params: IdentityParams,
    *,
    previous: Mapping[str, str] | None = None,
    created: Mapping[str, str] | None = None,
    known_ids: set[str] | None = None,
    must_link: list[tuple[str, str]] | None = None,
    cannot_link: list[tuple[str, str]] | None = None,
    model: FSModel | None = None,
    too_common: Callable[[np.ndarray], Mapping[str, set[int]]] | None = None,
) -> IdentityResult:
    """Resolve ``records`` (one row per Customer, the ``identity/records`` columns).

    A full run fits the model on ``records``. An incremental run passes the last full run's
    ``model`` and ``too_common``, which tells for the records' hashed keys which ones too
    many records share in the whole store (``KeyIndex.too_common``); ``records`` are then
    the affected components only.
    """
    timings: dict[str, float] = {}
    with _timed(timings, "features"):
        f = record_features(records.reset_index(drop=True))
        raw = raw_keys(f)
        keys = record_keys(f, raw)
    n = len(f)
    with _timed(timings, "blocking"):
        pairs, report, blocked, forced = block_records(
            f,
            keys,
            params,
            too_common(keys) if too_common is not None else None,
            must_link or [],
            raw=raw,
        )
    del raw  # the string keys of every record: hundreds of MB at a million records
    with _timed(timings, "scoring"):
        model, levels, probs = _score(f, pairs, blocked, params, model)
    rule = np.full(len(pairs), "fellegi-sunter", dtype=object)
    if len(forced):
        forced_set = {tuple(p) for p in forced.tolist()}
        is_forced = np.array([tuple(p) in forced_set for p in pairs.tolist()], dtype=bool)
        probs = np.where(is_forced, 1.0, probs)
        rule[is_forced] = "must-link override"
    # Correlated fields (a shared phone, street, postcode and family name) say "same
    # household", not "same person": a pair also needs evidence about the person.
    personal = personal_evidence(levels)
    accepted = (probs >= params.threshold) & (personal | (rule != "fellegi-sunter"))
    with _timed(timings, "clustering"):
        labels, kept = cluster(
            n,
            pairs[accepted],
            probs[accepted],
            cannot_link=_index_pairs(f.uid, cannot_link or []),
            bridge_threshold=params.bridge_threshold,
        )
    chosen = np.flatnonzero(accepted)[kept]
    evidence = evidence_texts(model, {k: v[chosen] for k, v in levels.items()})
    matches = [
        {
            "src": f.uid[pairs[k][0]],
            "dst": f.uid[pairs[k][1]],
            "score": round(float(probs[k]), 6),
            "rule": str(rule[k]),
            "evidence": text,
        }
        for k, text in zip(chosen, evidence, strict=True)
    ]
    with _timed(timings, "ids"):
        person_ids, lineage = assign_ids(
            _clusters(f.uid, labels),
            previous=previous or {},
            created=created or {},
            known=known_ids or set(),
        )
    counts = {
        "records": n,
        "candidate_pairs": len(pairs),
        "accepted_pairs": int(accepted.sum()),
        "kept_pairs": len(chosen),
        "persons": len(person_ids),
        "overshared_values": sum(len(v) for v in blocked.values()),
        "em_iterations": model.iterations,
    }
    return IdentityResult(
        f.uid,
        labels,
        person_ids,
        _confidence(n, pairs[chosen], probs[chosen]),
        matches,
        lineage,
        model,
        report,
        counts,
        {k: round(v, 3) for k, v in timings.items()},
        keys,
    )


@contextmanager
def _timed(timings: dict[str, float], step: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[step] = time.perf_counter() - started


def _score(
    f: RecordFeatures,
    pairs: np.ndarray,
    blocked: dict[str, set[str]],
    params: IdentityParams,
    model: FSModel | None,
) -> tuple[FSModel, dict[str, np.ndarray], np.ndarray]:
    """Compare the candidate pairs, fit the model on them when none is given (a full run),
    and score them: the model, the per-field levels and the match probabilities."""
    n = len(f)
    coded = code_fields(f, blocked)
    levels = compare(f, pairs, coded=coded)
    if model is None:
        random_levels = compare(f, _random_pairs(n, params.random_pairs, params.seed), coded=coded)
        model = fit_model(levels, random_levels, total_pairs=n * (n - 1) // 2, seed=params.seed)
    adjust = tf_adjustments(model, f, pairs, levels) if params.term_frequencies else None
    probs = match_probability(model, levels, adjust) if len(pairs) else np.zeros(0)
    return model, levels, probs


def _confidence(n: int, pairs: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Each record's confidence: its best kept match's probability (1 for a record alone).

    >>> _confidence(3, np.array([[0, 1]]), np.array([0.9]))
    array([0.9, 0.9, 1. ])
    """
    best = np.zeros(n)
    for (a, b), p in zip(pairs.tolist(), probs.tolist(), strict=True):
        best[a] = max(best[a], p)
        best[b] = max(best[b], p)
    return np.where(best > 0, best, 1.0)


def _clusters(uids: np.ndarray, labels: np.ndarray) -> list[list[str]]:
    """The member uids of each cluster label 0..k-1, in record order."""
    members: dict[int, list[str]] = {}
    for uid, label in zip(uids, labels, strict=True):
        members.setdefault(int(label), []).append(uid)
    return [members[k] for k in range(len(members))]


def features_of(records: pd.DataFrame) -> RecordFeatures:
    """The comparison features (exposed for explanations and tests)."""
    return record_features(records.reset_index(drop=True))
