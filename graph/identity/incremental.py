"""Which records an incremental identity run must re-resolve, as pure functions.

After a load adds or changes records, only the persons those records can join (or leave)
need resolving again. :class:`KeyIndex` holds the hashed blocking keys of every record
(``graph.identity.keys``: the stored keys of resolved records, fresh ones for pending
records). Its :meth:`~KeyIndex.affected` finds the records that share a usable key with
a pending record; :func:`matched_candidates` scores those pairs with the last full run's
model and keeps the records a pending record would match; the *affected components* are
then every record of their persons, of the earlier persons of changed records, and the
pending records themselves (the runner asks the store for the members).

A key that was usable before and is shared by too many records now (a new
``test@test.com``) stops linking the records that shared it, so their persons are
affected too; :meth:`~KeyIndex.too_common` tells blocking which keys the whole store
shares too widely, so a subset is blocked exactly as a full run blocks everything.

Examples
--------
>>> import numpy as np
>>> index = KeyIndex(
...     index_uids=np.array(["a:1", "a:2", "b:1", "c:1"], dtype=object),
...     index_keys=np.array([[11, 0], [11, 0], [22, 5], [33, 5]]),  # 2 key columns
...     pending_uids=np.array(["n:1"], dtype=object),
...     pending_keys=np.array([[22, 0]]),
...     limits=np.array([20, 1]),
...     layout=("email", "family+dob"),
... )
>>> found = index.affected()
>>> found.candidates, found.pairs.tolist()  # the pairs that share a usable key
(['b:1'], [['b:1', 'n:1']])
>>> index.too_common(np.array([[22, 5]]))  # key 5 is held by 2 records, above its limit 1
{'family+dob': {5}}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graph.identity.features import IDENTIFIER_FIELDS, RecordFeatures, record_features
from graph.identity.keys import KEY_LAYOUT, hash_column
from graph.identity.resolve import IdentityParams, personal_evidence
from graph.identity.scoring import FSModel, compare, match_probability

__all__ = ["Affected", "KeyIndex", "matched_candidates"]


def _lookup(column: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted unique ``wanted``: how many entries of ``column`` equal each, and which
    entries of ``column`` are among them (one hashed pass over the column, which holds every
    record; the few hits are then placed by binary search).

    >>> _lookup(np.array([5, 3, 5, 9]), np.array([3, 5, 7]))
    (array([1, 2, 0]), array([ True,  True,  True, False]))
    """
    if not wanted.size:
        return np.zeros(0, dtype=np.int64), np.zeros(len(column), dtype=bool)
    hit = pd.Series(column, copy=False).isin(wanted).to_numpy()
    return np.bincount(np.searchsorted(wanted, column[hit]), minlength=wanted.size), hit


def _isin(values: np.ndarray, wanted: object) -> np.ndarray:
    """``np.isin`` for object arrays of strings, by hashing rather than sorting."""
    return np.array(pd.Series(values, dtype=object).isin(wanted), dtype=bool)  # type: ignore[arg-type]


@dataclass(slots=True)
class Affected:
    """What pending records may touch: records sharing a usable key with one of them
    (``candidates``, to be scored), and records whose persons are touched whatever the
    scores (``linked_before``: records a key newly too common no longer links).

    ``pairs`` are the candidate pairs (uids, smaller first) in which a pending record takes
    part: exactly the pairs a full run's blocking would make of them, since a key is used
    when no more records than its limit share it in the whole store.
    """

    candidates: list[str]
    linked_before: list[str] = field(default_factory=list)
    pairs: np.ndarray = field(default_factory=lambda: np.empty((0, 2), dtype=object))


