"""Turn deadline rules into due days, as plans write them.

A rule names a day: a date read with the text's meaning ("chậm nhất", "trước ngày",
"trong tháng"), or working/calendar days from an event or another step. The day-off rule
then makes it the due day (docs/deadlines-and-status.md cites the sources).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import NamedTuple

from models.calendar import DayOffRule, WorkingCalendar
from models.event_kinds import day_noun
from models.plan import DayCount, Deadline, DeadlineMeaning, Plan


class DeadlineCycleError(ValueError):
    def __init__(self, step_ids: list[str]) -> None:
        super().__init__(" → ".join(step_ids))
        self.step_ids = step_ids


class DeadlineEventError(ValueError):
    """A relative deadline whose event cannot be told (none, unknown, or several)."""


def _last_of_month(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _dated(rule: Deadline, calendar: WorkingCalendar) -> dt.date:
    assert rule.date is not None
    if rule.meaning is DeadlineMeaning.BEFORE:
        # "trước ngày X": the delivery must reach the office before X, and the office
        # is closed on days off, so the last working day before X.
        return calendar.add_working_days(rule.date, -1)
    if rule.meaning is DeadlineMeaning.WITHIN_MONTH:
        return calendar.previous_working_day(_last_of_month(rule.date))
    return rule.date


def _offset(day: dt.date, n: int, counting: DayCount, calendar: WorkingCalendar) -> dt.date:
    if counting is DayCount.CALENDAR:
        return day + dt.timedelta(days=n)
    return calendar.add_working_days(day, n)


def rule_date(
    rule: Deadline,
    event_date: dt.date | None,
    calendar: WorkingCalendar,
    resolved: Mapping[str, dt.date],
) -> dt.date:
    """The day the rule's words name, before the day-off rule is applied."""
    if rule.date is not None:
        return _dated(rule, calendar)
    if rule.after_step is not None:
        counting = DayCount.WORKING if rule.working_days is not None else DayCount.CALENDAR
        n = rule.working_days if rule.working_days is not None else rule.calendar_days
        assert n is not None
        return _offset(resolved[rule.after_step], n, counting, calendar)
    if event_date is None:
        raise DeadlineEventError("hạn tính theo sự kiện nhưng không rõ sự kiện nào")
    if rule.before_event is not None:
        return _offset(event_date, -rule.before_event, rule.days, calendar)
    assert rule.after_event is not None
    return _offset(event_date, rule.after_event, rule.days, calendar)


def day_off_rule(plan: Plan, rule: Deadline) -> DayOffRule:
    return rule.on_day_off or plan.calendar.day_off_rule


def due_day(day: dt.date, rule: DayOffRule, calendar: WorkingCalendar) -> dt.date:
    """A due day on a day off moves to the next working day (Bộ luật Dân sự 2015, Điều 148
    khoản 5: a period whose last day is a day off ends on the next working day), or stays."""
    if rule is DayOffRule.KEEP:
        return day
    return calendar.next_working_day(day)


def event_dates(plan: Plan, overrides: Mapping[str, dt.date] | None = None) -> dict[str, dt.date]:
    """Each event's date (by id): the plan's, or the one given (confirmed, moved)."""
    return {e.id: (overrides or {}).get(e.id, e.date) for e in plan.events}


def _event_date(plan: Plan, rule: Deadline, dates: Mapping[str, dt.date]) -> dt.date | None:
    event = plan.event_of(rule)
    return None if event is None else dates[event.id]


def named_days(
    plan: Plan, calendar: WorkingCalendar, dates: Mapping[str, dt.date] | None = None
) -> dict[str, dt.date]:
    """The day each step's rule names (by step id), before the day-off rule."""
    return _resolve(plan, calendar, event_dates(plan, dates), apply_day_off=False)


def resolve_deadlines(
    plan: Plan, calendar: WorkingCalendar, dates: Mapping[str, dt.date] | None = None
) -> dict[str, dt.date]:
    """Due day of every step (by step id), the day-off rule applied, for the given event
    dates by event id (default: the plan's). A step after another counts from its due day."""
    return _resolve(plan, calendar, event_dates(plan, dates), apply_day_off=True)


