"""Journeys and attribution: planted channel effects, the ChannelAttribution package, speed.

Run:  python bench/journeys.py --customers 50000
      python bench/journeys.py --speed --persons 1000000 --touches 10000000
      python bench/journeys.py --load --customers 100000
      python bench/journeys.py --paths-file Data.csv   (ChannelAttribution's example data)

Quality (default): generates a dataset, loads it into a fresh embedded store, resolves
identities and runs the journeys job; then compares every model's channel shares with the
planted shares in truth/channel_effects.csv (which no job reads): the largest and the total
absolute error per model. In the same run, the job's paths go through the
ChannelAttribution package's ``markov_model`` (first order; a bench-only dependency, in
the ``bench`` extra) and its shares are compared with custgraph's Markov shares.

Speed (``--speed``): writes a store with PERSONS persons of one record each, their orders
and about TOUCHES touchpoint events (the generator's planted journeys, scaled), straight into
SQLite, then times ``custgraph analyze journeys`` in its own process (wall time and peak
RSS from the kernel's accounting of that process).

Load (``--load``): touchpoint rows per second into the embedded store, kept as events and
summed into TOUCHED (what custgraph does), against the aggregate alone as custgraph loaded
it before events (summed per batch in Python, upserted row by row, a commit per 20,000-row
batch), and that same aggregate committed as custgraph now commits touchpoints; best of two
each, in the same run.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from graph.identity import IdentityParams  # noqa: E402
from graph.identity.job import run_identity  # noqa: E402
from graph.journeys.attribution import MODELS  # noqa: E402
from graph.journeys.job import JourneyParams, run_journeys  # noqa: E402
from graph.store import SqliteStore  # noqa: E402
from loaders import load_files  # noqa: E402
from synthetic import GenerateParams, generate_dataset  # noqa: E402
from synthetic.journeys import plant_journeys  # noqa: E402


def quality(customers: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        generate_dataset(data, GenerateParams(customers=customers, seed=seed))
        store = SqliteStore(Path(tmp) / "j.db")
        store.ensure_schema()
        load_files(store, [data], rejects_dir=Path(tmp) / "rej")
        run_identity(store, IdentityParams())
        started = time.perf_counter()
        result = run_journeys(store, JourneyParams())
        seconds = time.perf_counter() - started
        truth = pd.read_csv(data / "truth" / "channel_effects.csv").set_index("channel_id")
        c = result.counts
        print(
            f"customers {customers:,}: {c['journeys']:,} journeys of {c['persons']:,} persons, "
            f"{c['conversions']:,} conversions, {c['paths']:,} paths; job {seconds:.1f} s"
        )
        credits = result.attribution
        table = pd.DataFrame({"planted": truth["planted_share"]})
        for model in MODELS:
            part = credits[credits["model"] == model].set_index("channel_id")["share"]
            table[model] = part.reindex(table.index).fillna(0.0)
        ca = _channel_attribution(result)
        if ca is not None:
            table["ChannelAttribution"] = ca.reindex(table.index).fillna(0.0)
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            print(table.round(3).to_string())
        print("\nabsolute error against the planted shares:")
        for model in [*MODELS, *(["ChannelAttribution"] if ca is not None else [])]:
            err = (table[model] - table["planted"]).abs()
            print(
                f"  {model:<19} max {err.max():.3f} ({err.idxmax()})  total {err.sum():.3f}"
                f"  within 0.05: {int((err <= 0.05).sum())}/{len(err)}"
            )
        if ca is not None:
            diff = (table["markov"] - table["ChannelAttribution"]).abs()
            print(
                f"\ncustgraph markov vs ChannelAttribution markov_model: max difference "
                f"{diff.max():.4f} ({diff.idxmax()}), mean {diff.mean():.4f}"
            )


def _channel_attribution(result: object) -> pd.Series | None:
    """ChannelAttribution's first-order Markov shares on the job's paths (None when the
    package is not installed)."""
    paths = result.paths  # type: ignore[attr-defined]
    paths = paths[paths["path"] != ""]
    data = pd.DataFrame(
        {
            "path": paths["path"].str.replace(" > ", ">", regex=False),
            "conversions": paths["conversions"],
            "nulls": paths["journeys"] - paths["conversions"],
        }
    )
    found = _markov_model(data, order=1)
    return None if found is None else found["total_conversions"]


def _markov_model(data: pd.DataFrame, *, order: int) -> pd.DataFrame | None:
    """ChannelAttribution's ``markov_model`` on ``data`` (path with ">" between steps,
    conversions, nulls and, if present, value): each channel's share of the conversions
    (and of the value), or None when the package is not installed."""
    try:
        import ChannelAttribution  # type: ignore[import-not-found]
    except ImportError:
        print("(ChannelAttribution not installed: pip install -e '.[bench]')")
        return None
    out = ChannelAttribution.markov_model(
        data,
        "path",
        "conversions",
        var_value="value" if "value" in data else None,
        var_null="nulls",
        order=order,
        sep=">",
        verbose=False,
        flg_pro=False,
        nsim_start=1e6,
    )
    frame = out["result"] if isinstance(out, dict) else out
    shares = frame.set_index("channel_name").drop(columns=[], errors="ignore")
    kept = [c for c in ("total_conversions", "total_conversion_value") if c in shares]
    return shares[kept] / shares[kept].sum()


def public_paths(file: Path) -> None:
    """custgraph's Markov (orders 1-3) beside ChannelAttribution's ``markov_model`` on a
    path file in that package's format (``path;total_conversions;total_conversion_value;
    total_null``, steps joined by " > "), such as the example data in its repository."""
    from graph.journeys.attribution import markov_credits, shapley_credits
    from graph.journeys.paths import key_of

    raw = pd.read_csv(file, sep=";")
    steps = raw["path"].str.split(" > ")
    channels = sorted({c for path in steps for c in path})
    code = {c: i for i, c in enumerate(channels)}
    paths = pd.DataFrame(
        {
            "key": [key_of([code[c] for c in path]) for path in steps],
            "journeys": raw["total_conversions"] + raw["total_null"],
            "conversions": raw["total_conversions"],
            "revenue": raw["total_conversion_value"],
        }
    )
    print(
        f"{file.name}: {len(raw):,} paths, {len(channels)} channels, "
        f"{int(paths['journeys'].sum()):,} journeys, {int(paths['conversions'].sum()):,} "
        "conversions"
    )
    data = pd.DataFrame(
        {
            "path": steps.str.join(">"),
            "conversions": raw["total_conversions"],
            "value": raw["total_conversion_value"],
            "nulls": raw["total_null"],
        }
    )
    for order in (1, 2, 3):
        ours = markov_credits(paths, channels, order=order).set_index("channel_id")
        conv = ours["conversions"] / ours["conversions"].sum()
        value = ours["revenue"] / ours["revenue"].sum()
        theirs = _markov_model(data, order=order)
        if theirs is None:
            return
        d_conv = (conv - theirs["total_conversions"].reindex(conv.index)).abs()
        d_value = (value - theirs["total_conversion_value"].reindex(value.index)).abs()
        print(
            f"  Markov order {order}: custgraph vs ChannelAttribution, largest difference in "
            f"share {d_conv.max():.4f} (conversions), {d_value.max():.4f} (value); mean "
            f"{d_conv.mean():.4f}"
        )
        if order == 1:
            shapley = shapley_credits(paths, channels).set_index("channel_id")["share"]
            table = pd.DataFrame(
                {
                    "custgraph markov": conv,
                    "ChannelAttribution markov": theirs["total_conversions"],
                    "custgraph shapley": shapley,
                }
            )
            print(table.round(4).to_string())


def speed(persons: int, touches: int, seed: int, workdir: Path | None) -> None:
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
        db = workdir / "s.db"
        if not db.exists():
            _speed_store(db, persons, touches, seed)
        _time_job(db)
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "s.db"
        _speed_store(db, persons, touches, seed)
        _time_job(db)


def _speed_store(db: Path, persons: int, touches: int, seed: int) -> None:
    """A store of ``persons`` one-record persons with planted journeys, written directly."""
    rng = np.random.default_rng(seed)
    store = SqliteStore(db)
    store.ensure_schema()
    store.close()
    started = time.perf_counter()
    # orders at about one per 2.5 planted touches (the generator's ratio, scaled)
    n_orders = int(touches / 6.0)
    o_person = rng.integers(0, persons, n_orders)
    days = 3 * 365
    o_sec = rng.integers(40 * 86_400, days * 86_400, n_orders)
    planted = plant_journeys(
        rng,
        order_person=o_person,
        order_sec=o_sec,
        start_sec=np.zeros(persons, dtype=np.int64),
        stop_sec=np.full(persons, days * 86_400, dtype=np.int64),
        store_of=1 + np.arange(persons) % 10,
    )
    base = np.datetime64("2023-01-01T00:00:00", "s")
    stamp = lambda s: (base + s.astype("timedelta64[s]")).astype(str)  # noqa: E731
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    uid = [f"s:{i}" for i in range(persons)]
    pid = [f"P{i:09d}" for i in range(persons)]
    conn.executemany("INSERT INTO person (personId, size) VALUES (?, 1)", ((p,) for p in pid))
    conn.executemany("INSERT INTO resolves_to (src, dst) VALUES (?, ?)", zip(uid, pid, strict=True))
    ot = stamp(o_sec)
    conn.executemany(
        "INSERT INTO purchase_order (orderId, purchasedAt, amount) VALUES (?, ?, ?)",
        ((f"O{i}", f"{ot[i]}Z", 50.0) for i in range(n_orders)),
    )
    conn.executemany(
        "INSERT INTO placed (src, dst) VALUES (?, ?)",
        ((uid[p], f"O{i}") for i, p in enumerate(o_person.tolist())),
    )
    tt = stamp(planted.seconds)
    order = np.argsort(planted.seconds, kind="stable")
    conn.executemany(
        "INSERT INTO touch_event (src, channelId, at, event, count) VALUES (?, ?, ?, ?, ?)",
        (
            (uid[planted.person[i]], planted.channel[i], f"{tt[i]}Z", planted.event[i], 1)
            for i in order.tolist()
        ),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO channel (channelId, kind) VALUES (?, 'x')",
        ((c,) for c in set(planted.channel)),
    )
    conn.commit()
    conn.close()
    print(
        f"store: {persons:,} persons, {n_orders:,} orders, {len(planted.seconds):,} "
        f"touchpoint events ({time.perf_counter() - started:.0f} s to write)"
    )


def _time_job(db: Path) -> None:
    """``custgraph analyze journeys`` on ``db`` in its own process: wall time, peak RSS."""
    cmd = [sys.executable, "-m", "cli", "--db", str(db), "analyze", "journeys"]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(done.stdout.strip() or done.stderr.strip())
    print(f"analyze journeys: {wall:.1f} s wall, peak RSS {rss:,.0f} MiB")
    timings = SqliteStore(db).read("status/last_runs")
    for run in timings:
        if run["job"] == "journeys":
            print(f"  steps: {run['timings']}")


def aggregate_touches(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows summed per (record, channel), as custgraph loaded touchpoints before events.

    >>> r = {"uid": "u", "channelId": "c", "count": 1, "firstAt": "b", "lastAt": "b"}
    >>> aggregate_touches([r, {**r, "firstAt": "a", "lastAt": "a"}])[0]["count"]
    2
    """
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["uid"], row["channelId"])
        seen = merged.get(key)
        if seen is None:
            merged[key] = {k: v for k, v in row.items() if k != "event"}
        else:
            seen["count"] += row["count"]
            seen["firstAt"] = min(seen["firstAt"], row["firstAt"])
            seen["lastAt"] = max(seen["lastAt"], row["lastAt"])
    return list(merged.values())


