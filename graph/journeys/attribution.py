"""Multi-touch attribution of conversions and revenue to channels (pure).

Seven models, side by side, over the converting journeys that have at least one touch (a
direct conversion is counted by the job, not credited to any channel):

- ``first_touch``, ``last_touch``: all credit to the first or last step of the path;
- ``linear``: equal credit to every step;
- ``position_based``: 40 % to the first step, 40 % to the last, 20 % shared by the ones
  between (a path of one step gives it all; of two, half each);
- ``time_decay``: a step's weight halves every ``half_life_days`` before the conversion;
- ``markov``: the removal effect of a Markov chain over the paths (of order
  ``markov_order``): how much of the chance to reach a conversion from the start is lost
  when a channel is taken out (every state holding it leads to drop-out). Credits are the
  removal effects normalised to the conversions, as in the ChannelAttribution package,
  but solved exactly (a linear system) instead of by simulation;
- ``shapley``: each converting journey's credit is split by the Shapley values of the
  game "conversion rate of the journeys with exactly this set of channels" over the
  subsets of its channels (a subset nobody's journey had is worth 0). Journeys with more
  than ``shapley_max_channels`` channels fall back to linear credit (counted).

Revenue is credited like conversions in every model except ``markov``, whose revenue
credits come from a chain whose conversions are weighted by their revenue.

Examples
--------
>>> from graph.journeys.paths import key_of
>>> keys = [key_of([0]), key_of([0, 1]), key_of([1])]  # the paths a, a > b and b
>>> paths = pd.DataFrame({"key": keys, "journeys": [10, 10, 10],
...                       "conversions": [2, 6, 1], "revenue": [20.0, 60.0, 10.0]})
>>> out = markov_credits(paths, ["a", "b"], order=1)
>>> [round(x, 3) for x in out["share"]]  # removal effects 0.611 and 0.778, normalised
[0.44, 0.56]
>>> # a > b converts 6 times: split 0.35 : 0.25 (the Shapley values of rates .2, .1, .6)
>>> [round(x, 3) for x in shapley_credits(paths, ["a", "b"])["share"]]
[0.611, 0.389]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from math import factorial
from typing import Literal, get_args

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from graph.journeys.paths import _BASE, DAY_NS, Journeys

__all__ = [
    "MODELS",
    "Model",
    "attribute",
    "heuristic_credits",
    "markov_credits",
    "shapley_credits",
    "transition_matrix",
]

#: An attribution model's name.
Model = Literal[
    "first_touch", "last_touch", "linear", "position_based", "time_decay", "markov", "shapley"
]
#: The models, in the order they are shown.
MODELS: tuple[str, ...] = get_args(Model)
START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"


def _codes(key: str) -> list[int]:
    return [ord(c) - _BASE for c in key]


def _frame(channels: Sequence[str] | np.ndarray, conv: np.ndarray, rev: np.ndarray) -> pd.DataFrame:
    total = float(conv.sum())
    return pd.DataFrame(
        {
            "channel_id": list(channels),
            "conversions": conv,
            "revenue": rev,
            "share": conv / total if total else np.zeros(len(channels)),
        }
    )


def heuristic_credits(
    journeys: Journeys, model: str, *, half_life_days: float = 7.0
) -> pd.DataFrame:
    """Credits of a rule-based model (first_touch, last_touch, linear, position_based,
    time_decay) per channel: channel_id, conversions, revenue, share."""
    conv = journeys.converting
    conv = conv[conv["path"] != ""]
    steps = journeys.steps
    steps = steps[np.isin(steps["journey"].to_numpy(), conv.index.to_numpy())]
    j = steps["journey"].to_numpy()
    first = np.r_[True, j[1:] != j[:-1]] if len(j) else np.zeros(0, bool)
    last = np.r_[j[1:] != j[:-1], True] if len(j) else np.zeros(0, bool)
    length = np.bincount(j, minlength=len(journeys.journeys))[j]
    if model == "first_touch":
        weight = first.astype(float)
    elif model == "last_touch":
        weight = last.astype(float)
    elif model == "linear":
        weight = 1.0 / length
    elif model == "position_based":
        middle = np.where(length > 2, 0.2 / np.maximum(length - 2, 1), 0.0)
        ends = np.where(length == 1, 1.0, np.where(length == 2, 0.5, 0.4))
        weight = np.where(first | last, ends, middle)
    elif model == "time_decay":
        end_at = journeys.journeys["endAt"].to_numpy()[j]
        days = (end_at - steps["at"].to_numpy()) / DAY_NS
        raw = np.power(0.5, days / half_life_days)
        weight = raw / np.bincount(j, weights=raw, minlength=len(journeys.journeys))[j]
    else:
        raise ValueError(f"unknown rule-based model {model!r}")
    revenue = journeys.journeys["revenue"].to_numpy()[j]
    ch = steps["channel"].to_numpy()
    k = len(journeys.channels)
    c = np.bincount(ch, weights=weight, minlength=k)
    r = np.bincount(ch, weights=weight * revenue, minlength=k)
    return _frame(journeys.channels, c, r)


def _states(codes: list[int], order: int) -> list[tuple[int, ...]]:
    return [tuple(codes[max(0, i - order + 1) : i + 1]) for i in range(len(codes))]


def _chain(
    paths: pd.DataFrame, order: int
) -> tuple[list[tuple[int, ...]], sp.csr_matrix, np.ndarray, np.ndarray]:
    """Transient states (0 is the start), the transition matrix between them, and each
    state's probability of converting next and expected revenue converted next."""
    index: dict[tuple[int, ...], int] = {(): 0}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    out: dict[int, float] = {}
    to_conv: dict[int, float] = {}
    to_value: dict[int, float] = {}
    for key, journeys, conversions, revenue in zip(
        paths["key"], paths["journeys"], paths["conversions"], paths["revenue"], strict=True
    ):
        visited = [index.setdefault(s, len(index)) for s in _states(_codes(key), order)]
        prev = 0
        for s in visited:
            rows.append(prev)
            cols.append(s)
            vals.append(float(journeys))
            out[prev] = out.get(prev, 0.0) + journeys
            prev = s
        out[prev] = out.get(prev, 0.0) + journeys  # to conversion or drop-out
        to_conv[prev] = to_conv.get(prev, 0.0) + conversions
        to_value[prev] = to_value.get(prev, 0.0) + revenue
    n = len(index)
    totals = np.array([out.get(i, 1.0) for i in range(n)])
    q = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
    q = sp.diags(1.0 / totals) @ q
    conv = np.array([to_conv.get(i, 0.0) for i in range(n)]) / totals
    value = np.array([to_value.get(i, 0.0) for i in range(n)]) / totals
    states = [s for s, _ in sorted(index.items(), key=lambda kv: kv[1])]
    return states, q.tocsr(), conv, value


