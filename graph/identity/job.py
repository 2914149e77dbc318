"""The identity runner: project records from a store, resolve, write back, record the run.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.store import SqliteStore
>>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "i.db"); store.ensure_schema()
>>> run_identity(store, IdentityParams())
Traceback (most recent call last):
...
graph.errors.JobError: no customer records to resolve; load a customers file first (custgraph load)
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from graph.errors import InputError, JobError
from graph.identity.resolve import IdentityParams, IdentityResult, resolve_identities
from graph.model import PERSON_RELATIONSHIPS, RelType, split_uid
from graph.runs import recorded_run, utc_now
from graph.store.base import Store

__all__ = ["load_overrides", "run_identity"]

_DECISIONS = {"must-link", "cannot-link"}


def load_overrides(store: Store, path: Path) -> int:
    """Store must-link / cannot-link decisions from a CSV (``record_a,record_b,decision``).

    Records are written ``SOURCE:ID``; decisions are ``must-link`` or ``cannot-link``. Every
    problem in the file is reported at once. Stored decisions apply to every later run.
    """
    problems: list[str] = []
    rows: list[dict[str, str]] = []
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(f"cannot read overrides {path}: {exc.strerror}") from exc
    with handle:
        reader = csv.DictReader(handle)
        missing = {"record_a", "record_b", "decision"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(
                f"overrides {path.name} lacks columns: {', '.join(sorted(missing))}; "
                "expected record_a, record_b, decision"
            )
        for line, row in enumerate(reader, start=2):
            a, b = (row["record_a"] or "").strip(), (row["record_b"] or "").strip()
            decision = (row["decision"] or "").strip().lower()
            try:
                split_uid(a)
                split_uid(b)
            except InputError:
                problems.append(f"line {line}: records are written SOURCE:ID")
                continue
            if decision not in _DECISIONS or a == b:
                problems.append(
                    f"line {line}: decision must be must-link or cannot-link "
                    "between two different records"
                )
                continue
            a, b = sorted((a, b))
            rows.append({"key": f"{a}|{b}", "a": a, "b": b, "decision": decision})
    if problems:
        raise InputError(f"overrides {path.name}: " + "; ".join(problems))
    store.write("identity/merge_overrides", rows=rows)
    return len(rows)


def run_identity(store: Store, params: IdentityParams) -> IdentityResult:
    """Resolve every record in ``store`` into persons and write the result back."""
    with recorded_run(store, "identity", asdict(params), seed=params.seed) as run:
        with run.timed("project"):
            records = store.frame("identity/records")
            if records.empty:
                raise JobError(
                    "no customer records to resolve; load a customers file first (custgraph load)"
                )
            previous = store.frame("identity/assignments")
            known = {r["personId"] for r in store.read("identity/known_ids") if r["personId"]}
            overrides = store.read("identity/overrides")
        with run.timed("resolve"):
            result = resolve_identities(
                records,
                params,
                previous=dict(zip(previous["uid"], previous["personId"], strict=True))
                if len(previous)
                else {},
                created=dict(zip(previous["personId"], previous["createdAt"], strict=True))
                if len(previous)
                else {},
                known_ids=known,
                must_link=[(o["a"], o["b"]) for o in overrides if o["decision"] == "must-link"],
                cannot_link=[(o["a"], o["b"]) for o in overrides if o["decision"] == "cannot-link"],
            )
        with run.timed("write"):
            _write(store, result, run.run_id)
        run.counts.update(result.counts)
        run.timings.update({f"resolve.{k}": v for k, v in result.timings.items()})
    return result


def _write(store: Store, result: IdentityResult, run_id: str) -> None:
    at = utc_now()
    people = pd.Series(result.labels).value_counts()
    store.write(
        "identity/upsert_persons",
        rows=[
            {"personId": pid, "size": int(people.get(label, 0)), "run": run_id, "at": at}
            for label, pid in enumerate(result.person_ids)
        ],
    )
    person_of = result.person_of()
    store.write(
        "identity/resolve_records",
        rows=[
            {"uid": uid, "personId": pid, "run": run_id, "confidence": round(float(conf), 6)}
            for uid, pid, conf in zip(result.uids, person_of, result.confidence, strict=True)
        ],
    )
    store.write("identity/prune_persons")
    store.write("identity/clear_matches")
    store.write("identity/write_matches", rows=result.matches)
    store.write(
        "identity/record_events",
        rows=[
            {
                "eventId": hashlib.sha1(
                    f"{run_id}|{k}".encode(), usedforsecurity=False
                ).hexdigest()[:16],
                "run": run_id,
                "at": at,
                "event": e.event,
                "personId": e.person_id,
                "otherId": e.other_id,
            }
            for k, e in enumerate(result.lineage)
        ],
    )
    store.write("identity/flag_self_referrals")
    store.write("identity/clear_person_edges")
    store.write("identity/derive_person_referrals")
    for rel in PERSON_RELATIONSHIPS:
        if rel is not RelType.REFERRED:
            store.write("identity/derive_person_social", slots={"rel": rel})
