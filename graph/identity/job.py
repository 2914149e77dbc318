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
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graph.errors import InputError, JobError
from graph.identity.blocking import BlockingReport
from graph.identity.features import record_features
from graph.identity.ids import person_id_for
from graph.identity.incremental import KeyIndex, matched_candidates
from graph.identity.keys import KEY_LAYOUT, key_limits, pack, record_keys, unpack
from graph.identity.resolve import IdentityParams, IdentityResult, resolve_identities
from graph.identity.scoring import FSModel
from graph.model import PERSON_RELATIONSHIPS, RelType, split_uid
from graph.runs import RunRecord, recorded_run, utc_now
from graph.store.base import Step, Store

__all__ = [
    "STATE_NAME",
    "current_model",
    "full_run_state",
    "load_overrides",
    "read_overrides",
    "run_identity",
]

_DECISIONS = {"must-link", "cannot-link"}


def read_overrides(path: Path) -> list[dict[str, str]]:
    """Must-link / cannot-link decisions from a CSV (``record_a,record_b,decision``), one
    per pair of records (``key``: the two uids sorted, ``a|b``; a later row on the same pair
    replaces an earlier one). Records are written ``SOURCE:ID``; decisions are
    ``must-link`` or ``cannot-link``. Every problem in the file is reported at once.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "o.csv"
    >>> _ = f.write_text("record_a,record_b,decision\\ncrm:2,crm:1,must-link\\n")
    >>> read_overrides(f)
    [{'key': 'crm:1|crm:2', 'a': 'crm:1', 'b': 'crm:2', 'decision': 'must-link'}]
    """
    problems: list[str] = []
    rows: dict[str, dict[str, str]] = {}
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
            rows.pop(f"{a}|{b}", None)
            rows[f"{a}|{b}"] = {"key": f"{a}|{b}", "a": a, "b": b, "decision": decision}
    if problems:
        raise InputError(f"overrides {path.name}: " + "; ".join(problems))
    return list(rows.values())


def load_overrides(store: Store, path: Path) -> int:
    """Store the decisions of an overrides CSV (:func:`read_overrides`); stored decisions
    apply to every later run. Returns how many pairs the file decides."""
    rows = read_overrides(path)
    store.write("identity/merge_overrides", rows=rows)
    return len(rows)


#: What a full run keeps for incremental runs; a change here makes the next run a full one.
_STATE_VERSION = 3
#: Above this share of new or changed records, a full run costs about what an incremental does.
_INCREMENTAL_MAX_SHARE = 0.5


def _fingerprint(value: object) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _read_state(store: Store) -> dict[str, Any] | None:
    rows = {r["name"]: r["value"] for r in store.read("identity/state")}
    text = rows.get(STATE_NAME)
    return json.loads(text) if text else None


def current_model(store: Store) -> FSModel | None:
    """The last full run's model, if this version of custgraph made it (same levels and
    key layout); ``None`` otherwise (run `custgraph analyze identity` again)."""
    state = _read_state(store)
    if not state or state.get("version") != _STATE_VERSION:
        return None
    if state.get("layout") != list(KEY_LAYOUT):
        return None
    return FSModel.from_dict(state["model"])


#: The name of the ``IdentityState`` entry a full run leaves (:func:`full_run_state`).
STATE_NAME = "full_run"


def full_run_state(
    params: IdentityParams, overrides: list[dict[str, Any]], *, at: str, model: FSModel
) -> dict[str, Any]:
    """What a full run started at ``at`` leaves for incremental runs (stored as JSON text
    under :data:`STATE_NAME`): this version's key layout, fingerprints of the settings and
    of the decisions as the store reads them (``identity/overrides``: ``a``, ``b``,
    ``decision``, ordered by ``a``, ``b``), and the fitted model. A run elsewhere (the
    Spark engine) that writes the same state lets the database's next run be incremental.

    >>> one = {"dob": [1.0, 0.9, 0.1]}
    >>> model = FSModel.from_dict({"m": one, "h": one, "u": one, "prior": [0.1, 0.1, 0.8],
    ...                            "iterations": 3})
    >>> state = full_run_state(IdentityParams(), [], at="2026-01-01T00:00:00Z", model=model)
    >>> sorted(state), state["model"]["iterations"]
    (['at', 'layout', 'model', 'overrides', 'params', 'version'], 3)
    """
    return {
        "version": _STATE_VERSION,
        "layout": list(KEY_LAYOUT),
        "params": _fingerprint(asdict(params)),
        "overrides": _fingerprint(overrides),
        "at": at,
        "model": model.to_dict(),
    }


