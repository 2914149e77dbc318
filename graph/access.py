"""API keys and roles.

Keys come from ``CUSTGRAPH_API_KEYS`` (``key:role,…``; development and tests) and from a key
file of hashed keys (production; ``CUSTGRAPH_API_KEY_FILE``) with one line per key::

    # name role sha256-of-the-key
    crm-sync reader 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08

``custgraph keys new NAME --role ROLE --file FILE`` makes a key, appends its line and prints
the key once. Roles rank ``reader`` < ``pii`` < ``admin``: ``reader`` sees PII masked, ``pii``
sees it whole, ``admin`` may also erase. The key itself is never stored or logged.

Examples
--------
>>> ring = KeyRing.parse("s3cret:pii,other:reader")
>>> ring.find("s3cret")
Principal(name='env-1', role='pii')
>>> ring.find("nope") is None
True
>>> Principal("x", "admin").allows("pii")
True
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from graph.errors import ConfigError

__all__ = ["ROLES", "KeyRing", "Principal", "hash_key", "new_key"]

Role = Literal["reader", "pii", "admin"]
ROLES: tuple[Role, ...] = ("reader", "pii", "admin")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a key's name (never the key) and its role."""

    name: str
    role: Role

    def allows(self, needed: Role) -> bool:
        """Whether this role includes ``needed``."""
        return ROLES.index(self.role) >= ROLES.index(needed)


def hash_key(key: str) -> str:
    """The stored form of a key (SHA-256; keys are random, so no salt is needed)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    """A fresh random key (32 bytes, URL-safe)."""
    return secrets.token_urlsafe(32)


class KeyRing:
    """The keys the API accepts, by their hash."""

    def __init__(self, entries: dict[str, Principal]) -> None:
        self._by_hash = entries

    def __len__(self) -> int:
        return len(self._by_hash)

    @classmethod
    def parse(cls, env_keys: str = "", key_file: Path | None = None) -> KeyRing:
        """Keys from ``key:role,…`` text and from a key file; errors name the entry."""
        entries: dict[str, Principal] = {}
        for index, item in enumerate((p.strip() for p in env_keys.split(",")), start=1):
            if not item:
                continue
            key, sep, role = item.rpartition(":")
            if not sep or not key or role not in ROLES:
                raise ConfigError(
                    f"CUSTGRAPH_API_KEYS entry {index} must be key:role with role one of "
                    f"{', '.join(ROLES)}"
                )
            entries[hash_key(key)] = Principal(f"env-{index}", role)
        if key_file is not None:
            entries.update(_read_key_file(key_file))
        return cls(entries)

    def find(self, key: str) -> Principal | None:
        """The principal of a presented key, or None."""
        return self._by_hash.get(hash_key(key))


def _read_key_file(path: Path) -> dict[str, Principal]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read the API key file {path}: {exc.strerror}") from exc
    entries: dict[str, Principal] = {}
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        parts = text.split()
        if len(parts) != 3 or parts[1] not in ROLES or len(parts[2]) != 64:
            raise ConfigError(
                f"{path}:{number}: expected 'name role sha256hex' with role one of "
                f"{', '.join(ROLES)}"
            )
        entries[parts[2].lower()] = Principal(parts[0], parts[1])
    return entries