def _resolve(
    plan: Plan, calendar: WorkingCalendar, dates: Mapping[str, dt.date], *, apply_day_off: bool
) -> dict[str, dt.date]:
    # Recurring steps and ongoing duties have no single deadline (models.steps expands them).
    rules = {step.id: step.deadline for _, step in plan.all_steps() if step.deadline is not None}
    due: dict[str, dt.date] = {}
    named: dict[str, dt.date] = {}

    def resolve(step_id: str, chain: list[str]) -> dt.date:
        if step_id in due:
            return due[step_id]
        if step_id in chain:
            raise DeadlineCycleError([*chain[chain.index(step_id) :], step_id])
        rule = rules[step_id]
        if rule.after_step is not None:
            resolve(rule.after_step, [*chain, step_id])
        named[step_id] = rule_date(rule, _event_date(plan, rule, dates), calendar, due)
        due[step_id] = due_day(named[step_id], day_off_rule(plan, rule), calendar)
        return due[step_id]

    for step_id in rules:
        resolve(step_id, [])
    return due if apply_day_off else named


class DayOffNote(NamedTuple):
    """A step whose named day is a day off, and what the day-off rule made of it."""

    step_id: str
    named: dt.date
    due: dt.date
    reason: str  # the calendar's name of the day off: "Chủ nhật", "Tết Nguyên đán"
    rule: DayOffRule


def day_off_notes(plan: Plan, calendar: WorkingCalendar) -> list[DayOffNote]:
    """Every step whose rule names a day off: validation tells the person what happened."""
    named = named_days(plan, calendar)
    due = resolve_deadlines(plan, calendar)
    notes = []
    for _, step in plan.all_steps():
        if step.deadline is None:
            continue  # a cycle or an ongoing duty: its occurrences are checked on their own
        reason = calendar.day_off_reason(named[step.id])
        if reason is not None:
            rule = day_off_rule(plan, step.deadline)
            notes.append(DayOffNote(step.id, named[step.id], due[step.id], reason, rule))
    return notes


# --- Deadlines as history ----------------------------------------------------------------


class DeadlineReason(StrEnum):
    """Why a step's deadline became what it is (each a row of the deadline history)."""

    PLAN_TEXT = "plan_text"
    PLAN_CHANGED = "plan_changed"
    EVENT_MOVED = "event_moved"
    EXTENDED = "extended"
    BACKFILL = "backfill"


REASON_LABELS = {
    DeadlineReason.PLAN_TEXT: "theo kế hoạch",
    DeadlineReason.PLAN_CHANGED: "kế hoạch được sửa",
    DeadlineReason.EVENT_MOVED: "dời theo ngày tổ chức sự kiện",
    DeadlineReason.EXTENDED: "được gia hạn",
    DeadlineReason.BACKFILL: "khôi phục từ nhật ký",
}


def reason_label(reason: DeadlineReason, kind: str | None = None) -> str:
    """'dời theo ngày bầu cử': an event move is named by the event's kind."""
    if reason is DeadlineReason.EVENT_MOVED and kind:
        return f"dời theo {day_noun(kind)}"
    return REASON_LABELS[reason]


class DeadlineRecord(NamedTuple):
    """What was in force from `at` on: the rule's date, an extension, the event date."""

    at: dt.datetime
    deadline: dt.date
    extended_to: dt.date | None
    event_date: dt.date | None  # the step's event's (None: a plan without events)
    reason: DeadlineReason

    @property
    def effective(self) -> dt.date:
        return self.extended_to or self.deadline


def in_force(records: Sequence[DeadlineRecord], at: dt.datetime) -> DeadlineRecord | None:
    """The record in force at `at`: the last one taking effect by then (records in order).

    Before the first record (a moment before the step was tracked) the first one stands.
    """
    chosen = records[0] if records else None
    for record in records:
        if record.at > at:
            break
        chosen = record
    return chosen


def carried_extension(
    old_deadline: dt.date,
    extended_to: dt.date | None,
    new_deadline: dt.date,
    calendar: WorkingCalendar,
) -> dt.date | None:
    """An extension across a moved deadline keeps its length in working days.

    The rule: an extension grants N working days beyond the deadline; when the deadline
    moves (the event moved), the extension moves with it and still ends N working days
    after the new deadline, so an extended agency is never told an earlier date than its
    peers, nor loses the time it was granted.
    """
    if extended_to is None:
        return None
    granted = calendar.working_days_between(old_deadline, extended_to)
    return calendar.add_working_days(new_deadline, max(granted, 0))
