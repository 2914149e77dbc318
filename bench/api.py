"""API benchmark: latency under a fixed request rate, from a load generator in a second
process on loopback, against `custgraph serve` (`--workers`, 2 by default) on a prepared store.

Run:
  python bench/api.py prepare --customers 160000 --db /tmp/cg-api.db   # ~100k persons
  python bench/api.py run --db /tmp/cg-api.db
  python bench/api.py prepare --customers 30000 --neo4j bolt://127.0.0.1:7687   # wipes it
  python bench/api.py run --neo4j bolt://127.0.0.1:7687

``run`` starts the server, then for each scenario sends requests at a fixed rate (open loop:
a request is due every 1/rate seconds whatever the previous ones did) from ``--clients``
concurrent connections, and prints p50/p90/p99/max latency, achieved rate and status codes:

- profile look-ups by person id at 300 requests/s;
- depth-2 neighborhoods (at most 200 nodes) at 100 requests/s;
- 500 concurrent connections at once (expect only 200s and 429s).

The baseline in the same run is ``/healthz`` at the same rate: the cost of HTTP itself.

The generator is aiohttp: ~0.2 ms of CPU per request against httpx's 3.5 to 4.3 ms with 50
connections, which capped httpx near 270 requests/s on this machine (docs/benchmarks.md).

Each line also gives the server's own p99, from the ``Server-Timing`` header of every answer
(arrival at the app to response headers), the p99 of its part spent waiting for a worker
thread, and how long requests queued in the generator
(p99 of the time a request left minus the time it was due: waiting for one of the
``--clients`` connections, or for the generator's event loop). The latency is measured from
when a request left; on a 2-core machine the generator competes with the server for the
cores, and what is neither the server's time nor queueing is the loopback, uvicorn's parsing
and the generator's own delays.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KEY = "bench-key"


def prepare(customers: int, db: Path, neo4j: str | None = None) -> None:
    from graph.identity import IdentityParams
    from graph.identity.job import run_identity
    from graph.influence import CommunityParams, InfluenceParams, run_communities, run_influence
    from graph.profiles import ProfileParams, run_profiles
    from graph.settings import Settings
    from graph.store import Neo4jStore, SqliteStore, Store
    from loaders import load_files
    from synthetic import GenerateParams, generate_dataset

    tmp = Path(tempfile.mkdtemp(prefix="cg-api-"))
    generate_dataset(tmp / "data", GenerateParams(customers=customers, seed=9))
    store: Store
    if neo4j:
        store = Neo4jStore.connect(Settings.from_env(neo4j_uri=neo4j))
        store.write("support/wipe")
    else:
        store = SqliteStore(db)
    store.ensure_schema()
    for step, run in (
        ("load", lambda: load_files(store, [tmp / "data"], rejects_dir=tmp / "rej")),
        ("identity", lambda: run_identity(store, IdentityParams())),
        ("influence", lambda: run_influence(store, InfluenceParams())),
        ("communities", lambda: run_communities(store, CommunityParams())),
        ("profiles", lambda: run_profiles(store, ProfileParams())),
    ):
        started = time.perf_counter()
        run()
        print(f"{step}: {time.perf_counter() - started:.1f}s", flush=True)
    persons = next(r["count"] for r in store.read("status/counts") if r["name"] == "Person")
    print(f"prepared {neo4j or db} with {persons:,} persons")


@dataclass
class Measured:
    """One scenario: latencies as the generator saw them (s), the server's own time per
    answer (ms, its ``Server-Timing``), how long each waited in the generator before it
    left (s), codes, rate."""

    latencies: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    wait_ms: list[float] = field(default_factory=list)
    late: list[float] = field(default_factory=list)
    codes: Counter[int] = field(default_factory=Counter)
    achieved: float = 0.0


def server_ms(header: str | None, metric: str = "app") -> float | None:
    """One duration of a ``Server-Timing`` header, in ms (``app``: the request's whole
    time in the server; ``wait``: the part spent waiting for a worker thread).

    >>> server_ms("wait;dur=0.50, app;dur=1.25")
    1.25
    >>> server_ms("wait;dur=0.50, app;dur=1.25", "wait")
    0.5
    >>> server_ms(None) is None
    True
    """
    for part in (header or "").split(","):
        name, _, rest = part.strip().partition(";")
        if name == metric and rest.startswith("dur="):
            return float(rest[4:])
    return None


async def _scenario(
    base: str, paths: list[str], *, rate: float, seconds: float, clients: int
) -> Measured:
    measured = Measured()
    gate = asyncio.Semaphore(clients)
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(
        base, connector=connector, timeout=timeout, headers={"X-API-Key": KEY}
    ) as client:

        async def one(path: str, due: float) -> None:
            async with gate:  # a free connection: the latency is measured from here
                started = time.perf_counter()
                async with client.get(path) as response:
                    await response.read()
                    measured.latencies.append(time.perf_counter() - started)
                measured.late.append(started - due)
                measured.codes[response.status] += 1
                timing = response.headers.get("server-timing")
                server, wait = server_ms(timing), server_ms(timing, "wait")
                if server is not None:  # every answer of custgraph serve has one
                    measured.server_ms.append(server)
                if wait is not None:  # those served on a worker thread
                    measured.wait_ms.append(wait)

        tasks = []
        start = time.perf_counter()
        total = int(rate * seconds)
        for i in range(total):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(paths[i % len(paths)], due)))
        await asyncio.gather(*tasks)
        measured.achieved = len(measured.latencies) / (time.perf_counter() - start)
    return measured


def _report(name: str, m: Measured) -> float:
    ms = sorted(x * 1000 for x in m.latencies)
    q = statistics.quantiles(ms, n=100)
    server = statistics.quantiles(m.server_ms, n=100)[98] if len(m.server_ms) > 1 else math.nan
    wait = statistics.quantiles(m.wait_ms, n=100)[98] if len(m.wait_ms) > 1 else math.nan
    late = statistics.quantiles([x * 1000 for x in m.late], n=100)[98]
    print(
        f"{name:<44} p50 {q[49]:6.1f} ms  p90 {q[89]:6.1f} ms  p99 {q[98]:6.1f} ms  "
        f"max {ms[-1]:6.1f} ms  {m.achieved:6.1f} req/s  {dict(sorted(m.codes.items()))}\n"
        f"{'':<44} server p99 {server:6.1f} ms  ({len(m.server_ms)} timed), waiting for "
        f"a thread p99 {wait:6.1f} ms  "
        f"queued in the generator p99 {late:6.1f} ms",
        flush=True,
    )
    return q[98]


async def _flood(base: str, path: str, connections: int) -> Counter[int]:
    connector = aiohttp.TCPConnector(limit=connections)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(
        base, connector=connector, timeout=timeout, headers={"X-API-Key": KEY}
    ) as client:

        async def one() -> int:
            try:
                async with client.get(path) as response:
                    await response.read()
                    return response.status
            except aiohttp.ClientConnectionError:
                return -1  # a connection error: counted, and it would fail the target

        results = await asyncio.gather(*(one() for _ in range(connections)))
    return Counter(results)


def run(db: Path, neo4j: str | None, clients: int, seconds: float, workers: int) -> None:
    port = 8700 + random.randrange(200)
    store_args = ["--neo4j", neo4j] if neo4j else ["--db", str(db)]
    env = {
        **os.environ,
        "CUSTGRAPH_API_KEYS": f"{KEY}:reader",
        "CUSTGRAPH_AUDIT_LOG": str(Path(tempfile.mkdtemp()) / "audit.log"),
    }
    env.setdefault("CUSTGRAPH_API_THREADS", "2")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli",
            *store_args,
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        persons: list[str] = []
        cursor = None
        while len(persons) < 5000:
            params = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
            page = httpx.get(
                f"{base}/v1/influencers", params=params, headers={"X-API-Key": KEY}, timeout=30
            ).json()
            persons += [p["personId"] for p in page["items"]]
            cursor = page["nextCursor"]
            if not cursor:
                break
        rng = random.Random(3)
        rng.shuffle(persons)
        profiles = [f"/v1/profiles/{p}" for p in persons]
        hoods = [f"/v1/profiles/{p}/neighborhood?depth=2&limit=200" for p in persons]
        print(
            f"store {'neo4j' if neo4j else db}; {clients} clients; {seconds:.0f}s per scenario; "
            f"{workers} worker(s), {env['CUSTGRAPH_API_THREADS']} threads each"
        )
        base_p99 = _report(
            "baseline /healthz @300/s",
            asyncio.run(_scenario(base, ["/healthz"], rate=300, seconds=seconds, clients=clients)),
        )
        p99 = _report(
            "profiles @300/s (target p99 <= 25 ms)",
            asyncio.run(_scenario(base, profiles, rate=300, seconds=seconds, clients=clients)),
        )
        h99 = _report(
            "depth-2 neighborhoods @100/s (target <= 60 ms)",
            asyncio.run(_scenario(base, hoods, rate=100, seconds=seconds, clients=clients)),
        )
        print(
            f"ratios to the /healthz baseline p99: profiles {p99 / base_p99:.1f}x, "
            f"neighborhoods {h99 / base_p99:.1f}x"
        )
        flood = asyncio.run(_flood(base, profiles[0], 500))
        print(
            f"500 concurrent connections: {dict(sorted(flood.items()))} (target: only 200 and 429)"
        )
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--customers", type=int, default=160_000)
    p.add_argument("--db", type=Path, default=Path("custgraph.db"))
    p.add_argument("--neo4j", default=None, help="prepare this Neo4j (it is wiped first)")
    r = sub.add_parser("run")
    r.add_argument("--db", type=Path, default=Path("custgraph.db"))
    r.add_argument("--neo4j", default=None)
    r.add_argument("--clients", type=int, default=50)
    r.add_argument("--seconds", type=float, default=20.0)
    r.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.customers, args.db, args.neo4j)
    else:
        run(args.db, args.neo4j, args.clients, args.seconds, args.workers)


if __name__ == "__main__":
    main()
