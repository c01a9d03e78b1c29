"""What a coordinator or an agency does to tracked work; each action writes the event log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach.errors import UserError
from kehoach.services.lookup import check_agency, get_plan, get_step, plan_of
from kehoach.services.plans import log_event, move_deadline
from kehoach.store.tables import PlanRow, StepRow
from models.calendar import WorkingCalendar
from models.deadlines import resolve_deadlines
from models.health import PROGRESS_LABELS, Progress
from models.progress import EventKind, ProgressState, StepEvent, apply, transition_error
from models.steps import expand_steps


def check_moment(at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if at is None:
        return now
    if at > now + dt.timedelta(minutes=5):
        raise UserError(
            f"Thời điểm {at.isoformat()} nằm trong tương lai; tiến độ chỉ ghi điều đã xảy ra."
        )
    return at


def _state(row: StepRow) -> ProgressState:
    return ProgressState(
        progress=Progress(row.progress),
        last_update_at=row.last_update_at,
        completed_at=row.completed_at,
        blocked_since=row.blocked_since,
        extended_to=row.extended_to,
    )


def _store_state(row: StepRow, state: ProgressState) -> None:
    row.progress = state.progress.value
    row.last_update_at = state.last_update_at
    row.completed_at = state.completed_at
    row.blocked_since = state.blocked_since
    row.extended_to = state.extended_to


@dataclass(frozen=True)
class Actor:
    agency: str
    at: dt.datetime


def _actor(
    session: Session, row: StepRow, by: str | None, at: dt.datetime | None, now: dt.datetime
) -> Actor:
    plan_row = session.get(PlanRow, row.plan_id)
    assert plan_row is not None
    agency = (
        check_agency(session, plan_row, by)
        if by
        else plan_of(session, plan_row)[0].plan.coordinator
    )
    return Actor(agency, check_moment(at, now))


def record_progress(
    session: Session,
    key: str,
    status: Progress,
    now: dt.datetime,
    *,
    plan_id: str | None = None,
    by: str | None = None,
    at: dt.datetime | None = None,
    note: str | None = None,
    link: str | None = None,
) -> StepRow:
    row = get_step(session, key, plan_id)
    refusal = transition_error(Progress(row.progress), status)
    if refusal:
        raise UserError(f"Không cập nhật được bước '{key}': {refusal}.")
    actor = _actor(session, row, by, at, now)
    _store_state(row, apply(_state(row), StepEvent(EventKind.PROGRESS, actor.at, status)))
    log_event(
        session,
        row.plan_id,
        EventKind.PROGRESS,
        now,
        step_key=key,
        actor=actor.agency,
        at=actor.at,
        status=status.value,
        note=note,
        link=link,
    )
    return row


def resolve_difficulty(
    session: Session,
    key: str,
    now: dt.datetime,
    *,
    plan_id: str | None = None,
    by: str | None = None,
    at: dt.datetime | None = None,
    note: str | None = None,
) -> StepRow:
    row = get_step(session, key, plan_id)
    if row.progress != Progress.BLOCKED:
        label = PROGRESS_LABELS[Progress(row.progress)]
        raise UserError(f"Bước '{key}' không có vướng mắc đang mở (trạng thái: {label}).")
    actor = _actor(session, row, by, at, now)
    _store_state(row, apply(_state(row), StepEvent(EventKind.DIFFICULTY_RESOLVED, actor.at)))
    log_event(
        session,
        row.plan_id,
        EventKind.DIFFICULTY_RESOLVED,
        now,
        step_key=key,
        actor=actor.agency,
        at=actor.at,
        note=note,
    )
    return row


def working_day_or_error(calendar: WorkingCalendar, day: dt.date, what: str) -> dt.date:
    reason = calendar.day_off_reason(day)
    if reason:
        suggestion = calendar.next_working_day(day)
        raise UserError(
            f"{what} {day:%d/%m/%Y} không phải ngày làm việc ({reason}); "
            f"ngày làm việc gần nhất sau đó là {suggestion:%d/%m/%Y}."
        )
    return day


def extend_deadline(
    session: Session,
    key: str,
    new_deadline: dt.date,
    now: dt.datetime,
    *,
    plan_id: str | None = None,
    by: str | None = None,
    note: str | None = None,
) -> StepRow:
    row = get_step(session, key, plan_id)
    plan_row = session.get(PlanRow, row.plan_id)
    assert plan_row is not None
    working_day_or_error(plan_of(session, plan_row)[1], new_deadline, "Hạn mới")
    current = row.extended_to or row.deadline
    if new_deadline <= current:
        raise UserError(
            f"Hạn mới {new_deadline:%d/%m/%Y} phải sau hạn hiện tại "
            f"{current:%d/%m/%Y} của bước '{key}'."
        )
    actor = _actor(session, row, by, None, now)
    _store_state(
        row,
        apply(_state(row), StepEvent(EventKind.DEADLINE_EXTENDED, now, extended_to=new_deadline)),
    )
    data = {
        "from": current.isoformat(),
        "to": new_deadline.isoformat(),
        "original": row.deadline.isoformat(),
    }
    log_event(
        session,
        row.plan_id,
        EventKind.DEADLINE_EXTENDED,
        now,
        step_key=key,
        actor=actor.agency,
        note=note,
        data=data,
    )
    return row


@dataclass(frozen=True)
class EventChange:
    plan_id: str
    old_date: dt.date
    new_date: dt.date
    moved_steps: list[str]


def confirm_event(
    session: Session,
    plan_id: str | None,
    day: dt.date,
    now: dt.datetime,
    *,
    note: str | None = None,
) -> EventChange:
    """Fix (or move) the event's date; every deadline relative to it follows."""
    plan_row = get_plan(session, plan_id)
    plan, calendar = plan_of(session, plan_row)
    working_day_or_error(calendar, day, "Ngày hội nghị")
    deadlines = resolve_deadlines(plan, calendar, day)
    late = [s.id for _, s in plan.all_steps() if not s.follow_up and deadlines[s.id] > day]
    if late:
        raise UserError(
            f"Không thể đặt ngày hội nghị {day:%d/%m/%Y}: hạn cố định của các bước "
            f"{', '.join(late)} sẽ rơi sau hội nghị. Sửa tệp kế hoạch trước."
        )
    change = EventChange(plan_row.id, plan_row.event_date, day, [])
    rows = {
        r.key: r for r in session.scalars(select(StepRow).where(StepRow.plan_id == plan_row.id))
    }
    for step in expand_steps(plan, deadlines):
        if step.key in rows:
            move_deadline(session, rows[step.key], step.deadline, now, change.moved_steps)
    plan_row.event_date, plan_row.event_confirmed = day, True
    data = {
        "from": change.old_date.isoformat(),
        "to": day.isoformat(),
        "moved": len(change.moved_steps),
    }
    log_event(
        session,
        plan_row.id,
        EventKind.EVENT_CONFIRMED,
        now,
        actor=plan.plan.coordinator,
        note=note,
        data=data,
    )
    return change
