"""The analyst kit: named Cypher queries in ``queries/cypher/analyst/`` for Neo4j Browser and
``custgraph query``. Each file's header says what it is for, its parameters and what it
returns; this module lists them, reads their parameters and runs one with values given as
``k=v`` text.

Examples
--------
>>> sorted(analyst_queries())[:2]
['bridges_between_communities', 'champions_at_risk']
>>> parameters("top_influencers_in_community")
['community', 'limit']
>>> parse_value("10"), parse_value("0.6"), parse_value("C1"), parse_value("true")
(10, 0.6, 'C1', True)
"""

from __future__ import annotations

import json
import re
from typing import Any

from graph.errors import InputError, NotFoundError, StoreUnavailableError
from graph.store.base import Row, Store
from queries import list_queries, load_query

__all__ = ["analyst_queries", "parameters", "parse_value", "returns", "run_analyst_query"]

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


def returns(name: str) -> list[str]:
    """The column names a query's header says it returns."""
    header = _query(name).header.split("returns:", 1)[1]
    first = header.split("\n", 1)[0]
    return [c.strip().split(" ")[0] for c in first.split(",") if c.strip()]


def parse_value(text: str) -> Any:
    """``10`` → 10, ``0.6`` → 0.6, ``true`` → True, ``["a"]`` → a list; else the text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def run_analyst_query(store: Store, name: str, given: dict[str, str]) -> list[Row]:
    """Run one analyst query on Neo4j; parameters it declares but not given are null (the
    queries give them defaults)."""
    declared = parameters(name)
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise InputError(
            f"{name} takes {', '.join(declared) or 'no parameters'}; not {', '.join(unknown)}"
        )
    if store.kind != "neo4j":
        raise StoreUnavailableError(
            "analyst queries are Cypher for Neo4j; set CUSTGRAPH_NEO4J_URI (or --neo4j) and "
            "load the data there (scripts/neo4j start)"
        )
    values = {p: parse_value(given[p]) if p in given else None for p in declared}
    return store.read(PREFIX + name, **values)
