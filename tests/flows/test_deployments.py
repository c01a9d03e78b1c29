"""`kehoach serve`'s deployments: schedules in Vietnam's time, forms, and runs that do the work."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from prefect.deployments import run_deployment
from prefect.runner import Runner
from sqlalchemy import select

from flows.deployments import action_deployments, all_deployments, plan_deployment
from flows.forms import record_progress_flow
from flows.schedule import fires_on, sweep_cron
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from kehoach.store.tables import StepRow
from models.plan import Plan

PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"


@pytest.fixture
def plan(seeded: AppContext) -> Plan:
    with seeded.database.transaction() as session:
        return plan_of(get_plan(session, PLAN_ID))[0]


def test_the_plan_sweeps_at_eight_on_weekdays_in_vietnams_time(plan: Plan) -> None:
    [schedule] = plan_deployment(plan).schedules
    assert schedule.schedule.cron == "0 8 * * 1-5"
    assert schedule.schedule.timezone == "Asia/Ho_Chi_Minh"
    assert plan_deployment(plan, dt.time(7, 45)).schedules[0].schedule.cron == "45 7 * * 1-5"


def test_the_replay_fires_on_exactly_the_days_the_cron_schedule_does() -> None:
    from prefect.server.schemas.schedules import CronSchedule

    schedule = CronSchedule(cron=sweep_cron(), timezone="Asia/Ho_Chi_Minh")
    start = dt.datetime(2024, 4, 1, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    dates = asyncio.run(schedule.get_dates(n=30, start=start))
    local = [d.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")) for d in dates]
    assert {(d.hour, d.minute) for d in local} == {(8, 0)}
    days = {d.date() for d in local}
    span = [dt.date(2024, 4, 1) + dt.timedelta(days=n) for n in range(60)]
    assert {d for d in span if fires_on(d) and d <= max(days)} == days


def test_every_responsibility_gets_an_on_demand_deployment_with_its_tags(plan: Plan) -> None:
    deployments = all_deployments([plan])
    on_demand = [d for d in deployments if d.flow_name.startswith("IV.")]
    assert [d.flow_name for d in on_demand][2] == "IV.3 · Sở Nội vụ"
    assert all(d.schedules == [] and d.name == PLAN_ID for d in on_demand)
    assert on_demand[2].tags == [PLAN_ID, "SNV"]
    assert on_demand[2].parameters == {"plan_id": PLAN_ID, "responsibility_id": "IV.3"}


def test_the_action_flows_describe_their_forms_in_vietnamese() -> None:
    assert [d.flow_name for d in action_deployments()] == [
        "Báo cáo tiến độ",
        "Chốt ngày hội nghị",
        "Gia hạn bước",
        "Giải quyết vướng mắc",
    ]
    # The schema Prefect stores with the deployment and renders as the run form.
    schema = record_progress_flow.parameters.model_dump()
    form = schema["definitions"]["ProgressReport"]
    assert form["properties"]["step"]["title"] == "Mã bước"
    assert schema["definitions"]["StatusChoice"]["enum"] == [
        "Đang thực hiện",
        "Đã nộp",
        "Đã hoàn thành",
        "Có vướng mắc",
    ]
    assert schema["properties"]["report"]["description"].startswith("Báo cáo tiến độ")
    assert schema["properties"]["as_of"]["description"].startswith("Thời điểm ghi nhận")


def test_a_form_submitted_to_a_served_deployment_changes_the_step(seeded: AppContext) -> None:
    runner = Runner(name="thu-nghiem", pause_on_shutdown=False)
    for deployment in action_deployments():
        runner.add_deployment(deployment)
    report = {"step": "IV.2.programme", "status": "Đã nộp", "by": "SLDTBXH", "note": "Từ biểu mẫu"}
    refused = {"step": "IV.2.programme"}
    done = run_deployment("Báo cáo tiến độ/điều phối", parameters={"report": report}, timeout=0)
    no = run_deployment(
        "Giải quyết vướng mắc/điều phối", parameters={"resolution": refused}, timeout=0
    )
    asyncio.run(runner.start(run_once=True))
    with seeded.database.transaction() as session:
        step = session.scalars(select(StepRow).where(StepRow.key == "IV.2.programme")).one()
    assert step.progress == "submitted"
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        assert client.read_flow_run(done.id).state.name == "Đã ghi nhận"
        assert client.read_flow_run(no.id).state.name == "Bị từ chối"


def test_deployments_for_a_work_pool_name_their_flows_by_module(plan: Plan) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate

    from flows.deployments import register

    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="tinh", type="process"), overwrite=True)
    register(all_deployments([plan], work_pool="tinh"))
    with get_client(sync_client=True) as client:
        sweep = client.read_deployment_by_name(f"Quét kế hoạch/{PLAN_ID}")
        office = client.read_deployment_by_name(f"IV.3 · Sở Nội vụ/{PLAN_ID}")
    assert (sweep.work_pool_name, sweep.entrypoint) == ("tinh", "flows.plan.plan_flow")
    assert sweep.schedules[0].schedule.timezone == "Asia/Ho_Chi_Minh"
    assert office.entrypoint == "flows.responsibility.responsibility_flow"
    assert office.parameters == {"plan_id": PLAN_ID, "responsibility_id": "IV.3"}
