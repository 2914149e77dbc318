"""The ``custgraph`` command: a thin shell over the Python API (see ``custgraph --help``)."""

from cli.main import app, main

__all__ = ["app", "main"]
