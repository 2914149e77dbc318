"""Tag rules applied to the profile table, and checked before a job reads the store."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from graph.profiles.rules import ProfileRules

__all__ = ["NOT_FOR_RULES", "apply_tags", "check_tag_rules", "tag_sample"]


def apply_tags(table: pd.DataFrame, rules: ProfileRules) -> tuple[pd.Series, list[dict[str, Any]]]:
    """Each person's tags (marketing tags only with consent) and each tag's summary row."""
    tag_lists: dict[str, list[str]] = {p: [] for p in table.index}
    tag_rows = []
    columns = table.drop(columns=[c for c in NOT_FOR_RULES if c in table])
    for rule in rules.tags:
        mask = rule.mask(columns)
        if rule.marketing:
            mask &= table["consent_marketing"].astype(bool)
        chosen = table.index[mask.to_numpy()]
        for person in chosen:
            tag_lists[person].append(rule.name)
        tag_rows.append(
            {
                "name": rule.name,
                "rule": rule.rule,
                "marketing": rule.marketing,
                "description": rule.description,
                "size": len(chosen),
            }
        )
    return pd.Series(tag_lists, dtype=object).reindex(table.index), tag_rows


#: Profile columns a tag rule cannot use (lists and maps).
NOT_FOR_RULES = ["churn_factors", "channel_mix", "top_categories", "demographics"]


def tag_sample() -> pd.DataFrame:
    """Two made-up persons (one who never bought, one who did) with every column a tag rule
    may use, typed as the job's table has them: rules are checked on it before a job runs.

    >>> sorted(tag_sample().columns)[:3]
    ['churn_risk', 'clv_percentile', 'community_id']
    """
    at = pd.Series([pd.NaT, pd.Timestamp("2026-01-01", tz="UTC")]).astype("datetime64[us, UTC]")
    number = [np.nan, 0.5]
    return pd.DataFrame(
        {
            "frequency": [0, 3],
            "monetary": [0.0, 120.5],
            "recency_days": [np.nan, 12.0],
            "first": at,
            "last": at,
            "rfm_recency": [np.nan, 5.0],
            "rfm_frequency": [np.nan, 4.0],
            "rfm_monetary": [np.nan, 4.0],
            "rfm_score": pd.Series([None, "544"]),
            "rfm_segment": pd.Series([None, "Champions"]),
            "expected_purchases": number,
            "p_alive": number,
            "expected_spend": number,
            "predicted_clv": number,
            "churn_risk": number,
            "tenure_days": pd.array([10, 400], dtype="Int64"),
            "influence_percentile": [0.0, 0.99],
            "influence_rank": [2, 1],
            "influence_score": [0.1, 0.9],
            "community_id": pd.Series([None, "C1"]),
            "clv_percentile": [0.5, 1.0],
            "monetary_percentile": [0.5, 1.0],
            "segment": pd.Series(["S1", "S2"]),
            "preferred_channel": pd.Series([None, "web"]),
            "consent_marketing": [False, True],
        }
    )


def check_tag_rules(rules: ProfileRules) -> None:
    """Raise :class:`~graph.errors.ConfigError` naming the first tag whose rule uses an
    unknown column, cannot be evaluated, or is not true or false for each person: checked
    on :func:`tag_sample` before any job reads the store."""
    sample = tag_sample()
    for rule in rules.tags:
        rule.mask(sample)
