"""The errors real customer exports carry, for the synthetic generator to plant.

Each function takes a value and a number ``u`` in [0, 1) that picks where and how (so the
generator stays reproducible from its seed) and returns the damaged value: keyboard slips
(a neighbouring key), OCR confusions (``rn`` read for ``m``, ``0`` for ``O``), phonetic
respellings (``ph`` for ``f``), one wrong or two swapped digits in an identifier, dates that
do not exist and dates with day and month swapped.

Examples
--------
>>> digit_typo("123456789", 0.42)
'123546789'
>>> keyboard_slip("sandra", 0.5)
'sansra'
>>> phonetic("stephanie", 0.0)
'stefanie'
>>> impossible_date("1956-02-14", 0.1)
'1956-02-30'
>>> swap_day_month("1975-07-10")
'1975-10-07'
"""

from __future__ import annotations

__all__ = [
    "digit_typo",
    "impossible_date",
    "keyboard_slip",
    "ocr_error",
    "phonetic",
    "swap_day_month",
]

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS = {
    ch: "".join(row[j] for j in (i - 1, i + 1) if 0 <= j < len(row))
    for row in _ROWS
    for i, ch in enumerate(row)
}
#: What an OCR engine reads for what was written (both ways round).
_OCR = (("m", "rn"), ("d", "cl"), ("h", "li"), ("o", "0"), ("l", "1"), ("e", "c"), ("s", "5"))
#: Spellings that sound alike.
_PHONETIC = (
    ("ph", "f"),
    ("ck", "k"),
    ("ie", "y"),
    ("ee", "ea"),
    ("ou", "ow"),
    ("c", "k"),
    ("z", "s"),
    ("ll", "l"),
    ("tt", "t"),
    ("th", "t"),
    ("y", "i"),
)


def keyboard_slip(word: str, u: float) -> str:
    """One letter replaced by a neighbouring key's."""
    spots = [i for i, ch in enumerate(word) if ch.lower() in _NEIGHBOURS]
    if not spots:
        return word
    i = spots[int(u * len(spots))]
    options = _NEIGHBOURS[word[i].lower()]
    return word[:i] + options[int(u * 997) % len(options)] + word[i + 1 :]


def ocr_error(word: str, u: float) -> str:
    """One OCR confusion, the first of a rotated list that applies; else the word."""
    start = int(u * len(_OCR))
    for k in range(len(_OCR)):
        a, b = _OCR[(start + k) % len(_OCR)]
        if a in word:
            return word.replace(a, b, 1)
        if b in word:
            return word.replace(b, a, 1)
    return word


def phonetic(word: str, u: float) -> str:
    """One respelling that sounds alike, the first of a rotated list that applies."""
    lower = word.lower()
    start = int(u * len(_PHONETIC))
    for k in range(len(_PHONETIC)):
        a, b = _PHONETIC[(start + k) % len(_PHONETIC)]
        for old, new in ((a, b), (b, a)):
            at = lower.find(old, 1)  # keep the first letter: people hear it right
            if at > 0:
                return word[:at] + new + word[at + len(old) :]
    return word


def digit_typo(value: str, u: float) -> str:
    """One digit replaced by another, or two neighbouring digits swapped."""
    spots = [i for i, ch in enumerate(value) if ch.isdigit()]
    if len(spots) < 2:
        return value
    k = int(u * (len(spots) - 1))
    i, j = spots[k], spots[k + 1]
    if int(u * 1000) % 2 == 0 and value[i] != value[j] and j == i + 1:
        return value[:i] + value[j] + value[i] + value[j + 1 :]
    digit = str((int(value[i]) + 1 + int(u * 10_000) % 8) % 10)
    return value[:i] + digit + value[i + 1 :]


def impossible_date(iso: str, u: float) -> str:
    """The same year and a day that does not exist (30 or 31 February, 31 April, …)."""
    month, day = (("02", "30"), ("02", "31"), ("04", "31"), ("06", "31"), ("09", "31"))[int(u * 5)]
    return f"{iso[:4]}-{month}-{day}"


def swap_day_month(iso: str) -> str:
    """Day and month swapped (a US export read as European); the same date when it can't be."""
    year, month, day = iso[:4], iso[5:7], iso[8:10]
    if int(day) > 12 or day == month:
        return iso
    return f"{year}-{day}-{month}"
