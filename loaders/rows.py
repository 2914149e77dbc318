"""Row preparation: one canonical input row in, the store's rows out, or a reason it is rejected.

Each ``prepare_<kind>`` is a pure function. It raises :class:`RowError` naming the column at
fault and the reason (never the value).

Examples
--------
>>> ctx = RowContext()
>>> p = prepare_row("channels", {"channel_id": " web ", "kind": "Web", "name": "Web shop"}, ctx)
>>> p.row
{'channelId': 'web', 'kind': 'web', 'name': 'Web shop'}
>>> prepare_row("channels", {"channel_id": "", "kind": "web"}, ctx)
Traceback (most recent call last):
...
loaders.rows.RowError: channel_id: is required
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graph.model import CUSTOMER_FIELDS, SOCIAL_KINDS, customer_uid, identifier_key, to_graph
from graph.normalize import (
    BadValue,
    normalize_amount,
    normalize_bool,
    normalize_code,
    normalize_date,
    normalize_datetime,
    normalize_email,
    normalize_name,
    normalize_number,
    normalize_phone,
)
from loaders.kinds import KINDS

__all__ = [
    "MAX_FIELD_CHARS",
    "Prepared",
    "RowContext",
    "RowError",
    "field_limit",
    "identifiers_of",
    "prepare_row",
]


class RowError(ValueError):
    """A row is rejected: ``column`` is at fault for ``reason``."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(f"{column}: {reason}")
        self.column = column
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RowContext:
    """How values are read: phone region, time formats, zone, decimal comma."""

    region: str = "US"
    formats: dict[str, str] = field(default_factory=dict)
    timezone: str = "UTC"
    decimal_comma: bool = False


@dataclass(slots=True)
class Prepared:
    """A row ready for the store, with the records and channels it refers to.

    ``dropped`` lists the optional fields left out because their value was invalid, each as
    ``(column, reason)``: the row loads without them, and the loader reports each one.
    """

    row: dict[str, Any]
    identifiers: list[dict[str, str]] = field(default_factory=list)
    uids: tuple[str, ...] = ()
    channel: str | None = None
    dropped: tuple[tuple[str, str], ...] = ()

    def __reduce__(self) -> tuple[type[Prepared], tuple[Any, ...]]:
        # pickled by a loading child process by the hundred thousand: positional arguments
        # are several times faster than the default state of a slots dataclass
        return (Prepared, (self.row, self.identifiers, self.uids, self.channel, self.dropped))


#: The longest text a field may hold (names, ids, addresses, …); ``interests`` may hold more.
MAX_FIELD_CHARS = 500
_LONGER_FIELDS = {"interests": 4000}


def field_limit(column: str) -> int:
    """The most characters a column's value may hold."""
    return _LONGER_FIELDS.get(column, MAX_FIELD_CHARS)


def _text(values: dict[str, Any], column: str) -> str | None:
    value = values.get(column)
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise RowError(column, "is a JSON object or list; expected a single value")
    text = str(value).strip()
    if "\x00" in text:
        raise RowError(column, "contains a NUL character")
    limit = field_limit(column)
    if len(text) > limit:
        raise RowError(column, f"is longer than {limit} characters")
    return text or None


def _required(values: dict[str, Any], column: str) -> str:
    text = _text(values, column)
    if text is None:
        raise RowError(column, "is required")
    return text