def _save_state(store: Store, state: dict[str, Any]) -> None:
    store.write("identity/save_state", rows=[{"name": STATE_NAME, "value": json.dumps(state)}])


def _why_full(
    state: dict[str, Any] | None, params: IdentityParams, overrides: list[dict[str, Any]]
) -> str | None:
    """Why this run cannot be incremental (``None`` when it can)."""
    if state is None:
        return "no earlier full run has left its model"
    if state.get("version") != _STATE_VERSION or state.get("layout") != list(KEY_LAYOUT):
        return "the earlier run was made by another version of custgraph"
    if state.get("params") != _fingerprint(asdict(params)):
        return "the settings differ from the earlier run's"
    if state.get("overrides") != _fingerprint(overrides):
        return "the must-link / cannot-link overrides changed"
    if params.term_frequencies:
        return "term-frequency adjustments count every record's names"
    return None


def run_identity(store: Store, params: IdentityParams, *, full: bool = False) -> IdentityResult:
    """Resolve records into persons and write the result back.

    Unless ``full``, a run after an earlier full run with the same settings and overrides is
    *incremental*: it re-resolves only the components new or changed records touch, with
    the earlier run's model (``counts["incremental"]`` is then 1, and ``counts`` say how
    many records, persons and components it touched). Otherwise every record is resolved
    and the model fitted again.
    """
    with recorded_run(store, "identity", {**asdict(params), "full": full}, seed=params.seed) as run:
        with run.timed("project"):
            overrides = store.read("identity/overrides")
            state = _read_state(store)
            reason = "asked for (--full)" if full else _why_full(state, params, overrides)
        if reason is None and state is not None:
            result = _incremental(store, params, state, overrides, run)
            if result is not None:
                return result
            reason = "most records are new or changed"
        result = _full(store, params, overrides, run)
        run.counts["incremental"] = 0
        result.counts["incremental"] = 0
        result.full_reason = reason or ""
    return result


def _full(
    store: Store, params: IdentityParams, overrides: list[dict[str, Any]], run: RunRecord
) -> IdentityResult:
    at = utc_now()
    with run.timed("project"):
        records = store.frame("identity/records")
        if records.empty:
            raise JobError(
                "no customer records to resolve; load a customers file first (custgraph load)"
            )
        previous = store.frame("identity/assignments")
        known = {r["personId"] for r in store.read("identity/known_ids") if r["personId"]}
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
        del records, previous  # not needed to write back; their memory is
    with run.timed("write"):
        # a full run killed half-way must not leave a state an incremental run would trust
        store.write("identity/save_state", rows=[{"name": STATE_NAME, "value": None}])
        _write(store, result, run.run_id)
        store.write("identity/clear_pending", uids=None)
        _save_state(store, full_run_state(params, overrides, at=at, model=result.model))
    run.counts.update(result.counts)
    run.timings.update({f"resolve.{k}": v for k, v in result.timings.items()})
    return result


