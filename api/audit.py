"""The audit log: one JSON line per PII read and per erasure: who, what, when — never the PII.

Examples
--------
>>> import tempfile, pathlib, json
>>> path = pathlib.Path(tempfile.mkdtemp()) / "audit.log"
>>> log = AuditLog(path)
>>> log.write(who="crm-sync", role="pii", action="read-profile", target="P1")
>>> json.loads(path.read_text())["action"]
'read-profile'
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from graph.runs import utc_now

__all__ = ["AuditLog"]


class AuditLog:
    """Appends audit lines to a file (created with its folder), safely from many threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def write(self, *, who: str, role: str, action: str, target: str, outcome: str = "ok") -> None:
        """Record one event. ``target`` is an id (person, record, community), never PII."""
        line = json.dumps(
            {
                "at": utc_now(),
                "who": who,
                "role": role,
                "action": action,
                "target": target,
                "outcome": outcome,
            },
            sort_keys=True,
        )
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
