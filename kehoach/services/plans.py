"""Loading a validated plan into the database, idempotently and without losing progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kehoach.store.planfile import LoadedPlan
from kehoach.store.tables import (
    AgencyRow,
    DeadlineRow,
    EventRow,
    PlanEventRow,
    PlanRow,
    StepRow,
)
from models.calendar import WorkingCalendar
from models.deadlines import DeadlineReason, carried_extension, resolve_deadlines
from models.plan import Plan
from models.progress import EventKind
from models.steps import ConcreteStep, expand_steps

SYSTEM = "system"
# Session.info key: who acts in this unit of work and through what (the agency's link),
# added to every event it logs, so no use case needs to know about the web service.
ORIGIN = "origin"


@dataclass
class LoadReport:
    plan_id: str
    created: bool = False
    unchanged: bool = False
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)


def log_event(
    session: Session, plan_id: str, kind: EventKind, now: dt.datetime, **fields: Any
) -> None:
    session.add(EventRow(**_event_values(session, plan_id, kind, now, **fields)))


def _event_values(
    session: Session, plan_id: str, kind: EventKind, now: dt.datetime, **fields: Any
) -> dict[str, Any]:
    fields.setdefault("actor", SYSTEM)
    fields.setdefault("at", now)
    if ORIGIN in session.info:
        fields["data"] = {**(fields.get("data") or {}), **session.info[ORIGIN]}
    return {"plan_id": plan_id, "kind": kind.value, "recorded_at": now, **fields}


EventDates = dict[str, tuple[dt.date, bool]]


def effective_events(plan: Plan, rows: dict[str, PlanEventRow]) -> EventDates:
    """Each event's (date, confirmed): the file's confirmed date wins; otherwise a date
    confirmed earlier is kept; otherwise the assumed date."""
    dates: EventDates = {}
    for event in plan.events:
        row = rows.get(event.id)
        if event.confirmed_date is not None:
            dates[event.id] = (event.confirmed_date, True)
        elif row is not None and row.confirmed:
            dates[event.id] = (row.date, True)
        else:
            dates[event.id] = (event.assumed_date, False)
    return dates


def event_rows(session: Session, plan_id: str) -> dict[str, PlanEventRow]:
    query = select(PlanEventRow).where(PlanEventRow.plan_id == plan_id)
    return {row.event_id: row for row in session.scalars(query)}


def load_plan(session: Session, loaded: LoadedPlan, now: dt.datetime) -> LoadReport:
    plan = loaded.plan
    row = session.get(PlanRow, plan.plan.id)
    report = LoadReport(plan.plan.id, created=row is None)
    if row is not None and row.source_sha256 == loaded.sha256:
        report.unchanged = True
        return report
    existing = event_rows(session, plan.plan.id) if row is not None else {}
    dates = effective_events(plan, existing)
    row = _save_plan_row(session, row, loaded, dates, now)
    moved_events = _save_events(session, row.id, existing, dates, now)
    _sync_agencies(session, plan, now)
    days = {event_id: day for event_id, (day, _) in dates.items()}
    deadlines = resolve_deadlines(plan, loaded.calendar, days)
    moving = Moving(now, loaded.calendar, row.event_date, DeadlineReason.PLAN_CHANGED, days=days)
    steps = expand_steps(plan, deadlines, loaded.calendar)
    _sync_steps(session, plan.plan.id, steps, moving, report, moved_events)
    log_event(session, row.id, EventKind.PLAN_LOADED, now, data={"sha256": loaded.sha256})
    return report


def _save_events(
    session: Session,
    plan_id: str,
    existing: dict[str, PlanEventRow],
    dates: EventDates,
    now: dt.datetime,
) -> set[str]:
    """Each event's row and, when its date changed, a history row; the ids of moved ones."""
    moved = set()
    for event_id, (day, confirmed) in dates.items():
        row = existing.pop(event_id, None)
        if row is None or row.date != day:
            record_event_date(
                session, plan_id, day, now, DeadlineReason.PLAN_TEXT, event_id=event_id
            )
        if row is not None and row.date != day:
            moved.add(event_id)
        row = row or PlanEventRow(plan_id=plan_id, event_id=event_id)
        row.date, row.confirmed = day, confirmed
        session.add(row)
    for gone in existing.values():
        session.delete(gone)
    return moved


