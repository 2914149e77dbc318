"""The generator: deterministic, realistic variation, truth that matches the files."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

import pytest

from synthetic import GenerateParams, generate_dataset


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*.csv")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "a"
    generate_dataset(out, GenerateParams(customers=4000, seed=5, mixing=0.3))
    return out


def test_same_seed_same_bytes_other_seed_other_bytes(dataset: Path, tmp_path: Path) -> None:
    generate_dataset(tmp_path / "b", GenerateParams(customers=4000, seed=5, mixing=0.3))
    generate_dataset(tmp_path / "c", GenerateParams(customers=4000, seed=6, mixing=0.3))
    assert digest(dataset) == digest(tmp_path / "b")
    assert digest(dataset) != digest(tmp_path / "c")


def test_truth_covers_every_record_exactly_once(dataset: Path) -> None:
    customers = rows(dataset / "customers.csv")
    truth = rows(dataset / "truth" / "records.csv")
    assert len(customers) == 4000
    assert sorted((r["source"], r["source_customer_id"]) for r in customers) == sorted(
        (r["source"], r["source_customer_id"]) for r in truth
    )
    per_person = Counter(r["person_id"] for r in truth)
    assert set(per_person.values()) <= {1, 2, 3}
    assert Counter(per_person.values())[2] > 0
    assert Counter(per_person.values())[3] > 0


def test_records_vary_like_real_exports(dataset: Path) -> None:
    customers = rows(dataset / "customers.csv")
    emails = Counter(r["email"].strip().lower() for r in customers if r["email"])
    phones = Counter(r["phone"] for r in customers if r["phone"])
    assert emails["test@test.com"] >= 3
    assert phones["0000000000"] >= 3
    assert any(r["email"] != r["email"].strip() for r in customers if r["email"])  # padded
    assert any(
        "\u4e00" <= (r["last_name"] or r["full_name"] or " ")[0] <= "\u9fff" for r in customers
    )  # Chinese names
    assert any(r["email"] == "" for r in customers)
    assert any(r["birth_date"] == "" for r in customers)
    assert {r["source"] for r in customers} == {"crm", "shop", "app", "store"}


def test_planted_mixing_is_close_to_the_parameter(dataset: Path) -> None:
    person = {
        (r["source"], r["source_customer_id"]): r["person_id"]
        for r in rows(dataset / "truth" / "records.csv")
    }
    community = {r["person_id"]: r["community_id"] for r in rows(dataset / "truth" / "persons.csv")}
    links = rows(dataset / "social_links.csv")
    cross = sum(
        community[person[(r["from_source"], r["from_id"])]]
        != community[person[(r["to_source"], r["to_id"])]]
        for r in links
    )
    assert 0.22 <= cross / len(links) <= 0.34


def test_a_few_big_referrers_most_refer_nobody(dataset: Path) -> None:
    person = {
        (r["source"], r["source_customer_id"]): r["person_id"]
        for r in rows(dataset / "truth" / "records.csv")
    }
    referrers = Counter(
        person[(r["referrer_source"], r["referrer_id"])] for r in rows(dataset / "referrals.csv")
    )
    people = len(rows(dataset / "truth" / "persons.csv"))
    assert len(referrers) < people * 0.5
    top = referrers.most_common(1)[0][1]
    assert top >= 10 * (sum(referrers.values()) / len(referrers))
