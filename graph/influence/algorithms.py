"""Influence and community algorithms on the person graph: pure functions over arrays.

The person graph arrives as a :class:`PersonGraph` (persons, typed weighted edges); nothing
here touches a store. igraph does the heavy lifting; networkx cross-checks it in tests.

Edge directions follow who gains influence: ``A FOLLOWS B`` and ``A INTERACTS_WITH B``
raise B; ``A REFERRED B`` raises A (the referrer); friendships raise both.

Examples
--------
>>> import numpy as np
>>> g = PersonGraph(
...     persons=np.array(["a", "b", "c"], dtype=object),
...     src=np.array([0, 1, 2]), dst=np.array([1, 2, 1]),
...     kind=np.array(["FOLLOWS", "FOLLOWS", "FOLLOWS"], dtype=object),
...     weight=np.ones(3),
... )
>>> pr = pagerank(g, InfluenceParams())
>>> int(np.argmax(pr))  # b is followed by a and c
1
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from graph.errors import InputError

__all__ = [
    "CommunityParams",
    "InfluenceParams",
    "PersonGraph",
    "auto_resolution",
    "coreness",
    "detect_communities",
    "effective_resolution",
    "match_community_ids",
    "pagerank",
    "participation",
    "referral_tree",
    "undirected",
]


@dataclass(frozen=True, slots=True)
class PersonGraph:
    """Persons and their typed, weighted person-to-person edges (indices into ``persons``)."""

    persons: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    kind: np.ndarray
    weight: np.ndarray
    at: np.ndarray | None = None  # referral times, for choosing each person's first referrer

    def __len__(self) -> int:
        return len(self.persons)


@dataclass(frozen=True, slots=True)
class InfluenceParams:
    """Settings of the influence job.

    ``kind_weights`` scale each relationship kind in PageRank; ``damping`` is PageRank's;
    ``revenue_decay`` discounts referred revenue per level below the first; ``parts`` weigh
    the percentile ranks combined into the score; ``betweenness_samples`` (0 = off) turns
    on sampled betweenness; ``seed`` drives every random choice; ``as_of`` reads only the
    orders, referrals and links up to the end of that day (None: all of them).
    """

    kind_weights: dict[str, float] = field(
        default_factory=lambda: {
            "REFERRED": 3.0,
            "FOLLOWS": 1.0,
            "FRIENDS_WITH": 1.0,
            "INTERACTS_WITH": 0.5,
        }
    )
    damping: float = 0.85
    revenue_decay: float = 0.5
    parts: dict[str, float] = field(
        default_factory=lambda: {
            "pagerank": 0.4,
            "referral_reach": 0.25,
            "referred_revenue": 0.25,
            "coreness": 0.1,
        }
    )
    betweenness_samples: int = 0
    seed: int = 7
    as_of: date | None = None


@dataclass(frozen=True, slots=True)
class CommunityParams:
    """Settings of the community job: Leiden's objective and resolution, and the seed.

    ``resolution=None`` (the default) lets modularity's resolution follow the graph's size
    (:func:`auto_resolution`); CPM needs a resolution (the edge density a community must
    exceed). ``as_of`` reads only the orders, referrals, links and touchpoints up to the end
    of that day (None: all of them).

    >>> CommunityParams().resolution is None
    True
    """

    objective: str = "modularity"  # or "CPM"
    resolution: float | None = None
    iterations: int = 2  # igraph's default; -1 runs until stable (much slower on large graphs)
    seed: int = 7
    scale: float = 100_000.0  # total edge weight at which the automatic resolution leaves 1
    as_of: date | None = None

    def __post_init__(self) -> None:
        if self.objective not in ("modularity", "CPM"):
            raise InputError(f"unknown Leiden objective {self.objective!r}; use modularity or CPM")
        if self.objective == "CPM" and self.resolution is None:
            raise InputError(
                "the CPM objective needs a resolution (the edge density a community must "
                "exceed, e.g. 0.05); pass --resolution"
            )
        if self.resolution is not None and self.resolution <= 0:
            raise InputError("the resolution must be above 0")


def auto_resolution(total_weight: float, scale: float = 100_000.0) -> float:
    """Modularity's resolution for a graph of ``total_weight``: ``max(1, total_weight / scale)``.

    Modularity compares each community with a null model of the *whole* graph, so in a
    graph of total weight m, at resolution r, it cannot keep apart two communities whose
    total degrees are below about sqrt(2m/r) when any link joins them (the resolution limit,
    Fortunato & Barthélemy 2007): at resolution 1 a growing customer base merges ever larger
    groups of friends. Scaling r with m keeps that smallest visible community the same,
    sqrt(2 * scale), however big the graph: social groups are human-sized, whatever the
    number of customers. Graphs up to ``scale`` keep igraph's default of 1.

    >>> auto_resolution(40_000.0), auto_resolution(2_500_000.0)
    (1.0, 25.0)
    """
    return max(1.0, float(total_weight) / scale)


def effective_resolution(params: CommunityParams, total_weight: float) -> float:
    """The resolution a run uses: the one asked for, or modularity's automatic one.

    >>> effective_resolution(CommunityParams(resolution=2.0), 9e6)
    2.0
    >>> effective_resolution(CommunityParams(), 9e6)
    90.0
    """
    if params.resolution is not None:
        return float(params.resolution)
    return auto_resolution(total_weight, params.scale)


def _directed_edges(
    g: PersonGraph, params: InfluenceParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges pointing at whoever gains influence, weighted by kind."""
    masks = {kind: g.kind == kind for kind in {*params.kind_weights, "REFERRED", "FRIENDS_WITH"}}
    scale = np.zeros(len(g.kind))
    for kind, value in params.kind_weights.items():  # vectorised: one pass per kind
        scale[masks[kind]] = value
    w = g.weight * scale
    referred, friends = masks["REFERRED"], masks["FRIENDS_WITH"]
    src = np.where(referred, g.dst, g.src)
    dst = np.where(referred, g.src, g.dst)
    src = np.concatenate([src, g.dst[friends]])
    dst = np.concatenate([dst, g.src[friends]])
    w = np.concatenate([w, w[friends]])
    keep = w > 0
    if keep.all():  # the usual case: no copies
        return src, dst, w
    return src[keep], dst[keep], w[keep]


