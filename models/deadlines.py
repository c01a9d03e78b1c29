"""Turn deadline rules into dates: working days relative to the event or to another step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import NamedTuple

from models.calendar import WorkingCalendar
from models.plan import Deadline, Plan


class DeadlineCycleError(ValueError):
    def __init__(self, step_ids: list[str]) -> None:
        super().__init__(" → ".join(step_ids))
        self.step_ids = step_ids


def rule_date(
    rule: Deadline, event_date: dt.date, calendar: WorkingCalendar, resolved: Mapping[str, dt.date]
) -> dt.date:
    if rule.date is not None:
        return rule.date
    if rule.before_event is not None:
        return calendar.add_working_days(event_date, -rule.before_event)
    if rule.after_event is not None:
        return calendar.add_working_days(event_date, rule.after_event)
    assert rule.after_step is not None and rule.working_days is not None
    return calendar.add_working_days(resolved[rule.after_step], rule.working_days)


def resolve_deadlines(
    plan: Plan, calendar: WorkingCalendar, event_date: dt.date | None = None
) -> dict[str, dt.date]:
    """Deadline of every step (by step id), for the given event date (default: the plan's)."""
    event_day = event_date or plan.event.date
    # Recurring steps and ongoing duties have no single deadline (models.steps expands them).
    rules = {step.id: step.deadline for _, step in plan.all_steps() if step.deadline is not None}
    resolved: dict[str, dt.date] = {}

    def resolve(step_id: str, chain: list[str]) -> dt.date:
        if step_id in resolved:
            return resolved[step_id]
        if step_id in chain:
            raise DeadlineCycleError([*chain[chain.index(step_id) :], step_id])
        rule = rules[step_id]
        if rule.after_step is not None:
            resolve(rule.after_step, [*chain, step_id])
        resolved[step_id] = rule_date(rule, event_day, calendar, resolved)
        return resolved[step_id]

    for step_id in rules:
        resolve(step_id, [])
    return resolved


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
    DeadlineReason.EVENT_MOVED: "dời theo ngày hội nghị",
    DeadlineReason.EXTENDED: "được gia hạn",
    DeadlineReason.BACKFILL: "khôi phục từ nhật ký",
}


class DeadlineRecord(NamedTuple):
    """What was in force from `at` on: the rule's date, an extension, the event date."""

    at: dt.datetime
    deadline: dt.date
    extended_to: dt.date | None
    event_date: dt.date
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
