"""`kehoach sweep` asks the working calendar first: nothing on a day off, a sweep on a
make-up Saturday."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from kehoach.cli.main import _run, app
from kehoach.services.context import AppContext
from kehoach.store.outbox_tables import MessageRow, ReminderItemRow
from tests.smtp_sink import SmtpSink

HOLIDAY_NOTICE = (
    "Ngày 18/04/2024 là ngày nghỉ (Ngày Giỗ Tổ Hùng Vương): không rà soát, không gửi nhắc "
    "việc. Việc đến hạn sẽ được nhắc vào ngày làm việc tiếp theo, 19/04/2024."
)


def sweep(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """The exit code and, on success, what was printed; on failure, the error text."""
    code = _run(lambda: app(["sweep", *args], standalone_mode=False))
    captured = capsys.readouterr()
    return code, captured.out if code == 0 else captured.err


def count(context: AppContext, table: type) -> int:
    with context.database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_a_sweep_on_a_public_holiday_sends_nothing_and_says_why(
    capsys: pytest.CaptureFixture[str], mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    code, out = sweep(capsys, "--as-of", "2024-04-18T08:00")
    assert (code, out.strip()) == (0, HOLIDAY_NOTICE)
    assert count(mailer, ReminderItemRow) == count(mailer, MessageRow) == 0
    assert smtp_sink.messages == []


def test_a_dry_run_on_a_holiday_shows_the_same_notice(
    capsys: pytest.CaptureFixture[str], mailer: AppContext
) -> None:
    code, out = sweep(capsys, "--as-of", "18/04/2024", "--dry-run")
    assert (code, out.strip()) == (0, HOLIDAY_NOTICE)


def test_the_json_of_a_holiday_sweep_names_the_day_off(
    capsys: pytest.CaptureFixture[str], mailer: AppContext
) -> None:
    code, out = sweep(capsys, "--as-of", "2024-04-18T08:00", "--json")
    assert code == 0
    assert json.loads(out) == {"as_of": "2024-04-18T01:00:00+00:00", "day_off": HOLIDAY_NOTICE}


def test_a_sweep_on_the_day_swapped_for_a_make_up_saturday_sends_nothing(
    capsys: pytest.CaptureFixture[str], mailer: AppContext
) -> None:
    code, out = sweep(
        capsys, "--as-of", "2024-04-29T08:00", "--plan", "nt-2024-so-ket-vi-nguoi-ngheo"
    )
    assert code == 0 and "(Ngày nghỉ (thay cho ngày 04/05/2024))" in out
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
