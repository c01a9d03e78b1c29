"""Step health: the government's status words from plain facts and a fixed `now`."""

from __future__ import annotations

import datetime as dt

from models.calendar import vietnam_calendar
from models.health import Assessment, Health, HealthRules, Progress, StepFacts, assess

CALENDAR = vietnam_calendar()
RULES = HealthRules(due_soon_within=3, stalled_after=5)
DEADLINE = dt.date(2024, 4, 10)  # a Wednesday


def at(day: int, month: int = 4, hour: int = 8) -> dt.datetime:
    """08:00 in Vietnam on a day of 2024, as a UTC instant."""
    return dt.datetime(2024, month, day, hour - 7, 0, tzinfo=dt.UTC)


def health(now: dt.datetime, **facts: object) -> Assessment:
    return assess(StepFacts(deadline=DEADLINE, **facts), now, CALENDAR, RULES)  # type: ignore[arg-type]


def test_a_step_nobody_started_well_before_its_deadline_is_not_started() -> None:
    result = health(at(1))
    assert result.health is Health.NOT_STARTED and result.label == "chưa bắt đầu"
    assert result.working_days_left == 7


def test_a_step_three_working_days_from_its_deadline_is_due_soon() -> None:
    assert health(at(5)).health is Health.DUE_SOON
    assert health(at(5)).label == "sắp đến hạn"


def test_the_deadline_day_itself_is_not_yet_overdue() -> None:
    assert health(at(10, hour=16)).health is Health.DUE_SOON


def test_overdue_counts_working_days_late_across_a_weekend_and_a_holiday() -> None:
    # 10/4 deadline; 11, 12, 15, 16, 17 working; 18/4 Hùng Kings' Day; 19/4 working.
    result = health(at(19))
    assert result.health is Health.OVERDUE
    assert result.working_days_late == 6
    assert result.label == "quá hạn 6 ngày làm việc"


def test_a_step_in_progress_with_fresh_updates_is_on_time() -> None:
    result = health(at(1), progress=Progress.IN_PROGRESS, last_update_at=at(1))
    assert result.health is Health.IN_PROGRESS and result.label == "đang thực hiện trong hạn"


def test_a_step_in_progress_without_an_update_for_five_working_days_is_stalled() -> None:
    quiet = health(at(3, hour=9), progress=Progress.IN_PROGRESS, last_update_at=at(27, month=3))
    assert quiet.health is Health.STALLED and quiet.label == "không cập nhật"
    fresh = health(at(2, hour=9), progress=Progress.IN_PROGRESS, last_update_at=at(27, month=3))
    assert fresh.health is Health.IN_PROGRESS


def test_a_step_waiting_for_an_unfinished_dependency_says_so() -> None:
    assert health(at(1), dependencies_done=False).label == "chờ bước trước"


def test_a_reported_difficulty_is_blocked_whatever_the_deadline() -> None:
    assert health(at(1), progress=Progress.BLOCKED).label == "vướng mắc"
    assert health(at(19), progress=Progress.BLOCKED).health is Health.BLOCKED


def test_done_on_the_deadline_day_is_on_time_and_a_day_later_is_late() -> None:
    on_time = health(at(19), progress=Progress.DONE, completed_at=at(10, hour=16))
    assert on_time.label == "hoàn thành đúng hạn"
    late = health(at(19), progress=Progress.DONE, completed_at=at(11))
    assert late.health is Health.DONE_LATE and late.label == "hoàn thành quá hạn 1 ngày làm việc"


def test_an_extension_stops_overdue_but_finishing_after_the_original_date_is_still_late() -> None:
    extended = dt.date(2024, 4, 24)
    assert health(at(15), extended_to=extended).health is Health.NOT_STARTED
    finished = health(at(22), progress=Progress.DONE, completed_at=at(16), extended_to=extended)
    assert finished.health is Health.DONE_LATE
