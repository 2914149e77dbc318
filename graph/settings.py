"""Settings: the only module that reads the environment.

Build a :class:`Settings` at the edge (CLI callback, ``create_app``) and pass it in.

Examples
--------
>>> s = Settings.from_env({"CUSTGRAPH_NEO4J_URI": "bolt://127.0.0.1:7687"})
>>> s.store_kind
'neo4j'
>>> Settings.from_env({}).store_kind
'sqlite'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from graph.errors import ConfigError

__all__ = ["Settings"]

_PREFIX = "CUSTGRAPH_"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything custgraph can be configured with.

    Parameters
    ----------
    db_path
        The embedded SQLite file, used when no Neo4j is configured.
    neo4j_uri, neo4j_user, neo4j_password, neo4j_database
        The Neo4j to use instead of the embedded store.
    neo4j_import
        The command a bulk load (``custgraph load --bulk``) runs ``neo4j-admin database
        import`` with (``CUSTGRAPH_NEO4J_IMPORT``; default: ``scripts/neo4j import``).
    batch_size
        Rows per write transaction; ``None``: each store's own (20,000 for SQLite, where a
        commit costs more than a row; 5,000 for Neo4j, whose transaction state lives in the
        server's heap).
    default_region
        Phone numbers without a country code are read in this region (ISO 3166 alpha-2).
    api_keys
        ``key:role`` pairs for development and tests (``CUSTGRAPH_API_KEYS``).
    api_key_file
        A file of hashed keys for production (``CUSTGRAPH_API_KEY_FILE``).
    audit_log
        Where the API appends its audit lines (``CUSTGRAPH_AUDIT_LOG``).
    api_max_inflight
        Requests served at once; more get 429 (``CUSTGRAPH_API_MAX_INFLIGHT``).
    api_threads
        Worker threads that run store calls (``CUSTGRAPH_API_THREADS``).
    api_start_seconds
        A request that waits longer than this for a worker thread is answered ``503`` with
        ``Retry-After`` instead of being served late (``CUSTGRAPH_API_START_SECONDS``).
    """

    db_path: Path = Path("custgraph.db")
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str = field(default="", repr=False)
    neo4j_database: str = "neo4j"
    neo4j_import: str | None = None
    batch_size: int | None = None
    default_region: str = "US"
    api_keys: str = field(default="", repr=False)
    api_key_file: Path | None = None
    audit_log: Path = Path("custgraph-audit.log")
    api_max_inflight: int = 64
    api_threads: int = 2
    api_start_seconds: float = 5.0

    @property
    def store_kind(self) -> Literal["neo4j", "sqlite"]:
        """Which store these settings select."""
        return "neo4j" if self.neo4j_uri else "sqlite"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read ``CUSTGRAPH_*`` variables; keyword overrides (CLI flags) win."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(_PREFIX + name)
            return value if value not in (None, "") else None

        base = cls()
        raw_batch = get("BATCH_SIZE")
        try:
            batch_size = int(raw_batch) if raw_batch else None
        except ValueError as exc:
            raise ConfigError("CUSTGRAPH_BATCH_SIZE must be a whole number, e.g. 5000") from exc
        if batch_size is not None and batch_size < 1:
            raise ConfigError("CUSTGRAPH_BATCH_SIZE must be at least 1")
        key_file = get("API_KEY_FILE")
        try:
            inflight = int(get("API_MAX_INFLIGHT") or base.api_max_inflight)
            threads = int(get("API_THREADS") or base.api_threads)
        except ValueError as exc:
            raise ConfigError(
                "CUSTGRAPH_API_MAX_INFLIGHT and CUSTGRAPH_API_THREADS must be whole numbers"
            ) from exc
        try:
            start = float(get("API_START_SECONDS") or base.api_start_seconds)
        except ValueError as exc:
            raise ConfigError("CUSTGRAPH_API_START_SECONDS must be a number, e.g. 5") from exc
        settings = cls(
            db_path=Path(get("DB") or base.db_path),
            neo4j_uri=get("NEO4J_URI"),
            neo4j_user=get("NEO4J_USER") or base.neo4j_user,
            neo4j_password=get("NEO4J_PASSWORD") or "",
            neo4j_database=get("NEO4J_DATABASE") or base.neo4j_database,
            neo4j_import=get("NEO4J_IMPORT"),
            batch_size=batch_size,
            default_region=(get("DEFAULT_REGION") or base.default_region).upper(),
            api_keys=get("API_KEYS") or "",
            api_key_file=Path(key_file) if key_file else None,
            audit_log=Path(get("AUDIT_LOG") or base.audit_log),
            api_max_inflight=max(inflight, 1),
            api_threads=max(threads, 1),
            api_start_seconds=max(start, 0.0),
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **clean) if clean else settings  # type: ignore[arg-type]
