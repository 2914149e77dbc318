"""The Spark engine at growing sizes, beside the in-process path on the same files.

Run:  python bench/spark.py [--records 1000000 2000000 4000000] [--workdir DIR] [--no-inprocess]
      python bench/spark.py --inputs-only [--records …]

For each size: the generated dataset (made once, kept in the work folder), then
``custgraph analyze all --engine spark`` (local[2], the engine's defaults) in a process of
its own, timed, with the peak resident memory of its whole process tree (the driver's JVM,
which in local mode holds the executor, and the Python workers) and the JVM's heap in use
against its configured maximum (``jstat``) sampled every 0.5 s; then,
unless ``--no-inprocess``, the same files loaded into a fresh embedded store and analysed
in process (the five jobs: identity, influence, communities, journeys, profiles), timed.
Prints the seconds per step, the time per record and its growth from the smallest size,
and the in-process ÷ Spark ratio; writes ``bench/out/spark.json``. Spark is expected to be
slower on one 2-core machine: the point is that its time per record holds as the input
grows, and that it runs on a cluster.

``--inputs-only`` times the first step alone, in this process: the files read and validated
by :func:`spark.inputs.read_inputs` and the rejects written, as a run does it ("reading and
validating the input files"), in a session set up as a run sets it up; prints the seconds,
the input lines and the time per record; writes ``bench/out/spark_inputs.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _tree(root: int) -> list[int]:
    """``root`` and every process below it."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def _jvm(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/exe").resolve().name == "java"
    except OSError:
        return False


def _heap_used(pid: int) -> int | None:
    """The JVM's heap in use, in bytes (``jstat -gc``; None without jstat)."""
    java = Path(f"/proc/{pid}/exe").resolve()
    jstat = java.parent / "jstat"
    if not jstat.exists():
        return None
    try:
        lines = subprocess.run(
            [str(jstat), "-gc", str(pid)], capture_output=True, text=True, timeout=5, check=True
        ).stdout.split("\n")
    except (subprocess.SubprocessError, OSError):
        return None
    values = dict(zip(lines[0].split(), lines[1].split(), strict=False))
    used = sum(float(values[k]) for k in ("S0U", "S1U", "EU", "OU"))
    return int(used * 1024)


def _max_heap(pid: int) -> int:
    """The ``-Xmx`` the JVM was started with, in bytes (0 if none)."""
    args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    for arg in args:
        if arg.startswith(b"-Xmx"):
            size = arg[4:].decode()
            scale = {"k": 2**10, "m": 2**20, "g": 2**30}.get(size[-1].lower(), 1)
            return int(float(size.rstrip("kKmMgG")) * scale)
    return 0


def run_spark(data: Path, out: Path) -> dict[str, Any]:
    """``custgraph analyze all --engine spark`` on ``data``: seconds, peak RSS, run.json."""
    command = [
        sys.executable, "-m", "cli", "analyze", "all", "--engine", "spark",
        "--input", str(data), "--out", str(out),
    ]  # fmt: skip
    peak = {"tree": 0, "jvm": 0, "heap": 0, "xmx": 0}
    started = time.perf_counter()
    log = out.parent / "spark.log"  # the run's steps, with times, and Spark's errors
    handle = log.open("w", encoding="utf-8")
    child = subprocess.Popen(command, cwd=ROOT, stdout=handle, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pids = _tree(child.pid)
            sizes = {p: _rss(p) for p in pids}
            peak["tree"] = max(peak["tree"], sum(sizes.values()))
            jvms = [p for p in sizes if _jvm(p)]
            peak["jvm"] = max(peak["jvm"], sum(sizes[p] for p in jvms))
            for pid in jvms:
                heap = _heap_used(pid)
                if heap is not None:
                    peak["heap"] = max(peak["heap"], heap)
                    peak["xmx"] = max(peak["xmx"], _max_heap(pid))
            done.wait(0.5)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, err = child.communicate()
    seconds = time.perf_counter() - started
    done.set()
    thread.join()
    handle.write(err)
    handle.close()
    if child.returncode:
        steps = [line for line in log.read_text("utf-8").splitlines() if " spark: " in line]
        raise SystemExit(
            f"the spark run failed after {seconds:,.0f} s (peak heap "
            f"{peak['heap'] / 2**20:,.0f} MiB), in: {steps[-1] if steps else '?'}\n"
            f"{err[-3000:]}\nthe whole log: {log}"
        )
    report = json.loads((out / "run.json").read_text())
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(peak["tree"] / 2**20),
        "jvm_peak_rss_mib": round(peak["jvm"] / 2**20),
        "jvm_peak_heap_used_mib": round(peak["heap"] / 2**20),
        "jvm_max_heap_mib": round(peak["xmx"] / 2**20),
        "steps": report["timings"],
        "counts": report["counts"],
    }


