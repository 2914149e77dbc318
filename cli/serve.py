"""``custgraph serve``: the HTTP API under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.context import settings_of

__all__ = ["serve"]


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes")] = 1,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs; /healthz and /readyz for orchestration).

    Example: custgraph serve --host 0.0.0.0 --port 8000
    """
    import uvicorn

    from api import create_app

    app = create_app(settings_of(ctx))
    uvicorn.run(
        app,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=False,
        proxy_headers=True,
    )
