"""What a coordinator or an agency does to tracked work; each action writes the event log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach.errors import UserError
from kehoach.services.lookup import check_agency, get_plan, get_step, plan_of
from kehoach.services.plans import (
    Moving,
    log_event,
    move_deadline,
    record_deadline,
    record_event_date,
)
from kehoach.store.tables import DeadlineRow, EventRow, PlanRow, StepRow
from models.calendar import WorkingCalendar
from models.deadlines import DeadlineReason, DeadlineRecord, in_force, resolve_deadlines
from models.guards import (
    Refusal,
    event_date_refusals,
    extension_refusals,
    progress_time_refusals,
)
from models.health import PROGRESS_LABELS, Progress, is_completed, local_day
from models.plan import Plan
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


def insisted(refusals: list[Refusal], force: bool, what: str) -> dict[str, Any]:
    """Refuse, unless the person insists: then the event log records what was overridden."""
    if not refusals:
        return {}
    if not force:
        reasons = "; ".join(r.message for r in refusals)
        raise UserError(
            f"{what}: {reasons}. Không ghi gì. Nếu chắc chắn, chạy lại với tùy chọn --force "
            "(việc ghi bất thường này được lưu trong nhật ký)."
        )
    return {"forced": [r.code for r in refusals]}


def refuse_if_closed(plan_row: PlanRow, at: dt.datetime | None = None) -> None:
    closed = plan_row.closed_at
    if closed is not None and (at is None or at > closed):
        raise UserError(
            f"Kế hoạch {plan_row.id} đã kết thúc ngày {local_day(closed):%d/%m/%Y}; "
            "không ghi thêm tiến độ, gia hạn hay ngày hội nghị sau thời điểm đó."
        )


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


def step_history(session: Session, row: StepRow) -> list[DeadlineRecord]:
    query = (
        select(DeadlineRow)
        .where(DeadlineRow.plan_id == row.plan_id, DeadlineRow.step_key == row.key)
        .order_by(DeadlineRow.at, DeadlineRow.id)
    )
    return [as_record(r) for r in session.scalars(query)]


def as_record(row: DeadlineRow) -> DeadlineRecord:
    return DeadlineRecord(
        row.at, row.deadline, row.extended_to, row.event_date, DeadlineReason(row.reason)
    )


def _freeze_deadline(session: Session, row: StepRow) -> None:
    """A finished step keeps the deadline in force when it was finished, whatever follows."""
    if row.completed_at is None:
        row.completed_deadline = row.completed_extended_to = None
        return
    record = in_force(step_history(session, row), row.completed_at)
    deadline, extended = (record[1], record[2]) if record else (row.deadline, row.extended_to)
    row.completed_deadline, row.completed_extended_to = deadline, extended


@dataclass(frozen=True)
class Actor:
    agency: str
    at: dt.datetime


def _plan_row(session: Session, row: StepRow) -> PlanRow:
    plan_row = session.get(PlanRow, row.plan_id)
    assert plan_row is not None
    return plan_row


def _actor(
    session: Session, row: StepRow, by: str | None, at: dt.datetime | None, now: dt.datetime
) -> Actor:
    plan_row = _plan_row(session, row)
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
    force: bool = False,
) -> StepRow:
    row = get_step(session, key, plan_id)
    refusal = transition_error(Progress(row.progress), status)
    if refusal:
        raise UserError(f"Không cập nhật được bước '{key}': {refusal}.")
    actor = _actor(session, row, by, at, now)
    plan_row = _plan_row(session, row)
    refuse_if_closed(plan_row, actor.at)
    issued = plan_of(session, plan_row)[0].plan.issued
    refusals = progress_time_refusals(actor.at, row.last_update_at, issued)
    data = insisted(refusals, force, f"Không ghi tiến độ bước '{key}'")
    was_completed = row.completed_at is not None
    _store_state(row, apply(_state(row), StepEvent(EventKind.PROGRESS, actor.at, status)))
    if was_completed != (row.completed_at is not None):
        _freeze_deadline(session, row)
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
        data=data,
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
    refuse_if_closed(_plan_row(session, row), actor.at)
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


@dataclass(frozen=True)
class Extension:
    """An extension granted (`requested` False) or an agency's request awaiting approval."""

    row: StepRow
    new_deadline: dt.date
    requested: bool = False
    by: str = ""


