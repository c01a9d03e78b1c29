"""Waiting for our Prefect server to boot: how the polls reach it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from flows.server import LocalServer


class BootingHealth(BaseHTTPRequestHandler):
    """/api/health that answers 503 three times (still booting), then 200."""

    protocol_version = "HTTP/1.1"  # keep-alive, as uvicorn
    requests: ClassVar[list[int]] = []
    connections: ClassVar[set[tuple[str, int]]] = set()

    def do_GET(self) -> None:
        BootingHealth.requests.append(1)
        BootingHealth.connections.add(self.client_address)
        status = 200 if len(BootingHealth.requests) > 3 else 503
        body = b"true"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def booting_server() -> Iterator[int]:
    BootingHealth.requests, BootingHealth.connections = [], set()
    server = ThreadingHTTPServer(("127.0.0.1", 0), BootingHealth)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_the_boot_is_polled_over_one_kept_connection_not_one_client_a_poll(
    booting_server: int, tmp_path: Path
) -> None:
    server = LocalServer(tmp_path / "prefect", port=booting_server)

    server.wait_ready(timeout=10)

    assert len(BootingHealth.requests) == 4
    assert len(BootingHealth.connections) == 1