def load_rate(customers: int, seed: int) -> None:
    """Touchpoint rows per second: loaded as events (and summed into TOUCHED), against
    loading the aggregate alone (what custgraph did before events), in the same run."""
    import loaders.write as load_module
    from graph.store.sqlite import DEFAULT_BATCH_SIZE, TOUCHPOINT_ROWS_PER_COMMIT

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        generate_dataset(data, GenerateParams(customers=customers, seed=seed))
        rows = len(pd.read_csv(data / "touchpoints.csv", usecols=["channel_id"]))
        steps = load_module.STEPS["touchpoints"]
        aggregate_only = lambda ps: [  # noqa: E731
            load_module.Step("support/add_touches", aggregate_touches([p.row for p in ps]))
        ]
        results: dict[str, float] = {}
        before = f"aggregate only, a commit per {DEFAULT_BATCH_SIZE:,} rows (before events)"
        same = f"aggregate only, a commit per {TOUCHPOINT_ROWS_PER_COMMIT:,} rows"
        now = f"events + aggregate, a commit per {TOUCHPOINT_ROWS_PER_COMMIT:,} rows (now)"
        variants = (  # a batch size given: a commit per batch (how custgraph loaded before)
            (before, aggregate_only, DEFAULT_BATCH_SIZE),
            (same, aggregate_only, None),
            (now, steps, None),
        )
        for label, fn, size in variants * 2:
            load_module.STEPS["touchpoints"] = fn
            store = SqliteStore(Path(tmp) / f"l-{time.perf_counter_ns()}.db")
            store.ensure_schema()
            load_files(
                store,
                [data / "channels.csv", data / "customers.csv"],
                rejects_dir=Path(tmp) / "rej",
            )
            started = time.perf_counter()
            load_files(
                store, [data / "touchpoints.csv"], rejects_dir=Path(tmp) / "rej", batch_size=size
            )
            seconds = time.perf_counter() - started
            results[label] = min(results.get(label, seconds), seconds)  # best of two
            store.close()
        load_module.STEPS["touchpoints"] = steps
        for label, seconds in results.items():
            print(f"  {label:<50} {rows / seconds:>10,.0f} touchpoint rows/s ({seconds:.1f} s)")
        print(f"now / before events, time per row: {results[now] / results[before]:.2f}")
        print(f"now / aggregate only committed the same way: {results[now] / results[same]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--load", action="store_true", help="touchpoint load rate")
    parser.add_argument(
        "--paths-file",
        type=Path,
        help="Markov beside ChannelAttribution on a path file in its format (its example data)",
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--touches", type=int, default=10_000_000)
    parser.add_argument(
        "--workdir", type=Path, help="--speed: keep the store here and reuse it on a second run"
    )
    args = parser.parse_args()
    if args.paths_file:
        public_paths(args.paths_file)
    elif args.load:
        load_rate(args.customers, args.seed)
    elif args.speed:
        speed(args.persons, args.touches, args.seed, args.workdir)
    else:
        quality(args.customers, args.seed)


if __name__ == "__main__":
    main()
