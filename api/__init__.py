"""The HTTP API (FastAPI): ``create_app(settings)``; served by ``custgraph serve``."""

from api.app import StoreDep, create_app

__all__ = ["StoreDep", "create_app"]
