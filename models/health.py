"""Step health in the government's status words, computed from plain facts and `now`."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import NamedTuple

from models.calendar import WorkingCalendar
from models.recurrence import Cycle, check_in_missed

# VIETNAM is re-exported: modules written before models.timeutil import it from here.
from models.timeutil import VIETNAM as VIETNAM
from models.timeutil import local_day


class Progress(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    DONE = "done"
    BLOCKED = "blocked"
    # Khi cần thiết / nếu có: a conditional step the lead declared void (models.receipts).
    NOT_APPLICABLE = "not_applicable"


# Enum construction by value is slow on hot paths; a dict lookup is not.
PROGRESS_BY_VALUE = {p.value: p for p in Progress}


PROGRESS_LABELS = {
    Progress.NOT_STARTED: "chưa bắt đầu",
    Progress.IN_PROGRESS: "đang thực hiện",
    Progress.SUBMITTED: "đã nộp",
    Progress.DONE: "đã hoàn thành",
    Progress.BLOCKED: "có vướng mắc",
    Progress.NOT_APPLICABLE: "không phát sinh",
}


class Health(StrEnum):
    """Lateness, in the categories of provincial task-tracking reports (see HEALTH_LABELS)."""

    OVERDUE = "overdue"
    NOT_DONE = "not_done"
    DUE_SOON = "due_soon"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    DONE_LATE = "done_late"
    DONE_ON_TIME = "done_on_time"
    # REC: a duty without a deadline ("thường xuyên"): never late, never "on time".
    ONGOING = "ongoing"
    # Neither done nor late: excluded from every count of due work (models.figures).
    NOT_APPLICABLE = "not_applicable"


# The report categories of the Government's and the provinces' task-tracking systems
# (Quy chế theo dõi, đôn đốc, kiểm tra việc thực hiện nhiệm vụ: Quyết định 42/2014/QĐ-TTg,
# consolidated as 01/HNVB-VPCP of 11/07/2018, and the provincial Quy chế modelled on it,
# e.g. Quyết định 22/2015/QĐ-UBND of UBND tỉnh Sơn La): "đã hoàn thành đúng hạn",
# "đã hoàn thành quá hạn", "đang thực hiện trong hạn", "chưa hoàn thành, quá hạn".
# See docs/status-words.md.
HEALTH_LABELS = {
    Health.OVERDUE: "chưa hoàn thành, quá hạn",
    Health.NOT_DONE: "không hoàn thành",
    Health.DUE_SOON: "sắp đến hạn",
    Health.IN_PROGRESS: "đang thực hiện trong hạn",
    Health.NOT_STARTED: "chưa bắt đầu, còn trong hạn",
    Health.DONE_LATE: "đã hoàn thành quá hạn",
    Health.DONE_ON_TIME: "đã hoàn thành đúng hạn",
    Health.ONGOING: "nhiệm vụ thường xuyên",
    Health.NOT_APPLICABLE: "không phát sinh",
}


class Flag(StrEnum):
    """Shown beside the lateness, never instead of it: a blocked step can also be late."""

    BLOCKED = "blocked"
    STALLED = "stalled"
    WAITING = "waiting"
    # Submitted; the step completes when a receiver confirms receipt (models.receipts).
    AWAITING_RECEIPT = "awaiting_receipt"


FLAG_LABELS = {
    Flag.BLOCKED: "vướng mắc",
    Flag.STALLED: "không cập nhật",
    Flag.WAITING: "chờ bước trước",
    Flag.AWAITING_RECEIPT: "chờ xác nhận đã nhận",
}

NO_FLAGS: frozenset[Flag] = frozenset()
BLOCKED_FLAG = frozenset({Flag.BLOCKED})
STALLED_FLAG = frozenset({Flag.STALLED})
WAITING_FLAG = frozenset({Flag.WAITING})
AWAITING_RECEIPT_FLAG = frozenset({Flag.AWAITING_RECEIPT})

# Report order of the categories, most urgent first (counts, summaries).
URGENCY = list(Health)

FINISHED = frozenset({Health.DONE_ON_TIME, Health.DONE_LATE})
LATE = frozenset({Health.OVERDUE, Health.NOT_DONE})


# NamedTuples, not dataclasses: status builds one per step and 100k steps must take < 1 s.
class StepFacts(NamedTuple):
    """`deadline`/`extended_to`: those in force at `now`, or at completion for a finished step."""

    deadline: dt.date
    progress: Progress = Progress.NOT_STARTED
    last_update_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    extended_to: dt.date | None = None
    dependencies_done: bool = True
    # REC: an ongoing duty's check-in cycle, and the day its tracking started (period start).
    check_in: str | None = None
    tracked_from: dt.date | None = None
    # Set while a submitted deliverable waits for the receiver's confirmation.
    submitted_at: dt.datetime | None = None


class HealthRules(NamedTuple):
    due_soon_within: int = 3
    stalled_after: int = 5
    # Finishing inside a granted extension counts as on time (the default; see
    # docs/status-words.md for the source) unless the plan or province says otherwise.
    extension_on_time: bool = True


class Assessment(NamedTuple):
    health: Health
    working_days_left: int
    working_days_late: int = 0
    flags: frozenset[Flag] = NO_FLAGS
    within_extension: bool = False

    @property
    def lateness_label(self) -> str:
        base = HEALTH_LABELS[self.health]
        if self.working_days_late and self.health is Health.NOT_DONE:
            return f"{base}, quá hạn {self.working_days_late} ngày làm việc"
        if self.working_days_late and self.health in (Health.OVERDUE, Health.DONE_LATE):
            return f"{base} {self.working_days_late} ngày làm việc"
        if self.health is Health.DUE_SOON:
            return _due_soon(self.working_days_left)
        return base

    @property
    def label(self) -> str:
        words = self.lateness_label
        if self.within_extension:
            words += " (trong thời hạn được gia hạn)"
        flags = [FLAG_LABELS[f] for f in Flag if f in self.flags]
        return "; ".join([words, *flags])

    @property
    def red(self) -> bool:
        """Off track: late, or blocked (shown red, a failed run in Prefect)."""
        return self.health in LATE or Flag.BLOCKED in self.flags


def _due_soon(left: int) -> str:
    if left <= 0:
        return "đến hạn hôm nay"
    return f"sắp đến hạn, còn {left} ngày làm việc"


def urgency_rank(assessment: Assessment) -> int:
    """Blocked or late, then due soon, then in progress, then not started, finished last."""
    if assessment.red:
        return 0
    return _RANKS[assessment.health]


_RANKS = {
    Health.DUE_SOON: 1,
    Health.IN_PROGRESS: 2,
    Health.NOT_STARTED: 3,
    Health.DONE_LATE: 4,
    Health.DONE_ON_TIME: 4,
    Health.OVERDUE: 0,
    Health.NOT_DONE: 0,
    Health.ONGOING: 3,
    Health.NOT_APPLICABLE: 5,
}


def urgency_key(assessment: Assessment, deadline: dt.date) -> tuple[int, int, dt.date]:
    """The one ordering of steps everywhere: rank, then the most days late, then the deadline."""
    return (urgency_rank(assessment), -assessment.working_days_late, deadline)


def assess(
    facts: StepFacts,
    now: dt.datetime,
    calendar: WorkingCalendar,
    rules: HealthRules,
    closed: bool = False,
) -> Assessment:
    """`closed`: the plan was closed (kết thúc) at `now`; what is open gets its final word."""
    today = local_day(now)
    if facts.check_in is not None:
        return _ongoing(facts, Cycle(facts.check_in), today, calendar)
    effective = facts.extended_to or facts.deadline
    left = calendar.working_days_between(today, effective)
    if facts.completed_at is not None:
        return _completed(facts, calendar, rules, left)
    if facts.progress is Progress.NOT_APPLICABLE:
        return Assessment(Health.NOT_APPLICABLE, left)
    if facts.progress is Progress.SUBMITTED and facts.submitted_at is not None:
        return _awaiting_receipt(facts, calendar, effective, left, closed)
    if facts.progress is Progress.NOT_STARTED:  # most steps: no call on the hot path
        flags = NO_FLAGS if facts.dependencies_done else WAITING_FLAG
    else:
        flags = _flags(facts, today, calendar, rules)
    late = max(1, -left) if today > effective else 0
    if closed:
        return Assessment(Health.NOT_DONE, left, late, flags)
    if late:
        return Assessment(Health.OVERDUE, left, late, flags)
    return Assessment(_open_health(facts, rules, left), left, 0, flags)


def _ongoing(
    facts: StepFacts, every: Cycle, today: dt.date, calendar: WorkingCalendar
) -> Assessment:
    """Never overdue (no deadline was invented); "không cập nhật" when a check-in is missed."""
    left = max(0, calendar.working_days_between(today, facts.deadline))
    if facts.progress is Progress.BLOCKED:
        return Assessment(Health.ONGOING, left, 0, BLOCKED_FLAG)
    updated = local_day(facts.last_update_at) if facts.last_update_at else None
    start = facts.tracked_from or today
    # The duty ends with the plan's period: no check-in is expected after it.
    day = min(today, facts.deadline)
    if facts.completed_at is None and check_in_missed(every, start, updated, day):
        return Assessment(Health.ONGOING, left, 0, STALLED_FLAG)
    return Assessment(Health.ONGOING, left, 0, NO_FLAGS)


def _awaiting_receipt(
    facts: StepFacts,
    calendar: WorkingCalendar,
    effective: dt.date,
    left: int,
    closed: bool,
) -> Assessment:
    """The lead's part is judged when it submitted: the receiver's delay is not its lateness."""
    assert facts.submitted_at is not None
    sent = local_day(facts.submitted_at)
    late = max(1, calendar.working_days_between(effective, sent)) if sent > effective else 0
    if closed:
        return Assessment(Health.NOT_DONE, left, late, AWAITING_RECEIPT_FLAG)
    health = Health.OVERDUE if late else Health.IN_PROGRESS
    return Assessment(health, left, late, AWAITING_RECEIPT_FLAG)


def _completed(
    facts: StepFacts, calendar: WorkingCalendar, rules: HealthRules, left: int
) -> Assessment:
    assert facts.completed_at is not None
    finished = local_day(facts.completed_at)
    extended = facts.extended_to
    inside = extended is not None and facts.deadline < finished <= extended
    # Whether the extension counts is the plan's (or province's) rule, shown in the label.
    judged = extended if extended is not None and rules.extension_on_time else facts.deadline
    if finished > judged:
        late = calendar.working_days_between(judged, finished)
        return Assessment(Health.DONE_LATE, left, max(1, late), NO_FLAGS, inside)
    return Assessment(Health.DONE_ON_TIME, left, 0, NO_FLAGS, inside)


def _flags(
    facts: StepFacts, today: dt.date, calendar: WorkingCalendar, rules: HealthRules
) -> frozenset[Flag]:
    if facts.progress is Progress.NOT_STARTED:
        return NO_FLAGS if facts.dependencies_done else WAITING_FLAG
    if facts.progress is Progress.BLOCKED:
        return BLOCKED_FLAG
    if facts.progress is Progress.IN_PROGRESS and _stalled(facts, today, calendar, rules):
        return STALLED_FLAG
    # Only a step nobody has started is "waiting": once work began, it is work in progress.
    return NO_FLAGS


def _open_health(facts: StepFacts, rules: HealthRules, left: int) -> Health:
    if left <= rules.due_soon_within:
        return Health.DUE_SOON
    if facts.progress is Progress.NOT_STARTED:
        return Health.NOT_STARTED
    return Health.IN_PROGRESS


def _stalled(
    facts: StepFacts, today: dt.date, calendar: WorkingCalendar, rules: HealthRules
) -> bool:
    if facts.last_update_at is None:
        return False
    quiet = calendar.working_days_between(local_day(facts.last_update_at), today)
    return quiet >= rules.stalled_after


def is_completed(progress: Progress) -> bool:
    return progress in (Progress.SUBMITTED, Progress.DONE)
