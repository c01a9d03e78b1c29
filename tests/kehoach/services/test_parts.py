"""A cooperator's part: reported done through the event log, then no longer asked for."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kehoach.cli.main import _run, app
from kehoach.errors import UserError
from kehoach.services import tracking
from kehoach.services.context import AppContext
from kehoach.services.parts import notice_inputs, record_part_done
from kehoach.services.sweep import evaluate
from kehoach.store.tables import EventRow, PlanRow
from models.health import Progress
from models.parts import PART_DONE, PartEvent, done_parts, open_parts
from models.reminders import Role
from tests.kehoach.conftest import at

PLAN = "nt-2024-so-ket-vi-nguoi-ngheo"
STEP = "IV.2.results_report"  # lead SLDTBXH; cooperating: departments and districts


def cooperators_asked(context: AppContext, now: dt.datetime) -> set[str]:
    with context.database.transaction() as session:
        items = evaluate(session, session.get_one(PlanRow, PLAN), now)
    return {i.recipient for i in items if i.step_key == STEP and i.role is Role.COOPERATING}


def test_a_reported_part_is_logged_and_its_agency_is_no_longer_asked(seeded: AppContext) -> None:
    before = cooperators_asked(seeded, at(1))  # 3 working days late: cooperators asked
    assert {"STP", "SKHDT", "NINH_HAI"} <= before
    with seeded.database.transaction() as session:
        record_part_done(session, STEP, "STP", at(29, 3, 10), note="Đã gửi số liệu")
    with seeded.database.transaction() as session:
        [event] = session.scalars(select(EventRow).where(EventRow.kind == PART_DONE))
        assert (event.step_key, event.actor, event.note) == (STEP, "STP", "Đã gửi số liệu")
    assert cooperators_asked(seeded, at(1)) == before - {"STP"}


def test_only_a_cooperator_may_report_its_part_and_only_once(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        with pytest.raises(UserError, match="không phải cơ quan phối hợp"):
            record_part_done(session, STEP, "CT_UBND", at(29, 3, 10))
        record_part_done(session, STEP, "SYT", at(29, 3, 10))
    with (
        seeded.database.transaction() as session,
        pytest.raises(UserError, match="đã báo hoàn thành phần việc"),
    ):
        record_part_done(session, STEP, "SYT", at(29, 3, 11))


def test_notice_inputs_hold_parts_and_the_difficulty_as_reported(seeded: AppContext) -> None:
    note = "Hai huyện chưa gửi hồ sơ"
    with seeded.database.transaction() as session:
        tracking.record_progress(
            session, "IV.2.award_proposals", Progress.BLOCKED, at(28, 3, 16), note=note
        )
        record_part_done(session, STEP, "SNV", at(28, 3, 9))
    with seeded.database.transaction() as session:
        inputs = notice_inputs(session, PLAN, at(29, 3))
        earlier = notice_inputs(session, PLAN, at(27, 3))
    assert inputs.difficulties == {"IV.2.award_proposals": note}
    assert inputs.parts == {STEP: frozenset({"SNV"})}
    assert earlier.parts == {} and earlier.difficulties == {}


def test_the_fold_counts_parts_reported_by_a_moment() -> None:
    events = [PartEvent("A", "X", at(1)), PartEvent("A", "Y", at(3)), PartEvent("B", "X", at(2))]
    assert done_parts(events, until=at(2)) == {"A": frozenset({"X"}), "B": frozenset({"X"})}
    assert open_parts(["X", "Y", "Z"], done_parts(events), "A") == ["Z"]


def test_the_command_answers_in_vietnamese_and_refuses_with_exit_code_2(
    seeded: AppContext, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*args: str) -> int:
        return _run(lambda: app(list(args), standalone_mode=False))

    assert run("phan-viec-xong", STEP, "--by", "STP", "--at", "2024-03-29T10:00") == 0
    assert f"Đã ghi nhận: STP đã hoàn thành phần việc phối hợp ở bước {STEP}." in (
        capsys.readouterr().out
    )
    assert run("phan-viec-xong", STEP, "--by", "STP") == 2
    assert "đã báo hoàn thành phần việc trước đó" in capsys.readouterr().err
