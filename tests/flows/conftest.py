"""Prefect's test harness, once per session: a real Prefect server on a throw-away database.

Prefect reads its settings when first imported, so the environment is set here, at
import time, before any test module imports a flow.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.prefect_env import configure

configure(Path(tempfile.mkdtemp(prefix="kehoach-prefect-")), quiet=True)

from prefect.testing.utilities import prefect_test_harness  # noqa: E402

from flows.prefect_env import fast_runs  # noqa: E402

VIETNAM = dt.timezone(dt.timedelta(hours=7))


def at(day: int, month: int = 4, hour: int = 8, minute: int = 0) -> dt.datetime:
    """A local (Vietnam) moment of 2024."""
    return dt.datetime(2024, month, day, hour, minute, tzinfo=VIETNAM)


@pytest.fixture(scope="session", autouse=True)
def prefect_server() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120), fast_runs():
        yield
