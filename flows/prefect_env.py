"""Prefect's settings for kehoach, applied before `prefect` is first imported.

Prefect reads its settings from the environment when it is imported, so every entry point
that runs flows (the CLI, the benchmark, the tests) calls `configure` first. Nothing here
imports Prefect at module level.

The choices, measured on the machine in `benchmarks/flow_bench.py`:

- PREFECT_HOME is always kehoach's own, `KEHOACH_HOME/prefect`, for the demo, the replay,
  `dashboard` and `serve` alike: a person's own PREFECT_HOME is set aside (and the
  command says so), else the demo would write its runs to one Prefect home and
  `kehoach dashboard` look in another, or the demo fill a real Prefect home with
  sandbox runs. Another Prefect server is reached through PREFECT_API_URL instead.
- The server's telemetry service is off: it sends usage data out, and on a fresh SQLite
  database it races the migrations and prints "database is locked" tracebacks.
- The server's task-run recorder (and event persister) write in large batches instead of
  one transaction per event: with SQLite, their many small writes collided with the next
  flow run's creation ("database is locked", HTTP 503), and each collision costs the
  client a 2 s back-off. Batches make collisions rarer, not impossible; PostgreSQL
  (docs/flows.md) removes them.
- With `quiet`, Prefect's console handler only shows critical records: flow and task
  logs (overdue steps log as errors, by design) still reach the dashboard, but the
  person at the terminal reads kehoach's own Vietnamese output.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SERVER_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "1000",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "5",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_BATCH_SIZE": "2000",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_READ_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL": "5",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}

QUIET = {
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def configure(prefect_home: Path, *, quiet: bool = False) -> str | None:
    """Point Prefect at kehoach's home; a person's other PREFECT_* variables win.

    Returns the person's own PREFECT_HOME when it was set aside, for the command to say so.
    """
    own = os.environ.get("PREFECT_HOME")
    os.environ["PREFECT_HOME"] = str(prefect_home)
    for name, value in {**SERVER_DEFAULTS, **(QUIET if quiet else {})}.items():
        os.environ.setdefault(name, value)
    return own if own and Path(own) != prefect_home else None


def home_notice(own: str | None, prefect_home: Path) -> str | None:
    """The Vietnamese line that says a person's PREFECT_HOME was not used, and why."""
    if own is None:
        return None
    return (
        f"Lưu ý: kehoach luôn giữ dữ liệu Prefect của mình trong {prefect_home} (để bản chạy "
        f"thử và bảng điều khiển thấy cùng các lượt chạy), không dùng PREFECT_HOME={own}. "
        "Muốn dùng một máy chủ Prefect khác, đặt PREFECT_API_URL."
    )


@contextmanager
def own_server_client() -> Iterator[None]:
    """The client settings for the demo's and the replay's own server (flows.server).

    That server never turns on Prefect's CSRF protection, yet every new API client first
    asks it for a token (GET /csrf-token, answered 422 "disabled"): a subflow's task run
    gets a client of its own, so that was one request more per flow run, 245 in the demo.
    A server whose CSRF protection was turned on in the environment keeps the client's
    token support."""
    from prefect.settings import PREFECT_CLIENT_CSRF_SUPPORT_ENABLED, temporary_settings

    if os.environ.get("PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED", "").lower() in TRUE:
        yield
        return
    with temporary_settings(updates={PREFECT_CLIENT_CSRF_SUPPORT_ENABLED: False}):
        yield


TRUE = ("1", "true", "yes", "on")


@contextmanager
def fast_runs() -> Iterator[None]:
    """Flow runs without the heartbeat thread, for runs made in this process.

    A flow run joins its heartbeat thread on exit, and that thread sleeps in 1 s slices:
    about 1 s per flow run, the largest part of a trivial run's cost. Heartbeats only
    serve to detect crashed runs of deployments, which `kehoach serve` keeps.
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def drain() -> None:
    """Send the events and logs still queued in this process to the API."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    EventsWorker.drain_all(timeout=10)
