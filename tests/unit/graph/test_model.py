"""The graph model is defined once, documented, and reflected in both schemas."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.errors import InputError
from graph.model import (
    IDENTIFIER_KINDS,
    NODES,
    RELATIONSHIPS,
    Label,
    RelType,
    split_uid,
    to_graph,
    to_python,
)
from queries import load_query

ROOT = Path(__file__).resolve().parents[3]
# camelCase cannot tell "a_a_a" (aAA) apart: names have segments of two letters or more.
snake = st.from_regex(r"[a-z]{1,8}(_[a-z]{2,8}){0,3}", fullmatch=True)


@given(snake)
def test_snake_to_camel_round_trips(name: str) -> None:
    assert to_python(to_graph(name)) == name


def test_every_label_and_type_has_a_spec() -> None:
    assert set(NODES) == set(Label)
    assert set(RELATIONSHIPS) == set(RelType)
    assert set(IDENTIFIER_KINDS.values()) <= set(Label)


def test_every_label_and_relationship_is_documented() -> None:
    doc = (ROOT / "docs" / "graph-model.md").read_text(encoding="utf-8")
    for label in Label:
        assert f"`{label}`" in doc, label
    for rel in RelType:
        assert f"`{rel}`" in doc, rel


def test_neo4j_schema_constrains_every_keyed_label() -> None:
    text = load_query("cypher", "schema/create").text
    for spec in NODES.values():
        if spec.table == "identifier" and spec.label != Label.IDENTIFIER:
            continue  # identifier kinds share the Identifier key
        if not spec.key:
            continue  # one node per input row (Touchpoint)
        keys = spec.key.split(",")
        if len(keys) > 1:  # a pair: indexed together
            on = ", ".join(f"n.{k}" for k in keys)
            assert re.search(rf"FOR \(n:{spec.label}\) ON \({on}\)", text), spec
            continue
        assert re.search(rf"FOR \(n:{spec.label}\) REQUIRE n\.{spec.key} IS UNIQUE", text), spec


def test_sqlite_schema_has_every_table() -> None:
    text = load_query("sql", "schema/create").text
    tables = {s.table for s in NODES.values()} | {r.table for r in RELATIONSHIPS.values()}
    for table in tables - {""}:  # "": Neo4j only
        assert f"CREATE TABLE IF NOT EXISTS {table} (" in text, table


def test_uids_split_at_the_first_colon() -> None:
    assert split_uid("crm:a:b") == ("crm", "a:b")
    with pytest.raises(InputError, match="SOURCE:ID"):
        split_uid("nocolon")


def test_every_label_and_type_a_query_names_is_in_the_model() -> None:
    """A label or relationship type written in a Cypher file and nowhere in graph/model.py
    is a part of the graph nobody defined (IdentityState was one)."""
    labels, types = set(), set()
    for path in (ROOT / "queries" / "cypher").rglob("*.cypher"):
        text = "\n".join(
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith("//")
        )
        text = re.sub(r"'[^']*'|\"[^\"]*\"", "''", text)  # not inside string literals
        labels |= set(re.findall(r"[\w(]:([A-Z][a-z]\w*)", text))  # (c:Customer), (:Tag), n:Tag
        for found in re.findall(r"\[\w*:([A-Z_|]+)", text):
            types |= set(found.split("|"))
    assert labels, "no labels found: the pattern is wrong"
    assert labels <= {str(x) for x in Label}, labels - {str(x) for x in Label}
    assert types <= {str(x) for x in RelType}, types - {str(x) for x in RelType}
