"""Step health at its edges: a blocked step's lateness, finished steps, stalls without updates."""

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
    is_completed,
    local_day,
)

CALENDAR = vietnam_calendar()
RULES = HealthRules(due_soon_within=3, stalled_after=5)
DEADLINE = dt.date(2024, 5, 9)  # a Thursday


def at(day: int, hour: int = 8) -> dt.datetime:
    """A time in Vietnam on a day of May 2024, as a UTC instant."""
    return dt.datetime(2024, 5, day, hour - 7, tzinfo=dt.UTC)


def health(now: dt.datetime, **facts: object) -> Assessment:
    return assess(StepFacts(DEADLINE, **facts), now, CALENDAR, RULES)  # type: ignore[arg-type]


def test_a_blocked_step_past_its_deadline_counts_its_working_days_late() -> None:
    # 10, 13, 14 May are working days after the deadline; the blockage is a flag beside it.
    blocked = health(at(14), progress=Progress.BLOCKED)
    assert blocked == Assessment(Health.OVERDUE, -3, 3, frozenset({Flag.BLOCKED}))
    assert blocked.label == "chưa hoàn thành, quá hạn 3 ngày làm việc; vướng mắc"


def test_a_blocked_step_before_its_deadline_is_not_late() -> None:
    blocked = frozenset({Flag.BLOCKED})
    # 3, 4 (a make-up Saturday), 6, 7, 8 and 9 May are left on 2 May.
    assert health(at(2), progress=Progress.BLOCKED) == Assessment(Health.IN_PROGRESS, 6, 0, blocked)
    assert health(at(7), progress=Progress.BLOCKED) == Assessment(Health.DUE_SOON, 2, 0, blocked)
    assert health(at(9), progress=Progress.BLOCKED) == Assessment(Health.DUE_SOON, 0, 0, blocked)
    assert health(at(9), progress=Progress.BLOCKED).label == "đến hạn hôm nay; vướng mắc"


def test_a_step_finished_late_keeps_the_days_left_as_of_now() -> None:
    finished = {"progress": Progress.DONE, "completed_at": at(13)}
    assert health(at(15), **finished) == Assessment(Health.DONE_LATE, -4, 2)
    assert health(at(15), **finished).label == "đã hoàn thành quá hạn 2 ngày làm việc"


def test_a_step_finished_in_time_keeps_the_days_left_as_of_now() -> None:
    finished = {"progress": Progress.SUBMITTED, "completed_at": at(8)}
    assert health(at(6), **finished) == Assessment(Health.DONE_ON_TIME, 3, 0)


def test_work_in_progress_never_updated_is_not_stalled() -> None:
    assert health(at(2), progress=Progress.IN_PROGRESS) == Assessment(Health.IN_PROGRESS, 6, 0)


def test_one_working_day_left_is_due_soon_not_due_today() -> None:
    assert health(at(8)).label == "sắp đến hạn, còn 1 ngày làm việc"
    assert health(at(9)).label == "đến hạn hôm nay"


def test_a_closed_plan_gives_open_work_its_final_word_with_its_flags() -> None:
    facts = StepFacts(DEADLINE, Progress.BLOCKED)
    closed = assess(facts, at(7), CALENDAR, RULES, closed=True)
    assert closed == Assessment(Health.NOT_DONE, 2, 0, frozenset({Flag.BLOCKED}))


def test_finishing_inside_an_extension_starts_the_day_after_the_deadline() -> None:
    extended = {"progress": Progress.DONE, "extended_to": dt.date(2024, 5, 14)}
    on_deadline = health(at(15), completed_at=at(9), **extended)
    on_extension = health(at(15), completed_at=at(14), **extended)
    assert (on_deadline.within_extension, on_extension.within_extension) == (False, True)
    assert on_extension.health is Health.DONE_ON_TIME


def test_submitted_and_done_are_the_completed_states() -> None:
    assert [p for p in Progress if is_completed(p)] == [Progress.SUBMITTED, Progress.DONE]


def test_the_local_day_is_the_day_in_vietnam() -> None:
    assert local_day(dt.datetime(2024, 5, 8, 18, tzinfo=dt.UTC)) == dt.date(2024, 5, 9)
