"""FastAPI dependencies: the store, settings, audit log, and the caller's role.

A missing or unknown key answers 401 (with ``WWW-Authenticate``); a key whose role is too
low answers 403. Keys travel in ``X-API-Key`` or ``Authorization: Bearer``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.audit import AuditLog
from graph.access import KeyRing, Principal, Role
from graph.errors import CustgraphError
from graph.settings import Settings
from graph.store import Store

__all__ = [
    "AuditDep",
    "BusyError",
    "ForbiddenError",
    "SettingsDep",
    "StoreDep",
    "UnauthorizedError",
    "require",
    "started_in_time",
]


class UnauthorizedError(CustgraphError):
    """No key, or a key this API does not know (401)."""


class ForbiddenError(CustgraphError):
    """A known key whose role does not allow the request (403)."""


class BusyError(CustgraphError):
    """A request that waited too long for a worker thread (503 with ``Retry-After``)."""


def started_in_time(request: Request) -> None:
    """The first thing a request does on a worker thread: refuse it (503) when it waited
    longer than ``api_start_seconds`` for the thread, so a queue of stale requests drains
    at once instead of each being served late. The middleware stamps the arrival time."""
    state = request.scope.get("state", {})
    arrived = state.get("custgraph_arrived")
    settings: Settings = request.app.state.settings
    if arrived is not None:
        state["custgraph_waited"] = time.monotonic() - arrived  # for the Server-Timing header
    if arrived is not None and time.monotonic() - arrived > settings.api_start_seconds:
        raise BusyError(
            f"the server could not start this request within {settings.api_start_seconds:g} s "
            "(every worker was busy); retry in a second"
        )


# The dependencies that only read the app's state are coroutines: FastAPI runs a plain
# function dependency on a worker thread, and five thread hops per request cost ~1.5 ms of
# a profile read's ~3.5 ms (measured with yappi, FastAPI 0.165); started_in_time stays a
# function on purpose (it measures the wait for a thread).
async def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _audit(request: Request) -> AuditLog:
    audit: AuditLog = request.app.state.audit
    return audit


StoreDep = Annotated[Store, Depends(_store)]
SettingsDep = Annotated[Settings, Depends(_settings)]
AuditDep = Annotated[AuditLog, Depends(_audit)]

_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="an API key")
_bearer = HTTPBearer(auto_error=False, description="the API key as a bearer token")


def require(needed: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency that authenticates the caller and checks their role."""

    async def check(  # async: no thread hop for a look-up in memory (see _store)
        request: Request,
        api_key: Annotated[str | None, Depends(_api_key)],
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        keys: KeyRing = request.app.state.keys
        audit: AuditLog = request.app.state.audit
        route = request.url.path

        async def refused(who: str, role: str, action: str, outcome: str) -> None:
            # the file write on a worker thread, never on the event loop (a flood of bad keys)
            await anyio.to_thread.run_sync(
                partial(
                    audit.write, who=who, role=role, action=action, target=route, outcome=outcome
                )
            )

        presented = api_key or (bearer.credentials if bearer else None)
        if not presented:
            await refused("-", "-", "authenticate", "no key")
            raise UnauthorizedError("an API key is required (X-API-Key header)")
        who = keys.find(presented)
        if who is None:  # the key itself is never written
            await refused("-", "-", "authenticate", "bad key")
            raise UnauthorizedError("the API key is not valid")
        if not who.allows(needed):
            await refused(who.name, who.role, "authorise", "denied")
            raise ForbiddenError(f"this needs the {needed} role; the key has {who.role}")
        return who

    return check
