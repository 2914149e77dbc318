"""Response models: the shapes the API promises, in camelCase through one alias generator.

A route that declares one of these returns exactly its fields (nothing else can reach the
response by accident) and OpenAPI carries the schema with an example.

>>> page = InfluencersPage.model_validate(
...     {"items": [{"person_id": "P1", "rank": 1, "in_degree": 3}], "nextCursor": None}
... )
>>> page.model_dump(by_alias=True)["items"][0]["personId"], page.items[0].in_degree
('P1', 3)
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from api.examples import (
    COMMUNITY_EXAMPLE,
    ERASURE_EXAMPLE,
    IDENTITY_EXAMPLE,
    INFLUENCERS_EXAMPLE,
)

__all__ = [
    "ApiModel",
    "Community",
    "Erasure",
    "FieldEvidence",
    "IdentityDetail",
    "IdentityRecord",
    "Influencer",
    "InfluencersPage",
    "Match",
]


class ApiModel(BaseModel):
    """The base of every response model: fields in snake_case in Python, camelCase on the
    wire; built from either."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Influencer(ApiModel):
    """One person's influence rank and the parts of its score."""

    person_id: str
    rank: int
    score: float | None = None
    pagerank: float | None = None
    in_degree: int | None = None
    out_degree: int | None = None
    referral_reach: int | None = None
    referral_depth: int | None = None
    referred_revenue: float | None = None
    coreness: int | None = None
    betweenness: float | None = None
    community_id: str | None = None


class InfluencersPage(ApiModel):
    """A page of influencers by rank; ``nextCursor`` is null on the last page."""

    model_config = ConfigDict(json_schema_extra={"example": INFLUENCERS_EXAMPLE})

    items: list[Influencer] = Field(default_factory=list)
    next_cursor: str | None = None


class Community(ApiModel):
    """One community's summary, with its top influencers (person ids) as a list."""

    model_config = ConfigDict(json_schema_extra={"example": COMMUNITY_EXAMPLE})

    community_id: str
    size: int
    density: float | None = None
    modularity_share: float | None = None
    revenue: float | None = None
    churn_rate: float | None = None
    dominant_channel: str | None = None
    top_influencers: list[str] = Field(default_factory=list)
    run: str | None = None


class IdentityRecord(ApiModel):
    """One member record of a person and how confidently it belongs there."""

    uid: str
    source: str
    source_customer_id: str
    confidence: float | None = None
    run: str | None = None


class FieldEvidence(ApiModel):
    """How one field compared in a match: the level's name and its weight in bits (never
    the values)."""

    level: str
    bits: float


class Match(ApiModel):
    """A scored match between two records (``a`` and ``b`` are record uids)."""

    a: str
    b: str
    score: float | None = None
    rule: str | None = None
    evidence: dict[str, FieldEvidence] = Field(default_factory=dict)


class IdentityDetail(ApiModel):
    """A person's records and the matches that merged them."""

    model_config = ConfigDict(json_schema_extra={"example": IDENTITY_EXAMPLE})

    person_id: str
    records: list[IdentityRecord]
    matches: list[Match] = Field(default_factory=list)


class Erasure(ApiModel):
    """What an erasure did: the record, whether it was erased before, its person and the
    persons its other records belong to now."""

    model_config = ConfigDict(json_schema_extra={"example": ERASURE_EXAMPLE})

    record: str
    erased: bool = True
    already_erased: bool
    person_id: str | None = None
    person_removed: bool = False
    persons_after: list[str] = Field(default_factory=list)