def extend_deadline(
    session: Session,
    key: str,
    new_deadline: dt.date,
    now: dt.datetime,
    *,
    plan_id: str | None = None,
    by: str | None = None,
    note: str | None = None,
    force: bool = False,
) -> Extension:
    """Only the coordinator grants; another agency's extension is a request (đề xuất gia hạn)."""
    row = get_step(session, key, plan_id)
    plan_row = _plan_row(session, row)
    refuse_if_closed(plan_row)
    plan, calendar = plan_of(session, plan_row)
    working_day_or_error(calendar, new_deadline, "Hạn mới")
    _later_or_error(row, new_deadline)
    actor = _actor(session, row, by, None, now)
    if actor.agency != plan.plan.coordinator:
        return _request(session, row, new_deadline, actor.agency, now, note)
    data = _extension_checks(row, plan_row, new_deadline, force)
    return _grant(
        session,
        row,
        new_deadline,
        Moving(now, calendar, plan_row.event_date, DeadlineReason.EXTENDED, actor.agency, note),
        data,
    )


def _later_or_error(row: StepRow, new_deadline: dt.date) -> None:
    current = row.extended_to or row.deadline
    if new_deadline <= current:
        raise UserError(
            f"Hạn mới {new_deadline:%d/%m/%Y} phải sau hạn hiện tại "
            f"{current:%d/%m/%Y} của bước '{row.key}'."
        )


def _extension_checks(
    row: StepRow, plan_row: PlanRow, new_deadline: dt.date, force: bool
) -> dict[str, Any]:
    refusals = extension_refusals(
        new_deadline, plan_row.event_date, not row.follow_up, row.completed_at is not None
    )
    return insisted(refusals, force, f"Không gia hạn bước '{row.key}'")


def _grant(
    session: Session, row: StepRow, new_deadline: dt.date, moving: Moving, data: dict[str, Any]
) -> Extension:
    current = row.extended_to or row.deadline
    state = apply(
        _state(row), StepEvent(EventKind.DEADLINE_EXTENDED, moving.now, extended_to=new_deadline)
    )
    _store_state(row, state)
    data = {
        **data,
        "from": current.isoformat(),
        "to": new_deadline.isoformat(),
        "original": row.deadline.isoformat(),
    }
    log_event(
        session,
        row.plan_id,
        EventKind.DEADLINE_EXTENDED,
        moving.now,
        step_key=row.key,
        actor=moving.actor,
        note=moving.note,
        data=data,
    )
    record_deadline(session, row, moving)
    return Extension(row, new_deadline, by=moving.actor)


def _request(
    session: Session,
    row: StepRow,
    new_deadline: dt.date,
    agency: str,
    now: dt.datetime,
    note: str | None,
) -> Extension:
    data = {"from": (row.extended_to or row.deadline).isoformat(), "to": new_deadline.isoformat()}
    log_event(
        session,
        row.plan_id,
        EventKind.EXTENSION_REQUESTED,
        now,
        step_key=row.key,
        actor=agency,
        note=note,
        data=data,
    )
    return Extension(row, new_deadline, requested=True, by=agency)


def open_request(session: Session, row: StepRow) -> EventRow | None:
    """The step's latest extension request, unless the coordinator already decided on it."""
    kinds = [
        k.value
        for k in (
            EventKind.EXTENSION_REQUESTED,
            EventKind.EXTENSION_REFUSED,
            EventKind.DEADLINE_EXTENDED,
        )
    ]
    query = (
        select(EventRow)
        .where(
            EventRow.plan_id == row.plan_id,
            EventRow.step_key == row.key,
            EventRow.kind.in_(kinds),
        )
        .order_by(EventRow.id.desc())
        .limit(1)
    )
    latest = session.scalar(query)
    return latest if latest and latest.kind == EventKind.EXTENSION_REQUESTED else None


def _request_or_error(session: Session, row: StepRow) -> EventRow:
    request = open_request(session, row)
    if request is None:
        raise UserError(f"Bước '{row.key}' không có đề xuất gia hạn nào đang chờ ý kiến.")
    return request


def approve_extension(
    session: Session,
    key: str,
    now: dt.datetime,
    *,
    plan_id: str | None = None,
    note: str | None = None,
    force: bool = False,
) -> Extension:
    """The coordinator agrees to an agency's request: the extension takes effect now."""
    row = get_step(session, key, plan_id)
    plan_row = _plan_row(session, row)
    refuse_if_closed(plan_row)
    request = _request_or_error(session, row)
    new_deadline = dt.date.fromisoformat(request.data["to"])
    _later_or_error(row, new_deadline)
    plan, calendar = plan_of(session, plan_row)
    data = _extension_checks(row, plan_row, new_deadline, force)
    data = {**data, "request": request.id, "requested_by": request.actor}
    moving = Moving(
        now, calendar, plan_row.event_date, DeadlineReason.EXTENDED, plan.plan.coordinator, note
    )
    return _grant(session, row, new_deadline, moving, data)


