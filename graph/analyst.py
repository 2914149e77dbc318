"""The analyst kit: named Cypher queries in ``queries/cypher/analyst/`` for Neo4j Browser and
``custgraph query``. Each file's header says what it is for, its parameters and what it
returns; ``:param`` lines after it give the optional parameters their defaults, so the file
runs as it is in Neo4j Browser. This module lists them, reads their parameters and runs one
with values given as ``k=v`` text.

The queries that ask who is connected to whom also return paths (or nodes and
relationships) for the Browser's graph view; here they become short text such as
``(:Person P-1)-[:REFERRED]->(:Person P-2)``, naming nodes by their key and never by an
identifier's value.

Examples
--------
>>> sorted(analyst_queries())[:2]
['bridges_between_communities', 'champions_at_risk']
>>> parameters("top_influencers_in_community")
['community', 'limit']
>>> required("top_influencers_in_community"), defaults("top_influencers_in_community")
(['community'], {'limit': 10})
>>> parse_value("10"), parse_value("0.6"), parse_value("C1"), parse_value("true")
(10, 0.6, 'C1', True)
"""

from __future__ import annotations

import json
import re
from typing import Any

from graph.errors import InputError, NotFoundError, StoreUnavailableError
from graph.model import NODES, Label
from graph.store.base import Row, Store
from queries import list_queries, load_query

__all__ = [
    "analyst_queries",
    "defaults",
    "graph_text",
    "parameters",
    "parse_value",
    "required",
    "returns",
    "run_analyst_query",
]

PREFIX = "analyst/"
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def analyst_queries() -> dict[str, str]:
    """Name → purpose (the header's first line) of every analyst query."""
    return {
        name.removeprefix(PREFIX): load_query("cypher", name).purpose
        for name in list_queries("cypher", PREFIX)
    }


def _query(name: str) -> Any:
    if name not in analyst_queries():
        raise NotFoundError(f"no analyst query {name!r}; `custgraph query --list` shows them")
    return load_query("cypher", PREFIX + name)


def parameters(name: str) -> list[str]:
    """The parameters a query's header declares, in order."""
    header = _query(name).header
    line = next((ln for ln in header.splitlines() if ln.startswith("$params:")), "")
    line = line.removeprefix("$params:")
    return list(dict.fromkeys(_PARAM.findall(line)))


def defaults(name: str) -> dict[str, Any]:
    """The defaults of a query's optional parameters (its ``:param`` lines)."""
    return dict(_query(name).defaults)


def required(name: str) -> list[str]:
    """The parameters a query cannot run without (declared, with no default)."""
    optional = defaults(name)
    return [p for p in parameters(name) if p not in optional]


def returns(name: str) -> list[str]:
    """The column names a query's header says it returns (notes in brackets may run on
    over several lines)."""
    text = _query(name).header.split("returns:", 1)[1]
    plain = re.sub(r"\([^)]*\)", "", text.replace("\n", " "))
    return [c.strip().split(" ")[0] for c in plain.split(",") if c.strip()]


def parse_value(text: str) -> Any:
    """``10`` → 10, ``0.6`` → 0.6, ``true`` → True, ``["a"]`` → a list; else the text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _node_text(node: Any) -> str:
    labels = sorted(node.labels)
    spec = next((NODES[Label(x)] for x in labels if x in Label.__members__.values()), None)
    if spec is None or spec.table == "identifier":  # an identifier's key is PII
        return "(" + "".join(f":{x}" for x in labels) + ")"
    shown = [x for x in labels if x != Label.IDENTIFIER] or labels
    if not spec.key:  # one node per row (Touchpoint): no key to show
        return f"(:{shown[0]})"
    return f"(:{shown[0]} {' '.join(str(node.get(k)) for k in spec.key.split(','))})"


def graph_text(value: Any) -> Any:
    """Nodes, relationships and paths in a result row as short text (other values as they
    are): what ``custgraph query`` prints for the Browser's graph columns.

    >>> graph_text([1, "a"])
    [1, 'a']
    """
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, list):
        return [graph_text(v) for v in value]
    if isinstance(value, Node):
        return _node_text(value)
    if isinstance(value, Relationship):
        return f"-[:{value.type}]->"
    if isinstance(value, Path):
        parts = [_node_text(value.start_node)]
        nodes = value.nodes
        for rel, before, after in zip(value.relationships, nodes[:-1], nodes[1:], strict=True):
            forward = rel.start_node is not None and rel.start_node.element_id == before.element_id
            parts.append(f"-[:{rel.type}]->" if forward else f"<-[:{rel.type}]-")
            parts.append(_node_text(after))
        return "".join(parts)
    return value


def run_analyst_query(store: Store, name: str, given: dict[str, str]) -> list[Row]:
    """Run one analyst query on Neo4j: ``given`` values (text) over the query's defaults;
    graph values come back as :func:`graph_text`."""
    declared = parameters(name)
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise InputError(
            f"{name} takes {', '.join(declared) or 'no parameters'}; not {', '.join(unknown)}"
        )
    missing = [p for p in required(name) if p not in given]
    if missing:
        example = " ".join(f"--param {p}=…" for p in missing)
        raise InputError(f"{name} needs {', '.join(missing)}: custgraph query {name} {example}")
    if store.kind != "neo4j":
        raise StoreUnavailableError(
            "analyst queries are Cypher for Neo4j; set CUSTGRAPH_NEO4J_URI (or --neo4j) and "
            "load the data there (scripts/neo4j start)"
        )
    values = {**defaults(name), **{p: parse_value(given[p]) for p in given}}
    rows = store.read(PREFIX + name, **values)
    return [{k: graph_text(v) for k, v in row.items()} for row in rows]
