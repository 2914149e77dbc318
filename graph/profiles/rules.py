"""Profile rules from YAML: the RFM segment table, tag rules, source priority, currencies.

The shipped defaults are ``graph/profiles/profiles.yaml``; a user file replaces them whole.
Tag rules are small boolean expressions checked against a whitelist of syntax before pandas
evaluates them, so a rule can compare columns but never call or import anything.

Examples
--------
>>> rules = load_rules()
>>> rules.segment_of(5, 5)
'Champions'
>>> rules.segment_of(1, 1)
'Lost'
>>> import pandas as pd
>>> frame = pd.DataFrame({"rfm_monetary": [5, 2], "rfm_frequency": [4, 5]})
>>> TagRule(name="vip", rule="rfm_monetary >= 4 and rfm_frequency >= 4").mask(frame).tolist()
[True, False]
>>> TagRule(name="x", rule="__import__('os')")
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for TagRule
...
"""

from __future__ import annotations

import ast
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from graph.errors import ConfigError, validation_problems

__all__ = ["ProfileRules", "SegmentRule", "TagRule", "load_rules"]

Score = Annotated[int, Field(ge=1, le=5)]

_ALLOWED = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.List,
    ast.Tuple,
)


class SegmentRule(BaseModel):
    """One row of the RFM segment table: a rectangle of recency and frequency-monetary scores."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    r: tuple[Score, Score]
    fm: tuple[Score, Score]

    def covers(self, r: int, fm: int) -> bool:
        """Whether the cell (r, fm) falls in this rule."""
        return self.r[0] <= r <= self.r[1] and self.fm[0] <= fm <= self.fm[1]


class TagRule(BaseModel):
    """A rule tag: a name, a boolean expression over profile columns, a marketing flag."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]{0,63}$")
    rule: str
    marketing: bool = False
    description: str = ""

    @field_validator("rule")
    @classmethod
    def _safe(cls, rule: str) -> str:
        try:
            tree = ast.parse(rule, mode="eval")
        except SyntaxError as exc:
            raise ValueError(f"rule is not an expression: {exc.msg}") from exc
        for node in ast.walk(tree):
            if not isinstance(node, _ALLOWED):
                raise ValueError(
                    f"rules may only compare columns with values; {type(node).__name__} is not "
                    "allowed"
                )
        return rule

    @cached_property
    def names(self) -> frozenset[str]:
        """The columns the rule reads."""
        tree = ast.parse(self.rule, mode="eval")
        return frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        """Which rows of ``frame`` the rule selects (missing values select nothing)."""
        missing = sorted(self.names - set(frame.columns))
        if missing:
            raise ConfigError(
                f"tag {self.name!r} uses unknown column(s) {', '.join(missing)}; the columns "
                "are listed in docs/profiles.md"
            )
        try:
            result = frame.eval(self.rule, engine="python")
        except (TypeError, ValueError, ZeroDivisionError) as exc:
            raise ConfigError(
                f"tag {self.name!r}: the rule cannot be evaluated ({type(exc).__name__}); "
                "compare columns with values of their kind (docs/profiles.md)"
            ) from None
        if not isinstance(result, pd.Series):
            result = pd.Series(result, index=frame.index)
        present = result.dropna()
        if len(present) and not pd.api.types.is_bool_dtype(present.infer_objects()):
            raise ConfigError(
                f"tag {self.name!r}: the rule must be true or false for each person, not a "
                "number or text; compare with a value (rfm_monetary >= 4)"
            )
        return result.fillna(False).astype(bool)


class Currency(BaseModel):
    """The reporting currency and conversion rates into it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reporting: str = "USD"
    rates: dict[str, float] = Field(default_factory=lambda: {"USD": 1.0})


class ProfileRules(BaseModel):
    """Everything the profile job reads from a rules file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rfm_segments: list[SegmentRule]
    tags: list[TagRule] = Field(default_factory=list)
    source_priority: list[str] = Field(default_factory=list)
    currency: Currency = Field(default_factory=Currency)

    @field_validator("rfm_segments")
    @classmethod
    def _partition(cls, rules: list[SegmentRule]) -> list[SegmentRule]:
        for r in range(1, 6):
            for fm in range(1, 6):
                hits = [rule.name for rule in rules if rule.covers(r, fm)]
                if len(hits) > 1:
                    raise ValueError(f"rules {' and '.join(hits)} overlap at r={r}, fm={fm}")
                if not hits:
                    raise ValueError(f"no rule covers r={r}, fm={fm}")
        return rules

    @field_validator("tags")
    @classmethod
    def _unique(cls, tags: list[TagRule]) -> list[TagRule]:
        names = [t.name for t in tags]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"tag names must be unique: {', '.join(dupes)}")
        return tags

    def segment_of(self, r: int, fm: int) -> str:
        """The RFM segment of a cell."""
        for rule in self.rfm_segments:
            if rule.covers(r, fm):
                return rule.name
        raise AssertionError("the validator guarantees a rule per cell")  # pragma: no cover

    def rate(self, currency: str | None) -> float:
        """Units of the reporting currency per unit of ``currency`` (None: reporting)."""
        if currency is None or currency == self.currency.reporting:
            return 1.0
        if currency not in self.currency.rates:
            raise ConfigError(
                f"no conversion rate for currency {currency!r}; add it under currency.rates "
                "in the profile rules file (see docs/profiles.md)"
            )
        return self.currency.rates[currency]


def load_rules(path: Path | None = None) -> ProfileRules:
    """Read a rules file (None: the shipped defaults); errors name the file and the rule."""
    import yaml

    if path is None:
        text = resources.files("graph.profiles").joinpath("profiles.yaml").read_text("utf-8")
        where = "the default profile rules"
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read the profile rules {path}: {exc.strerror}") from exc
        where = str(path)
    try:
        data: Any = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where} is not valid YAML: {exc}") from exc
    try:
        return ProfileRules.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{where}: {validation_problems(exc)}") from exc
