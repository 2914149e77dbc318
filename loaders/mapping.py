"""Per-source YAML mappings: rename and convert other layouts into the canonical columns.

A mapping file looks like this (every key optional)::

    kind: customers                 # the kind of the files it is used with
    columns:                        # input column -> canonical column (DESIGN.md §4)
      Customer No: source_customer_id
      Email Address: email
      Mobile: phone
    constants:                      # canonical columns the file does not have
      source: shop
    formats:                        # strptime formats of time and date columns
      signup_at: "%d/%m/%Y"
    timezone: Europe/Berlin         # zone of times written without one
    default_region: DE              # phone numbers without a country code
    decimal_comma: false            # amounts written as 1.234,50

Examples
--------
>>> m = Mapping.model_validate({"columns": {"Email Address": "email"},
...                             "constants": {"source": "shop"}})
>>> m.apply({"Email Address": "a@b.co"})
{'email': 'a@b.co', 'source': 'shop'}
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from graph.errors import InputError, validation_problems
from loaders.kinds import KINDS

__all__ = ["Mapping", "load_mapping"]

_ALL_COLUMNS = {c for k in KINDS.values() for c in k.columns}


class Mapping(BaseModel):
    """A validated mapping (see the module docstring for the file format)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str | None = None
    columns: dict[str, str] = {}
    constants: dict[str, str] = {}
    formats: dict[str, str] = {}
    timezone: str = "UTC"
    default_region: str | None = None
    decimal_comma: bool = False

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str | None) -> str | None:
        if value is not None and value not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        return value

    @field_validator("columns")
    @classmethod
    def _known_targets(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value.values()) - _ALL_COLUMNS)
        if unknown:
            raise ValueError(f"maps to unknown canonical columns: {', '.join(unknown)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value.upper() != "UTC":
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError("is not an IANA time zone such as Europe/Berlin") from exc
        return value

    def header(self, columns: list[str]) -> list[str]:
        """The canonical names of a file's columns, plus the constants it gains."""
        renamed = [self.columns.get(c, c) for c in columns]
        return renamed + [c for c in self.constants if c not in renamed]

    def apply_columns(self, columns: dict[str, Sequence[Any]], n: int) -> dict[str, Sequence[Any]]:
        """A batch's columns under canonical names, with constants filled in (as :meth:`apply`).

        >>> Mapping(columns={"Mail": "email"}, constants={"source": "x"}).apply_columns(
        ...     {"Mail": ["a@b.co"], "source": [""]}, 1)
        {'email': ['a@b.co'], 'source': ['x']}
        """
        out: dict[str, Sequence[Any]] = {}
        for key, values in columns.items():
            out[self.columns.get(key, key)] = values
        for key, constant in self.constants.items():
            values = out.get(key) or [None] * n
            out[key] = [constant if v in (None, "") else v for v in values]
        return out

    def apply(self, values: dict[str, Any]) -> dict[str, Any]:
        """One row's values under canonical names, with constants filled in."""
        if self.columns:
            values = {self.columns.get(k, k): v for k, v in values.items()}
        for key, constant in self.constants.items():
            if values.get(key) in (None, ""):
                values[key] = constant
        return values


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file; every problem is reported at once."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise InputError(f"cannot read mapping {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"mapping {path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(f"mapping {path} must be a YAML mapping of keys to values")
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"mapping {path} has problems: {validation_problems(exc)}") from exc
