"""Prefect's settings for kehoach, applied before `prefect` is first imported.

Prefect reads its settings from the environment when it is imported, so every entry point
that runs flows (the CLI, the benchmark, the tests) calls `configure` first. Nothing here
imports Prefect at module level.

The choices, measured on the machine in `benchmarks/flow_bench.py`:

- PREFECT_HOME lives in kehoach's data directory, so `kehoach dashboard` shows the runs.
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


def configure(prefect_home: Path, *, quiet: bool = False, force_home: bool = False) -> None:
    """Point Prefect at kehoach's home; a person's own PREFECT_* variables win.

    `force_home` is for a fresh sandbox (the demo): its runs must not land elsewhere.
    """
    if force_home:
        os.environ["PREFECT_HOME"] = str(prefect_home)
    else:
        os.environ.setdefault("PREFECT_HOME", str(prefect_home))
    for name, value in {**SERVER_DEFAULTS, **(QUIET if quiet else {})}.items():
        os.environ.setdefault(name, value)


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