class KeyIndex:
    """The blocking keys of every record as they are now: stored ones for resolved
    records, fresh ones for pending records (see the module docstring)."""

    def __init__(
        self,
        *,
        index_uids: np.ndarray,
        index_keys: np.ndarray,
        pending_uids: np.ndarray,
        pending_keys: np.ndarray,
        limits: np.ndarray,
        layout: Sequence[str] = KEY_LAYOUT,
    ) -> None:
        is_pending = _isin(index_uids, set(pending_uids.tolist()))
        self.layout = tuple(layout)
        self.limits = limits
        self.pending_keys = pending_keys
        self.old_keys = index_keys[is_pending]  # what changed records had
        if is_pending.any():  # changed records: their stored keys give way to fresh ones
            index_keys, index_uids = index_keys[~is_pending], index_uids[~is_pending]
        self.kept = len(index_uids)
        self.keys = np.concatenate([index_keys, pending_keys])
        self.uids = np.concatenate([index_uids, pending_uids])

    def affected(self) -> Affected:
        """Records sharing a usable key with a pending record, and records a key newly
        too common no longer links."""
        neighbours = np.zeros(len(self.uids), dtype=bool)
        newly_common = np.zeros(len(self.uids), dtype=bool)
        sharing: list[pd.DataFrame] = []  # (key, row) of every usable key a pending record has
        offset = 0
        for column in range(len(self.layout)):
            wanted = np.unique(self.pending_keys[:, column])
            wanted = wanted[wanted != 0]
            if not wanted.size:
                continue
            now, hit = _lookup(self.keys[:, column], wanted)
            added, _ = _lookup(self.pending_keys[:, column], wanted)
            removed, _ = _lookup(self.old_keys[:, column], wanted)
            before = now - added + removed
            limit = self.limits[column]
            usable = now <= limit
            lost = (now > limit) & (before <= limit)
            rows = np.flatnonzero(hit)
            position = np.searchsorted(wanted, self.keys[rows, column])
            ok = usable[position]
            neighbours[rows[ok]] = True
            newly_common[rows[lost[position]]] = True
            sharing.append(pd.DataFrame({"key": position[ok] + offset, "row": rows[ok]}))
            offset += wanted.size
        neighbours[self.kept :] = False
        newly_common[self.kept :] = False
        return Affected(
            candidates=sorted(self.uids[neighbours].tolist()),
            linked_before=sorted(self.uids[newly_common].tolist()),
            pairs=self._pairs(sharing),
        )

    def _pairs(self, sharing: list[pd.DataFrame]) -> np.ndarray:
        """The unique uid pairs of records sharing a usable key, one of them pending."""
        if not sharing:
            return np.empty((0, 2), dtype=object)
        rows = pd.concat(sharing, ignore_index=True)
        joined = rows[rows["row"] >= self.kept].merge(rows, on="key")
        a, b = joined["row_x"].to_numpy(), joined["row_y"].to_numpy()
        a, b = a[a != b], b[a != b]
        ua, ub = self.uids[a], self.uids[b]
        first = ua < ub
        pairs = np.stack([np.where(first, ua, ub), np.where(first, ub, ua)], axis=1)
        if not len(pairs):
            return np.empty((0, 2), dtype=object)
        unique = pd.DataFrame(pairs, columns=["a", "b"]).drop_duplicates()
        return unique.sort_values(["a", "b"]).to_numpy(dtype=object)

    def overshared(self, f: RecordFeatures) -> dict[str, set[str]]:
        """Per identifier field, the values of these records that too many records share
        in the whole store (they count as missing when records are compared)."""
        out: dict[str, set[str]] = {}
        for name in IDENTIFIER_FIELDS:
            if name not in self.layout:
                continue
            column = self.layout.index(name)
            values: np.ndarray = getattr(f, name)
            hashed = hash_column(values, name)
            present = np.unique(hashed[hashed != 0])
            common = present[_lookup(self.keys[:, column], present)[0] > self.limits[column]]
            if common.size:
                out[name] = set(values[np.isin(hashed, common)].tolist())
        return out

    def too_common(self, keys: np.ndarray) -> dict[str, set[int]]:
        """Per column, which of these keys too many records share in the whole store."""
        out: dict[str, set[int]] = {}
        for column, name in enumerate(self.layout):
            present = np.unique(keys[:, column])
            present = present[present != 0]
            common = present[_lookup(self.keys[:, column], present)[0] > self.limits[column]]
            if common.size:
                out[name] = set(common.tolist())
        return out


def matched_candidates(
    records: pd.DataFrame,
    pending: set[str],
    *,
    pairs: np.ndarray,
    index: KeyIndex,
    model: FSModel,
    params: IdentityParams,
) -> set[str]:
    """The candidates (``records`` not in ``pending``) that a pending record would match.

    Only accepted pairs join records, so a person whose records no pending record matches
    keeps its records, whatever keys they share: scoring the pending records' candidate
    ``pairs`` (uids, from :meth:`KeyIndex.affected`) with the stored model narrows the
    affected components to the persons a new record can join.
    """
    if not len(pairs):
        return set()
    f = record_features(records.reset_index(drop=True))
    position = pd.Index(f.uid)
    at = np.stack(
        [position.get_indexer(pairs[:, 0]), position.get_indexer(pairs[:, 1])], axis=1
    ).astype(np.int64)
    levels = compare(f, at, index.overshared(f))
    probs = match_probability(model, levels)
    accepted = (probs >= params.threshold) & personal_evidence(levels)
    return set(f.uid[at[accepted].ravel()].tolist()) - pending
