"""What a validated batch becomes in the store (the named writes per kind), and the writer
that commits batches in order."""

from __future__ import annotations

import queue
import threading
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from graph.model import RelType
from graph.store.base import Step, Store
from loaders.rows import Prepared


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
    """Records upserted; each record linked to its last row's identifiers.

    Every identifier a row gives becomes a node, whether or not a later row of its record
    still gives it (a node stays once loaded). A record given more than once in one batch is
    linked again to its last row's identifiers alone, as it would be were its rows in
    different batches: before, it kept the links of every row of the batch.
    """
    rows = [p.row for p in prepared]
    steps = [
        Step("load/merge_customers", rows),
        Step("load/clear_customer_identifiers", [{"uid": r["uid"]} for r in rows]),
        Step("load/identify_customers", [i for p in prepared for i in p.identifiers]),
    ]
    last = {p.row["uid"]: p for p in prepared}
    if len(last) < len(prepared):
        again = [uid for uid, n in Counter(p.row["uid"] for p in prepared).items() if n > 1]
        steps += [
            Step("load/clear_customer_identifiers", [{"uid": uid} for uid in again]),
            Step("load/identify_customers", [i for uid in again for i in last[uid].identifiers]),
        ]
    return steps


STEPS: dict[str, Callable[[list[Prepared]], list[Step]]] = {
    "customers": _customer_steps,
    "channels": lambda ps: [Step("load/merge_channels", [p.row for p in ps])],
    # each row an event of its record, the batch summed into TOUCHED, in one set-based step
    "touchpoints": lambda ps: [Step("load/add_touchpoints", [p.row for p in ps], {"n": len(ps)})],
    "purchases": _purchase_steps,
    "referrals": lambda ps: [Step("load/merge_referrals", [p.row for p in ps])],
    "social_links": _social_steps,
}


def batch_steps(kind: str, prepared: list[Prepared]) -> list[Step]:
    """The writes of one batch of a kind (nothing when every row was rejected)."""
    return STEPS[kind](prepared) if prepared else []


class BatchWriter:
    """Commits batches in order; for Neo4j on a background thread while the next is prepared.

    Neo4j spends a batch's time in the server, waiting on the socket, so reading and
    validating the next batch overlaps it. SQLite writes in this process and releases and
    re-takes the GIL around every row, so a second thread only convoys: it writes in line,
    and batches join one transaction (:meth:`Store.grouped`) until ``rows_per_commit`` rows
    are in it (a batch's manifest entry is in the same transaction, so a re-run resumes after
    the last commit). At most two batches wait, so memory stays flat. The first write error
    stops the writer and is raised in the loading thread.
    """

    def __init__(self, store: Store, *, background: bool, rows_per_commit: int = 0) -> None:
        self._store = store
        self._background = background
        self._rows_per_commit = rows_per_commit
        self._group: ExitStack | None = None
        self._pending = 0
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

    def submit(self, steps: list[Step], rows: int = 0) -> None:
        """Write one batch's steps (``rows``: how many input rows the batch holds)."""
        if not self._background:
            if self._group is None:
                self._group = ExitStack()
                self._group.enter_context(self._store.grouped())
            self._store.write_tx(steps)
            self._pending += rows
            if self._pending >= self._rows_per_commit:
                self._commit()
            return
        if self._error is not None:
            raise self._error
        self._queue.put(steps)

    def _commit(self) -> None:
        group, self._group, self._pending = self._group, None, 0
        if group is not None:
            group.close()

    def __enter__(self) -> BatchWriter:
        if self._background:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._background:
            group, self._group = self._group, None
            if group is not None:  # commits, or rolls back what the error interrupted
                group.__exit__(*exc)  # type: ignore[arg-type]
            return
        self._queue.put(None)
        self._thread.join()
        if self._error is not None and exc[0] is None:
            raise self._error
