"""Step health: the government's status words from plain facts and a fixed `now`."""

from __future__ import annotations

import datetime as dt

from models.calendar import vietnam_calendar
from models.health import (
    Assessment,
    Flag,
    Health,
    HealthRules,
    Progress,
    StepFacts,
    assess,
    urgency_key,
    urgency_rank,
)

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
    assert result.health is Health.NOT_STARTED and result.label == "chưa bắt đầu, còn trong hạn"
    assert result.working_days_left == 7


def test_a_step_three_working_days_from_its_deadline_is_due_soon() -> None:
    assert health(at(5)).health is Health.DUE_SOON
    assert health(at(5)).label == "sắp đến hạn, còn 3 ngày làm việc"


def test_the_deadline_day_itself_is_not_yet_overdue() -> None:
    assert health(at(10, hour=16)).health is Health.DUE_SOON
    assert health(at(10, hour=16)).label == "đến hạn hôm nay"


def test_overdue_counts_working_days_late_across_a_weekend_and_a_holiday() -> None:
    # 10/4 deadline; 11, 12, 15, 16, 17 working; 18/4 Hùng Kings' Day; 19/4 working.
    result = health(at(19))
    assert result.health is Health.OVERDUE
    assert result.working_days_late == 6
    assert result.label == "chưa hoàn thành, quá hạn 6 ngày làm việc"


def test_a_step_in_progress_with_fresh_updates_is_on_time() -> None:
    result = health(at(1), progress=Progress.IN_PROGRESS, last_update_at=at(1))
    assert result.health is Health.IN_PROGRESS and result.label == "đang thực hiện trong hạn"


def test_a_step_in_progress_without_an_update_for_five_working_days_is_flagged_stalled() -> None:
    quiet = health(at(3, hour=9), progress=Progress.IN_PROGRESS, last_update_at=at(27, month=3))
    assert quiet.health is Health.IN_PROGRESS and quiet.flags == {Flag.STALLED}
    assert quiet.label == "đang thực hiện trong hạn; không cập nhật"
    fresh = health(at(2, hour=9), progress=Progress.IN_PROGRESS, last_update_at=at(27, month=3))
    assert fresh.flags == frozenset()


def test_a_step_waiting_for_an_unfinished_dependency_says_so_beside_its_lateness() -> None:
    assert (
        health(at(1), dependencies_done=False).label
        == "chưa bắt đầu, còn trong hạn; chờ bước trước"
    )
    late = health(at(19), dependencies_done=False)
    assert late.health is Health.OVERDUE and late.flags == {Flag.WAITING}


def test_a_blocked_step_past_its_deadline_is_both_late_and_blocked() -> None:
    early = health(at(1), progress=Progress.BLOCKED)
    assert early.health is Health.IN_PROGRESS and early.flags == {Flag.BLOCKED}
    assert early.label == "đang thực hiện trong hạn; vướng mắc"
    late = health(at(19), progress=Progress.BLOCKED)
    assert late.health is Health.OVERDUE and late.working_days_late == 6
    assert late.label == "chưa hoàn thành, quá hạn 6 ngày làm việc; vướng mắc"
    assert early.red and late.red


def test_done_on_the_deadline_day_is_on_time_and_a_day_later_is_late() -> None:
    on_time = health(at(19), progress=Progress.DONE, completed_at=at(10, hour=16))
    assert on_time.label == "đã hoàn thành đúng hạn"
    late = health(at(19), progress=Progress.DONE, completed_at=at(11))
    assert late.health is Health.DONE_LATE
    assert late.label == "đã hoàn thành quá hạn 1 ngày làm việc"


def test_an_extension_stops_overdue() -> None:
    extended = dt.date(2024, 4, 24)
    assert health(at(15), extended_to=extended).health is Health.NOT_STARTED


def test_finishing_inside_an_extension_is_on_time_by_default_and_says_so() -> None:
    extended = dt.date(2024, 4, 24)
    finished = health(at(22), progress=Progress.DONE, completed_at=at(16), extended_to=extended)
    assert finished.health is Health.DONE_ON_TIME and finished.within_extension
    assert finished.label == "đã hoàn thành đúng hạn (trong thời hạn được gia hạn)"


def test_a_plan_may_judge_finishing_inside_an_extension_against_the_deadline_before_it() -> None:
    strict = RULES._replace(extension_on_time=False)
    facts = StepFacts(
        DEADLINE, Progress.DONE, completed_at=at(16), extended_to=dt.date(2024, 4, 24)
    )
    finished = assess(facts, at(22), CALENDAR, strict)
    assert finished.health is Health.DONE_LATE and finished.working_days_late == 4
    assert finished.label == ("đã hoàn thành quá hạn 4 ngày làm việc (trong thời hạn được gia hạn)")


def test_finishing_after_an_extension_is_late_counted_from_the_extension() -> None:
    facts = StepFacts(
        DEADLINE, Progress.DONE, completed_at=at(19), extended_to=dt.date(2024, 4, 16)
    )
    finished = assess(facts, at(22), CALENDAR, RULES)
    assert finished.health is Health.DONE_LATE and finished.working_days_late == 2


def test_an_open_step_of_a_closed_plan_is_not_done_with_its_lateness_at_closing() -> None:
    closed = assess(StepFacts(DEADLINE), at(19), CALENDAR, RULES, closed=True)
    assert closed.health is Health.NOT_DONE and closed.working_days_late == 6
    assert closed.label == "không hoàn thành, quá hạn 6 ngày làm việc"
    early = assess(StepFacts(DEADLINE), at(1), CALENDAR, RULES, closed=True)
    assert early.label == "không hoàn thành"


def test_the_urgency_order_puts_blocked_and_late_first_and_finished_last() -> None:
    done = health(at(5), progress=Progress.DONE, completed_at=at(4))
    waiting = health(at(1), dependencies_done=False)
    moving = health(at(1), progress=Progress.IN_PROGRESS, last_update_at=at(1))
    soon = health(at(5))
    blocked = health(at(1), progress=Progress.BLOCKED)
    late = health(at(19))
    shuffled = [done, waiting, moving, soon, blocked, late]
    ordered = sorted(shuffled, key=lambda a: urgency_key(a, DEADLINE))
    assert ordered == [late, blocked, soon, moving, waiting, done]
    assert [urgency_rank(a) for a in ordered] == [0, 0, 1, 2, 3, 4]