def _absorb(q: sp.csr_matrix, reward: np.ndarray, keep: np.ndarray) -> float:
    """Expected reward from the start when only the ``keep`` states can be entered."""
    idx = np.flatnonzero(keep)
    sub = q[idx][:, idx]
    system = sp.identity(len(idx), format="csc") - sub.tocsc()
    solution = spsolve(system, reward[idx])
    return float(np.atleast_1d(solution)[0])


def markov_credits(
    paths: pd.DataFrame, channels: Sequence[str] | np.ndarray, *, order: int = 1
) -> pd.DataFrame:
    """Removal-effect credits from the path table (key, journeys, conversions, revenue;
    paths without steps are ignored). See the module docstring."""
    if order < 1:
        raise ValueError("the Markov order must be at least 1")
    paths = paths[paths["key"] != ""]
    k = len(channels)
    if paths.empty or not paths["conversions"].sum():
        return _frame(channels, np.zeros(k), np.zeros(k))
    states, q, conv, value = _chain(paths, order)
    everything = np.ones(len(states), dtype=bool)
    base_c, base_v = _absorb(q, conv, everything), _absorb(q, value, everything)
    effect_c, effect_v = np.zeros(k), np.zeros(k)
    holds = np.zeros((k, len(states)), dtype=bool)
    for i, s in enumerate(states):
        for c in set(s):
            holds[c, i] = True
    for c in range(k):
        if not holds[c].any():
            continue
        keep = ~holds[c]
        effect_c[c] = 1.0 - _absorb(q, conv, keep) / base_c if base_c else 0.0
        effect_v[c] = 1.0 - _absorb(q, value, keep) / base_v if base_v else 0.0
    total_c = float(paths["conversions"].sum())
    total_v = float(paths["revenue"].sum())
    credit_c = effect_c / effect_c.sum() * total_c if effect_c.sum() else effect_c
    credit_v = effect_v / effect_v.sum() * total_v if effect_v.sum() else effect_v
    return _frame(channels, credit_c, credit_v)


def shapley_credits(
    paths: pd.DataFrame, channels: Sequence[str] | np.ndarray, *, max_channels: int = 12
) -> pd.DataFrame:
    """Shapley credits from the path table (key, journeys, conversions, revenue); see the
    module docstring (:func:`attribute` also counts the conversions that fell back to
    linear credit)."""
    return _shapley(paths, channels, max_channels)[0]


