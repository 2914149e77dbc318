"""Examples and error responses for the OpenAPI document (what /docs shows)."""

from __future__ import annotations

from typing import Any

__all__ = [
    "COMMUNITY_EXAMPLE",
    "ERASURE_EXAMPLE",
    "IDENTITY_EXAMPLE",
    "INFLUENCERS_EXAMPLE",
    "NEIGHBORHOOD_EXAMPLE",
    "PROBLEMS",
    "PROFILE_EXAMPLE",
]

_RUN = {"run": "profiles-20261123T022005-7d7a56ae", "computedAt": "2026-11-23T02:20:09Z"}

PROFILE_EXAMPLE: dict[str, Any] = {
    "personId": "P004a16b878ca",
    "identity": {
        "records": [
            {
                "uid": "crm:C00000061",
                "source": "crm",
                "sourceCustomerId": "C00000061",
                "confidence": 1.0,
            },
            {
                "uid": "app:A00001345",
                "source": "app",
                "sourceCustomerId": "A00001345",
                "confidence": 0.998,
            },
        ],
        "size": 2,
        "confidence": 0.998,
        "run": "identity-20261123T021928-04f07178",
        "computedAt": "2026-11-23T02:19:29Z",
    },
    "demographics": {
        "attributes": {
            "email": {"value": "d***@outlook.com", "source": "crm:C00000061"},
            "phone": {"value": "*******2877", "source": "crm:C00000061"},
            "city": {"value": "Philadelphia", "source": "crm:C00000061"},
        },
        **_RUN,
    },
    "consentMarketing": True,
    "value": {
        "asOf": "2026-06-29T15:22:41Z",
        "horizonDays": 90,
        "currency": "USD",
        "recencyDays": 16,
        "frequency": 4,
        "monetary": 148.19,
        "rfm": {
            "recency": 5,
            "frequency": 4,
            "monetary": 4,
            "score": "544",
            "segment": "Champions",
        },
        "expectedPurchases": 1.13,
        "pAlive": 0.83,
        "expectedSpend": 45.02,
        "predictedClv": 50.88,
        "churnRisk": 0.41,
        "churnFactors": [
            {
                "factor": "tenure_days",
                "words": "days since first seen",
                "value": 206.0,
                "direction": "below average",
                "effect": 0.31,
            }
        ],
        "obtained": {
            "value": "BG/NBD expected purchases times Gamma-Gamma spend",
            "churn": "logistic regression learned on a 90-day window before the as-of date",
            "churnLabelDays": 90,
            "leftOut": [],
        },
        **_RUN,
    },
    "segment": {"name": "S1", "description": "recently active, likely to stay", **_RUN},
    "preferences": {
        "preferredChannel": "web",
        "channelMix": {"web": 0.6, "app": 0.4},
        "topCategories": ["health", "sports"],
        **_RUN,
    },
    "tags": ["vip"],
    "behaviour": {
        "journeys": 4,
        "conversions": 2,
        "touchesBeforeFirstPurchase": 3,
        "daysBeforeFirstPurchase": 6.5,
        "lastChannelBeforeConversion": "email",
        "topChannelBeforeConversion": "web",
        "stage": "converted",
        "run": "journeys-20261123T022001-5e6f7a8b",
        "computedAt": "2026-11-23T02:20:04Z",
    },
    "graph": {
        "influence": {
            "rank": 12,
            "score": 0.97,
            "pagerank": 0.0011,
            "referralReach": 8,
            "run": "influence-20261123T021940-1a2b3c4d",
            "computedAt": "2026-11-23T02:19:45Z",
        },
        "community": {
            "communityId": "C8",
            "size": 250,
            "participation": 0.21,
            "run": "communities-20261123T021950-5e6f7a8b",
            "computedAt": "2026-11-23T02:19:55Z",
        },
    },
}

NEIGHBORHOOD_EXAMPLE: dict[str, Any] = {
    "center": "P004a16b878ca",
    "depth": 1,
    "limit": 200,
    "truncated": False,
    "nodes": [
        {
            "id": "P004a16b878ca",
            "label": "Person",
            "hops": 0,
            "size": 2,
            "influenceRank": 12,
            "communityId": "C8",
            "rfmSegment": "Champions",
            "segment": "S1",
            "churnRisk": 0.41,
        },
        {
            "id": "P1493aac6636d",
            "label": "Person",
            "hops": 1,
            "size": 1,
            "influenceRank": 1,
            "communityId": "C8",
            "rfmSegment": "Loyal",
            "segment": "S1",
            "churnRisk": 0.22,
        },
    ],
    "edges": [
        {
            "id": "P1493aac6636d-REFERRED-P004a16b878ca",
            "source": "P1493aac6636d",
            "target": "P004a16b878ca",
            "type": "REFERRED",
            "weight": 1.0,
        },
    ],
}

