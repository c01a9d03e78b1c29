"""The coordinator's forms: typed parameters, and flows that change what they should."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from flows.choices import COORDINATOR
from flows.forms import (
    EventDate,
    Extension,
    NotApplicable,
    ProgressReport,
    ReceiptConfirmation,
    Resolution,
    StatusChoice,
    confirm_event_flow,
    confirm_receipt_flow,
    extend_deadline_flow,
    not_applicable_flow,
    record_progress_flow,
    resolve_difficulty_flow,
)
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from kehoach.store.outbox_tables import ReminderItemRow
from kehoach.store.tables import EventRow, PlanRow, StepRow
from models.health import Progress
from models.plan import Plan
from tests.flows.conftest import at
from tests.flows.prefect_api import run_artifact

PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"


def _step(context: AppContext, key: str) -> StepRow:
    with context.database.transaction() as session:
        return session.scalars(select(StepRow).where(StepRow.key == key)).one()


def seeded_plan(context: AppContext) -> Plan:
    with context.database.transaction() as session:
        return plan_of(session, get_plan(session, PLAN_ID))[0]


def _events(context: AppContext, kind: str) -> list[EventRow]:
    with context.database.transaction() as session:
        return list(session.scalars(select(EventRow).where(EventRow.kind == kind)))


def test_every_status_choice_maps_to_a_progress_a_person_may_record() -> None:
    # "Không phát sinh" is declared with its own form, whose reason is mandatory.
    unsettable = {Progress.NOT_STARTED, Progress.NOT_APPLICABLE}
    assert {c.progress for c in StatusChoice} == set(Progress) - unsettable
    assert StatusChoice.BLOCKED.value == "Có vướng mắc"


def test_a_form_refuses_an_unknown_field_and_a_bad_status() -> None:
    with pytest.raises(ValidationError):
        ProgressReport(step="IV.2.programme", status="xong")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Resolution(step="IV.2.programme", stauts="x")  # type: ignore[call-arg]


def test_recording_progress_writes_the_step_and_the_event_log(seeded: AppContext) -> None:
    form = ProgressReport(
        step="IV.1.delegates@NINH_HAI", status=StatusChoice.SUBMITTED, by="NINH_HAI", note="Đã gửi"
    )
    state = record_progress_flow(form, as_of=at(19), return_state=True)
    assert state.is_completed() and state.name == "Completed"
    assert _step(seeded, "IV.1.delegates@NINH_HAI").progress == Progress.SUBMITTED
    [event] = _events(seeded, "progress")
    assert (event.actor, event.note) == ("NINH_HAI", "Đã gửi")


def test_a_refused_action_ends_red_with_the_reason_and_writes_nothing(seeded: AppContext) -> None:
    state = resolve_difficulty_flow(Resolution(step="IV.2.programme"), return_state=True)
    # Prefect's own state name, so the dashboard's "Failed" filter finds the run.
    assert state.is_failed() and state.name == "Failed"
    assert state.message.startswith("Bước 'IV.2.programme' không có vướng mắc đang mở")
    unknown = record_progress_flow(
        ProgressReport(step="IV.9.nothing", status=StatusChoice.DONE), return_state=True
    )
    assert unknown.name == "Failed" and "Không có bước 'IV.9.nothing'" in unknown.message
    assert _events(seeded, "progress") == [] and _events(seeded, "difficulty_resolved") == []


def test_a_difficulty_reported_then_resolved(seeded: AppContext) -> None:
    blocked = ProgressReport(step="IV.2.award_proposals", status=StatusChoice.BLOCKED)
    record_progress_flow(blocked, as_of=at(28, 3), return_state=True)
    state = resolve_difficulty_flow(
        Resolution(step="IV.2.award_proposals", by="SNV", note="Đã hướng dẫn"),
        as_of=at(2),
        return_state=True,
    )
    assert state.is_completed()
    assert _step(seeded, "IV.2.award_proposals").progress == Progress.IN_PROGRESS


def test_an_extension_keeps_the_original_deadline(seeded: AppContext) -> None:
    form = Extension(step="IV.4.invitations", new_deadline=dt.date(2024, 4, 16), by="SLDTBXH")
    state = extend_deadline_flow(form, as_of=at(9), return_state=True)
    assert state.is_completed() and "hạn gốc 10/04/2024" in state.message
    row = _step(seeded, "IV.4.invitations")
    assert (row.deadline, row.extended_to) == (dt.date(2024, 4, 10), dt.date(2024, 4, 16))


def test_moving_the_event_moves_every_relative_deadline_and_tells_the_agencies(
    seeded: AppContext,
) -> None:
    form = EventDate(date=dt.date(2024, 4, 26), note="Lãnh đạo thống nhất")
    state = confirm_event_flow(form, as_of=at(10, hour=10), return_state=True)
    assert state.is_completed() and "26/04/2024 (trước đó 25/04/2024)" in state.message
    assert _step(seeded, "IV.4.invitations").deadline == dt.date(2024, 4, 11)
    with seeded.database.transaction() as session:
        plan = session.get_one(PlanRow, PLAN_ID)
        assert (plan.event_date, plan.event_confirmed) == (dt.date(2024, 4, 26), True)
        told = session.scalars(
            select(ReminderItemRow.recipient).where(ReminderItemRow.rule == "deadline_moved")
        ).all()
    assert {"VPUBND", "SLDTBXH", "SNV", "THUAN_NAM"} <= set(told)
    assert list(seeded.settings.outbox_dir.iterdir())  # told at once: 10:00 is office hours


def test_a_date_that_is_not_a_working_day_is_refused(seeded: AppContext) -> None:
    state = confirm_event_flow(EventDate(date=dt.date(2024, 4, 30)), return_state=True)
    assert state.name == "Failed" and "không phải ngày làm việc" in state.message


def test_the_coordinator_records_a_receipt_on_behalf_of_the_receiver(seeded: AppContext) -> None:
    sent = ProgressReport(step="IV.2.award_proposals", status=StatusChoice.SUBMITTED)
    record_progress_flow(sent, as_of=at(27, 3), return_state=True)
    form = ReceiptConfirmation(step="IV.2.award_proposals", receiver="SNV", note="Qua bưu chính")
    state = confirm_receipt_flow(form, as_of=at(28, 3), return_state=True)
    assert state.is_completed()
    # The seed is a v1 plan: "đã nộp" completed the step; the receipt is recorded beside it.
    assert state.message == (
        "Đã ghi nhận: Sở Nội vụ xác nhận đã nhận sản phẩm của nhiệm vụ IV.2 – Đề xuất các tập thể, "
        "cá nhân có thành tích tiêu biểu xuất sắc xét trình Chủ tịch Ủy ban nhân dân tỉnh khen "
        "thưởng (thông qua Sở Nội vụ)."
    )
    [event] = _events(seeded, "receipt_confirmed")
    assert (event.actor, event.note) == ("SNV", "Qua bưu chính")


def test_not_applicable_needs_a_reason_and_a_conditional_step(seeded: AppContext) -> None:
    with pytest.raises(ValidationError):
        NotApplicable(step="IV.2.budget_estimate", note="")
    form = NotApplicable(step="IV.2.budget_estimate", note="Dùng kinh phí đã giao")
    state = not_applicable_flow(form, return_state=True)
    assert state.name == "Failed"
    assert "không phải nhiệm vụ phát sinh khi cần" in state.message
    assert _events(seeded, "not_applicable") == []


def test_a_step_and_an_agency_chosen_from_the_lists_record_the_right_step(
    seeded: AppContext,
) -> None:
    form = ProgressReport(
        step="IV.1 · Cử đại diện tham dự Hội nghị theo thành phần, số lượng được mời — "
        "Ủy ban nhân dân huyện Ninh Hải",
        status=StatusChoice.SUBMITTED,
        by="Ủy ban nhân dân huyện Ninh Hải (UBND huyện Ninh Hải)",
    )
    state = record_progress_flow(form, as_of=at(19), return_state=True)
    assert state.is_completed(), state.message
    assert _step(seeded, "IV.1.delegates@NINH_HAI").progress == Progress.SUBMITTED
    assert _step(seeded, "IV.1.delegates@NINH_SON").progress == Progress.NOT_STARTED
    [event] = _events(seeded, "progress")
    assert event.actor == "NINH_HAI"


def test_the_coordinators_own_choice_records_the_step_in_the_coordinators_name(
    seeded: AppContext,
) -> None:
    form = Extension(
        step="IV.4 · Phát hành giấy mời Hội nghị sơ kết — Văn phòng Ủy ban nhân dân tỉnh",
        new_deadline=dt.date(2024, 4, 16),
        by=COORDINATOR,
    )
    state = extend_deadline_flow(form, as_of=at(9), return_state=True)
    assert state.is_completed(), state.message
    assert _step(seeded, "IV.4.invitations").extended_to == dt.date(2024, 4, 16)
    [event] = _events(seeded, "deadline_extended")
    assert event.actor == "SLDTBXH"


def test_the_event_is_chosen_by_its_name_and_named_so_on_the_runs_page(
    seeded: AppContext,
) -> None:
    [event] = seeded_plan(seeded).events
    form = EventDate(event_id=event.name, date=dt.date(2024, 4, 26))
    state = confirm_event_flow(form, as_of=at(10, hour=10), return_state=True)
    assert state.is_completed() and "26/04/2024" in state.message
    page = run_artifact(state).data
    assert f"| Sự kiện | {event.name} |" in page and "| Ngày tổ chức | 26/04/2024 |" in page
    assert "main" not in page


def test_a_form_run_shows_what_it_recorded_on_its_page(seeded: AppContext) -> None:
    form = ProgressReport(
        step="IV.2.programme", status=StatusChoice.SUBMITTED, by="SNV", note="Bản thứ hai"
    )
    state = record_progress_flow(form, as_of=at(19, hour=9, minute=30), return_state=True)
    artifact = run_artifact(state)
    assert artifact.description == "Kết quả biểu mẫu Báo cáo tiến độ"
    page = artifact.data
    assert page.startswith("### Đã ghi nhận — Báo cáo tiến độ\n\n" + state.message)
    for row in (
        "| Bước | Nhiệm vụ IV.2 – Xây dựng chương trình Hội nghị sơ kết |",
        "| Cơ quan chủ trì | Sở Lao động – Thương binh và Xã hội |",
        "| Hạn | 03/04/2024 |",
        "| Trạng thái | Đã nộp |",
        "| Cơ quan | Sở Nội vụ |",
        "| Ghi chú | Bản thứ hai |",
        "| Thời điểm ghi nhận | 19/04/2024 09:30 |",
    ):
        assert row in page


def test_a_refused_form_says_only_why_on_its_page(seeded: AppContext) -> None:
    state = resolve_difficulty_flow(Resolution(step="IV.2.programme"), return_state=True)
    page = run_artifact(state).data
    assert page == (
        f"### Không ghi nhận — Giải quyết vướng mắc\n\n{state.message}\n\nKhông có gì được ghi.\n"
    )