def _incremental(
    store: Store,
    params: IdentityParams,
    state: dict[str, Any],
    overrides: list[dict[str, Any]],
    run: RunRecord,
) -> IdentityResult | None:
    """Re-resolve the components new or changed records touch; ``None`` if a full run is
    the better choice (most records are new)."""
    model = FSModel.from_dict(state["model"])
    started = utc_now()
    with run.timed("project"):
        pending = np.array([r["uid"] for r in store.read("identity/pending")], dtype=object)
        links_changed = store.read("identity/links_loaded_since", since=state["at"])[0]["n"] > 0
    if not len(pending):
        result = _nothing_to_do(store, model, links_changed)
        run.counts.update(result.counts)
        if links_changed:
            with run.timed("write"):
                _derive_person_graph(store)
                _save_state(store, {**state, "at": started})
        return result
    with run.timed("project"):
        index = store.frame("identity/key_index")
        if len(pending) > _INCREMENTAL_MAX_SHARE * (len(index) + len(pending)):
            return None
        fresh = store.frame("identity/records_of", uids=pending.tolist())
        pending = np.asarray(fresh["uid"].tolist(), dtype=object)
        keys = KeyIndex(
            index_uids=index["uid"].to_numpy(dtype=object),
            index_keys=unpack(index["keys"].tolist(), len(KEY_LAYOUT)),
            pending_uids=pending,
            pending_keys=record_keys(record_features(fresh.reset_index(drop=True))),
            limits=key_limits(params.max_block, params.max_identifier_share),
        )
        del index
        affected = keys.affected()
    with run.timed("match"):
        scored = _with_records(store, fresh, [*pending.tolist(), *affected.candidates])
        hits = matched_candidates(
            scored,
            set(pending.tolist()),
            pairs=affected.pairs,
            index=keys,
            model=model,
            params=params,
        )
        reached = {*pending.tolist(), *hits, *affected.linked_before}
        uids = _members(store, reached, overrides)
    with run.timed("project"):
        # mark first: a run killed half-way leaves these records pending for the next one
        store.write("identity/mark_pending", uids=uids)
        records = _with_records(store, scored, uids)
        assigned = store.frame("identity/assignments_of", uids=uids)
        known = _ids_in_use(store, records["uid"].tolist(), assigned)
    with run.timed("resolve"):
        result = resolve_identities(
            records,
            params,
            previous=dict(zip(assigned["uid"], assigned["personId"], strict=True)),
            created=dict(zip(assigned["personId"], assigned["createdAt"], strict=True)),
            known_ids=known,
            must_link=[(o["a"], o["b"]) for o in overrides if o["decision"] == "must-link"],
            cannot_link=[(o["a"], o["b"]) for o in overrides if o["decision"] == "cannot-link"],
            model=model,
            too_common=keys.too_common,
        )
    touched = sorted(set(assigned["personId"].tolist()))
    with run.timed("write"):
        _write_incremental(store, result, run.run_id, touched, links_changed=links_changed)
        _save_state(store, {**state, "at": started})
    result.counts.update(
        {
            "incremental": 1,
            "pending_records": len(pending),
            "touched_persons": len(touched),
            "persons_total": int(store.read("identity/person_count")[0]["n"]),
        }
    )
    run.counts.update(result.counts)
    run.timings.update({f"resolve.{k}": v for k, v in result.timings.items()})
    return result


def _with_records(store: Store, have: pd.DataFrame, uids: list[str]) -> pd.DataFrame:
    """The records ``uids`` (in the store's order of uid), reusing the rows of ``have``
    and asking the store only for the others."""
    kept = have[have["uid"].isin(uids)]
    missing = sorted(set(uids) - set(kept["uid"].tolist()))
    more = store.frame("identity/records_of", uids=missing) if missing else kept.iloc[:0]
    both = pd.concat([kept, more], ignore_index=True) if len(more) else kept
    return both.sort_values("uid", kind="stable").reset_index(drop=True)


def _write_incremental(
    store: Store, result: IdentityResult, run_id: str, touched: list[str], *, links_changed: bool
) -> None:
    """Write back the re-resolved records only (the whole person graph if links were loaded)."""
    _write_records(store, result, run_id)
    store.write("identity/prune_persons_of", personIds=touched)
    store.write("identity/clear_matches_of", uids=result.uids.tolist())
    store.write("identity/write_matches", rows=result.matches)
    _write_events(store, result, run_id)
    if links_changed:
        _derive_person_graph(store)
    else:
        persons = sorted(set(touched) | set(result.person_ids))
        for start in range(0, len(persons), 5000):
            store.write("identity/rederive_person_edges", personIds=persons[start : start + 5000])
    store.write("identity/clear_pending", uids=result.uids.tolist())


