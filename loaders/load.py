"""Loading files into a store: validate everything, write in batches, account for every row.

``load_files(store, paths)`` checks every file's header before anything is written (all
problems reported at once), then streams each file in batches. A batch and the manifest entry
that counts it are committed in one transaction, so a load that is killed and run again
resumes exactly where it stopped, and a file already loaded is skipped: the graph ends the
same as after one clean run.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.store import SqliteStore
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> _ = (tmp / "channels.csv").write_text("channel_id,kind\\nweb,web\\n,app\\n")
>>> store = SqliteStore(tmp / "g.db"); store.ensure_schema()
>>> report = load_files(store, [tmp / "channels.csv"], rejects_dir=tmp / "rejects")
>>> f = report.files[0]
>>> (f.rows_read, f.rows_loaded, f.rows_rejected)
(2, 1, 1)
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from graph.errors import InputError
from graph.runs import utc_now
from graph.store.base import Step, Store
from loaders.kinds import KINDS, LOAD_ORDER, detect_kind
from loaders.mapping import Mapping
from loaders.readers import file_format, open_reader
from loaders.report import FileReport, LoadProgress, LoadReport, ProgressFn, Reject, RejectsFile
from loaders.rows import RowContext
from loaders.validate import (
    Known,
    Plan,
    check_references,
    dropped_fields,
    gc_paused,
    in_child,
    validated,
)
from loaders.write import BatchWriter, batch_steps

__all__ = [
    "FileReport",
    "LoadProgress",
    "LoadReport",
    "Reject",
    "file_key",
    "load_files",
    "plan_files",
]

PARALLEL_BYTES = 4 << 20
"""Files from this size up are read and validated in a child process while this one
writes (below it, starting the child costs more than it saves)."""


def load_files(
    store: Store,
    paths: Iterable[Path | str],
    *,
    kind: str | None = None,
    mapping: Mapping | None = None,
    rejects_dir: Path | str = Path("rejects"),
    region: str = "US",
    batch_size: int | None = None,
    on_progress: ProgressFn | None = None,
) -> LoadReport:
    """Load files (or folders of files) into ``store``.

    Parameters
    ----------
    store
        Where to load; its schema is created if missing.
    paths
        Files, or folders whose files are named after their kind (``customers.csv``, …).
    kind
        The kind of every file given, when their names do not tell.
    mapping
        A per-source mapping (see :mod:`loaders.mapping`) applied to every file.
    rejects_dir
        Where ``<file>.rejects.csv`` files go (file, line, column, reason).
    region
        Default phone region (the mapping's ``default_region`` wins).
    batch_size
        Rows per batch (default: the store's ``batch_size``); each batch is its own
        transaction when given, else the store may group batches (``rows_per_commit``).
    on_progress
        Called after every batch with a :class:`LoadProgress`.
    """
    if kind is not None and kind not in KINDS:
        raise InputError(f"--kind must be one of {', '.join(KINDS)}")
    mapping = mapping or Mapping()
    kind = kind or mapping.kind
    report = LoadReport()
    plans = plan_files(paths, kind, report)
    _check_headers(plans, mapping)
    store.ensure_schema()
    ctx = RowContext(
        region=(mapping.default_region or region).upper(),
        formats=dict(mapping.formats),
        timezone=mapping.timezone,
        decimal_comma=mapping.decimal_comma,
    )
    known = Known(store)
    for plan in sorted(plans, key=lambda p: (LOAD_ORDER.index(p.kind), str(p.path))):
        with gc_paused(), store.loading(plan.kind, plan.path.stat().st_size):
            report.files.append(
                _load_file(
                    store,
                    plan,
                    mapping=mapping,
                    ctx=ctx,
                    rejects_dir=Path(rejects_dir),
                    batch_size=batch_size or store.batch_size,
                    rows_per_commit=batch_size or store.rows_per_commit(plan.kind),
                    on_progress=on_progress,
                    known=known,
                )
            )
    return report


def plan_files(paths: Iterable[Path | str], kind: str | None, report: LoadReport) -> list[Plan]:
    """The files ``paths`` name (files, or the files of folders) with their kinds; files of
    no known format are listed in ``report.ignored``."""
    plans: list[Plan] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if not child.is_file() or ".rejects." in child.name:
                    continue
                try:
                    file_format(child)
                    plans.append(Plan(child, kind or detect_kind(child)))
                except InputError:
                    report.ignored.append(str(child))
        elif path.is_file():
            file_format(path)
            plans.append(Plan(path, kind or detect_kind(path)))
        else:
            raise InputError(f"{path}: no such file or folder")
    if not plans:
        raise InputError(
            "no input files found; pass files such as customers.csv or a folder of them"
        )
    return plans


def _check_headers(plans: Sequence[Plan], mapping: Mapping) -> None:
    problems: list[str] = []
    for plan in plans:
        with open_reader(plan.path) as reader:
            if reader.format == "jsonl" and not reader.columns:
                continue  # JSONL rows are checked one by one
            header = set(mapping.header(reader.columns))
        missing = [c for c in KINDS[plan.kind].required if c not in header]
        if missing:
            problems.append(
                f"{plan.path.name} ({plan.kind}) lacks required columns: {', '.join(missing)}; "
                f"expected {', '.join(KINDS[plan.kind].required)} "
                f"(optional: {', '.join(KINDS[plan.kind].optional)}); "
                "rename them in the file or with --mapping"
            )
    if problems:
        raise InputError("; ".join(problems))


def _checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_key(path: Path, kind: str, mapping: Mapping, region: str) -> tuple[str, str]:
    """A file's checksum and its key in the load manifest: the same bytes loaded as the same
    kind with the same mapping and region are the same load (a re-run skips or resumes it).
    """
    checksum = _checksum(path)
    setup = json.dumps([kind, mapping.model_dump(), region], sort_keys=True)
    return checksum, hashlib.sha256(f"{checksum}|{setup}".encode()).hexdigest()[:32]


def _load_file(
    store: Store,
    plan: Plan,
    *,
    mapping: Mapping,
    ctx: RowContext,
    rejects_dir: Path,
    batch_size: int,
    rows_per_commit: int,
    on_progress: ProgressFn | None,
    known: Known,
) -> FileReport:
    started = time.perf_counter()
    checksum, key = file_key(plan.path, plan.kind, mapping, ctx.region)
    report = FileReport(path=str(plan.path), kind=plan.kind)
    previous = store.read("load/file_status", fileKey=key)
    done_batches = 0
    if previous and previous[0]["status"] == "done":
        report.status = "skipped"
        report.rows_read = int(previous[0]["rowsRead"] or 0)
        report.rows_loaded = int(previous[0]["rowsLoaded"] or 0)
        report.rows_rejected = int(previous[0]["rowsRejected"] or 0)
        report.rows_warned = int(previous[0].get("rowsWarned") or 0)
        return report
    if previous:
        report.status = "resumed"
        done_batches = int(previous[0]["batchesDone"] or 0)
        batch_size = int(previous[0]["batchSize"] or batch_size)
    manifest: dict[str, Any] = {
        "fileKey": key,
        "path": str(plan.path),
        "kind": plan.kind,
        "checksum": checksum,
        "batchSize": batch_size,
        "startedAt": utc_now(),
        "finishedAt": None,
    }
    batches = 0
    size = plan.path.stat().st_size
    stream = in_child if size >= PARALLEL_BYTES else validated
    with (
        RejectsFile(rejects_dir / f"{plan.path.name}.rejects.csv") as rejects,
        BatchWriter(
            store, background=store.kind == "neo4j", rows_per_commit=rows_per_commit
        ) as writer,
    ):
        for number, batch in enumerate(stream(plan, mapping, ctx, batch_size)):
            batches = number + 1
            prepared, batch_rejects = check_references(known, plan, batch)
            warned = [p for p in prepared if p.dropped]
            lines = [*batch_rejects, *dropped_fields(plan.path.name, batch, warned)]
            rejects.write(sorted(lines, key=lambda r: r.line))
            report.rows_read += batch.rows_read
            report.rows_rejected += len(batch_rejects)
            report.rows_loaded += len(prepared)
            report.rows_warned += len(warned)
            if number >= done_batches:
                counts = {
                    "batchesDone": number + 1,
                    "rowsRead": report.rows_read,
                    "rowsLoaded": report.rows_loaded,
                    "rowsRejected": report.rows_rejected,
                    "rowsWarned": report.rows_warned,
                    "status": "loading",
                }
                writer.submit(
                    [
                        *batch_steps(plan.kind, prepared),
                        Step("load/record_file", None, {**manifest, **counts}),
                    ],
                    batch.rows_read,
                )
            if on_progress:
                on_progress(
                    LoadProgress(str(plan.path), plan.kind, batch.position, size, report.rows_read)
                )
    final = {
        **manifest,
        "batchesDone": batches,
        "rowsRead": report.rows_read,
        "rowsLoaded": report.rows_loaded,
        "rowsRejected": report.rows_rejected,
        "rowsWarned": report.rows_warned,
        "status": "done",
        "finishedAt": utc_now(),
    }
    store.write("load/record_file", **final)
    report.rejects_path = str(rejects.path) if rejects.count else None
    report.seconds = time.perf_counter() - started
    if on_progress:
        on_progress(
            LoadProgress(str(plan.path), plan.kind, size, size, report.rows_read, finished=True)
        )
    return report
