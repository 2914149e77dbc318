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

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from graph.errors import (
    ConfigError,
    CustgraphError,
    InputError,
    NotFoundError,
    StoreUnavailableError,
)
from graph.settings import Settings
from graph.store import Store

__all__ = ["StoreDep", "create_app"]

_STATUS: dict[type[CustgraphError], int] = {
    NotFoundError: 404,
    InputError: 422,
    StoreUnavailableError: 503,
    ConfigError: 500,
}


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(_store)]


def problem(status: int, title: str, detail: str) -> JSONResponse:
    """An RFC 9457 problem document."""
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status_code=status,
        media_type="application/problem+json",
    )


def create_app(settings: Settings) -> FastAPI:
    """Build the API for ``settings`` (nothing connects until the app starts)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from graph.store.base import open_store

        with open_store(settings) as store:
            app.state.store = store
            yield

    app = FastAPI(
        title="custgraph",
        version="0.1.0",
        summary="Profiles, identities, neighbourhoods and influencers of your customers.",
        lifespan=lifespan,
    )

    @app.exception_handler(CustgraphError)
    async def _custgraph_error(request: Request, exc: CustgraphError) -> JSONResponse:
        status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 500)
        return problem(status, type(exc).__name__, str(exc))

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, Any]:
        """The process is up (says nothing about the store)."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], responses={503: {"description": "store down"}})
    def readyz(store: StoreDep) -> Any:
        """The store answers: ready to serve requests (503 problem+json when it does not)."""
        try:
            store.ping()
        except StoreUnavailableError as exc:
            return JSONResponse(
                {
                    "type": "about:blank",
                    "title": "store unavailable",
                    "status": 503,
                    "detail": str(exc),
                    "ready": False,
                    "store": store.kind,
                },
                status_code=503,
                media_type="application/problem+json",
            )
        return {"ready": True, "store": store.kind}

    return app