def _members(store: Store, reached: set[str], overrides: list[dict[str, Any]]) -> list[str]:
    """The records reached, with every record of their persons and of the persons of their
    override partners (an override is honoured only when both of its records are resolved)."""
    partners = {o["b"] for o in overrides if o["a"] in reached} | {
        o["a"] for o in overrides if o["b"] in reached
    }
    seeds = sorted(reached | partners)
    persons = sorted({r["personId"] for r in store.read("identity/assignments_of", uids=seeds)})
    members = {r["uid"] for r in store.read("identity/members_of", personIds=persons)}
    return sorted(reached | partners | members)


def _ids_in_use(store: Store, uids: list[str], assigned: pd.DataFrame) -> set[str]:
    """The ids this run could issue or keep that some person holds or once held.

    A new person's id derives from its smallest member uid (and an attempt number), so
    asking the store about those few candidates is enough; the store never sends them all.
    """
    candidates = {person_id_for(u, attempt) for u in uids for attempt in range(4)}
    candidates |= set(assigned["personId"].tolist())
    used = store.read("identity/ids_in_use", personIds=sorted(candidates))
    return {r["personId"] for r in used}


def _nothing_to_do(store: Store, model: FSModel, links_changed: bool) -> IdentityResult:
    empty = np.array([], dtype=object)
    persons = int(store.read("identity/person_count")[0]["n"])
    counts = {
        "incremental": 1,
        "pending_records": 0,
        "touched_persons": 0,
        "records": 0,
        "candidate_pairs": 0,
        "accepted_pairs": 0,
        "kept_pairs": 0,
        "persons": 0,
        "persons_total": persons,
        "person_graph_derived": int(links_changed),
    }
    return IdentityResult(
        empty,
        np.array([], dtype=np.int64),
        [],
        np.zeros(0),
        [],
        [],
        model,
        BlockingReport(),
        counts,
    )


def _write(store: Store, result: IdentityResult, run_id: str) -> None:
    """A full run's write-back: every record, match, event and the whole person graph."""
    _write_records(store, result, run_id)
    store.write("identity/prune_persons")
    store.write("identity/clear_matches")
    store.write("identity/write_matches", rows=result.matches)
    _write_events(store, result, run_id)
    _derive_person_graph(store)


def _write_records(store: Store, result: IdentityResult, run_id: str) -> None:
    at = utc_now()
    sizes = np.bincount(result.labels, minlength=len(result.person_ids)).tolist()
    store.write(
        "identity/upsert_persons",
        rows=[
            {"personId": pid, "size": size, "run": run_id, "at": at}
            for pid, size in zip(result.person_ids, sizes, strict=True)
        ],
    )
    store.write(
        "identity/resolve_records",
        rows=[
            {
                "uid": uid,
                "personId": pid,
                "run": run_id,
                "confidence": round(float(conf), 6),
                "keys": keys,
            }
            for uid, pid, conf, keys in zip(
                result.uids, result.person_of(), result.confidence, pack(result.keys), strict=True
            )
        ],
    )


def _write_events(store: Store, result: IdentityResult, run_id: str) -> None:
    at = utc_now()
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


def _derive_person_graph(store: Store) -> None:
    """Flag self-referrals and derive every person-level link from the record-level ones
    (independent writes: Neo4j runs two at a time)."""
    store.write_many(
        [
            Step("identity/flag_self_referrals"),
            Step("identity/derive_person_referrals"),
            *(
                Step("identity/derive_person_social", slots={"rel": rel})
                for rel in PERSON_RELATIONSHIPS
                if rel is not RelType.REFERRED
            ),
        ]
    )
