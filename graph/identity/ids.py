"""Stable person ids across runs, and the lineage of merges and splits.

Rules: a cluster keeps the id its members had; when members of several persons are merged,
the oldest id survives and the others are retired; when a person is split, the id stays
with the part that holds most of its members; a cluster with no earlier id gets a new one
derived from its smallest member uid (so a first run on the same data always gives the
same ids).

Examples
--------
>>> clusters = [["crm:1", "shop:2"], ["app:3"]]
>>> ids, events = assign_ids(clusters, previous={}, created={}, known=set())
>>> ids == [person_id_for("crm:1"), person_id_for("app:3")], [e.event for e in events]
(True, ['new', 'new'])
>>> ids2, events2 = assign_ids([["crm:1", "shop:2", "app:3"]],
...     previous={"crm:1": ids[0], "shop:2": ids[0], "app:3": ids[1]},
...     created={ids[0]: "2024-01-01", ids[1]: "2024-02-01"}, known=set(ids))
>>> ids2 == [ids[0]], [(e.event, e.person_id == ids[0], e.other_id == ids[1]) for e in events2]
(True, [('merge', True, True)])
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["LineageEvent", "assign_ids", "candidate_ids", "person_id_for", "split_person"]


@dataclass(frozen=True, slots=True)
class LineageEvent:
    """``new`` (a person appears), ``merge`` (``other_id`` retired into ``person_id``),
    ``split`` (``other_id`` created from part of ``person_id``), ``retire`` (no members)."""

    event: str
    person_id: str
    other_id: str | None = None


def person_id_for(uid: str, attempt: int = 0) -> str:
    """The id a new person gets from its smallest member uid (``attempt`` avoids reuse)."""
    digest = hashlib.sha1(f"{uid}#{attempt}".encode(), usedforsecurity=False).hexdigest()
    return "P" + digest[:12]


def _overlap(members: Sequence[str], previous: Mapping[str, str]) -> Mapping[str, int]:
    """How many of ``members`` each earlier person id held (most clusters hold one record:
    no counter needed for them)."""
    if len(members) == 1:
        pid = previous.get(members[0])
        return {pid: 1} if pid is not None else {}
    return Counter(previous[u] for u in members if u in previous)


def assign_ids(
    clusters: Sequence[Sequence[str]],
    *,
    previous: Mapping[str, str],
    created: Mapping[str, str],
    known: set[str],
) -> tuple[list[str], list[LineageEvent]]:
    """A person id per cluster, and the lineage events of this assignment.

    ``previous`` maps record uid → its person id before this run; ``created`` maps person
    id → when it was created (older wins a merge); ``known`` holds every id ever issued.
    """
    overlap = [_overlap(c, previous) for c in clusters]
    best: dict[str, tuple[int, str, int]] = {}  # old id -> (overlap, smallest uid, cluster)
    for index, (members, counts) in enumerate(zip(clusters, overlap, strict=True)):
        smallest = min(members)
        for pid, count in counts.items():
            current = best.get(pid)
            # most members first; on a tie, the cluster with the smallest member uid
            if current is None or (-count, smallest) < (-current[0], current[1]):
                best[pid] = (count, smallest, index)
    claims: dict[int, list[str]] = {}
    for pid, (_, _, index) in best.items():
        claims.setdefault(index, []).append(pid)
    ids: list[str] = []
    events: list[LineageEvent] = []
    issued = set(known)
    for index, members in enumerate(clusters):
        candidates = sorted(claims.get(index, []), key=lambda p: (created.get(p, ""), p))
        if candidates:
            chosen = candidates[0]
            events.extend(LineageEvent("merge", chosen, other) for other in candidates[1:])
        else:
            attempt = 0
            chosen = person_id_for(min(members))
            while chosen in issued:
                attempt += 1
                chosen = person_id_for(min(members), attempt)
            split_from = [p for p in overlap[index] if p in best]
            if split_from:
                events.append(LineageEvent("split", sorted(split_from)[0], chosen))
            else:
                events.append(LineageEvent("new", chosen))
        issued.add(chosen)
        ids.append(chosen)
    live = set(ids)
    retired = {p for p in previous.values() if p not in live}
    merged = {e.other_id for e in events if e.event == "merge"}
    events.extend(LineageEvent("retire", p) for p in sorted(retired - merged))
    return ids, events


#: New ids a caller checks against its store before :func:`split_person` (per part).
ATTEMPTS = 8


def candidate_ids(uids: Sequence[str]) -> list[str]:
    """Every id :func:`split_person` could give a part whose smallest member is one of
    ``uids``: ask the store which of them are taken, and pass those as ``known``."""
    return [person_id_for(u, a) for u in uids for a in range(ATTEMPTS)]


def split_person(
    person: str,
    members: Sequence[str],
    links: Sequence[tuple[str, str]],
    *,
    known: set[str],
) -> tuple[dict[str, str], list[LineageEvent]]:
    """Re-resolve one person whose records changed (a record erased): the remaining
    ``members`` fall into the connected parts of their accepted ``links``; the part with most
    members keeps ``person`` and every other part gets a new id, by the rules of
    :func:`assign_ids`. Returns record uid → person id, and the ``split`` events.

    >>> owner, events = split_person("P1", ["a:1", "a:2", "b:9"], [("a:1", "a:2")], known={"P1"})
    >>> owner["a:1"] == owner["a:2"] == "P1", owner["b:9"] == person_id_for("b:9")
    (True, True)
    >>> [(e.event, e.person_id, e.other_id == owner["b:9"]) for e in events]
    [('split', 'P1', True)]
    """
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(members)
    graph.add_edges_from((a, b) for a, b in links if a in graph and b in graph)
    parts = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda p: p[0])
    ids, events = assign_ids(
        parts,
        previous=dict.fromkeys(members, person),
        created={person: ""},
        known=known | {person},
    )
    owner = {u: pid for part, pid in zip(parts, ids, strict=True) for u in part}
    return owner, [e for e in events if e.event == "split"]