def refuse_extension(
    session: Session,
    key: str,
    now: dt.datetime,
    *,
    plan_id: str | None = None,
    note: str | None = None,
) -> Extension:
    row = get_step(session, key, plan_id)
    plan_row = _plan_row(session, row)
    refuse_if_closed(plan_row)
    request = _request_or_error(session, row)
    coordinator = plan_of(session, plan_row)[0].plan.coordinator
    log_event(
        session,
        row.plan_id,
        EventKind.EXTENSION_REFUSED,
        now,
        step_key=row.key,
        actor=coordinator,
        note=note,
        data={"request": request.id, "requested_by": request.actor, "to": request.data["to"]},
    )
    return Extension(row, dt.date.fromisoformat(request.data["to"]), True, request.actor)


def return_report(
    session: Session, key: str, now: dt.datetime, *, reason: str, plan_id: str | None = None
) -> StepRow:
    """Trả lại: the coordinator sends a submitted or finished report back, with a reason."""
    row = get_step(session, key, plan_id)
    plan_row = _plan_row(session, row)
    refuse_if_closed(plan_row)
    if not is_completed(Progress(row.progress)):
        label = PROGRESS_LABELS[Progress(row.progress)]
        raise UserError(f"Bước '{key}' chưa có báo cáo để trả lại (trạng thái: {label}).")
    if not reason.strip():
        raise UserError("Trả lại báo cáo cần nêu lý do.")
    _store_state(row, apply(_state(row), StepEvent(EventKind.REPORT_RETURNED, now)))
    _freeze_deadline(session, row)
    coordinator = plan_of(session, plan_row)[0].plan.coordinator
    log_event(session, row.plan_id, EventKind.REPORT_RETURNED, now, step_key=key,
              actor=coordinator, note=reason.strip(), data={"returned_to": row.lead})  # fmt: skip
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
    force: bool = False,
) -> EventChange:
    """Fix (or move) the event's date; every deadline relative to it follows."""
    plan_row = get_plan(session, plan_id)
    refuse_if_closed(plan_row)
    plan, calendar = plan_of(session, plan_row)
    working_day_or_error(calendar, day, "Ngày hội nghị")
    refusals = event_date_refusals(day, local_day(now), plan.plan.issued)
    data: dict[str, Any] = insisted(refusals, force, f"Không đặt ngày hội nghị {day:%d/%m/%Y}")
    deadlines = _deadlines_or_error(plan, calendar, day)
    change = EventChange(plan_row.id, plan_row.event_date, day, [])
    moving = Moving(now, calendar, day, DeadlineReason.EVENT_MOVED, plan.plan.coordinator, note)
    rows = {
        r.key: r for r in session.scalars(select(StepRow).where(StepRow.plan_id == plan_row.id))
    }
    for step in expand_steps(plan, deadlines):
        if step.key in rows:
            move_deadline(session, rows[step.key], step.deadline, moving, change.moved_steps)
    if plan_row.event_date != day:
        record_event_date(session, plan_row.id, day, now, moving.reason, moving.actor)
    plan_row.event_date, plan_row.event_confirmed = day, True
    data.update({"from": change.old_date.isoformat(), "to": day.isoformat()})
    data["moved"] = len(change.moved_steps)
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


def _deadlines_or_error(plan: Plan, calendar: WorkingCalendar, day: dt.date) -> dict[str, dt.date]:
    deadlines = resolve_deadlines(plan, calendar, day)
    late = [s.id for _, s in plan.all_steps() if not s.follow_up and deadlines[s.id] > day]
    if late:
        raise UserError(
            f"Không thể đặt ngày hội nghị {day:%d/%m/%Y}: hạn cố định của các bước "
            f"{', '.join(late)} sẽ rơi sau hội nghị. Sửa tệp kế hoạch trước."
        )
    return deadlines


def close_plan(
    session: Session,
    plan_id: str | None,
    now: dt.datetime,
    *,
    at: dt.datetime | None = None,
    note: str | None = None,
) -> PlanRow:
    """Kết thúc kế hoạch: from `at` on, open steps are "không hoàn thành" and counters stop."""
    plan_row = get_plan(session, plan_id)
    if plan_row.closed_at is not None:
        raise UserError(
            f"Kế hoạch {plan_row.id} đã kết thúc từ ngày {local_day(plan_row.closed_at):%d/%m/%Y}."
        )
    moment = check_moment(at, now)
    plan = plan_of(session, plan_row)[0]
    insisted(progress_time_refusals(moment, None, plan.plan.issued), False, "Không kết thúc")
    plan_row.closed_at = moment
    coordinator = plan.plan.coordinator
    log_event(
        session, plan_row.id, EventKind.PLAN_CLOSED, now, actor=coordinator, at=moment, note=note
    )
    return plan_row


def unfinished(session: Session, plan_row: PlanRow) -> int:
    query = select(StepRow.progress).where(
        StepRow.plan_id == plan_row.id, StepRow.archived_at.is_(None)
    )
    return sum(1 for p in session.scalars(query) if not is_completed(Progress(p)))
