"""Community quality on generated data: NMI against the planted communities, by resolution.

Run:  python bench/communities.py --customers 100000 [--resolution auto --resolution 1]

Generates a dataset (mixing 0.3 unless --mixing), loads it into a fresh embedded store,
resolves identities, projects the person graph once and runs Leiden (the community job's
function) at each resolution asked for, printing the number of communities, modularity
and NMI against truth/ (each resolved person's planted community, by its records' true
person), which no job reads.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import normalized_mutual_info_score  # noqa: E402

from graph.identity import IdentityParams  # noqa: E402
from graph.identity.job import run_identity  # noqa: E402
from graph.influence import CommunityParams  # noqa: E402
from graph.influence.algorithms import (  # noqa: E402
    detect_communities,
    effective_resolution,
)
from graph.influence.job import project  # noqa: E402
from graph.store import SqliteStore  # noqa: E402
from loaders import load_files  # noqa: E402
from synthetic import (  # noqa: E402
    GenerateParams,
    generate_dataset,
    planted_communities,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--mixing", type=float, default=0.3)
    parser.add_argument(
        "--resolution",
        action="append",
        help="a number, or auto (the job's default: max(1, total link weight / 100k))",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        generate_dataset(
            data, GenerateParams(customers=args.customers, seed=args.seed, mixing=args.mixing)
        )
        store = SqliteStore(Path(tmp) / "g.db")
        store.ensure_schema()
        load_files(store, [data], rejects_dir=Path(tmp) / "rej")
        run_identity(store, IdentityParams())
        frame = store.frame("identity/export")
        truth = planted_communities(
            data,
            (
                (f"{source}:{sid}", person)
                for source, sid, person in zip(
                    frame.source, frame.source_customer_id, frame.person_id, strict=True
                )
            ),
        )
        projection = project(store)
        g = projection.graph
        wanted = [truth[p] for p in g.persons]
        graph = projection.undirected()
        total = float(sum(graph.es["weight"]))
        for asked in args.resolution or ["auto"]:
            params = CommunityParams(resolution=None if asked == "auto" else float(asked))
            resolution = effective_resolution(params, total)
            labels, modularity = detect_communities(g, params, graph)
            print(
                json.dumps(
                    {
                        "customers": args.customers,
                        "persons": len(g),
                        "planted_communities": len(set(wanted)),
                        "link_weight": total,
                        "resolution": asked,
                        "resolution_used": round(resolution, 3),
                        "communities": len(set(labels.tolist())),
                        "modularity": round(modularity, 4),
                        "nmi": round(normalized_mutual_info_score(wanted, labels), 4),
                    }
                ),
                flush=True,
            )
        store.close()


if __name__ == "__main__":
    main()
