"""Influence + communities benchmark: a planted person graph, timed step by step, against
igraph called directly on the same arrays.

Run:  python bench/influence.py [--persons 1000000] [--edges 10000000]

Builds a planted-partition person graph (communities of 20-1000 persons, mixing 0.3) in a
fresh embedded store through named queries, then times projection, the influence and
community computations, and write-back, as `custgraph analyze all` runs them (one
projection for both jobs; the job steps are printed from the recorded runs). It also times igraph's
PageRank and Leiden called directly on the same arrays, and prints the ratio. NMI of the
communities against the planted ones is printed too.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.influence import CommunityParams, InfluenceParams  # noqa: E402
from graph.influence.algorithms import (  # noqa: E402
    _directed_edges,
    effective_resolution,
    pagerank,
)
from graph.influence.job import project, run_communities, run_influence  # noqa: E402
from graph.model import RelType  # noqa: E402
from graph.pipeline import JobsParams, JobsResult, run_jobs  # noqa: E402
from graph.store import SqliteStore  # noqa: E402
from synthetic import planted_partition  # noqa: E402


def populate(
    store: SqliteStore, n: int, src: np.ndarray, dst: np.ndarray, kind: np.ndarray
) -> None:
    ids = [f"P{i:09d}" for i in range(n)]
    store.write(
        "identity/upsert_persons",
        rows=[
            {"personId": p, "size": 1, "run": "bench", "at": "2026-01-01T00:00:00Z"} for p in ids
        ],
    )
    names = [RelType.REFERRED, RelType.FOLLOWS, RelType.FRIENDS_WITH, RelType.INTERACTS_WITH]
    for k, rel in enumerate(names):
        sel = np.flatnonzero(kind == k)
        if rel is RelType.REFERRED:
            store.write(
                "support/add_person_referrals",
                rows=[
                    {"src": ids[a], "dst": ids[b], "count": 1, "at": "2025-01-01T00:00:00Z"}
                    for a, b in zip(src[sel].tolist(), dst[sel].tolist(), strict=True)
                ],
            )
        else:
            store.write(
                "support/add_person_social",
                slots={"rel": rel},
                rows=[
                    {"src": ids[a], "dst": ids[b], "count": 1, "weight": 1.0}
                    for a, b in zip(src[sel].tolist(), dst[sel].tolist(), strict=True)
                ],
            )


def peak_rss_mib() -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        return next(int(line.split()[1]) // 1024 for line in handle if line.startswith("VmHWM"))


def _jobs(db: Path, seed: int, ahead: bool) -> dict[str, object]:
    """Influence, then communities on the same projection: seconds, and the peak RSS of this
    process and of its children. ``ahead``: through the pipeline, as `custgraph analyze all`
    runs them (Leiden in a worker process from the moment the graph is built); else one job
    after the other in this process (the baseline)."""
    store = SqliteStore(db, batch_size=20_000)
    influence, communities = InfluenceParams(seed=seed), CommunityParams(seed=seed)
    seconds: dict[str, float] = {}
    started = [time.perf_counter()]

    def done(job: str, _: JobsResult | None = None) -> None:
        seconds[job] = time.perf_counter() - started[-1]
        started.append(time.perf_counter())

    if ahead:
        jobs = JobsParams(
            jobs=("influence", "communities"), influence=influence, communities=communities
        )
        run_jobs(store, jobs, done=done)
    else:
        result = run_influence(store, influence)
        done("influence")
        run_communities(store, communities, projection=result.projection)
        done("communities")
    store.close()
    return {
        "influence_job_s": round(seconds["influence"], 1),
        "communities_job_s": round(seconds["communities"], 1),
        "both_jobs_s": round(seconds["influence"] + seconds["communities"], 1),
        "peak_rss_mib": peak_rss_mib(),
        # the Leiden worker, forked from this process: its resident pages include the ones
        # it still shares with this process (the graph), so the two do not add up
        "worker_peak_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep the populated store here; a second run with the same sizes and seed "
        "reuses it and times the jobs only",
    )
    args = parser.parse_args()
    src, dst, kind, community = planted_partition(args.persons, args.edges, 0.3, args.seed)
    out: dict[str, object] = {"persons": args.persons, "edges": len(src)}
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.workdir or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        kept = tmp / f"populated-{args.persons}-{args.edges}-{args.seed}.db"
        if kept.exists():  # a kept store: a copy, so every run starts from the same one
            shutil.copyfile(kept, Path(tmp) / "b.db")
        else:
            (Path(tmp) / "b.db").unlink(missing_ok=True)
            store = SqliteStore(Path(tmp) / "b.db", batch_size=20_000)
            store.ensure_schema()
            t = time.perf_counter()
            populate(store, args.persons, src, dst, kind)
            out["populate_s"] = round(time.perf_counter() - t, 1)
            store.close()
            if args.workdir:
                shutil.copyfile(Path(tmp) / "b.db", kept)
        # the jobs in a process of their own (one projection serves both), so the peak RSS
        # is theirs and not the populating's: first one after the other (the baseline, on
        # a copy of the store), then as `custgraph analyze all` runs them
        shutil.copyfile(Path(tmp) / "b.db", Path(tmp) / "base.db")
        runs = {}
        for name, db, ahead in [("one_after_the_other", "base.db", False), ("ahead", "b.db", True)]:
            with multiprocessing.get_context("spawn").Pool(1) as pool:
                runs[name] = pool.apply(_jobs, (Path(tmp) / db, args.seed, ahead))
        out["jobs"] = runs
        base, ahead_s = runs["one_after_the_other"]["both_jobs_s"], runs["ahead"]["both_jobs_s"]
        out["ahead_vs_one_after_the_other"] = round(float(ahead_s) / float(base), 3)  # type: ignore[arg-type]
        store = SqliteStore(Path(tmp) / "base.db")
        base_found = {
            r["person_id"]: r["community_id"] for r in store.read("influence/communities")
        }
        store.close()
        store = SqliteStore(Path(tmp) / "b.db")
        g = project(store).graph
        out["job_steps"] = {r["job"]: r["timings"] for r in store.read("status/last_runs")}
        found = {r["person_id"]: r["community_id"] for r in store.read("influence/communities")}
        top = store.read("influence/influencers")[0]["person_id"]
        store.close()
        out["same_communities_both_ways"] = found == base_found
    # igraph directly on the same arrays, with the same settings: build the graph, call the
    # algorithm (what the jobs' algorithm functions do), against our functions.
    import igraph as ig

    params = InfluenceParams(seed=args.seed)
    cparams = CommunityParams(seed=args.seed)
    s, d, w = _directed_edges(g, params)
    t = time.perf_counter()
    graph = ig.Graph(n=len(g), directed=True)  # the fastest construction we know of
    graph.add_edges(np.stack([s, d], axis=1))
    graph.pagerank(damping=params.damping, weights=w.tolist(), implementation="prpack")
    direct_pr = time.perf_counter() - t
    t = time.perf_counter()
    pagerank(g, params)
    ours_pr_s = time.perf_counter() - t
    # the resolution the job uses (the default follows the link weight), given as a number
    resolution = effective_resolution(cparams, float(g.weight[g.src != g.dst].sum()))
    out["resolution"] = round(resolution, 3)
    t = time.perf_counter()
    und = ig.Graph(n=len(g), directed=False)
    und.add_edges(np.stack([g.src, g.dst], axis=1))
    und.es["weight"] = g.weight.tolist()
    und.simplify(combine_edges={"weight": "sum"})
    ig.set_random_number_generator(random.Random(args.seed))
    und.community_leiden(
        objective_function=cparams.objective,
        weights="weight",
        resolution=resolution,
        n_iterations=cparams.iterations,
    )
    direct_leiden = time.perf_counter() - t
    from graph.influence.algorithms import detect_communities

    t = time.perf_counter()
    detect_communities(g, cparams)
    ours_leiden = time.perf_counter() - t
    out["pagerank_ours_s"], out["pagerank_igraph_s"] = round(ours_pr_s, 2), round(direct_pr, 2)
    out["leiden_ours_s"], out["leiden_igraph_s"] = round(ours_leiden, 2), round(direct_leiden, 2)
    out["pagerank_ratio"] = round(ours_pr_s / direct_pr, 2)
    out["leiden_ratio"] = round(ours_leiden / direct_leiden, 2)
    from sklearn.metrics import normalized_mutual_info_score

    persons = [f"P{i:09d}" for i in range(args.persons)]
    out["nmi_vs_planted"] = round(
        normalized_mutual_info_score(community.tolist(), [found[p] for p in persons]), 4
    )
    out["top_person"] = str(top)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
