"""Combined profiles: RFM, lifetime value, churn risk, segments, preferences, tags and the
profile document (pure functions + one runner)."""

from graph.profiles.job import ProfileParams, Profiles, compute_profiles, run_profiles
from graph.profiles.rules import ProfileRules, load_rules

__all__ = [
    "ProfileParams",
    "ProfileRules",
    "Profiles",
    "compute_profiles",
    "load_rules",
    "run_profiles",
]
