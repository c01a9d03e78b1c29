"""`kehoach serve`'s deployments: schedules in Vietnam's time, forms, and runs that do the work."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.runner import Runner
from prefect.server.schemas.schedules import RRuleSchedule
from sqlalchemy import select

from flows.deployments import (
    FormRefresher,
    PlanAndCalendar,
    action_deployments,
    all_deployments,
    daily_schedule,
    plan_deployment,
    register,
)
from flows.schedule import fires_on, schedule_years, sweep_rruleset
from kehoach.paths import bundled_config_dir
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from kehoach.services.plans import load_plan
from kehoach.store.tables import StepRow
from models.calendar import WorkingCalendar
from models.schedule import sweep_days
from tests.conftest import SEED_LOADED_AT
from tests.flows.prefect_api import run_logs

PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"
PHU_THO = bundled_config_dir() / "plans" / "phu-tho-2021-bau-cu.yaml"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
START_2024, END_2026 = dt.date(2024, 1, 1), dt.date(2026, 12, 31)


@pytest.fixture
def planned(seeded: AppContext) -> PlanAndCalendar:
    with seeded.database.transaction() as session:
        return plan_of(session, get_plan(session, PLAN_ID))


def fire_times(calendar: WorkingCalendar, first: dt.date, last: dt.date) -> list[dt.datetime]:
    """The moments Prefect's scheduler itself computes from the schedule, in Vietnam time."""
    rule = sweep_rruleset(calendar, range(first.year, last.year + 1))
    schedule = RRuleSchedule(rrule=rule, timezone="Asia/Ho_Chi_Minh")
    start = dt.datetime.combine(first, dt.time(0, 0), VIETNAM)
    end = dt.datetime.combine(last, dt.time(23, 59), VIETNAM)
    dates = asyncio.run(schedule.get_dates(n=5000, start=start, end=end))
    return [d.astimezone(VIETNAM) for d in dates]


def test_the_plan_sweeps_at_eight_in_vietnams_time_on_an_rrule_schedule(
    planned: PlanAndCalendar,
) -> None:
    [schedule] = plan_deployment(planned).schedules
    assert schedule.schedule.timezone == "Asia/Ho_Chi_Minh"
    assert "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" in schedule.schedule.rrule
    later = plan_deployment(planned, dt.time(7, 45)).schedules[0].schedule.rrule
    assert later.startswith("DTSTART:") and later.splitlines()[0].endswith("T074500")


def test_the_schedule_fires_on_exactly_the_working_days_of_2024_to_2026(
    planned: PlanAndCalendar,
) -> None:
    _, calendar = planned
    times = fire_times(calendar, START_2024, END_2026)
    assert {(t.hour, t.minute) for t in times} == {(8, 0)}
    assert len({t.date() for t in times}) == len(times)
    assert [t.date() for t in times] == list(sweep_days(calendar, START_2024, END_2026))


def test_the_schedule_fires_on_make_up_saturdays_and_not_on_days_off(
    planned: PlanAndCalendar,
) -> None:
    _, calendar = planned
    days = {t.date() for t in fire_times(calendar, START_2024, END_2026)}
    assert {dt.date(2024, 5, 4), dt.date(2025, 4, 26)} <= days
    holidays = {dt.date(2024, 4, 18), dt.date(2024, 4, 29), dt.date(2024, 9, 2)}
    assert not holidays & days
    assert dt.date(2024, 4, 20) not in days  # an ordinary Saturday


def test_the_replay_fires_on_exactly_the_days_the_schedule_does(planned: PlanAndCalendar) -> None:
    _, calendar = planned
    first, last = dt.date(2024, 3, 1), dt.date(2024, 6, 30)
    days = [t.date() for t in fire_times(calendar, first, last)]
    span = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    assert [d for d in span if fires_on(calendar, d)] == days


def test_the_written_schedule_covers_this_year_and_the_next_two_within_prefects_limit(
    planned: PlanAndCalendar,
) -> None:
    _, calendar = planned
    schedule = daily_schedule(calendar, today=dt.date(2026, 12, 1))
    assert schedule.rrule == sweep_rruleset(calendar, range(2026, 2029))
    assert schedule_years(dt.date(2026, 12, 1)) == range(2026, 2029)
    assert len(schedule.rrule) < 6500


