"""The embedded store's load writes: batches grouped into commits, the event index set aside
for a large touchpoint file, each row an event and the batch summed into TOUCHED."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.store import SqliteStore
from graph.store.base import Step
from loaders.write import BatchWriter


def _channel(name: str) -> Step:
    return Step("load/merge_channels", [{"channelId": name, "kind": "web", "name": None}])


def _channels(path: Path) -> int:
    other = SqliteStore(path)  # another connection: sees committed rows only
    try:
        return sum(int(r["count"]) for r in other.read("status/counts") if r["name"] == "Channel")
    finally:
        other.close()


def test_batches_commit_in_groups_and_an_error_rolls_back_only_the_open_group(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "g.db")
    store.ensure_schema()

    def load_and_fail() -> None:
        with BatchWriter(store, background=False, rows_per_commit=3) as writer:
            writer.submit([_channel("a")], 1)
            writer.submit([_channel("b")], 1)
            assert _channels(store.path) == 0  # the group is still open
            writer.submit([_channel("c")], 1)
            assert _channels(store.path) == 3  # three rows: committed
            writer.submit([_channel("d")], 1)
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        load_and_fail()
    assert _channels(store.path) == 3  # "d" was rolled back with its open group
    with BatchWriter(store, background=False, rows_per_commit=3) as writer:
        writer.submit([_channel("e")], 1)
    assert _channels(store.path) == 4  # the last group commits when the writer closes
    store.close()


def _event_index(store: SqliteStore) -> bool:
    rows = store._conn().execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'touch_event_src'"
    )
    return bool(rows.fetchone()[0])


def test_a_large_touchpoint_file_is_loaded_with_the_event_index_set_aside(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "i.db")
    store.ensure_schema()
    with store.loading("touchpoints", 64_000):  # ~1,000 rows into an empty table
        assert not _event_index(store)
    assert _event_index(store)
    with store.loading("customers", 64_000):
        assert _event_index(store)
    event = {"uid": "shop:1", "channelId": "web", "firstAt": "2026-01-01T00:00:00Z",
             "lastAt": "2026-01-01T00:00:00Z", "count": 1, "event": None}  # fmt: skip
    store.write("load/add_touchpoints", [event] * 2_000, n=2_000)
    with store.loading("touchpoints", 64_000):  # fewer rows than the store holds: kept
        assert _event_index(store)
    with pytest.raises(RuntimeError), store.loading("touchpoints", 10**9):
        raise RuntimeError("killed")
    assert _event_index(store)  # built again whatever ends the load
    store.close()


def test_each_row_is_an_event_and_each_batch_is_summed_into_touched(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "t.db")
    store.ensure_schema()
    at = ["2026-01-03T00:00:00Z", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"]
    rows = [
        {"uid": u, "channelId": c, "firstAt": t, "lastAt": t, "count": n, "event": None}
        for u, c, t, n in [
            ("r1", "web", at[0], 1),
            ("r1", "web", at[1], 2),
            ("r2", "app", at[2], 1),
        ]
    ]
    store.write("load/add_touchpoints", rows[:2], n=2)
    store.write("load/add_touchpoints", rows[2:], n=1)
    conn = store._conn()
    touched = conn.execute("SELECT src, dst, count, firstAt, lastAt FROM touched ORDER BY src")
    assert [tuple(r) for r in touched] == [
        ("r1", "web", 3, at[1], at[0]),
        ("r2", "app", 1, at[2], at[2]),
    ]
    assert tuple(conn.execute("SELECT count(*), sum(count) FROM touch_event").fetchone()) == (3, 4)
    store.close()


def test_a_record_given_twice_in_a_batch_keeps_its_last_rows_identifiers(
    tmp_path: Path,
) -> None:
    """As across batches: the last row's identifiers are the record's links; an identifier
    only an earlier row gave stays a node (a load never removes one)."""
    from graph.model import CUSTOMER_FIELDS
    from loaders.rows import Prepared, identifiers_of
    from loaders.write import batch_steps

    store = SqliteStore(tmp_path / "g.db")
    store.ensure_schema()
    blank = dict.fromkeys(f.graph for f in CUSTOMER_FIELDS)
    first = {**blank, "uid": "crm:1", "source": "crm", "sourceCustomerId": "1",
             "email": "a@x.org", "deviceId": "d-1"}  # fmt: skip
    last = {**first, "email": "b@x.org"}
    other = {**blank, "uid": "crm:2", "source": "crm", "sourceCustomerId": "2",
             "email": "c@x.org"}  # fmt: skip
    rows = [Prepared(r, identifiers_of(r)) for r in (first, other, last)]
    store.write_tx(batch_steps("customers", rows))
    page = store.table("bulk/has_identifier", limit=100, afterSrc="", afterDst="")
    links = {(r["src"], r["dst"]) for r in page.to_pylist()}
    assert links == {
        ("crm:1", "email:b@x.org"),
        ("crm:1", "device:d-1"),
        ("crm:2", "email:c@x.org"),
    }
    keys = {r["key"] for r in store.table("bulk/identifiers", limit=100, after="").to_pylist()}
    assert keys == {"email:a@x.org", "email:b@x.org", "device:d-1", "email:c@x.org"}