def _convert(column: str, fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except BadValue as exc:
        raise RowError(column, str(exc)) from None


class _Dropped(list[tuple[str, str]]):
    """The optional fields of one row dropped so far, as ``(column, reason)``."""

    def optional(self, column: str, fn: Callable[[], Any], default: Any = None) -> Any:
        """``fn()``, or ``default`` with the field noted as dropped when its value is bad."""
        try:
            return fn()
        except (BadValue, RowError) as exc:
            self.append((column, getattr(exc, "reason", None) or str(exc)))
            return default


def _uid(values: dict[str, Any], source_col: str, id_col: str) -> str:
    source = normalize_code(_required(values, source_col))
    if ":" in source:
        raise RowError(source_col, "must not contain ':' (records are named SOURCE:ID)")
    return customer_uid(source, normalize_code(_required(values, id_col)))


def _when(values: dict[str, Any], column: str, ctx: RowContext) -> str | None:
    text = _text(values, column)
    if text is None:
        return None
    fmt = ctx.formats.get(column)
    return str(_convert(column, lambda: normalize_datetime(text, fmt=fmt, tz=ctx.timezone)))


_ADDRESS_NOISE = re.compile(r"[^\w]+", re.UNICODE)


def _address_key(
    street: str | None, postcode: str | None, city: str | None, country: str | None
) -> str | None:
    if not street or not (postcode or city):
        return None
    parts = [street, postcode or city or "", country or ""]
    clean = [
        _ADDRESS_NOISE.sub(" ", unicodedata.normalize("NFKC", p).lower()).strip() for p in parts
    ]
    return "|".join(clean)


#: Customer columns normalised as names, and as codes (graph/model.py says which).
_NAMES = tuple(f.column for f in CUSTOMER_FIELDS if f.kind == "name")
_CODES = tuple(f.column for f in CUSTOMER_FIELDS if f.kind == "code")


def prepare_customers(values: dict[str, Any], ctx: RowContext) -> Prepared:
    """A customer record and its identifiers (an invalid optional field is dropped)."""
    dropped = _Dropped()
    uid = _uid(values, "source", "source_customer_id")
    source, _, sid = uid.partition(":")
    out: dict[str, Any] = {"uid": uid, "source": source, "source_customer_id": sid}
    for col in _NAMES:
        text = _text(values, col)
        out[col] = normalize_name(text) if text else None
    if not out["full_name"] and (out["first_name"] or out["last_name"]):
        first, last = out["first_name"] or "", out["last_name"] or ""
        cjk = any("\u4e00" <= ch <= "\u9fff" for ch in first + last)
        out["full_name"] = (last + first) if cjk else f"{first} {last}".strip()
    for col in _CODES:
        text = _text(values, col)
        out[col] = normalize_code(text) if text else None
    country = _text(values, "country")
    out["country"] = normalize_name(country).upper() if country else None
    gender = _text(values, "gender")
    out["gender"] = normalize_name(gender).lower() if gender else None
    email = _text(values, "email")
    out["email"] = dropped.optional("email", lambda: normalize_email(email)) if email else None
    phone = _text(values, "phone")
    region = out["country"] if out["country"] and len(out["country"]) == 2 else ctx.region
    out["phone"] = (
        dropped.optional("phone", lambda: normalize_phone(phone, region)) if phone else None
    )
    birth = _text(values, "birth_date")
    fmt = ctx.formats.get("birth_date")
    out["birth_date"] = (
        dropped.optional("birth_date", lambda: normalize_date(birth, fmt=fmt)) if birth else None
    )
    out["signup_at"] = dropped.optional("signup_at", lambda: _when(values, "signup_at", ctx))
    consent = _text(values, "consent_marketing")
    out["consent_marketing"] = (
        dropped.optional("consent_marketing", lambda: normalize_bool(consent)) if consent else None
    )
    interests = _text(values, "interests")
    out["interests"] = (
        ";".join(normalize_name(i) for i in re.split(r"[;|,]", interests) if i.strip())
        if interests
        else None
    )
    row = {to_graph(k): v for k, v in out.items()}
    return Prepared(row=row, identifiers=identifiers_of(row), dropped=tuple(dropped))


def identifiers_of(row: dict[str, Any]) -> list[dict[str, str]]:
    """The normalised identifiers of a prepared customer row."""
    national = row["nationalId"]
    found: list[tuple[str, str | None]] = [
        ("email", row["email"]),
        ("phone", row["phone"]),
        ("device", row["deviceId"]),
        ("loyalty", row["loyaltyId"]),
        ("national", re.sub(r"[\s\-./]", "", national).upper() if national else None),
        ("address", _address_key(row["street"], row["postcode"], row["city"], row["country"])),
    ]
    uid = row["uid"]
    return [
        {"uid": uid, "key": identifier_key(kind, value), "kind": kind, "value": value}
        for kind, value in found
        if value
    ]


def prepare_channels(values: dict[str, Any], ctx: RowContext) -> Prepared:
    """A channel."""
    name = _text(values, "name")
    return Prepared(
        row={
            "channelId": normalize_code(_required(values, "channel_id")),
            "kind": normalize_name(_required(values, "kind")).lower(),
            "name": normalize_name(name) if name else None,
        }
    )


def prepare_touchpoints(values: dict[str, Any], ctx: RowContext) -> Prepared:
    """One touchpoint event (kept as an event of its record, and aggregated per record and
    channel into ``TOUCHED``)."""
    uid = _uid(values, "source", "source_customer_id")
    channel = normalize_code(_required(values, "channel_id"))
    at = _when(values, "occurred_at", ctx)
    if at is None:
        raise RowError("occurred_at", "is required")
    dropped = _Dropped()
    count_text = _text(values, "count")
    count = dropped.optional("count", lambda: _whole(count_text), 1) if count_text else 1
    event = dropped.optional("event", lambda: _event(values))
    return Prepared(
        row={
            "uid": uid,
            "channelId": channel,
            "count": count,
            "firstAt": at,
            "lastAt": at,
            "event": event,
        },
        uids=(uid,),
        channel=channel,
        dropped=tuple(dropped),
    )


def _event(values: dict[str, Any]) -> str | None:
    """What happened at a touchpoint (``visit``, ``Click`` …), lower case; None if absent."""
    text = _text(values, "event")
    return normalize_name(text).lower() if text else None


def _whole(text: str) -> int:
    count = normalize_number(text, minimum=1)
    if count != int(count):
        raise RowError("count", "must be a whole number")
    return int(count)


def prepare_purchases(values: dict[str, Any], ctx: RowContext) -> Prepared:
    """One order line."""
    uid = _uid(values, "source", "source_customer_id")
    order_id = normalize_code(_required(values, "order_id"))
    at = _when(values, "purchased_at", ctx)
    if at is None:
        raise RowError("purchased_at", "is required")
    amount_text = _required(values, "amount")
    amount = _convert(
        "amount", lambda: normalize_amount(amount_text, decimal_comma=ctx.decimal_comma)
    )
    dropped = _Dropped()
    qty_text = _text(values, "quantity")
    quantity = (
        dropped.optional("quantity", lambda: normalize_number(qty_text, minimum=0))
        if qty_text
        else None
    )
    unit_text = _text(values, "unit_price")
    if unit_text:
        dropped.optional(
            "unit_price", lambda: normalize_amount(unit_text, decimal_comma=ctx.decimal_comma)
        )
    currency = _text(values, "currency")
    if currency and not re.fullmatch(r"[A-Za-z]{3}", currency):
        dropped.append(("currency", "is not an ISO 4217 code such as EUR"))
        currency = None
    channel = _text(values, "channel_id")
    product = _text(values, "product_id")
    category = _text(values, "category")
    return Prepared(
        row={
            "orderId": order_id,
            "uid": uid,
            "purchasedAt": at,
            "amount": amount,
            "currency": currency.upper() if currency else None,
            "channelId": normalize_code(channel) if channel else None,
            "productId": normalize_code(product) if product else None,
            "category": normalize_name(category) if category else None,
            "quantity": quantity,
        },
        uids=(uid,),
        channel=normalize_code(channel) if channel else None,
        dropped=tuple(dropped),
    )


def prepare_referrals(values: dict[str, Any], ctx: RowContext) -> Prepared:
    """A referral between two records."""
    src = _uid(values, "referrer_source", "referrer_id")
    dst = _uid(values, "referred_source", "referred_id")
    if src == dst:
        raise RowError("referred_id", "a record cannot refer itself")
    campaign = _text(values, "campaign")
    dropped = _Dropped()
    return Prepared(
        row={
            "src": src,
            "dst": dst,
            "at": dropped.optional("referred_at", lambda: _when(values, "referred_at", ctx)),
            "campaign": normalize_name(campaign) if campaign else None,
        },
        uids=(src, dst),
        dropped=tuple(dropped),
    )


def prepare_social_links(values: dict[str, Any], ctx: RowContext) -> Prepared:
    """A social link between two records; ``row['rel']`` is its relationship type."""
    src = _uid(values, "from_source", "from_id")
    dst = _uid(values, "to_source", "to_id")
    kind = _required(values, "kind").lower()
    if kind not in SOCIAL_KINDS:
        raise RowError("kind", f"must be one of {', '.join(SOCIAL_KINDS)}")
    if src == dst:
        raise RowError("to_id", "a record cannot link to itself")
    dropped = _Dropped()
    weight_text = _text(values, "weight")
    weight = (
        dropped.optional("weight", lambda: normalize_number(weight_text, minimum=0), 1.0)
        if weight_text
        else 1.0
    )
    platform = _text(values, "platform")
    return Prepared(
        row={
            "src": src,
            "dst": dst,
            "rel": SOCIAL_KINDS[kind],
            "weight": weight,
            "since": dropped.optional("since", lambda: _when(values, "since", ctx)),
            "platform": normalize_name(platform).lower() if platform else None,
        },
        uids=(src, dst),
        dropped=tuple(dropped),
    )


_PREPARE: dict[str, Callable[[dict[str, Any], RowContext], Prepared]] = {
    "customers": prepare_customers,
    "channels": prepare_channels,
    "touchpoints": prepare_touchpoints,
    "purchases": prepare_purchases,
    "referrals": prepare_referrals,
    "social_links": prepare_social_links,
}
assert set(_PREPARE) == set(KINDS)


def prepare_row(kind: str, values: dict[str, Any], ctx: RowContext) -> Prepared:
    """Prepare one canonical row of a kind (raises :class:`RowError`)."""
    return _PREPARE[kind](values, ctx)
