"""Coordinator and agency actions on the seed plan: progress, difficulties, extensions, the date."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kehoach.errors import UserError
from kehoach.services import tracking
from kehoach.services.context import AppContext
from kehoach.services.status import statuses
from kehoach.store.tables import EventRow, PlanRow, StepRow
from models.health import Health, Progress

PLAN = "nt-2024-so-ket-vi-nguoi-ngheo"
NOW = dt.datetime(2024, 4, 2, 3, 0, tzinfo=dt.UTC)  # 10:00 in Vietnam, Tuesday 2/4/2024


def health_of(context: AppContext, key: str, now: dt.datetime = NOW) -> str:
    with context.database.transaction() as session:
        return next(s for s in statuses(session, now, PLAN) if s.key == key).assessment.label


def test_progress_is_recorded_with_who_when_note_and_link(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        tracking.record_progress(
            session,
            "IV.2.programme",
            Progress.SUBMITTED,
            NOW,
            by="SLDTBXH",
            note="Đã gửi dự thảo chương trình",
            link="https://example.vn/chuong-trinh.pdf",
        )
    with seeded.database.transaction() as session:
        event = session.scalars(select(EventRow).where(EventRow.kind == "progress")).one()
    assert (event.actor, event.status, event.at) == ("SLDTBXH", "submitted", NOW)
    assert event.link == "https://example.vn/chuong-trinh.pdf"
    assert health_of(seeded, "IV.2.programme") == "đã hoàn thành đúng hạn"


def test_an_unknown_step_gets_a_suggestion(seeded: AppContext) -> None:
    with (
        seeded.database.transaction() as session,
        pytest.raises(UserError, match=r"Có phải: IV\.2\.programme"),
    ):
        tracking.record_progress(session, "IV.2.programm", Progress.DONE, NOW)


def test_an_unknown_agency_is_refused(seeded: AppContext) -> None:
    with (
        seeded.database.transaction() as session,
        pytest.raises(UserError, match="'SNV2' không có"),
    ):
        tracking.record_progress(session, "IV.2.programme", Progress.DONE, NOW, by="SNV2")


def test_progress_in_the_future_is_refused(seeded: AppContext) -> None:
    with seeded.database.transaction() as session, pytest.raises(UserError, match="tương lai"):
        tracking.record_progress(
            session, "IV.2.programme", Progress.DONE, NOW, at=NOW + dt.timedelta(days=1)
        )


def test_a_reported_difficulty_blocks_the_step_until_resolved(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        tracking.record_progress(
            session, "IV.2.venue", Progress.BLOCKED, NOW, by="SLDTBXH", note="Khách sạn đã kín lịch"
        )
    assert health_of(seeded, "IV.2.venue") == "đang thực hiện trong hạn; vướng mắc"
    with seeded.database.transaction() as session:
        tracking.resolve_difficulty(session, "IV.2.venue", NOW + dt.timedelta(hours=2), by="SNV")
    assert (
        health_of(seeded, "IV.2.venue", NOW + dt.timedelta(hours=3)) == "đang thực hiện trong hạn"
    )
    with (
        seeded.database.transaction() as session,
        pytest.raises(UserError, match="không có vướng mắc"),
    ):
        tracking.resolve_difficulty(session, "IV.2.venue", NOW + dt.timedelta(hours=4))


def test_an_extension_keeps_the_original_deadline(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        row = tracking.extend_deadline(
            session, "IV.2.results_report", dt.date(2024, 4, 5), NOW, note="Chờ số liệu huyện"
        ).row
        assert (row.deadline, row.extended_to) == (dt.date(2024, 3, 27), dt.date(2024, 4, 5))
    assert health_of(seeded, "IV.2.results_report") == "sắp đến hạn, còn 3 ngày làm việc"


def test_an_extension_to_a_day_off_is_refused_with_the_next_working_day(seeded: AppContext) -> None:
    with seeded.database.transaction() as session, pytest.raises(UserError) as caught:
        tracking.extend_deadline(session, "IV.2.results_report", dt.date(2024, 4, 18), NOW)
    assert "18/04/2024 không phải ngày làm việc (Giỗ Tổ Hùng Vương)" in caught.value.message
    assert "19/04/2024" in caught.value.message


def test_confirming_the_event_date_moves_every_relative_deadline(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        change = tracking.confirm_event(session, PLAN, dt.date(2024, 5, 9), NOW)
    assert change.old_date == dt.date(2024, 4, 25) and len(change.moved_steps) == 54
    with seeded.database.transaction() as session:
        plan = session.get(PlanRow, PLAN)
        assert plan is not None and plan.event_confirmed
        programme = session.scalars(select(StepRow).where(StepRow.key == "IV.2.programme")).one()
    # 15 working days before 9/5/2024, across 29/4–1/5 off and the make-up Saturday 4/5.
    assert programme.deadline == dt.date(2024, 4, 15)
    assert programme.first_deadline == dt.date(2024, 4, 3)


def test_the_event_cannot_be_set_on_a_holiday(seeded: AppContext) -> None:
    with (
        seeded.database.transaction() as session,
        pytest.raises(UserError, match="Ngày Chiến thắng"),
    ):
        tracking.confirm_event(session, PLAN, dt.date(2024, 4, 30), NOW)


def test_invitations_wait_for_the_confirmed_date(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        tracking.record_progress(session, "IV.2.programme", Progress.DONE, NOW)
    early = dt.datetime(2024, 4, 2, 4, 0, tzinfo=dt.UTC)
    assert (
        health_of(seeded, "IV.4.invitations", early)
        == "chưa bắt đầu, còn trong hạn; chờ bước trước"
    )
    with seeded.database.transaction() as session:
        tracking.confirm_event(session, PLAN, dt.date(2024, 4, 25), early)
    assert health_of(seeded, "IV.4.invitations", early) == "chưa bắt đầu, còn trong hạn"


def test_status_as_of_an_earlier_moment_ignores_later_progress(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        tracking.record_progress(session, "IV.2.budget_estimate", Progress.DONE, NOW, at=NOW)
    before = NOW - dt.timedelta(days=1)
    assert health_of(seeded, "IV.2.budget_estimate", before) == "sắp đến hạn, còn 2 ngày làm việc"
    assert health_of(seeded, "IV.2.budget_estimate") == "đã hoàn thành đúng hạn"


def test_status_can_be_filtered_by_agency_as_lead_or_cooperating(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        mine = statuses(session, NOW, PLAN, agency="VPUBND")
    keys = {s.key for s in mine}
    assert {"IV.4.invitations", "IV.2.programme", "IV.1.delegates@VPUBND"} <= keys
    assert all(s.lead == "VPUBND" or "VPUBND" in s.cooperating for s in mine)
    assert Health.OVERDUE in {s.assessment.health for s in mine} or mine
