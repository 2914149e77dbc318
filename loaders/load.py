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

import csv
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import InputError
from graph.model import RelType
from graph.runs import utc_now
from graph.store.base import Step, Store
from loaders.kinds import KINDS, LOAD_ORDER, detect_kind
from loaders.mapping import Mapping
from loaders.readers import RawRow, file_format, open_reader
from loaders.rows import Prepared, RowContext, RowError, prepare_row

__all__ = ["FileReport", "LoadProgress", "LoadReport", "Reject", "load_files"]


@dataclass(frozen=True, slots=True)
class Reject:
    """One rejected row: where it is and why (never its values)."""

    file: str
    line: int
    column: str
    reason: str


@dataclass(slots=True)
class FileReport:
    """What happened to one file: rows read = rows loaded + rows rejected, always."""

    path: str
    kind: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    status: str = "loaded"  # loaded | resumed | skipped (already loaded)
    rejects_path: str | None = None
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        """Throughput of this file's load."""
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0


@dataclass(slots=True)
class LoadReport:
    """The report of one load: a :class:`FileReport` per file, and files that were ignored."""

    files: list[FileReport] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        """Rows read over all files."""
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        """Rows loaded over all files."""
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        """Rows rejected over all files."""
        return sum(f.rows_rejected for f in self.files)


@dataclass(frozen=True, slots=True)
class LoadProgress:
    """A progress event: ``bytes_done`` of ``bytes_total`` of ``path``, ``rows`` so far."""

    path: str
    kind: str
    bytes_done: int
    bytes_total: int
    rows: int
    finished: bool = False


ProgressFn = Callable[[LoadProgress], None]


@dataclass(frozen=True, slots=True)
class _Plan:
    path: Path
    kind: str