def run_inprocess(data: Path, work: Path) -> dict[str, Any]:
    """Load ``data`` into a fresh embedded store and run the five jobs: seconds."""
    from graph.pipeline import JobsParams, run_jobs
    from graph.store import SqliteStore
    from loaders import load_files

    db = work / "custgraph.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = SqliteStore(db)
    store.ensure_schema()
    started = time.perf_counter()
    load_files(store, [data], rejects_dir=work / "rejects")
    loaded = time.perf_counter()
    run_jobs(store, JobsParams())  # the five, as `analyze all --engine spark` runs them
    finished = time.perf_counter()
    store.close()
    return {
        "seconds": round(finished - started, 1),
        "load": round(loaded - started, 1),
        "jobs": round(finished - loaded, 1),
    }


def validate(data: Path) -> dict[str, Any]:
    """Seconds to read and validate ``data`` and write its rejects, in a session of its own."""
    from spark.inputs import read_inputs
    from spark.run import shuffle_partitions
    from spark.session import spark_session

    partitions = shuffle_partitions([str(data)])
    with (
        spark_session(None, conf={"spark.sql.shuffle.partitions": str(partitions)}) as spark,
        tempfile.TemporaryDirectory() as out,
    ):
        started = time.perf_counter()
        inputs = read_inputs(spark, [str(data)])
        rejects = inputs.rejects.orderBy("ord", "line", "column").drop("ord")
        rejects.write.mode("overwrite").parquet(out)
        seconds = time.perf_counter() - started
        rejected = spark.read.parquet(out).count()
        for frame in inputs.cached:
            frame.unpersist()
    lines = sum(sum(1 for _ in f.open("rb")) for f in data.iterdir() if f.is_file())
    return {
        "seconds": round(seconds, 1),
        "lines": lines,
        "rejects": rejected,
        "partitions": partitions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 200_000, 400_000])
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "spark")
    parser.add_argument("--no-inprocess", action="store_true")
    parser.add_argument("--inputs-only", action="store_true")
    args = parser.parse_args()
    from synthetic.generator import GenerateParams, generate_dataset

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    rows: list[dict[str, Any]] = []
    for n in args.records:
        work = args.workdir / str(n)
        data = work / "data"
        if not (data / "customers.csv").exists():
            print(f"generating {n:,} records…", flush=True)
            generate_dataset(data, GenerateParams(customers=n, seed=7))
        if args.inputs_only:
            print(f"{n:,} records: reading and validating…", flush=True)
            row: dict[str, Any] = {"records": n, "spark": validate(data)}
            print(
                f"  {row['spark']['seconds']:.1f} s for {row['spark']['lines']:,} lines, "
                f"{row['spark']['rejects']:,} rejects",
                flush=True,
            )
            rows.append(row)
            continue
        print(f"{n:,} records: spark…", flush=True)
        row = {"records": n, "spark": run_spark(data, work / "out")}
        if not args.no_inprocess:
            print(f"{n:,} records: in process…", flush=True)
            row["inprocess"] = run_inprocess(data, work)
        rows.append(row)
        spark = row["spark"]
        line = (
            f"  spark {spark['seconds']:.0f} s ({1e6 * spark['seconds'] / n:.0f} µs/record), "
            f"peak RSS {spark['peak_rss_mib']:,} MiB (JVM {spark['jvm_peak_rss_mib']:,}; heap "
            f"used at most {spark['jvm_peak_heap_used_mib']:,} of {spark['jvm_max_heap_mib']:,}); "
            f"steps {spark['steps']}"
        )
        if "inprocess" in row:
            ratio = row["inprocess"]["seconds"] / spark["seconds"]
            line += f"; in process {row['inprocess']['seconds']:.0f} s (ratio {ratio:.2f})"
        print(line, flush=True)
    base = rows[0]["spark"]["seconds"] / rows[0]["records"]
    for row in rows:
        per = row["spark"]["seconds"] / row["records"]
        row["per_record_growth"] = round(per / base, 3)
        print(f"{row['records']:>10,}: time per record {per / base:.2f}x the smallest size's")
    out = ROOT / "bench" / "out" / ("spark_inputs.json" if args.inputs_only else "spark.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