def _save_plan_row(
    session: Session, row: PlanRow | None, loaded: LoadedPlan, dates: EventDates, now: dt.datetime
) -> PlanRow:
    if row is None:
        row = PlanRow(id=loaded.plan.plan.id)
        session.add(row)
    row.title = loaded.plan.plan.title
    row.source_path = str(loaded.path)
    row.source_sha256 = loaded.sha256
    row.document = loaded.plan.model_dump(mode="json")
    row.directory = loaded.plan.plan.directory
    main = loaded.plan.main_event
    row.event_date, row.event_confirmed = dates[main.id] if main else (None, False)
    row.loaded_at = now
    session.flush()
    return row


def _sync_agencies(session: Session, plan: Plan, now: dt.datetime) -> None:
    existing = {
        a.code: a
        for a in session.scalars(select(AgencyRow).where(AgencyRow.plan_id == plan.plan.id))
    }
    for agency in plan.agencies:
        row = existing.pop(agency.code, None) or AgencyRow(plan_id=plan.plan.id, code=agency.code)
        row.name, row.short_name, row.kind = agency.name, agency.short_name, agency.kind.value
        row.groups, row.archived_at = list(agency.groups), None
        row.parent, row.area, row.successor = agency.parent, agency.area, agency.successor
        row.valid_from, row.valid_to = agency.valid_from, agency.valid_to
        session.add(row)
    for gone in existing.values():
        gone.archived_at = gone.archived_at or now


_DEFINITION = (
    "responsibility_id",
    "step_id",
    "title",
    "deliverable",
    "lead",
    "deadline_source",
    "follow_up",
    "position",
    "event_id",
    "not_before",
    "series",
    "period_start",
    "period_end",
    "ongoing",
    "via",
    "completes_on",
    "conditional",
)


def _definition(step: ConcreteStep) -> dict[str, Any]:
    values = {name: getattr(step, name) for name in _DEFINITION}
    lists = {"cooperating": step.cooperating, "depends_on": step.depends_on}
    lists["receivers"] = step.receivers
    return {**values, **{name: list(codes) for name, codes in lists.items()}}


@dataclass(frozen=True)
class Moving:
    """The circumstances of a deadline change: when, by which calendar, to what event, why."""

    now: dt.datetime
    calendar: WorkingCalendar
    event_date: dt.date | None  # the main event's
    reason: DeadlineReason
    actor: str = SYSTEM
    note: str | None = None
    days: Mapping[str, dt.date] = field(default_factory=dict)  # every event's, by id

    def event_day(self, row: StepRow | ConcreteStep) -> dt.date | None:
        """The date of the event the step counts from (or the main event's)."""
        return self.days.get(row.event_id or "", self.event_date)


def _sync_steps(
    session: Session,
    plan_id: str,
    steps: list[ConcreteStep],
    moving: Moving,
    report: LoadReport,
    moved_events: AbstractSet[str] = frozenset(),
) -> None:
    now = moving.now
    existing = {
        s.key: s for s in session.scalars(select(StepRow).where(StepRow.plan_id == plan_id))
    }
    _add_steps(session, plan_id, [s for s in steps if s.key not in existing], moving, report)
    for step in steps:
        row = existing.pop(step.key, None)
        if row is not None:
            moved = step.event_id in moved_events
            reason = DeadlineReason.EVENT_MOVED if moved else moving.reason
            _update_step(session, row, step, replace(moving, reason=reason), report)
    for row in existing.values():
        if row.archived_at is None:
            row.archived_at = now
            report.archived.append(row.key)
            log_event(session, plan_id, EventKind.STEP_ARCHIVED, now, step_key=row.key)


