"""The graph model of DESIGN.md §3, defined once.

Labels, relationship types, node keys and property names live here and nowhere else.
Python code speaks snake_case; the graph (and the embedded store's columns) speak
camelCase. :func:`to_graph` and :func:`to_python` are the one place that converts.

Examples
--------
>>> to_graph("source_customer_id")
'sourceCustomerId'
>>> to_python("firstAt")
'first_at'
>>> NODES[Label.CUSTOMER].key
'uid'
>>> customer_uid("crm", "C-1")
'crm:C-1'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache

__all__ = [
    "CUSTOMER_FIELDS",
    "CUSTOMER_KEY",
    "DEMOGRAPHIC_FIELDS",
    "IDENTIFIER_KINDS",
    "NODES",
    "PERSON_RELATIONSHIPS",
    "PII_FIELDS",
    "RELATIONSHIPS",
    "SOCIAL_KINDS",
    "CustomerField",
    "Label",
    "NodeSpec",
    "RelSpec",
    "RelType",
    "customer_uid",
    "identifier_key",
    "split_uid",
    "to_graph",
    "to_python",
    "tombstone_key",
    "until",
]


class Label(StrEnum):
    """Node labels (PascalCase, as Neo4j convention has them)."""

    CUSTOMER = "Customer"
    PERSON = "Person"
    IDENTIFIER = "Identifier"
    EMAIL = "Email"
    PHONE = "Phone"
    DEVICE = "Device"
    LOYALTY_ID = "LoyaltyId"
    NATIONAL_ID = "NationalId"
    ADDRESS = "Address"
    CHANNEL = "Channel"
    PRODUCT = "Product"
    ORDER = "Order"
    COMMUNITY = "Community"
    TAG = "Tag"
    SEGMENT = "Segment"
    # Bookkeeping: what was loaded and which jobs ran (not customer data).
    LOAD_FILE = "LoadFile"
    JOB_RUN = "JobRun"
    # Identity resolution's own records: lineage of person ids, and reviewers' decisions.
    IDENTITY_EVENT = "IdentityEvent"
    IDENTITY_OVERRIDE = "IdentityOverride"
    # Privacy: an erased record, so that a later load of it is suppressed and reported.
    TOMBSTONE = "Tombstone"
    # Behaviour: touchpoint events, and what the last journeys run found.
    TOUCHPOINT = "Touchpoint"
    JOURNEY_PATH = "JourneyPath"
    CHANNEL_CREDIT = "ChannelCredit"
    CHANNEL_TRANSITION = "ChannelTransition"
    # What incremental identity runs keep, and one-time schema upgrades done (Neo4j).
    IDENTITY_STATE = "IdentityState"
    SCHEMA_STATE = "SchemaState"


class RelType(StrEnum):
    """Relationship types (UPPER_SNAKE, as Neo4j convention has them)."""

    HAS_IDENTIFIER = "HAS_IDENTIFIER"
    RESOLVES_TO = "RESOLVES_TO"
    MATCHES = "MATCHES"
    TOUCHED = "TOUCHED"
    MADE = "MADE"
    ON = "ON"
    PLACED = "PLACED"
    CONTAINS = "CONTAINS"
    VIA = "VIA"
    REFERRED = "REFERRED"
    FOLLOWS = "FOLLOWS"
    FRIENDS_WITH = "FRIENDS_WITH"
    INTERACTS_WITH = "INTERACTS_WITH"
    IN_COMMUNITY = "IN_COMMUNITY"
    HAS_TAG = "HAS_TAG"
    IN_SEGMENT = "IN_SEGMENT"
    CREDITS = "CREDITS"


@dataclass(frozen=True, slots=True)
class NodeSpec:
    """A node label: its key property (``a,b`` for a pair; empty when every node is its own:
    Touchpoint), its embedded-store table (empty: Neo4j only), what it means."""

    label: Label
    key: str
    table: str
    doc: str


@dataclass(frozen=True, slots=True)
class RelSpec:
    """A relationship type: its end labels, its embedded-store table, what it means."""

    type: RelType
    start: Label
    end: Label
    table: str
    doc: str


_N = NodeSpec
NODES: dict[Label, NodeSpec] = {
    s.label: s
    for s in (
        _N(
            Label.CUSTOMER,
            "uid",
            "customer",
            "one record in one source system (uid = source:sourceCustomerId)",
        ),
        _N(Label.PERSON, "personId", "person", "the resolved individual with the combined profile"),
        _N(Label.IDENTIFIER, "key", "identifier", "a normalised identifier shared by records"),
        _N(Label.EMAIL, "key", "identifier", "an e-mail address (also an Identifier)"),
        _N(Label.PHONE, "key", "identifier", "a phone number in E.164 (also an Identifier)"),
        _N(Label.DEVICE, "key", "identifier", "a device id (also an Identifier)"),
        _N(Label.LOYALTY_ID, "key", "identifier", "a loyalty card id (also an Identifier)"),
        _N(Label.NATIONAL_ID, "key", "identifier", "a national id (also an Identifier)"),
        _N(Label.ADDRESS, "key", "identifier", "a normalised postal address (also an Identifier)"),
        _N(Label.CHANNEL, "channelId", "channel", "a touchpoint: store, web, app, email, social"),
        _N(Label.PRODUCT, "productId", "product", "a product with its category"),
        _N(Label.ORDER, "orderId", "purchase_order", "a purchase with amount, time and channel"),
        _N(Label.COMMUNITY, "communityId", "community", "a detected community and its summary"),
        _N(Label.TAG, "name", "tag", "a rule tag"),
        _N(Label.SEGMENT, "name", "segment", "a model segment"),
        _N(
            Label.LOAD_FILE, "fileKey", "load_file", "bookkeeping: one loaded file (checksum, rows)"
        ),
        _N(
            Label.JOB_RUN,
            "runId",
            "job_run",
            "bookkeeping: one run of a job (params, seed, counts)",
        ),
        _N(
            Label.IDENTITY_EVENT,
            "eventId",
            "identity_event",
            "lineage: a person id created, merged, split or retired",
        ),
        _N(
            Label.IDENTITY_OVERRIDE,
            "key",
            "identity_override",
            "a must-link or cannot-link decision on two records",
        ),
        _N(
            Label.TOMBSTONE,
            "uid",
            "tombstone",
            "an erased record (uid, erasedAt, by): later loads of it are suppressed",
        ),
        _N(
            Label.TOUCHPOINT,
            "",
            "touch_event",
            "one touchpoint event of a record (no key: one node per input row)",
        ),
        _N(Label.JOURNEY_PATH, "path", "journey_path", "a conversion path of the last run"),
        _N(
            Label.CHANNEL_CREDIT,
            "model,channelId",
            "attribution",
            "a channel's credit under one attribution model",
        ),
        _N(
            Label.CHANNEL_TRANSITION,
            "from,to",
            "channel_transition",
            "a first-order step between channels",
        ),
        _N(
            Label.IDENTITY_STATE,
            "name",
            "identity_state",
            "what the last full identity run keeps for incremental runs",
        ),
        _N(Label.SCHEMA_STATE, "name", "", "Neo4j only: one-time schema upgrades done"),
    )
}

#: Labels that mark an Identifier's kind, with the input column they come from.
IDENTIFIER_KINDS: dict[str, Label] = {
    "email": Label.EMAIL,
    "phone": Label.PHONE,
    "device": Label.DEVICE,
    "loyalty": Label.LOYALTY_ID,
    "national": Label.NATIONAL_ID,
    "address": Label.ADDRESS,
}

_C, _P, _I = Label.CUSTOMER, Label.PERSON, Label.IDENTIFIER
_R = RelSpec
RELATIONSHIPS: dict[RelType, RelSpec] = {
    s.type: s
    for s in (
        _R(RelType.HAS_IDENTIFIER, _C, _I, "has_identifier", "a record carries an identifier"),
        _R(
            RelType.RESOLVES_TO,
            _C,
            _P,
            "resolves_to",
            "a record belongs to a person {run, confidence}",
        ),
        _R(RelType.MATCHES, _C, _C, "matches", "two records matched {score, rule, evidence}"),
        _R(
            RelType.TOUCHED,
            _C,
            Label.CHANNEL,
            "touched",
            "contact with a channel {count, firstAt, lastAt}",
        ),
        _R(RelType.MADE, _C, Label.TOUCHPOINT, "touch_event", "a record's touchpoint event"),
        _R(RelType.ON, Label.TOUCHPOINT, Label.CHANNEL, "touch_event", "the event's channel"),
        _R(RelType.PLACED, _C, Label.ORDER, "placed", "a record placed an order"),
        _R(
            RelType.CONTAINS,
            Label.ORDER,
            Label.PRODUCT,
            "contains",
            "an order line {quantity, amount}",
        ),
        _R(RelType.VIA, Label.ORDER, Label.CHANNEL, "via", "the channel an order came through"),
        _R(RelType.REFERRED, _C, _C, "referred", "a referral {at, campaign}"),
        _R(RelType.FOLLOWS, _C, _C, "follows", "a social follow {weight, since, platform}"),
        _R(
            RelType.FRIENDS_WITH,
            _C,
            _C,
            "friends_with",
            "a social friendship {weight, since, platform}",
        ),
        _R(
            RelType.INTERACTS_WITH,
            _C,
            _C,
            "interacts_with",
            "a social interaction {weight, since, platform}",
        ),
        _R(RelType.IN_COMMUNITY, _P, Label.COMMUNITY, "in_community", "a person's community"),
        _R(RelType.HAS_TAG, _P, Label.TAG, "has_tag", "a person's rule tag"),
        _R(RelType.IN_SEGMENT, _P, Label.SEGMENT, "in_segment", "a person's model segment"),
        _R(
            RelType.CREDITS,
            Label.CHANNEL_CREDIT,
            Label.CHANNEL,
            "attribution",
            "the channel a credit is for (Neo4j only)",
        ),
    )
}

#: Person-level relationships derived from record-level ones (same type names, between
#: Person nodes; in the embedded store, tables ``person_<type>``).
PERSON_RELATIONSHIPS: dict[RelType, str] = {
    RelType.REFERRED: "person_referred",
    RelType.FOLLOWS: "person_follows",
    RelType.FRIENDS_WITH: "person_friends_with",
    RelType.INTERACTS_WITH: "person_interacts_with",
}

#: ``social_links.kind`` values and the relationship type each becomes.
SOCIAL_KINDS: dict[str, RelType] = {
    "follows": RelType.FOLLOWS,
    "friend": RelType.FRIENDS_WITH,
    "interacts": RelType.INTERACTS_WITH,
}


_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])([A-Z])")


@cache
def to_graph(name: str) -> str:
    """Return the graph (camelCase) spelling of a Python (snake_case) name.

    >>> to_graph("consent_marketing")
    'consentMarketing'
    """
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@cache
def to_python(name: str) -> str:
    """Return the Python (snake_case) spelling of a graph (camelCase) name.

    >>> to_python("sourceCustomerId")
    'source_customer_id'
    """
    return _CAMEL_BOUNDARY.sub(r"_\1", name).lower()


@dataclass(frozen=True, slots=True)
class CustomerField:
    """One attribute of a customer record, written once for every layer: its input column
    (snake_case; the graph's name is :attr:`graph`), how the loader normalises it, and
    whether it identifies a person (masked unless a role allows) or is a demographic a
    profile chooses from its records.

    ``kind``: ``name`` (NFKC, spaces folded), ``upper``/``lower`` (a name, then that case),
    ``code`` (separators removed, upper-cased), ``email``, ``phone`` (E.164), ``date``,
    ``datetime``, ``bool``, ``list`` (``;``-separated names).
    """

    column: str
    kind: str
    pii: bool = False
    demographic: bool = False

    @property
    def graph(self) -> str:
        """The graph's (and the embedded store's) spelling."""
        return to_graph(self.column)


_F = CustomerField
#: A customer record's attributes besides its key (``source``, ``source_customer_id``), in
#: the input files' documented order.
CUSTOMER_FIELDS: tuple[CustomerField, ...] = (
    _F("first_name", "name", pii=True, demographic=True),
    _F("last_name", "name", pii=True, demographic=True),
    _F("full_name", "name", pii=True, demographic=True),
    _F("email", "email", pii=True, demographic=True),
    _F("phone", "phone", pii=True, demographic=True),
    _F("birth_date", "date", pii=True, demographic=True),
    _F("gender", "lower", demographic=True),
    _F("street", "name", pii=True),
    _F("city", "name", demographic=True),
    _F("postcode", "code", pii=True, demographic=True),
    _F("region", "name", demographic=True),
    _F("country", "upper", demographic=True),
    _F("national_id", "code", pii=True),
    _F("loyalty_id", "code", pii=True),
    _F("device_id", "code", pii=True),
    _F("occupation", "name", demographic=True),
    _F("income_band", "name", demographic=True),
    _F("signup_at", "datetime"),
    _F("consent_marketing", "bool"),
    _F("interests", "list"),
)

#: The record key's parts (input columns; graph: ``source``, ``sourceCustomerId``).
CUSTOMER_KEY = ("source", "source_customer_id")

#: Attributes that identify a person directly (graph spelling); masked unless a role allows.
PII_FIELDS = frozenset(f.graph for f in CUSTOMER_FIELDS if f.pii)

#: The attributes a profile chooses from its records (graph spelling).
DEMOGRAPHIC_FIELDS = tuple(f.graph for f in CUSTOMER_FIELDS if f.demographic)


def customer_uid(source: str, source_customer_id: str) -> str:
    """The key of a ``Customer`` node: ``source:sourceCustomerId``.

    >>> customer_uid("shop", "0042")
    'shop:0042'
    """
    return f"{source}:{source_customer_id}"


def record_uid(source: str, source_customer_id: str) -> str:
    """The uid of a record as loads, look-ups, erasures and tombstones all write it: both
    parts NFKC-normalised and trimmed (case kept), as the loader normalises them.

    >>> record_uid(" shop ", "S\uff10042 ")
    'shop:S0042'
    """
    import unicodedata

    return customer_uid(
        unicodedata.normalize("NFKC", source).strip(),
        unicodedata.normalize("NFKC", source_customer_id).strip(),
    )


def tombstone_key(uid: str) -> str:
    """What a tombstone matches: a record uid with case ignored, so ``Shop:S-1`` and
    ``shop:s-1`` cannot bring back the record ``shop:S-1`` once it was erased (records
    themselves keep their case: ids of some systems are case-sensitive).

    >>> tombstone_key("Shop:S-0042") == tombstone_key("shop:s-0042")
    True
    """
    return uid.lower()


def split_uid(uid: str) -> tuple[str, str]:
    """Split a ``Customer`` uid into ``(source, source_customer_id)``.

    >>> split_uid("crm:C:7")
    ('crm', 'C:7')
    """
    source, sep, sid = uid.partition(":")
    if not sep or not source or not sid:
        from graph.errors import InputError

        raise InputError("a record is named SOURCE:ID, for example crm:C-1001")
    return source, sid


def identifier_key(kind: str, value: str) -> str:
    """The key of an ``Identifier`` node: ``kind:normalised value``.

    >>> identifier_key("email", "ann@example.com")
    'email:ann@example.com'
    """
    return f"{kind}:{value}"


#: ``until`` of a job that reads everything.
FOREVER = "9999-12-31T23:59:59Z"


def until(as_of: date | None) -> str:
    """The last instant a job run ``as_of`` a date may read (the end of that day, UTC), in
    the stores' text form; everything when ``as_of`` is None.

    >>> until(date(2026, 3, 31)), until(None)
    ('2026-03-31T23:59:59Z', '9999-12-31T23:59:59Z')
    """
    return FOREVER if as_of is None else f"{as_of.isoformat()}T23:59:59Z"
