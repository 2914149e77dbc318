"""Run `custgraph serve` in a real process on a free loopback port, for socket tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(
    *store_args: str, env: dict[str, str] | None = None, serve_args: tuple[str, ...] = ()
) -> Iterator[str]:
    """Start ``custgraph [store_args] serve [serve_args]`` and yield its base URL once
    /readyz answers."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", *store_args, "serve", "--port", str(port), *serve_args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "custgraph serve did not come up in 60 s"
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=15)
