"""`kehoach sweep` asks the working calendar first: nothing on a day off, a sweep on a
make-up Saturday."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from kehoach.cli.main import _run, app
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from kehoach.store.outbox_tables import MessageRow, ReminderItemRow
from models.schedule import no_sweep_notice
from tests.smtp_sink import SmtpSink

PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"


@pytest.fixture
def holiday_notice(mailer: AppContext) -> str:
    """What the app's own calendar for the seed plan says on 18/04/2024."""
    with mailer.database.transaction() as session:
        _, calendar = plan_of(session, get_plan(session, PLAN_ID))
    notice = no_sweep_notice(calendar, dt.date(2024, 4, 18))
    assert notice is not None
    return notice


def test_the_holiday_notice_names_the_day_and_the_next_working_day(holiday_notice: str) -> None:
    assert holiday_notice.startswith("Ngày 18/04/2024 là ngày nghỉ (")
    assert "Giỗ Tổ Hùng Vương" in holiday_notice and holiday_notice.endswith(", 19/04/2024.")


def sweep(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """The exit code and, on success, what was printed; on failure, the error text."""
    code = _run(lambda: app(["sweep", *args], standalone_mode=False))
    captured = capsys.readouterr()
    return code, captured.out if code == 0 else captured.err


def count(context: AppContext, table: type) -> int:
    with context.database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_a_sweep_on_a_public_holiday_sends_nothing_and_says_why(
    capsys: pytest.CaptureFixture[str], mailer: AppContext, holiday_notice: str, smtp_sink: SmtpSink
) -> None:
    code, out = sweep(capsys, "--as-of", "2024-04-18T08:00")
    assert (code, out.strip()) == (0, holiday_notice)
    assert count(mailer, ReminderItemRow) == count(mailer, MessageRow) == 0
    assert smtp_sink.messages == []


def test_a_dry_run_on_a_holiday_shows_the_same_notice(
    capsys: pytest.CaptureFixture[str], mailer: AppContext, holiday_notice: str
) -> None:
    code, out = sweep(capsys, "--as-of", "18/04/2024", "--dry-run")
    assert (code, out.strip()) == (0, holiday_notice)


def test_the_json_of_a_holiday_sweep_names_the_day_off(
    capsys: pytest.CaptureFixture[str], mailer: AppContext, holiday_notice: str
) -> None:
    code, out = sweep(capsys, "--as-of", "2024-04-18T08:00", "--json")
    assert code == 0
    assert json.loads(out) == {"as_of": "2024-04-18T01:00:00+00:00", "day_off": holiday_notice}


def test_a_sweep_on_the_day_swapped_for_a_make_up_saturday_sends_nothing(
    capsys: pytest.CaptureFixture[str], mailer: AppContext
) -> None:
    code, out = sweep(capsys, "--as-of", "2024-04-29T08:00", "--plan", PLAN_ID)
    assert code == 0 and out.startswith("Ngày 29/04/2024 là ngày nghỉ (")
    assert count(mailer, ReminderItemRow) == 0


def test_a_sweep_on_a_make_up_saturday_selects_and_sends(
    capsys: pytest.CaptureFixture[str], mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    code, out = sweep(capsys, "--as-of", "2024-05-04T08:00")
    assert code == 0
    assert out.startswith("Rà soát nhắc việc lúc 08:00 04/05/2024 (giờ Việt Nam):")
    assert count(mailer, ReminderItemRow) > 0 and smtp_sink.messages


def test_an_unknown_plan_on_a_holiday_is_still_refused_by_name(
    capsys: pytest.CaptureFixture[str], mailer: AppContext
) -> None:
    code, err = sweep(capsys, "--as-of", "2024-04-18T08:00", "--plan", "khong-co")
    assert code == 2 and "Không có kế hoạch 'khong-co'" in err
