"""The profile document: one person's identity, demographics, value, graph position,
segment, tags and behaviour (journeys) in one JSON-ready dict, each part stamped with the
run that computed it and when. The CLI and the API both build it here, from the same stored
values that Cypher reads (``Person`` properties in Neo4j, ``person_profile`` and
``person_behaviour`` in the embedded store).

Examples
--------
>>> import tempfile, pathlib
>>> from graph.store import SqliteStore
>>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "x.db"); store.ensure_schema()
>>> profile_document(store, "P-unknown")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph.errors.NotFoundError: no person 'P-unknown'; look it up by record with ...
>>> export_profiles(store)
Traceback (most recent call last):
...
graph.errors.NotFoundError: no profiles yet; run `custgraph analyze profiles` first
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from graph.errors import NotFoundError
from graph.store.base import Store

__all__ = ["export_profiles", "profile_document"]

_JSON_FIELDS = ("churnFactors", "channelMix", "topCategories", "tags", "demographics", "records")


def _decoded(value: Any) -> Any:
    if isinstance(value, str):
        return json.loads(value)
    return value


#: The behaviour's fields as the profile query returns them (``journeys/behaviour``'s).
_BEHAVIOUR = ("journeys", "conversions", "touchesBeforeFirstPurchase", "daysBeforeFirstPurchase",
              "lastChannelBeforeConversion", "topChannelBeforeConversion")  # fmt: skip


def _stamp(run: Any, at: Any) -> dict[str, Any]:
    return {"run": run, "computedAt": at}


def _obtained(counts_text: str | None) -> dict[str, Any]:
    """How the run computed value and churn, and the parts it left out for want of input
    (from the run's counts, JSON text; empty for runs recorded before custgraph kept it).

    >>> _obtained('{"value_method": "bg/nbd", "left_out": "a; b"}')["leftOut"]
    ['a', 'b']
    """
    counts = json.loads(counts_text or "{}")
    left_out = counts.get("left_out")
    return {
        "value": counts.get("value_method"),
        "churn": counts.get("churn_method"),
        "churnLabelDays": counts.get("churn_label_days"),
        "leftOut": left_out.split("; ") if left_out else [],
    }


def profile_document(store: Store, person_id: str) -> dict[str, Any]:
    """Everything custgraph knows about one person, with provenance.

    Raises :class:`~graph.errors.NotFoundError` for an unknown person id.
    """
    rows = store.read("profiles/profile", personId=person_id)
    if not rows:
        raise NotFoundError(
            f"no person {person_id!r}; look it up by record with `custgraph explain SOURCE:ID`"
        )
    p = {k: (_decoded(v) if k in _JSON_FIELDS else v) for k, v in rows[0].items()}
    records = p["records"] or []
    profiled = p["profileRun"] is not None
    doc: dict[str, Any] = {
        "personId": p["personId"],
        "identity": {
            "records": [
                {
                    "uid": r["uid"],
                    "source": r["source"],
                    "sourceCustomerId": r["sourceCustomerId"],
                    "confidence": r["confidence"],
                }
                for r in records
            ],
            "size": len(records),
            "confidence": min((r["confidence"] or 0.0 for r in records), default=None),
            **_stamp(p["identityRun"], p["identityAt"]),
        },
        "demographics": {
            "attributes": p["demographics"] or {},
            **_stamp(p["profileRun"], p["profileAt"]),
        },
        "consentMarketing": p["consentMarketing"],
        "value": None,
        "segment": None,
        "preferences": None,
        "tags": p["tags"] or [],
        "behaviour": None,
        "graph": {
            "influence": None,
            "community": None,
        },
    }
    if profiled:
        doc["value"] = {
            "asOf": p["asOf"],
            "horizonDays": p["horizonDays"],
            "currency": p["currency"],
            "recencyDays": p["recencyDays"],
            "frequency": p["frequency"],
            "monetary": p["monetary"],
            "firstPurchaseAt": p["firstPurchaseAt"],
            "lastPurchaseAt": p["lastPurchaseAt"],
            "tenureDays": p["tenureDays"],
            "rfm": {
                "recency": p["rfmRecency"],
                "frequency": p["rfmFrequency"],
                "monetary": p["rfmMonetary"],
                "score": p["rfmScore"],
                "segment": p["rfmSegment"],
            },
            "expectedPurchases": p["expectedPurchases"],
            "pAlive": p["pAlive"],
            "expectedSpend": p["expectedSpend"],
            "predictedClv": p["predictedClv"],
            "churnRisk": p["churnRisk"],
            "churnFactors": p["churnFactors"] or [],
            "obtained": _obtained(p["profileCounts"]),
            **_stamp(p["profileRun"], p["profileAt"]),
        }
        doc["segment"] = {
            "name": p["segment"],
            "description": p["segmentDescription"],
            **_stamp(p["profileRun"], p["profileAt"]),
        }
        doc["preferences"] = {
            "preferredChannel": p["preferredChannel"],
            "channelMix": p["channelMix"] or {},
            "topCategories": p["topCategories"] or [],
            **_stamp(p["profileRun"], p["profileAt"]),
        }
    if p["journeyRun"] is not None:
        doc["behaviour"] = {
            **{k: p[k] for k in _BEHAVIOUR},
            "stage": p["journeyStage"],
            **_stamp(p["journeyRun"], p["journeyAt"]),
        }
    if p["influenceRun"] is not None:
        doc["graph"]["influence"] = {
            "rank": p["influenceRank"],
            "score": p["influenceScore"],
            "pagerank": p["pagerank"],
            "inDegree": p["inDegree"],
            "outDegree": p["outDegree"],
            "referralReach": p["referralReach"],
            "referralDepth": p["referralDepth"],
            "referredRevenue": p["referredRevenue"],
            "coreness": p["coreness"],
            "betweenness": p["betweenness"],
            **_stamp(p["influenceRun"], p["influenceAt"]),
        }
    if p["communityId"] is not None:
        doc["graph"]["community"] = {
            "communityId": p["communityId"],
            "size": p["communitySize"],
            "participation": p["participation"],
            **_stamp(p["communityRun"], p["communityAt"]),
        }
    return doc


def export_profiles(store: Store) -> pd.DataFrame:
    """The ``custgraph export profiles`` table; tags as ``a;b`` text."""
    frame = store.frame("profiles/export")
    if frame.empty:
        raise NotFoundError("no profiles yet; run `custgraph analyze profiles` first")
    frame["tags"] = [";".join(_decoded(t) or []) for t in frame["tags"]]
    return frame
