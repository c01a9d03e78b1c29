"""Receipts of deliverables and conditional steps declared void (models.receipts).

confirm_receipt         a receiver (or the office it goes through) confirms it has the
                        deliverable; with `completes_on: receipt` that completes the step
declare_not_applicable  the lead (or the coordinator for it) declares a conditional step
                        "không phát sinh", with a note

Both are called by the CLI (`kehoach da-nhan`, `kehoach khong-phat-sinh`), the coordinator's
forms and, later, the agencies' web pages; a refusal is a `UserError` with nothing written.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from kehoach.errors import UserError
from kehoach.services.lookup import check_agency, get_plan, get_step, plan_of
from kehoach.services.plans import log_event
from kehoach.services.tracking import apply_to_row, refuse_if_closed
from kehoach.store.tables import StepRow
from models.health import Progress
from models.plan import Plan
from models.progress import EventKind, StepEvent
from models.receipts import confirmers, not_applicable_refusal, receipt_refusal


def confirm_receipt(
    session: Session,
    plan_id: str | None,
    step_key: str,
    receiver: str,
    now: dt.datetime,
    note: str | None = None,
) -> StepRow:
    """Record that `receiver` has the deliverable of `step_key`, at `now`."""
    row = get_step(session, step_key, plan_id)
    plan_row = get_plan(session, row.plan_id)
    refuse_if_closed(plan_row, now)
    agency = check_agency(session, plan_row, receiver)
    allowed = confirmers(row.receivers, row.via)
    refusal = receipt_refusal(allowed, agency, Progress(row.progress), row.received_at is not None)
    if refusal:
        names = _names(plan_of(session, plan_row)[0], allowed)
        where = f" (nơi nhận: {names})" if names and agency not in allowed else ""
        raise UserError(
            f"Không ghi nhận được việc nhận sản phẩm bước '{step_key}': {refusal}{where}."
        )
    apply_to_row(session, row, StepEvent(EventKind.RECEIPT_CONFIRMED, now))
    log_event(
        session,
        row.plan_id,
        EventKind.RECEIPT_CONFIRMED,
        now,
        step_key=row.key,
        actor=agency,
        note=note,
    )
    return row


def declare_not_applicable(
    session: Session,
    plan_id: str | None,
    step_key: str,
    agency: str | None,
    now: dt.datetime,
    note: str | None,
) -> StepRow:
    """Declare a conditional step "không phát sinh"; `agency` None: the coordinator."""
    row = get_step(session, step_key, plan_id)
    plan_row = get_plan(session, row.plan_id)
    refuse_if_closed(plan_row, now)
    plan = plan_of(session, plan_row)[0]
    actor = check_agency(session, plan_row, agency) if agency else plan.plan.coordinator
    refusal = _declaring_refusal(plan, row, actor, note)
    if refusal:
        raise UserError(f"Không ghi nhận được 'không phát sinh' cho bước '{step_key}': {refusal}.")
    apply_to_row(session, row, StepEvent(EventKind.NOT_APPLICABLE, now))
    log_event(
        session,
        row.plan_id,
        EventKind.NOT_APPLICABLE,
        now,
        step_key=row.key,
        actor=actor,
        note=note,
    )
    return row


def _declaring_refusal(plan: Plan, row: StepRow, actor: str, note: str | None) -> str | None:
    if actor not in (row.lead, plan.plan.coordinator):
        return "chỉ cơ quan chủ trì hoặc cơ quan đầu mối theo dõi kế hoạch được báo không phát sinh"
    completed = row.completed_at is not None
    return not_applicable_refusal(row.conditional, Progress(row.progress), completed, note)


def _names(plan: Plan, codes: tuple[str, ...]) -> str:
    known = {a.code: a.label for a in plan.agencies}
    return ", ".join(known.get(code, code) for code in codes)
