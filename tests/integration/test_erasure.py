"""Erasing a record that bridged two parts of a person splits the person, by identity's own
id rules, on both stores."""

from __future__ import annotations

from pathlib import Path

from graph.identity.ids import person_id_for
from graph.privacy import erase_record
from graph.store import Store
from loaders import load_files


def test_erasing_the_bridge_record_splits_the_person(store: Store, tmp_path: Path) -> None:
    (tmp_path / "customers.csv").write_text(
        "source,source_customer_id,first_name,last_name,city\n"
        "crm,a,Ann,Lee,Lyon\ncrm,b,Ann,Lee,\nshop,c,Anne,Lee,Paris\napp,d,Anne,Lee,Paris\n",
        encoding="utf-8",
    )
    load_files(store, [tmp_path / "customers.csv"], rejects_dir=tmp_path / "rej")
    at = "2026-01-01T00:00:00Z"
    store.write(
        "identity/upsert_persons", rows=[{"personId": "P1", "size": 4, "run": "r", "at": at}]
    )
    store.write(
        "identity/resolve_records",
        rows=[
            {"uid": u, "personId": "P1", "run": "r", "confidence": 1.0, "keys": None}
            for u in ("crm:a", "crm:b", "shop:c", "app:d")
        ],
    )
    # b matched both a and c; a and c never matched each other; c matched d
    store.write(
        "identity/write_matches",
        rows=[
            {"src": "crm:a", "dst": "crm:b", "score": 9.0, "rule": "fs", "evidence": "{}"},
            {"src": "crm:b", "dst": "shop:c", "score": 9.0, "rule": "fs", "evidence": "{}"},
            {"src": "app:d", "dst": "shop:c", "score": 9.0, "rule": "fs", "evidence": "{}"},
        ],
    )
    result = erase_record(store, "crm:b", by="test")
    split_off = person_id_for("crm:a")  # a new id from the part's smallest record
    assert result.person_id == "P1"
    assert not result.person_removed
    assert result.persons_after == ["P1", split_off]  # the larger part keeps the id
    for uid, person in (("crm:a", split_off), ("shop:c", "P1"), ("app:d", "P1")):
        assert store.read("privacy/record_person", uid=uid)[0]["personId"] == person
    assert store.read("privacy/record_person", uid="crm:b")[0]["erased"]
