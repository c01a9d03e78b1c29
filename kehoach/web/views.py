"""What an agency's pages show, read from the record: its steps and each step's history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach.present.tables import ORIGIN_WORDS
from kehoach.services.links import step_path
from kehoach.services.lookup import plan_of
from kehoach.services.status import StepStatus, by_urgency, plan_statuses
from kehoach.services.tracking import open_request
from kehoach.store.tables import DeadlineRow, EventRow, PlanRow, StepRow
from kehoach.web.actions import may_confirm, receives
from models.deadlines import REASON_LABELS, DeadlineReason
from models.health import PROGRESS_LABELS, Health, Progress
from models.notice_facts import plan_reference
from models.parts import PART_DONE, PART_DONE_LABEL
from models.plan import Plan
from models.progress import EVENT_LABELS, EventKind
from models.timeutil import ddmmyyyy, local_stamp

LATE = {Health.OVERDUE, Health.NOT_DONE}
SOON = {Health.DUE_SOON}
AWAITING_RECEIPT = "Chờ Quý cơ quan xác nhận đã nhận"
RECEIVER_ROLE = "Nhận sản phẩm"
FINISHED = {Health.DONE_ON_TIME, Health.DONE_LATE}


@dataclass(frozen=True)
class StepLine:
    """One row of the agency's page."""

    plan_id: str
    key: str
    title: str
    reference: str
    role: str
    deadline: str
    state: str
    tone: str
    path: str


def tone(status: StepStatus) -> str:
    health = status.assessment.health
    if health in LATE or status.state.progress is Progress.BLOCKED:
        return "late"
    return "soon" if health in SOON else "done" if health in FINISHED else "open"


def role_of(status: StepStatus, agency: str, receiving: bool = False) -> str:
    if status.lead == agency:
        return "Chủ trì"
    if agency in status.cooperating:
        return f"Phối hợp, {RECEIVER_ROLE.lower()}" if receiving else "Phối hợp"
    return RECEIVER_ROLE


def agency_steps(session: Session, agency: str, now: dt.datetime) -> list[StepLine]:
    """Every step the agency leads or cooperates on, and those delivered to it that wait
    for its confirmation of receipt, across plans, most urgent first."""
    mine: list[StepStatus] = []
    waiting: set[tuple[str, str]] = set()
    for plan_row in session.scalars(select(PlanRow).order_by(PlanRow.id)):
        waiting |= {(plan_row.id, k) for k in awaiting_receipt(session, plan_row.id, agency)}
        mine += [
            s
            for s in plan_statuses(session, plan_row, now)
            if s.lead == agency or agency in s.cooperating or (s.plan_id, s.key) in waiting
        ]
    return [_line(s, agency, (s.plan_id, s.key) in waiting) for s in by_urgency(mine)]


def awaiting_receipt(session: Session, plan_id: str, agency: str) -> set[str]:
    """The plan's steps delivered (đã nộp) to `agency` and not yet confirmed received."""
    query = select(StepRow).where(
        StepRow.plan_id == plan_id,
        StepRow.archived_at.is_(None),
        StepRow.received_at.is_(None),
    )
    return {row.key for row in session.scalars(query) if may_confirm(row, agency)}


def _line(status: StepStatus, agency: str, receiving: bool) -> StepLine:
    return StepLine(
        status.plan_id,
        status.key,
        status.title,
        f"Nhiệm vụ {status.responsibility_id}",
        role_of(status, agency, receiving),
        ddmmyyyy(status.effective_deadline),
        AWAITING_RECEIPT if receiving else status.assessment.label,
        "soon" if receiving else tone(status),
        step_path(status.plan_id, status.key),
    )


def agency_name(session: Session, agency: str) -> str:
    for plan_row in session.scalars(select(PlanRow).order_by(PlanRow.id)):
        plan = plan_of(session, plan_row)[0]
        if any(a.code == agency for a in plan.agencies):
            return plan.agency(agency).name
    return agency


@dataclass(frozen=True)
class HistoryLine:
    moment: str
    what: str
    who: str
    detail: str = ""
    link: str = ""


