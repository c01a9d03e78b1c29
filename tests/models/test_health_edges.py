"""Step health at its edges: a blocked step's lateness, finished steps, stalls without updates."""

from __future__ import annotations

import datetime as dt

from models.calendar import vietnam_calendar
from models.health import (
    Assessment,
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
    # 10, 13, 14 May are working days after the deadline.
    assert health(at(14), progress=Progress.BLOCKED) == Assessment(Health.BLOCKED, -3, 3)
    assert health(at(14), progress=Progress.BLOCKED).label == "vướng mắc"


def test_a_blocked_step_before_its_deadline_is_not_late() -> None:
    assert health(at(7), progress=Progress.BLOCKED) == Assessment(Health.BLOCKED, 2, 0)
    assert health(at(9), progress=Progress.BLOCKED) == Assessment(Health.BLOCKED, 0, 0)


def test_a_step_finished_late_keeps_the_days_left_as_of_now() -> None:
    finished = {"progress": Progress.DONE, "completed_at": at(13)}
    assert health(at(15), **finished) == Assessment(Health.DONE_LATE, -4, 2)
    assert health(at(15), **finished).label == "hoàn thành quá hạn 2 ngày làm việc"


def test_a_step_finished_in_time_keeps_the_days_left_as_of_now() -> None:
    finished = {"progress": Progress.SUBMITTED, "completed_at": at(8)}
    assert health(at(6), **finished) == Assessment(Health.DONE_ON_TIME, 3, 0)


def test_work_in_progress_never_updated_is_not_stalled() -> None:
    assert health(at(2), progress=Progress.IN_PROGRESS).health is Health.IN_PROGRESS


def test_submitted_and_done_are_the_completed_states() -> None:
    assert [p for p in Progress if is_completed(p)] == [Progress.SUBMITTED, Progress.DONE]


def test_the_local_day_is_the_day_in_vietnam() -> None:
    assert local_day(dt.datetime(2024, 5, 8, 18, tzinfo=dt.UTC)) == dt.date(2024, 5, 9)
