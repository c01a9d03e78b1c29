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
    event_rows,
    log_event,
    move_deadline,
    record_deadline,
    record_event_date,
)
from kehoach.store.tables import DeadlineRow, EventRow, PlanEventRow, PlanRow, StepRow
from models.calendar import WorkingCalendar
from models.deadlines import DeadlineReason, DeadlineRecord, in_force, resolve_deadlines
from models.event_kinds import WORKED_KINDS, EventType, day_noun, noun
from models.guards import (
    Refusal,
    event_date_refusals,
    extension_refusals,
    progress_time_refusals,
)
from models.health import PROGRESS_LABELS, Progress, is_completed, local_day
from models.plan import MAIN_EVENT, CompletesOn, Event, Plan
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
            "không ghi thêm tiến độ, gia hạn hay ngày tổ chức sự kiện sau thời điểm đó."
        )


def _state(row: StepRow) -> ProgressState:
    return ProgressState(
        progress=Progress(row.progress),
        last_update_at=row.last_update_at,
        completed_at=row.completed_at,
        blocked_since=row.blocked_since,
        extended_to=row.extended_to,
        submitted_at=row.submitted_at,
        received_at=row.received_at,
    )


def _store_state(row: StepRow, state: ProgressState) -> None:
    row.progress = state.progress.value
    row.last_update_at = state.last_update_at
    row.completed_at = state.completed_at
    row.blocked_since = state.blocked_since
    row.extended_to = state.extended_to
    row.submitted_at = state.submitted_at
    row.received_at = state.received_at


def needs_receipt(row: StepRow) -> bool:
    """The step completes on a receiver's confirmation (models.receipts), not on submission."""
    return row.completes_on == CompletesOn.RECEIPT.value


def apply_to_row(session: Session, row: StepRow, event: StepEvent) -> None:
    """Fold one event into the row's state; a step finished or reopened by it gets (or
    loses) the deadline frozen at its completion."""
    was_completed = row.completed_at is not None
    _store_state(row, apply(_state(row), event, needs_receipt(row)))
    if was_completed != (row.completed_at is not None):
        _freeze_deadline(session, row)


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
    apply_to_row(session, row, StepEvent(EventKind.PROGRESS, actor.at, status))
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
    data = _extension_checks(session, row, plan_row, new_deadline, force)
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
    session: Session, row: StepRow, plan_row: PlanRow, new_deadline: dt.date, force: bool
) -> dict[str, Any]:
    day, kind = _step_event(session, plan_row, row) or (None, "")
    refusals = extension_refusals(
        new_deadline, day, not row.follow_up, row.completed_at is not None, kind
    )
    return insisted(refusals, force, f"Không gia hạn bước '{row.key}'")


def _step_event(session: Session, plan_row: PlanRow, row: StepRow) -> tuple[dt.date, str] | None:
    """The date in force and kind of the event the step prepares for (None: no event)."""
    plan = plan_of(session, plan_row)[0]
    step = next((s for _, s in plan.all_steps() if s.id == row.step_id), None)
    event = plan.event_before(step) if step is not None else plan.main_event
    if event is None:
        return None
    found = session.get(PlanEventRow, (plan_row.id, event.id))
    return (found.date if found else event.date), event.kind.value


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
    data = _extension_checks(session, row, plan_row, new_deadline, force)
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
    apply_to_row(session, row, StepEvent(EventKind.REPORT_RETURNED, now))
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
    event_id: str = MAIN_EVENT
    kind: str = EventType.CONFERENCE.value
    main: bool = True  # the plan's main (first) event


