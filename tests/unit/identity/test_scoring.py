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
    levels["given"] = np.where(match, 1, 5)
    levels["family"] = np.ones(n, dtype=np.int64)
    levels["phone"] = np.ones(n, dtype=np.int64)
    levels["email"] = np.where(match & (rng.random(n) < 0.7), 1, 2)
    random = {k: np.full(n, 0, dtype=np.int64) for k in LEVEL_NAMES}
    random["given"] = np.where(rng.random(n) < 0.01, 1, 5)
    random["family"] = np.where(rng.random(n) < 0.01, 1, 4)
    random["phone"] = np.full(n, 3)
    random["email"] = np.full(n, 2)
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
