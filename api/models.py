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

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from api.examples import (
    ATTRIBUTION_EXAMPLE,
    COMMUNITY_EXAMPLE,
    ERASURE_EXAMPLE,
    IDENTITY_EXAMPLE,
    INFLUENCERS_EXAMPLE,
    JOURNEY_EXAMPLE,
    NEIGHBORHOOD_EXAMPLE,
    PROFILE_EXAMPLE,
)

__all__ = [
    "ApiModel",
    "AttributionCredit",
    "AttributionPage",
    "Behaviour",
    "Community",
    "CytoscapeNeighborhood",
    "Erasure",
    "FieldEvidence",
    "IdentityDetail",
    "IdentityRecord",
    "Influencer",
    "InfluencersPage",
    "Journey",
    "JourneyTouch",
    "Match",
    "Neighborhood",
    "PersonJourneys",
    "ProfileDocument",
    "ScoreParts",
]


class ApiModel(BaseModel):
    """The base of every response model: fields in snake_case in Python, camelCase on the
    wire; built from either."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class ScoreParts(ApiModel):
    """The parts of an influence score (docs/influence.md)."""

    score: float | None = None
    pagerank: float | None = None
    in_degree: int | None = None
    out_degree: int | None = None
    referral_reach: int | None = None
    referral_depth: int | None = None
    referred_revenue: float | None = None
    coreness: int | None = None
    betweenness: float | None = None


class Influencer(ScoreParts):
    """One person's influence rank and the parts of its score."""

    person_id: str
    rank: int
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


class Stamped(ApiModel):
    """A part of a profile document and the run that computed it (null: never computed)."""

    run: str | None = None
    computed_at: str | None = None


class ProfileRecord(ApiModel):
    """A member record as the profile document lists it."""

    uid: str
    source: str
    source_customer_id: str
    confidence: float | None = None


class ProfileIdentity(Stamped):
    """The person's records; ``confidence`` is the lowest of theirs."""

    records: list[ProfileRecord] = Field(default_factory=list)
    size: int
    confidence: float | None = None


class Attribute(ApiModel):
    """A demographic attribute (masked unless the caller's role allows PII) and the record
    it was taken from."""

    value: str | int | float | bool | None = None
    source: str | None = None


class Demographics(Stamped):
    """The attributes chosen from the person's records, by name."""

    attributes: dict[str, Attribute] = Field(default_factory=dict)


class Rfm(ApiModel):
    """Recency, frequency and monetary scores (1-5), the three-digit score and its segment."""

    recency: int | None = None
    frequency: int | None = None
    monetary: int | None = None
    score: str | None = None
    segment: str | None = None


class ChurnFactor(ApiModel):
    """One of the top reasons for a person's churn risk."""

    factor: str
    words: str
    value: float
    direction: str
    effect: float


class Obtained(ApiModel):
    """How the run obtained value and churn, and the parts it left out for want of input."""

    value: str | None = None
    churn: str | None = None
    churn_label_days: int | None = None
    left_out: list[str] = Field(default_factory=list)


class Value(Stamped):
    """Purchases so far, RFM, expected purchases and value over the horizon, churn risk."""

    as_of: str | None = None
    horizon_days: int | None = None
    currency: str | None = None
    recency_days: int | None = None
    frequency: int | None = None
    monetary: float | None = None
    first_purchase_at: str | None = None
    last_purchase_at: str | None = None
    tenure_days: int | None = None
    rfm: Rfm
    expected_purchases: float | None = None
    p_alive: float | None = None
    expected_spend: float | None = None
    predicted_clv: float | None = None
    churn_risk: float | None = None
    churn_factors: list[ChurnFactor] = Field(default_factory=list)
    obtained: Obtained


class SegmentPart(Stamped):
    """The person's segment (k-means over value and behaviour)."""

    name: str | None = None
    description: str | None = None


class Preferences(Stamped):
    """Preferred channel, the share of each channel, and the top categories by spend."""

    preferred_channel: str | None = None
    channel_mix: dict[str, float] = Field(default_factory=dict)
    top_categories: list[str] = Field(default_factory=list)


class InfluencePart(Stamped, ScoreParts):
    """The person's influence rank and the parts of its score."""

    rank: int | None = None


class CommunityPart(Stamped):
    """The person's community, its size and the person's participation in it."""

    community_id: str
    size: int | None = None
    participation: float | None = None