def _add_steps(
    session: Session, plan_id: str, steps: list[ConcreteStep], moving: Moving, report: LoadReport
) -> None:
    """The new steps, their 'added' events and first deadlines: three bulk INSERTs (a
    province's plan is ~15k steps, 2.5 ms each as ORM objects), the same rows."""
    if not steps:
        return
    now, written = moving.now, replace(moving, reason=DeadlineReason.PLAN_TEXT)
    session.execute(insert(StepRow), [_step_values(plan_id, step) for step in steps])
    events = [
        _event_values(session, plan_id, EventKind.STEP_ADDED, now, step_key=step.key)
        for step in steps
    ]
    session.execute(insert(EventRow), events)
    deadlines = [
        _deadline_values(plan_id, step.key, step.deadline, None, written.event_day(step), written)
        for step in steps
    ]
    session.execute(insert(DeadlineRow), deadlines)
    report.added.extend(step.key for step in steps)


def _step_values(plan_id: str, step: ConcreteStep) -> dict[str, Any]:
    first = {"plan_id": plan_id, "key": step.key, "deadline": step.deadline}
    return {**first, "first_deadline": step.deadline, **_definition(step)}


def _update_step(
    session: Session, row: StepRow, step: ConcreteStep, moving: Moving, report: LoadReport
) -> None:
    now = moving.now
    if row.archived_at is not None:
        row.archived_at = None
        report.restored.append(row.key)
        log_event(session, row.plan_id, EventKind.STEP_RESTORED, now, step_key=row.key)
    changes = {k: v for k, v in _definition(step).items() if getattr(row, k) != v}
    for name, value in changes.items():
        setattr(row, name, value)
    if set(changes) - {"position"}:
        report.changed.append(row.key)
        data = {"fields": sorted(changes)}
        log_event(session, row.plan_id, EventKind.STEP_CHANGED, now, step_key=row.key, data=data)
    move_deadline(session, row, step.deadline, moving, report.moved)


def move_deadline(
    session: Session, row: StepRow, deadline: dt.date, moving: Moving, moved: list[str]
) -> None:
    """A rule's new date, recorded in the history; `first_deadline` keeps the first promise.

    An extension moves with it (models.deadlines.carried_extension). A finished step's
    lateness stays measured against `completed_deadline`, frozen at completion.
    """
    if row.deadline == deadline:
        return
    data = {"from": row.deadline.isoformat(), "to": deadline.isoformat()}
    extended = carried_extension(row.deadline, row.extended_to, deadline, moving.calendar)
    if extended is not None:
        data["extended_to"] = extended.isoformat()
    row.deadline, row.extended_to = deadline, extended
    moved.append(row.key)
    log_event(
        session, row.plan_id, EventKind.DEADLINE_MOVED, moving.now, step_key=row.key, data=data
    )
    record_deadline(session, row, moving)


def record_deadline(session: Session, row: StepRow, moving: Moving) -> None:
    """Append what the step's deadline is from now on, and why, to the deadline history."""
    event_date = moving.event_day(row)
    values = _deadline_values(
        row.plan_id, row.key, row.deadline, row.extended_to, event_date, moving
    )
    session.add(DeadlineRow(**values))


def _deadline_values(
    plan_id: str,
    step_key: str,
    deadline: dt.date,
    extended_to: dt.date | None,
    event_date: dt.date | None,
    moving: Moving,
) -> dict[str, Any]:
    return {
        "plan_id": plan_id,
        "step_key": step_key,
        "at": moving.now,
        "recorded_at": moving.now,
        "deadline": deadline,
        "extended_to": extended_to,
        "event_date": event_date,
        "reason": moving.reason.value,
        "actor": moving.actor,
        "note": moving.note,
    }


def record_event_date(
    session: Session,
    plan_id: str,
    day: dt.date,
    now: dt.datetime,
    reason: DeadlineReason,
    actor: str = SYSTEM,
    *,
    event_id: str,
) -> None:
    """An event's date from now on (a history row without a step)."""
    session.add(
        DeadlineRow(
            plan_id=plan_id,
            step_key=None,
            event_id=event_id,
            at=now,
            recorded_at=now,
            deadline=day,
            event_date=day,
            reason=reason.value,
            actor=actor,
        )
    )
