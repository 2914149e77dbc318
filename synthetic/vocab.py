"""Vocabulary for the synthetic dataset: Latin and Chinese names, nicknames, places.

The words are data, in ``synthetic/vocab/*.json`` (one file per list), so the generator
reads as an algorithm and a vocabulary can grow without touching code.

>>> LATIN_FIRST[0], NICKNAMES["James"], US_CITIES[0]
('James', 'Jim', ('New York', '100'))
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = [
    "CN_CITIES",
    "CN_GIVEN",
    "CN_STREETS",
    "CN_SURNAMES",
    "LATIN_FIRST",
    "LATIN_LAST",
    "NICKNAMES",
    "PINYIN",
    "US_CITIES",
    "US_STREETS",
]


def _load(name: str) -> Any:
    text = resources.files("synthetic").joinpath("vocab", f"{name}.json").read_text("utf-8")
    return json.loads(text)


LATIN_FIRST: list[str] = _load("latin_first")
LATIN_LAST: list[str] = _load("latin_last")
NICKNAMES: dict[str, str] = _load("nicknames")
CN_SURNAMES: list[str] = _load("cn_surnames")
CN_GIVEN: list[str] = _load("cn_given")
PINYIN: dict[str, str] = _load("pinyin")
#: (city, postcode prefix)
US_CITIES: tuple[tuple[str, str], ...] = tuple(tuple(c) for c in _load("us_cities"))
US_STREETS: tuple[str, ...] = tuple(_load("us_streets"))
CN_CITIES: tuple[tuple[str, str], ...] = tuple(tuple(c) for c in _load("cn_cities"))
CN_STREETS: tuple[str, ...] = tuple(_load("cn_streets"))
