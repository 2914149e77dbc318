"""The query library: every question custgraph asks a store, by name.

A query named ``load/merge_customers`` is the file ``cypher/load/merge_customers.cypher``
(for Neo4j) and ``sql/load/merge_customers.sql`` (for the embedded store). Each file opens
with a header of comment lines: what it does, its ``$params``, what it returns. A header
may also say how the store runs it: ``mode: autocommit`` (:attr:`Query.autocommit`),
``mode: staged`` and ``mode: typed`` (SQL), for a Neo4j write how much memory its
commit needs, ``commit: 10x its state`` (:attr:`Query.commit_factor`), and whether an
autocommit write that failed part way may simply be run again, ``rerun: safe``
(:attr:`Query.rerun_safe`).

A query may also carry Browser-style ``:param name => value;`` lines after its header: the
defaults of its optional parameters, so the file runs as it is in Neo4j Browser or
cypher-shell. They are read into :attr:`Query.defaults` (JSON literals only) and are not
part of the text sent to a store.

Values always travel as parameters. Only names from the graph model's enums, and bounded
integers, may be spliced into a query's text, and only through :func:`render`.

Examples
--------
>>> q = load_query("cypher", "support/record_neighborhood")
>>> q.name, q.dialect
('support/record_neighborhood', 'cypher')
>>> "{{depth}}" in q.text
True
>>> q = load_query("cypher", "analyst/top_influencers_in_community")
>>> q.defaults, ":param" in q.text
({'limit': 10}, False)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Literal

__all__ = ["Dialect", "Query", "list_queries", "load_query", "render"]

Dialect = Literal["cypher", "sql"]
_SUFFIX: dict[Dialect, str] = {"cypher": ".cypher", "sql": ".sql"}
_COMMENT: dict[Dialect, str] = {"cypher": "//", "sql": "--"}
_SLOT = re.compile(r"\{\{(\w+)\}\}")
_COMMIT = re.compile(r"^commit:\s*([0-9]+(?:\.[0-9]+)?)x")
#: A write's commit needs this many times its transaction state unless its header says
#: (Neo4j 5.26, creating relationships: 174 MiB of state committed in a 717 MiB pool,
#: 300 MiB did not).
DEFAULT_COMMIT_FACTOR = 3.0
_PARAM_LINE = re.compile(r"^:param\s+([a-z_][a-z0-9_]*)\s*=>\s*(.+?)\s*;?\s*$")


@dataclass(frozen=True, slots=True)
class Query:
    """One named query in one dialect, with the header that documents it."""

    name: str
    dialect: Dialect
    text: str
    header: str
    defaults: dict[str, object] = field(default_factory=dict)

    @property
    def autocommit(self) -> bool:
        """The header says ``mode: autocommit``: Neo4j must run it in an implicit transaction
        (needed by ``CALL { … } IN TRANSACTIONS``); it cannot join a larger transaction."""
        return any(line.startswith("mode: autocommit") for line in self.header.splitlines())

    @property
    def rerun_safe(self) -> bool:
        """The header says ``rerun: safe``: running the write again after it failed part way
        (some of its ``IN TRANSACTIONS`` batches committed) ends as if it had run once, so a
        store may retry it after a transient error such as a deadlock.

        >>> load_query("cypher", "identity/derive_person_social").rerun_safe
        True
        >>> load_query("cypher", "support/wipe").rerun_safe
        False
        """
        return any(line.startswith("rerun: safe") for line in self.header.splitlines())

    @property
    def staged(self) -> bool:
        """The header says ``mode: staged`` (SQL only): the first statement runs once per
        row of a write (with the row's values only), the others once, after it, in the same
        transaction, with the write's shared values: set-based statements over what the
        rows wrote do at C speed what a statement per row would (as Cypher's ``UNWIND``)."""
        return any(line.startswith("mode: staged") for line in self.header.splitlines())

    @property
    def typed(self) -> bool:
        """The header says ``mode: typed`` (SQL only): each column holds values of one type
        (or nulls), as the tables' declared types keep them, so the embedded store may read
        the rows straight into Arrow columns (``SqliteStore.table``)."""
        return any(line.startswith("mode: typed") for line in self.header.splitlines())

    @property
    def commit_factor(self) -> float:
        """How many times its transaction state a write's commit needs of Neo4j's
        transaction memory: the header's ``commit: 10x its state``, else 3 (what creating
        relationships measured; setting many properties measured 9 to 13, docs/benchmarks.md).

        >>> Query("q", "cypher", "", "commit: 10x its state").commit_factor
        10.0
        >>> Query("q", "cypher", "", "Write.").commit_factor
        3.0
        >>> Query("q", "cypher", "", "commit: ten times").commit_factor
        Traceback (most recent call last):
        ...
        ValueError: q: say `commit: <number>x its state`: commit: ten times
        """
        for line in self.header.splitlines():
            if line.startswith("commit:"):
                match = _COMMIT.match(line)
                if not match or float(match[1]) < 1:
                    raise ValueError(f"{self.name}: say `commit: <number>x its state`: {line}")
                return float(match[1])
        return DEFAULT_COMMIT_FACTOR

    @property
    def purpose(self) -> str:
        """The first line of the header."""
        return self.header.splitlines()[0] if self.header else ""


class UnknownQueryError(LookupError):
    """No query file of that name and dialect exists (see :func:`list_queries`)."""


@cache
def load_query(dialect: Dialect, name: str) -> Query:
    """Read the named query of a dialect from the package (cached)."""
    if ".." in name or name.startswith("/"):
        raise UnknownQueryError(f"query names look like 'load/merge_customers', not {name!r}")
    *folders, leaf = name.split("/")
    path = resources.files(__name__).joinpath(dialect, *folders, leaf + _SUFFIX[dialect])
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise UnknownQueryError(f"no {dialect} query named {name!r}") from exc
    marker = _COMMENT[dialect]
    header_lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith(marker):
            break
        header_lines.append(stripped[len(marker) :].strip())
    defaults, kept = _defaults(name, text)
    return Query(
        name=name, dialect=dialect, text=kept, header="\n".join(header_lines), defaults=defaults
    )


def _defaults(name: str, text: str) -> tuple[dict[str, object], str]:
    """The ``:param name => value;`` lines of a query (JSON values), and the text without."""
    defaults: dict[str, object] = {}
    kept: list[str] = []
    for line in text.splitlines(keepends=True):
        if not line.lstrip().startswith(":param"):
            kept.append(line)
            continue
        found = _PARAM_LINE.match(line.strip())
        try:
            if found is None:
                raise ValueError(line.strip())
            defaults[found.group(1)] = json.loads(found.group(2))
        except ValueError as exc:
            raise ValueError(
                f"query {name!r}: a default reads ':param name => <JSON value>;', "
                f"not {line.strip()!r}"
            ) from exc
    return defaults, "".join(kept)


def list_queries(dialect: Dialect, prefix: str = "") -> list[str]:
    """Names of every query of a dialect, sorted; ``prefix`` picks a folder.

    >>> "status/counts" in list_queries("cypher", "status/")
    True
    """
    root = resources.files(__name__).joinpath(dialect)
    names: list[str] = []

    def walk(node: object, parts: tuple[str, ...]) -> None:
        for child in node.iterdir():  # type: ignore[attr-defined]
            if child.is_dir():
                walk(child, (*parts, child.name))
            elif child.name.endswith(_SUFFIX[dialect]):
                names.append("/".join((*parts, child.name.removesuffix(_SUFFIX[dialect]))))

    walk(root, ())
    return sorted(n for n in names if n.startswith(prefix))


def render(query: Query, **names: StrEnum | int) -> str:
    """Fill a query's ``{{slot}}`` tokens with model names or bounded integers.

    Only :class:`~enum.StrEnum` members (the model's enums) and integers in 0..1000 are
    accepted, so no value from input can reach query text.

    >>> "[*1..2]" in render(load_query("cypher", "support/record_neighborhood"), depth=2)
    True
    """
    for key, value in names.items():
        if isinstance(value, bool) or not isinstance(value, StrEnum | int):
            raise TypeError(f"render() takes model enums or integers, not {type(value).__name__}")
        if isinstance(value, int) and not 0 <= value <= 1000:
            raise ValueError(f"{key}={value} is out of range 0..1000")

    def fill(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            raise KeyError(f"query {query.name} needs {match.group(1)}= to be rendered")
        return str(names[match.group(1)])

    return _SLOT.sub(fill, query.text)
