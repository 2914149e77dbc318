"""One-time schema upgrades on a real Neo4j: an older database is carried forward by the
next schema check, once."""

from __future__ import annotations

import pytest

from graph.store import Neo4jStore


@pytest.mark.neo4j
def test_an_older_database_calls_the_record_key_by_its_one_name_once(
    neo4j_store: Neo4jStore,
) -> None:
    driver, db = neo4j_store._driver, neo4j_store.database
    # a database from before schema 6: records keep the key's second part as sourceId
    driver.execute_query(
        "MATCH (s:SchemaState {name: 'sourceCustomerId'}) DELETE s "
        "WITH count(*) AS _ UNWIND range(1, 3) AS i "
        "CREATE (:Customer {uid: 'crm:C-' + i, source: 'crm', sourceId: 'C-' + i})",
        database_=db,
    )
    neo4j_store.ensure_schema()
    records = driver.execute_query(
        "MATCH (c:Customer) RETURN c.uid AS uid, c.sourceCustomerId AS key, "
        "c.sourceId AS old ORDER BY uid",
        database_=db,
    ).records
    assert [(r["uid"], r["key"], r["old"]) for r in records] == [
        ("crm:C-1", "C-1", None),
        ("crm:C-2", "C-2", None),
        ("crm:C-3", "C-3", None),
    ]
    # done once: the mark stays, and a later check leaves the data alone
    driver.execute_query("CREATE (:Customer {uid: 'x:1', sourceId: 'kept'})", database_=db)
    neo4j_store.ensure_schema()
    kept = driver.execute_query(
        "MATCH (c:Customer {uid: 'x:1'}) RETURN c.sourceId AS old", database_=db
    ).records
    assert kept[0]["old"] == "kept"
    marks = driver.execute_query(
        "MATCH (s:SchemaState {name: 'sourceCustomerId'}) RETURN count(s) AS n", database_=db
    ).records
    assert marks[0]["n"] == 1
