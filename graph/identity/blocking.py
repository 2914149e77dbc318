"""Candidate pairs: records that share a strong identifier or a blocking key.

Work grows with the sum of squared block sizes, so blocks above ``max_block`` records are
left out and reported; identifier values shared by more than ``max_identifier_share``
records (``test@test.com``) are not used for linking at all, and are reported.

Examples
--------
>>> import numpy as np
>>> keys = np.array(["a", "a", None, "b", "a"], dtype=object)
>>> pairs_within_blocks(keys, max_block=10)
array([[0, 1],
       [0, 4],
       [1, 4]])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graph.identity.features import IDENTIFIER_FIELDS, RecordFeatures

__all__ = ["BLOCKING_RULES", "BlockingReport", "candidate_pairs", "pairs_within_blocks"]


def _text(values: np.ndarray) -> pd.Series:
    """Object values as a pandas string column (``None`` → ``<NA>``, which propagates)."""
    return pd.Series(values, dtype="string[pyarrow]")


def _keys(column: pd.Series) -> np.ndarray:
    """A string column as an object array with ``None`` where a key is missing or empty."""
    present = column.notna() & (column != "")
    return np.asarray(column.astype(object).where(present, None), dtype=object)


def _join(*parts: np.ndarray) -> np.ndarray:
    """``a|b|…`` per record, missing where any part is missing."""
    joined = _text(parts[0])
    for part in parts[1:]:
        joined = joined + "|" + _text(part)
    return _keys(joined)


def _prefix(values: np.ndarray, n: int) -> np.ndarray:
    return _keys(_text(values).str.slice(0, n))


def _sorted_names(f: RecordFeatures, n: int = 3) -> np.ndarray:
    """Both names' first ``n`` letters in sorted order: the same key in either name order."""
    given, family = _text(f.given).str.slice(0, n), _text(f.family).str.slice(0, n)
    swap = (given > family).fillna(False).astype(bool)
    low, high = given.where(~swap, family), family.where(~swap, given)
    return _keys(low + "|" + high)


def _house_number(f: RecordFeatures) -> np.ndarray:
    """The first number in the street line (``12 high st`` → ``12``)."""
    return _keys(_text(f.street).str.extract(r"(\d+)", expand=False))


