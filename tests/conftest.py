"""Fixtures shared by every test folder: a private home, a database, the seed plan."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from kehoach.paths import seed_plan_path
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.settings import Settings
from tests.postgres_server import PostgresServer, find_postgres
from tests.smtp_sink import SMTP_PASSWORD, SmtpSink

# Property tests check arithmetic, not speed: on a shared 2-core machine a case can take
# longer than Hypothesis's 200 ms default, which would fail a correct test at random.
settings.register_profile("kehoach", deadline=None)
settings.load_profile("kehoach")

SEED_LOADED_AT = dt.datetime(2024, 3, 15, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL on 127.0.0.1, started from the machine's packages for this session."""
    server = find_postgres()
    if server is None and os.environ.get("CI"):
        pytest.fail("CI phải có PostgreSQL (.ci/run cài gói postgresql)")
    if server is None:
        pytest.skip(
            "PostgreSQL không có trên máy này "
            "(cài gói postgresql hoặc đặt KEHOACH_TEST_POSTGRES_URL)"
        )
    with server:
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kehoach.store'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.fresh_database()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A real SMTP server on 127.0.0.1 that keeps every message it accepts."""
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_login_sink() -> Iterator[SmtpSink]:
    """A server that requires AUTH LOGIN/PLAIN with a known password (which must never leak)."""
    sink = SmtpSink(user="nhacviec", password=SMTP_PASSWORD).start()
    yield sink
    sink.stop()


@pytest.fixture
def kehoach_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("KEHOACH_HOME", str(home))
    monkeypatch.delenv("KEHOACH_DATABASE_URL", raising=False)
    monkeypatch.delenv("KEHOACH_APPRISE_CONFIG", raising=False)
    return home


@pytest.fixture
def context(kehoach_home: Path) -> Iterator[AppContext]:
    """The process-wide application context on a fresh SQLite home."""
    app_context = AppContext(Settings(home=kehoach_home))
    AppContext.use(app_context)
    yield app_context
    AppContext.use(None)


@pytest.fixture
def seed_path() -> Path:
    return seed_plan_path()


@pytest.fixture
def seeded(context: AppContext, seed_path: Path) -> AppContext:
    loaded = context.load_plan_file(seed_path)
    with context.database.transaction() as session:
        load_plan(session, loaded, SEED_LOADED_AT)
    return context
