"""ASGI middleware: a cap on requests served at once (429 beyond it), Prometheus metrics, and
each response's time in the server as a ``Server-Timing`` header (``wait;dur=0.4,
app;dur=1.8``, in ms: ``app`` from the request's arrival at the app to its response headers,
``wait`` the part of it spent waiting for a worker thread; what a load generator on the same
machine cannot tell apart from its own delays).

The cap keeps latency bounded under overload: a request over the cap is answered at once with
``429 Too Many Requests`` (problem+json, ``Retry-After: 1``) instead of queueing. Health and
metrics endpoints are never refused, so orchestrators and scrapers keep working.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["InflightLimit", "Metrics"]

_EXEMPT = ("/healthz", "/readyz", "/metrics")


class Metrics:
    """The app's Prometheus metrics, in a registry of its own (one per app).

    Under ``custgraph serve --workers N`` (N > 1) every worker is a process of its own, and a
    scrape reaches one of them: the command then sets ``PROMETHEUS_MULTIPROC_DIR`` before the
    workers start, each writes its values there, and :meth:`exposition` sums them, so every
    scrape sees the whole server.

    >>> m = Metrics()
    >>> m.refused.inc()
    >>> b"custgraph_http_refused_total 1.0" in m.exposition()
    True
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "custgraph_http_requests_total",
            "HTTP requests by route template, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "custgraph_http_request_seconds",
            "HTTP request latency by route template",
            ["route"],
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=self.registry,
        )
        self.inflight = Gauge(
            "custgraph_http_inflight",
            "Requests being served",
            registry=self.registry,
            multiprocess_mode="livesum",  # across workers: the sum over the live ones
        )
        self.refused = Counter(
            "custgraph_http_refused_total",
            "Requests answered 429 because too many were in flight",
            registry=self.registry,
        )

    def close(self) -> None:
        """A worker that stops takes its in-flight gauge out of the shared sum (its counts
        stay: a counter must not go down when a worker is replaced)."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format: every worker's, summed, when the server
        runs several (``PROMETHEUS_MULTIPROC_DIR`` set); else this process's."""
        folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if not folder:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
        return generate_latest(registry)


class InflightLimit:
    """Refuse (429) requests beyond ``limit`` in flight; record metrics for every request."""

    def __init__(self, app: ASGIApp, *, limit: int, metrics: Metrics) -> None:
        self.app = app
        self.limit = limit
        self.metrics = metrics
        self.current = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        exempt = path in _EXEMPT
        if not exempt and self.current >= self.limit:
            self.metrics.refused.inc()
            self.metrics.requests.labels("refused", scope.get("method", ""), "429").inc()
            await _too_many(send)
            return
        scope.setdefault("state", {})["custgraph_arrived"] = time.monotonic()
        self.current += 1
        self.metrics.inflight.inc()
        status = {"code": 500}
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                waited = scope["state"].get("custgraph_waited")
                timing = _timing(started, waited)
                message = {**message, "headers": [*message.get("headers", ()), timing]}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.current -= 1
            self.metrics.inflight.dec()
            route: Any = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(
                template, scope.get("method", ""), str(status["code"])
            ).inc()
            self.metrics.latency.labels(template).observe(time.perf_counter() - started)


def _timing(started: float, waited: float | None = None) -> tuple[bytes, bytes]:
    """The ``Server-Timing`` header for a response whose request arrived at ``started``
    (a :func:`time.perf_counter` reading) and waited ``waited`` seconds for a worker thread
    (``None``: it needed none).

    >>> name, value = _timing(time.perf_counter(), 0.0125)
    >>> name, value.startswith(b"wait;dur=12.50, app;dur=")
    (b'server-timing', True)
    """
    app = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
    wait = "" if waited is None else f"wait;dur={waited * 1000:.2f}, "
    return b"server-timing", (wait + app).encode()


async def _too_many(send: Send) -> None:
    body = json.dumps(
        {
            "type": "about:blank",
            "title": "too many requests",
            "status": 429,
            "detail": "the server is at capacity; retry after a second",
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"retry-after", b"1"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