def _half(values: np.ndarray, *, last: bool) -> np.ndarray:
    """The first (or last) half of an identifier: one typo leaves the other half intact."""
    out = np.empty(len(values), dtype=object)
    out[:] = [
        (v[-(len(v) // 2) :] if last else v[: len(v) // 2]) if v and len(v) >= 6 else None
        for v in values
    ]
    return out


def _year(values: np.ndarray) -> np.ndarray:
    return _prefix(values, 4)


#: Fuzzy blocking rules: each a key per record; records sharing a key become candidates.
#: Together they still pair two records of one person when any single field (or a
#: field of each kind: a name, a date, an address part, an identifier) is misspelt or
#: missing: names in either order, identifier halves, house numbers with the postcode.
BLOCKING_RULES: dict[str, Callable[[RecordFeatures], np.ndarray]] = {
    "family+dob": lambda f: _join(f.family, f.dob),
    "given+dob": lambda f: _join(f.given, f.dob),
    "names+dob": lambda f: _join(_sorted_names(f), f.dob),
    "names+postcode": lambda f: _join(_sorted_names(f), f.postcode),
    "names+city": lambda f: _join(_sorted_names(f, 4), f.city),
    "dob+postcode": lambda f: _join(f.dob, f.postcode),
    "dob+number": lambda f: _join(f.dob, _house_number(f)),
    "postcode+number": lambda f: _join(f.postcode, _house_number(f)),
    "family+postcode": lambda f: _join(f.family, f.postcode),
    "email_local": lambda f: f.email_local,
    "family+street": lambda f: _join(_prefix(f.family, 4), _prefix(f.street, 8)),
    "national_head+year": lambda f: _join(_half(f.national, last=False), _year(f.dob)),
    "national_tail+year": lambda f: _join(_half(f.national, last=True), _year(f.dob)),
    "phone_tail+given": lambda f: _join(_prefix(f.given, 2), _half(f.phone, last=True)),
}


@dataclass(slots=True)
class BlockingReport:
    """What blocking did: pairs per rule, values left out for being shared too widely."""

    pairs_by_rule: dict[str, int] = field(default_factory=dict)
    oversized_blocks: dict[str, int] = field(default_factory=dict)
    overshared: dict[str, list[str]] = field(default_factory=dict)
    candidate_pairs: int = 0


def _blocks(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each present key's record, block code and block size, and the blocks' keys (one
    hashing pass over the column)."""
    present = np.flatnonzero(pd.notna(keys))
    codes, uniques = pd.factorize(keys[present])
    sizes = np.bincount(codes, minlength=len(uniques))
    return present, codes, sizes, np.asarray(uniques, dtype=object)


def _pairs(present: np.ndarray, codes: np.ndarray, *, max_block: int) -> np.ndarray:
    """All pairs ``(i, j)``, ``i < j``, of records ``present`` with equal ``codes``, in blocks
    of at most ``max_block``."""
    if present.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    idx, codes = present[order], codes[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sizes = np.diff(np.r_[starts, codes.size])
    chunks = []
    for size in np.unique(sizes):
        if size < 2 or size > max_block:
            continue
        groups = idx[starts[sizes == size][:, None] + np.arange(size)]
        a, b = np.triu_indices(size, k=1)
        chunks.append(np.stack([groups[:, a].ravel(), groups[:, b].ravel()], axis=1))
    if not chunks:
        return np.empty((0, 2), dtype=np.int64)
    return np.concatenate(chunks).astype(np.int64)


def pairs_within_blocks(keys: np.ndarray, *, max_block: int) -> np.ndarray:
    """All pairs ``(i, j)``, ``i < j``, of records with equal keys, in blocks ≤ ``max_block``."""
    present, codes, _, _ = _blocks(keys)
    return _pairs(present, codes, max_block=max_block)


def candidate_pairs(
    f: RecordFeatures,
    *,
    max_block: int = 200,
    max_identifier_share: int = 20,
    too_common: Mapping[str, np.ndarray] | None = None,
    raw: Mapping[str, np.ndarray] | None = None,
) -> tuple[np.ndarray, BlockingReport, dict[str, set[str]]]:
    """Candidate pairs (sorted, unique) with the report and the over-shared identifier values.

    ``too_common`` marks, per identifier field or rule, the records whose key is shared by
    too many records *in the whole store* (an incremental run blocks a subset of records,
    whose own counts would be too small to tell). ``raw`` holds each rule's keys if they
    were computed already (``graph.identity.keys.raw_keys``).
    """
    report = BlockingReport()
    blocked: dict[str, set[str]] = {}
    chunks = []
    common = too_common or {}
    for name in IDENTIFIER_FIELDS:
        values = getattr(f, name)
        present, codes, sizes, uniques = _blocks(values)
        bad = set(uniques[sizes > max_identifier_share].tolist())
        if name in common:
            bad |= {v for v in values[common[name]].tolist() if v is not None}
        blocked[name] = bad
        if bad:
            report.overshared[name] = sorted(bad)[:20]
            usable = ~pd.Series(uniques, dtype=object).isin(bad).to_numpy()
            keep = usable[codes]
            present, codes = present[keep], codes[keep]
        pairs = _pairs(present, codes, max_block=max_identifier_share)
        report.pairs_by_rule[name] = len(pairs)
        chunks.append(pairs)
    for name, rule in BLOCKING_RULES.items():
        keys = raw[name] if raw is not None else rule(f)
        if name in common and common[name].any():
            report.oversized_blocks[name] = len(set(keys[common[name]].tolist()))
            keys = keys.copy()
            keys[common[name]] = None
        present, codes, sizes, _ = _blocks(keys)
        too_big = int((sizes > max_block).sum())
        if too_big:
            report.oversized_blocks[name] = report.oversized_blocks.get(name, 0) + too_big
        pairs = _pairs(present, codes, max_block=max_block)
        report.pairs_by_rule[name] = len(pairs)
        chunks.append(pairs)
    pairs = np.concatenate(chunks) if chunks else np.empty((0, 2), dtype=np.int64)
    n = max(len(f), 1)
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    out = np.stack([codes // n, codes % n], axis=1)
    report.candidate_pairs = len(out)
    return out, report, blocked
