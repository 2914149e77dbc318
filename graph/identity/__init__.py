"""Identity resolution: records from all sources into stable, explainable person clusters."""

from graph.identity.explain import PairExplanation, explain_pair
from graph.identity.resolve import IdentityParams, IdentityResult, resolve_identities

__all__ = [
    "IdentityParams",
    "IdentityResult",
    "PairExplanation",
    "explain_pair",
    "resolve_identities",
]
