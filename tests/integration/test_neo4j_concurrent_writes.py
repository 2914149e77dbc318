"""Writes that run at once on Neo4j (``Store.write_many``): a derivation of the person graph
that loses a deadlock to another transaction is run again and ends as if it had run once;
and a write that commits in batches without saying ``rerun: safe`` is not run beside
another. (That an identity run, whose five derivations run two at a time on Neo4j, leaves
the embedded store's person graph is tested in ``test_identity_stores.py``.)"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from graph.model import RelType
from graph.store import Neo4jStore, Step

# The test's own transactions take write locks with these statements (test scaffolding: no
# product code sends them). Of two deadlocked transactions, Neo4j aborts the one holding
# fewer locks, so T1 first locks a crowd of nodes outside the model.
LOCK = "MATCH (p:Person {personId: $id}) SET p.lockedByTest = true"
CROWD = "UNWIND range(1, 50) AS i CREATE (:TestCrowd {i: i})"
LOCK_CROWD = "MATCH (n:TestCrowd) SET n.lockedByTest = true"
BLOCKED = (
    "SHOW TRANSACTIONS YIELD status, currentQuery WHERE status STARTS WITH 'Blocked' "
    "AND currentQuery CONTAINS $text RETURN count(*) AS n"
)
# Three persons, each with a record that follows a record of another person; the sources are
# created first, so the derivation walks W, then V, then U.
GRAPH = """
UNWIND ['W', 'V', 'U'] AS k
CREATE (:Person {personId: 'P-' + k})<-[:RESOLVES_TO]-(:Customer {uid: 'crm:' + k})
WITH collect(k) AS ks
UNWIND ks AS k
CREATE (:Person {personId: 'P-t' + k})<-[:RESOLVES_TO]-(:Customer {uid: 'crm:t' + k})
WITH DISTINCT ks
UNWIND ks AS k
MATCH (a:Customer {uid: 'crm:' + k}), (b:Customer {uid: 'crm:t' + k})
CREATE (a)-[:FOLLOWS {weight: 1.0, since: '2024-01-01'}]->(b)
"""


def _wait_for(what: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not what():
        assert time.monotonic() < deadline, "the server never reached the expected state"
        time.sleep(0.05)


@pytest.mark.neo4j
def test_a_derivation_that_loses_a_deadlock_is_run_again(
    neo4j_store: Neo4jStore, caplog: pytest.LogCaptureFixture
) -> None:
    """The derivation D holds W and waits for V (held by T2); T1 holds U (and a crowd of
    other nodes) and waits for W (held by D); T2 lets V go, D asks for U and closes the
    cycle, and the server aborts D's batch, which holds fewer locks. Without the retry the
    write fails with ``DeadlockDetected``."""
    driver = neo4j_store._driver

    def blocked(text: str) -> bool:
        """Whether a transaction running a query that contains ``text`` waits for a lock."""
        return int(driver.execute_query(BLOCKED, text=text).records[0]["n"]) > 0

    driver.execute_query(GRAPH)
    driver.execute_query(CROWD)
    failures: list[BaseException] = []

    def derive() -> None:
        try:
            neo4j_store.write("identity/derive_person_social", slots={"rel": RelType.FOLLOWS})
        except BaseException as exc:  # handed to the test's thread, which fails on it
            failures.append(exc)

    def take_w(tx: Any) -> None:
        try:
            tx.run(LOCK, id="P-W").consume()
        except BaseException as exc:  # handed to the test's thread, which fails on it
            failures.append(exc)

    with (
        driver.session() as s1,
        driver.session() as s2,
        caplog.at_level(logging.INFO, logger="graph.store.neo4j"),
    ):
        t2 = s2.begin_transaction()
        t2.run(LOCK, id="P-V").consume()
        d = threading.Thread(target=derive)
        d.start()
        _wait_for(lambda: blocked("RESOLVES_TO"))  # D waits for V
        t1 = s1.begin_transaction()
        t1.run(LOCK_CROWD).consume()
        t1.run(LOCK, id="P-U").consume()
        w = threading.Thread(target=take_w, args=(t1,))
        w.start()
        _wait_for(lambda: blocked("lockedByTest"))  # T1 waits for W
        t2.rollback()
        w.join(timeout=60)
        t1.rollback()
        d.join(timeout=120)
    assert not failures, [str(f) for f in failures]
    assert "met a transient error; running it again" in caplog.text
    links = neo4j_store.read("influence/person_social", slots={"rel": RelType.FOLLOWS})
    assert sorted((r["src"], r["dst"], r["weight"]) for r in links) == [
        ("P-U", "P-tU", 1.0),
        ("P-V", "P-tV", 1.0),
        ("P-W", "P-tW", 1.0),
    ]


@pytest.mark.neo4j
def test_a_batched_write_that_may_not_run_twice_is_not_run_beside_another(
    neo4j_store: Neo4jStore,
) -> None:
    with pytest.raises(ValueError, match="support/wipe commits in batches"):
        neo4j_store.write_many([Step("support/wipe"), Step("identity/flag_self_referrals")])
