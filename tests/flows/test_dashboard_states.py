"""What the dashboard's own filters and pages find after a sweep: Prefect's state names,
no ERROR lines, the counts `runs_per_sweep` promises, the per-agency and details tables."""

from __future__ import annotations

import asyncio
import logging
import time
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterState,
    FlowRunFilterStateName,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.objects import TaskRun
from prefect.deployments import run_deployment
from prefect.runner import Runner

from flows.agencies import PUBLISHED
from flows.deployments import responsibility_deployments
from flows.plan import plan_flow, runs_per_sweep
from flows.prefect_env import drain
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from tests.flows.conftest import at
from tests.flows.prefect_api import child_flow_runs, flow_run_of, latest_artifact

PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"
# The seed plan's directory is ninh-thuan-2024: its Sở Nội vụ's table.
AGENCY = "co-quan-ninh-thuan-2024-snv"
STANDARD = [
    "Scheduled",
    "Late",
    "Pending",
    "Running",
    "Completed",
    "Failed",
    "Cancelled",
    "Crashed",
]


def _plan(context: AppContext):
    with context.database.transaction() as session:
        return plan_of(session, get_plan(session, PLAN_ID))[0]


@pytest.fixture
def swept(seeded: AppContext, caplog: pytest.LogCaptureFixture):
    """A sweep on 10/04/2024: IV.2 and IV.3 have overdue steps."""
    PUBLISHED.forget()
    with caplog.at_level(logging.WARNING):
        state = plan_flow(plan_id=PLAN_ID, as_of=at(10), return_state=True)
    drain()
    parent = flow_run_of(state)
    return parent, child_flow_runs(parent), caplog.records


def _named(ids: list[UUID], name: str) -> set[UUID]:
    with get_client(sync_client=True) as client:
        found = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=ids),
                state=FlowRunFilterState(name=FlowRunFilterStateName(any_=[name])),
            )
        )
    return {run.id for run in found}


def test_the_failed_filter_finds_the_red_runs_and_completed_the_green_ones(swept) -> None:
    parent, children, _ = swept
    ids = [parent.id, *(run.id for run in children)]
    red = {run.id for run in children if run.name.startswith(("IV.2 ", "IV.3 "))}
    assert len(red) == 2
    assert _named(ids, "Failed") == red
    assert _named(ids, "Completed") == set(ids) - red
    with get_client(sync_client=True) as client:
        messages = [client.read_flow_run(i).state.message for i in red]
    assert all(message.startswith("Chậm tiến độ: ") for message in messages)


def _task_runs(ids: list[UUID], expected: int, timeout: float = 30.0) -> list[TaskRun]:
    """Task runs reach the server through its event pipeline: wait, then count once more."""
    deadline = time.monotonic() + timeout
    filter_ = FlowRunFilter(id=FlowRunFilterId(any_=ids))
    while True:
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(flow_run_filter=filter_)
        if len(runs) >= expected or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    time.sleep(1.0)
    with get_client(sync_client=True) as client:
        return client.read_task_runs(flow_run_filter=filter_)


def test_runs_per_sweep_counts_what_a_sweep_leaves_on_the_server(seeded: AppContext, swept) -> None:
    parent, children, _ = swept
    flow_runs, task_runs = runs_per_sweep(_plan(seeded))
    assert (flow_runs, task_runs) == (6, 6)  # the plan and 5 responsibilities; 5 subflows + send
    assert 1 + len(children) == flow_runs
    ids = [parent.id, *(run.id for run in children)]
    runs = _task_runs(ids, task_runs)
    assert len(runs) == task_runs
    # What the run graph draws, in a font without Vietnamese letters: ASCII names. (A
    # subflow call's task run is named by Prefect after the flow; the graph draws the
    # subflow as its flow run, by the run's name.)
    tasks = [run for run in runs if run.state.state_details.child_flow_run_id is None]
    names = [run.name for run in tasks] + [parent.name] + [run.name for run in children]
    assert all(name.replace("·", "").isascii() for name in names), names
    assert any(name.startswith("Gui nhac viec · 08:00 10/04/2024") for name in names)


def test_a_sweep_with_overdue_steps_logs_no_error_and_one_line_per_responsibility(swept) -> None:
    _, children, records = swept
    assert [r.getMessage() for r in records if r.levelno >= logging.ERROR] == []
    with get_client(sync_client=True) as client:
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[r.id for r in children]))
        )
    assert all(log.level < logging.ERROR for log in logs)
    assert all("Traceback" not in log.message and "NoneType" not in log.message for log in logs)
    per_run = {run.id: [log for log in logs if log.flow_run_id == run.id] for run in children}
    assert all(len(lines) <= 1 for lines in per_run.values())
    warnings = [log.message for log in logs if log.level == logging.WARNING]
    assert len(warnings) == 2 and all(w.startswith("Chậm tiến độ: ") for w in warnings)


def test_each_agency_gets_its_own_table_of_every_step_it_leads_or_cooperates_on(swept) -> None:
    snv = latest_artifact(AGENCY)
    assert snv.type == "markdown" and snv.description.startswith("**Sở Nội vụ**")
    items = [line for line in snv.data.splitlines() if line.startswith("- ")]
    assert any(
        "Xây dựng dự thảo Báo cáo sơ kết" in i and "(nhiệm vụ IV.3, chủ trì)" in i for i in items
    )
    assert any("phối hợp)" in item for item in items)  # e.g. IV.2's award proposals
    assert "chưa hoàn thành, quá hạn" in items[0]  # most urgent first
    assert "ngày làm việc" not in snv.data  # categories only: the table changes rarely


def test_the_details_keep_what_the_tables_leave_out(swept) -> None:
    details = latest_artifact(f"{PLAN_ID}-chi-tiet").data
    lead = "- **Sở Nội vụ** chủ trì · phối hợp: Sở LĐTB&XH · "
    assert f"{lead}hạn 08/04/2024 (do cơ quan điều phối ấn định)" in details
    assert "nhắc việc đã gửi: " in details and "cập nhật lần cuối: " in details
    assert details.index("## IV.1 ") < details.index("## IV.5 ")


def test_a_deployments_runs_tab_finds_its_completed_run(seeded: AppContext) -> None:
    plan = _plan(seeded)
    runner = Runner(name="thu-nghiem-nhiem-vu", pause_on_shutdown=False)
    deployment = responsibility_deployments(plan)[2]  # IV.3, on track on 18/03
    deployment_id = runner.add_deployment(deployment)
    parameters = {"as_of": at(18, 3).isoformat(), "send": False}
    started = run_deployment(f"IV.3 · Sở Nội vụ/{PLAN_ID}", parameters=parameters, timeout=0)
    asyncio.run(runner.start(run_once=True))
    with get_client(sync_client=True) as client:
        # The deployment page's Runs tab: its flow runs, in any of Prefect's state names.
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(name=FlowRunFilterStateName(any_=STANDARD))
            ),
        )
    assert [run.id for run in runs] == [started.id]
    assert runs[0].state.name == "Completed" and runs[0].state.message.startswith("Đúng tiến độ")


def _versions(key: str) -> int:
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        return len(
            client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
        )


def test_an_agencys_table_is_republished_only_when_it_changed(swept) -> None:
    before = _versions(AGENCY), _versions(f"{PLAN_ID}-iv-3")
    plan_flow(plan_id=PLAN_ID, as_of=at(10, hour=9), return_state=True)  # nothing changed
    assert _versions(AGENCY) == before[0]
    assert _versions(f"{PLAN_ID}-iv-3") == before[1] + 1  # every run has its own table