IDENTITY_EXAMPLE: dict[str, Any] = {
    "personId": "P004a16b878ca",
    "records": [
        {
            "uid": "app:A00001345",
            "source": "app",
            "sourceCustomerId": "A00001345",
            "confidence": 0.998,
            "run": "identity-20261123T021928-04f07178",
        },
        {
            "uid": "crm:C00000061",
            "source": "crm",
            "sourceCustomerId": "C00000061",
            "confidence": 1.0,
            "run": "identity-20261123T021928-04f07178",
        },
    ],
    "matches": [
        {
            "a": "app:A00001345",
            "b": "crm:C00000061",
            "score": 0.9991,
            "rule": "model",
            "evidence": {
                "email": {"level": "exact", "bits": 9.1},
                "birthDate": {"level": "exact", "bits": 6.2},
            },
        },
    ],
}

INFLUENCERS_EXAMPLE: dict[str, Any] = {
    "items": [
        {
            "personId": "P1493aac6636d",
            "rank": 1,
            "score": 0.9911,
            "pagerank": 0.0042,
            "inDegree": 31,
            "outDegree": 12,
            "referralReach": 40,
            "referralDepth": 4,
            "referredRevenue": 2210.5,
            "coreness": 9,
            "betweenness": 0.0,
            "communityId": "C8",
        },
    ],
    "nextCursor": "eyJhZnRlciI6IDF9",
}

COMMUNITY_EXAMPLE: dict[str, Any] = {
    "communityId": "C8",
    "size": 250,
    "density": 0.041,
    "modularityShare": 0.032,
    "revenue": 51234.5,
    "churnRate": 0.31,
    "dominantChannel": "web",
    "topInfluencers": ["P1493aac6636d", "P004a16b878ca"],
    "run": "communities-20261123T021950-5e6f7a8b",
}

ERASURE_EXAMPLE: dict[str, Any] = {
    "record": "crm:C00000061",
    "erased": True,
    "alreadyErased": False,
    "personId": "P004a16b878ca",
    "personRemoved": False,
    "personsAfter": ["P004a16b878ca"],
}


def _problem(status: int, title: str, detail: str) -> dict[str, Any]:
    return {
        "description": title,
        "content": {
            "application/problem+json": {
                "example": {
                    "type": "about:blank",
                    "title": title,
                    "status": status,
                    "detail": detail,
                }
            }
        },
    }


PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: _problem(401, "Unauthorized", "an API key is required (X-API-Key header)"),
    403: _problem(403, "Forbidden", "this needs the admin role; the key has reader"),
    404: _problem(404, "NotFoundError", "no person 'P-42'"),
    422: _problem(
        422, "Unprocessable Content", "query.depth: Input should be less than or equal to 3"
    ),
    429: _problem(429, "too many requests", "the server is at capacity; retry after a second"),
    503: _problem(503, "StoreUnavailableError", "the store does not answer"),
}

JOURNEY_EXAMPLE: dict[str, Any] = {
    "personId": "P3f9c2a7b1d04",
    "lookbackDays": 30,
    "journeys": [
        {
            "orderId": "O000001234",
            "converted": True,
            "revenue": 84.5,
            "open": False,
            "path": "web > email",
            "startAt": "2026-05-02T09:12:00Z",
            "endAt": "2026-05-09T18:40:00Z",
            "touchpoints": [
                {
                    "uid": "shop:S-00000042",
                    "channelId": "web",
                    "at": "2026-05-02T09:12:00Z",
                    "event": "visit",
                    "count": 2,
                },
                {
                    "uid": "crm:C00001234",
                    "channelId": "email",
                    "at": "2026-05-09T08:00:00Z",
                    "event": "open",
                    "count": 1,
                },
            ],
        }
    ],
    "behaviour": PROFILE_EXAMPLE["behaviour"],
}

ATTRIBUTION_EXAMPLE: dict[str, Any] = {
    "model": "markov",
    "run": "journeys-20261123T022001-5e6f7a8b",
    "credits": [
        {
            "model": "markov",
            "channelId": "web",
            "conversions": 812.4,
            "revenue": 40120.55,
            "share": 0.291,
        },
        {
            "model": "markov",
            "channelId": "email",
            "conversions": 301.0,
            "revenue": 15020.1,
            "share": 0.108,
        },
    ],
}
