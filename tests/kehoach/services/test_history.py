"""Deadlines as history, the guards a careful official expects, closing a plan (seed plan)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from kehoach.errors import UserError
from kehoach.services import tracking
from kehoach.services.context import AppContext
from kehoach.services.status import StepStatus, by_urgency, event_date_in_force, statuses
from kehoach.services.sweep import evaluate
from kehoach.store.tables import DeadlineRow, EventRow, PlanRow
from models.health import Flag, Health, Progress
from tests.kehoach.conftest import at

PLAN = "nt-2024-so-ket-vi-nguoi-ngheo"
MAY_9 = dt.date(2024, 5, 9)


def status_of(context: AppContext, key: str, now: dt.datetime) -> StepStatus:
    with context.database.transaction() as session:
        return next(s for s in statuses(session, now, PLAN) if s.key == key)


def event_count(context: AppContext) -> int:
    with context.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(EventRow)) or 0


def test_a_finished_steps_lateness_does_not_change_when_the_event_moves(
    seeded: AppContext,
) -> None:
    # The speech was due 17/04 (5 working days before 25/04) and came on 23/04: late.
    with seeded.database.transaction() as session:
        tracking.record_progress(session, "IV.2.speech", Progress.DONE, at(23), by="SLDTBXH")
    before = status_of(seeded, "IV.2.speech", at(23, hour=10))
    assert before.assessment.label == "đã hoàn thành quá hạn 3 ngày làm việc"
    with seeded.database.transaction() as session:
        change = tracking.confirm_event(session, PLAN, MAY_9, at(24))
    assert "IV.2.speech" in change.moved_steps  # its rule's date moved to 03/05 ...
    after = status_of(seeded, "IV.2.speech", at(25))
    # ... but it was late against the deadline in force when it was finished.
    assert after.assessment.label == before.assessment.label
    assert after.deadline == dt.date(2024, 4, 17)


def test_status_as_of_a_moment_shows_the_deadline_and_event_date_then_in_force(
    seeded: AppContext,
) -> None:
    with seeded.database.transaction() as session:
        tracking.confirm_event(session, PLAN, MAY_9, at(10))
    earlier = status_of(seeded, "IV.2.programme", at(9))
    assert (earlier.deadline, earlier.event_date) == (dt.date(2024, 4, 3), dt.date(2024, 4, 25))
    assert earlier.assessment.health is Health.OVERDUE
    later = status_of(seeded, "IV.2.programme", at(11))
    assert (later.deadline, later.event_date) == (dt.date(2024, 4, 15), MAY_9)
    assert later.assessment.health is Health.DUE_SOON


def test_the_plans_event_date_as_of_a_moment_is_the_one_then_in_force(
    seeded: AppContext,
) -> None:
    with seeded.database.transaction() as session:
        tracking.confirm_event(session, PLAN, MAY_9, at(10))
    with seeded.database.transaction() as session:
        plan_row = session.get_one(PlanRow, PLAN)
        assert event_date_in_force(session, plan_row, at(9)) == dt.date(2024, 4, 25)
        assert event_date_in_force(session, plan_row, at(11)) == MAY_9


def test_an_extension_moves_with_the_event_keeping_its_working_days(seeded: AppContext) -> None:
    # results_report: due 27/03 for the 25/04 event, extended by 4 working days to 02/04.
    with seeded.database.transaction() as session:
        tracking.extend_deadline(session, "IV.2.results_report", dt.date(2024, 4, 2), at(26, 3))
        tracking.confirm_event(session, PLAN, MAY_9, at(27, 3))
    moved = status_of(seeded, "IV.2.results_report", at(27, 3, hour=10))
    assert moved.deadline == dt.date(2024, 4, 8)  # 20 working days before 09/05
    assert moved.state.extended_to == dt.date(2024, 4, 12)  # still 4 working days later
    as_then = status_of(seeded, "IV.2.results_report", at(26, 3, hour=10))
    assert as_then.state.extended_to == dt.date(2024, 4, 2)


def test_every_deadline_change_is_in_the_history_with_why(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        tracking.extend_deadline(session, "IV.2.results_report", dt.date(2024, 4, 2), at(26, 3))
        tracking.confirm_event(session, PLAN, MAY_9, at(27, 3))
    with seeded.database.transaction() as session:
        rows = session.scalars(
            select(DeadlineRow)
            .where(DeadlineRow.step_key == "IV.2.results_report")
            .order_by(DeadlineRow.at)
        ).all()
        events = session.scalars(
            select(DeadlineRow).where(DeadlineRow.step_key.is_(None)).order_by(DeadlineRow.at)
        ).all()
    assert [(r.reason, r.deadline, r.extended_to) for r in rows] == [
        ("plan_text", dt.date(2024, 3, 27), None),
        ("extended", dt.date(2024, 3, 27), dt.date(2024, 4, 2)),
        ("event_moved", dt.date(2024, 4, 8), dt.date(2024, 4, 12)),
    ]
    assert [(r.reason, r.deadline) for r in events] == [
        ("plan_text", dt.date(2024, 4, 25)),
        ("event_moved", MAY_9),
    ]
    assert rows[-1].actor == "SLDTBXH"


def test_an_event_date_in_the_past_is_refused_and_nothing_is_written(seeded: AppContext) -> None:
    written = event_count(seeded)
    with seeded.database.transaction() as session, pytest.raises(UserError) as caught:
        tracking.confirm_event(session, PLAN, dt.date(2024, 4, 1), at(2))
    assert "ngày 01/04/2024 đã qua (hôm nay 02/04/2024)" in caught.value.message
    assert "--force" in caught.value.message
    assert event_count(seeded) == written


def test_an_event_date_before_the_plan_was_issued_is_refused(seeded: AppContext) -> None:
    with seeded.database.transaction() as session, pytest.raises(UserError) as caught:
        tracking.confirm_event(session, PLAN, dt.date(2020, 1, 6), at(2))
    assert "trước ngày ban hành kế hoạch (tháng 03/2024)" in caught.value.message


def test_a_forced_event_date_is_recorded_as_forced(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        tracking.confirm_event(session, PLAN, dt.date(2024, 4, 25), at(26), force=True)
    with seeded.database.transaction() as session:
        event = session.scalars(select(EventRow).where(EventRow.kind == "event_confirmed")).one()
    assert event.data["forced"] == ["event_in_past"]


def test_progress_dated_before_the_plan_was_issued_is_refused(seeded: AppContext) -> None:
    moment = dt.datetime(2020, 1, 1, 1, 0, tzinfo=dt.UTC)
    with seeded.database.transaction() as session, pytest.raises(UserError) as caught:
        tracking.record_progress(session, "IV.2.speech", Progress.DONE, at(2), at=moment)
    assert "thời điểm 01/01/2020 trước ngày ban hành kế hoạch" in caught.value.message


def test_progress_dated_before_the_steps_last_entry_is_refused_unless_forced(
    seeded: AppContext,
) -> None:
    with seeded.database.transaction() as session:
        tracking.record_progress(session, "IV.2.speech", Progress.IN_PROGRESS, at(5), at=at(5))
    with seeded.database.transaction() as session, pytest.raises(UserError) as caught:
        tracking.record_progress(session, "IV.2.speech", Progress.DONE, at(5), at=at(3))
    assert "trước lần cập nhật gần nhất của bước (05/04/2024)" in caught.value.message
    with seeded.database.transaction() as session:
        tracking.record_progress(session, "IV.2.speech", Progress.DONE, at(5), at=at(3), force=True)
    with seeded.database.transaction() as session:
        last = session.scalars(select(EventRow).order_by(EventRow.id.desc()).limit(1)).one()
    assert last.data == {"forced": ["before_last_entry"]}


def test_an_extension_past_the_event_for_work_due_before_it_is_refused(
    seeded: AppContext,
) -> None:
    with seeded.database.transaction() as session, pytest.raises(UserError) as caught:
        tracking.extend_deadline(session, "IV.2.speech", dt.date(2024, 4, 26), at(2))
    assert "sau ngày hội nghị 25/04/2024" in caught.value.message
    with seeded.database.transaction() as session:
        # Follow-up work (the report after the conference) may run past it.
        tracking.extend_deadline(
            session, "IV.5.conference_report@BAO_NT", dt.date(2024, 5, 3), at(2)
        )


def test_an_extension_of_a_finished_step_is_refused(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        tracking.record_progress(session, "IV.2.speech", Progress.DONE, at(2))
    with seeded.database.transaction() as session, pytest.raises(UserError) as caught:
        tracking.extend_deadline(session, "IV.2.speech", dt.date(2024, 4, 19), at(3))
    assert "bước đã hoàn thành" in caught.value.message


def test_an_agency_that_did_not_assign_the_task_only_requests_an_extension(
    seeded: AppContext,
) -> None:
    with seeded.database.transaction() as session:
        result = tracking.extend_deadline(
            session, "IV.2.speech", dt.date(2024, 4, 19), at(2), by="SNV", note="Chờ số liệu"
        )
    assert result.requested and result.by == "SNV"
    pending = status_of(seeded, "IV.2.speech", at(2, hour=9))
    assert pending.state.extended_to is None  # nothing changes until approved
    with seeded.database.transaction() as session:
        approved = tracking.approve_extension(session, "IV.2.speech", at(3))
    assert not approved.requested
    assert status_of(seeded, "IV.2.speech", at(3, hour=9)).state.extended_to == dt.date(2024, 4, 19)
    with seeded.database.transaction() as session, pytest.raises(UserError, match="không có"):
        tracking.approve_extension(session, "IV.2.speech", at(3))


def test_the_coordinator_can_refuse_an_extension_request(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        tracking.extend_deadline(session, "IV.2.speech", dt.date(2024, 4, 19), at(2), by="SNV")
    with seeded.database.transaction() as session:
        refused = tracking.refuse_extension(session, "IV.2.speech", at(3), note="Không có căn cứ")
    assert refused.by == "SNV"
    assert status_of(seeded, "IV.2.speech", at(3, hour=9)).state.extended_to is None
    with seeded.database.transaction() as session, pytest.raises(UserError, match="không có"):
        tracking.refuse_extension(session, "IV.2.speech", at(3))


def test_closing_a_plan_stops_counters_and_reminders(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        tracking.record_progress(session, "IV.2.venue", Progress.BLOCKED, at(2), by="SLDTBXH")
        tracking.close_plan(session, PLAN, at(30, 5), at=at(29, 4))
    speech = status_of(seeded, "IV.2.speech", dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    # Due 17/04, closed 29/04: 6 working days late (18/04 and 29/04 off), and it stays so.
    assert speech.assessment.health is Health.NOT_DONE
    assert speech.assessment.label == "không hoàn thành, quá hạn 6 ngày làm việc; chờ bước trước"
    venue = status_of(seeded, "IV.2.venue", dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    assert venue.assessment.flags == {Flag.BLOCKED}
    assert venue.as_json()["plan_closed_at"] is not None
    with seeded.database.transaction() as session:
        plan_row = session.get_one(PlanRow, PLAN)
        assert evaluate(session, plan_row, at(30, 5)) == []
        assert tracking.unfinished(session, plan_row) == 54


def test_nothing_is_recorded_after_a_plan_is_closed(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        tracking.close_plan(session, PLAN, at(30, 4))
    with seeded.database.transaction() as session, pytest.raises(UserError, match="đã kết thúc"):
        tracking.record_progress(session, "IV.2.speech", Progress.DONE, at(2, 5))
    with seeded.database.transaction() as session, pytest.raises(UserError, match="đã kết thúc"):
        tracking.close_plan(session, PLAN, at(2, 5))
    with seeded.database.transaction() as session, pytest.raises(UserError, match="đã kết thúc"):
        tracking.extend_deadline(session, "IV.2.speech", dt.date(2024, 5, 3), at(2, 5))


def test_status_lists_the_most_urgent_first_and_finished_last(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        tracking.record_progress(session, "IV.2.programme", Progress.DONE, at(2))
        tracking.record_progress(session, "IV.2.venue", Progress.BLOCKED, at(2))
    with seeded.database.transaction() as session:
        ordered = by_urgency(statuses(session, at(2, hour=10), PLAN))
    assert ordered[0].assessment.red and ordered[-1].key == "IV.2.programme"
    ranks = [s.assessment for s in ordered]
    assert ranks.index(next(a for a in ranks if Flag.BLOCKED in a.flags)) < ranks.index(
        next(a for a in ranks if a.health is Health.NOT_STARTED)
    )
