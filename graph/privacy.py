"""Privacy: masking PII for roles that may not see it, and erasing a record (the right to be
forgotten) across raw and derived data.

Examples
--------
>>> mask_value("email", "ann.lee@example.com")
'a***@example.com'
>>> mask_value("phone", "+14155550132")
'*******0132'
>>> mask_value("birthDate", "1979-07-22")
'1979-**-**'
>>> mask_value("city", "Lyon")
'Lyon'
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from graph.errors import NotFoundError
from graph.identity.ids import candidate_ids, split_person
from graph.model import PII_FIELDS, split_uid
from graph.profiles.preferences import consent, demographics
from graph.profiles.rules import ProfileRules, load_rules
from graph.runs import utc_now
from graph.store.base import Step, Store

__all__ = ["PII_FIELDS", "Erasure", "erase_record", "mask_document", "mask_value"]


def _initial(text: str) -> str:
    """The first character, only when it is at most a third of the value: a one- or
    two-character name (赵, 洋子, Li) is a whole component, and shows nothing."""
    return f"{text[:1]}***" if len(text) >= 3 else "***"


def _email(text: str) -> str:
    local, _, domain = text.partition("@")
    return f"{_initial(local)}@{domain}" if domain else "***"


def _phone(text: str) -> str:
    """The last digits only where they are a small part of the number (4 of 10 or more,
    2 of 6 to 9, none of fewer)."""
    digits = [ch for ch in text if ch.isdigit()]
    shown = 4 if len(digits) >= 10 else 2 if len(digits) >= 6 else 0
    return "*" * max(len(digits) - shown, 3) + "".join(digits[len(digits) - shown :])


def _postcode(text: str) -> str:
    shown = 2 if len(text) >= 5 else 1 if len(text) >= 3 else 0
    return f"{text[:shown]}***"


_MASKS: dict[str, Callable[[str], str]] = {
    "email": _email,
    "phone": _phone,
    "birthDate": lambda t: f"{t[:4]}-**-**" if len(t) >= 4 else "****",
    "firstName": _initial,
    "lastName": _initial,
    "fullName": _initial,
    "postcode": _postcode,
}


def mask_value(name: str, value: Any) -> Any:
    """Mask one attribute's value if it is PII; other values pass through."""
    if name not in PII_FIELDS or value is None:
        return value
    return _MASKS.get(name, _hidden)(str(value))


def _hidden(_text: str) -> str:
    return "***"


def mask_document(doc: dict[str, Any]) -> dict[str, Any]:
    """A copy of a profile document with every PII attribute masked."""
    masked: dict[str, Any] = json.loads(json.dumps(doc))
    attributes = masked.get("demographics", {}).get("attributes", {})
    for name, attribute in attributes.items():
        attribute["value"] = mask_value(name, attribute.get("value"))
    return masked


@dataclass(slots=True)
class Erasure:
    """What an erasure did: the record, its former person, and the persons that remain."""

    uid: str
    already_erased: bool = False
    person_id: str | None = None
    person_removed: bool = False
    persons_after: list[str] = field(default_factory=list)


def erase_record(store: Store, uid: str, *, by: str, rules: ProfileRules | None = None) -> Erasure:
    """Erase a record everywhere, re-resolve its person from the remaining records and the
    stored matches among them, re-derive that person's links and demographics, and leave a
    tombstone so a later load of the record is suppressed. Idempotent; one transaction.

    Raises :class:`~graph.errors.NotFoundError` for a record that never existed.
    """
    split_uid(uid)
    state = store.read("privacy/record_person", uid=uid)
    live = [r for r in state if not r["erased"]]
    if not live:
        if state:
            return Erasure(uid, already_erased=True)
        raise NotFoundError(f"no record {uid}; check the source and id (custgraph status)")
    person = live[0]["personId"]
    erased = {"uid": uid, "erasedAt": utc_now(), "by": by, "personId": person}
    steps = [
        Step("privacy/erase_record", params=erased),
        Step("load/delete_customer", params={"uid": uid}),
    ]
    result = Erasure(uid, person_id=person)
    if person is not None:
        # behaviour was derived from the record's touchpoints: gone until journeys run again
        steps.append(Step("journeys/forget_persons", params={"personIds": [person]}))
        steps += _re_resolve(store, uid, person, result, rules or load_rules())
    store.write_tx(steps)
    store.purge()
    return result


def _re_resolve(
    store: Store, uid: str, person: str, result: Erasure, rules: ProfileRules
) -> list[Step]:
    members = store.frame("profiles/members", personIds=[person])
    remaining = members[members["uid"] != uid]
    if remaining.empty:
        result.person_removed = True
        return [Step("privacy/drop_person", params={"personId": person})]
    uids = remaining["uid"].tolist()
    links = [(m["a"], m["b"]) for m in store.read("identity/person_matches", personId=person)]
    candidates = candidate_ids(uids)
    taken = {r["personId"] for r in store.read("lookup/person_nodes", personIds=candidates)}
    owner, splits = split_person(person, uids, links, known=taken)
    persons = [person] + [str(e.other_id) for e in splits]
    now = utc_now()
    run = f"erasure-{now}"
    steps: list[Step] = []
    sizes = pd.Series(owner).value_counts()
    steps.append(
        Step(
            "identity/upsert_persons",
            rows=[{"personId": p, "size": int(sizes[p]), "run": run, "at": now} for p in persons],
        )
    )
    moved = [u for u, p in owner.items() if p != person]
    if moved:
        steps.append(
            Step(
                "identity/resolve_records",
                rows=[
                    {
                        "uid": u,
                        "personId": owner[u],
                        "run": run,
                        "confidence": 1.0,
                        "keys": None,
                    }
                    for u in moved
                ],
            )
        )
        steps.append(
            Step(
                "identity/record_events",
                rows=[
                    {
                        "eventId": f"{run}-split-{p}",
                        "run": run,
                        "at": now,
                        "event": "split",
                        "personId": person,
                        "otherId": p,
                    }
                    for p in persons[1:]
                ],
            )
        )
    steps.append(Step("identity/rederive_person_edges", params={"personIds": persons}))
    remaining = remaining.assign(personId=remaining["uid"].map(owner))
    chosen = demographics(remaining, rules.source_priority)
    agreed = consent(remaining)
    steps.append(
        Step(
            "privacy/update_demographics",
            rows=[
                {
                    "personId": p,
                    "demographics": json.dumps(
                        chosen.get(p, {}), ensure_ascii=False, sort_keys=True
                    ),
                    "consentMarketing": bool(agreed.get(p, False)),
                }
                for p in persons
            ],
        )
    )
    result.persons_after = persons
    return steps
