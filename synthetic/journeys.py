"""Planted customer journeys: touchpoint sequences with known channel effects.

Every order gets a converting journey before it, and people get journeys that do not
convert, so that the journeys job sees what the generator planted:

- a journey's channels are drawn independently (``presence``), and a journey with the set
  of channels S converts with probability ``v(S) = 1 - (1 - BASELINE) * prod(1 - lift)``
  (each channel a separate chance to persuade; ``BASELINE`` for what would happen anyway);
- orders are given journeys drawn from the journeys that convert, and the journeys that do
  not convert are as many as the model says (``orders * (1 - v̄) / v̄``), placed where no
  order follows within the look-back window;
- ``email`` has no effect at all (lift 0) but, when present, is the last touch before the
  journey ends — the reminder that comes just before a purchase that would have happened
  anyway, which last-touch attribution over-credits;
- the ``store`` slot is the person's own store (``store-01`` … ``store-10``).

The planted share of a channel is the expected Shapley value of the true game ``v`` over
the channels of each journey (v of no channel is 0: a journey has at least one touch),
summed over all planted journeys and normalised — what an attribution model that knew ``v``
would credit. It is written to ``truth/channel_effects.csv`` with each channel's lift and
presence.

Examples
--------
>>> round(conversion_probability(("web",)), 3), round(conversion_probability(("email",)), 3)
(0.24, 0.05)
>>> phi = true_shapley(("web", "email"))
>>> round(phi["web"], 4), round(phi["email"], 4)
(0.215, 0.025)
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from math import factorial

import numpy as np

__all__ = [
    "BASELINE",
    "EFFECTS",
    "LOOKBACK_DAYS",
    "PlantedJourneys",
    "conversion_probability",
    "plant_journeys",
    "true_shapley",
]

#: Chance that a journey converts whatever its channels.
BASELINE = 0.05
#: Channel slot -> (presence: chance to be in a journey, lift: its own chance to persuade).
EFFECTS: dict[str, tuple[float, float]] = {
    "web": (0.45, 0.20),
    "app": (0.30, 0.30),
    "social-ig": (0.25, 0.10),
    "social-wechat": (0.15, 0.05),
    "call-center": (0.10, 0.25),
    "store": (0.20, 0.35),
    "email": (0.35, 0.0),
}
_SLOTS = tuple(EFFECTS)
_CLOSER = "email"
_EVENT = {
    "web": "visit",
    "app": "visit",
    "social-ig": "click",
    "social-wechat": "click",
    "call-center": "call",
    "store": "scan",
    "email": "open",
}
#: The window the planted journeys respect (the journeys job's default).
LOOKBACK_DAYS = 30
_DAY = 86_400


def conversion_probability(channels: tuple[str, ...]) -> float:
    """v(S): the chance that a journey with these channel slots converts."""
    stay = 1.0 - BASELINE
    for c in channels:
        stay *= 1.0 - EFFECTS[c][1]
    return 1.0 - stay


def true_shapley(channels: tuple[str, ...]) -> dict[str, float]:
    """Each slot's Shapley value in the game v over ``channels`` (v of none is 0)."""
    n = len(channels)
    phi = dict.fromkeys(channels, 0.0)
    for c in channels:
        rest = [x for x in channels if x != c]
        for size in range(n):
            weight = factorial(size) * factorial(n - size - 1) / factorial(n)
            for subset in combinations(rest, size):
                with_c = conversion_probability((*subset, c))
                without = conversion_probability(subset) if subset else 0.0
                phi[c] += weight * (with_c - without)
    return phi


@dataclass(slots=True)
class PlantedJourneys:
    """The touchpoint rows (by person index, time in seconds since the start, channel id,
    event, count) and each channel's planted effect."""

    person: np.ndarray
    seconds: np.ndarray
    channel: list[str]
    event: list[str]
    count: np.ndarray
    effects: dict[str, dict[str, float]]


def _patterns() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every non-empty set of slots as a bit mask, its prior weight and v(S)."""
    masks = np.arange(1, 1 << len(_SLOTS))
    prior = np.ones(len(masks))
    value = np.zeros(len(masks))
    for i, m in enumerate(masks):
        chosen = tuple(s for b, s in enumerate(_SLOTS) if m >> b & 1)
        for b, s in enumerate(_SLOTS):
            p = EFFECTS[s][0]
            prior[i] *= p if m >> b & 1 else 1.0 - p
        value[i] = conversion_probability(chosen)
    return masks, prior / prior.sum(), value


def _free_slots(
    order_person: np.ndarray,
    order_sec: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stretches of each person's active time where a journey that does not convert fits:
    after an order (or the start) and more than a window before the next order (or up to
    the end). Returns their person, start second and how many 41-day slots each holds."""
    window = (LOOKBACK_DAYS + 1) * _DAY
    order = np.lexsort((order_sec, order_person))
    op, os_ = order_person[order], order_sec[order]
    n = len(start)
    firsts = np.searchsorted(op, np.arange(n))
    has_orders = np.searchsorted(op, np.arange(n), side="right") > firsts
    nxt = np.full(len(op), -1, dtype=np.int64)  # the same person's next order
    if len(op) > 1:
        same = op[1:] == op[:-1]
        nxt[:-1][same] = os_[1:][same]
    first_order = os_[np.minimum(firsts, max(len(os_) - 1, 0))] if len(os_) else start
    # a person's leading stretch, then one after each of its orders
    seg_person = np.concatenate([np.arange(n), op])
    seg_from = np.concatenate([start, os_])
    seg_to = np.concatenate(
        [
            np.where(has_orders, first_order - window, stop),
            np.where(nxt >= 0, nxt - window, stop[op]),
        ]
    )
    room = (seg_to - seg_from - _DAY) // ((LOOKBACK_DAYS + 11) * _DAY)
    keep = room > 0
    return seg_person[keep], seg_from[keep] + _DAY, room[keep]


