"""Behaviour paths: customer journeys, conversion paths and multi-touch attribution (pure
functions + one runner)."""

from graph.journeys.attribution import MODELS, attribute
from graph.journeys.paths import Journeys, build_journeys, path_table

__all__ = ["MODELS", "Journeys", "attribute", "build_journeys", "path_table"]