class GraphPart(ApiModel):
    """Influence and community (null until those jobs have run)."""

    influence: InfluencePart | None = None
    community: CommunityPart | None = None


class Behaviour(Stamped):
    """The person's journeys: how many converted, touches and days before the first
    purchase, channels before converting, and the journey stage (in_journey, converted,
    lapsed, dropped_out)."""

    journeys: int | None = None
    conversions: int | None = None
    touches_before_first_purchase: int | None = None
    days_before_first_purchase: float | None = None
    last_channel_before_conversion: str | None = None
    top_channel_before_conversion: str | None = None
    stage: str | None = None


class ProfileDocument(ApiModel):
    """Everything custgraph knows about one person; each part names its run."""

    model_config = ConfigDict(json_schema_extra={"example": PROFILE_EXAMPLE})

    person_id: str
    identity: ProfileIdentity
    demographics: Demographics
    consent_marketing: bool | None = None
    value: Value | None = None
    segment: SegmentPart | None = None
    preferences: Preferences | None = None
    tags: list[str] = Field(default_factory=list)
    behaviour: Behaviour | None = None
    graph: GraphPart


class NeighborNode(ApiModel):
    """A person in a neighborhood: hops from the centre, records, and a few labels (no PII)."""

    id: str
    label: str
    hops: int
    size: int | None = None
    influence_rank: int | None = None
    community_id: str | None = None
    rfm_segment: str | None = None
    segment: str | None = None
    churn_risk: float | None = None


class NeighborEdge(ApiModel):
    """A person-level link between two nodes of the neighborhood."""

    id: str
    source: str
    target: str
    type: str
    weight: float | None = None


class Neighborhood(ApiModel):
    """Persons within ``depth`` hops, nearest first; ``truncated`` when ``limit`` was hit.
    (The plain JSON format; ``cytoscape`` and ``graphml`` carry the same nodes and edges.)"""

    model_config = ConfigDict(json_schema_extra={"example": NEIGHBORHOOD_EXAMPLE})

    center: str
    depth: int
    limit: int
    truncated: bool
    nodes: list[NeighborNode]
    edges: list[NeighborEdge]


class CytoscapeElement(ApiModel):
    """A Cytoscape.js element: its ``data`` holds the node's or edge's fields as in the
    plain format (plus ``value``/``name`` for nodes and ``key`` for edges)."""

    data: dict[str, Any]


class CytoscapeElements(ApiModel):
    nodes: list[CytoscapeElement]
    edges: list[CytoscapeElement]


class CytoscapeNeighborhood(ApiModel):
    """The neighborhood as Cytoscape.js JSON (``format=cytoscape``), as networkx writes it
    (graph ``data`` as ``[name, value]`` pairs), and whether the cap was hit."""

    data: list[tuple[str, Any]]
    directed: bool
    multigraph: bool
    elements: CytoscapeElements
    truncated: bool


class JourneyTouch(ApiModel):
    """One touchpoint event of a journey: the record it came from, channel, time, event."""

    uid: str
    channel_id: str
    at: str
    event: str | None = None
    count: int


class Journey(ApiModel):
    """A journey: the order it led to (null: it did not convert), whether it is still open,
    its path, and its touchpoints in time order."""

    order_id: str | None = None
    converted: bool
    revenue: float | None = None
    open: bool
    path: str
    start_at: str
    end_at: str
    touchpoints: list[JourneyTouch] = Field(default_factory=list)


class PersonJourneys(ApiModel):
    """A person's journeys across all of their records, and the stored behaviour part."""

    model_config = ConfigDict(json_schema_extra={"example": JOURNEY_EXAMPLE})

    person_id: str
    lookback_days: int
    journeys: list[Journey] = Field(default_factory=list)
    behaviour: Behaviour | None = None


class AttributionCredit(ApiModel):
    """The conversions and revenue one model credits to one channel, and its share."""

    model: str
    channel_id: str
    conversions: float
    revenue: float
    share: float


class AttributionPage(ApiModel):
    """The last journeys run's credits for one model (or every model)."""

    model_config = ConfigDict(json_schema_extra={"example": ATTRIBUTION_EXAMPLE})

    model: str | None = None
    run: str | None = None
    credits: list[AttributionCredit] = Field(default_factory=list)
