"""Reading back what a flow run left in the (test harness's) Prefect server."""

from __future__ import annotations

import json
import time
from typing import Any
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterParentFlowRunId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.objects import FlowRun, TaskRun
from prefect.states import State


def flow_run_of(state: State[Any]) -> FlowRun:
    with get_client(sync_client=True) as client:
        return client.read_flow_run(state.state_details.flow_run_id)


def flow_name(flow_run: FlowRun) -> str:
    with get_client(sync_client=True) as client:
        return client.read_flow(flow_run.flow_id).name


def task_runs(flow_run_id: UUID, expected: int, timeout: float = 30.0) -> list[TaskRun]:
    """Task runs reach the server's database through its event pipeline: wait for them all,
    each in a final state."""
    deadline = time.monotonic() + timeout
    while True:
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
        settled = [r for r in runs if r.state is not None and r.state.is_final()]
        if len(settled) >= expected or time.monotonic() > deadline:
            return settled
        time.sleep(0.2)


def child_flow_runs(parent: FlowRun) -> list[FlowRun]:
    with get_client(sync_client=True) as client:
        return client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent.id])
            )
        )


def latest_artifact(key: str) -> Any:
    with get_client(sync_client=True) as client:
        found = client.read_latest_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
        )
    assert found, f"no artifact with key {key}"
    return found[0]


def run_artifact(state: State[Any]) -> Any:
    """The one artifact a flow run created."""
    flow_run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        [found] = client.read_artifacts(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return found


def run_logs(flow_run_id: UUID) -> str:
    """Every log line of a flow run, as its Logs tab shows them."""
    with get_client(sync_client=True) as client:
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
        )
    return "\n".join(log.message for log in logs)


def table_rows(key: str) -> list[dict[str, str]]:
    data = latest_artifact(key).data
    return json.loads(data) if isinstance(data, str) else data


def markdown_groups(key: str) -> list[tuple[str, list[dict[str, str]]]]:
    """The latest artifact under `key` as (bold title, rows of the table under it)."""
    groups: list[tuple[str, list[dict[str, str]]]] = []
    headers: list[str] = []
    for line in latest_artifact(key).data.splitlines():
        if line.startswith("**") and line.endswith("**"):
            groups.append((line.strip("*"), []))
            headers = []
        elif line.startswith("|") and not headers:
            headers = _cells(line)
        elif line.startswith("|") and not line.startswith("|---"):
            groups[-1][1].append(dict(zip(headers, _cells(line), strict=True)))
    return groups


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split(" | ")]
