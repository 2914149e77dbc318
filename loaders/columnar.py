"""The columnar fast path: a whole batch normalised at once with pyarrow compute.

``prepare_columns(kind, values, ctx)`` returns, for each row of a batch, a
:class:`~loaders.rows.Prepared` or ``None``. ``None`` means *declined*: the row goes through
the per-row reference (:func:`loaders.rows.prepare_row`), which gives the exact reason a row
is rejected, or accepts a form the fast path does not try (times with a space, amounts with
thousands separators, non-ASCII e-mail addresses, …). The fast path accepts a row only when
it is certain the reference would produce the same values; tests compare the two.

Examples
--------
>>> from loaders.rows import RowContext
>>> out = prepare_columns("channels", {"channel_id": [" web ", ""], "kind": ["Web", "x"]},
...                       RowContext())
>>> out[0].row, out[1]
({'channelId': 'web', 'kind': 'web', 'name': None}, None)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.model import CUSTOMER_FIELDS, SOCIAL_KINDS
from graph.normalize import BadValue, normalize_phone
from loaders.rows import Prepared, RowContext, identifiers_of

__all__ = ["prepare_columns"]

Values = dict[str, Sequence[Any]]
Column = tuple[pa.Array, np.ndarray]  # normalised values, ok mask

# Python's str.strip() and \s know Unicode white space that RE2 (pyarrow's regex engine)
# does not; rows holding any of it, or control characters, are left to the reference path.
_ODD_SPACE = (
    r"[\x00-\x08\x0b\x0e-\x1f\x7f\x85\xa0"
    r"\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
)
# Years before 1000 are left to the reference: Python's strftime does not zero-pad them.
_ISO_ZONED = r"^[1-9]\d{3}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$"
_ISO_NAIVE = r"^[1-9]\d{3}-\d\d-\d\dT\d\d:\d\d:\d\d$"
_ISO_DATE = r"^[1-9]\d{3}-\d\d-\d\d$"
_ISO_ANY = r"^[1-9]\d{3}-\d\d-\d\d(T\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)?)?$"
_EMAIL = r"^[a-z0-9._%+'\-]+@[a-z0-9\-]+(\.[a-z0-9\-]+)*\.[a-z0-9\-]+$"
_NUMBER = r"^\d{1,15}(\.\d{1,6})?$"
_AMOUNT = r"^-?\d{1,13}(\.\d{1,2})?$"
_TRUE = ["1", "true", "t", "yes", "y", "on", "opt-in", "optin"]
_FALSE = ["0", "false", "f", "no", "n", "off", "opt-out", "optout"]


def _strings(raw: Sequence[Any]) -> tuple[pa.Array, np.ndarray]:
    """Raw values as a string array; non-text values (numbers from Parquet) are declined."""
    try:  # CSV gives text only: one C-speed conversion
        return pa.array(raw, pa.string()), np.ones(len(raw), dtype=bool)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        ok = np.fromiter((v is None or isinstance(v, str) for v in raw), bool, len(raw))
        clean = [v if isinstance(v, str) else None for v in raw]
        return pa.array(clean, pa.string()), ok


def _mask(array: pa.Array) -> np.ndarray:
    return np.asarray(array.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _present(array: pa.Array) -> np.ndarray:
    return _mask(pc.is_valid(array))


def _clean(raw: Sequence[Any], *, collapse: bool) -> Column:
    """NFKC, trimmed (and inner white space collapsed); empty becomes null."""
    text, ok = _strings(raw)
    odd = _mask(pc.match_substring_regex(text, _ODD_SPACE))
    norm = pc.utf8_normalize(text, form="NFKC")
    ok &= ~_mask(pc.match_substring_regex(norm, _ODD_SPACE)) & ~odd
    if collapse:
        norm = pc.replace_substring_regex(norm, r"\s+", " ")
    norm = pc.utf8_trim_whitespace(norm)
    norm = pc.if_else(pc.equal(norm, ""), pa.scalar(None, pa.string()), norm)
    return norm, ok


def code(raw: Sequence[Any]) -> Column:
    """Like :func:`~graph.normalize.normalize_code`."""
    return _clean(raw, collapse=False)


def name(raw: Sequence[Any]) -> Column:
    """Like :func:`~graph.normalize.normalize_name`."""
    return _clean(raw, collapse=True)


def required(col: Column) -> Column:
    values, ok = col
    return values, ok & _present(values)


def when(raw: Sequence[Any], column: str, ctx: RowContext) -> Column:
    """ISO-8601 times with a zone (or naive, read as UTC) as ``YYYY-MM-DDTHH:MM:SSZ``."""
    text, ok = _strings(raw)
    if column in ctx.formats or ctx.timezone.upper() != "UTC":
        return text, ok & ~_present(text)  # only absent values are certain here
    text = pc.utf8_trim_whitespace(text)
    absent = ~_present(text)
    shaped = _mask(pc.match_substring_regex(text, _ISO_ANY))
    # a zone can carry the edge years out of range: the reference decides those
    edge = _mask(pc.match_substring_regex(text, r"^(999[89]|1000)-"))
    ok &= (shaped & ~edge) | absent
    length = pc.utf8_length(text)
    canonical = shaped & _mask(pc.equal(length, 20))  # already YYYY-MM-DDTHH:MM:SSZ
    if canonical.sum() == (~absent).sum():
        fixed, needs_format = text, False
    else:
        fixed = pc.if_else(pc.equal(length, 19), pc.binary_join_element_wise(text, "Z", ""), text)
        fixed = pc.if_else(
            pc.equal(length, 10), pc.binary_join_element_wise(text, "T00:00:00Z", ""), fixed
        )
        needs_format = True
    fixed = pc.if_else(pa.array(ok & ~absent), fixed, pa.scalar(None, pa.string()))
    try:  # validates the calendar too (2024-02-30 fails)
        stamps = pc.cast(fixed, pa.timestamp("s", tz="UTC"))
    except pa.ArrowInvalid:  # let the reference say which value is impossible
        return text, ok & absent
    if not needs_format:
        return fixed, ok
    return pc.strftime(stamps, format="%Y-%m-%dT%H:%M:%SZ"), ok


def number(raw: Sequence[Any], *, minimum: float, whole: bool = False) -> Column:
    """Plain decimal numbers at least ``minimum`` (absent stays null)."""
    text, ok = _strings(raw)
    text = pc.utf8_trim_whitespace(text)
    pattern = r"^\d{1,15}$" if whole else _NUMBER
    good = _mask(pc.match_substring_regex(text, pattern))
    absent = ~_present(text)
    ok &= good | absent
    cast = pc.cast(pc.if_else(pa.array(good), text, pa.scalar(None, pa.string())), pa.float64())
    ok &= _mask(pc.or_kleene(pc.greater_equal(cast, minimum), pc.is_null(cast)))
    return cast, ok


def _rows(columns: dict[str, pa.Array], ok: np.ndarray) -> list[dict[str, Any] | None]:
    keys = list(columns)
    keep = pa.array(ok)
    lists = [columns[k].filter(keep).to_pylist() for k in keys]
    rows = iter([dict(zip(keys, values, strict=True)) for values in zip(*lists, strict=True)])
    return [next(rows) if good else None for good in ok]


def _uid(values: Values, source_col: str, id_col: str, n: int) -> Column:
    src, ok1 = required(code(values.get(source_col) or [None] * n))
    sid, ok2 = required(code(values.get(id_col) or [None] * n))
    ok = ok1 & ok2 & ~_mask(pc.match_substring(src, ":"))
    return pc.binary_join_element_wise(src, sid, ":"), ok


def _col(values: Values, column: str, n: int) -> Sequence[Any]:
    return values.get(column) or [None] * n


def _channels(values: Values, ctx: RowContext, n: int) -> list[Prepared | None]:
    cid, ok1 = required(code(_col(values, "channel_id", n)))
    kind, ok2 = required(name(_col(values, "kind", n)))
    label, ok3 = name(_col(values, "name", n))
    ascii_kind = _mask(pc.string_is_ascii(kind)) | ~_present(kind)
    ok = ok1 & ok2 & ok3 & ascii_kind
    rows = _rows({"channelId": cid, "kind": pc.utf8_lower(kind), "name": label}, ok)
    return [Prepared(row=r) if r else None for r in rows]


def _touchpoints(values: Values, ctx: RowContext, n: int) -> list[Prepared | None]:
    uid, ok1 = _uid(values, "source", "source_customer_id", n)
    channel, ok2 = required(code(_col(values, "channel_id", n)))
    at, ok3 = required(when(_col(values, "occurred_at", n), "occurred_at", ctx))
    count, ok4 = number(_col(values, "count", n), minimum=1, whole=True)
    count = pc.cast(pc.fill_null(count, 1.0), pa.int64())
    event, ok5 = name(_col(values, "event", n))
    ok = ok1 & ok2 & ok3 & ok4 & ok5
    columns = {"uid": uid, "channelId": channel, "count": count, "firstAt": at, "lastAt": at}
    rows = _rows({**columns, "event": pc.utf8_lower(event)}, ok)
    return [Prepared(row=r, uids=(r["uid"],), channel=r["channelId"]) if r else None for r in rows]


def _purchases(values: Values, ctx: RowContext, n: int) -> list[Prepared | None]:
    uid, ok1 = _uid(values, "source", "source_customer_id", n)
    order, ok2 = required(code(_col(values, "order_id", n)))
    at, ok3 = required(when(_col(values, "purchased_at", n), "purchased_at", ctx))
    amount_text, ok4 = _strings(_col(values, "amount", n))
    amount_text = pc.utf8_trim_whitespace(amount_text)
    ok4 &= _mask(pc.match_substring_regex(amount_text, _AMOUNT)) & (not ctx.decimal_comma)
    amount = pc.cast(pc.if_else(pa.array(ok4), amount_text, "0"), pa.float64())
    qty, ok5 = number(_col(values, "quantity", n), minimum=0)
    unit_text, ok6 = _strings(_col(values, "unit_price", n))
    ok6 &= _mask(pc.match_substring_regex(pc.utf8_trim_whitespace(unit_text), _AMOUNT)) | ~(
        _present(unit_text) & _mask(pc.not_equal(pc.utf8_trim_whitespace(unit_text), ""))
    )
    currency_text, ok7 = _strings(_col(values, "currency", n))
    currency = pc.utf8_trim_whitespace(currency_text)
    currency = pc.if_else(pc.equal(currency, ""), pa.scalar(None, pa.string()), currency)
    ok7 &= _mask(pc.match_substring_regex(currency, r"^[A-Za-z]{3}$")) | ~_present(currency)
    channel, ok8 = code(_col(values, "channel_id", n))
    product, ok9 = code(_col(values, "product_id", n))
    category, ok10 = name(_col(values, "category", n))
    ok = ok1 & ok2 & ok3 & ok4 & ok5 & ok6 & ok7 & ok8 & ok9 & ok10
    rows = _rows(
        {
            "orderId": order,
            "uid": uid,
            "purchasedAt": at,
            "amount": amount,
            "currency": pc.utf8_upper(currency),
            "channelId": channel,
            "productId": product,
            "category": category,
            "quantity": qty,
        },
        ok,
    )
    return [Prepared(row=r, uids=(r["uid"],), channel=r["channelId"]) if r else None for r in rows]


def _referrals(values: Values, ctx: RowContext, n: int) -> list[Prepared | None]:
    src, ok1 = _uid(values, "referrer_source", "referrer_id", n)
    dst, ok2 = _uid(values, "referred_source", "referred_id", n)
    at, ok3 = when(_col(values, "referred_at", n), "referred_at", ctx)
    campaign, ok4 = name(_col(values, "campaign", n))
    ok = ok1 & ok2 & ok3 & ok4 & ~_mask(pc.equal(src, dst))
    rows = _rows({"src": src, "dst": dst, "at": at, "campaign": campaign}, ok)
    return [Prepared(row=r, uids=(r["src"], r["dst"])) if r else None for r in rows]


def _social_links(values: Values, ctx: RowContext, n: int) -> list[Prepared | None]:
    src, ok1 = _uid(values, "from_source", "from_id", n)
    dst, ok2 = _uid(values, "to_source", "to_id", n)
    kind_text, ok3 = _strings(_col(values, "kind", n))
    kind = pc.utf8_lower(pc.utf8_trim_whitespace(kind_text))
    ok3 &= _mask(pc.is_in(kind, pa.array(list(SOCIAL_KINDS))))
    weight, ok4 = number(_col(values, "weight", n), minimum=0)
    since, ok5 = when(_col(values, "since", n), "since", ctx)
    platform, ok6 = name(_col(values, "platform", n))
    ok6 &= _mask(pc.string_is_ascii(platform)) | ~_present(platform)
    ok = ok1 & ok2 & ok3 & ok4 & ok5 & ok6 & ~_mask(pc.equal(src, dst))
    rows = _rows(
        {
            "src": src,
            "dst": dst,
            "kind": kind,
            "weight": pc.fill_null(weight, 1.0),
            "since": since,
            "platform": pc.utf8_lower(platform),
        },
        ok,
    )
    out: list[Prepared | None] = []
    for r in rows:
        if r is None:
            out.append(None)
            continue
        r["rel"] = SOCIAL_KINDS[r.pop("kind")]
        out.append(Prepared(row=r, uids=(r["src"], r["dst"])))
    return out


def _customers(values: Values, ctx: RowContext, n: int) -> list[Prepared | None]:
    uid, ok = _uid(values, "source", "source_customer_id", n)
    src, _ = code(_col(values, "source", n))
    sid, _ = code(_col(values, "source_customer_id", n))
    cols: dict[str, pa.Array] = {"uid": uid, "source": src, "sourceCustomerId": sid}
    for f in CUSTOMER_FIELDS:
        if f.kind not in ("name", "upper", "lower"):
            continue
        cols[f.graph], good = name(_col(values, f.column, n))
        ok &= good
    for key in ("country", "gender"):  # case mapping beyond ASCII: the reference decides
        ok &= _mask(pc.string_is_ascii(cols[key])) | ~_present(cols[key])
    cols["country"] = pc.utf8_upper(cols["country"])
    cols["gender"] = pc.utf8_lower(cols["gender"])
    for f in CUSTOMER_FIELDS:
        if f.kind != "code":
            continue
        cols[f.graph], good = code(_col(values, f.column, n))
        ok &= good
    email_text, good = code(_col(values, "email", n))
    email = pc.utf8_lower(email_text)
    ok &= good & (_mask(pc.match_substring_regex(email, _EMAIL)) | ~_present(email))
    cols["email"] = email
    birth_text, good = _strings(_col(values, "birth_date", n))
    birth_text = pc.utf8_trim_whitespace(birth_text)
    birth_text = pc.if_else(pc.equal(birth_text, ""), pa.scalar(None, pa.string()), birth_text)
    is_day = _mask(pc.match_substring_regex(birth_text, _ISO_DATE))
    ok &= good & ((is_day & ("birth_date" not in ctx.formats)) | ~_present(birth_text))
    # each date on its own: one that does not exist (1956-02-31) goes to the reference,
    # which drops the field; the rest of the batch stays on this path
    wanted = is_day & ok
    candidate = pc.if_else(pa.array(wanted), birth_text, pa.scalar(None, pa.string()))
    parsed = pc.strptime(candidate, format="%Y-%m-%d", unit="s", error_is_null=True)
    real = _mask(pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), candidate))  # not 02-31
    ok &= real | ~wanted
    days = pc.cast(parsed, pa.date32())
    ok &= _mask(pc.or_kleene(pc.less_equal(days, pa.scalar(date.today())), pc.is_null(days)))
    cols["birthDate"] = pc.if_else(pa.array(is_day), birth_text, pa.scalar(None, pa.string()))
    cols["signupAt"], good = when(_col(values, "signup_at", n), "signup_at", ctx)
    ok &= good
    consent_text, good = _strings(_col(values, "consent_marketing", n))
    consent = pc.utf8_lower(pc.utf8_trim_whitespace(consent_text))
    consent = pc.if_else(pc.equal(consent, ""), pa.scalar(None, pa.string()), consent)
    known = pc.or_kleene(pc.is_in(consent, pa.array(_TRUE)), pc.is_in(consent, pa.array(_FALSE)))
    ok &= good & (_mask(known) | ~_present(consent))
    cols["consentMarketing"] = pc.if_else(
        pc.is_null(consent), pa.scalar(None, pa.bool_()), pc.is_in(consent, pa.array(_TRUE))
    )
    rows = _rows(cols, ok)
    return _finish_customers(rows, values, ctx)


def _finish_customers(
    rows: list[dict[str, Any] | None], values: Values, ctx: RowContext
) -> list[Prepared | None]:
    """The per-row parts: full name, phone (phonenumbers), interests, identifiers."""
    from graph.normalize import normalize_name

    phones = values.get("phone") or [None] * len(rows)
    interests = values.get("interests") or [None] * len(rows)
    out: list[Prepared | None] = []
    for row, phone, interest in zip(rows, phones, interests, strict=True):
        if row is None:
            out.append(None)
            continue
        if not row["fullName"] and (row["firstName"] or row["lastName"]):
            first, last = row["firstName"] or "", row["lastName"] or ""
            cjk = any("\u4e00" <= ch <= "\u9fff" for ch in first + last)
            row["fullName"] = (last + first) if cjk else f"{first} {last}".strip()
        country = row["country"]
        region = country if country and len(country) == 2 else ctx.region
        text = phone.strip() if isinstance(phone, str) else phone
        if text:
            if not isinstance(text, str):
                out.append(None)
                continue
            try:
                row["phone"] = normalize_phone(text, region)
            except BadValue:
                out.append(None)
                continue
        else:
            row["phone"] = None
        if isinstance(interest, str) and interest.strip():
            import re

            row["interests"] = ";".join(
                normalize_name(i) for i in re.split(r"[;|,]", interest.strip()) if i.strip()
            )
        elif interest is None or (isinstance(interest, str) and not interest.strip()):
            row["interests"] = None
        else:
            out.append(None)
            continue
        out.append(Prepared(row=row, identifiers=identifiers_of(row)))
    return out


_PREPARE: dict[str, Callable[[Values, RowContext, int], list[Prepared | None]]] = {
    "customers": _customers,
    "channels": _channels,
    "touchpoints": _touchpoints,
    "purchases": _purchases,
    "referrals": _referrals,
    "social_links": _social_links,
}


def prepare_columns(kind: str, values: Values, ctx: RowContext) -> list[Prepared | None]:
    """Prepare a batch given as columns; ``None`` for each row left to the reference path."""
    n = max((len(v) for v in values.values()), default=0)
    if n == 0:
        return []
    out = _PREPARE[kind](values, ctx, n)
    long = _too_long(values, n)
    if long.any():  # the reference says which field is too long
        out = [None if long[k] else item for k, item in enumerate(out)]
    return out


def _too_long(values: Values, n: int) -> np.ndarray:
    """Rows holding a text longer than the reference allows (``loaders.rows``)."""
    from loaders.rows import field_limit

    long = np.zeros(n, dtype=bool)
    for column, raw in values.items():
        text, _ = _strings(raw)
        lengths = pc.utf8_length(text).fill_null(0).to_numpy(zero_copy_only=False)
        long |= np.asarray(lengths) > field_limit(column)
    return long
