"""The one error hierarchy of custgraph.

Every error a user can see is a :class:`CustgraphError`. Each edge translates them once:
the CLI prints ``Error: …`` and exits non-zero, the API answers ``application/problem+json``.
Messages name the thing at fault and the next step, and never carry customer data.

Examples
--------
>>> try:
...     raise NotFoundError("no person 'p-42'; run `custgraph analyze identity` first")
... except CustgraphError as exc:
...     print(exc)
no person 'p-42'; run `custgraph analyze identity` first
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = [
    "ConfigError",
    "CustgraphError",
    "InputError",
    "JobError",
    "NotFoundError",
    "QueryError",
    "StoreUnavailableError",
    "validation_problems",
]


class ValidationErrorLike(Protocol):
    """What :func:`validation_problems` needs of a pydantic ``ValidationError``."""

    def errors(self) -> Any:
        """The list of error dicts with ``loc`` and ``msg``."""
        ...


class CustgraphError(Exception):
    """Base class of every error custgraph raises on purpose."""


class InputError(CustgraphError):
    """An input file, mapping or argument cannot be used as given."""


class ConfigError(CustgraphError):
    """Settings (environment, config files) are missing or inconsistent."""


class NotFoundError(CustgraphError):
    """A named thing (person, record, query, community) does not exist."""


class StoreUnavailableError(CustgraphError):
    """The store cannot be reached (Neo4j down, SQLite file locked or unreadable)."""


class QueryError(CustgraphError):
    """A named query failed in the store; the message names the query, never its values."""


class JobError(CustgraphError):
    """A job's preconditions do not hold; the message says what to run first."""


def validation_problems(exc: ValidationErrorLike) -> str:
    """One line naming every field at fault in a pydantic ``ValidationError``.

    >>> from pydantic import BaseModel, ValidationError
    >>> class Rule(BaseModel):
    ...     name: str
    ...     score: int
    >>> try:
    ...     Rule.model_validate({"score": 1})
    ... except ValidationError as exc:
    ...     print(validation_problems(exc))
    name: Field required
    """
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
