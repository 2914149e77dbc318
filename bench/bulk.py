"""Bulk first load (neo4j-admin) against the online load into Neo4j; and a big bulk-loaded
graph through every job and the report, each step timed with its peak memory.

Run:  scripts/neo4j start && eval "$(scripts/neo4j env)"
      python bench/bulk.py --customers 100000                # online vs bulk, same run
      python bench/bulk.py --customers 1000000 --no-online --steps

Each load starts from an empty database on a freshly started server (``scripts/neo4j
wipe``). The bulk load is timed end to end as ``custgraph load --bulk`` runs it: validating
and merging the files in the staging store, writing the import files, stopping the server,
``neo4j-admin database import``, starting the server, creating the schema and checking the
counts. The online load is ``custgraph load`` (``load_files`` into Neo4j). Prints seconds,
input rows/s and online ÷ bulk (issue 18's target: ≥ 5 at 100k customers).

``--steps`` then runs ``custgraph analyze STEP`` for identity, influence, communities,
journeys and profiles, and ``custgraph report influence``, each in a process of its own, and
prints each step's seconds, the client's peak RSS (that process and its children) and the
server's (the JVM's VmHWM since the import restarted it, and its VmRSS after the step).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from load import dataset  # noqa: E402  (bench/load.py: the same generated files)

from graph.settings import Settings  # noqa: E402
from graph.store import open_store  # noqa: E402
from loaders import load_files  # noqa: E402
from loaders.bulk import bulk_load, command_importer, import_command  # noqa: E402

SCRIPT = ROOT / "scripts" / "neo4j"
JOBS = ("identity", "influence", "communities", "journeys", "profiles")


def wipe() -> None:
    """An empty database on a freshly started server."""
    subprocess.run([str(SCRIPT), "wipe"], check=True, capture_output=True)


def server_memory() -> dict[str, int]:
    """The server JVM's peak and current resident size (MiB)."""
    home = Path(os.environ.get("CUSTGRAPH_NEO4J_HOME", ROOT / ".neo4j"))
    pid = (home / "run" / "neo4j.pid").read_text().strip()
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    fields = {line.split(":")[0]: line.split()[1] for line in status if line.startswith("Vm")}
    return {"hwm_mib": int(fields["VmHWM"]) // 1024, "rss_mib": int(fields["VmRSS"]) // 1024}


def online(settings: Settings, data: Path, work: Path) -> dict[str, Any]:
    wipe()
    with open_store(settings) as store:
        store.ensure_schema()
        t = time.perf_counter()
        report = load_files(store, [data], rejects_dir=work / "rejects-online")
        seconds = time.perf_counter() - t
    return {"seconds": round(seconds, 1), "rows": report.rows_read}


def bulk(settings: Settings, data: Path, work: Path) -> dict[str, Any]:
    """``bulk_load`` in a process of its own (its peak RSS is the client's)."""
    wipe()
    figures = measured([__file__, "--bulk-child", str(data), str(work)], work)
    # client RSS: the loading process, its validating child and neo4j-admin's JVM
    return {**figures, **json.loads((work / "bulk-child.json").read_text())}


def bulk_child(data: Path, work: Path) -> None:
    done = bulk_load(
        lambda: open_store(Settings.from_env()),
        [data],
        run_import=command_importer(import_command(Settings.from_env().neo4j_import)),
        work_dir=work / "bulk",
        rejects_dir=work / "rejects-bulk",
    )
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    (work / "bulk-child.json").write_text(
        json.dumps(
            {
                "rows": done.load.rows_read,
                "phases": {k: round(v, 1) for k, v in done.seconds.items()},
                "nodes": sum(f.rows for f in done.files.files if f.node),
                "relationships": sum(f.rows for f in done.files.files if not f.node),
                "loading_process_peak_rss_mib": own,
            }
        )
    )


#: Runs a command and prints its peak RSS (KiB) last: a small process forks it, so the
#: figure is the command's own (a child forked from this process would count this
#: process's pages too, as Linux keeps the high-water mark across exec).
_MEASURE = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_, status, usage = os.wait4(proc.pid, 0)
sys.stderr.write(proc.stderr.read().decode()[-2000:] if status else "")
print(usage.ru_maxrss)
sys.exit(1 if status else 0)
"""


def step(args: list[str], work: Path) -> dict[str, Any]:
    """One CLI command in a process of its own: seconds and peak RSS (MiB)."""
    return measured(["-m", "cli", *args], work)


def measured(args: list[str], work: Path) -> dict[str, Any]:
    """``python ARGS`` in a process of its own: seconds, its peak RSS (MiB) and the
    server's memory after it."""
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-S", "-c", _MEASURE, sys.executable, *args],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"python {' '.join(args)} failed:\n{done.stderr}")
    return {
        "seconds": round(seconds, 1),
        "client_peak_rss_mib": int(done.stdout.split()[-1]) // 1024,
        "server": server_memory(),
    }


def main() -> None:
    if sys.argv[1:2] == ["--bulk-child"]:
        bulk_child(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1, help="bulk and online loads, alternated")
    parser.add_argument("--no-online", action="store_true", help="only the bulk load")
    parser.add_argument("--steps", action="store_true", help="then every job and the report")
    parser.add_argument(
        "--steps-only",
        nargs="*",
        metavar="STEP",
        help="only these steps (default: all), on the graph the server holds",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    settings = Settings.from_env()
    if settings.store_kind != "neo4j":
        raise SystemExit('set the Neo4j environment first: eval "$(scripts/neo4j env)"')
    args.out.mkdir(parents=True, exist_ok=True)
    data = dataset(args.customers, args.out)
    results: dict[str, Any] = {"customers": args.customers, "bulk": [], "online": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for run in range(0 if args.steps_only is not None else args.runs):
            if not args.no_online and run % 2:
                results["online"].append(online(settings, data, work))
                print("online", json.dumps(results["online"][-1]), flush=True)
            results["bulk"].append(bulk(settings, data, work))
            print("bulk", json.dumps(results["bulk"][-1]), flush=True)
            if not args.no_online and not run % 2:
                results["online"].append(online(settings, data, work))
                print("online", json.dumps(results["online"][-1]), flush=True)
        if results["online"]:
            best_bulk = min(r["seconds"] for r in results["bulk"])
            best_online = min(r["seconds"] for r in results["online"])
            results["online_over_bulk"] = round(best_online / best_bulk, 2)
            rows = results["bulk"][0]["rows"]
            print(
                f"rows {rows:,}: bulk {best_bulk:.1f} s ({rows / best_bulk:,.0f} rows/s), "
                f"online {best_online:.1f} s ({rows / best_online:,.0f} rows/s), "
                f"online / bulk {results['online_over_bulk']}x"
            )
        if args.steps or args.steps_only is not None:
            if results["online"]:  # the last load must be the bulk one
                results["bulk"].append(bulk(settings, data, work))
            results["steps"] = {}
            commands = {job: ["analyze", job] for job in JOBS}
            commands["identity"].append("--full")  # the same work on a graph resolved before
            commands["report"] = ["report", "influence", "--out", str(work / "report")]
            for name in args.steps_only or commands:
                results["steps"][name] = step(commands[name], work)
                print(name, json.dumps(results["steps"][name]), flush=True)
    name = f"bulk-{args.customers}{'-steps' if args.steps_only is not None else ''}.json"
    (args.out / name).write_text(json.dumps(results, indent=2))
    print(f"results in {args.out / name}")


if __name__ == "__main__":
    main()