def test_every_responsibility_gets_an_on_demand_deployment_with_its_tags(
    planned: PlanAndCalendar,
) -> None:
    deployments = all_deployments([planned])
    on_demand = [d for d in deployments if d.flow_name.startswith("IV.")]
    assert [d.flow_name for d in on_demand][2] == "IV.3 · Sở Nội vụ"
    assert all(d.schedules == [] and d.name == PLAN_ID for d in on_demand)
    assert on_demand[2].tags == [PLAN_ID, "SNV"]
    assert on_demand[2].parameters == {"plan_id": PLAN_ID, "responsibility_id": "IV.3"}


def test_the_action_flows_describe_their_forms_in_vietnamese() -> None:
    deployments = action_deployments()
    assert [d.flow_name for d in deployments] == [
        "Báo cáo tiến độ",
        "Chốt ngày sự kiện",
        "Gia hạn bước",
        "Giải quyết vướng mắc",
        "Xác nhận đã nhận",
        "Không phát sinh",
        "Trả lại báo cáo",
        "Ý kiến về đề xuất gia hạn",
    ]
    # Each form its own name on the Deployments page, not eight "điều phối".
    assert [d.name for d in deployments] == [d.flow_name for d in deployments]
    # The schema Prefect stores with the deployment and renders as the run form.
    schema = deployments[0]._parameter_openapi_schema.model_dump()
    form = schema["definitions"]["ProgressReport"]
    assert form["properties"]["step"]["title"] == "Mã bước"
    assert schema["definitions"]["StatusChoice"]["enum"] == [
        "Đang thực hiện",
        "Đã nộp",
        "Đã hoàn thành",
        "Có vướng mắc",
    ]
    assert schema["properties"]["report"]["title"] == "Báo cáo tiến độ"
    assert schema["properties"]["report"]["description"].startswith("Báo cáo tiến độ")
    assert schema["properties"]["as_of"]["title"] == "Thời điểm ghi nhận"
    assert schema["properties"]["as_of"]["description"].startswith("Thời điểm ghi nhận")


DELEGATES_NINH_HAI = (
    "IV.1 · Cử đại diện tham dự Hội nghị theo thành phần, số lượng được mời — "
    "Ủy ban nhân dân huyện Ninh Hải"
)
PROGRAMME = "IV.2 · Xây dựng chương trình Hội nghị sơ kết — Sở Lao động – Thương binh và Xã hội"


def registered_form(flow_name: str) -> dict[str, Any]:
    """The form's fields as the Prefect server stores them with the deployment."""
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(f"{flow_name}/{flow_name}")
    schema = deployment.parameter_openapi_schema
    [(_, form)] = [(k, v) for k, v in schema["definitions"].items() if k != "StatusChoice"]
    return form["properties"]


def test_the_registered_forms_list_the_plans_steps_agencies_and_events(
    planned: PlanAndCalendar,
) -> None:
    register(all_deployments([planned]))
    progress = registered_form("Báo cáo tiến độ")
    assert "plan_id" not in progress  # one plan: nothing to choose
    assert progress["step"]["title"] == "Bước" and len(progress["step"]["enum"]) == 54
    assert {DELEGATES_NINH_HAI, PROGRAMME} <= set(progress["step"]["enum"])
    assert not any("@" in label or "_" in label for label in progress["step"]["enum"])
    assert progress["by"]["enum"][0] == "Cơ quan điều phối của kế hoạch"
    assert "Sở Kế hoạch và Đầu tư (Sở KH&ĐT)" in progress["by"]["enum"]
    # Only the steps a form applies to: a receipt, to steps whose product goes to a receiver.
    receipt = registered_form("Xác nhận đã nhận")
    assert [label.split(" · ")[0] for label in receipt["step"]["enum"]] == ["IV.2", "IV.2"]
    assert receipt["receiver"]["enum"] == ["Sở Nội vụ"]
    event = registered_form("Chốt ngày sự kiện")["event_id"]
    assert event["enum"] == [event["default"]] and event["default"].startswith("Hội nghị sơ kết")


def test_a_form_no_step_applies_to_keeps_its_text_box_and_says_why(
    planned: PlanAndCalendar,
) -> None:
    register(all_deployments([planned]))
    step = registered_form("Không phát sinh")["step"]  # the seed has no conditional step
    assert "enum" not in step
    assert step["description"].startswith("Các kế hoạch đang theo dõi không có bước nào")


