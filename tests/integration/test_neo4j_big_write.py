"""A write-back larger than Neo4j's transaction memory still arrives: one transaction when it
fits, batches when the server says its transaction memory is full (a real server, sized by
reading its own limit)."""

from __future__ import annotations

import logging

import pytest

from graph.store import Neo4jStore, Step


@pytest.mark.neo4j
@pytest.mark.slow
def test_a_write_larger_than_the_transaction_memory_is_written_in_batches(
    neo4j_store: Neo4jStore, caplog: pytest.LogCaptureFixture
) -> None:
    limit = neo4j_store._driver.execute_query(
        "SHOW SETTINGS YIELD name, value WHERE name = 'dbms.memory.transaction.total.max' "
        "RETURN value"
    ).records[0]["value"]
    number, unit = float(limit[:-3]), limit[-3:]
    assert unit in {"MiB", "GiB"}, limit
    limit_bytes = number * (2**20 if unit == "MiB" else 2**30)
    size = 20_000
    count = int(1.5 * limit_bytes / size)  # half as much again as the server's limit
    rows = [{"name": f"blob-{i:07d}", "value": f"{i:07d}" + "x" * (size - 7)} for i in range(count)]

    with caplog.at_level(logging.WARNING, logger="graph.store.neo4j"):
        neo4j_store.write_tx([Step("identity/save_state", rows, {}, None)])
    assert "did not fit in one Neo4j transaction" in caplog.text
    found = neo4j_store._driver.execute_query(
        "MATCH (s:IdentityState) WHERE s.name STARTS WITH 'blob-' "
        "RETURN count(*) AS n, sum(size(s.value)) AS chars"
    ).records[0]
    assert found["n"] == count
    assert found["chars"] == count * size

    # a small write is still one transaction: no warning
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="graph.store.neo4j"):
        neo4j_store.write_tx([Step("identity/save_state", rows[:10], {}, None)])
    assert "did not fit" not in caplog.text
    neo4j_store.write("support/wipe")
