"""Turn deadline rules into dates: working days relative to the event or to another step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

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
    rules = {step.id: step.deadline for _, step in plan.all_steps()}
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
