"""The pure parts of profiles: BG/NBD and Gamma-Gamma fits, RFM scores, churn, segments, rules."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from graph.errors import ConfigError, JobError
from graph.profiles.churn import churn_features, fit_churn
from graph.profiles.clv import BgNbd, fit_bgnbd, fit_gamma_gamma, simulate_bgnbd
from graph.profiles.rules import ProfileRules, TagRule, load_rules
from graph.profiles.segments import segment
from graph.profiles.value import lifetime_value, quintiles, rfm, summarise

TRUE = BgNbd(r=0.243, alpha=4.414, a=0.793, b=2.426)  # the CDNOW estimates of Fader et al.


@pytest.fixture(scope="module")
def simulated() -> object:
    return simulate_bgnbd(TRUE, n=30_000, T=39.0, rng=np.random.default_rng(11))


def test_bgnbd_recovers_the_parameters_it_was_simulated_with(simulated: object) -> None:
    fit = fit_bgnbd(simulated.x, simulated.t_x, simulated.T)  # type: ignore[attr-defined]
    for got, want in ((fit.r, TRUE.r), (fit.alpha, TRUE.alpha), (fit.a, TRUE.a), (fit.b, TRUE.b)):
        assert got == pytest.approx(want, rel=0.15)


def test_bgnbd_predicts_the_holdout_it_never_saw(simulated: object) -> None:
    s = simulated
    fit = fit_bgnbd(s.x, s.t_x, s.T)  # type: ignore[attr-defined]
    expected = fit.expected(s.x, s.t_x, s.T, 39.0 / 4)  # type: ignore[attr-defined]
    actual = s.future  # type: ignore[attr-defined]
    assert expected.sum() == pytest.approx(actual.sum(), rel=0.05)
    # As good as the true model: RMSE within 1% of the RMSE of the true parameters.
    truth = TRUE.expected(s.x, s.t_x, s.T, 39.0 / 4)  # type: ignore[attr-defined]
    rmse = np.sqrt(np.mean((expected - actual) ** 2))
    assert rmse <= 1.01 * np.sqrt(np.mean((truth - actual) ** 2))


def test_one_time_buyers_are_alive_and_expected_to_buy_less_with_age() -> None:
    x = np.zeros(3)
    alive = TRUE.p_alive(x, np.zeros(3), np.array([1.0, 10.0, 50.0]))
    assert alive.tolist() == [1.0, 1.0, 1.0]
    expected = TRUE.expected(x, np.zeros(3), np.array([1.0, 10.0, 50.0]), 10.0)
    assert np.all(expected > 0)
    assert np.all(np.diff(expected) < 0)


def test_bgnbd_refuses_data_without_repeat_buyers() -> None:
    with pytest.raises(JobError, match="nobody bought twice"):
        fit_bgnbd(np.zeros(5), np.zeros(5), np.ones(5))


def test_gamma_gamma_recovers_spend_and_shrinks_towards_the_mean() -> None:
    rng = np.random.default_rng(5)
    p, q, v = 6.0, 4.0, 15.0
    n = 20_000
    x = rng.integers(1, 8, n).astype(float)
    nu = rng.gamma(q, 1.0 / v, n)
    m = np.array([rng.gamma(p * k, 1.0 / (nu_i * k)) for k, nu_i in zip(x, nu, strict=True)])
    fit = fit_gamma_gamma(x, m)
    assert fit.population_mean == pytest.approx(p * v / (q - 1), rel=0.05)
    one = fit.expected_spend(np.array([1.0, 50.0]), np.array([1000.0, 1000.0]))
    assert fit.population_mean < one[0] < one[1] < 1000.0
    assert fit.expected_spend(np.array([0.0]), np.array([np.nan]))[0] == pytest.approx(
        fit.population_mean
    )


def orders_frame() -> pd.DataFrame:
    rows = [
        ("a", "2026-01-01T10:00:00Z", 100.0, "USD"),
        ("a", "2026-02-01T10:00:00Z", 50.0, "USD"),
        ("a", "2026-02-01T18:00:00Z", 50.0, "USD"),
        ("b", "2026-03-01T10:00:00Z", 10.0, "EUR"),
        ("c", "2025-06-01T10:00:00Z", 500.0, "USD"),
        ("c", "2026-04-02T10:00:00Z", 999.0, "USD"),  # after as-of: never counted
    ]
    return pd.DataFrame(rows, columns=["personId", "purchasedAt", "amount", "currency"])


def test_summaries_convert_currency_count_days_and_ignore_the_future() -> None:
    as_of = pd.Timestamp("2026-03-31T23:59:59Z")
    s = summarise(orders_frame(), as_of, {"USD": 1.0, "EUR": 2.0}.get)
    assert s.loc["a", "frequency"] == 3
    assert s.loc["a", "x"] == 1
    assert s.loc["a", "m_x"] == pytest.approx(100.0)
    assert s.loc["b", "monetary"] == 20.0
    assert s.loc["c", "frequency"] == 1
    assert s.loc["c", "monetary"] == 500.0
    assert s.loc["a", "t_x"] == pytest.approx(31 / 7)


def test_rfm_scores_do_not_depend_on_row_order() -> None:
    rng = np.random.default_rng(2)
    values = pd.Series(rng.integers(0, 6, 500), index=[f"p{i}" for i in range(500)])
    shuffled = values.sample(frac=1.0, random_state=3)
    assert quintiles(values).sort_index().equals(quintiles(shuffled).sort_index())
    scores = quintiles(values)
    for v in values.unique():  # ties share one score
        assert scores[values == v].nunique() == 1


def test_rfm_names_segments_from_the_rule_table() -> None:
    as_of = pd.Timestamp("2026-03-31T23:59:59Z")
    s = summarise(orders_frame(), as_of, {"USD": 1.0, "EUR": 1.0}.get)
    table = rfm(s, load_rules())
    assert set(table["rfm_segment"]) <= {r.name for r in load_rules().rfm_segments}
    assert table.loc["c", "rfm_recency"] == 1  # the oldest purchase scores lowest
    assert table.loc["a", "rfm_frequency"] == 5


def test_lifetime_value_handles_one_time_buyers() -> None:
    sim = simulate_bgnbd(TRUE, n=3000, T=52.0, rng=np.random.default_rng(4))
    summary = pd.DataFrame(
        {
            "x": sim.x,
            "t_x": sim.t_x,
            "T": sim.T,
            "m_x": np.where(sim.x > 0, 20.0 + sim.x, np.nan),
            "monetary": 20.0 * (sim.x + 1),
            "frequency": sim.x + 1,
        }
    )
    life = lifetime_value(summary, 91)
    once = summary["x"] == 0
    assert life.table.loc[once, "p_alive"].eq(1.0).all()
    assert life.table.loc[once, "expected_purchases"].gt(0).all()
    assert life.table["predicted_clv"].notna().all()


def test_churn_model_is_honest_about_a_signal_and_names_factors() -> None:
    rng = np.random.default_rng(8)
    n = 3000
    recency = rng.uniform(0, 500, n)
    noise = rng.normal(0, 1, n)
    X = pd.DataFrame({"recency_days": recency, "noise": noise})
    y = rng.random(n) < 1 / (1 + np.exp(-(recency - 250) / 60))
    model = fit_churn(X, y, seed=3)
    assert model.auc > 0.85
    risk, factors = model.predict(X.iloc[:50])
    assert np.all((risk >= 0) & (risk <= 1))
    lapsed = int(np.argmax(X["recency_days"].iloc[:50].to_numpy()))
    assert factors[lapsed][0]["factor"] == "recency_days"
    noise_only = fit_churn(X[["noise"]], y, seed=3)
    assert noise_only.auc < 0.6  # no signal, no claim


def test_touch_behaviour_features_read_only_events_up_to_the_date() -> None:
    at = pd.Timestamp("2024-06-30T23:59:59Z")
    day = 86_400
    now = int(at.timestamp())
    persons = pd.DataFrame({"first_seen": [at - pd.Timedelta(days=400)] * 3, "records": [1, 1, 1]})
    orders = pd.DataFrame(
        {"personId": [0, 1, 2], "at": [at - pd.Timedelta(days=100)] * 3, "amount": [10.0] * 3}
    )
    empty = pd.DataFrame(columns=["personId", "kind", "touches", "firstAt"])

    def features(events: pd.DataFrame) -> pd.DataFrame:
        return churn_features(
            at=at,
            horizon_days=90,
            persons=persons,
            orders=orders,
            lifetime=pd.DataFrame(columns=["p_alive", "expected_purchases"], dtype=float),
            touches=empty,
            community=pd.Series(dtype=object),
            influence=pd.Series(dtype=float),
            referrer=pd.Series(dtype=object),
            events=events,
        )

    # person 0: two touches 5 days ago and one 60 days ago; person 1: one 200 days ago;
    # person 2: never touched before the date
    past = pd.DataFrame(
        {
            "personId": [0, 0, 1],
            "atSeconds": [now - 5 * day, now - 60 * day, now - 200 * day],
            "count": [2, 1, 1],
        }
    )
    got = features(past)
    assert got["touches_30d"].round(6).tolist() == pytest.approx([np.log1p(2), 0.0, 0.0])
    assert got["touches_90d"].round(6).tolist() == pytest.approx([np.log1p(3), 0.0, 0.0])
    assert got["days_since_touch"].tolist() == pytest.approx([5.0, 200.0, 10_000.0])
    # touches after the date (person 2 tomorrow, person 1 in a week) change nothing
    future = pd.DataFrame(
        {"personId": [2, 1], "atSeconds": [now + day, now + 7 * day], "count": [5, 5]}
    )
    later = features(pd.concat([past, future], ignore_index=True))
    pd.testing.assert_frame_equal(later, got)


def test_churn_model_refuses_a_single_outcome() -> None:
    X = pd.DataFrame({"a": np.arange(10.0)})
    with pytest.raises(JobError, match="only one outcome"):
        fit_churn(X, np.ones(10, dtype=bool), seed=1)


def test_segments_are_deterministic_and_named_by_value() -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "monetary": np.concatenate([rng.normal(2000, 100, 300), rng.normal(50, 10, 700)]),
            "frequency": np.concatenate([rng.normal(20, 2, 300), rng.normal(2, 0.5, 700)]),
            "predicted_clv": np.concatenate([rng.normal(500, 50, 300), rng.normal(5, 1, 700)]),
        }
    )
    a = segment(frame, seed=4)
    b = segment(frame.sample(frac=1.0, random_state=9).sort_index(), seed=4)
    assert a.labels == b.labels
    assert a.k == 2
    assert a.sizes == {"S1": 300, "S2": 700}
    assert "high spend" in a.descriptions["S1"]
    assert segment(frame, seed=4, k=3).k == 3


def test_rule_tables_must_partition_the_grid() -> None:
    base = load_rules().model_dump()
    overlapping = {
        **base,
        "rfm_segments": [*base["rfm_segments"], {"name": "X", "r": [5, 5], "fm": [5, 5]}],
    }
    with pytest.raises(ValueError, match="overlap at r=5, fm=5"):
        ProfileRules.model_validate(overlapping)
    gap = {**base, "rfm_segments": base["rfm_segments"][1:]}
    with pytest.raises(ValueError, match="no rule covers r=5, fm=4"):
        ProfileRules.model_validate(gap)


@pytest.mark.parametrize(
    "rule",
    ["__import__('os').system('id')", "frequency.__class__", "len(tags) > 1", "a @ b", "x = 1"],
)
def test_tag_rules_cannot_call_or_reach_into_anything(rule: str) -> None:
    with pytest.raises(ValueError, match="rule"):
        TagRule(name="bad", rule=rule)


def test_tag_rules_name_unknown_columns_and_currencies_need_rates() -> None:
    rule = TagRule(name="x", rule="spend_total > 3")
    with pytest.raises(ConfigError, match="unknown column\\(s\\) spend_total"):
        rule.mask(pd.DataFrame({"monetary": [1.0]}))
    with pytest.raises(ConfigError, match="no conversion rate for currency 'XAU'"):
        load_rules().rate("XAU")


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        ("-rfm_monetary", "must be true or false for each person"),
        ("rfm_monetary", "must be true or false for each person"),
        ("segment > 3", r"cannot be evaluated \(TypeError\)"),
    ],
)
def test_a_tag_rule_must_be_true_or_false_and_errors_name_the_tag(rule: str, said: str) -> None:
    frame = pd.DataFrame({"rfm_monetary": [5, 1, None], "segment": ["a", "b", None]})
    with pytest.raises(ConfigError, match=said) as caught:
        TagRule(name="odd", rule=rule).mask(frame)
    assert "tag 'odd'" in str(caught.value)
    selected = TagRule(name="ok", rule="rfm_monetary >= 4").mask(frame)
    assert selected.tolist() == [True, False, False]


def test_a_bad_tag_rule_fails_before_the_job_reads_the_store(tmp_path: object) -> None:
    from pathlib import Path

    from graph.profiles import ProfileParams, run_profiles
    from graph.profiles.tags import check_tag_rules
    from graph.store import SqliteStore

    check_tag_rules(load_rules())  # the shipped rules pass on the sample
    bad = load_rules().model_copy(
        update={"tags": [*load_rules().tags, TagRule(name="odd", rule="-rfm_monetary")]}
    )
    store = SqliteStore(Path(str(tmp_path)) / "empty.db")
    store.ensure_schema()
    # an empty store: reading it would fail with "no purchases"; the rule fails first
    with pytest.raises(ConfigError, match="tag 'odd'"):
        run_profiles(store, ProfileParams(), bad)
    assert store.read("status/last_runs") == []  # no run was even recorded
    with pytest.raises(JobError, match="no purchases"):
        run_profiles(store, ProfileParams())


def test_a_rules_file_with_errors_names_the_file(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "rules.yaml"
    path.write_text("rfm_segments: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"rules\.yaml: rfm_segments: .*no rule covers"):
        load_rules(path)


def test_demographics_text_is_the_json_of_the_chosen_values_for_every_person() -> None:
    from graph.profiles.preferences import demographics, demographics_json

    rng = np.random.default_rng(4)
    n = 400
    odd = ['O"Brien', "Zoë", "back\\slash", "line\nbreak", "", "Ünal", "李"]
    members = pd.DataFrame(
        {
            "personId": [f"p{i}" for i in rng.integers(0, 150, n)],
            "uid": [f"crm:{i}" for i in range(n)],
            "source": rng.choice(["crm", "shop", "app"], n),
            "signupAt": rng.choice([None, "2024-01-01T00:00:00Z", "2025-06-01T00:00:00Z"], n),
            "firstName": [odd[i] if i < len(odd) else None for i in rng.integers(0, 12, n)],
            "city": rng.choice(["Lyon", None, "Paris"], n),
            "postcode": rng.choice([None, "69001"], n),
        }
    )
    got = demographics_json(members, ["shop", "crm"])
    want = demographics(members, ["shop", "crm"])
    assert sorted(got.index) == sorted(want)
    assert sum(text == "{}" for text in got) > 0  # some persons have nothing chosen
    for person, text in got.items():
        assert text == json.dumps(want[person], ensure_ascii=False, sort_keys=True)
