"""Frames from Neo4j travel as lists of rows with temporal values formatted by the server:
the same values, in the same order, as reading record by record and formatting in Python."""

from __future__ import annotations

import pytest

from graph.store import Neo4jStore
from graph.store.neo4j import FRAME_CHUNK, columnar, plain_value

VALUES = (
    "[datetime('2024-01-05T10:00:00+02:00'), datetime('1999-12-31T23:59:07Z'),"
    " datetime('2024-03-31T01:30:00[Europe/Berlin]'), datetime('2024-06-01T00:00:00.123Z'),"
    " localdatetime('2020-02-03T04:05:06'), date('2021-03-04'), 'x', 3, 2.5, true, null,"
    " [1, 2]]"
)


@pytest.mark.neo4j
def test_rows_as_lists_equal_rows_as_records(neo4j_store: Neo4jStore) -> None:
    driver = neo4j_store._driver
    query = f"UNWIND {VALUES} AS v RETURN v, 1.5 AS n"
    lists = driver.execute_query(columnar(query, ["v", "n"])).records[0]["rows"]
    records = driver.execute_query(query).records
    assert lists == [[plain_value(r["v"]), r["n"]] for r in records]
    assert lists[0][0] == "2024-01-05T08:00:00Z"  # UTC, seconds always written


@pytest.mark.neo4j
def test_a_frame_larger_than_one_chunk_comes_back_whole_and_in_order(
    neo4j_store: Neo4jStore,
) -> None:
    count = 2 * FRAME_CHUNK + 7
    rows = [{"name": f"n-{i:06d}", "value": str(i)} for i in range(count)]
    neo4j_store.write("identity/save_state", rows=rows)
    frame = neo4j_store.frame("identity/state")
    names = [n for n in frame["name"] if n.startswith("n-")]
    assert names == sorted(r["name"] for r in rows)  # every row, in the query's order
    assert frame.set_index("name").loc["n-012345", "value"] == "12345"
