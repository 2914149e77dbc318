"""Reading and validating a file in batches, in line or in a child process (the same
function either way), and checking each batch's references against the store."""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from graph.errors import CustgraphError, InputError
from graph.model import tombstone_key
from graph.store.base import Store
from loaders.columnar import prepare_columns
from loaders.mapping import Mapping
from loaders.readers import RawBatch, open_reader
from loaders.report import FIELD_DROPPED, Reject
from loaders.rows import Prepared, RowContext, RowError, prepare_row


@dataclass(frozen=True, slots=True)
class Plan:
    """One file to load, and its kind."""

    path: Path
    kind: str


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


class Known:
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
class Validated:
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


def validated(
    plan: Plan, mapping: Mapping, ctx: RowContext, batch_size: int
) -> Iterator[Validated]:
    """Read ``plan``'s file in batches and validate and normalise each (pure: no store)."""
    name = plan.path.name
    with open_reader(plan.path) as reader:
        for batch in reader.batches(batch_size):
            ready, rejects = validate_batch(plan.kind, name, batch, mapping, ctx)
            yield Validated(
                ready,
                rejects,
                batch.rows_read,
                reader.position(),
                refs={u for _, p in ready for u in p.uids},
                own={p.row["uid"] for _, p in ready} if plan.kind == "customers" else set(),
                channels={p.channel for _, p in ready if p.channel},
            )


def validate_batch(
    kind: str, name: str, batch: RawBatch, mapping: Mapping, ctx: RowContext
) -> tuple[list[tuple[int, Prepared]], list[Reject]]:
    """Validate and normalise one batch of rows of a ``kind`` file called ``name``: the
    ready rows with their lines, and a reject per row that cannot load (pure; the in-process
    load and the Spark engine's input both run it, so both reject the same rows alike).

    >>> from loaders.readers import RawBatch
    >>> columns = {"channel_id": ["web", ""], "kind": ["online", "store"]}
    >>> batch = RawBatch([2, 3], columns, [], 2)
    >>> ready, rejects = validate_batch("channels", "c.csv", batch, Mapping(), RowContext())
    >>> [line for line, _ in ready], [(r.line, r.column) for r in rejects]
    ([2], [(3, 'channel_id')])
    """
    rejects = [Reject(name, raw.line, "", raw.error or "") for raw in batch.errors]
    n = len(batch.lines)
    fast = prepare_columns(kind, mapping.apply_columns(dict(batch.columns), n), ctx)
    ready: list[tuple[int, Prepared]] = []
    for index, item in enumerate(fast or [None] * n):
        if item is not None:
            ready.append((batch.lines[index], item))
            continue
        try:  # the reference path: exact reasons, and forms the fast path leaves to it
            values = mapping.apply(batch.values(index))
            ready.append((batch.lines[index], prepare_row(kind, values, ctx)))
        except RowError as exc:
            rejects.append(Reject(name, batch.lines[index], exc.column, exc.reason))
    return ready, rejects


_DONE = "done"


def in_child(plan: Plan, mapping: Mapping, ctx: RowContext, batch_size: int) -> Iterator[Validated]:
    """:func:`validated`, run in a child process (``python -m loaders.worker``) so that
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


def validate_to(out: IO[bytes], job: tuple[Plan, Mapping, RowContext, int]) -> None:
    """The child's side of :func:`in_child`: pickle each validated batch to ``out``, then
    ``_DONE`` (or the error that stopped it: its kind and where, never row values)."""
    import traceback

    try:
        for item in validated(*job):
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


def check_references(
    known: Known, plan: Plan, batch: Validated
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


def dropped_fields(name: str, batch: Validated, warned: list[Prepared]) -> list[Reject]:
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
