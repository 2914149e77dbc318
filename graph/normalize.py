"""Normalisers: one function per kind of value, each returning the store's form or raising
:class:`BadValue` with a reason a data engineer can act on (never the value itself).

Examples
--------
>>> normalize_email("  Ann.Lee@Example.COM ")
'ann.lee@example.com'
>>> normalize_phone("(415) 555-0132", "US")
'+14155550132'
>>> normalize_name("  \uff2a\uff4f\uff48\uff4e   Smith ")  # full-width letters
'John Smith'
>>> normalize_datetime("2024-03-01 14:05:00+01:00")
'2024-03-01T13:05:00Z'
>>> normalize_datetime("01/03/2024", fmt="%d/%m/%Y")
'2024-03-01T00:00:00Z'
>>> normalize_amount("1,234.50")
1234.5
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from functools import lru_cache

__all__ = [
    "BadValue",
    "normalize_amount",
    "normalize_bool",
    "normalize_code",
    "normalize_date",
    "normalize_datetime",
    "normalize_email",
    "normalize_name",
    "normalize_number",
    "normalize_phone",
]


class BadValue(ValueError):  # noqa: N818 - a value, not an exception in the usual sense
    """A value cannot be used; ``str(exc)`` is the reason (without the value)."""


_SPACES = re.compile(r"\s+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_TRUE = {"1", "true", "t", "yes", "y", "on", "opt-in", "optin"}
_FALSE = {"0", "false", "f", "no", "n", "off", "opt-out", "optout"}


def normalize_name(value: str) -> str:
    """NFKC, trimmed, with runs of white space collapsed to one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()


def normalize_code(value: str) -> str:
    """An id-like value: NFKC and trimmed (case kept)."""
    return unicodedata.normalize("NFKC", value).strip()


def normalize_email(value: str) -> str:
    """Trimmed and lower-cased; must look like ``local@domain.tld``."""
    email = unicodedata.normalize("NFKC", value).strip().lower()
    if not _EMAIL.match(email):
        raise BadValue("is not an e-mail address (expected local@domain.tld)")
    return email


_PLAIN_PHONE = re.compile(r"\+?[\d\s().\-/]+")


def normalize_phone(value: str, region: str) -> str:
    """E.164 via ``phonenumbers`` when the number parses; otherwise its digits.

    Numbers that do not parse (placeholders such as ``0000000000``) are kept as
    ``+``-less digits so identity resolution can see, and guard against, them.
    Formatting (spaces, brackets, dots, dashes) carries no information, so numbers written
    only with it are parsed once per digit sequence: ``(415) 555-0132`` and
    ``415.555.0132`` share one cached parse.
    """
    text = unicodedata.normalize("NFKC", value).strip()
    if _PLAIN_PHONE.fullmatch(text):
        digits = re.sub(r"\D", "", text)
        return _parse_phone(("+" if text.startswith("+") else "") + digits, region)
    return _parse_phone(text, region)


@lru_cache(maxsize=131_072)
def _parse_phone(text: str, region: str) -> str:
    import phonenumbers

    digits = re.sub(r"\D", "", text)
    if len(digits) < 5:
        raise BadValue("is not a phone number (fewer than 5 digits)")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return digits
    if not phonenumbers.is_possible_number(number):
        return digits
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def normalize_datetime(value: str, *, fmt: str | None = None, tz: str = "UTC") -> str:
    """Any ISO-8601 (or ``fmt``) time as UTC ``YYYY-MM-DDTHH:MM:SSZ``.

    Times without a zone are read in ``tz`` (an IANA name, UTC by default).
    """
    text = value.strip()
    try:
        parsed = datetime.strptime(text, fmt) if fmt else _parse_iso(text)
    except ValueError as exc:
        expected = fmt or "ISO-8601, e.g. 2024-03-01T14:05:00Z"
        raise BadValue(f"is not a date-time ({expected}); set a format in the mapping") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_zone(tz))
    try:
        utc = parsed.astimezone(UTC)
    except (OverflowError, ValueError) as exc:  # year 1 or 9999 shifted out of range
        raise BadValue("is out of the range of dates (years 1 to 9999 in UTC)") from exc
    if not _EARLIEST <= utc.year <= _LATEST:
        raise BadValue(f"is outside the years {_EARLIEST} to {_LATEST}")
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_date(value: str, *, fmt: str | None = None) -> str:
    """A calendar date as ``YYYY-MM-DD``; not in the future."""
    text = value.strip()
    try:
        parsed = datetime.strptime(text, fmt).date() if fmt else _parse_iso(text).date()
    except ValueError as exc:
        expected = fmt or "YYYY-MM-DD"
        raise BadValue(f"is not a date ({expected}); set a format in the mapping") from exc
    if parsed > date.today():
        raise BadValue("is in the future")
    return parsed.isoformat()


def normalize_amount(value: object, *, decimal_comma: bool = False) -> float:
    """A money amount, exact to the cent (``Decimal`` parsed, rounded half-even).

    Thousands separators are accepted only in groups of three (``1,234,567.50``; with
    ``decimal_comma``, ``1.234.567,50``): ``1,2,3`` is not an amount. Amounts beyond
    ±10^12 are refused (no order is that large; such a value is a broken export).

    >>> normalize_amount("1,234.5"), normalize_amount("1.234,5", decimal_comma=True)
    (1234.5, 1234.5)
    """
    if isinstance(value, bool):
        raise BadValue("is not an amount (expected a number such as 12.50)")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise BadValue("is not a finite amount")
        return _cents(Decimal(str(value)))
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    grouping, point = (".", ",") if decimal_comma else (",", ".")
    if grouping in text:
        if not re.fullmatch(rf"[+-]?\d{{1,3}}(\{grouping}\d{{3}})+(\{point}\d*)?", text):
            raise BadValue(f"is not an amount ('{grouping}' groups thousands in threes)")
        text = text.replace(grouping, "")
    text = text.replace(point, ".")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise BadValue("is not an amount (expected a number such as 12.50)") from exc
    if not amount.is_finite():
        raise BadValue("is not a finite amount")
    return _cents(amount)


#: The largest amount or number a row may hold; beyond it a value is a broken export.
_LARGEST = Decimal(10) ** 12
_EARLIEST, _LATEST = 1000, 9998


def _cents(amount: Decimal) -> float:
    if abs(amount) > _LARGEST:
        raise BadValue("is too large for an amount (more than 10^12)")
    return float(amount.quantize(Decimal("0.01")))


def normalize_number(value: object, *, minimum: float | None = None) -> float:
    """A finite number, optionally at least ``minimum``."""
    try:
        number = float(str(value).strip()) if not isinstance(value, int | float) else float(value)
    except ValueError as exc:
        raise BadValue("is not a number") from exc
    if not math.isfinite(number):
        raise BadValue("is not a finite number")
    if abs(number) > _LARGEST:
        raise BadValue("is too large (more than 10^12)")
    if minimum is not None and number < minimum:
        raise BadValue(f"must be at least {minimum:g}")
    return number


def normalize_bool(value: object) -> bool:
    """yes/no, true/false, 1/0, opt-in/opt-out."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue("is not a yes/no value (expected true/false, yes/no or 1/0)")


def _parse_iso(text: str) -> datetime:
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


@lru_cache(maxsize=64)
def _zone(name: str) -> tzinfo:
    if name.upper() == "UTC":
        return UTC
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)
