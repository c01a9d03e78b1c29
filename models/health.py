"""Step health in the government's status words, computed from plain facts and `now`."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import NamedTuple

from models.calendar import WorkingCalendar

# VIETNAM is re-exported: modules written before models.timeutil import it from here.
from models.timeutil import VIETNAM as VIETNAM
from models.timeutil import local_day


class Progress(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    DONE = "done"
    BLOCKED = "blocked"


# Enum construction by value is slow on hot paths; a dict lookup is not.
PROGRESS_BY_VALUE = {p.value: p for p in Progress}


PROGRESS_LABELS = {
    Progress.NOT_STARTED: "chưa bắt đầu",
    Progress.IN_PROGRESS: "đang thực hiện",
    Progress.SUBMITTED: "đã nộp",
    Progress.DONE: "đã hoàn thành",
    Progress.BLOCKED: "có vướng mắc",
}


class Health(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    BLOCKED = "blocked"
    OVERDUE = "overdue"
    STALLED = "stalled"
    DUE_SOON = "due_soon"
    WAITING = "waiting"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"


HEALTH_LABELS = {
    Health.DONE_ON_TIME: "hoàn thành đúng hạn",
    Health.DONE_LATE: "hoàn thành quá hạn",
    Health.BLOCKED: "vướng mắc",
    Health.OVERDUE: "quá hạn",
    Health.STALLED: "không cập nhật",
    Health.DUE_SOON: "sắp đến hạn",
    Health.WAITING: "chờ bước trước",
    Health.IN_PROGRESS: "đang thực hiện trong hạn",
    Health.NOT_STARTED: "chưa bắt đầu",
}

# Most urgent first: the order of tables, digests and reminders.
URGENCY = list(Health)

# A responsibility with any step in these states is off track (shown red).
LATE_OR_BLOCKED = frozenset({Health.OVERDUE, Health.BLOCKED})
FINISHED = frozenset({Health.DONE_ON_TIME, Health.DONE_LATE})


# NamedTuples, not dataclasses: status builds one per step and 100k steps must take < 1 s.
class StepFacts(NamedTuple):
    deadline: dt.date
    progress: Progress = Progress.NOT_STARTED
    last_update_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    extended_to: dt.date | None = None
    dependencies_done: bool = True


class HealthRules(NamedTuple):
    due_soon_within: int = 3
    stalled_after: int = 5


class Assessment(NamedTuple):
    health: Health
    working_days_left: int
    working_days_late: int = 0

    @property
    def label(self) -> str:
        base = HEALTH_LABELS[self.health]
        if self.working_days_late and self.health in (Health.OVERDUE, Health.DONE_LATE):
            return f"{base} {self.working_days_late} ngày làm việc"
        return base


def assess(
    facts: StepFacts, now: dt.datetime, calendar: WorkingCalendar, rules: HealthRules
) -> Assessment:
    today = local_day(now)
    effective = facts.extended_to or facts.deadline
    left = calendar.working_days_between(today, effective)
    if facts.completed_at is not None:
        return _completed(facts, calendar, left)
    if facts.progress is Progress.BLOCKED:
        return Assessment(Health.BLOCKED, left, max(0, -left))
    if today > effective:
        return Assessment(Health.OVERDUE, left, max(1, -left))
    return Assessment(_open_health(facts, today, calendar, rules, left), left)


def _completed(facts: StepFacts, calendar: WorkingCalendar, left: int) -> Assessment:
    assert facts.completed_at is not None
    # Lateness is judged against the plan's deadline, not an extension: an extended
    # step finished after its original date is still reported as done late.
    late = calendar.working_days_between(facts.deadline, local_day(facts.completed_at))
    if local_day(facts.completed_at) > facts.deadline:
        return Assessment(Health.DONE_LATE, left, max(1, late))
    return Assessment(Health.DONE_ON_TIME, left)


def _open_health(
    facts: StepFacts, today: dt.date, calendar: WorkingCalendar, rules: HealthRules, left: int
) -> Health:
    if facts.progress is Progress.IN_PROGRESS and _stalled(facts, today, calendar, rules):
        return Health.STALLED
    if left <= rules.due_soon_within:
        return Health.DUE_SOON
    if facts.progress is Progress.IN_PROGRESS:
        return Health.IN_PROGRESS
    # Only a step nobody has started is "waiting": once work began, it is work in progress.
    return Health.NOT_STARTED if facts.dependencies_done else Health.WAITING


def _stalled(
    facts: StepFacts, today: dt.date, calendar: WorkingCalendar, rules: HealthRules
) -> bool:
    if facts.last_update_at is None:
        return False
    quiet = calendar.working_days_between(local_day(facts.last_update_at), today)
    return quiet >= rules.stalled_after


def is_completed(progress: Progress) -> bool:
    return progress in (Progress.SUBMITTED, Progress.DONE)
