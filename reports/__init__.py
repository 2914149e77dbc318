"""custgraph reports (arrives with its issue)."""

__all__: list[str] = []
