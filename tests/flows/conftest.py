"""Prefect's test harness, once per session: a real Prefect server on a throw-away database.

Prefect reads its settings when first imported, so the environment is set here, at
import time, before any test module imports a flow.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.prefect_env import configure

configure(Path(tempfile.mkdtemp(prefix="kehoach-prefect-")), quiet=True)

from prefect.testing.utilities import prefect_test_harness  # noqa: E402

from flows import prefect_env  # noqa: E402
from flows.prefect_env import fast_runs  # noqa: E402

VIETNAM = dt.timezone(dt.timedelta(hours=7))


def at(day: int, month: int = 4, hour: int = 8, minute: int = 0) -> dt.datetime:
    """A local (Vietnam) moment of 2024."""
    return dt.datetime(2024, month, day, hour, minute, tzinfo=VIETNAM)


@pytest.fixture(scope="session", autouse=True)
def prefect_server() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120), fast_runs():
        yield


@pytest.fixture(autouse=True)
def prefect_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command run in a test points PREFECT_HOME (and Prefect's other variables) at its
    own home: give them back afterwards, so no later test or subprocess inherits them."""
    for name in ["PREFECT_HOME", *prefect_env.SERVER_DEFAULTS, *prefect_env.QUIET]:
        if name in os.environ:
            monkeypatch.setenv(name, os.environ[name])
        else:  # recorded as absent, so removed again if the test sets it
            monkeypatch.setenv(name, "")
            monkeypatch.delenv(name)
