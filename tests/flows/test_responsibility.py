"""A responsibility's flow: its own standard state, its words in the message, its table."""

from __future__ import annotations

from flows.artifacts import details_key, summary_key
from flows.responsibility import COLUMNS, run_responsibility
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from tests.flows.conftest import at
from tests.flows.prefect_api import flow_name, flow_run_of, latest_artifact, markdown_groups

PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"


def _plan(context: AppContext):
    with context.database.transaction() as session:
        return plan_of(session, get_plan(session, PLAN_ID))[0]


def test_the_flow_is_named_for_the_responsibility_and_tagged_with_plan_and_agencies(
    seeded: AppContext,
) -> None:
    state = run_responsibility(_plan(seeded), "IV.5", at(15, 3), send=False)
    flow_run = flow_run_of(state)
    assert flow_name(flow_run) == "IV.5 · Cơ quan báo chí tỉnh"
    assert flow_run.name == "IV.5 · 08:00 15/03/2024"  # ASCII: the run graph's font
    assert set(flow_run.tags) == {PLAN_ID, "BAO_NT", "DAI_PTTH"}


def test_a_late_responsibility_is_failed_and_an_on_track_one_completed_by_prefects_names(
    seeded: AppContext,
) -> None:
    plan = _plan(seeded)
    late = run_responsibility(plan, "IV.2", at(10), send=False)
    assert late.is_failed() and late.name == "Failed"
    assert late.message.startswith("Chậm tiến độ: 4/6 bước quá hạn hoặc vướng mắc — ")
    assert "(chưa hoàn thành, quá hạn 10 ngày làm việc): Sở LĐTB&XH" in late.message
    on_time = run_responsibility(plan, "IV.3", at(18, 3), send=False)
    assert on_time.is_completed() and on_time.name == "Completed"
    assert on_time.message.startswith("Đúng tiến độ: 3 bước")
    assert flow_run_of(late).state.name == "Failed"  # what the server keeps, too


def test_each_step_is_its_title_over_a_three_column_table_most_urgent_first(
    seeded: AppContext,
) -> None:
    run_responsibility(_plan(seeded), "IV.2", at(10), send=False)
    table = latest_artifact(f"{PLAN_ID}-iv-2")
    assert table.type == "markdown"
    assert table.data.startswith("Tình hình lúc **08:00 10/04/2024**: 4/6 bước quá hạn")
    groups = markdown_groups(f"{PLAN_ID}-iv-2")
    assert tuple(groups[0][1][0]) == COLUMNS == ("Chủ trì", "Hạn", "Tình trạng")
    statuses = [rows[0]["Tình trạng"] for _, rows in groups]
    # 10, 8, 5, 5 working days late, then the rest.
    assert statuses[:2] == [
        "chưa hoàn thành, quá hạn 10 ngày làm việc",
        "chưa hoàn thành, quá hạn 8 ngày làm việc",
    ]
    assert all("quá hạn" not in status for status in statuses[4:])
    assert groups[0][0].startswith("Xây dựng Báo cáo kết quả")
    assert groups[0][1] == [
        {
            "Chủ trì": "Sở LĐTB&XH",
            "Hạn": "27/03/2024",
            "Tình trạng": "chưa hoàn thành, quá hạn 10 ngày làm việc",
        }
    ]


def test_a_fan_out_steps_title_is_shown_once_then_one_row_per_agency(seeded: AppContext) -> None:
    run_responsibility(_plan(seeded), "IV.1", at(10), send=False)
    groups = markdown_groups(f"{PLAN_ID}-iv-1")
    assert len(groups) == 2  # IV.1 has two steps, each fanned out
    for title, rows in groups:
        assert len(title) <= 90 and len(rows) > 1
        assert len({row["Chủ trì"] for row in rows}) == len(rows)  # one row per agency
    data = latest_artifact(f"{PLAN_ID}-iv-1").data
    assert all(data.count(title) == 1 for title, _ in groups)


def test_the_tables_description_is_vietnamese_and_links_to_the_plan_summary(
    seeded: AppContext,
) -> None:
    run_responsibility(_plan(seeded), "IV.3", at(10), send=False)
    description = latest_artifact(f"{PLAN_ID}-iv-3").description
    assert description.startswith("**IV.3 · Sở Nội vụ** — tình hình lúc 08:00 10/04/2024")
    assert f"(/artifacts/key/{summary_key(PLAN_ID)})" in description
    assert f"(/artifacts/key/{details_key(PLAN_ID)})" in description


def test_a_run_alone_sends_and_counts_the_reminders_sent_per_step(seeded: AppContext) -> None:
    state = run_responsibility(_plan(seeded), "IV.2", at(26, 3), send=True)
    lines = {line.key: line for line in state.result().lines}
    assert lines["IV.2.results_report"].reminders == "1"
    assert lines["IV.2.venue"].reminders == "0"
    assert list(seeded.settings.outbox_dir.iterdir())


def test_a_late_fan_out_step_is_named_once_in_the_runs_message(seeded: AppContext) -> None:
    late = run_responsibility(_plan(seeded), "IV.1", at(22), send=False)
    assert late.is_failed()
    assert late.message.count("Gửi báo cáo tham luận tại Hội nghị") == 1
    assert "UBND huyện Ninh Hải" in late.message and "UBND huyện Thuận Nam" in late.message
