"""Field comparisons and the model's household class."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graph.identity.features import record_features
from graph.identity.scoring import LEVEL_NAMES, compare, fit_model


def levels_of(a: dict[str, str], b: dict[str, str]) -> dict[str, str]:
    f = record_features(pd.DataFrame([{"uid": "x:1", **a}, {"uid": "x:2", **b}]))
    levels = compare(f, np.array([[0, 1]]))
    return {k: LEVEL_NAMES[k][int(v[0])] for k, v in levels.items() if v[0]}


def level(field: str, name: str) -> int:
    return LEVEL_NAMES[field].index(name)


@pytest.mark.parametrize(
    ("field", "column", "a", "b", "expected"),
    [
        ("national", "nationalId", "123456789", "123456789", "exact"),
        ("national", "nationalId", "123456789", "123456780", "one typo"),
        ("national", "nationalId", "123456789", "123465789", "one typo"),  # two digits swapped
        ("national", "nationalId", "123456789", "12345678", "one typo"),  # one digit lost
        ("national", "nationalId", "123456789", "987654321", "different"),
        ("phone", "phone", "+14155550132", "+14155550123", "one typo"),
        ("phone", "phone", "+14155550132", "+16505550132", "same last 7 digits"),
        ("phone", "phone", "+14155550132", "+16509990000", "different"),
        ("email", "email", "ann.lee@x.com", "ann.lea@x.com", "one typo"),
        ("email", "email", "ann.lee1@x.com", "ann.lee2@x.com", "different"),  # namesakes
        ("email", "email", "ann.lee@x.com", "bo@y.com", "different"),
        ("loyalty", "loyaltyId", "L12345678", "L12354678", "one typo"),
        ("device", "deviceId", "a1b2c3d4e5f6", "a1b2c3d4e5f7", "one typo"),
        ("postcode", "postcode", "2233", "2323", "one typo"),
        ("postcode", "postcode", "2233", "7400", "different"),
        ("dob", "birthDate", "1975-07-10", "1975-07-10", "exact"),
        ("dob", "birthDate", "1975-07-10", "1975-07-18", "one typo"),
        ("dob", "birthDate", "1975-07-10", "1975-10-07", "day and month swapped"),
        ("dob", "birthDate", "1975-07-10", "1975-07-29", "partial"),
        ("dob", "birthDate", "1975-07-10", "1976-07-10", "one typo"),
        ("dob", "birthDate", "1979-07-10", "1980-07-10", "partial"),  # a year apart
        ("dob", "birthDate", "1975-07-10", "1982-03-21", "different"),
        ("given", "firstName", "sylvie", "syivie", "one typo"),
        ("given", "firstName", "bob", "robert", "nickname"),
        ("given", "firstName", "alexander", "alexandra", "close"),
        ("given", "firstName", "catherine", "katherina", "similar"),
        ("family", "lastName", "holland", "hloland", "one typo"),
        ("family", "lastName", "harrington", "okafor", "different"),
    ],
)
def test_each_field_gets_its_graded_level(
    field: str, column: str, a: str, b: str, expected: str
) -> None:
    assert levels_of({column: a}, {column: b})[field] == expected


def test_em_learns_that_a_typo_supports_and_a_different_identifier_weighs_against() -> None:
    """No veto: each level of a strong identifier gets the weight EM learns from the data."""
    rng = np.random.default_rng(5)
    n = 6000
    match = rng.random(n) < 0.4
    exact, typo, diff = (level("national", x) for x in ("exact", "one typo", "different"))
    draw = rng.random(n)
    levels = {k: np.zeros(n, dtype=np.int64) for k in LEVEL_NAMES}
    levels["national"] = np.where(
        match, np.select([draw < 0.75, draw < 0.9], [exact, typo], diff), diff
    )
    levels["given"] = np.where(match | (rng.random(n) < 0.05), 1, level("given", "different"))
    levels["dob"] = np.where(match | (rng.random(n) < 0.02), 1, level("dob", "different"))
    random = {k: np.zeros(n, dtype=np.int64) for k in LEVEL_NAMES}
    random["national"] = np.where(rng.random(n) < 0.001, typo, diff)
    random["given"] = np.where(rng.random(n) < 0.01, 1, level("given", "different"))
    random["dob"] = np.where(rng.random(n) < 0.001, 1, level("dob", "different"))
    weights = fit_model(levels, random, total_pairs=10**7).weights()["national"]
    assert weights[exact] > weights[typo] > 3  # a typo is still strong evidence for
    assert weights[diff] < -1  # a different id is evidence against, by its learned weight


def test_swapped_names_are_read_swapped_only_when_both_parts_agree() -> None:
    same = levels_of(
        {"firstName": "Ann", "lastName": "Lee"}, {"firstName": "Lee", "lastName": "Ann"}
    )
    assert (same["given"], same["family"]) == ("exact", "exact")
    # one family, two people: "Carter Jean" and "Juan Carter" share a family name only
    family = levels_of(
        {"firstName": "Carter", "lastName": "Jean"}, {"firstName": "Juan", "lastName": "Carter"}
    )
    assert family["given"] not in {"exact", "nickname", "close"}


def test_the_household_class_does_not_learn_personal_fields() -> None:
    """Household pairs share home fields; their given names and e-mails agree only by
    chance, so a pair agreeing on a given name and a phone is one person, not a household."""
    rng = np.random.default_rng(3)
    n = 4000
    # candidates: matches (same given, same phone, e-mail often differs) and households
    # (same phone and family, another given name)
    match = rng.random(n) < 0.5
    levels = {k: np.zeros(n, dtype=np.int64) for k in LEVEL_NAMES}
    given_diff, family_diff = level("given", "different"), level("family", "different")
    levels["given"] = np.where(match, 1, given_diff)
    levels["family"] = np.ones(n, dtype=np.int64)
    levels["phone"] = np.ones(n, dtype=np.int64)
    levels["email"] = np.where(match & (rng.random(n) < 0.7), 1, level("email", "different"))
    random = {k: np.full(n, 0, dtype=np.int64) for k in LEVEL_NAMES}
    random["given"] = np.where(rng.random(n) < 0.01, 1, given_diff)
    random["family"] = np.where(rng.random(n) < 0.01, 1, family_diff)
    random["phone"] = np.full(n, level("phone", "different"))
    random["email"] = np.full(n, level("email", "different"))
    model = fit_model(levels, random, total_pairs=10**8)
    assert np.allclose(model.h["given"], model.u["given"])
    assert np.allclose(model.h["email"], model.u["email"])
    assert model.h["phone"][1] > 0.5  # households do share a phone


def test_comparing_in_chunks_gives_the_same_levels(monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.identity import scoring

    rows = [
        {"uid": f"x:{k}", "firstName": g, "lastName": s, "email": e, "phone": p}
        for k, (g, s, e, p) in enumerate(
            [("Ann", "Lee", "a@x.com", "+1415"), ("Anne", "Lee", "a@x.com", None)] * 30
        )
    ]
    f = record_features(pd.DataFrame(rows))
    rng = np.random.default_rng(1)
    pairs = np.sort(rng.integers(0, len(rows), (200, 2)), axis=1)
    blocked = {"email": {"a@x.com"}}
    whole = compare(f, pairs, blocked)
    monkeypatch.setattr(scoring, "COMPARE_CHUNK", 7)
    chunked = compare(f, pairs, blocked)
    assert all(np.array_equal(whole[k], chunked[k]) for k in LEVEL_NAMES)


def test_a_shared_rare_family_name_says_more_than_a_shared_common_one() -> None:
    """Term-frequency adjustment: the same levels, a rare name scores higher than Smith."""
    from graph.identity.scoring import FSModel, match_probability, tf_adjustments

    rows = [{"uid": f"s:{k}", "lastName": "Smith"} for k in range(50)]
    rows += [{"uid": "r:1", "lastName": "Quennell"}, {"uid": "r:2", "lastName": "Quennell"}]
    rows += [{"uid": f"o:{k}", "lastName": f"Other{k}"} for k in range(48)]
    f = record_features(pd.DataFrame(rows))
    pairs = np.array([[0, 1], [50, 51]])
    levels = compare(f, pairs)
    assert levels["family"].tolist() == [1, 1]
    flat = {
        k: np.r_[1.0, np.full(n, 1.0 / n)]
        for k, n in ((k, len(v) - 1) for k, v in LEVEL_NAMES.items())
    }
    m, u = dict(flat), dict(flat)
    m["family"] = np.r_[1.0, 0.9, np.full(4, 0.025)]
    u["family"] = np.r_[1.0, 0.05, np.full(4, 0.2375)]
    model = FSModel(m=m, h=dict(u), u=u, prior=(0.01, 0.01, 0.98), iterations=1)
    plain = match_probability(model, levels)
    assert plain[0] == pytest.approx(plain[1])
    adjusted = match_probability(model, levels, tf_adjustments(model, f, pairs, levels))
    assert adjusted[1] > plain[1] > adjusted[0]


def test_fitting_on_counted_comparison_vectors_is_fitting_on_the_pairs() -> None:
    """The Spark engine counts the distinct comparison vectors and fits on those: the model
    must be the one the pairs themselves give."""
    rng = np.random.default_rng(11)
    n = 5000
    match = rng.random(n) < 0.3
    levels = {k: np.zeros(n, dtype=np.int64) for k in LEVEL_NAMES}
    levels["given"] = np.where(match | (rng.random(n) < 0.1), 1, level("given", "different"))
    levels["dob"] = np.where(match, 1, rng.integers(2, 6, n))
    levels["email"] = np.where(match & (rng.random(n) < 0.6), 1, level("email", "different"))
    random = {k: np.zeros(n, dtype=np.int64) for k in LEVEL_NAMES}
    random["given"] = np.where(rng.random(n) < 0.01, 1, level("given", "different"))
    random["dob"] = rng.integers(2, 6, n)
    random["email"] = np.full(n, level("email", "different"))
    direct = fit_model(levels, random, total_pairs=10**7)
    frame = pd.DataFrame(levels).value_counts().rename("count").reset_index()
    counted = fit_model(
        {k: frame[k].to_numpy() for k in LEVEL_NAMES},
        random,
        total_pairs=10**7,
        counts=frame["count"].to_numpy(dtype=float),
    )
    assert counted.iterations == direct.iterations
    assert np.allclose(counted.prior, direct.prior, rtol=1e-12)
    for name in LEVEL_NAMES:
        assert np.allclose(counted.m[name], direct.m[name], rtol=1e-12)
    # and the counts matter: fitting the distinct vectors once each is another model
    once = fit_model({k: frame[k].to_numpy() for k in LEVEL_NAMES}, random, total_pairs=10**7)
    assert not np.allclose(once.prior, direct.prior, rtol=1e-3)
