"""Look-ups the API and the CLI share: a person by record, e-mail or phone; a person's
neighborhood; pages of influencers; a community; a person's identity with its evidence.

Inputs are normalised the way the loaders normalise them, so ``ANN@Example.com `` finds
``ann@example.com``.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.store import SqliteStore
>>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "x.db"); store.ensure_schema()
>>> find_person(store, email="nobody@example.com")
Traceback (most recent call last):
...
graph.errors.NotFoundError: no person has that e-mail
>>> decode_cursor(encode_cursor(40))
40
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.errors import InputError, NotFoundError
from graph.model import PERSON_RELATIONSHIPS, identifier_key, record_uid
from graph.normalize import normalize_email, normalize_phone
from graph.store.base import Store

__all__ = [
    "MAX_NODES",
    "Neighborhood",
    "community_detail",
    "decode_cursor",
    "encode_cursor",
    "find_person",
    "identity_detail",
    "influencers_page",
    "neighborhood",
]

#: The hard cap on nodes a neighborhood returns, whatever ``limit`` asks for.
MAX_NODES = 1000
PERSON_RELS = tuple(str(t) for t in PERSON_RELATIONSHIPS)


def find_person(
    store: Store,
    *,
    source: str | None = None,
    source_customer_id: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    region: str = "US",
) -> str:
    """The person id for a record (``source`` + ``source_customer_id``), an e-mail or a phone."""

    given = [
        k
        for k, v in (
            ("source/id", source or source_customer_id),
            ("email", email),
            ("phone", phone),
        )
        if v
    ]
    if len(given) != 1:
        raise InputError("look a person up by exactly one of: source and id, email, phone")
    if source or source_customer_id:
        if not (source and source_customer_id):
            raise InputError("a record look-up needs both source and id")
        uid = record_uid(source, source_customer_id)
        rows = store.read("lookup/by_record", uid=uid)
        what = "that record"
    elif email:
        try:
            key = identifier_key("email", normalize_email(email))
        except ValueError as exc:
            raise InputError("email is not an e-mail address") from exc
        rows = store.read("lookup/by_identifier", key=key)
        what = "that e-mail"
    else:
        assert phone is not None
        try:
            key = identifier_key("phone", normalize_phone(phone, region))
        except ValueError as exc:
            raise InputError("phone is not a phone number") from exc
        rows = store.read("lookup/by_identifier", key=key)
        what = "that phone"
    if not rows:
        raise NotFoundError(f"no person has {what}")
    return str(rows[0]["personId"])


@dataclass(slots=True)
class Neighborhood:
    """Persons within ``depth`` hops and the links among them (capped at ``limit`` nodes)."""

    center: str
    depth: int
    limit: int
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False

    def as_json(self) -> dict[str, Any]:
        """Plain JSON: nodes, edges and whether the cap was hit."""
        return {
            "center": self.center,
            "depth": self.depth,
            "limit": self.limit,
            "truncated": self.truncated,
            "nodes": self.nodes,
            "edges": self.edges,
        }

    def as_networkx(self) -> nx.MultiDiGraph:
        """The neighborhood as a networkx graph (for GraphML and Cytoscape)."""
        graph = nx.MultiDiGraph(center=self.center, truncated=self.truncated)
        for node in self.nodes:
            graph.add_node(node["id"], **{k: v for k, v in node.items() if v is not None})
        for edge in self.edges:
            graph.add_edge(edge["source"], edge["target"], key=edge["type"], **edge)
        return graph

    def as_cytoscape(self) -> dict[str, Any]:
        """Cytoscape.js JSON (``elements.nodes`` / ``elements.edges``)."""
        data: dict[str, Any] = nx.cytoscape_data(self.as_networkx())
        return data

    def as_graphml(self) -> str:
        """GraphML text."""
        return "\n".join(nx.generate_graphml(self.as_networkx()))


def neighborhood(
    store: Store,
    person_id: str,
    *,
    depth: int = 1,
    rels: list[str] | None = None,
    limit: int = 200,
    strategy: str | None = None,
) -> Neighborhood:
    """Breadth-first over person-level links: nearer persons first, then by id; stops at
    ``min(limit, MAX_NODES)`` nodes and says so.

    Two strategies give the same answer (tested on both stores): ``one-query`` does it all in
    the store in one round trip, which is what counts on Neo4j (each query costs a few
    milliseconds there); ``per-hop`` runs a small indexed query per hop plus one for the links
    and one for the details, which is faster on the embedded store (bench/api.py: p99 31 ms
    against 600 ms for the one big query on high-degree persons). The default picks by store.
    """
    if not 1 <= depth <= 3:
        raise InputError("depth must be 1, 2 or 3")
    wanted = [r.upper() for r in (rels or list(PERSON_RELS))]
    unknown = sorted(set(wanted) - set(PERSON_RELS))
    if unknown:
        raise InputError(f"rel must be among {', '.join(PERSON_RELS)}; got {', '.join(unknown)}")
    cap = max(1, min(limit, MAX_NODES))
    if strategy not in (None, "one-query", "per-hop"):
        raise InputError("strategy must be one-query or per-hop")
    if (strategy or ("one-query" if store.kind == "neo4j" else "per-hop")) == "one-query":
        return _one_query(store, person_id, depth=depth, rels=wanted, cap=cap)
    if not store.read("lookup/person_nodes", personIds=[person_id]):
        raise NotFoundError(f"no person {person_id!r}")
    return _per_hop(store, person_id, depth=depth, rels=wanted, cap=cap)


def _one_query(
    store: Store, person_id: str, *, depth: int, rels: list[str], cap: int
) -> Neighborhood:
    """The whole neighborhood in one query (one round trip)."""
    rows = store.read("lookup/neighborhood", personId=person_id, rels=rels, depth=depth, cap=cap)
    nodes = _decoded(rows[0]["nodes"]) if rows else []
    if not nodes:
        raise NotFoundError(f"no person {person_id!r}")
    result = Neighborhood(person_id, depth, cap, truncated=bool(rows[0]["truncated"]))
    result.nodes = [
        {"id": n["id"], "label": "Person", **{k: v for k, v in n.items() if k != "id"}}
        for n in nodes
    ]
    result.edges = [
        {
            "id": f"{e['src']}-{e['type']}-{e['dst']}",
            "source": e["src"],
            "target": e["dst"],
            "type": e["type"],
            "weight": float(e["weight"]),
        }
        for e in sorted(_decoded(rows[0]["links"]), key=lambda e: (e["src"], e["dst"], e["type"]))
    ]
    return result


def _per_hop(
    store: Store, person_id: str, *, depth: int, rels: list[str], cap: int
) -> Neighborhood:
    """A query per hop that returns only the ids it needs, then the links among them and the
    persons' details."""
    wanted = rels
    hops = {person_id: 0}
    frontier = [person_id]
    truncated = False
    for level in range(1, depth + 1):
        room = cap - len(hops)
        if not frontier or room <= 0:
            break
        found = [
            r["personId"]
            for r in store.read(
                "lookup/person_neighbors",
                personIds=frontier,
                rels=wanted,
                exclude=list(hops),
                limit=room + 1,
            )
        ]
        if len(found) > room:
            found, truncated = found[:room], True
        hops.update(dict.fromkeys(found, level))
        frontier = found
    if len(hops) >= cap and frontier and not truncated and depth > max(hops.values()):
        # Full exactly at the cap with hops left to take: anything beyond was cut.
        truncated = bool(
            store.read(
                "lookup/person_neighbors",
                personIds=frontier,
                rels=wanted,
                exclude=list(hops),
                limit=1,
            )
        )
    links = {
        (r["src"], r["dst"], r["type"]): float(r["weight"])
        for r in store.read("lookup/person_links", personIds=list(hops), rels=wanted)
    }
    return _assemble(store, Neighborhood(person_id, depth, cap, truncated=truncated), hops, links)


