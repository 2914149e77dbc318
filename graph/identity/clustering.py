"""Clusters from accepted matches, with guards against over-merging.

1. Connected components (igraph) over accepted pairs.
2. A component that holds two different values of a *strong* identifier of one kind (two
   national ids), or a cannot-link pair, is rebuilt greedily: pairs are added strongest
   first and skipped when they would join conflicting records.
3. A weak bridge (a pair below ``bridge_threshold`` whose removal splits its cluster) between
   two parts of two or more records each is cut: one uncertain pair does not join two groups.

Examples
--------
>>> import numpy as np
>>> pairs = np.array([[0, 1], [1, 2], [3, 4]])
>>> probs = np.array([0.99, 0.97, 0.95])
>>> national = np.array(["A", None, "B", None, None], dtype=object)
>>> labels, kept = cluster(5, pairs, probs, conflict_keys=[national])
>>> labels.tolist(), kept.tolist()
([0, 0, 1, 2, 2], [True, False, True])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["cluster"]


class _Sets:
    """Union-find that tracks, per set, the strong identifier values it holds."""

    def __init__(self, n: int, keys: Sequence[np.ndarray]) -> None:
        self.parent = list(range(n))
        self.values: list[list[set[object]]] = [
            [{k[i]} if k[i] is not None else set() for k in keys] for i in range(n)
        ]

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def conflict(self, a: int, b: int) -> bool:
        va, vb = self.values[a], self.values[b]
        return any(x and y and x != y for x, y in zip(va, vb, strict=True))

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.conflict(ra, rb):
            return False
        self.parent[rb] = ra
        self.values[ra] = [x | y for x, y in zip(self.values[ra], self.values[rb], strict=True)]
        return True


def cluster(
    n: int,
    pairs: np.ndarray,
    probs: np.ndarray,
    *,
    conflict_keys: Sequence[np.ndarray] = (),
    cannot_link: np.ndarray | None = None,
    bridge_threshold: float = 0.99,
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels per record (0..k-1, by first member) and which pairs were kept."""
    import igraph as ig

    kept = np.ones(len(pairs), dtype=bool)
    graph = ig.Graph(n=n, edges=pairs.tolist())
    membership = np.asarray(graph.connected_components().membership)
    suspects = _conflicting_components(membership, conflict_keys, cannot_link)
    if suspects:
        kept &= _rebuild(
            n,
            pairs,
            probs=probs,
            membership=membership,
            suspects=suspects,
            keys=conflict_keys,
            cannot_link=cannot_link,
        )
    kept &= ~_weak_bridges(n, pairs, probs, kept, bridge_threshold)
    final = ig.Graph(n=n, edges=pairs[kept].tolist())
    labels = np.asarray(final.connected_components().membership)
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)  # numbered by first member
    return rank[inverse], kept


def _conflicting_components(
    membership: np.ndarray, keys: Sequence[np.ndarray], cannot_link: np.ndarray | None
) -> set[int]:
    suspects: set[int] = set()
    for values in keys:
        seen: dict[int, object] = {}
        for record in np.flatnonzero([v is not None for v in values]):
            comp = int(membership[record])
            if comp in seen and seen[comp] != values[record]:
                suspects.add(comp)
            seen.setdefault(comp, values[record])
    if cannot_link is not None:
        for a, b in cannot_link:
            if membership[a] == membership[b]:
                suspects.add(int(membership[a]))
    return suspects


def _rebuild(
    n: int,
    pairs: np.ndarray,
    *,
    probs: np.ndarray,
    membership: np.ndarray,
    suspects: set[int],
    keys: Sequence[np.ndarray],
    cannot_link: np.ndarray | None,
) -> np.ndarray:
    keep = np.ones(len(pairs), dtype=bool)
    in_suspect = np.isin(membership[pairs[:, 0]], list(suspects))
    extra_keys = list(keys)
    if cannot_link is not None and len(cannot_link):
        # each cannot-link pair becomes a private identifier the two records disagree on
        for k, (a, b) in enumerate(cannot_link):
            marks = np.empty(n, dtype=object)
            marks[a], marks[b] = f"cl{k}a", f"cl{k}b"
            extra_keys.append(marks)
    sets = _Sets(n, extra_keys)
    for index in np.flatnonzero(in_suspect)[np.argsort(-probs[in_suspect], kind="stable")]:
        a, b = pairs[index]
        keep[index] = sets.union(int(a), int(b))
    return keep


def _weak_bridges(
    n: int, pairs: np.ndarray, probs: np.ndarray, kept: np.ndarray, threshold: float
) -> np.ndarray:
    import igraph as ig

    cut = np.zeros(len(pairs), dtype=bool)
    live = np.flatnonzero(kept)
    if live.size == 0:
        return cut
    graph = ig.Graph(n=n, edges=pairs[live].tolist())
    degree = np.asarray(graph.degree())
    for edge in graph.bridges():
        index = live[edge]
        a, b = pairs[index]
        if probs[index] < threshold and degree[a] >= 2 and degree[b] >= 2:
            cut[index] = True
    return cut
