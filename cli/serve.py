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
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Worker processes (default: cores, at most 4)"),
    ] = None,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs; /healthz and /readyz for orchestration).

    Example: custgraph serve --host 0.0.0.0 --port 8000
    """
    import os

    import uvicorn

    from api import create_app

    settings = settings_of(ctx)
    workers = workers or min(os.cpu_count() or 1, 4)
    options = {
        "host": host,
        "port": port,
        "log_level": "info",
        "access_log": False,  # query strings can carry e-mails and phones
        "proxy_headers": True,
    }
    if workers == 1:
        uvicorn.run(create_app(settings), **options)  # type: ignore[arg-type]
        return
    # Worker processes build the app themselves from the environment: pass the flags on.
    os.environ["CUSTGRAPH_DB"] = str(settings.db_path)
    if settings.neo4j_uri:
        os.environ["CUSTGRAPH_NEO4J_URI"] = settings.neo4j_uri
    create_app(settings)  # fail here, once, on a broken key file rather than in each worker
    uvicorn.run("api.app:app_from_env", factory=True, workers=workers, **options)  # type: ignore[arg-type]