def load_files(
    store: Store,
    paths: Iterable[Path | str],
    *,
    kind: str | None = None,
    mapping: Mapping | None = None,
    rejects_dir: Path | str = Path("rejects"),
    region: str = "US",
    batch_size: int = 5000,
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
        Rows per transaction.
    on_progress
        Called after every batch with a :class:`LoadProgress`.
    """
    if kind is not None and kind not in KINDS:
        raise InputError(f"--kind must be one of {', '.join(KINDS)}")
    mapping = mapping or Mapping()
    kind = kind or mapping.kind
    report = LoadReport()
    plans = _plan(paths, kind, report)
    _check_headers(plans, mapping)
    store.ensure_schema()
    ctx = RowContext(
        region=(mapping.default_region or region).upper(),
        formats=dict(mapping.formats),
        timezone=mapping.timezone,
        decimal_comma=mapping.decimal_comma,
    )
    for plan in sorted(plans, key=lambda p: (LOAD_ORDER.index(p.kind), str(p.path))):
        report.files.append(
            _load_file(
                store,
                plan,
                mapping=mapping,
                ctx=ctx,
                rejects_dir=Path(rejects_dir),
                batch_size=batch_size,
                on_progress=on_progress,
            )
        )
    return report


def _plan(paths: Iterable[Path | str], kind: str | None, report: LoadReport) -> list[_Plan]:
    plans: list[_Plan] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if not child.is_file() or ".rejects." in child.name:
                    continue
                try:
                    file_format(child)
                    plans.append(_Plan(child, kind or detect_kind(child)))
                except InputError:
                    report.ignored.append(str(child))
        elif path.is_file():
            file_format(path)
            plans.append(_Plan(path, kind or detect_kind(path)))
        else:
            raise InputError(f"{path}: no such file or folder")
    if not plans:
        raise InputError(
            "no input files found; pass files such as customers.csv or a folder of them"
        )
    return plans


def _check_headers(plans: Sequence[_Plan], mapping: Mapping) -> None:
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


def _batches(rows: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    batch: list[RawRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _load_file(
    store: Store,
    plan: _Plan,
    *,
    mapping: Mapping,
    ctx: RowContext,
    rejects_dir: Path,
    batch_size: int,
    on_progress: ProgressFn | None,
) -> FileReport:
    started = time.perf_counter()
    checksum = _checksum(plan.path)
    setup = json.dumps([plan.kind, mapping.model_dump(), ctx.region], sort_keys=True)
    file_key = hashlib.sha256(f"{checksum}|{setup}".encode()).hexdigest()[:32]
    report = FileReport(path=str(plan.path), kind=plan.kind)
    previous = store.read("load/file_status", fileKey=file_key)
    done_batches = 0
    if previous and previous[0]["status"] == "done":
        report.status = "skipped"
        report.rows_read = int(previous[0]["rowsRead"] or 0)
        report.rows_loaded = int(previous[0]["rowsLoaded"] or 0)
        report.rows_rejected = int(previous[0]["rowsRejected"] or 0)
        return report
    if previous:
        report.status = "resumed"
        done_batches = int(previous[0]["batchesDone"] or 0)
        batch_size = int(previous[0]["batchSize"] or batch_size)
    manifest: dict[str, Any] = {
        "fileKey": file_key,
        "path": str(plan.path),
        "kind": plan.kind,
        "checksum": checksum,
        "batchSize": batch_size,
        "startedAt": utc_now(),
        "finishedAt": None,
    }
    rejects: list[Reject] = []
    batches = 0
    with open_reader(plan.path) as reader:
        for number, batch in enumerate(_batches(iter(reader), batch_size)):
            batches = number + 1
            prepared, batch_rejects = _prepare_batch(store, plan, batch, mapping, ctx)
            rejects.extend(batch_rejects)
            report.rows_read += len(batch)
            report.rows_rejected += len(batch_rejects)
            report.rows_loaded += len(prepared)
            if number >= done_batches:
                counts = {
                    "batchesDone": number + 1,
                    "rowsRead": report.rows_read,
                    "rowsLoaded": report.rows_loaded,
                    "rowsRejected": report.rows_rejected,
                    "status": "loading",
                }
                steps = [
                    *_steps(plan.kind, prepared),
                    Step("load/record_file", None, {**manifest, **counts}),
                ]
                store.write_tx(steps)
            if on_progress:
                on_progress(
                    LoadProgress(
                        str(plan.path), plan.kind, reader.position(), reader.size, report.rows_read
                    )
                )
    final = {
        **manifest,
        "batchesDone": batches,
        "rowsRead": report.rows_read,
        "rowsLoaded": report.rows_loaded,
        "rowsRejected": report.rows_rejected,
        "status": "done",
        "finishedAt": utc_now(),
    }
    store.write("load/record_file", **final)
    if rejects:
        report.rejects_path = str(_write_rejects(rejects_dir, plan.path, rejects))
    report.seconds = time.perf_counter() - started
    if on_progress:
        on_progress(
            LoadProgress(
                str(plan.path), plan.kind, reader.size, reader.size, report.rows_read, finished=True
            )
        )
    return report


def _prepare_batch(
    store: Store, plan: _Plan, batch: list[RawRow], mapping: Mapping, ctx: RowContext
) -> tuple[list[Prepared], list[Reject]]:
    name = plan.path.name
    rejects: list[Reject] = []
    ready: list[tuple[RawRow, Prepared]] = []
    for raw in batch:
        if raw.error:
            rejects.append(Reject(name, raw.line, "", raw.error))
            continue
        try:
            ready.append((raw, prepare_row(plan.kind, mapping.apply(raw.values), ctx)))
        except RowError as exc:
            rejects.append(Reject(name, raw.line, exc.column, exc.reason))
    uids = sorted({u for _, p in ready for u in p.uids})
    channels = sorted({p.channel for _, p in ready if p.channel})
    known_uids = (
        {r["uid"] for r in store.read("load/existing_customers", uids=uids)} if uids else set()
    )
    known_channels = (
        {r["channelId"] for r in store.read("load/existing_channels", ids=channels)}
        if channels
        else set()
    )
    prepared: list[Prepared] = []
    for raw, item in ready:
        unknown = [u for u in item.uids if u not in known_uids]
        if unknown:
            column = _uid_column(plan.kind, item, unknown[0])
            rejects.append(
                Reject(
                    name, raw.line, column, "refers to a record that no loaded customers file has"
                )
            )
        elif item.channel and item.channel not in known_channels:
            rejects.append(
                Reject(
                    name,
                    raw.line,
                    "channel_id",
                    "refers to a channel that no loaded channels file has",
                )
            )
        else:
            prepared.append(item)
    rejects.sort(key=lambda r: r.line)
    return prepared, rejects


def _uid_column(kind: str, item: Prepared, uid: str) -> str:
    first = item.uids[0] == uid
    return {
        "referrals": "referrer_id" if first else "referred_id",
        "social_links": "from_id" if first else "to_id",
    }.get(kind, "source_customer_id")


def _customer_steps(prepared: list[Prepared]) -> list[Step]:
    rows = [p.row for p in prepared]
    return [
        Step("load/merge_customers", rows),
        Step("load/clear_customer_identifiers", [{"uid": r["uid"]} for r in rows]),
        Step("load/merge_customer_identifiers", [i for p in prepared for i in p.identifiers]),
    ]


def _social_steps(prepared: list[Prepared]) -> list[Step]:
    by_rel: dict[RelType, list[dict[str, Any]]] = {}
    for p in prepared:
        by_rel.setdefault(p.row["rel"], []).append({k: v for k, v in p.row.items() if k != "rel"})
    return [Step("load/merge_social", r, slots={"rel": rel}) for rel, r in sorted(by_rel.items())]


_STEPS: dict[str, Callable[[list[Prepared]], list[Step]]] = {
    "customers": _customer_steps,
    "channels": lambda ps: [Step("load/merge_channels", [p.row for p in ps])],
    "touchpoints": lambda ps: [Step("load/add_touches", _aggregate_touches([p.row for p in ps]))],
    "purchases": lambda ps: [Step("load/merge_order_lines", [p.row for p in ps])],
    "referrals": lambda ps: [Step("load/merge_referrals", [p.row for p in ps])],
    "social_links": _social_steps,
}


def _steps(kind: str, prepared: list[Prepared]) -> list[Step]:
    """The writes of one batch of a kind (nothing when every row was rejected)."""
    return _STEPS[kind](prepared) if prepared else []


def _aggregate_touches(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["uid"], row["channelId"])
        seen = merged.get(key)
        if seen is None:
            merged[key] = dict(row)
        else:
            seen["count"] += row["count"]
            seen["firstAt"] = min(seen["firstAt"], row["firstAt"])
            seen["lastAt"] = max(seen["lastAt"], row["lastAt"])
    return list(merged.values())


def _write_rejects(rejects_dir: Path, path: Path, rejects: list[Reject]) -> Path:
    rejects_dir.mkdir(parents=True, exist_ok=True)
    out = rejects_dir / f"{path.name}.rejects.csv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "line", "column", "reason"])
        for r in rejects:
            writer.writerow([r.file, r.line, r.column, r.reason])
    return out
