"""The planted-partition model: a person graph with known communities, without a dataset
(the algorithm tests and benchmarks use it)."""

from __future__ import annotations

import numpy as np

from synthetic.generator import assign_communities

__all__ = ["planted_partition"]


def planted_partition(
    n: int, m: int, mixing: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A person graph with planted communities, as arrays: ``(src, dst, kind, community)``.

    ``n`` persons in communities of 20-1000 (the generator's Pareto sizes), ``m`` links
    drawn from a uniform random person, each leaving its community with probability
    ``mixing``; duplicate and self links dropped; ``kind`` is 0-3 (referred, friends,
    interacts, follows: 5/35/40/20 %). For benchmarks and tests that need a graph without a
    dataset.

    >>> src, dst, kind, community = planted_partition(1_000, 5_000, 0.3, seed=1)
    >>> len(community), bool((src != dst).all()), int(kind.max()) <= 3
    (1000, True, True)
    """
    rng = np.random.default_rng(seed)
    community = assign_communities(rng, n)
    sizes = np.bincount(community)
    members = np.argsort(community, kind="stable")
    start = np.r_[0, np.cumsum(sizes)[:-1]]
    src = rng.integers(0, n, m)
    c = community[src]
    inside = members[start[c] + (rng.random(m) * sizes[c]).astype(np.int64)]
    dst = np.where(rng.random(m) < mixing, rng.integers(0, n, m), inside)
    keep = src != dst
    pairs = np.unique(np.stack([src[keep], dst[keep]], axis=1), axis=0)
    kind = rng.choice(4, size=len(pairs), p=[0.05, 0.35, 0.4, 0.2])
    return pairs[:, 0], pairs[:, 1], kind, community
