"""The Spark engine's PageRank beside igraph (PRPACK) and networkx on public graphs.

Run (the Spark venv)::

    .venv-spark/bin/python bench/spark_pagerank.py

The graphs ship inside networkx (nobody here made them): Les Misérables' co-appearances
(weighted), Zachary's karate club and the Florentine families. Each is given to
:func:`spark.influence.pagerank` as custgraph's person graph gives it: an undirected tie as
``FRIENDS_WITH`` (both ways), or as ``FOLLOWS`` from the smaller name to the larger (one
way, so that some persons are sinks and their rank is spread as dangling rank). The same
arcs go to igraph's PRPACK (the in-process engine) and to networkx's power method at
tolerance 1e-14. Printed per graph: nodes, arcs, the Spark rounds and seconds, and the
largest relative difference of each from igraph. Nothing is tuned: the engine's defaults.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import igraph as ig  # noqa: E402
import networkx as nx  # noqa: E402
import pandas as pd  # noqa: E402

from graph.influence import InfluenceParams  # noqa: E402
from spark.influence import pagerank  # noqa: E402
from spark.session import spark_session  # noqa: E402

GRAPHS = {
    "les_miserables, both ways (weighted)": (nx.les_miserables_graph, "FRIENDS_WITH"),
    "les_miserables, one way (sinks)": (nx.les_miserables_graph, "FOLLOWS"),
    "karate_club, both ways": (nx.karate_club_graph, "FRIENDS_WITH"),
    "florentine_families, one way (sinks)": (nx.florentine_families_graph, "FOLLOWS"),
}


def main() -> None:
    with spark_session(conf={"spark.sql.shuffle.partitions": "2"}) as spark:
        for name, (make, kind) in GRAPHS.items():
            g = make()
            nodes = sorted(str(n) for n in g.nodes)
            rows = []
            for u, v, data in g.edges(data=True):
                a, b = sorted((str(u), str(v)))
                rows.append((a, b, kind, float(data.get("weight", 1.0)), None))
            edges = spark.createDataFrame(
                rows, "src string, dst string, kind string, weight double, at string"
            )
            persons = spark.createDataFrame([(n,) for n in nodes], "person_id string")
            rounds: list[int] = []
            mark = time.perf_counter()
            ranks = pagerank(persons, edges, InfluenceParams(), rounds=rounds).toPandas()
            took = time.perf_counter() - mark
            s = ranks.set_index("person_id")["pagerank"].reindex(nodes)
            d = nx.DiGraph()
            d.add_nodes_from(nodes)
            for a, b, _, w, _ in rows:
                d.add_edge(a, b, weight=w)
                if kind == "FRIENDS_WITH":
                    d.add_edge(b, a, weight=w)
            h = ig.Graph.from_networkx(d)
            prpack = h.pagerank(weights="weight", damping=0.85, implementation="prpack")
            i = pd.Series(prpack, index=h.vs["_nx_name"]).reindex(nodes)
            x = pd.Series(
                nx.pagerank(d, alpha=0.85, weight="weight", tol=1e-14, max_iter=10_000)
            ).reindex(nodes)
            print(
                f"{name}: {len(nodes)} nodes, {d.number_of_edges()} arcs; Spark {rounds[0]} "
                f"rounds, {took:.1f} s; largest relative difference from igraph: Spark "
                f"{float(((s - i).abs() / i).max()):.1e}, networkx "
                f"{float(((x - i).abs() / i).max()):.1e}",
                flush=True,
            )


if __name__ == "__main__":
    main()
