"""Test and bench helper: a Neo4j database's whole graph, read back and compared.

Two graphs built different ways (an online load analysed in process, and a Spark run's
import files imported) are read with :func:`dump` and compared kind by kind with
:func:`compare`: the nodes or links one side has and the other lacks (by key), and the
properties that differ (a value and its type, as Neo4j keeps them; numbers within
:data:`TOLERANCES`) or that one side lacks. Properties a run sets to its own ids and times
(:data:`RUN_PROPERTIES`) differ by design and are left out.

>>> ours, theirs = {("Person", "p1"): {"size": 2}}, {("Person", "p1"): {"size": 3}}
>>> compare("Person", ours, ours).count, compare("Person", ours, theirs).count
(0, 1)
>>> compare("Person", ours, theirs).examples
["('Person', 'p1') size: 2 against 3"]
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from neo4j import GraphDatabase

from graph.settings import Settings

#: The property that keys each node (the first one a node has).
KEYS = ("uid", "key", "channelId", "productId", "orderId", "fileKey", "personId",
        "communityId", "eventId", "path", "name")  # fmt: skip
#: Properties a run sets to its own ids and times: they differ by design.
RUN_PROPERTIES = {"run", "influenceRun", "journeyRun", "profileRun", "createdAt", "eventId", "at",
                  "startedAt", "finishedAt"}  # fmt: skip
#: Numbers the jobs compute without rounding them, with their (relative, absolute)
#: tolerance: PageRank as the parity of issue 20 allows.
TOLERANCES = {"pagerank": (1e-4, 1e-12)}
DEFAULT_TOLERANCE = (1e-6, 1e-12)
#: The loaded graph's labels and relationship types (as :func:`compare_graphs` names them):
#: values the load wrote, compared exactly. Everything else is what the jobs computed.
LOADED = {
    "Customer", "Channel", "Product", "Order", "LoadFile", "SchemaState", "CONTAINS from Order",
    "VIA from Order", "touches",
}  # fmt: skip
LOADED_FROM_RECORDS = ("HAS_IDENTIFIER", "PLACED", "REFERRED", "FRIENDS_WITH", "FOLLOWS",
                       "INTERACTS_WITH", "TOUCHED")  # fmt: skip

#: What :func:`dump` reads: keyed nodes, links between them, touchpoint events, and the
#: journeys' credit and transition nodes (keyed by model and channel, or by their ends).
QUERIES = (
    "MATCH (n) WHERE NOT n:Touchpoint AND NOT n:JobRun AND NOT n:ChannelCredit "
    "AND NOT n:ChannelTransition RETURN labels(n) AS l, properties(n) AS p",
    "MATCH (a)-[r]->(b) WHERE NOT a:Touchpoint AND NOT b:Touchpoint AND NOT a:ChannelCredit "
    "RETURN type(r) AS t, labels(a)[0] AS la, properties(a) AS a, properties(b) AS b, "
    "properties(r) AS p",
    "MATCH (c:Customer)-[:MADE]->(t:Touchpoint)-[:ON]->(ch:Channel) "
    "RETURN c.uid AS uid, ch.channelId AS ch, properties(t) AS p",
    "MATCH (c:ChannelCredit)-[:CREDITS]->(ch:Channel) RETURN c.model AS m, "
    "ch.channelId AS ch, properties(c) AS p UNION ALL "
    "MATCH (t:ChannelTransition) RETURN t.from AS m, t.to AS ch, properties(t) AS p",
    "MATCH (r:JobRun) RETURN r.job AS job, r.status AS status",
)


def _state(value: str) -> str:
    """The identity state without its time, the model's numbers to nine digits (the EM's
    last bits depend on the order of its sums)."""
    state = json.loads(value)
    state.pop("at", None)

    def rounded(x: Any) -> Any:
        if isinstance(x, float):
            return float(f"{x:.9g}")
        if isinstance(x, list):
            return [rounded(v) for v in x]
        if isinstance(x, dict):
            return {k: rounded(v) for k, v in x.items()}
        return x

    return json.dumps(rounded(state), sort_keys=True)


def dump(settings: Settings) -> dict[str, Any]:
    """Every keyed node and every link between keyed nodes, with properties; touchpoint
    events as a multiset of (record, channel, properties); job runs as (job, status)."""
    assert settings.neo4j_uri
    auth = (settings.neo4j_user, settings.neo4j_password)
    with GraphDatabase.driver(settings.neo4j_uri, auth=auth) as driver:
        nodes, rels, touches, credits, runs = (driver.execute_query(q)[0] for q in QUERIES)

    def key(p: dict[str, Any]) -> str | None:
        return next((str(p[k]) for k in KEYS if k in p), None)

    out: dict[str, Any] = {"nodes": {}, "rels": {}}
    for r in nodes:
        props = dict(r["p"])
        if "IdentityState" in r["l"] and props.get("value"):
            props["value"] = _state(props["value"])
        out["nodes"][(tuple(sorted(r["l"])), key(r["p"]))] = props
    for r in credits:
        out["nodes"][(("ChannelCredit/Transition",), f"{r['m']}>{r['ch']}")] = dict(r["p"])
    for r in rels:
        out["rels"][(r["t"], r["la"], key(r["a"]), key(r["b"]))] = dict(r["p"])
    out["touches"] = Counter(
        (r["uid"], r["ch"], tuple(sorted((k, str(v)) for k, v in r["p"].items()))) for r in touches
    )
    out["runs"] = Counter((r["job"], r["status"]) for r in runs)
    return out


def _places(x: float) -> int:
    """The decimal places of a number's shortest text (``57.18``: 2; written with an
    exponent, or not finite: more than any rounding the jobs do).

    >>> _places(57.18), _places(3.0), _places(1e-07)
    (2, 1, 99)
    """
    text = repr(x)
    if "e" in text or "." not in text:
        return 99
    return len(text.split(".")[1])


def same_value(a: Any, b: Any, name: str, computed: bool = False) -> bool:
    """Whether two property values are the same: type and value, numbers within
    :data:`TOLERANCES` (:data:`DEFAULT_TOLERANCE` otherwise).

    A ``computed`` value (a job's, not the load's) may also differ by one unit in the last
    place it was rounded to (two to six places): the jobs round money to the cent and shares
    to four places,
    and two engines that sum in a different order can land on either side of a rounding
    boundary (a predicted CLV of 57.18 on one and 57.19 on the other). Numbers inside JSON
    text (a segment's centroid) are compared the same way.

    >>> same_value(1, 1.0, "size"), same_value(0.5, 0.5000001, "pagerank")
    (False, True)
    >>> same_value(57.18, 57.19, "predictedClv"), same_value(57.18, 57.19, "x", computed=True)
    (False, True)
    >>> same_value(57.18, 57.2, "x", computed=True), same_value(57.18, 57.2, "x")
    (False, False)
    >>> same_value('{"clv": 84.1303}', '{"clv": 84.1304}', "centroid", computed=True)
    True
    >>> same_value(3.0, 3.1, "weight", computed=True)  # one place: not a rounded share
    False
    """
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        rel, absolute = TOLERANCES.get(name, DEFAULT_TOLERANCE)
        if math.isclose(a, b, rel_tol=rel, abs_tol=absolute):
            return True
        places = max(_places(a), _places(b))
        return computed and 2 <= places <= 6 and abs(a - b) <= 1.01 * 10.0**-places
    if computed and isinstance(a, str) and a[:1] in "{[" and b[:1] in "{[":
        try:
            return _same_json(json.loads(a), json.loads(b), name)
        except ValueError:
            return False
    return bool(a == b)


def _same_json(a: Any, b: Any, name: str) -> bool:
    """Two parsed JSON values alike, numbers as :func:`same_value` compares computed ones."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_json(a[k], b[k], name) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_json(x, y, name) for x, y in zip(a, b, strict=True))
    return same_value(a, b, name, computed=True)


@dataclass
class Comparison:
    """One label's or type's comparison between a reference graph and another."""

    kind: str
    reference: int
    other: int
    missing: set[Any] = field(default_factory=set)  # keys the other side lacks
    extra: set[Any] = field(default_factory=set)  # keys only the other side has
    differ: Counter[str] = field(default_factory=Counter)  # property: how many differ
    absent: Counter[str] = field(default_factory=Counter)  # property the other lacks
    added: Counter[str] = field(default_factory=Counter)  # property only the other has
    examples: list[str] = field(default_factory=list)  # the first few differing values

    @property
    def count(self) -> int:
        """Every difference: keys either side lacks, values that differ or one side lacks."""
        return (
            len(self.missing)
            + len(self.extra)
            + sum(self.differ.values())
            + sum(self.absent.values())
            + sum(self.added.values())
        )

    def line(self) -> str:
        """One printed line (the differing properties with their counts)."""

        def shown(c: Counter[str]) -> str:
            return str(dict(c)) if c else "-"

        text = (
            f"  {self.kind:32} {self.reference:>8,} {self.other:>8,}  missing "
            f"{len(self.missing)}  extra {len(self.extra)}  differ {shown(self.differ)}"
        )
        if self.absent:
            text += f"  not written {shown(self.absent)}"
        if self.added:
            text += f"  only written there {shown(self.added)}"
        if self.examples:
            text += "  e.g. " + "; ".join(self.examples)
        return text


def computed(kind: str) -> bool:
    """Whether a label or type (as :func:`compare_graphs` names it) holds what the jobs
    computed, not what the load wrote.

    >>> computed("Person"), computed("Customer"), computed("REFERRED from Customer")
    (True, False, False)
    >>> computed("Email/Identifier"), computed("MATCHES from Customer")
    (False, True)
    """
    if kind in LOADED or "Identifier" in kind.split("/"):
        return False
    return not any(kind == f"{t} from Customer" for t in LOADED_FROM_RECORDS)


def compare(
    kind: str, reference: dict[Any, dict[str, Any]], other: dict[Any, dict[str, Any]]
) -> Comparison:
    """Compare one label's or type's nodes or links (key: properties) of two graphs."""
    made = computed(kind)
    result = Comparison(
        kind, len(reference), len(other), set(reference) - set(other), set(other) - set(reference)
    )
    for k in set(reference) & set(other):
        mine, theirs = reference[k], other[k]
        for name, value in mine.items():
            if name in RUN_PROPERTIES:
                continue
            if name not in theirs:
                result.absent[name] += 1
            elif not same_value(value, theirs[name], name, made):
                result.differ[name] += 1
                if len(result.examples) < 3:
                    result.examples.append(f"{k} {name}: {value!r} against {theirs[name]!r}")
        for name in theirs.keys() - mine.keys() - RUN_PROPERTIES:
            result.added[name] += 1
    return result


def compare_graphs(reference: dict[str, Any], other: dict[str, Any]) -> list[Comparison]:
    """Every label's and type's comparison of two :func:`dump` results, and one for the
    touchpoint events and one for the job runs (as multisets)."""
    out = []
    for labels in sorted({k[0] for k in reference["nodes"]} | {k[0] for k in other["nodes"]}):
        out.append(
            compare(
                "/".join(labels),
                {k: v for k, v in reference["nodes"].items() if k[0] == labels},
                {k: v for k, v in other["nodes"].items() if k[0] == labels},
            )
        )
    kinds = sorted({k[:2] for k in reference["rels"]} | {k[:2] for k in other["rels"]})
    for kind in kinds:
        out.append(
            compare(
                f"{kind[0]} from {kind[1]}",
                {k: v for k, v in reference["rels"].items() if k[:2] == kind},
                {k: v for k, v in other["rels"].items() if k[:2] == kind},
            )
        )
    for name in ("touches", "runs"):
        mine, theirs = reference[name], other[name]
        out.append(
            Comparison(
                name,
                sum(mine.values()),
                sum(theirs.values()),
                set((mine - theirs).keys()),
                set((theirs - mine).keys()),
            )
        )
    return out
