"""The HTTP API application factory.

``create_app(settings)`` builds the FastAPI app; its lifespan opens the store and closes it.
Routes take the store through ``StoreDep`` and hold no queries of their own. Errors of the
:class:`~graph.errors.CustgraphError` family become ``application/problem+json`` in one place.

Examples
--------
>>> import tempfile, pathlib
>>> from fastapi.testclient import TestClient
>>> from graph.settings import Settings
>>> app = create_app(Settings(db_path=pathlib.Path(tempfile.mkdtemp()) / "a.db"))
>>> with TestClient(app) as client:
...     client.get("/healthz").json()
{'status': 'ok'}
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.audit import AuditLog
from api.deps import BusyError, ForbiddenError, StoreDep, UnauthorizedError, started_in_time
from api.middleware import InflightLimit, Metrics
from graph.access import KeyRing
from graph.errors import (
    ConfigError,
    CustgraphError,
    InputError,
    NotFoundError,
    QueryError,
    StoreUnavailableError,
)
from graph.settings import Settings

__all__ = ["StoreDep", "app_from_env", "create_app"]

log = logging.getLogger("custgraph.api")

_STATUS: dict[type[CustgraphError], int] = {
    NotFoundError: 404,
    InputError: 422,
    UnauthorizedError: 401,
    ForbiddenError: 403,
    StoreUnavailableError: 503,
    BusyError: 503,
    ConfigError: 500,
    QueryError: 500,
}


#: How long /readyz waits for the store's answer.
READY_SECONDS = 2.0


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """An RFC 9457 problem document; ``extra`` adds members (``errors``, ``ready``, …)."""
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra},
        status_code=status,
        media_type="application/problem+json",
    )


def create_app(settings: Settings) -> FastAPI:
    """Build the API for ``settings`` (nothing connects until the app starts).

    Keys are read here, so a broken key file stops the start with a clear error.
    """
    from api.browser import router as browser_router
    from api.routes import router

    keys = KeyRing.parse(settings.api_keys, settings.api_key_file)
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from graph.store import SqliteStore, open_store

        if not len(keys):
            log.warning(
                "no API keys configured: every /v1 request will get 401; set "
                "CUSTGRAPH_API_KEYS or CUSTGRAPH_API_KEY_FILE"
            )
        # Few worker threads: each holds its own SQLite connection and page cache, and more
        # threads than cores only add GIL hand-offs (bench/api.py measures the difference).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.api_threads
        with open_store(settings) as store:
            if isinstance(store, SqliteStore):
                # a file nobody has loaded yet answers with empty pages, not "no such table"
                # (Neo4j's schema is left to the loaders: the API's user may only read)
                store.ensure_schema()
                store.map_reads()
            app.state.store = store
            try:
                yield
            finally:
                metrics.close()

    # /docs and /redoc from assets that ship with the package, not a CDN: they work offline
    app = FastAPIOffline(
        title="custgraph",
        version="0.1.0",
        summary="Profiles, identities, neighborhoods and influencers of your customers.",
        description=(
            "Authenticate with an API key in `X-API-Key` (or `Authorization: Bearer`). "
            "Roles: `reader` sees PII masked, `pii` sees it whole, `admin` may also erase. "
            "Errors are `application/problem+json`."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.keys = keys
    app.state.audit = AuditLog(settings.audit_log)
    app.state.metrics = metrics
    app.add_middleware(InflightLimit, limit=settings.api_max_inflight, metrics=metrics)
    # every route first checks, on its worker thread, that it did not wait too long for it
    app.include_router(router, dependencies=[Depends(started_in_time)])
    app.include_router(browser_router, dependencies=[Depends(started_in_time)])

    @app.exception_handler(CustgraphError)
    async def _custgraph_error(request: Request, exc: CustgraphError) -> JSONResponse:
        status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 500)
        response = problem(status, type(exc).__name__, str(exc))
        if status == 401:
            response.headers["WWW-Authenticate"] = "ApiKey"
        if isinstance(exc, BusyError):
            response.headers["Retry-After"] = "1"
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return problem(422, "Unprocessable Content", detail, errors=fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = problem(exc.status_code, str(exc.detail), str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The type only: a message or traceback could carry customer values.
        route: Any = request.scope.get("route")
        log.error("unexpected %s in %s", type(exc).__name__, getattr(route, "path", "?"))
        return problem(500, "Internal Server Error", "an unexpected error; see the server log")

    _operations(app, metrics)
    return app


def _operations(app: FastAPI, metrics: Metrics) -> None:
    """Operations endpoints. They run on the event loop, never behind the worker threads or
    the in-flight limit, so they answer in milliseconds however busy the API is."""

    @app.get("/metrics", tags=["operations"], include_in_schema=True)
    async def prometheus() -> Response:
        """Prometheus metrics: requests by route and status, latency, in-flight, refused."""
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, Any]:
        """The process is up (says nothing about the store)."""
        return {"status": "ok"}

    pinging = anyio.CapacityLimiter(1)  # a thread of its own: not behind the request queue

    @app.get("/readyz", tags=["operations"], responses={503: {"description": "store down"}})
    async def readyz(request: Request) -> Any:
        """The store answers within 2 s: ready to serve requests (503 problem+json when it
        does not, or is too busy to)."""
        store = request.app.state.store
        try:
            with anyio.fail_after(READY_SECONDS):
                await anyio.to_thread.run_sync(store.ping, limiter=pinging, abandon_on_cancel=True)
        except StoreUnavailableError as exc:
            return problem(503, "store unavailable", str(exc), ready=False, store=store.kind)
        except TimeoutError:
            detail = (
                f"the store ({store.describe()}) did not answer within {READY_SECONDS:g} s; "
                "it is down or overloaded"
            )
            return problem(503, "store unavailable", detail, ready=False, store=store.kind)
        return {"ready": True, "store": store.kind}


def app_from_env() -> FastAPI:
    """The app for settings from the environment (uvicorn's factory for worker processes)."""
    return create_app(Settings.from_env())
