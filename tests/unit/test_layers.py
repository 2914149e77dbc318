"""The layering of docs/architecture.md, enforced: every import of a product package goes
down the layers (``queries`` ← ``graph`` ← ``loaders`` ← ``reports``, ``api``,
``synthetic``; ``cli`` over all but ``api``, which it serves by name), never up or sideways,
at module level or inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Which product packages each package may import (itself aside).
ALLOWED = {
    "queries": set(),
    "graph": {"queries"},
    "loaders": {"graph", "queries"},
    "reports": {"graph", "queries", "loaders"},
    "api": {"graph", "queries", "loaders"},
    # the generator writes the files of the loaders' contract (loaders.kinds)
    "synthetic": {"graph", "queries", "loaders"},
    # the Spark engine reads the loaders' input files and runs graph's pure functions
    "spark": {"graph", "queries", "loaders"},
    # the command line loads, reports and generates; it serves the API by name
    # ("api.app:app_from_env"), never by import (DESIGN.md §2)
    "cli": {"graph", "queries", "loaders", "reports", "synthetic", "spark"},
}


def _module_imports(path: Path) -> set[str]:
    """The dotted names of every module ``path`` imports (relative imports aside)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def _imports(path: Path) -> set[str]:
    """The top-level names of every module ``path`` imports."""
    return {name.split(".")[0] for name in _module_imports(path)}


def test_no_package_imports_a_layer_above_or_beside_it() -> None:
    back_edges = []
    for package, allowed in ALLOWED.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in sorted(_imports(path) & set(ALLOWED)):
                if name != package and name not in allowed:
                    back_edges.append(f"{path.relative_to(ROOT)} imports {name}")
    assert back_edges == []


def test_the_store_protocol_imports_no_store() -> None:
    """The implementations import the protocol, not the other way round (no cycle)."""
    imported = _module_imports(ROOT / "graph" / "store" / "base.py")
    assert not {n for n in imported if n.startswith(("graph.store.sqlite", "graph.store.neo4j"))}


def test_the_rule_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from api.app import create_app\n", encoding="utf-8")
    assert _imports(module) == {"api"}