def pagerank(g: PersonGraph, params: InfluenceParams) -> np.ndarray:
    """Weighted PageRank (igraph, PRPACK) on the influence-directed graph."""

    src, dst, w = _directed_edges(g, params)
    graph = _graph(len(g), np.stack([src, dst], axis=1), directed=True)
    del src, dst
    values = graph.pagerank(
        damping=params.damping, weights=w.tolist() if len(w) else None, implementation="prpack"
    )
    return np.asarray(values, dtype=float)


def degrees(g: PersonGraph) -> tuple[np.ndarray, np.ndarray]:
    """In- and out-degree over every person-level edge (friendships counted both ways)."""
    friends = g.kind == "FRIENDS_WITH"
    n = len(g)
    out_deg = np.bincount(g.src, minlength=n) + np.bincount(g.dst[friends], minlength=n)
    in_deg = np.bincount(g.dst, minlength=n) + np.bincount(g.src[friends], minlength=n)
    return in_deg.astype(np.int64), out_deg.astype(np.int64)


def referral_tree(
    g: PersonGraph, revenue: np.ndarray, decay: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Reach, depth and referred revenue per person over the referral tree.

    The tree gives each person one parent: their first referrer (earliest referral, then the
    smallest person id). Reach counts descendants; depth is the longest chain below;
    referred revenue is the descendants' revenue, discounted by ``decay`` per level below
    the first. Cycles (A referred B referred A) are broken at the later referral.
    Returns ``(reach, depth, referred_revenue, parent)`` (parent -1 for roots).

    Array work: everyone's first referrer at once; only the persons whose first referrers
    lead into a cycle are walked one referral at a time (the cycle is broken where a walk
    of every referral in time order would break it: those persons' parents cannot lead back
    to anyone else); then the sums level by level from the deepest.
    """
    n = len(g)
    parent, ordered = _first_referrers(g)
    stuck = _in_cycles(parent)
    if stuck.any():
        parent[stuck] = -1
        for k in ordered[stuck[g.dst[ordered]]].tolist():
            child, par = int(g.dst[k]), int(g.src[k])
            if parent[child] == -1 and not _is_ancestor(parent, child, par):
                parent[child] = par
    reach = np.zeros(n, dtype=np.int64)
    depth = np.zeros(n, dtype=np.int64)
    referred = np.zeros(n, dtype=float)
    revenue = np.asarray(revenue, dtype=float)
    level = _levels(parent)
    nodes = np.flatnonzero(parent >= 0)
    # deepest level first; within a level ascending, so each person's children are summed
    # in the order of the person's children (the same floating-point result every time)
    nodes = nodes[np.lexsort((nodes, -level[nodes]))]
    for group in np.split(nodes, np.flatnonzero(np.diff(level[nodes])) + 1):
        up = parent[group]
        np.add.at(reach, up, 1 + reach[group])
        np.maximum.at(depth, up, 1 + depth[group])
        np.add.at(referred, up, revenue[group] + decay * referred[group])
    return reach, depth, referred, parent


def _first_referrers(g: PersonGraph) -> tuple[np.ndarray, np.ndarray]:
    """Each person's first referrer (earliest referral, then the smallest referrer id, then
    the projection's order; self-referrals left out), -1 for nobody, cycles kept; and the
    referrals' edge positions in that order."""
    import pandas as pd

    parent = np.full(len(g), -1, dtype=np.int64)
    ref = np.flatnonzero((g.kind == "REFERRED") & (g.src != g.dst))
    if not ref.size:
        return parent, ref
    at = g.at[ref] if g.at is not None else np.full(ref.size, None, dtype=object)
    keys = pd.DataFrame({"at": [str(a or "") for a in at], "by": g.persons[g.src[ref]]})
    ordered = ref[keys.sort_values(["at", "by"], kind="stable").index.to_numpy()]
    children, first = np.unique(g.dst[ordered], return_index=True)
    parent[children] = g.src[ordered[first]]
    return parent, ordered


def _in_cycles(parent: np.ndarray) -> np.ndarray:
    """Which persons' chains of parents never reach a root (they run into a cycle).

    >>> _in_cycles(np.array([-1, 0, 3, 2, 2])).tolist()
    [False, False, True, True, True]
    """
    ancestor = parent.copy()
    for _ in range(max(len(parent), 1).bit_length() + 1):  # 2^rounds > any chain
        has = np.flatnonzero(ancestor >= 0)
        if not has.size:
            break
        ancestor[has] = ancestor[ancestor[has]]
    return np.asarray(ancestor >= 0)


def _levels(parent: np.ndarray) -> np.ndarray:
    """Each person's distance from the root of its tree (``parent`` holds no cycle).

    >>> _levels(np.array([-1, 0, 1, 0])).tolist()
    [0, 1, 2, 1]
    """
    level = (parent >= 0).astype(np.int64)
    ancestor = parent.copy()
    while (has := np.flatnonzero(ancestor >= 0)).size:  # pointer doubling
        up = ancestor[has]
        level[has] = level[has] + level[up]
        ancestor[has] = ancestor[up]
    return level


def _referral_walk(
    g: PersonGraph, revenue: np.ndarray, decay: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`referral_tree` by walking every referral one at a time, in time order (the
    definition, kept to test the array version against)."""
    n = len(g)
    parent = np.full(n, -1, dtype=np.int64)
    ref = np.flatnonzero(g.kind == "REFERRED")
    if ref.size:
        at = g.at[ref] if g.at is not None else np.zeros(ref.size, dtype=object)
        keys = [(str(a or ""), str(g.persons[s])) for a, s in zip(at, g.src[ref], strict=True)]
        order = sorted(range(ref.size), key=lambda k: keys[k])
        for k in order:
            child, par = int(g.dst[ref[k]]), int(g.src[ref[k]])
            if parent[child] == -1 and child != par and not _is_ancestor(parent, child, par):
                parent[child] = par
    children: list[list[int]] = [[] for _ in range(n)]
    for node in np.flatnonzero(parent >= 0).tolist():
        children[int(parent[node])].append(node)
    reach = np.zeros(n, dtype=np.int64)
    depth = np.zeros(n, dtype=np.int64)
    referred = np.zeros(n, dtype=float)
    for node in _post_order(children, parent):
        for c in children[node]:
            reach[node] += 1 + reach[c]
            depth[node] = max(depth[node], 1 + depth[c])
            referred[node] += revenue[c] + decay * referred[c]
    return reach, depth, referred, parent


def _is_ancestor(parent: np.ndarray, node: int, candidate: int) -> bool:
    """Whether ``node`` is an ancestor of ``candidate`` (adding the edge would make a cycle)."""
    seen = 0
    while candidate != -1 and seen <= len(parent):
        if candidate == node:
            return True
        candidate = int(parent[candidate])
        seen += 1
    return False


def _post_order(children: list[list[int]], parent: np.ndarray) -> list[int]:
    order: list[int] = []
    for root in np.flatnonzero(parent == -1):
        stack = [(int(root), False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            stack.append((node, True))
            stack.extend((c, False) for c in children[node])
    return order


def undirected(g: PersonGraph) -> Any:
    """The undirected person graph (igraph) with parallel edges merged, weights summed and
    loops dropped; build it once and pass it to :func:`coreness`, :func:`betweenness` and
    :func:`detect_communities` (building one takes seconds at ten million edges)."""

    n = len(g)
    a, b = np.minimum(g.src, g.dst), np.maximum(g.src, g.dst)
    keep = a != b
    key = a[keep].astype(np.int64) * max(n, 1) + b[keep]
    pairs, inverse = np.unique(key, return_inverse=True)
    weight = np.bincount(inverse, weights=g.weight[keep].astype(float), minlength=len(pairs))
    edges = np.stack([pairs // max(n, 1), pairs % max(n, 1)], axis=1)
    graph = _graph(n, edges, directed=False)
    graph.es["weight"] = weight.tolist()
    return graph


def _graph(n: int, edges: np.ndarray, *, directed: bool) -> Any:
    """An igraph graph of ``n`` vertices and the ``(m, 2)`` integer ``edges``.

    ``add_edges`` on the NumPy array, not the constructor: at ten million edges it takes
    7.7 s where ``Graph(n, edges=array.tolist())`` takes 12 s and ``Graph(n, edges=array)``
    more (python-igraph 1.0, measured on this project's machine), for the same graph.

    >>> _graph(3, np.array([[0, 1], [1, 2]]), directed=False).get_edgelist()
    [(0, 1), (1, 2)]
    """
    import igraph as ig

    graph = ig.Graph(n=n, directed=directed)
    if len(edges):
        graph.add_edges(np.ascontiguousarray(edges, dtype=np.int64))
    return graph


def coreness(g: PersonGraph, graph: Any = None) -> np.ndarray:
    """k-core number of each person in the undirected person graph (``graph``: its
    :func:`undirected` form, if built already)."""
    graph = graph if graph is not None else undirected(g)
    return np.asarray(graph.coreness(), dtype=np.int64)


def betweenness(g: PersonGraph, samples: int, seed: int, graph: Any = None) -> np.ndarray:
    """Approximate betweenness from ``samples`` random source persons, scaled to all."""
    n = len(g)
    if samples <= 0 or n == 0:
        return np.zeros(n)
    graph = graph if graph is not None else undirected(g)
    rng = np.random.default_rng(seed)
    sources = rng.choice(n, size=min(samples, n), replace=False)
    values = graph.betweenness(sources=sources.tolist(), directed=False)
    return np.asarray(values, dtype=float) * (n / len(sources))


def percentile_rank(values: np.ndarray) -> np.ndarray:
    """Each value's share of values strictly below it, in [0, 1) (ties share a rank)."""
    if values.size == 0:
        return values.astype(float)
    order = np.sort(values)
    return np.searchsorted(order, values, side="left") / values.size


def detect_communities(
    g: PersonGraph, params: CommunityParams, graph: Any = None
) -> tuple[np.ndarray, float]:
    """Leiden communities (igraph) on the undirected weighted graph; labels and modularity
    (at resolution 1, whatever resolution Leiden ran at; see :func:`effective_resolution`)."""
    graph = graph if graph is not None else undirected(g)
    resolution = (  # the link weight is summed only when the resolution follows it
        params.resolution
        if params.resolution is not None
        else effective_resolution(params, float(np.sum(graph.es["weight"])) if len(g) else 0.0)
    )
    with igraph_seeded(params.seed):
        part = graph.community_leiden(
            objective_function=params.objective,
            weights="weight",
            resolution=resolution,
            n_iterations=params.iterations,
        )
    labels = np.asarray(part.membership, dtype=np.int64)
    quality = graph.modularity(labels.tolist(), weights="weight")
    return labels, float(quality)


#: One seeded igraph call at a time: igraph's generator is global to the process.
_IGRAPH_RNG = threading.Lock()


@contextmanager
def igraph_seeded(seed: int) -> Iterator[None]:
    """igraph draws its random numbers from ``random.Random(seed)`` inside the block, and
    from its default again after it (Python's ``random`` module; the module's own state is
    never touched). igraph has no way to read back a generator a caller installed, so one
    installed before is not restored: custgraph installs none of its own outside this block.
    Two threads' seeded calls do not interleave.

    >>> import igraph as ig
    >>> g = ig.Graph.Erdos_Renyi(n=60, m=150, loops=False)
    >>> with igraph_seeded(7):
    ...     a = g.community_leiden(objective_function="modularity").membership
    >>> with igraph_seeded(7):
    ...     b = g.community_leiden(objective_function="modularity").membership
    >>> a == b
    True
    """
    import random

    import igraph as ig

    with _IGRAPH_RNG:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)


def participation(g: PersonGraph, labels: np.ndarray) -> np.ndarray:
    """Participation coefficient: 1 - Σ_c (k_ic / k_i)², 0 when all links stay inside.

    A sparse person-by-community matrix of link weight (scipy sums the duplicates) gives
    k_ic; at ten million links that is 0.7 s where sorting (person, community) keys took 5 s.

    >>> g = PersonGraph(np.array(["a", "b", "c"], dtype=object), np.array([0, 0]),
    ...                 np.array([1, 2]), np.array(["FRIENDS_WITH"] * 2, dtype=object),
    ...                 np.ones(2))
    >>> participation(g, np.array([0, 0, 1])).tolist()
    [0.5, 0.0, 0.0]
    """
    import scipy.sparse as sp

    n = len(g)
    if n == 0 or len(g.src) == 0:
        return np.zeros(n)
    src = np.concatenate([g.src, g.dst])
    dst = np.concatenate([g.dst, g.src])
    w = np.concatenate([g.weight, g.weight]).astype(float)
    per = sp.csr_matrix((w, (src, labels[dst])), shape=(n, int(labels.max()) + 1))
    total = np.asarray(per.sum(axis=1)).ravel()
    squares = np.asarray(per.multiply(per).sum(axis=1)).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(total > 0, 1.0 - squares / np.maximum(total, 1e-12) ** 2, 0.0)
    return np.asarray(out, dtype=float)


def match_community_ids(
    labels: np.ndarray, persons: np.ndarray, previous: dict[str, str], issued: set[str]
) -> list[str]:
    """A stable id per new community: the previous community it overlaps most keeps its id
    (largest overlaps first, each old id once); others get new ids ``C1``, ``C2``, … above
    every id issued before."""
    k = int(labels.max()) + 1 if labels.size else 0
    overlaps: dict[tuple[int, str], int] = {}
    for label, person in zip(labels, persons, strict=True):
        old = previous.get(person)
        if old is not None:
            overlaps[(int(label), old)] = overlaps.get((int(label), old), 0) + 1
    ids: list[str | None] = [None] * k
    used: set[str] = set()
    for (label, old), _count in sorted(overlaps.items(), key=lambda x: (-x[1], x[0])):
        if ids[label] is None and old not in used:
            ids[label] = old
            used.add(old)
    taken = [int(i[1:]) for i in issued | used if i[1:].isdigit()]
    next_id = max(taken, default=0) + 1
    sizes = np.bincount(labels, minlength=k)
    for label in sorted(range(k), key=lambda x: (-sizes[x], x)):
        if ids[label] is None:
            ids[label] = f"C{next_id}"
            next_id += 1
    return [i or "" for i in ids]
