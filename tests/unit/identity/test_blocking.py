"""Each blocking rule pairs two records that agree on nothing but that rule's key."""

from __future__ import annotations

import pandas as pd
import pytest

from graph.identity.blocking import BLOCKING_RULES, candidate_pairs
from graph.identity.features import IDENTIFIER_FIELDS, record_features

BASE = {
    "uid": "a:1",
    "firstName": "Mitchell",
    "lastName": "Mitton",
    "birthDate": "1914-08-17",
    "street": "72 strangways street",
    "postcode": "3038",
    "city": "jubilee",
    "nationalId": "149906327",
    "phone": "+61398765432",
}
OTHER = {
    "uid": "b:2",
    "firstName": "Quentin",
    "lastName": "Abara",
    "birthDate": "1988-01-30",
    "street": "5 ocean road",
    "postcode": "6011",
    "city": "perth",
    "nationalId": "550011882",
    "phone": "+61855512345",
}

#: For each new rule, the fields the second record takes from the first (or alters).
CASES = {
    "names+dob": {"firstName": "Mitton", "lastName": "Mitchell", "birthDate": "1914-08-17"},
    "dob+number": {"birthDate": "1914-08-17", "street": "72 tyrwhitt avenue"},
    "postcode+number": {"postcode": "3038", "street": "72 ocean road"},
    "family+postcode": {"lastName": "Mitton", "postcode": "3038"},
    "national_head+year": {"nationalId": "149900000", "birthDate": "1914-02-03"},
    "national_tail+year": {"nationalId": "000006327", "birthDate": "1914-02-03"},
    "phone_tail+given": {"firstName": "Mitch", "phone": "+61218765432"},
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_a_rule_alone_makes_two_records_candidates(rule: str) -> None:
    f = record_features(pd.DataFrame([BASE, {**OTHER, **CASES[rule]}]))
    pairs, report, _ = candidate_pairs(f)
    assert pairs.tolist() == [[0, 1]]
    fired = {name for name, count in report.pairs_by_rule.items() if count}
    assert fired == {rule}


def test_unrelated_records_are_not_candidates() -> None:
    f = record_features(pd.DataFrame([BASE, OTHER]))
    pairs, report, _ = candidate_pairs(f)
    assert len(pairs) == 0
    assert set(report.pairs_by_rule) == {*IDENTIFIER_FIELDS, *BLOCKING_RULES}
