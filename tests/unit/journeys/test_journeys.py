"""Journeys and attribution models on hand-made timelines, each rule decided by one fact."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graph.journeys.attribution import (
    heuristic_credits,
    markov_credits,
    shapley_credits,
    transition_matrix,
)
from graph.journeys.job import JourneyParams, compute_journeys
from graph.journeys.paths import build_journeys, key_of, path_table

END = pd.Timestamp("2026-06-30T00:00:00Z")


def touches(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["personId", "channelId", "at"])


def orders(*rows: tuple[str, str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["personId", "orderId", "at", "revenue"])


def journeys(t: pd.DataFrame, o: pd.DataFrame, lookback: int = 30) -> pd.DataFrame:
    j = build_journeys(t, o, end=END, lookback_days=lookback)
    return j.journeys[["personId", "orderId", "path", "open", "touches"]]


def test_a_touch_older_than_the_window_is_not_part_of_the_conversion() -> None:
    t = touches(("a", "web", "2026-01-01T00:00:00Z"), ("a", "app", "2026-02-25T00:00:00Z"))
    o = orders(("a", "O1", "2026-03-01T00:00:00Z", 10.0))
    got = journeys(t, o).to_dict("records")
    assert [(r["orderId"], r["path"]) for r in got] == [(None, "web"), ("O1", "app")]
    # a longer window takes it in
    wide = journeys(t, o, lookback=90).to_dict("records")
    assert [(r["orderId"], r["path"]) for r in wide] == [("O1", "web > app")]


def test_an_order_ends_its_journey_and_a_touch_at_its_instant_counts() -> None:
    t = touches(
        ("a", "web", "2026-03-01T00:00:00Z"),  # the same instant as O1: part of it
        ("a", "email", "2026-03-02T00:00:00Z"),  # after O1: part of O2
    )
    o = orders(("a", "O1", "2026-03-01T00:00:00Z", 1.0), ("a", "O2", "2026-03-03T00:00:00Z", 2.0))
    got = journeys(t, o).to_dict("records")
    assert [(r["orderId"], r["path"]) for r in got] == [("O1", "web"), ("O2", "email")]


def test_repeats_in_a_row_collapse_and_counts_add_up() -> None:
    t = touches(
        ("a", "web", "2026-03-01T00:00:00Z"),
        ("a", "web", "2026-03-02T00:00:00Z"),
        ("a", "app", "2026-03-03T00:00:00Z"),
        ("a", "web", "2026-03-04T00:00:00Z"),
    ).assign(count=[1, 2, 1, 1])
    o = orders(("a", "O1", "2026-03-05T00:00:00Z", 1.0))
    got = journeys(t, o).iloc[0]
    assert got["path"] == "web > app > web"
    assert got["touches"] == 5


def test_a_gap_of_a_window_splits_journeys_that_do_not_convert_and_the_last_is_open() -> None:
    t = touches(
        ("a", "web", "2026-01-01T00:00:00Z"),
        ("a", "app", "2026-01-20T00:00:00Z"),  # 19 days later: the same journey
        ("a", "email", "2026-06-20T00:00:00Z"),  # months later: a new one, still open
    )
    got = journeys(t, orders()).to_dict("records")
    assert [(r["path"], r["open"]) for r in got] == [("web > app", False), ("email", True)]


def test_journeys_of_different_persons_never_mix() -> None:
    t = touches(("a", "web", "2026-03-01T00:00:00Z"), ("b", "app", "2026-03-02T00:00:00Z"))
    o = orders(("b", "O1", "2026-03-03T00:00:00Z", 1.0))
    got = journeys(t, o).to_dict("records")
    assert [(r["personId"], r["orderId"], r["path"]) for r in got] == [
        ("a", None, "web"),
        ("b", "O1", "app"),
    ]


def test_an_order_without_touches_is_a_direct_conversion_outside_the_paths() -> None:
    t = touches(("a", "web", "2026-03-01T00:00:00Z"))
    o = orders(("b", "O1", "2026-03-03T00:00:00Z", 1.0))
    j = build_journeys(t, o, end=END, lookback_days=30)
    assert j.journeys.set_index("personId").loc["b", "path"] == ""
    assert path_table(j)["path"].tolist() == ["web"]


THREE = build_journeys(
    touches(
        ("a", "web", "2026-03-01T00:00:00Z"),
        ("a", "app", "2026-03-08T00:00:00Z"),
        ("a", "email", "2026-03-15T00:00:00Z"),
    ),
    orders(("a", "O1", "2026-03-15T00:00:00Z", 100.0)),
    end=END,
    lookback_days=30,
)


@pytest.mark.parametrize(
    ("model", "web", "app", "email"),
    [
        ("first_touch", 1.0, 0.0, 0.0),
        ("last_touch", 0.0, 0.0, 1.0),
        ("linear", 1 / 3, 1 / 3, 1 / 3),
        ("position_based", 0.4, 0.2, 0.4),
        # a week halves the weight: 1/4, 1/2, 1 over 7/4
        ("time_decay", 1 / 7, 2 / 7, 4 / 7),
    ],
)
def test_each_rule_based_model_splits_one_conversion_its_way(
    model: str, web: float, app: float, email: float
) -> None:
    got = heuristic_credits(THREE, model).set_index("channel_id")
    assert got.loc[["web", "app", "email"], "conversions"].tolist() == pytest.approx(
        [web, app, email]
    )
    assert got.loc[["web", "app", "email"], "revenue"].tolist() == pytest.approx(
        [100 * web, 100 * app, 100 * email]
    )


def _paths(rows: list[tuple[list[int], int, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "key": [key_of(p) for p, _, _ in rows],
            "journeys": [n for _, n, _ in rows],
            "conversions": [c for _, _, c in rows],
            "revenue": [10.0 * c for _, _, c in rows],
        }
    )


def test_markov_removal_credits_the_channel_whose_loss_costs_conversions() -> None:
    # b only ever follows a; a alone never converts: without b nothing converts via a
    paths = _paths([([0], 50, 0), ([0, 1], 50, 20), ([2], 100, 20)])
    got = markov_credits(paths, ["a", "b", "c"], order=1).set_index("channel_id")["share"]
    # removal effects: a 0.5, b 0.5, c 0.5 of 40 conversions -> a third each
    assert got.tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])


def test_a_higher_order_chain_tells_paths_apart_that_the_first_order_merges() -> None:
    # c converts after a but never after b: only a second-order chain sees it
    paths = _paths([([0, 2], 100, 60), ([1, 2], 100, 0)])
    first = markov_credits(paths, ["a", "b", "c"], order=1).set_index("channel_id")["share"]
    second = markov_credits(paths, ["a", "b", "c"], order=2).set_index("channel_id")["share"]
    assert first["b"] > 0.2  # order 1 thinks b leads to c, which converts
    assert second["b"] == pytest.approx(0.0)
    assert second["a"] == pytest.approx(0.5)


def test_shapley_gives_no_credit_to_a_channel_that_adds_nothing() -> None:
    # x converts at the same rate with or without a; a alone converts at 0.3
    paths = _paths([([0], 100, 30), ([0, 1], 100, 30), ([1], 100, 0)])
    got = shapley_credits(paths, ["a", "x"]).set_index("channel_id")["conversions"]
    assert got.tolist() == pytest.approx([60.0, 0.0])


def test_shapley_falls_back_to_linear_credit_past_its_channel_limit() -> None:
    paths = _paths([([0, 1, 2], 10, 10), ([0], 10, 0)])
    exact = shapley_credits(paths, ["a", "b", "c"]).set_index("channel_id")["conversions"]
    capped = shapley_credits(paths, ["a", "b", "c"], max_channels=2)
    assert exact["a"] < 10 / 3  # a alone never converted: less than a third
    assert capped["conversions"].tolist() == pytest.approx([10 / 3] * 3)


def test_transitions_leave_each_state_with_probabilities_summing_to_one() -> None:
    j = build_journeys(
        touches(
            ("a", "web", "2026-03-01T00:00:00Z"),
            ("a", "app", "2026-03-02T00:00:00Z"),
            ("b", "web", "2026-03-01T00:00:00Z"),
        ),
        orders(("a", "O1", "2026-03-03T00:00:00Z", 1.0)),
        end=END,
        lookback_days=30,
    )
    table = transition_matrix(j)
    assert set(map(tuple, table[["from", "to"]].to_numpy())) == {
        ("(start)", "web"),
        ("web", "app"),
        ("web", "(null)"),
        ("app", "(conversion)"),
    }
    sums = table.groupby("from")["probability"].sum()
    assert np.allclose(sums.to_numpy(), 1.0)


def test_behaviour_names_the_stage_and_what_came_before_the_first_purchase() -> None:
    t = touches(
        ("a", "web", "2026-01-01T00:00:00Z"),
        ("a", "email", "2026-01-03T00:00:00Z"),
        ("b", "app", "2026-06-25T00:00:00Z"),  # open at the end
        ("c", "web", "2026-01-01T00:00:00Z"),  # never converted, long ago
    )
    o = orders(("a", "O1", "2026-01-05T00:00:00Z", 5.0), ("d", "O2", "2026-06-29T00:00:00Z", 1.0))
    params = JourneyParams(as_of=END.date())
    got = compute_journeys(t, o, params).behaviour.set_index("personId")
    assert got["stage"].to_dict() == {
        "a": "lapsed",
        "b": "in_journey",
        "c": "dropped_out",
        "d": "converted",
    }
    assert got.loc["a", "touchesBeforeFirstPurchase"] == 2
    assert got.loc["a", "daysBeforeFirstPurchase"] == pytest.approx(4.0)
    assert got.loc["a", "lastChannelBeforeConversion"] == "email"
    assert got.loc["d", "daysBeforeFirstPurchase"] is None


def test_ties_at_one_instant_do_not_depend_on_the_rows_order() -> None:
    """Two touches and two orders of one person at one instant each: the same journeys,
    paths and revenue whatever order the rows come in (a store's load order, a Spark
    partition's)."""
    at = pd.Timestamp("2026-01-01", tz="UTC")
    touches = pd.DataFrame(
        {
            "personId": ["a", "a", "a"],
            "channelId": ["web", "email", "app"],
            "at": [at, at, at + pd.Timedelta(hours=2)],
        }
    )
    orders = pd.DataFrame(
        {
            "personId": ["a", "a"],
            "orderId": ["O2", "O1"],
            "revenue": [20.0, 5.0],
            "at": [at + pd.Timedelta(hours=1)] * 2,
        }
    )
    end = at + pd.Timedelta(days=1)
    seen = set()
    for t_order, o_order in (([0, 1, 2], [0, 1]), ([1, 0, 2], [1, 0])):
        j = build_journeys(
            touches.iloc[t_order].reset_index(drop=True),
            orders.iloc[o_order].reset_index(drop=True),
            end=end,
            lookback_days=30,
        )
        columns = ["orderId", "path", "revenue", "touches"]
        seen.add(tuple(map(tuple, j.journeys[columns].to_numpy().tolist())))
    assert len(seen) == 1
    (rows,) = seen
    assert rows[0] == ("O1", "email > web", 5.0, 2)  # the first order by id takes the touches