def _shapley(
    paths: pd.DataFrame, channels: Sequence[str] | np.ndarray, max_channels: int
) -> tuple[pd.DataFrame, int]:
    paths = paths[paths["key"] != ""]
    k = len(channels)
    sets: dict[int, list[float]] = {}  # mask -> [journeys, conversions, revenue]
    for key, journeys, conversions, revenue in zip(
        paths["key"], paths["journeys"], paths["conversions"], paths["revenue"], strict=True
    ):
        mask = 0
        for c in _codes(key):
            mask |= 1 << c
        got = sets.setdefault(mask, [0.0, 0.0, 0.0])
        got[0] += journeys
        got[1] += conversions
        got[2] += revenue
    rate = {m: v[1] / v[0] for m, v in sets.items() if v[0]}
    conv, rev = np.zeros(k), np.zeros(k)
    fallback = 0
    for mask, (_, conversions, revenue) in sets.items():
        if not conversions:
            continue
        members = [c for c in range(k) if mask >> c & 1]
        n = len(members)
        if n > max_channels:
            fallback += int(conversions)
            for c in members:
                conv[c] += conversions / n
                rev[c] += revenue / n
            continue
        weights = [factorial(s) * factorial(n - s - 1) / factorial(n) for s in range(n)]
        phi = np.zeros(n)
        for i, c in enumerate(members):
            rest = mask & ~(1 << c)
            sub = rest
            while True:
                gain = rate.get(sub | (1 << c), 0.0) - rate.get(sub, 0.0)
                phi[i] += weights[sub.bit_count()] * gain
                if sub == 0:
                    break
                sub = (sub - 1) & rest
        total = phi.sum()
        share = phi / total if total > 0 else np.full(n, 1.0 / n)
        for i, c in enumerate(members):
            conv[c] += conversions * share[i]
            rev[c] += revenue * share[i]
    return _frame(channels, conv, rev), fallback


def attribute(
    journeys: Journeys,
    *,
    markov_order: int = 1,
    half_life_days: float = 7.0,
    shapley_max_channels: int = 12,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Every model's credits, side by side: model, channel_id, conversions, revenue,
    share (rounded; channels no model credits are left out), and counts for the run."""
    paths = _keyed(journeys)
    parts = [
        heuristic_credits(journeys, m, half_life_days=half_life_days).assign(model=m)
        for m in MODELS[:5]
    ]
    parts.append(
        markov_credits(paths, journeys.channels, order=markov_order).assign(model="markov")
    )
    shapley, fallback = _shapley(paths, journeys.channels, shapley_max_channels)
    parts.append(shapley.assign(model="shapley"))
    table = pd.concat(parts, ignore_index=True)
    table = table[table["conversions"] > 0]
    table = table.assign(
        conversions=table["conversions"].round(6),
        revenue=table["revenue"].round(2),
        share=table["share"].round(6),
        model=pd.Categorical(table["model"], categories=MODELS, ordered=True),
    )
    table = table.sort_values(["model", "channel_id"], kind="stable")
    table["model"] = table["model"].astype(str)
    columns = ["model", "channel_id", "conversions", "revenue", "share"]
    return table[columns].reset_index(drop=True), {"shapley_fallback_conversions": fallback}


def _keyed(journeys: Journeys) -> pd.DataFrame:
    """The journeys grouped by step key: key, journeys, conversions, revenue."""
    j = journeys.journeys
    return (
        pd.DataFrame(
            {"key": j["key"], "converted": j["converted"].astype(np.int64), "revenue": j["revenue"]}
        )
        .groupby("key", sort=True)
        .agg(
            journeys=("converted", "size"),
            conversions=("converted", "sum"),
            revenue=("revenue", "sum"),
        )
        .reset_index()
    )


def transition_matrix(journeys: Journeys) -> pd.DataFrame:
    """First-order transitions between channels, with the start, conversion and drop-out
    states: from, to, journeys (how many journeys made that step) and probability (of
    ``to`` after ``from``)."""
    paths = _keyed(journeys)
    paths = paths[paths["key"] != ""]
    names = journeys.channels
    counts: dict[tuple[str, str], float] = {}
    for key, n, conversions in zip(
        paths["key"], paths["journeys"], paths["conversions"], strict=True
    ):
        seq = [START, *(str(names[c]) for c in _codes(key))]
        for a, b in itertools.pairwise(seq):
            counts[(a, b)] = counts.get((a, b), 0) + n
        if conversions:
            counts[(seq[-1], CONVERSION)] = counts.get((seq[-1], CONVERSION), 0) + conversions
        if n - conversions:
            counts[(seq[-1], NULL)] = counts.get((seq[-1], NULL), 0) + n - conversions
    table = pd.DataFrame(
        [(a, b, int(n)) for (a, b), n in counts.items()], columns=["from", "to", "journeys"]
    )
    if table.empty:
        return table.assign(probability=pd.Series(dtype=float))
    table["probability"] = (
        table["journeys"] / table.groupby("from")["journeys"].transform("sum")
    ).round(6)
    return table.sort_values(["from", "to"], kind="stable").reset_index(drop=True)