@dataclass(frozen=True)
class StepPage:
    status: StepStatus
    plan_ref: str
    role: str
    lead: str
    cooperating: list[str]
    deadline: str
    deadline_origin: str
    first_deadline: str
    deadlines: list[HistoryLine]
    events: list[HistoryLine]
    parts_done: set[str] = field(default_factory=set)
    pending_request: str = ""
    coordinator: str = ""
    conditional: bool = False
    awaiting_receipt: bool = False  # delivered, not yet confirmed received
    received: str = ""  # when receipt was confirmed, local time


def find_step(session: Session, plan_id: str, key: str, lock: bool = False) -> StepRow | None:
    query = select(StepRow).where(
        StepRow.plan_id == plan_id, StepRow.key == key, StepRow.archived_at.is_(None)
    )
    return session.scalar(query.with_for_update() if lock else query)


def step_page(session: Session, row: StepRow, agency: str, now: dt.datetime) -> StepPage:
    plan_row = session.get_one(PlanRow, row.plan_id)
    plan = plan_of(session, plan_row)[0]
    status = next(s for s in plan_statuses(session, plan_row, now) if s.key == row.key)
    events = list(_events(session, row))
    request = open_request(session, row)
    return StepPage(
        status=status,
        plan_ref=f"{plan_reference(plan.plan)} về {plan.plan.title}",
        role=role_of(status, agency, receives(row, agency)),
        lead=plan.agency(row.lead).name,
        cooperating=[plan.agency(c).name for c in status.cooperating],
        deadline=ddmmyyyy(status.effective_deadline),
        deadline_origin=ORIGIN_WORDS.get(status.deadline_origin, ""),
        first_deadline=ddmmyyyy(status.first_deadline),
        deadlines=_deadlines(session, row, plan),
        events=[_event_line(e, plan) for e in events],
        parts_done={e.actor for e in events if e.kind == PART_DONE},
        pending_request=ddmmyyyy(dt.date.fromisoformat(request.data["to"])) if request else "",
        coordinator=plan.plan.coordinator,
        conditional=row.conditional,
        awaiting_receipt=may_confirm(row, agency),
        received=local_stamp(row.received_at) if row.received_at else "",
    )


def _deadlines(session: Session, row: StepRow, plan: Plan) -> list[HistoryLine]:
    query = (
        select(DeadlineRow)
        .where(DeadlineRow.plan_id == row.plan_id, DeadlineRow.step_key == row.key)
        .order_by(DeadlineRow.at, DeadlineRow.id)
    )
    return [
        HistoryLine(
            local_stamp(d.at),
            f"Hạn {ddmmyyyy(d.extended_to or d.deadline)}",
            _who(plan, d.actor),
            REASON_LABELS.get(DeadlineReason(d.reason), d.reason)
            + (f": {d.note}" if d.note else ""),
        )
        for d in session.scalars(query)
    ]


def _reason(row: DeadlineRow) -> str:
    label = REASON_LABELS.get(DeadlineReason(row.reason), row.reason)
    return f"{label}: {row.note}" if row.note else label


def _events(session: Session, row: StepRow) -> list[EventRow]:
    query = (
        select(EventRow)
        .where(EventRow.plan_id == row.plan_id, EventRow.step_key == row.key)
        .order_by(EventRow.at.desc(), EventRow.id.desc())
    )
    return list(session.scalars(query))


def _event_line(event: EventRow, plan: Plan) -> HistoryLine:
    what = PART_DONE_LABEL if event.kind == PART_DONE else _event_label(event)
    if event.status:
        what += f": {PROGRESS_LABELS.get(Progress(event.status), event.status)}"
    if event.kind in (EventKind.EXTENSION_REQUESTED, EventKind.DEADLINE_EXTENDED):
        what += f" đến {ddmmyyyy(dt.date.fromisoformat(event.data['to']))}"
    who = _who(plan, event.actor)
    if (event.data or {}).get("via") == "link":
        who += " (qua liên kết của cơ quan)"
    detail = event.note or ""
    upload = (event.data or {}).get("file")
    if upload:
        detail += f" Tệp đính kèm: {upload['name']} ({upload['size']:,} byte)".replace(",", ".")
    return HistoryLine(local_stamp(event.at), what, who, detail.strip(), event.link or "")


def _event_label(event: EventRow) -> str:
    try:
        return EVENT_LABELS[EventKind(event.kind)]
    except (KeyError, ValueError):
        return "ghi nhận khác"


def _who(plan: Plan, code: str) -> str:
    known = {a.code: a.label for a in plan.agencies}
    return known.get(code, "hệ thống" if code == "system" else code)
