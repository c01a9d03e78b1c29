"""Running the web service on uvicorn: in the foreground (the CLI) or in a thread (tests,
the benchmark), always on a socket bound before the server starts, so port 0 works."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn


def bound_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def config(app: Any, **options: Any) -> uvicorn.Config:
    # No access log: the address of every request is the agency's link, a credential.
    return uvicorn.Config(app, access_log=False, log_level="warning", **options)


class Background:
    """The app served on a loopback port in a daemon thread; `url` is where it answers."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, **options: Any) -> None:
        self.socket = bound_socket(host, port)
        self.server = uvicorn.Server(config(app, **options))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )
        host, port = self.socket.getsockname()[:2]
        self.url = f"http://{host}:{port}"

    def __enter__(self) -> Background:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web service did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.socket.close()
