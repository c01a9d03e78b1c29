"""A Prefect server of our own on 127.0.0.1, its output kept in a log file.

Prefect's temporary server (started on demand when no PREFECT_API_URL is set) writes its
shutdown errors to our terminal and can be stopped before it has recorded the last task
runs, which only reach the database through its event pipeline. Running the server as
our own child process lets kehoach wait for those records, then stop it quietly.
"""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from kehoach.errors import UserError

DATABASE = "prefect.db"  # Prefect's default SQLite database in its home
MEMO = "memo_store.toml"  # where Prefect notes that its block types are registered
TEMPLATE_FILES = (DATABASE, MEMO)
DATABASE_URL = "PREFECT_SERVER_DATABASE_CONNECTION_URL"  # another database: no template


class ServerStartError(UserError):
    exit_code = 1


SERVER_AUTH = "PREFECT_SERVER_API_AUTH_STRING"  # on the server: "user:password"
CLIENT_AUTH = "PREFECT_API_AUTH_STRING"  # the same, on every process that calls the API


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def server_auth() -> str | None:
    return os.environ.get(SERVER_AUTH) or None


def refuse_open_exposure(host: str) -> None:
    """The dashboard and the coordinator's forms run whatever is submitted: beyond this
    machine they are served only behind Prefect's basic authentication."""
    if is_loopback(host) or server_auth():
        return
    raise UserError(
        f"Không mở bảng điều khiển tại địa chỉ {host} khi chưa đặt mật khẩu: bất kỳ ai biết "
        "địa chỉ đều có thể xem và gửi biểu mẫu điều phối. Đặt biến môi trường "
        f'{SERVER_AUTH}="tên:mật-khẩu" (và {CLIENT_AUTH} giống như vậy) rồi chạy lại, '
        "hoặc chỉ mở trên máy này (--host 127.0.0.1)."
    )


def auth_headers() -> dict[str, str]:
    """What Prefect's client sends when PREFECT_API_AUTH_STRING is set (HTTP basic)."""
    auth = os.environ.get(CLIENT_AUTH) or server_auth()
    if not auth:
        return {}
    return {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode("ascii")}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class LocalServer:
    """`prefect server start` for one Prefect home, reachable at `address`."""

    def __init__(
        self,
        prefect_home: Path,
        *,
        ui: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        extra_env: dict[str, str] | None = None,
        template: Path | None = None,
    ) -> None:
        self.prefect_home = prefect_home
        # An empty migrated database to start from and, once booted without one, to keep.
        self.template = template if DATABASE_URL not in os.environ else None
        self.extra_env = extra_env or {}
        self.ui = ui
        self.host = host
        self.port = port or free_port(host)
        self.log_path = prefect_home / "server.log"
        self._process: subprocess.Popen[bytes] | None = None
        self.settled = False  # every run and task run sent to it is recorded

    @property
    def address(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.address}/api"

    def start(self) -> None:
        """Start without waiting; `wait_ready` blocks until the API answers."""
        refuse_open_exposure(self.host)
        if server_auth() and not os.environ.get(CLIENT_AUTH):
            # Our own flows and forms call this server: they authenticate like the UI.
            os.environ[CLIENT_AUTH] = server_auth() or ""
        self.prefect_home.mkdir(parents=True, exist_ok=True)
        if self.template is not None and self.seed_from(self.template):
            self.template = None  # nothing new to keep
        command = [sys.executable, "-m", "prefect", "server", "start"]
        command += ["--host", self.host, "--port", str(self.port)]
        command += ["--ui" if self.ui else "--no-ui", "--analytics-off"]
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self._environment(),
                start_new_session=True,  # Ctrl-C reaches us first; we stop it in order
            )

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ, PREFECT_HOME=str(self.prefect_home))
        env.pop("PREFECT_API_URL", None)
        env["PREFECT_SERVER_LOGGING_LEVEL"] = "WARNING"
        if self.ui:
            # The UI calls the API at this address; by default it assumes port 4200.
            env["PREFECT_UI_API_URL"] = self.api_url
        return {**env, **self.extra_env}

    def seed_from(self, template: Path) -> bool:
        """Start from a copy of an empty, migrated database (`keep_as`), when this home has
        none: Prefect's migrations of a new SQLite database and its block registration are
        about 5 s of the server's boot CPU, on the demo's critical path."""
        database = self.prefect_home / DATABASE
        if database.exists() or not (template / DATABASE).is_file():
            return False
        self.prefect_home.mkdir(parents=True, exist_ok=True)
        for name in TEMPLATE_FILES:
            if (template / name).is_file():
                shutil.copyfile(template / name, self.prefect_home / name)
        return True

    def keep_as(self, template: Path) -> None:
        """Once booted on a new database, keep a consistent copy of it (SQLite's online
        backup) for the next `seed_from`; call it before any run is written."""
        database = self.prefect_home / DATABASE
        if (template / DATABASE).exists() or not database.is_file():
            return
        template.mkdir(parents=True, exist_ok=True)
        partial = template / f"{DATABASE}.tmp"
        source, copy = sqlite3.connect(database), sqlite3.connect(partial)
        with contextlib.closing(source), contextlib.closing(copy):
            source.backup(copy)
        memo = self.prefect_home / MEMO
        if memo.is_file():
            shutil.copyfile(memo, template / MEMO)
        partial.replace(template / DATABASE)

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        # One client for every poll: a new one (httpx.get) builds an SSL context each time,
        # ~30 ms of CPU, a third of a core taken from the booting server at 10 polls a second.
        with httpx.Client(timeout=2, headers=auth_headers()) as client:
            while time.monotonic() < deadline:
                if self._process is not None and self._process.poll() is not None:
                    raise ServerStartError(
                        f"Máy chủ Prefect dừng ngay khi khởi động; xem nhật ký {self.log_path}."
                    )
                if self.healthy(client):
                    if self.template is not None:
                        self.keep_as(self.template)
                    return
                time.sleep(0.1)
        raise ServerStartError(
            f"Máy chủ Prefect chưa sẵn sàng sau {timeout:.0f} giây; xem nhật ký {self.log_path}."
        )

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def healthy(self, client: httpx.Client | None = None) -> bool:
        try:
            if client is None:
                answer = httpx.get(f"{self.api_url}/health", timeout=2, headers=auth_headers())
            else:
                answer = client.get(f"{self.api_url}/health")
            return answer.status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self, timeout: float = 15.0, wait: bool = True) -> None:
        """Stop gracefully (its services record what they still hold). Without `wait`,
        only ask: for a server that has nothing left to record, whose exit (about 2 s,
        idle) nobody needs to see."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        if not wait:
            return
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> LocalServer:
        self.start()
        self.wait_ready()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def count_task_runs(api_url: str) -> int:
    response = httpx.post(f"{api_url}/task_runs/count", json={}, timeout=10, headers=auth_headers())
    response.raise_for_status()
    return int(response.json())


def wait_for_task_runs(api_url: str, expected: int, timeout: float = 30.0) -> int:
    """Wait until the server has recorded `expected` task runs (they arrive as events)."""
    deadline = time.monotonic() + timeout
    recorded = count_task_runs(api_url)
    while recorded < expected and time.monotonic() < deadline:
        time.sleep(0.2)
        recorded = count_task_runs(api_url)
    return recorded
