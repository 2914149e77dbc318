"""Per-record comparison features, computed once before blocking and scoring.

Examples
--------
>>> import pandas as pd
>>> f = record_features(pd.DataFrame([{"uid": "a:1", "firstName": None, "lastName": None,
...     "fullName": "王伟", "email": "w@x.cn", "phone": None, "birthDate": "1990-01-02",
...     "street": None, "city": "北京市", "postcode": None, "country": "CN",
...     "nationalId": None, "loyaltyId": None, "deviceId": None}]))
>>> f.given[0], f.family[0], f.email_local[0]
('wei', 'wang', 'w')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graph.identity.names import comparable, split_name

__all__ = ["IDENTIFIER_FIELDS", "RecordFeatures", "record_features"]

#: Fields that identify a person on their own when equal (and are guarded when over-shared).
IDENTIFIER_FIELDS = ("email", "phone", "national", "device", "loyalty")

_STREET_NOISE = re.compile(r"[^0-9a-z\u4e00-\u9fff]+")


@dataclass(frozen=True, slots=True)
class RecordFeatures:
    """Column arrays, one entry per record (``None`` where a value is missing)."""

    uid: np.ndarray
    given: np.ndarray
    family: np.ndarray
    dob: np.ndarray
    email: np.ndarray
    email_local: np.ndarray
    phone: np.ndarray
    national: np.ndarray
    device: np.ndarray
    loyalty: np.ndarray
    postcode: np.ndarray
    street: np.ndarray
    city: np.ndarray

    def __len__(self) -> int:
        return len(self.uid)


def _col(frame: pd.DataFrame, name: str) -> list[str | None]:
    """A column's text values, ``None`` where missing or blank (in C: a million records have
    thirteen such columns)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if name not in frame:
        return [None] * len(frame)
    values = frame[name].tolist()
    try:
        text = pa.array(values, pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # not all text: the plain path
        return [v if isinstance(v, str) and v.strip() else None for v in values]
    blank = pc.equal(pc.utf8_trim_whitespace(text), "")
    kept: list[str | None] = pc.if_else(blank, pa.scalar(None, pa.string()), text).to_pylist()
    return kept


def _obj(values: list[str | None]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def record_features(frame: pd.DataFrame) -> RecordFeatures:
    """Features from a frame of Customer rows (the ``identity/records`` query)."""
    given, family = [], []
    for first, last, full in zip(
        _col(frame, "firstName"), _col(frame, "lastName"), _col(frame, "fullName"), strict=True
    ):
        g, f = split_name(first, last, full)
        given.append(comparable(g) or None)
        family.append(comparable(f) or None)
    email = _col(frame, "email")
    streets = [
        _STREET_NOISE.sub(" ", s.lower()).strip() or None if s else None
        for s in _col(frame, "street")
    ]
    national = [
        re.sub(r"[\s\-./]", "", v).upper() if v else None for v in _col(frame, "nationalId")
    ]
    return RecordFeatures(
        uid=_obj(_col(frame, "uid")),
        given=_obj(given),
        family=_obj(family),
        dob=_obj(_col(frame, "birthDate")),
        email=_obj(email),
        email_local=_obj([e.split("@", 1)[0] if e else None for e in email]),
        phone=_obj(_col(frame, "phone")),
        national=_obj(national),
        device=_obj(_col(frame, "deviceId")),
        loyalty=_obj(_col(frame, "loyaltyId")),
        postcode=_obj(_col(frame, "postcode")),
        street=_obj(streets),
        city=_obj([comparable(c) or None if c else None for c in _col(frame, "city")]),
    )
