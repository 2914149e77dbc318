"""The six input file kinds of DESIGN.md §4: their columns, and how a file's kind is found.

Examples
--------
>>> detect_kind("exports/customers_2024.csv.gz")
'customers'
>>> KINDS["referrals"].required
('referrer_source', 'referrer_id', 'referred_source', 'referred_id')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graph.errors import InputError
from graph.model import CUSTOMER_FIELDS, CUSTOMER_KEY

__all__ = ["KINDS", "LOAD_ORDER", "FileKind", "detect_kind"]


@dataclass(frozen=True, slots=True)
class FileKind:
    """One input file kind: its canonical required and optional columns."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """Every canonical column, required first."""
        return self.required + self.optional


KINDS: dict[str, FileKind] = {
    k.name: k
    for k in (
        FileKind(
            "customers",
            CUSTOMER_KEY,
            tuple(f.column for f in CUSTOMER_FIELDS),
        ),
        FileKind("channels", ("channel_id", "kind"), ("name",)),
        FileKind(
            "touchpoints",
            ("source", "source_customer_id", "channel_id", "occurred_at"),
            ("event", "count"),
        ),
        FileKind(
            "purchases",
            ("order_id", "source", "source_customer_id", "purchased_at", "amount"),
            ("channel_id", "product_id", "category", "quantity", "unit_price", "currency"),
        ),
        FileKind(
            "referrals",
            ("referrer_source", "referrer_id", "referred_source", "referred_id"),
            ("referred_at", "campaign"),
        ),
        FileKind(
            "social_links",
            ("from_source", "from_id", "to_source", "to_id", "kind"),
            ("weight", "platform", "since"),
        ),
    )
}

#: Kinds in the order a load applies them, so references resolve (records before links).
LOAD_ORDER: tuple[str, ...] = (
    "channels",
    "customers",
    "touchpoints",
    "purchases",
    "referrals",
    "social_links",
)

_SUFFIXES = (".gz", ".csv", ".jsonl", ".ndjson", ".json", ".parquet", ".pq")


def detect_kind(path: str | Path) -> str:
    """The kind a file name announces (``customers_2024.csv`` is ``customers``).

    The stem (without format suffixes) must start with a kind's name, or with its singular
    (``customer.csv``) or ``social.jsonl`` for social links.
    """
    stem = Path(path).name.lower()
    while any(stem.endswith(s) for s in _SUFFIXES):
        stem = stem[: stem.rfind(".")]
    aliases = {
        "customers": ("customers", "customer"),
        "channels": ("channels", "channel"),
        "touchpoints": ("touchpoints", "touchpoint", "touches"),
        "purchases": ("purchases", "purchase", "orders", "order_lines"),
        "referrals": ("referrals", "referral"),
        "social_links": ("social_links", "social_link", "social"),
    }
    for kind, names in aliases.items():
        if any(stem == n or stem.startswith((n + "_", n + "-", n + ".")) for n in names):
            return kind
    raise InputError(
        f"cannot tell what {Path(path).name} holds; name it after its kind "
        f"({', '.join(KINDS)}) or pass --kind"
    )
