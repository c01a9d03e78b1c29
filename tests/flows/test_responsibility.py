"""A responsibility's flow: its steps as task runs coloured by health, its table, its own state."""

from __future__ import annotations

from flows.naming import state_name
from flows.responsibility import COLUMNS, StepLine, run_responsibility, step_health
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from kehoach.services.status import plan_statuses
from models.health import Health
from tests.flows.conftest import at
from tests.flows.prefect_api import flow_name, flow_run_of, table_rows, task_runs

PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"


def _plan(context: AppContext):
    with context.database.transaction() as session:
        return plan_of(session, get_plan(session, PLAN_ID))[0]


def _statuses(context: AppContext, responsibility: str, moment):
    with context.database.transaction() as session:
        rows = plan_statuses(session, get_plan(session, PLAN_ID), moment)
    return [s for s in rows if s.responsibility_id == responsibility]


def test_the_flow_is_named_for_the_responsibility_and_tagged_with_plan_and_agencies(
    seeded: AppContext,
) -> None:
    state = run_responsibility(_plan(seeded), "IV.5", at(15, 3), send=False)
    flow_run = flow_run_of(state)
    assert flow_name(flow_run) == "IV.5 · Cơ quan báo chí tỉnh"
    assert flow_run.name == "IV.5 · 08:00 15/03/2024"
    assert set(flow_run.tags) == {PLAN_ID, "BAO_NT", "DAI_PTTH"}


def test_each_step_is_a_task_run_whose_state_is_its_health_red_when_overdue(
    seeded: AppContext,
) -> None:
    moment = at(10)  # the results report (27/03) and the award proposals (29/03) are late
    expected = _statuses(seeded, "IV.2", moment)
    state = run_responsibility(_plan(seeded), "IV.2", moment, send=False)
    runs = {run.name: run.state for run in task_runs(flow_run_of(state).id, len(expected))}
    assert len(runs) == len(expected) == 6
    for status in expected:
        run_state = runs[f"{status.key} · Sở LĐTB&XH"]
        assert run_state.name.startswith(state_name(status.assessment.health))
        assert run_state.is_failed() == status.assessment.red
    assert runs["IV.2.results_report · Sở LĐTB&XH"].name == "Chưa hoàn thành, quá hạn"


def test_the_run_is_red_when_a_step_is_overdue_and_green_when_none_is(seeded: AppContext) -> None:
    plan = _plan(seeded)
    late = run_responsibility(plan, "IV.2", at(10), send=False)
    assert late.is_failed() and late.name == "Chậm tiến độ"
    assert "IV.2.results_report (chưa hoàn thành, quá hạn" in late.message
    on_time = run_responsibility(plan, "IV.3", at(18, 3), send=False)
    assert on_time.is_completed() and on_time.name == "Đúng tiến độ"


def test_the_table_artifact_has_one_vietnamese_row_per_step(seeded: AppContext) -> None:
    run_responsibility(_plan(seeded), "IV.3", at(10), send=False)
    rows = table_rows(f"{PLAN_ID}-iv-3")
    assert list(rows[0]) == list(COLUMNS)
    assert [row["Bước"] for row in rows] == [
        "IV.3.summary_report_draft",
        "IV.3.appraisal",
        "IV.3.commendation_decision",
    ]
    first = rows[0]
    assert first["Chủ trì"] == "Sở Nội vụ" and first["Phối hợp"] == "Sở LĐTB&XH"
    assert first["Hạn"] == "08/04/2024 (do cơ quan điều phối ấn định)"
    assert first["Tình trạng"] == "chưa hoàn thành, quá hạn 2 ngày làm việc; chờ bước trước"
    assert first["Cập nhật lần cuối"] == "—"


def test_a_run_that_sends_counts_the_reminders_sent_per_step(seeded: AppContext) -> None:
    run_responsibility(_plan(seeded), "IV.2", at(26, 3), send=True)
    rows = {row["Bước"]: row for row in table_rows(f"{PLAN_ID}-iv-2")}
    assert rows["IV.2.results_report"]["Nhắc việc đã gửi"] == "1"
    assert rows["IV.2.venue"]["Nhắc việc đã gửi"] == "0"
    assert list(seeded.settings.outbox_dir.iterdir())


def _line(health: Health, red: bool = False, flags: tuple[str, ...] = ()) -> StepLine:
    return StepLine(
        key="IV.3.appraisal",
        title="Thẩm định thành tích",
        lead="SNV",
        lead_name="Sở Nội vụ",
        cooperating="—",
        deadline="08/04/2024",
        health=health,
        label="nhãn",
        last_update="—",
        reminders="0",
        red=red,
        flags=flags,
    )


def test_the_step_task_turns_health_into_a_named_state_without_raising() -> None:
    blocked = step_health.fn(_line(Health.IN_PROGRESS, red=True, flags=("vướng mắc",)))
    assert blocked.is_failed() and blocked.name == "Đang thực hiện trong hạn · vướng mắc"
    soon = step_health.fn(_line(Health.DUE_SOON))
    assert soon.is_completed() and soon.name == "Sắp đến hạn"
    assert "chủ trì Sở Nội vụ" in soon.message
