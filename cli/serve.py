"""``custgraph serve``: the HTTP API under uvicorn."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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

    from graph.access import KeyRing

    settings = settings_of(ctx)
    workers = workers or min(os.cpu_count() or 1, 4)
    # fail here, once, on a broken key file rather than in each worker
    KeyRing.parse(settings.api_keys, settings.api_key_file)
    # The app is served by name (the command line does not import the API): it builds its
    # settings from the environment, so the flags go there.
    os.environ["CUSTGRAPH_DB"] = str(settings.db_path)
    if settings.neo4j_uri:
        os.environ["CUSTGRAPH_NEO4J_URI"] = settings.neo4j_uri
    with _shared_metrics(workers):
        uvicorn.run(
            "api.app:app_from_env",
            factory=True,
            workers=workers if workers > 1 else None,
            host=host,
            port=port,
            log_level="info",
            access_log=False,  # query strings can carry e-mails and phones
            proxy_headers=True,
        )


@contextmanager
def _shared_metrics(workers: int) -> Iterator[None]:
    """With several worker processes, a folder where each writes its Prometheus values, so
    that ``/metrics`` (whichever worker answers) sums them all; removed when serving ends.
    A folder the operator set (``PROMETHEUS_MULTIPROC_DIR``) is used as it is and kept."""
    import os
    import shutil
    import tempfile

    if workers == 1 or os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        yield
        return
    folder = tempfile.mkdtemp(prefix="custgraph-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    try:
        yield
    finally:
        del os.environ["PROMETHEUS_MULTIPROC_DIR"]
        shutil.rmtree(folder)
