"""What the coordinator does from the dashboard: flows whose typed parameters become forms.

Each form is a Pydantic model, so Prefect renders its fields (Vietnamese titles, a
dropdown for the status) and refuses a malformed value before the run starts; once
registered, the step, agency and event fields are lists of the loaded plans' own words
(flows/form_schema.py), which `perform` maps back to keys (flows/choices.py). Each flow
calls `kehoach.services.tracking`, which writes the event log. The run ends Completed
with the answer as its message and a table of what was recorded (flows/form_result.py);
a refused action (unknown step, a date that is not a working day, ...) ends Failed with
the Vietnamese reason as its message, nothing written and no traceback in its logs. The
state names are Prefect's own, so the dashboard's filters find them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from flows import choices, form_result, sending
from kehoach.clock import now_utc
from kehoach.errors import UserError
from kehoach.present import answers
from kehoach.services import lookup, receipts, sweep, tracking
from kehoach.services.context import AppContext
from models.statuses import StatusChoice

# Optional texts default to "" rather than None: the form then shows a plain text box
# instead of a "str | None" switch.
_PLAN = Field(default="", title="Mã kế hoạch", description="Để trống khi chỉ có một kế hoạch.")
_BY = Field(
    default="",
    title="Cơ quan (mã)",
    description="Cơ quan báo cáo hoặc đề nghị, ví dụ SNV. Để trống: cơ quan điều phối.",
)
_NOTE = Field(default="", title="Ghi chú")
_STEP = Field(title="Mã bước", examples=["IV.2.programme", "IV.1.delegates@NINH_HAI"], min_length=1)
# Shown only when the form lists plan steps rather than every tracked step (a plan fanned
# out over the communes): the step chosen, then who carries it out (flows/choices.py).
_LEAD = Field(
    default="",
    title=choices.LEAD_TITLE,
    description="Khi bước giao cho nhiều cơ quan (mỗi huyện, mỗi xã…): cơ quan thực hiện bước.",
)


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    def text(self, name: str) -> str | None:
        """An optional text field; empty means "not given"."""
        return getattr(self, name) or None


class ProgressReport(Form):
    """Ghi nhận tiến độ một bước (kể cả báo vướng mắc)."""

    model_config = ConfigDict(title="Báo cáo tiến độ")
    plan_id: str = _PLAN
    step: str = _STEP
    lead: str = _LEAD
    status: StatusChoice = Field(title="Trạng thái")
    by: str = _BY
    note: str = _NOTE
    link: str = Field(default="", title="Đường dẫn tới sản phẩm")
    at: dt.datetime | None = Field(
        default=None, title="Thời điểm xảy ra", description="Để trống: bây giờ."
    )


class EventDate(Form):
    """Chốt hoặc dời ngày tổ chức; mọi hạn tính theo ngày này được tính lại."""

    model_config = ConfigDict(title="Ngày tổ chức sự kiện")
    plan_id: str = _PLAN
    event_id: str = Field(
        default="",
        title="Sự kiện (mã)",
        description="Để trống khi kế hoạch chỉ có một sự kiện; nếu có nhiều, ghi mã sự kiện "
        "(ví dụ bau_cu), lời báo lỗi sẽ liệt kê các mã.",
    )
    date: dt.date = Field(title="Ngày tổ chức")
    note: str = _NOTE


class Extension(Form):
    """Gia hạn một bước; hạn gốc được giữ để báo cáo 'hoàn thành quá hạn'."""

    model_config = ConfigDict(title="Gia hạn")
    plan_id: str = _PLAN
    step: str = _STEP
    lead: str = _LEAD
    new_deadline: dt.date = Field(title="Hạn mới")
    by: str = _BY
    note: str = _NOTE


class Resolution(Form):
    """Đánh dấu vướng mắc của một bước đã được giải quyết."""

    model_config = ConfigDict(title="Giải quyết vướng mắc")
    plan_id: str = _PLAN
    step: str = _STEP
    lead: str = _LEAD
    by: str = _BY
    note: str = _NOTE


class ReceiptConfirmation(Form):
    """Ghi nhận cơ quan nhận đã nhận sản phẩm của một bước, thay mặt cơ quan nhận."""

    model_config = ConfigDict(title="Xác nhận đã nhận")
    plan_id: str = _PLAN
    step: str = _STEP
    lead: str = _LEAD
    receiver: str = Field(
        title="Cơ quan nhận (mã)", description="Cơ quan nhận sản phẩm, ví dụ SNV.", min_length=1
    )
    note: str = _NOTE


class NotApplicable(Form):
    """Báo một nhiệm vụ “khi cần thiết”, “nếu có” là không phát sinh."""

    model_config = ConfigDict(title="Không phát sinh")
    plan_id: str = _PLAN
    step: str = _STEP
    lead: str = _LEAD
    by: str = Field(
        default="",
        title="Cơ quan chủ trì (mã)",
        description="Cơ quan chủ trì báo. Để trống: cơ quan điều phối báo thay.",
    )
    note: str = Field(title="Lý do không phát sinh", min_length=1)


class ReturnedReport(Form):
    """Trả lại báo cáo của một bước, nêu lý do; bước trở lại "đang thực hiện"."""

    model_config = ConfigDict(title="Trả lại báo cáo")
    plan_id: str = _PLAN
    step: str = _STEP
    lead: str = _LEAD
    reason: str = Field(title="Lý do trả lại", min_length=1)


class ExtensionDecision(Form):
    """Ý kiến của cơ quan điều phối về đề xuất gia hạn đang chờ của một bước."""

    model_config = ConfigDict(title="Ý kiến về đề xuất gia hạn")
    plan_id: str = _PLAN
    step: str = _STEP
    lead: str = _LEAD
    agree: bool = Field(title="Đồng ý gia hạn")
    note: str = _NOTE


def apply_return(session: Session, form: ReturnedReport, now: dt.datetime) -> str:
    row = tracking.return_report(
        session, form.step, now, reason=form.reason, plan_id=form.text("plan_id")
    )
    sweep.notify_answer(session, row.plan_id, row.key, now)
    return f"Đã trả lại báo cáo bước {row.key}; bước trở lại trạng thái đang thực hiện."


def apply_decision(session: Session, form: ExtensionDecision, now: dt.datetime) -> str:
    plan_id, note = form.text("plan_id"), form.text("note")
    if form.agree:
        result = tracking.approve_extension(session, form.step, now, plan_id=plan_id, note=note)
        sweep.notify_answer(session, result.row.plan_id, result.row.key, now)
        return answers.extension_answer(result)
    refused = tracking.refuse_extension(session, form.step, now, plan_id=plan_id, note=note)
    sweep.notify_answer(session, refused.row.plan_id, refused.row.key, now)
    return f"Đã ghi nhận: không đồng ý gia hạn bước {refused.row.key}; hạn vẫn giữ nguyên."


def apply_progress(session: Session, form: ProgressReport, now: dt.datetime) -> str:
    status = form.status.progress
    row = tracking.record_progress(
        session,
        form.step,
        status,
        now,
        plan_id=form.text("plan_id"),
        by=form.text("by"),
        at=form.at,
        note=form.text("note"),
        link=form.text("link"),
    )
    return answers.progress_recorded(row, status)


def apply_extension(session: Session, form: Extension, now: dt.datetime) -> str:
    result = tracking.extend_deadline(
        session,
        form.step,
        form.new_deadline,
        now,
        plan_id=form.text("plan_id"),
        by=form.text("by"),
        note=form.text("note"),
    )
    return answers.extension_answer(result)


def apply_resolution(session: Session, form: Resolution, now: dt.datetime) -> str:
    row = tracking.resolve_difficulty(
        session,
        form.step,
        now,
        plan_id=form.text("plan_id"),
        by=form.text("by"),
        note=form.text("note"),
    )
    return answers.difficulty_resolved(row)


def apply_event_date(session: Session, form: EventDate, now: dt.datetime) -> str:
    change = tracking.confirm_event(
        session,
        form.text("plan_id"),
        form.date,
        now,
        note=form.text("note"),
        event_id=form.text("event_id"),
    )
    told = sending.queue_moved_deadlines(session, change, now)
    return answers.event_confirmed(
        change.plan_id, form.date, change.old_date, len(change.moved_steps), told, change.kind
    )


def apply_receipt(session: Session, form: ReceiptConfirmation, now: dt.datetime) -> str:
    row = receipts.confirm_receipt(
        session, form.text("plan_id"), form.step, form.receiver, now, form.text("note")
    )
    completed = row.completed_at is not None and row.completes_on == "receipt"
    plan = lookup.plan_of(session, lookup.get_plan(session, row.plan_id))[0]
    return answers.receipt_confirmed(plan.agency(form.receiver).label, row, completed)


def apply_not_applicable(session: Session, form: NotApplicable, now: dt.datetime) -> str:
    row = receipts.declare_not_applicable(
        session, form.text("plan_id"), form.step, form.text("by"), now, form.note
    )
    return answers.not_applicable_declared(row, form.note)


Applier = Callable[[Session, Any, dt.datetime], str]


@dataclass(frozen=True)
class ActionOutcome:
    message: str
    delivery: sending.Delivery = field(default_factory=sending.Delivery)
    recorded: list[tuple[str, str]] = field(default_factory=list)  # what the form recorded


def perform(
    apply: Applier, form: Form, now: dt.datetime, send: bool = False, plan_id: str | None = None
) -> ActionOutcome:
    """Run one action in one transaction; refusals raise `UserError` with nothing written.

    A label chosen from a form's list is first mapped back to its step key or code (among
    `plan_id`'s choices only when the form is that plan's)."""
    context = AppContext.current()
    with context.database.transaction() as session:
        form = choices.resolved(session, form, plan_id)
        message = apply(session, form, now)
        recorded = form_result.recorded(session, form, now)
    if not send:
        return ActionOutcome(message, recorded=recorded)
    delivery = sending.send(context, now)
    return ActionOutcome(f"{message} Đã gửi {len(delivery.sent)} thư.", delivery, recorded)


def _state(
    apply: Applier,
    form: Form,
    as_of: dt.datetime | None,
    send: bool = False,
    plan_id: str | None = None,
) -> State[Any]:
    logger = get_run_logger()
    title = str(type(form).model_config.get("title"))
    try:
        outcome = perform(apply, form, as_of or now_utc(), send, plan_id)
    except UserError as refusal:
        logger.warning(refusal.message)
        form_result.publish_refusal(title, refusal.message)
        # The exception as the state's data: Prefect raises it once the run is over, and
        # the filter below keeps that from writing a traceback into the run's logs.
        return Failed(message=refusal.message, data=form_result.FormRefused(refusal.message))
    logger.info(outcome.message)
    form_result.publish(title, outcome.message, outcome.recorded)
    return Completed(message=outcome.message, data=outcome)


form_result.hide_refusal_tracebacks()


# Prefect titles each form field with the parameter's (English) name and shows the
# "Args:" lines of the flow's docstring under it, so those lines are in Vietnamese.


def _run_name(parameter: str, field: str) -> Callable[[], str]:
    def name() -> str:
        value = flow_run.parameters.get(parameter)
        found = value.get(field) if isinstance(value, dict) else getattr(value, field, None)
        return f"{found}" if found is not None else parameter

    return name


@flow(name="Báo cáo tiến độ", flow_run_name=_run_name("report", "step"), persist_result=False)
def record_progress_flow(
    report: ProgressReport, as_of: dt.datetime | None = None, plan_id: str | None = None
) -> State[Any]:
    """Ghi nhận tiến độ một bước thay mặt cơ quan báo cáo (kể cả báo vướng mắc).

    Args:
        report: Báo cáo tiến độ: bước nào, trạng thái mới, cơ quan nào báo.
        as_of: Thời điểm ghi nhận; để trống là bây giờ (chỉ đặt khi phát lại kịch bản).
        plan_id: Kế hoạch của biểu mẫu, đặt sẵn khi mỗi kế hoạch có biểu mẫu riêng.
    """
    return _state(apply_progress, report, as_of, plan_id=plan_id)


@flow(name="Chốt ngày sự kiện", flow_run_name=_run_name("event", "date"), persist_result=False)
def confirm_event_flow(
    event: EventDate, as_of: dt.datetime | None = None, plan_id: str | None = None
) -> State[Any]:
    """Chốt hoặc dời ngày tổ chức; mọi hạn theo ngày này đi theo, các cơ quan được báo hạn mới.

    Args:
        event: Ngày tổ chức sự kiện (hội nghị, ngày bầu cử…) được chốt (hoặc dời).
        as_of: Thời điểm ghi nhận; để trống là bây giờ (chỉ đặt khi phát lại kịch bản).
        plan_id: Kế hoạch của biểu mẫu, đặt sẵn khi mỗi kế hoạch có biểu mẫu riêng.
    """
    return _state(apply_event_date, event, as_of, send=True, plan_id=plan_id)


@flow(name="Gia hạn bước", flow_run_name=_run_name("extension", "step"), persist_result=False)
def extend_deadline_flow(
    extension: Extension, as_of: dt.datetime | None = None, plan_id: str | None = None
) -> State[Any]:
    """Gia hạn một bước; hạn gốc được giữ để báo cáo "hoàn thành quá hạn".

    Args:
        extension: Bước được gia hạn và hạn mới.
        as_of: Thời điểm ghi nhận; để trống là bây giờ (chỉ đặt khi phát lại kịch bản).
        plan_id: Kế hoạch của biểu mẫu, đặt sẵn khi mỗi kế hoạch có biểu mẫu riêng.
    """
    return _state(apply_extension, extension, as_of, plan_id=plan_id)


@flow(
    name="Giải quyết vướng mắc",
    flow_run_name=_run_name("resolution", "step"),
    persist_result=False,
)
def resolve_difficulty_flow(
    resolution: Resolution, as_of: dt.datetime | None = None, plan_id: str | None = None
) -> State[Any]:
    """Đánh dấu vướng mắc của một bước đã được giải quyết.

    Args:
        resolution: Bước có vướng mắc đã được giải quyết.
        as_of: Thời điểm ghi nhận; để trống là bây giờ (chỉ đặt khi phát lại kịch bản).
        plan_id: Kế hoạch của biểu mẫu, đặt sẵn khi mỗi kế hoạch có biểu mẫu riêng.
    """
    return _state(apply_resolution, resolution, as_of, plan_id=plan_id)


@flow(name="Xác nhận đã nhận", flow_run_name=_run_name("receipt", "step"), persist_result=False)
def confirm_receipt_flow(
    receipt: ReceiptConfirmation, as_of: dt.datetime | None = None, plan_id: str | None = None
) -> State[Any]:
    """Ghi nhận cơ quan nhận đã nhận sản phẩm; bước hoàn thành nếu kế hoạch quy định như vậy.

    Args:
        receipt: Bước nào, cơ quan nhận nào đã nhận sản phẩm.
        as_of: Thời điểm ghi nhận; để trống là bây giờ (chỉ đặt khi phát lại kịch bản).
        plan_id: Kế hoạch của biểu mẫu, đặt sẵn khi mỗi kế hoạch có biểu mẫu riêng.
    """
    return _state(apply_receipt, receipt, as_of, plan_id=plan_id)


@flow(
    name="Không phát sinh",
    flow_run_name=_run_name("declaration", "step"),
    persist_result=False,
)
def not_applicable_flow(
    declaration: NotApplicable, as_of: dt.datetime | None = None, plan_id: str | None = None
) -> State[Any]:
    """Báo nhiệm vụ “khi cần thiết”, “nếu có” là không phát sinh: không tính hoàn thành, quá hạn.

    Args:
        declaration: Bước nào không phát sinh, cơ quan nào báo, lý do.
        as_of: Thời điểm ghi nhận; để trống là bây giờ (chỉ đặt khi phát lại kịch bản).
        plan_id: Kế hoạch của biểu mẫu, đặt sẵn khi mỗi kế hoạch có biểu mẫu riêng.
    """
    return _state(apply_not_applicable, declaration, as_of, plan_id=plan_id)


@flow(name="Trả lại báo cáo", flow_run_name=_run_name("returned", "step"), persist_result=False)
def return_report_flow(
    returned: ReturnedReport, as_of: dt.datetime | None = None, plan_id: str | None = None
) -> State[Any]:
    """Trả lại báo cáo của một bước (nêu lý do); bước trở lại "đang thực hiện".

    Args:
        returned: Bước có báo cáo bị trả lại và lý do.
        as_of: Thời điểm ghi nhận; để trống là bây giờ (chỉ đặt khi phát lại kịch bản).
        plan_id: Kế hoạch của biểu mẫu, đặt sẵn khi mỗi kế hoạch có biểu mẫu riêng.
    """
    return _state(apply_return, returned, as_of, send=True, plan_id=plan_id)


@flow(
    name="Ý kiến về đề xuất gia hạn",
    flow_run_name=_run_name("decision", "step"),
    persist_result=False,
)
def decide_extension_flow(
    decision: ExtensionDecision, as_of: dt.datetime | None = None, plan_id: str | None = None
) -> State[Any]:
    """Đồng ý hoặc không đồng ý đề xuất gia hạn của cơ quan chủ trì.

    Args:
        decision: Bước có đề xuất gia hạn và ý kiến của cơ quan điều phối.
        as_of: Thời điểm ghi nhận; để trống là bây giờ (chỉ đặt khi phát lại kịch bản).
        plan_id: Kế hoạch của biểu mẫu, đặt sẵn khi mỗi kế hoạch có biểu mẫu riêng.
    """
    return _state(apply_decision, decision, as_of, send=True, plan_id=plan_id)


ACTION_FLOWS = (
    record_progress_flow,
    confirm_event_flow,
    extend_deadline_flow,
    resolve_difficulty_flow,
    confirm_receipt_flow,
    not_applicable_flow,
    return_report_flow,
    decide_extension_flow,
)
