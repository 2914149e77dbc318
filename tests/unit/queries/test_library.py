"""Every query is a documented named file, in both dialects, and used by the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.model import Label
from queries import list_queries, load_query, render

ROOT = Path(__file__).resolve().parents[3]
PRODUCT = [
    p for d in ("graph", "loaders", "api", "reports", "cli") for p in (ROOT / d).rglob("*.py")
]
SUPPORT = [p for d in ("tests", "bench") for p in (ROOT / d).rglob("*.py")]
CODE = PRODUCT + SUPPORT


def test_every_query_has_a_header_with_purpose_params_and_returns() -> None:
    for dialect in ("cypher", "sql"):
        for name in list_queries(dialect):  # type: ignore[arg-type]
            header = load_query(dialect, name).header  # type: ignore[arg-type]
            assert header, f"{dialect}:{name} has no header"
            assert "$params:" in header, f"{dialect}:{name} does not list its $params"
            assert "returns:" in header, f"{dialect}:{name} does not say what it returns"
            # a `commit:` line is read by the Neo4j store's memory watch: it must parse
            assert load_query(dialect, name).commit_factor >= 1  # type: ignore[arg-type]


def _both(dialect: str) -> list[str]:
    """Queries in both dialects (the analyst kit is Cypher for Neo4j Browser only)."""
    return [n for n in list_queries(dialect) if not n.startswith("analyst/")]  # type: ignore[arg-type]


def _product(dialect: str) -> list[str]:
    """Queries the product runs (``support/``: only tests and benchmarks run them)."""
    return [n for n in _both(dialect) if not n.startswith("support/")]


def test_every_query_exists_in_both_dialects() -> None:
    assert _both("cypher") == list_queries("sql")


def test_every_query_is_used_where_it_belongs() -> None:
    product = "\n".join(p.read_text(encoding="utf-8") for p in PRODUCT)
    support = "\n".join(p.read_text(encoding="utf-8") for p in SUPPORT)
    assert [n for n in _product("cypher") if f'"{n}"' not in product] == []
    helpers = [n for n in _both("cypher") if n.startswith("support/")]
    assert helpers  # wipe, record-level neighborhoods, person-graph imports
    assert [n for n in helpers if f'"{n}"' not in support] == []
    assert [n for n in helpers if f'"{n}"' in product] == []  # support/ is not the product


def test_the_analyst_kit_has_at_least_15_documented_queries() -> None:
    from graph.analyst import analyst_queries, parameters, returns

    kit = analyst_queries()
    assert len(kit) >= 15
    for name, purpose in kit.items():
        assert purpose, name
        assert returns(name), name
        text = load_query("cypher", f"analyst/{name}").text
        for param in parameters(name):
            assert f"${param}" in text.split("returns:", 1)[1], (name, param)


def test_render_splices_only_model_names_and_small_integers() -> None:
    query = load_query("cypher", "support/record_neighborhood")
    assert "[*1..3]" in render(query, depth=3)
    with pytest.raises(TypeError):
        render(query, depth="1]-(m) DETACH DELETE m //")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="out of range"):
        render(query, depth=10**6)
    with pytest.raises(KeyError, match="needs depth="):
        render(query, other=Label.PERSON)


def test_no_query_formats_values_into_text() -> None:
    pattern = re.compile(r"""(read|write|frame)\(\s*f["']""")
    offenders = [str(p) for p in CODE if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
