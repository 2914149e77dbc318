"""Influence and communities on the person graph (pure algorithms + runners)."""

from graph.influence.algorithms import CommunityParams, InfluenceParams, PersonGraph
from graph.influence.job import run_communities, run_influence

__all__ = ["CommunityParams", "InfluenceParams", "PersonGraph", "run_communities", "run_influence"]
