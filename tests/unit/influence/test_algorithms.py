"""Influence and community algorithms, cross-checked with networkx on small seeded graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from graph.errors import InputError
from graph.influence.algorithms import (
    CommunityParams,
    InfluenceParams,
    PersonGraph,
    _directed_edges,
    _in_cycles,
    _referral_walk,
    coreness,
    detect_communities,
    effective_resolution,
    match_community_ids,
    pagerank,
    participation,
    referral_tree,
    undirected,
)
from synthetic import planted_partition

KINDS = np.array(["FOLLOWS", "FRIENDS_WITH", "INTERACTS_WITH", "REFERRED"], dtype=object)


def random_graph(n: int, m: int, seed: int) -> PersonGraph:
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, m)
    dst = rng.integers(0, n, m)
    keep = src != dst
    pairs = np.unique(np.stack([src[keep], dst[keep]], axis=1), axis=0)
    kind = KINDS[rng.integers(0, 4, len(pairs))]
    return PersonGraph(
        persons=np.array([f"p{i:03d}" for i in range(n)], dtype=object),
        src=pairs[:, 0],
        dst=pairs[:, 1],
        kind=kind,
        weight=rng.uniform(0.5, 3.0, len(pairs)),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pagerank_matches_networkx_within_1e6(seed: int) -> None:
    g = random_graph(60, 300, seed)
    params = InfluenceParams()
    ours = pagerank(g, params)
    src, dst, w = _directed_edges(g, params)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(g)))
    for a, b, weight in zip(src, dst, w, strict=True):
        if graph.has_edge(a, b):
            graph[a][b]["weight"] += weight
        else:
            graph.add_edge(int(a), int(b), weight=float(weight))
    theirs = nx.pagerank(graph, alpha=params.damping, weight="weight", tol=1e-12, max_iter=1000)
    assert np.max(np.abs(ours - np.array([theirs[i] for i in range(len(g))]))) < 1e-9


def test_pagerank_hands_a_sinks_rank_to_everyone_as_networkx() -> None:
    # b and c follow a; a follows nobody (a sink), d is followed by nobody
    g = PersonGraph(
        np.array(list("abcd"), dtype=object),
        np.array([1, 2, 3]),
        np.array([0, 0, 1]),
        np.full(3, "FOLLOWS", dtype=object),
        np.array([1.0, 2.0, 1.0]),
    )
    ours = pagerank(g, InfluenceParams())
    graph = nx.DiGraph()
    graph.add_nodes_from(range(4))
    graph.add_weighted_edges_from([(1, 0, 1.0), (2, 0, 2.0), (3, 1, 1.0)])
    theirs = nx.pagerank(graph, alpha=0.85, weight="weight", tol=1e-14, max_iter=1000)
    assert ours.sum() == pytest.approx(1.0)
    assert ours.tolist() == pytest.approx([theirs[i] for i in range(4)], abs=1e-9)
    assert ours[3] > 0.15 / 4  # the sink's rank reaches even a person nobody points to


def test_referral_tree_reach_depth_and_decayed_revenue() -> None:
    # a -> b -> c, a -> d; e refers a later than f does (f is a's first referrer); c -> a is a
    # cycle and is broken at the later referral
    persons = np.array(list("abcdef"), dtype=object)
    src = np.array([0, 1, 0, 4, 5, 2])
    dst = np.array([1, 2, 3, 0, 0, 0])
    at = np.array(
        ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-01", "2024-01-06"],
        dtype=object,
    )
    g = PersonGraph(persons, src, dst, np.full(6, "REFERRED", dtype=object), np.ones(6), at)
    revenue = np.array([1.0, 10.0, 100.0, 1000.0, 0.0, 0.0])
    reach, depth, referred, parent = referral_tree(g, revenue, decay=0.5)
    assert parent.tolist() == [5, 0, 1, 0, -1, -1]
    assert reach.tolist() == [3, 1, 0, 0, 0, 4]
    assert depth.tolist() == [2, 1, 0, 0, 0, 3]
    assert referred[0] == pytest.approx(10 + 1000 + 0.5 * 100)  # b, d direct; c one level down
    assert referred[5] == pytest.approx(1 + 0.5 * (10 + 1000 + 0.5 * 100))


def test_coreness_matches_networkx() -> None:
    g = random_graph(80, 400, 5)
    graph = nx.Graph()
    graph.add_nodes_from(range(len(g)))
    graph.add_edges_from(zip(g.src.tolist(), g.dst.tolist(), strict=True))
    expected = nx.core_number(graph)
    assert coreness(g).tolist() == [expected[i] for i in range(len(g))]


def test_participation_is_zero_inside_and_half_across_two_equal_groups() -> None:
    persons = np.array(list("abcd"), dtype=object)
    g = PersonGraph(
        persons,
        np.array([0, 0, 2]),
        np.array([1, 2, 3]),
        np.full(3, "FRIENDS_WITH", dtype=object),
        np.ones(3),
    )
    values = participation(g, np.array([0, 0, 1, 1]))
    assert values.tolist() == pytest.approx([0.5, 0.0, 0.5, 0.0])


def test_leiden_is_at_least_as_good_as_networkx_louvain() -> None:
    graph = nx.planted_partition_graph(8, 25, 0.4, 0.02, seed=3)
    edges = np.array(list(graph.edges()))
    g = PersonGraph(
        np.array([str(i) for i in graph.nodes()], dtype=object),
        edges[:, 0],
        edges[:, 1],
        np.full(len(edges), "FRIENDS_WITH", dtype=object),
        np.ones(len(edges)),
    )
    labels, modularity = detect_communities(g, CommunityParams(seed=1))
    louvain = nx.community.louvain_communities(graph, seed=1)
    assert modularity >= nx.community.modularity(graph, louvain) - 1e-9
    assert len(set(labels.tolist())) == 8


def test_automatic_resolution_keeps_small_communities_apart_in_a_large_graph() -> None:
    # 30k persons in planted communities of 20-1000, ~290k links at mixing 0.3: at
    # resolution 1 modularity merges the small communities (its resolution limit)
    src, dst, kind, community = planted_partition(30_000, 300_000, 0.3, seed=5)
    g = PersonGraph(
        np.array([f"p{i}" for i in range(len(community))], dtype=object),
        src,
        dst,
        KINDS[kind],
        np.ones(len(src)),
    )
    graph = undirected(g)
    resolution = effective_resolution(CommunityParams(), float(np.sum(graph.es["weight"])))
    assert 2.5 < resolution < 3.2  # total weight / 100k
    auto, _ = detect_communities(g, CommunityParams(), graph)
    fixed, _ = detect_communities(g, CommunityParams(resolution=1.0), graph)
    assert normalized_mutual_info_score(community, auto) >= 0.97
    assert normalized_mutual_info_score(community, fixed) < 0.95


def test_a_small_graph_keeps_resolution_1_and_cpm_needs_one() -> None:
    assert effective_resolution(CommunityParams(), 99_999.0) == 1.0
    assert effective_resolution(CommunityParams(resolution=0.5), 5e6) == 0.5
    with pytest.raises(InputError, match="CPM objective needs a resolution"):
        CommunityParams(objective="CPM")
    with pytest.raises(InputError, match="unknown Leiden objective"):
        CommunityParams(objective="louvain")


def test_same_seed_same_communities() -> None:
    g = random_graph(120, 500, 9)
    a, _ = detect_communities(g, CommunityParams(seed=4))
    b, _ = detect_communities(g, CommunityParams(seed=4))
    assert a.tolist() == b.tolist()


def test_community_ids_follow_the_largest_overlap() -> None:
    persons = np.array(list("abcdef"), dtype=object)
    previous = {"a": "C1", "b": "C1", "c": "C1", "d": "C2", "e": "C2"}
    labels = np.array([1, 1, 0, 0, 0, 1])  # a, b, f together; c, d, e together
    ids = match_community_ids(labels, persons, previous, issued={"C1", "C2"})
    assert ids == ["C2", "C1"]  # label 0 overlaps C2 most (d, e); label 1 keeps C1 (a, b)
    new = match_community_ids(np.array([0, 0, 1, 1, 2, 2]), persons, previous, {"C1", "C2"})
    assert new[2] == "C3"


@pytest.mark.parametrize("cycles", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_referral_tree_by_levels_equals_the_walk(seed: int, cycles: bool) -> None:
    # many referrals per person, ties in time, self-referrals; without cycles times rise
    # with the referrer's number (first referrers form a forest); with them, referrals go
    # both ways and the first referrers of some persons lead into cycles
    rng = np.random.default_rng(seed)
    n, m = 400, 900
    src = rng.integers(0, n, m)
    dst = rng.integers(0, n, m)
    if not cycles:
        forward = src < dst
        src, dst = np.where(forward, src, dst), np.where(forward, dst, src)
    at = np.array([f"2024-01-{1 + s // 40:02d}" for s in src], dtype=object)
    if cycles:  # and one for certain: p000 and p001 referred each other before anyone
        src, dst = np.r_[src, 0, 1], np.r_[dst, 1, 0]
        at, m = np.concatenate([at, np.array(["2023", "2023"], dtype=object)]), m + 2
    persons = np.array([f"p{i:03d}" for i in range(n)], dtype=object)
    g = PersonGraph(persons, src, dst, np.full(m, "REFERRED", dtype=object), np.ones(m), at)
    revenue = rng.uniform(0, 100, n)
    first = np.full(n, -1)
    for k in sorted(range(m), key=lambda k: (at[k], persons[src[k]])):
        if first[dst[k]] == -1 and src[k] != dst[k]:
            first[dst[k]] = src[k]
    assert _in_cycles(first).any() == cycles  # the case this parameter is about
    levels = referral_tree(g, revenue, 0.5)
    walked = _referral_walk(g, revenue, 0.5)
    assert int(levels[1].max()) >= 3  # chains, not only stars
    for ours, theirs in zip(levels, walked, strict=True):
        assert ours.tolist() == theirs.tolist()  # bit for bit, sums in the same order