def plant_journeys(
    rng: np.random.Generator,
    *,
    order_person: np.ndarray,
    order_sec: np.ndarray,
    start_sec: np.ndarray,
    stop_sec: np.ndarray,
    store_of: np.ndarray,
) -> PlantedJourneys:
    """Journeys for every order and the journeys that do not convert (see the module
    docstring). ``store_of``: each person's store number (1..10)."""
    masks, prior, value = _patterns()
    v_bar = float(prior @ value)
    n_conv = len(order_person)
    # converting journeys: one per order, the set drawn in proportion to prior * v
    w_conv = prior * value
    conv_pat = rng.choice(len(masks), size=n_conv, p=w_conv / w_conv.sum())
    seg_person, seg_from, room = _free_slots(order_person, order_sec, start_sec, stop_sec)
    wanted = round(n_conv * (1.0 - v_bar) / v_bar)
    total = int(room.sum())
    picks = np.zeros(0, dtype=np.int64)
    if total:
        picks = np.sort(rng.choice(total, size=min(wanted, total), replace=False))
    bounds = np.cumsum(room)
    seg = np.searchsorted(bounds, picks, side="right")
    within = picks - (bounds[seg] - room[seg])
    n_non = len(picks)
    w_non = prior * (1.0 - value)
    non_pat = rng.choice(len(masks), size=n_non, p=w_non / w_non.sum())
    # journey ends and spans (seconds)
    order = np.lexsort((order_sec, order_person))
    prev = np.full(n_conv, -1, dtype=np.int64)
    sp, ss = order_person[order], order_sec[order]
    same = np.r_[False, sp[1:] == sp[:-1]] if n_conv else np.zeros(0, bool)
    prev_sorted = np.where(same, np.r_[0, ss[:-1]] if n_conv else ss, -1)
    prev[order] = prev_sorted
    gap = np.where(prev >= 0, order_sec - prev, (LOOKBACK_DAYS - 1) * _DAY)
    conv_span = np.minimum(rng.uniform(0.5, 20.0, n_conv) * _DAY, 0.9 * gap)
    conv_end = order_sec - np.minimum(rng.uniform(0, 3600, n_conv), 0.05 * gap)
    non_span = rng.uniform(0.5, 10.0, n_non) * _DAY
    non_start = seg_from[seg] + within * (LOOKBACK_DAYS + 11) * _DAY
    non_end = non_start + non_span
    person = np.concatenate([order_person, seg_person[seg]])
    pattern = np.concatenate([conv_pat, non_pat])
    end = np.concatenate([conv_end, non_end])
    span = np.concatenate([conv_span, non_span])
    # steps: one per channel slot of the journey's set, the closer last
    bits = (masks[pattern][:, None] >> np.arange(len(_SLOTS))) & 1
    journey, slot = np.nonzero(bits)
    closer = _SLOTS.index(_CLOSER)
    key = rng.random(len(slot)) + (slot == closer) * 2.0
    order_steps = np.lexsort((key, journey))
    journey, slot = journey[order_steps], slot[order_steps]
    steps_in = np.bincount(journey, minlength=len(pattern))
    first = np.cumsum(steps_in) - steps_in
    rank = np.arange(len(journey)) - first[journey]
    m = steps_in[journey]
    seconds = (end[journey] - span[journey] * (m - rank - 0.5) / m).astype(np.int64)
    # a store step's channel is the person's own store; the other slots are channel ids
    channel_ids = [*_SLOTS, *(f"store-{number:02d}" for number in range(100))]
    is_store = slot == _SLOTS.index("store")
    code = np.where(is_store, len(_SLOTS) + store_of[person[journey]], slot)
    names = [channel_ids[c] for c in code.tolist()]  # shared strings, none made per row
    effects = _planted(pattern, masks, person, store_of)
    return PlantedJourneys(
        person=person[journey],
        seconds=seconds,
        channel=names,
        event=[_EVENT[_SLOTS[s]] for s in slot.tolist()],
        count=1 + rng.poisson(0.3, len(slot)),
        effects=effects,
    )


def _planted(
    pattern: np.ndarray, masks: np.ndarray, person: np.ndarray, store_of: np.ndarray
) -> dict[str, dict[str, float]]:
    """Each channel id's lift, presence and planted share (see the module docstring)."""
    credit: dict[str, float] = {}
    for p in np.unique(pattern).tolist():
        chosen = tuple(s for b, s in enumerate(_SLOTS) if masks[p] >> b & 1)
        phi = true_shapley(chosen)
        which = pattern == p
        stores = np.bincount(store_of[person[which]], minlength=11)
        for slot, value in phi.items():
            if slot == "store":
                for number in np.flatnonzero(stores):
                    name = f"store-{number:02d}"
                    credit[name] = credit.get(name, 0.0) + value * float(stores[number])
            else:
                credit[slot] = credit.get(slot, 0.0) + value * float(which.sum())
    total = sum(credit.values()) or 1.0
    return {
        c: {
            "lift": EFFECTS["store" if c.startswith("store-") else c][1],
            "presence": EFFECTS["store" if c.startswith("store-") else c][0],
            "planted_share": credit[c] / total,
        }
        for c in sorted(credit)
    }
