"""Why two records are (not) one person: candidates or not, score, per-field evidence.

``explain_pair(store, "crm:1", "shop:9")`` reads the two records, the last full run's model
and the stored blocking keys, and returns a :class:`PairExplanation`: which identifiers and
blocking rules pair them (and which keys too many records share to be used), each field's
comparison level and its weight in bits, the match probability, whether the pair has
evidence about the person and not only their home, any reviewer's decision, and one
sentence saying what decided. It never returns the records' values.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.store import SqliteStore
>>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "e.db"); store.ensure_schema()
>>> explain_pair(store, "crm:1", "shop:9")
Traceback (most recent call last):
...
graph.errors.NotFoundError: record crm:1 is not in the store; load it first (custgraph load)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from graph.errors import JobError, NotFoundError
from graph.identity.features import record_features
from graph.identity.keys import KEY_LAYOUT, key_limits, raw_keys, record_keys, unpack
from graph.identity.resolve import IdentityParams, personal_evidence
from graph.identity.scoring import compare, contributions, match_probability
from graph.store.base import Store

__all__ = ["PairExplanation", "explain_pair"]


@dataclass(frozen=True, slots=True)
class PairExplanation:
    """What the resolver sees in one pair of records (no values, only levels and weights)."""

    a: str
    b: str
    person_a: str | None
    person_b: str | None
    shared_keys: list[str]  # identifier fields and blocking rules the two share
    too_common: list[str]  # of those, the ones too many records share to be used
    probability: float
    threshold: float
    personal: bool  # evidence about the person, not only their home
    evidence: dict[str, object] = field(default_factory=dict)  # field -> {level, bits}
    override: str | None = None  # a reviewer's decision on this pair

    @property
    def candidates(self) -> bool:
        """Whether blocking pairs the two (a usable shared key, or a must-link)."""
        return bool(set(self.shared_keys) - set(self.too_common)) or self.override == "must-link"

    @property
    def same_person(self) -> bool:
        """Whether the last run put the two in one person."""
        return self.person_a is not None and self.person_a == self.person_b

    def verdict(self) -> str:
        """One sentence: what decided."""
        if self.override is not None:
            return f"a reviewer's {self.override} decision on this pair decides"
        if not self.candidates:
            return self._not_candidates()
        if self.probability < self.threshold:
            return (
                f"candidates, but the match probability {self.probability:.4f} is below "
                f"the threshold {self.threshold}"
            )
        if not self.personal:
            return (
                "candidates scoring above the threshold, but with no evidence about the person "
                "(given name, birth date or a personal identifier): a household, not one person"
            )
        return (
            "a match: one person"
            if self.same_person
            else "a match, but clustering kept it out: a weak bridge between two groups, or "
            "a conflict with a reviewer's cannot-link elsewhere in the cluster"
        )

    def _not_candidates(self) -> str:
        if self.too_common:
            return (
                "not candidates: the keys they share are held by too many records to be "
                f"used ({', '.join(self.too_common)})"
            )
        return "not candidates: they share no identifier and no blocking key"


def explain_pair(
    store: Store, a: str, b: str, params: IdentityParams | None = None
) -> PairExplanation:
    """Explain how the last identity run saw the pair ``a``, ``b`` (``SOURCE:ID`` each)."""
    params = params or IdentityParams()
    records = store.frame("identity/records_of", uids=[a, b]).set_index("uid", drop=False)
    for uid in (a, b):
        if uid not in records.index:
            raise NotFoundError(f"record {uid} is not in the store; load it first (custgraph load)")
    from graph.identity.job import current_model

    model = current_model(store)
    if model is None:
        raise JobError(
            "no identity model of this version yet; run `custgraph analyze identity --full`"
        )
    f = record_features(records.loc[[a, b]].reset_index(drop=True))
    raw = raw_keys(f)
    shared = [
        name for name in KEY_LAYOUT if raw[name][0] is not None and raw[name][0] == raw[name][1]
    ]
    too_common = _too_common(store, record_keys(f, raw)[0], shared, params)
    blocked = {name: {str(raw[name][0])} for name in too_common if name in model.m}
    levels = compare(f, np.array([[0, 1]]), blocked)
    persons = {r["uid"]: r["personId"] for r in store.read("identity/assignments_of", uids=[a, b])}
    decisions = {
        frozenset((o["a"], o["b"])): o["decision"] for o in store.read("identity/overrides")
    }
    return PairExplanation(
        a=a,
        b=b,
        person_a=persons.get(a),
        person_b=persons.get(b),
        shared_keys=shared,
        too_common=too_common,
        probability=float(match_probability(model, levels)[0]),
        threshold=params.threshold,
        personal=bool(personal_evidence(levels)[0]),
        evidence=contributions(model, levels, 0),
        override=decisions.get(frozenset((a, b))),
    )


def _too_common(
    store: Store, keys: np.ndarray, shared: list[str], params: IdentityParams
) -> list[str]:
    """The shared keys more records hold, in the stored index, than a run may use."""
    if not shared:
        return []
    index = store.frame("identity/key_index")
    stored = unpack(index["keys"].tolist(), len(KEY_LAYOUT)) if len(index) else None
    limits = key_limits(params.max_block, params.max_identifier_share)
    out = []
    for name in shared:
        column = KEY_LAYOUT.index(name)
        held = int(np.count_nonzero(stored[:, column] == keys[column])) if stored is not None else 0
        if held > limits[column]:
            out.append(name)
    return out
