"""What an agency does from a step's page; each action is one use case of kehoach.services.

An action is a name (the last part of the form's address), who may take it (the step's
lead, a cooperator, or a receiver of its deliverable: `receivers` or the `via` office), and
a function calling the use case. Adding one is one entry in ACTIONS and one block in
templates/step.html; nothing else changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kehoach.errors import UserError
from kehoach.present.dates import parse_date
from kehoach.services.lookup import plan_of
from kehoach.services.parts import record_part_done
from kehoach.services.receipts import confirm_receipt, declare_not_applicable
from kehoach.services.tracking import extend_deadline, record_progress
from kehoach.store.tables import PlanRow, StepRow
from models.health import Progress
from models.receipts import confirmers, receipt_refusal
from models.timeutil import ddmmyyyy

LEAD, COOPERATOR, RECEIVER = "lead", "cooperator", "receiver"
REPORTABLE = {
    "in_progress": Progress.IN_PROGRESS,
    "submitted": Progress.SUBMITTED,
    "done": Progress.DONE,
}
NOTE_LIMIT = 4000


@dataclass(frozen=True)
class Submitted:
    """One POSTed form, checked and read; `link` is the deliverable's address, if any."""

    fields: dict[str, str]
    link: str | None = None


Handler = Callable[[Session, StepRow, str, Submitted, dt.datetime], str]


@dataclass(frozen=True)
class Action:
    name: str
    who: str
    run: Handler


def field(form: Submitted, name: str, what: str, required: bool = False) -> str | None:
    value = (form.fields.get(name) or "").strip()
    if required and not value:
        raise UserError(f"Chưa điền {what}.")
    if len(value) > NOTE_LIMIT:
        raise UserError(f"{what.capitalize()} dài quá {NOTE_LIMIT} ký tự.")
    return value or None


def report_progress(
    session: Session, row: StepRow, agency: str, form: Submitted, now: dt.datetime
) -> str:
    status = REPORTABLE.get(form.fields.get("status", ""))
    if status is None:
        raise UserError("Chưa chọn tình trạng thực hiện.")
    note = field(form, "note", "ghi chú")
    record_progress(
        session, row.key, status, now, plan_id=row.plan_id, by=agency, note=note, link=form.link
    )
    return "Đã ghi nhận báo cáo tiến độ. Cơ quan đầu mối thấy ngay trong bảng theo dõi."


def report_difficulty(
    session: Session, row: StepRow, agency: str, form: Submitted, now: dt.datetime
) -> str:
    note = field(form, "note", "nội dung khó khăn, vướng mắc", required=True)
    record_progress(
        session, row.key, Progress.BLOCKED, now, plan_id=row.plan_id, by=agency, note=note
    )
    return (
        "Đã ghi nhận khó khăn, vướng mắc; nội dung được chuyển tới cơ quan tiếp nhận "
        "phản ánh của Kế hoạch trong lượt nhắc việc tiếp theo."
    )


def request_extension(
    session: Session, row: StepRow, agency: str, form: Submitted, now: dt.datetime
) -> str:
    coordinator = plan_of(session, session.get_one(PlanRow, row.plan_id))[0].plan.coordinator
    if agency == coordinator:
        # A link is a bearer credential: granting stays with the coordinator's own tools.
        raise UserError("Cơ quan đầu mối gia hạn trên bảng điều khiển, không qua liên kết này.")
    day = parse_date(field(form, "to", "ngày đề xuất", required=True) or "", "Ngày đề xuất")
    reason = field(form, "note", "lý do đề xuất gia hạn", required=True)
    extend_deadline(session, row.key, day, now, plan_id=row.plan_id, by=agency, note=reason)
    return f"Đã gửi đề xuất gia hạn đến ngày {ddmmyyyy(day)}; cơ quan đầu mối sẽ cho ý kiến."


def report_part_done(
    session: Session, row: StepRow, agency: str, form: Submitted, now: dt.datetime
) -> str:
    note = field(form, "note", "ghi chú")
    record_part_done(session, row.key, agency, now, plan_id=row.plan_id, note=note)
    return "Đã ghi nhận cơ quan hoàn thành phần việc phối hợp; cơ quan chủ trì được biết."


def confirm_received(
    session: Session, row: StepRow, agency: str, form: Submitted, now: dt.datetime
) -> str:
    note = field(form, "note", "ghi chú")
    confirm_receipt(session, row.plan_id, row.key, agency, now, note=note)
    return "Đã xác nhận đã nhận sản phẩm; cơ quan chủ trì và cơ quan đầu mối được biết."


def not_arising(
    session: Session, row: StepRow, agency: str, form: Submitted, now: dt.datetime
) -> str:
    reason = field(form, "note", "lý do không phát sinh", required=True)
    declare_not_applicable(session, row.plan_id, row.key, agency, now, reason)
    return "Đã ghi nhận nhiệm vụ không phát sinh; cơ quan đầu mối thấy ngay trong bảng theo dõi."


ACTIONS = {
    action.name: action
    for action in (
        Action("tien-do", LEAD, report_progress),
        Action("vuong-mac", LEAD, report_difficulty),
        Action("gia-han", LEAD, request_extension),
        Action("phoi-hop", COOPERATOR, report_part_done),
        Action("da-nhan", RECEIVER, confirm_received),
        Action("khong-phat-sinh", LEAD, not_arising),
    )
}


def allowed(action: Action, row: StepRow, agency: str) -> bool:
    if action.who == LEAD:
        return row.lead == agency
    if action.who == RECEIVER:
        return receives(row, agency)
    return agency in row.cooperating


def receives(row: StepRow, agency: str) -> bool:
    """A receiver of the step's deliverable, or the office it goes through."""
    return agency != row.lead and agency in confirmers(row.receivers, row.via)


def may_confirm(row: StepRow, agency: str) -> bool:
    """A receiver whose confirmation is awaited now (models.receipts decides when)."""
    allowed = confirmers(row.receivers, row.via)
    received = row.received_at is not None
    refusal = receipt_refusal(allowed, agency, Progress(row.progress), received)
    return refusal is None and agency != row.lead


def involved(row: StepRow, agency: str) -> bool:
    """Whose link may open the step's page: its lead, a cooperator or a receiver."""
    return row.lead == agency or agency in row.cooperating or receives(row, agency)
