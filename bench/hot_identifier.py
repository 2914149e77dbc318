"""Records linked to one shared identifier (a junk e-mail) against distinct ones, on Neo4j.

Run:  scripts/neo4j start && eval "$(scripts/neo4j env)"
      python bench/hot_identifier.py [--records 30000]

The same number of records is linked to its identifiers with the load's own named writes,
once with a distinct e-mail each and once all to one e-mail (a dense node): the first link
(`load/identify_customers`), then a second load of the same records (its identifiers
cleared and linked again, 5,000 records per transaction as the loader writes). Prints the
seconds of each; a hot node that serialised the load would make the shared case slower.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.settings import Settings  # noqa: E402
from graph.store import Step, open_store  # noqa: E402

BATCH = 5_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=30_000)
    args = parser.parse_args()
    n = args.records
    keys: dict[str, Callable[[int], str]] = {
        "distinct": lambda i: f"email:u{i}@example.org",
        "shared": lambda i: "email:junk@example.org",
    }
    with open_store(Settings.from_env()) as store:
        if store.kind != "neo4j":
            raise SystemExit('set the Neo4j environment first: eval "$(scripts/neo4j env)"')
        store.ensure_schema()
        for case, key in keys.items():
            store.write("support/wipe")
            records = [
                {"uid": f"{case}:{i}", "source": case, "sourceCustomerId": str(i)} for i in range(n)
            ]
            links = [
                {"uid": r["uid"], "key": key(i), "kind": "email", "value": key(i)[6:]}
                for i, r in enumerate(records)
            ]
            store.write("load/merge_customers", records)
            t = time.perf_counter()
            store.write("load/identify_customers", links)
            first = time.perf_counter() - t
            t = time.perf_counter()
            for b in range(0, n, BATCH):
                store.write_tx(
                    [
                        Step(
                            "load/clear_customer_identifiers",
                            [{"uid": r["uid"]} for r in records[b : b + BATCH]],
                        ),
                        Step("load/identify_customers", links[b : b + BATCH]),
                    ]
                )
            again = time.perf_counter() - t
            print(f"{case:>8}: {n:,} records linked in {first:.2f} s, again in {again:.2f} s")
        store.write("support/wipe")


if __name__ == "__main__":
    main()