def _assemble(
    store: Store,
    result: Neighborhood,
    hops: dict[str, int],
    links: dict[tuple[str, str, str], float],
) -> Neighborhood:
    details = {r["personId"]: r for r in store.read("lookup/person_nodes", personIds=list(hops))}
    for node in sorted(hops, key=lambda n: (hops[n], n)):
        row = details.get(node, {})
        result.nodes.append(
            {
                "id": node,
                "label": "Person",
                "hops": hops[node],
                **{
                    k: row.get(k)
                    for k in (
                        "size",
                        "influenceRank",
                        "communityId",
                        "rfmSegment",
                        "segment",
                        "churnRisk",
                    )
                },
            }
        )
    for (src, dst, kind), weight in sorted(links.items()):
        if src in hops and dst in hops:
            result.edges.append(
                {
                    "id": f"{src}-{kind}-{dst}",
                    "source": src,
                    "target": dst,
                    "type": kind,
                    "weight": weight,
                }
            )
    return result


def _decoded(value: Any) -> Any:
    """Lists come from Neo4j as lists and from SQLite as JSON text."""
    return json.loads(value) if isinstance(value, str) else (value or [])


def encode_cursor(rank: int) -> str:
    """An opaque cursor for the page after ``rank``."""
    return base64.urlsafe_b64encode(json.dumps({"after": rank}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The rank a cursor points after (0 for none); a damaged cursor is an input error."""
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        after = json.loads(base64.urlsafe_b64decode(padded.encode()))["after"]
        if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after < 2**62:
            raise ValueError
    except (ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise InputError("cursor is not one this API issued; start again without it") from exc
    return after


def influencers_page(
    store: Store, *, limit: int = 50, community: str | None = None, cursor: str | None = None
) -> dict[str, Any]:
    """A page of influencers by rank, and the cursor of the next page (None at the end)."""
    if not 1 <= limit <= 1000:
        raise InputError("limit must be between 1 and 1000")
    after = decode_cursor(cursor)
    rows = store.read("lookup/influencers_page", after=after, limit=limit + 1, community=community)
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": rows,
        "nextCursor": encode_cursor(int(rows[-1]["rank"])) if more and rows else None,
    }


def community_detail(store: Store, community_id: str) -> dict[str, Any]:
    """A community's summary with its top influencers as a list."""
    rows = store.read("lookup/community", communityId=community_id)
    if not rows:
        raise NotFoundError(f"no community {community_id!r}; run `custgraph analyze communities`")
    row = dict(rows[0])
    row["topInfluencers"] = [p for p in (row.get("topInfluencers") or "").split(";") if p]
    return row


def identity_detail(store: Store, person_id: str) -> dict[str, Any]:
    """A person's member records and the matches that merged them, with per-field evidence."""
    records = store.read("profiles/person_records", personId=person_id)
    if not records:
        raise NotFoundError(f"no person {person_id!r}")
    matches = [
        {
            "a": m["a"],
            "b": m["b"],
            "score": m["score"],
            "rule": m["rule"],
            "evidence": json.loads(m["evidence"]) if m["evidence"] else {},
        }
        for m in store.read("identity/person_matches", personId=person_id)
    ]
    return {"personId": person_id, "records": records, "matches": matches}
