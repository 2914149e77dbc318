"""The store conformance suite: the same tests against SQLite and a real Neo4j.

Both stores must give the same answers to the same named queries.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from graph.errors import QueryError
from graph.model import CUSTOMER_FIELDS, RelType
from graph.store import Neo4jStore, Step, Store
from graph.store.base import Read

CUSTOMER_PROPS = ["uid", "source", "sourceCustomerId", *(f.graph for f in CUSTOMER_FIELDS)]


def customer(uid: str, **values: Any) -> dict[str, Any]:
    source, _, sid = uid.partition(":")
    row: dict[str, Any] = dict.fromkeys(CUSTOMER_PROPS)
    row.update({"uid": uid, "source": source, "sourceCustomerId": sid, **values})
    return row


def seed_small_graph(store: Store) -> None:
    """Three records, one shared e-mail, a channel, an order, a referral and a follow."""
    store.write("load/merge_channels", rows=[{"channelId": "web", "kind": "web", "name": "Web"}])
    store.write(
        "load/merge_customers",
        rows=[
            customer(
                "crm:1",
                firstName="Ann",
                birthDate="1990-01-02",
                signupAt="2024-01-01T10:00:00Z",
                consentMarketing=True,
            ),
            customer("shop:9", fullName="王伟", consentMarketing=False),
            customer("app:5", firstName="Bo"),
        ],
    )
    email = {"key": "email:ann@example.com", "kind": "email", "value": "ann@example.com"}
    store.write(
        "load/identify_customers", rows=[{"uid": "crm:1", **email}, {"uid": "shop:9", **email}]
    )
    store.write("load/merge_products", rows=[{"productId": "p1", "category": "books"}])
    store.write(
        "load/merge_orders",
        rows=[
            {
                "orderId": "o1",
                "uid": "crm:1",
                "purchasedAt": "2024-02-01T09:30:00Z",
                "currency": "EUR",
                "hasDirect": False,
                "directAmount": None,
            }
        ],
    )
    store.write(
        "load/merge_order_lines",
        rows=[{"orderId": "o1", "productId": "p1", "quantity": 1.0, "amount": 12.5}],
    )
    store.write("load/merge_order_channels", rows=[{"orderId": "o1", "channelId": "web"}])
    store.write("load/total_orders", rows=[{"orderId": "o1"}])
    store.write(
        "load/merge_referrals",
        rows=[{"src": "crm:1", "dst": "app:5", "at": "2024-03-01T00:00:00Z", "campaign": "spring"}],
    )
    store.write(
        "load/merge_social",
        rows=[{"src": "app:5", "dst": "shop:9", "weight": 2.0, "since": None, "platform": "x"}],
        slots={"rel": RelType.FOLLOWS},
    )


def counts(store: Store) -> dict[str, int]:
    return {r["name"]: r["count"] for r in store.read("status/counts") if r["count"]}


def test_schema_setup_is_idempotent(store: Store) -> None:
    store.ensure_schema()
    store.ensure_schema()
    assert counts(store) == {}


def test_upserts_are_idempotent(store: Store) -> None:
    seed_small_graph(store)
    first = counts(store)
    seed_small_graph(store)
    assert counts(store) == first
    assert first == {
        "Customer": 3,
        "Identifier": 1,
        "Email": 1,
        "Channel": 1,
        "Product": 1,
        "Order": 1,
        "HAS_IDENTIFIER": 2,
        "PLACED": 1,
        "CONTAINS": 1,
        "VIA": 1,
        "REFERRED": 1,
        "FOLLOWS": 1,
    }


def test_read_back_returns_what_was_written(store: Store) -> None:
    seed_small_graph(store)
    assert store.read("load/channel_by_id", channelId="web") == [
        {"channelId": "web", "kind": "web", "name": "Web"}
    ]
    assert store.read("load/channel_by_id", channelId="nope") == []
    assert store.read("support/existing_customers", uids=["crm:1", "zzz:0", "shop:9"]) in (
        [{"uid": "crm:1"}, {"uid": "shop:9"}],
        [{"uid": "shop:9"}, {"uid": "crm:1"}],
    )


def test_one_hop_neighborhood(store: Store) -> None:
    seed_small_graph(store)
    rows = _neighborhood(store, "crm:1", 1)
    assert rows == [
        {"label": "Customer", "key": "app:5", "hops": 1},
        {"label": "Identifier", "key": "email:ann@example.com", "hops": 1},
        {"label": "Order", "key": "o1", "hops": 1},
    ]


def test_two_hop_neighborhood(store: Store) -> None:
    seed_small_graph(store)
    rows = _neighborhood(store, "crm:1", 2)
    assert [(r["label"], r["key"], r["hops"]) for r in rows] == [
        ("Customer", "app:5", 1),
        ("Identifier", "email:ann@example.com", 1),
        ("Order", "o1", 1),
        ("Channel", "web", 2),
        ("Customer", "shop:9", 2),
        ("Product", "p1", 2),
    ]


def test_delete_removes_the_record_and_its_relationships(store: Store) -> None:
    seed_small_graph(store)
    store.write("load/delete_customer", uid="crm:1")
    after = counts(store)
    assert after["Customer"] == 2
    assert after["HAS_IDENTIFIER"] == 1
    assert "REFERRED" not in after
    assert "PLACED" not in after
    assert after["Order"] == 1  # orders stay, unlinked
    assert _neighborhood(store, "crm:1", 1) == []


def test_values_travel_as_parameters_never_as_query_text(store: Store) -> None:
    hostile = ["x'}) DETACH DELETE n //", "'; DROP TABLE customer; --", '"}) RETURN 1 //']
    store.write(
        "load/merge_customers",
        rows=[customer(f"crm:{i}", firstName=value, city=value) for i, value in enumerate(hostile)],
    )
    assert counts(store)["Customer"] == 3
    for i, _value in enumerate(hostile):
        assert store.read("support/existing_customers", uids=[f"crm:{i}"]) == [{"uid": f"crm:{i}"}]


def test_unicode_round_trips(store: Store) -> None:
    store.write(
        "load/merge_channels",
        rows=[{"channelId": "门店-北京", "kind": "store", "name": "北京朝阳门店 🛍"}],
    )
    assert store.read("load/channel_by_id", channelId="门店-北京")[0]["name"] == "北京朝阳门店 🛍"


def test_a_failing_step_rolls_back_the_whole_transaction(store: Store) -> None:
    good = [{"channelId": "web", "kind": "web", "name": "Web"}]
    bad = [customer("crm:1", source=None, sourceCustomerId=None) | {"uid": None}]
    with pytest.raises(QueryError) as caught:
        store.write_tx([Step("load/merge_channels", good), Step("load/merge_customers", bad)])
    assert "load/merge_customers" in str(caught.value)
    assert store.read("load/channel_by_id", channelId="web") == []


def test_unknown_query_names_the_query(store: Store) -> None:
    with pytest.raises(QueryError, match=r"no .* query named 'nope/nothing'"):
        store.read("nope/nothing")


def test_read_many_returns_each_read_by_its_key(store: Store) -> None:
    seed_small_graph(store)
    store.write("identity/save_state", rows=[{"name": f"s{i}", "value": str(i)} for i in range(5)])
    timed: list[str] = []

    @contextmanager
    def clock(key: str) -> Iterator[None]:
        yield
        timed.append(key)

    read = store.read_many(
        {
            "state": Read("identity/state"),
            "web": Read("load/channel_by_id", {"channelId": "web"}),
            "state as arrow": Read("identity/state", arrow=True),
            "counts": Read("status/counts"),
        },
        timed=clock,
    )
    assert sorted(timed) == ["counts", "state", "state as arrow", "web"]
    assert read.frame("state").equals(store.frame("identity/state"))
    assert read.table("state as arrow").to_pylist() == read.frame("state").to_dict("records")
    assert read.frame("web")["name"].tolist() == ["Web"]
    assert read.frame("counts").equals(store.frame("status/counts"))
    with pytest.raises(TypeError):
        read.table("state")
    with pytest.raises(QueryError, match="nope/nothing"):
        store.read_many({"a": Read("identity/state"), "b": Read("nope/nothing")})


@pytest.mark.neo4j
def test_neo4j_runs_two_reads_at_once(neo4j_store: Neo4jStore) -> None:
    # each read waits inside its timer until another read has started too: one after the
    # other, the first would wait alone and the barrier would break
    both = threading.Barrier(2, timeout=60)

    @contextmanager
    def together(_key: str) -> Iterator[None]:
        both.wait()
        yield

    read = neo4j_store.read_many(
        {"a": Read("identity/state"), "b": Read("identity/state", arrow=True)}, timed=together
    )
    assert read.frame("a").empty
    assert read.table("b").num_rows == 0


def test_both_stores_answer_alike(sqlite_store: Store, neo4j_store: Store) -> None:
    for s in (sqlite_store, neo4j_store):
        seed_small_graph(s)
    assert sqlite_store.read("status/counts") == neo4j_store.read("status/counts")
    for depth in (1, 2, 3):
        assert _neighborhood(sqlite_store, "crm:1", depth) == _neighborhood(
            neo4j_store, "crm:1", depth
        )


def _neighborhood(store: Store, uid: str, depth: int) -> list[dict[str, Any]]:
    if store.kind == "neo4j":
        return store.read("support/record_neighborhood", slots={"depth": depth}, uid=uid)
    return store.read("support/record_neighborhood", uid=uid, depth=depth)
