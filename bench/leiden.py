"""Leiden in igraph (the community job's) against networkit's parallel Leiden: quality
against planted communities, and time, on the same graphs.

Run:  python bench/leiden.py [--planted 1000000] [--lfr 100000] [--seeds 3]

Issue 20 asks for networkit's ParallelLeiden on the one large node wherever its quality is
not below igraph's. This bench is the check. For each graph it runs
:func:`graph.influence.algorithms.detect_communities` (igraph, the product's settings and
its automatic resolution) and networkit's ``ParallelLeiden`` with the same resolution on
every core, and prints NMI against the planted communities, modularity (at resolution 1)
and seconds (each side's graph construction included). Graphs: this project's
planted-partition person graph (communities of 20-1000, mixing 0.3, ten links per person)
and LFR benchmark graphs (Lancichinetti, Fortunato & Radicchi 2008; networkit's
generator: power-law degrees 20-50, communities 20-100, mixing 0.4, 0.5 and 0.6), each
with several seeds. The planted communities are read only by the scorer.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import normalized_mutual_info_score  # noqa: E402

from graph.influence.algorithms import (  # noqa: E402
    CommunityParams,
    PersonGraph,
    detect_communities,
    effective_resolution,
)
from synthetic import planted_partition  # noqa: E402


def lfr_graph(n: int, mixing: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An LFR benchmark graph from networkit's generator: ``(src, dst, community)``."""
    import networkit as nk

    nk.engineering.setSeed(seed, False)
    generator = nk.generators.LFRGenerator(n)
    generator.generatePowerlawDegreeSequence(20, 50, -2)
    generator.generatePowerlawCommunitySizeSequence(20, 100, -1)
    generator.setMu(mixing)
    graph = generator.generate()
    edges = np.array(list(graph.iterEdges()), dtype=np.int64)
    return edges[:, 0], edges[:, 1], np.asarray(generator.getPartition().getVector())


def compare(src: np.ndarray, dst: np.ndarray, truth: np.ndarray, seed: int) -> dict[str, Any]:
    """Both engines on one graph: NMI, modularity and seconds for each."""
    import networkit as nk

    n = len(truth)
    g = PersonGraph(
        persons=np.arange(n).astype(str).astype(object),
        src=src,
        dst=dst,
        kind=np.full(len(src), "FRIENDS_WITH", dtype=object),
        weight=np.ones(len(src)),
    )
    params = CommunityParams(seed=seed)
    start = time.perf_counter()
    labels, modularity = detect_communities(g, params)
    igraph_s = time.perf_counter() - start
    resolution = effective_resolution(params, float(len(src)))
    # networkit: the same merged, weighted, undirected graph and resolution, every core
    nk.setNumberOfThreads(os.cpu_count() or 1)
    nk.engineering.setSeed(seed, False)
    start = time.perf_counter()
    a, b = np.minimum(src, dst), np.maximum(src, dst)
    pairs, counts = np.unique(a.astype(np.int64) * n + b, return_counts=True)
    graph = nk.GraphFromCoo(
        (counts.astype(np.float64), (pairs // n, pairs % n)), n=n, directed=False, weighted=True
    )
    leiden = nk.community.ParallelLeiden(graph, randomize=True, iterations=3, gamma=resolution)
    leiden.run()
    theirs = leiden.getPartition()
    networkit_s = time.perf_counter() - start
    their_labels = np.asarray(theirs.getVector())
    return {
        "nodes": n,
        "edges": len(pairs),
        "resolution": round(resolution, 3),
        "igraph_nmi": round(float(normalized_mutual_info_score(truth, labels)), 4),
        "networkit_nmi": round(float(normalized_mutual_info_score(truth, their_labels)), 4),
        "igraph_modularity": round(modularity, 4),
        "networkit_modularity": round(nk.community.Modularity().getQuality(theirs, graph), 4),
        "igraph_s": round(igraph_s, 2),
        "networkit_s": round(networkit_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--planted", type=int, action="append", help="persons (repeatable)")
    parser.add_argument("--lfr", type=int, default=100_000, help="LFR nodes (0: none)")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for n in args.planted or [100_000]:
        for seed in range(1, args.seeds + 1):
            src, dst, _, community = planted_partition(n, 10 * n, 0.3, seed)
            row = {"graph": "planted", "mixing": 0.3, "seed": seed}
            rows.append(row | compare(src, dst, community, seed))
            print(json.dumps(rows[-1]), flush=True)
    for mixing in (0.4, 0.5, 0.6) if args.lfr else ():
        for seed in range(1, args.seeds + 1):
            src, dst, community = lfr_graph(args.lfr, mixing, seed)
            row = {"graph": "LFR", "mixing": mixing, "seed": seed}
            rows.append(row | compare(src, dst, community, seed))
            print(json.dumps(rows[-1]), flush=True)
    worse = [r for r in rows if r["networkit_nmi"] < r["igraph_nmi"]]
    gap = max((r["igraph_nmi"] - r["networkit_nmi"] for r in rows), default=0.0)
    print(
        f"networkit's NMI below igraph's on {len(worse)} of {len(rows)} graphs "
        f"(largest gap {gap:.4f}); "
        f"time ratio networkit / igraph "
        f"{np.median([r['networkit_s'] / r['igraph_s'] for r in rows]):.2f} (median)"
    )


if __name__ == "__main__":
    main()
