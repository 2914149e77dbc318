"""Hashed blocking keys per record: what an incremental run looks new records up by.

Every record gets one 64-bit key per identifier field and per fuzzy blocking rule, in the
fixed order of :data:`KEY_LAYOUT` (0 where the record has no value). A full run stores them
with each record's resolution (``RESOLVES_TO.keys``, 8 bytes per key); an incremental run
rebuilds the index from them in one read and finds which existing records share a key
with a new or changed record, and how many records share each key (so a key that is too
common is left out exactly as a full run leaves it out).

Examples
--------
>>> import pandas as pd
>>> from graph.identity.features import record_features
>>> f = record_features(pd.DataFrame([
...     {"uid": "a:1", "firstName": "Ann", "lastName": "Lee", "email": "ann@x.com"},
...     {"uid": "b:2", "firstName": "Ann", "lastName": "Lee", "email": "ann@x.com"},
...     {"uid": "c:3", "firstName": "Bo", "lastName": "Chan", "email": None}]))
>>> keys = record_keys(f)
>>> keys.shape == (3, len(KEY_LAYOUT))
True
>>> email = KEY_LAYOUT.index("email")
>>> bool(keys[0, email] == keys[1, email] != 0), int(keys[2, email])
(True, 0)
>>> bool((unpack(pack(keys), len(KEY_LAYOUT)) == keys).all())
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from graph.identity.blocking import BLOCKING_RULES
from graph.identity.features import IDENTIFIER_FIELDS, RecordFeatures

__all__ = [
    "KEY_LAYOUT",
    "hash_column",
    "key_limits",
    "pack",
    "raw_keys",
    "record_keys",
    "rule_keys",
    "unpack",
]

#: The key columns, in storage order: identifiers first, then the fuzzy blocking rules.
KEY_LAYOUT: tuple[str, ...] = (*IDENTIFIER_FIELDS, *BLOCKING_RULES)


def _hash_key(name: str) -> str:
    """A 16-character hash key per column, so equal strings of two rules never collide."""
    return hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:16]


def rule_keys(f: RecordFeatures, name: str) -> np.ndarray:
    """The raw (string) key of one layout column per record, ``None`` where missing."""
    if name in IDENTIFIER_FIELDS:
        values: np.ndarray = getattr(f, name)
        return values
    return BLOCKING_RULES[name](f)


def hash_column(values: np.ndarray, name: str) -> np.ndarray:
    """64-bit hashes of one column's string keys (0 where the key is missing)."""
    present = pd.notna(values)
    out = np.zeros(len(values), dtype=np.int64)
    if present.any():
        hashed = pd.util.hash_array(
            values[present].astype(str).astype(object), hash_key=_hash_key(name)
        )
        out[present] = hashed.view(np.int64)
        out[present & (out == 0)] = 1  # 0 means "missing"
    return out


def raw_keys(f: RecordFeatures) -> dict[str, np.ndarray]:
    """The string keys of every layout column (blocking pairs records on these)."""
    return {name: rule_keys(f, name) for name in KEY_LAYOUT}


def record_keys(f: RecordFeatures, raw: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
    """An ``(n, len(KEY_LAYOUT))`` int64 array of hashed keys (0 = missing); ``raw`` are
    the string keys if they were computed already."""
    raw = raw if raw is not None else raw_keys(f)
    keys = np.zeros((len(f), len(KEY_LAYOUT)), dtype=np.int64)
    for column, name in enumerate(KEY_LAYOUT):
        keys[:, column] = hash_column(raw[name], name)
    return keys


def pack(keys: np.ndarray) -> list[bytes]:
    """One little-endian byte string per record (what the store keeps)."""
    rows = np.ascontiguousarray(keys, dtype="<i8")
    return [row.tobytes() for row in rows]


def unpack(blobs: Sequence[bytes | None], width: int) -> np.ndarray:
    """The inverse of :func:`pack`; a record without stored keys gets a row of zeros."""
    size = 8 * width
    try:
        joined = b"".join(blobs)  # type: ignore[arg-type]  # None fails here, then below
    except TypeError:
        joined = b""
    if len(joined) != size * len(blobs):
        joined = b"".join(b if b is not None and len(b) == size else bytes(size) for b in blobs)
    return np.frombuffer(joined, dtype="<i8").astype(np.int64).reshape(-1, width)


def key_limits(max_block: int, max_identifier_share: int) -> np.ndarray:
    """The most records a key of each layout column may have and still be used."""
    return np.array(
        [max_identifier_share if name in IDENTIFIER_FIELDS else max_block for name in KEY_LAYOUT],
        dtype=np.int64,
    )
