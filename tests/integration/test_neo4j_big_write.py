"""A write-back larger than Neo4j's transaction memory still arrives: one transaction when it
fits, batches when it would not (stopped early, as it fills the server's memory) or when the
server says its transaction memory is full (a real server, sized by reading its own limit);
and a write's rows never reach the driver's debug log."""

from __future__ import annotations

import logging

import pytest

from graph.store import Neo4jStore, Step
from graph.store.neo4j import memory_bytes

SIZE = 20_000  # characters per row


def _rows_beyond_the_limit(store: Neo4jStore) -> list[dict[str, str]]:
    """Rows of half as much again as the server's transaction memory limit."""
    limits = {r["name"]: r["value"] for r in store.read("status/transaction_memory_limit")}
    limit = memory_bytes(limits["dbms.memory.transaction.total.max"])
    assert limit, limits  # a server with a limit (the tests' server has 70 % of its heap)
    count = int(1.5 * limit / SIZE)
    return [{"name": f"blob-{i:07d}", "value": f"{i:07d}" + "x" * (SIZE - 7)} for i in range(count)]


def _arrived(store: Neo4jStore, rows: list[dict[str, str]]) -> None:
    (found,) = store.read("support/state_size", prefix="blob-")
    assert found["n"] == len(rows)
    assert found["chars"] == len(rows) * SIZE


def _delete_blobs(store: Neo4jStore) -> None:
    """Delete the rows in small transactions: the wipe's 10,000 nodes of 20 kB at a time
    would be 200 MB each in the server's heap and transaction log."""
    store.write("support/delete_state_like", prefix="blob-")
    assert store.read("support/state_size", prefix="blob-") == [{"n": 0, "chars": 0}]


@pytest.mark.neo4j
@pytest.mark.slow
def test_a_write_larger_than_the_transaction_memory_is_written_in_batches(
    neo4j_store: Neo4jStore, caplog: pytest.LogCaptureFixture
) -> None:
    rows = _rows_beyond_the_limit(neo4j_store)
    try:
        with caplog.at_level(logging.WARNING, logger="graph.store.neo4j"):
            neo4j_store.write_tx([Step("identity/save_state", rows, {}, None)])
        assert "did not fit in one Neo4j transaction" in caplog.text
        # the attempt stopped after its first batches, not when the server refused it
        assert "so all of them would need" in caplog.text
        _arrived(neo4j_store, rows)

        # a small write is still one transaction: no warning
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="graph.store.neo4j"):
            neo4j_store.write_tx([Step("identity/save_state", rows[:10], {}, None)])
        assert "did not fit" not in caplog.text
    finally:
        _delete_blobs(neo4j_store)


@pytest.mark.neo4j
@pytest.mark.slow
def test_a_write_the_server_refuses_is_written_in_batches(
    neo4j_store: Neo4jStore, caplog: pytest.LogCaptureFixture
) -> None:
    """Without a limit to watch against (a user who may not read the server's settings),
    the one transaction is tried until the server refuses it; the rows still arrive."""
    neo4j_store._memory_limit, neo4j_store._memory_limit_read = None, True
    rows = _rows_beyond_the_limit(neo4j_store)
    try:
        with caplog.at_level(logging.WARNING, logger="graph.store.neo4j"):
            neo4j_store.write_tx([Step("identity/save_state", rows, {}, None)])
        assert "dbms.memory.transaction.total.max, is full" in caplog.text
        _arrived(neo4j_store, rows)
    finally:
        _delete_blobs(neo4j_store)


@pytest.mark.neo4j
def test_the_drivers_debug_log_never_holds_a_writes_rows(
    neo4j_store: Neo4jStore, caplog: pytest.LogCaptureFixture
) -> None:
    """The driver formats a statement's parameters for its debug log before it asks whether
    the log is on: the rows go as a list whose text names only their length, so a debug log
    never holds a customer's values (and a write-back never pays to format them)."""
    rows = [{"name": f"blob-{i}", "value": f"ada.lovelace+{i}@example.org"} for i in range(3)]
    try:
        with caplog.at_level(logging.DEBUG, logger="neo4j"):
            neo4j_store.write_tx([Step("identity/save_state", rows, {}, None)])
        assert "C: RUN" in caplog.text  # the driver did log the statement
        assert "<3 rows>" in caplog.text
        assert "lovelace" not in caplog.text
        assert neo4j_store.read("support/state_size", prefix="blob-") == [
            {"n": 3, "chars": sum(len(r["value"]) for r in rows)}
        ]
    finally:
        _delete_blobs(neo4j_store)
