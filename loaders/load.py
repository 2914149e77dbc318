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
import gc
import hashlib
import json
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from graph.errors import CustgraphError, InputError
from graph.model import RelType, tombstone_key
from graph.runs import utc_now
from graph.store.base import Step, Store
from loaders.columnar import prepare_columns
from loaders.kinds import KINDS, LOAD_ORDER, detect_kind
from loaders.mapping import Mapping
from loaders.readers import file_format, open_reader
from loaders.rows import Prepared, RowContext, RowError, prepare_row

__all__ = ["FileReport", "LoadProgress", "LoadReport", "Reject", "load_files"]

PARALLEL_BYTES = 4 << 20
"""Files from this size up are read and validated in a child process while this one
writes (below it, starting the child costs more than it saves)."""


#: What happened to a row a line of a rejects file names.
ROW_REJECTED = "row rejected"
FIELD_DROPPED = "field dropped"


@dataclass(frozen=True, slots=True)
class Reject:
    """One rejected row, or one invalid optional field dropped from a loaded row: where it
    is, why, and which of the two (``action``); never its values."""

    file: str
    line: int
    column: str
    reason: str
    action: str = ROW_REJECTED


@dataclass(slots=True)
class FileReport:
    """What happened to one file: rows read = rows loaded + rows rejected, always.

    ``rows_warned`` counts the loaded rows that lost an invalid optional field.
    """

    path: str
    kind: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_warned: int = 0
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

    @property
    def rows_warned(self) -> int:
        """Rows loaded without an invalid optional field, over all files."""
        return sum(f.rows_warned for f in self.files)


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
        Rows per transaction (default: the store's ``batch_size``).
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
    known = _Known(store)
    for plan in sorted(plans, key=lambda p: (LOAD_ORDER.index(p.kind), str(p.path))):
        with gc_paused():
            report.files.append(
                _load_file(
                    store,
                    plan,
                    mapping=mapping,
                    ctx=ctx,
                    rejects_dir=Path(rejects_dir),
                    batch_size=batch_size or store.batch_size,
                    on_progress=on_progress,
                    known=known,
                )
            )
    return report


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold Python's cyclic garbage collector for a block, then collect once.

    A load allocates millions of short-lived rows; the collector, triggered every few
    hundred allocations, would walk them again and again (a fifth of a load's time,
    measured). Rows form no reference cycles, so reference counting frees them as each
    batch is written and memory stays flat; the collection at the end takes whatever else.

    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
        gc.collect()


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


def _load_file(
    store: Store,
    plan: _Plan,
    *,
    mapping: Mapping,
    ctx: RowContext,
    rejects_dir: Path,
    batch_size: int,
    on_progress: ProgressFn | None,
    known: _Known,
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
        report.rows_warned = int(previous[0].get("rowsWarned") or 0)
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
    batches = 0
    size = plan.path.stat().st_size
    stream = _in_child if size >= PARALLEL_BYTES else _validated
    with (
        _RejectsFile(rejects_dir / f"{plan.path.name}.rejects.csv") as rejects,
        _BatchWriter(store, background=store.kind == "neo4j") as writer,
    ):
        for number, batch in enumerate(stream(plan, mapping, ctx, batch_size)):
            batches = number + 1
            prepared, batch_rejects = _check_references(known, plan, batch)
            warned = [p for p in prepared if p.dropped]
            lines = [*batch_rejects, *_dropped_fields(plan.path.name, batch, warned)]
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
                        *_steps(plan.kind, prepared),
                        Step("load/record_file", None, {**manifest, **counts}),
                    ]
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


class _Known:
    """References already found in the store during this load (bounded), so each record or
    channel is looked up once rather than once per row that names it."""

    LIMIT = 1_000_000

    def __init__(self, store: Store) -> None:
        self._store = store
        self._seen: dict[str, set[str]] = {}

    def missing(self, query: str, column: str, keys: set[str]) -> set[str]:
        seen = self._seen.setdefault(query, set())
        todo = sorted(keys - seen)
        if not todo:
            return set()
        missing = {r[column] for r in self._store.read(query, keys=todo)}
        if len(seen) + len(todo) > self.LIMIT:
            seen.clear()
        seen.update(k for k in todo if k not in missing)
        return missing


@dataclass(slots=True)
class _Validated:
    """One batch of a file, validated and normalised, before its references are checked."""

    ready: list[tuple[int, Prepared]]  # (line, row)
    rejects: list[Reject]
    rows_read: int
    position: int  # bytes of the file consumed after this batch
    # Collected where the batch is validated (the child process for large files), so the
    # writing process only looks them up:
    refs: set[str]  # records the ready rows refer to
    own: set[str]  # records the ready rows are (customers files)
    channels: set[str]  # channels the ready rows refer to


def _validated(
    plan: _Plan, mapping: Mapping, ctx: RowContext, batch_size: int
) -> Iterator[_Validated]:
    """Read ``plan``'s file in batches and validate and normalise each (pure: no store)."""
    name = plan.path.name
    with open_reader(plan.path) as reader:
        for batch in reader.batches(batch_size):
            rejects = [Reject(name, raw.line, "", raw.error or "") for raw in batch.errors]
            n = len(batch.lines)
            fast = prepare_columns(plan.kind, mapping.apply_columns(dict(batch.columns), n), ctx)
            ready: list[tuple[int, Prepared]] = []
            for index, item in enumerate(fast or [None] * n):
                if item is not None:
                    ready.append((batch.lines[index], item))
                    continue
                try:  # the reference path: exact reasons, and forms the fast path leaves to it
                    values = mapping.apply(batch.values(index))
                    ready.append((batch.lines[index], prepare_row(plan.kind, values, ctx)))
                except RowError as exc:
                    rejects.append(Reject(name, batch.lines[index], exc.column, exc.reason))
            yield _Validated(
                ready,
                rejects,
                batch.rows_read,
                reader.position(),
                refs={u for _, p in ready for u in p.uids},
                own={p.row["uid"] for _, p in ready} if plan.kind == "customers" else set(),
                channels={p.channel for _, p in ready if p.channel},
            )


_DONE = "done"


def _in_child(
    plan: _Plan, mapping: Mapping, ctx: RowContext, batch_size: int
) -> Iterator[_Validated]:
    """:func:`_validated`, run in a child process (``python -m loaders.worker``) so that
    reading and validating the next batches (CPU-bound Python: CSV parsing, phone numbers)
    overlaps writing this one.

    Batches come back pickled through a pipe: the pipe's buffer is the only queue, so memory
    stays flat. An error in the child is raised here; leaving early (an error in the writer,
    Ctrl-C) stops the child, and a child whose parent was killed stops at its next write.
    A plain child process rather than :mod:`multiprocessing`: nothing of the caller's
    ``__main__`` is imported again, so scripts need no ``if __name__ == "__main__"`` guard.
    """
    root = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    child = subprocess.Popen(
        [sys.executable, "-m", "loaders.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )
    assert child.stdin is not None
    assert child.stdout is not None
    try:
        pickle.dump((plan, mapping, ctx, batch_size), child.stdin)
        child.stdin.close()
        while True:
            try:
                item = pickle.load(child.stdout)  # noqa: S301 (our own child, a private pipe)
            except EOFError:
                raise InputError(
                    f"{plan.path.name}: the validating process stopped unexpectedly "
                    f"(exit code {child.wait()}); run the load again"
                ) from None
            if isinstance(item, BaseException):
                raise item
            if item == _DONE:
                return
            yield item
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.wait()


def validate_to(out: IO[bytes], job: tuple[_Plan, Mapping, RowContext, int]) -> None:
    """The child's side of :func:`_in_child`: pickle each validated batch to ``out``, then
    ``_DONE`` (or the error that stopped it: its kind and where, never row values)."""
    import traceback

    try:
        for item in _validated(*job):
            pickle.dump(item, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
    except CustgraphError as exc:
        pickle.dump(exc, out)
    except Exception as exc:  # a bug: say what and where, not the message (it may hold values)
        where = traceback.extract_tb(exc.__traceback__)[-1]
        pickle.dump(
            InputError(
                f"{job[0].path.name}: validating failed with {type(exc).__name__} at "
                f"{Path(where.filename).name}:{where.lineno}; please report it"
            ),
            out,
        )
    else:
        pickle.dump(_DONE, out)
    out.flush()


UNKNOWN_CHANNEL = "refers to a channel that no loaded channels file has"


def _check_references(
    known: _Known, plan: _Plan, batch: _Validated
) -> tuple[list[Prepared], list[Reject]]:
    """Reject the rows of ``batch`` that refer to records or channels the store lacks, or
    to records that were erased; the rest are ready to write."""
    name = plan.path.name
    ready, rejects = batch.ready, list(batch.rejects)
    missing_uids = known.missing("load/missing_customers", "uid", batch.refs)
    erased = known.missing(
        "load/erased_records", "uid", {tombstone_key(u) for u in batch.refs | batch.own}
    )
    missing_channels = known.missing("load/missing_channels", "channelId", batch.channels)
    if not (missing_uids or erased or missing_channels):  # the usual case
        return [item for _, item in ready], sorted(rejects, key=lambda r: r.line)
    prepared: list[Prepared] = []
    for line, item in ready:
        gone = [u for u in (*item.uids, item.row.get("uid")) if u and tombstone_key(u) in erased]
        unknown = [u for u in item.uids if u in missing_uids]
        if gone:
            column = (
                "source_customer_id"
                if plan.kind == "customers"
                else _uid_column(plan.kind, item, gone[0])
            )
            rejects.append(
                Reject(name, line, column, "the record was erased (right to be forgotten)")
            )
        elif unknown:
            column = _uid_column(plan.kind, item, unknown[0])
            rejects.append(
                Reject(name, line, column, "refers to a record that no loaded customers file has")
            )
        elif item.channel and item.channel in missing_channels and plan.kind == "purchases":
            # optional on an order line: the order loads without its channel (a warning line)
            item.channel = item.row["channelId"] = None
            item.dropped = (*item.dropped, ("channel_id", f"{UNKNOWN_CHANNEL}; load it first"))
            prepared.append(item)
        elif item.channel and item.channel in missing_channels:
            rejects.append(Reject(name, line, "channel_id", UNKNOWN_CHANNEL))
        else:
            prepared.append(item)
    rejects.sort(key=lambda r: r.line)
    return prepared, rejects


def _dropped_fields(name: str, batch: _Validated, warned: list[Prepared]) -> list[Reject]:
    """A warning line per optional field dropped from a row that loaded."""
    if not warned:
        return []
    loaded = {id(p) for p in warned}
    return [
        Reject(name, line, column, reason, FIELD_DROPPED)
        for line, item in batch.ready
        if id(item) in loaded
        for column, reason in item.dropped
    ]


def _uid_column(kind: str, item: Prepared, uid: str) -> str:
    first = item.uids[0] == uid
    return {
        "referrals": "referrer_id" if first else "referred_id",
        "social_links": "from_id" if first else "to_id",
    }.get(kind, "source_customer_id")


def _social_steps(prepared: list[Prepared]) -> list[Step]:
    by_rel: dict[RelType, list[dict[str, Any]]] = {}
    for p in prepared:  # each row keeps its "rel" key: the statements do not read it
        by_rel.setdefault(p.row["rel"], []).append(p.row)
    return [Step("load/merge_social", r, slots={"rel": rel}) for rel, r in sorted(by_rel.items())]


def _purchase_steps(prepared: list[Prepared]) -> list[Step]:
    """Orders once per batch, then product lines, channels and order totals.

    Rows are applied in file order, so for every attribute the last line of an order wins,
    as if each line had been written on its own.
    """
    orders: dict[str, dict[str, Any]] = {}
    channels: dict[str, str] = {}
    products: dict[str, str | None] = {}
    lines: dict[tuple[str, str], dict[str, Any]] = {}
    for p in prepared:
        r = p.row
        order = orders.setdefault(r["orderId"], {"hasDirect": False, "directAmount": None})
        order.update(
            orderId=r["orderId"], uid=r["uid"], purchasedAt=r["purchasedAt"], currency=r["currency"]
        )
        if r["channelId"] is not None:
            channels[r["orderId"]] = r["channelId"]
        if r["productId"] is None:
            order.update(hasDirect=True, directAmount=r["amount"])
            continue
        if r["category"] is not None or r["productId"] not in products:
            products[r["productId"]] = r["category"] or products.get(r["productId"])
        lines[(r["orderId"], r["productId"])] = {
            "orderId": r["orderId"],
            "productId": r["productId"],
            "quantity": r["quantity"],
            "amount": r["amount"],
        }
    return [
        Step("load/merge_products", [{"productId": k, "category": v} for k, v in products.items()]),
        Step("load/merge_orders", list(orders.values())),
        Step("load/merge_order_lines", list(lines.values())),
        Step(
            "load/merge_order_channels",
            [{"orderId": k, "channelId": v} for k, v in channels.items()],
        ),
        Step("load/total_orders", [{"orderId": o} for o in orders]),
    ]


def _customer_steps(prepared: list[Prepared]) -> list[Step]:
    rows = [p.row for p in prepared]
    return [
        Step("load/merge_customers", rows),
        Step("load/clear_customer_identifiers", [{"uid": r["uid"]} for r in rows]),
        Step("load/identify_customers", [i for p in prepared for i in p.identifiers]),
    ]


_STEPS: dict[str, Callable[[list[Prepared]], list[Step]]] = {
    "customers": _customer_steps,
    "channels": lambda ps: [Step("load/merge_channels", [p.row for p in ps])],
    "touchpoints": lambda ps: [
        Step("load/add_touch_events", _touch_events([p.row for p in ps])),
        Step("load/add_touches", _aggregate_touches([p.row for p in ps])),
    ],
    "purchases": _purchase_steps,
    "referrals": lambda ps: [Step("load/merge_referrals", [p.row for p in ps])],
    "social_links": _social_steps,
}


def _steps(kind: str, prepared: list[Prepared]) -> list[Step]:
    """The writes of one batch of a kind (nothing when every row was rejected)."""
    return _STEPS[kind](prepared) if prepared else []


def _touch_events(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each touchpoint row as an event of its record, in file order (appended: a batch is
    written exactly once, with its manifest entry)."""
    return [
        {
            "uid": r["uid"],
            "channelId": r["channelId"],
            "at": r["firstAt"],
            "event": r.get("event"),
            "count": r["count"],
        }
        for r in rows
    ]


def _aggregate_touches(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows summed per (record, channel) for ``TOUCHED``."""
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


class _RejectsFile:
    """``file,line,column,reason,action`` rows (``action``: a row rejected or a field
    dropped), written as they come; the file exists only if any."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def write(self, rejects: Sequence[Reject]) -> None:
        if not rejects:
            return
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(["file", "line", "column", "reason", "action"])
        for r in rejects:
            self._writer.writerow([r.file, r.line, r.column, r.reason, r.action])
        self.count += len(rejects)

    def __enter__(self) -> _RejectsFile:
        self.path.unlink(missing_ok=True)  # a re-run rewrites it whole
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()


class _BatchWriter:
    """Commits batches in order; for Neo4j on a background thread while the next is prepared.

    Neo4j spends a batch's time in the server, waiting on the socket, so reading and
    validating the next batch overlaps it. SQLite writes in this process and releases and
    re-takes the GIL around every row, so a second thread only convoys: it writes in line.
    At most two batches wait, so memory stays flat. The first write error stops the writer
    and is raised in the loading thread.
    """

    def __init__(self, store: Store, *, background: bool) -> None:
        self._store = store
        self._background = background
        self._queue: queue.Queue[list[Step] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="custgraph-writer", daemon=True)

    def _run(self) -> None:
        while (steps := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._store.write_tx(steps)
                except BaseException as exc:  # re-raised in the loading thread
                    self._error = exc

    def submit(self, steps: list[Step]) -> None:
        if not self._background:
            self._store.write_tx(steps)
            return
        if self._error is not None:
            raise self._error
        self._queue.put(steps)

    def __enter__(self) -> _BatchWriter:
        if self._background:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._background:
            return
        self._queue.put(None)
        self._thread.join()
        if self._error is not None and exc[0] is None:
            raise self._error
