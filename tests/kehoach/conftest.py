"""The seeded application with every agency of the seed plan on email through a real SMTP sink,
and the `kehoach` fixture: the CLI run in-process as a person types it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kehoach.cli.main import _run, app
from kehoach.paths import seed_plan_path
from kehoach.services.context import AppContext
from kehoach.store.planfile import resolved_document
from tests.smtp_sink import SmtpSink, agency_address, write_channels

VIETNAM = dt.timezone(dt.timedelta(hours=7))


def at(day: int, month: int = 4, hour: int = 8, minute: int = 0) -> dt.datetime:
    """A local (Vietnam) moment of 2024."""
    return dt.datetime(2024, month, day, hour, minute, tzinfo=VIETNAM)


def seed_agencies() -> list[str]:
    document = resolved_document(seed_plan_path())
    return [agency["code"] for agency in document["agencies"]]


def email_everyone(path: Path, sink: SmtpSink, **login: str) -> Path:
    entries = [
        {"url": sink.url(agency_address(code), **login), "tag": code} for code in seed_agencies()
    ]
    return write_channels(path, entries)


@pytest.fixture
def mailer(seeded: AppContext, smtp_sink: SmtpSink, tmp_path: Path) -> AppContext:
    """The seed plan loaded, and `KEHOACH_APPRISE_CONFIG` emailing every agency via the sink."""
    seeded.settings.apprise_config = email_everyone(tmp_path / "kenh-gui.yaml", smtp_sink)
    return seeded


class Result:
    """What a command printed and its exit code."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    code = _run(lambda: app(list(args), standalone_mode=False))
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


@pytest.fixture
def kehoach(context: AppContext, capsys: pytest.CaptureFixture[str]):
    """`kehoach ARGS…` in this process, against the test's own KEHOACH_HOME."""

    def run(*args: str) -> Result:
        return run_cli(capsys, *args)

    return run
