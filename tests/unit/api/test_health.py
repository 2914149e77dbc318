"""Health endpoints with the test client and over a real socket (uvicorn)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from api import create_app
from graph.settings import Settings


def test_health_and_readiness_on_the_embedded_store(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(db_path=tmp_path / "a.db"))) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json() == {"ready": True, "store": "sqlite"}


def test_an_embedded_store_nobody_loaded_answers_with_empty_pages(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "new.db", api_keys="k:reader")
    with TestClient(create_app(settings)) as client:
        page = client.get("/v1/influencers", headers={"X-API-Key": "k"})
    assert page.status_code == 200, page.text
    assert page.json()["items"] == []


def test_readiness_is_a_503_problem_when_neo4j_is_down() -> None:
    settings = Settings(neo4j_uri="bolt://127.0.0.1:1", neo4j_password="x")
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["ready"] is False
    assert "scripts/neo4j start" in body["detail"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_over_a_real_socket(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "--db", str(tmp_path / "s.db"), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "custgraph serve did not come up in 30 s"
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.json() == {"ready": True, "store": "sqlite"}
        assert (
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2).json()["info"]["title"]
            == "custgraph"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
