"""custgraph's core: the graph model, settings, errors, the store seam and job runs."""

from graph.errors import (
    ConfigError,
    CustgraphError,
    InputError,
    JobError,
    NotFoundError,
    QueryError,
    StoreUnavailableError,
)
from graph.model import NODES, RELATIONSHIPS, Label, RelType
from graph.settings import Settings

__all__ = [
    "NODES",
    "RELATIONSHIPS",
    "ConfigError",
    "CustgraphError",
    "InputError",
    "JobError",
    "Label",
    "NotFoundError",
    "QueryError",
    "RelType",
    "Settings",
    "StoreUnavailableError",
]