def confirm_event(
    session: Session,
    plan_id: str | None,
    day: dt.date,
    now: dt.datetime,
    *,
    note: str | None = None,
    force: bool = False,
    event_id: str | None = None,
) -> EventChange:
    """Fix (or move) one event's date; only the deadlines relative to it follow."""
    plan_row = get_plan(session, plan_id)
    refuse_if_closed(plan_row)
    plan, calendar = plan_of(session, plan_row)
    event = chosen_event(plan, event_id)
    what = day_noun(event.kind).capitalize()
    if event.kind in WORKED_KINDS:
        working_day_or_error(calendar, day, what)
    refusals = event_date_refusals(day, local_day(now), plan.plan.issued)
    data: dict[str, Any] = insisted(refusals, force, f"Không đặt {what.lower()} {day:%d/%m/%Y}")
    rows_by_event = event_rows(session, plan_row.id)
    dates = {e: r.date for e, r in rows_by_event.items()} | {event.id: day}
    deadlines = _deadlines_or_error(plan, calendar, event, dates)
    old = rows_by_event[event.id].date if event.id in rows_by_event else event.date
    main = plan.main_event is not None and plan.main_event.id == event.id
    change = EventChange(plan_row.id, old, day, [], event.id, event.kind.value, main)
    moving = Moving(
        now, calendar, plan_row.event_date, DeadlineReason.EVENT_MOVED, plan.plan.coordinator,
        note, days=dates,
    )  # fmt: skip
    _move_steps(session, plan, plan_row, deadlines, moving, change)
    _confirm_row(session, plan_row, rows_by_event.get(event.id), change, moving)
    data.update({"from": old.isoformat(), "to": day.isoformat(), "event_id": event.id})
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


def chosen_event(plan: Plan, event_id: str | None) -> Event:
    """The event named, or the plan's only one; a Vietnamese error listing the choices."""
    if not plan.events:
        raise UserError(f"Kế hoạch {plan.plan.id} không có sự kiện nào để chốt ngày.")
    if event_id is None and len(plan.events) == 1:
        return plan.events[0]
    known = {e.id: e for e in plan.events}
    if event_id in known:
        return known[event_id]
    choices = "; ".join(f"{e.id} ({e.name})" for e in plan.events)
    head = "Kế hoạch có nhiều sự kiện" if event_id is None else f"Không có sự kiện '{event_id}'"
    raise UserError(f"{head}; chọn một trong: {choices}.")


def _move_steps(
    session: Session,
    plan: Plan,
    plan_row: PlanRow,
    deadlines: dict[str, dt.date],
    moving: Moving,
    change: EventChange,
) -> None:
    rows = {
        r.key: r for r in session.scalars(select(StepRow).where(StepRow.plan_id == plan_row.id))
    }
    for step in expand_steps(plan, deadlines, moving.calendar):
        if step.key in rows:
            move_deadline(session, rows[step.key], step.deadline, moving, change.moved_steps)


def _confirm_row(
    session: Session,
    plan_row: PlanRow,
    row: PlanEventRow | None,
    change: EventChange,
    moving: Moving,
) -> None:
    if change.old_date != change.new_date or row is None:
        record_event_date(
            session, plan_row.id, change.new_date, moving.now, moving.reason, moving.actor,
            event_id=change.event_id,
        )  # fmt: skip
    row = row or PlanEventRow(plan_id=plan_row.id, event_id=change.event_id)
    row.date, row.confirmed = change.new_date, True
    session.add(row)
    if change.main:
        plan_row.event_date, plan_row.event_confirmed = change.new_date, True


def _deadlines_or_error(
    plan: Plan, calendar: WorkingCalendar, event: Event, dates: dict[str, dt.date]
) -> dict[str, dt.date]:
    deadlines = resolve_deadlines(plan, calendar, dates)
    day = dates[event.id]
    late = [
        s.id
        for _, s in plan.all_steps()
        if not s.follow_up and plan.event_before(s) == event and deadlines.get(s.id, day) > day
    ]
    if late:
        raise UserError(
            f"Không thể đặt {day_noun(event.kind)} {day:%d/%m/%Y}: hạn cố định của các bước "
            f"{', '.join(late)} sẽ rơi sau {noun(event.kind)}. Sửa tệp kế hoạch trước."
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
    """Steps neither finished nor declared không phát sinh (a submission awaiting its
    receipt is not finished)."""
    query = select(StepRow.progress, StepRow.completed_at).where(
        StepRow.plan_id == plan_row.id, StepRow.archived_at.is_(None)
    )
    void = Progress.NOT_APPLICABLE.value
    return sum(1 for p, done in session.execute(query) if done is None and p != void)