def test_loading_a_second_plan_refreshes_the_lists_with_the_plans_name(
    planned: PlanAndCalendar, seeded: AppContext
) -> None:
    register(all_deployments([planned]))
    refresher = FormRefresher(seeded)
    assert refresher.check() is False  # nothing changed since the forms were registered
    loaded = seeded.load_plan_file(PHU_THO)
    with seeded.database.transaction() as session:
        load_plan(session, loaded, SEED_LOADED_AT)
    assert refresher.check() is True
    steps = registered_form("Báo cáo tiến độ")["step"]["enum"]
    assert f"Kế hoạch Tổ chức Hội nghị Sơ kết Phong trào thi…: {PROGRAMME}" in steps
    assert any(label.startswith("Kế hoạch Triển khai công tác bầu cử") for label in steps)
    events = registered_form("Chốt ngày sự kiện")["event_id"]
    assert len(events["enum"]) > 1 and "default" not in events
    # A new file version whose lists are the same (a deadline moved): nothing re-registered.
    with seeded.database.transaction() as session:
        get_plan(session, "pt-2021-bau-cu").source_sha256 = "0" * 64
    assert refresher.check() is False and refresher.seen == refresher._versions()


def test_a_form_chosen_from_the_lists_runs_and_a_refusal_leaves_no_traceback(
    seeded: AppContext, planned: PlanAndCalendar
) -> None:
    runner = Runner(name="thu-nghiem", pause_on_shutdown=False)
    for deployment in all_deployments([planned]):
        if deployment.name == deployment.flow_name:
            runner.add_deployment(deployment)
    report = {"step": PROGRAMME, "status": "Đã nộp", "by": "Sở Nội vụ", "note": "Từ biểu mẫu"}
    done = run_deployment(
        "Báo cáo tiến độ/Báo cáo tiến độ", parameters={"report": report}, timeout=0
    )
    no = run_deployment(
        "Giải quyết vướng mắc/Giải quyết vướng mắc",
        parameters={"resolution": {"step": PROGRAMME}},
        timeout=0,
    )
    asyncio.run(runner.start(run_once=True))
    with seeded.database.transaction() as session:
        step = session.scalars(select(StepRow).where(StepRow.key == "IV.2.programme")).one()
    assert step.progress == "submitted"
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(done.id).state.name == "Completed"
        refused = client.read_flow_run(no.id).state
    # The two runs may run in either order: before or after the report was recorded.
    assert (refused.type.value, refused.name) == ("FAILED", "Failed")
    assert refused.message.startswith("Bước 'IV.2.programme' không có vướng mắc đang mở")
    logs = run_logs(no.id)
    assert refused.message in logs and "Traceback" not in logs


def test_deployments_for_a_work_pool_name_their_flows_by_module(planned: PlanAndCalendar) -> None:
    from prefect.client.schemas.actions import WorkPoolCreate

    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="tinh", type="process"), overwrite=True)
    register(all_deployments([planned], work_pool="tinh"))
    with get_client(sync_client=True) as client:
        sweep = client.read_deployment_by_name(f"Quét kế hoạch/{PLAN_ID}")
        office = client.read_deployment_by_name(f"IV.3 · Sở Nội vụ/{PLAN_ID}")
    assert (sweep.work_pool_name, sweep.entrypoint) == ("tinh", "flows.plan.plan_flow")
    assert sweep.schedules[0].schedule.timezone == "Asia/Ho_Chi_Minh"
    assert "EXDATE:" in sweep.schedules[0].schedule.rrule  # the days off reached the server
    assert office.entrypoint == "flows.responsibility.responsibility_flow"
    assert office.parameters == {"plan_id": PLAN_ID, "responsibility_id": "IV.3"}


def test_serve_lists_the_sweep_as_every_working_day_in_vietnamese(
    planned: PlanAndCalendar,
) -> None:
    from kehoach.cli.demo_report import deployment_lines

    lines = list(deployment_lines(all_deployments([planned], dt.time(7, 45))))
    assert f"  • Quét kế hoạch/{PLAN_ID} — lịch 07:45 mọi ngày làm việc, giờ Việt Nam" in lines
    assert f"  • IV.3 · Sở Nội vụ/{PLAN_ID} — chạy theo yêu cầu" in lines
    assert "  • Biểu mẫu Báo cáo tiến độ — chạy theo yêu cầu" in lines
