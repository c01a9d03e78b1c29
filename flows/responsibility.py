"""One Prefect flow per responsibility (an item of Section IV), generated from the plan's data.

A run reads the responsibility's steps as of its moment, queues their reminders in the
outbox, and leaves for the coordinator one task run per concrete step, whose state is the
step's health in Vietnamese (Failed, i.e. red, when overdue or blocked), and a keyed table
artifact. The flow run's own state says whether the responsibility is on track.

Prefect's traps, handled here: a task that *returns* a Failed state does not fail its flow,
so the flow decides its own state from the steps; every task is called, not submitted,
so no future is left unresolved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from prefect import Flow, flow, get_run_logger, tags, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import TagsContext
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State

from flows import sending
from flows.naming import (
    OFF_TRACK,
    ON_TRACK,
    artifact_key,
    responsibility_flow_name,
    responsibility_tags,
    run_stamp,
    state_name,
)
from kehoach.clock import now_utc
from kehoach.errors import UserError
from kehoach.present.tables import deadline_text
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from kehoach.services.status import StepStatus, by_urgency, plan_statuses
from models.health import FLAG_LABELS, Flag, Health, urgency_key
from models.plan import Plan, Responsibility
from models.series import SeriesLine, current_view, series_lines
from models.timeutil import local_day, local_stamp
from notifications import outbox

COLUMNS = (
    "Bước",
    "Nội dung",
    "Chủ trì",
    "Phối hợp",
    "Hạn",
    "Tình trạng",
    "Cập nhật lần cuối",
    "Nhắc việc đã gửi",
)


@dataclass(frozen=True)
class StepLine:
    """One concrete step as the coordinator reads it; a task run and a table row."""

    key: str
    title: str
    lead: str
    lead_name: str
    cooperating: str
    deadline: str
    health: Health
    label: str
    last_update: str
    reminders: str
    red: bool = False  # late or blocked (models.health.Assessment.red)
    flags: tuple[str, ...] = ()  # vướng mắc, không cập nhật, chờ bước trước
    urgency: tuple[int, int, dt.date] = (0, 0, dt.date.min)  # models.health.urgency_key

    def row(self) -> dict[str, str]:
        values = (
            self.key,
            shorten(self.title),
            self.lead_name,
            self.cooperating,
            self.deadline,
            self.label,
            self.last_update,
            self.reminders,
        )
        return dict(zip(COLUMNS, values, strict=True))


def shorten(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def step_line(plan: Plan, status: StepStatus, sent: outbox.StepReminders) -> StepLine:
    last = status.state.last_update_at
    return StepLine(
        key=status.key,
        title=status.title,
        lead=status.lead,
        lead_name=plan.agency(status.lead).label,
        cooperating=", ".join(plan.agency(c).label for c in status.cooperating) or "—",
        deadline=deadline_text(status),
        health=status.assessment.health,
        label=status.assessment.label,
        last_update=local_stamp(last) if last else "—",
        reminders=str(sent),
        red=status.assessment.red,
        flags=tuple(FLAG_LABELS[f] for f in Flag if f in status.assessment.flags),
        urgency=urgency_key(status.assessment, status.effective_deadline),
    )


@dataclass(frozen=True)
class Outcome:
    """What a responsibility run hands on: its steps as read, and the reminders queued."""

    plan_id: str
    responsibility_id: str
    name: str
    as_of: dt.datetime
    lines: tuple[StepLine, ...]
    queued: int
    delivery: sending.Delivery | None = field(default=None)
    # Per recurring step and agency: (agency, report, its occurrences' outcomes).
    series: tuple[tuple[str, str, str], ...] = ()

    @property
    def red(self) -> list[StepLine]:
        return [line for line in self.lines if line.red]

    @property
    def on_track(self) -> bool:
        return not self.red


def read_responsibility(
    context: AppContext, plan_id: str, responsibility_id: str, now: dt.datetime, send: bool
) -> Outcome:
    """Statuses and reminders of one responsibility at `now`; no Prefect involved."""
    with context.database.transaction() as session:
        plan_row = get_plan(session, plan_id)
        plan, _ = plan_of(session, plan_row)
        responsibility = _responsibility(plan, responsibility_id)
        statuses = [
            s
            for s in plan_statuses(session, plan_row, now)
            if s.responsibility_id == responsibility.id
        ]
        queued = sending.queue(session, plan_row, now, responsibility.id)
    delivery = sending.send(context, now) if send else None
    with context.database.transaction() as session:
        sent = outbox.reminders_by_step(session, plan_row.id, [s.key for s in statuses])
    # Most urgent first, as in every table (models.health.urgency_key).
    # Occurrences far ahead of a report cycle would flood the dashboard: counted in the
    # series lines instead (models.series.current_view).
    shown = current_view(statuses, local_day(now))
    lines = tuple(step_line(plan, s, sent[s.key]) for s in by_urgency(shown))
    name = responsibility_flow_name(plan, responsibility)
    series = tuple(_series_sentence(plan, line) for line in series_lines(statuses, local_day(now)))
    return Outcome(plan_row.id, responsibility.id, name, now, lines, queued, delivery, series)


def _series_sentence(plan: Plan, line: SeriesLine) -> tuple[str, str, str]:
    return plan.agency(line.lead).label, line.title, line.outcomes_text()


def _responsibility(plan: Plan, responsibility_id: str) -> Responsibility:
    for responsibility in plan.responsibilities:
        if responsibility.id == responsibility_id:
            return responsibility
    known = ", ".join(r.id for r in plan.responsibilities)
    raise UserError(f"Kế hoạch {plan.plan.id} không có nhiệm vụ '{responsibility_id}' ({known}).")


@task(name="Bước", cache_policy=NO_CACHE, persist_result=False)
def step_health(line: StepLine) -> State[Any]:
    """The step's health as this task run's state; red (Failed) when overdue or blocked."""
    message = f"{line.title} — {line.label}; hạn {line.deadline}; chủ trì {line.lead_name}"
    # The lateness names the state; flags stand beside it ("… · vướng mắc").
    name = " · ".join([state_name(line.health), *line.flags])
    if line.red:
        return Failed(name=name, message=message)
    return Completed(name=name, message=message)


def _task_run_name(line: StepLine) -> str:
    return f"{line.key} · {line.lead_name}"


def publish_table(outcome: Outcome) -> None:
    create_table_artifact(
        table=[line.row() for line in outcome.lines],
        key=artifact_key(outcome.plan_id, outcome.responsibility_id),
        description=(
            f"**{outcome.name}** — tình hình lúc {local_stamp(outcome.as_of)} "
            f"(kế hoạch {outcome.plan_id}); mới xếp hàng {outcome.queued} nhắc việc."
        ),
    )


def final_state(outcome: Outcome) -> State[Any]:
    red = outcome.red
    if not red:
        return Completed(
            name=ON_TRACK,
            message=f"{len(outcome.lines)} bước, không bước nào quá hạn hay vướng mắc.",
            data=outcome,
        )
    listed = ", ".join(f"{line.key} ({line.label})" for line in red)
    return Failed(
        name=OFF_TRACK, message=f"{len(red)}/{len(outcome.lines)} bước: {listed}", data=outcome
    )


def _run_name() -> str:
    parameters = flow_run.parameters
    return f"{parameters.get('responsibility_id')} · {run_stamp(parameters)}"


@flow(name="Nhiệm vụ", flow_run_name=_run_name, persist_result=False)
def responsibility_flow(
    plan_id: str, responsibility_id: str, as_of: dt.datetime | None = None, send: bool = True
) -> State[Any]:
    """Đánh giá các bước của một nhiệm vụ, xếp hàng nhắc việc và (nếu `send`) gửi đi."""
    now = as_of or now_utc()
    outcome = read_responsibility(AppContext.current(), plan_id, responsibility_id, now, send)
    # Task runs would inherit the flow run's tags (for IV.1, 35 of them), and each tag
    # costs every task run a concurrency-limit request; they are found via their flow run.
    with TagsContext(current_tags=set()):
        for line in outcome.lines:
            step_health.with_options(task_run_name=_task_run_name(line))(line, return_state=True)
    publish_table(outcome)
    state = final_state(outcome)
    get_run_logger().info("%s: %s", state.name, state.message)
    return state


@lru_cache(maxsize=256)
def _named(name: str) -> Flow[Any, Any]:
    return responsibility_flow.with_options(name=name)


def flow_for(plan: Plan, responsibility_id: str) -> Flow[Any, Any]:
    """The responsibility's own flow, e.g. "IV.3 · Sở Nội vụ" in the dashboard."""
    return _named(responsibility_flow_name(plan, _responsibility(plan, responsibility_id)))


def run_responsibility(
    plan: Plan, responsibility_id: str, as_of: dt.datetime | None = None, send: bool = True
) -> State[Any]:
    """Run one responsibility's flow, tagged with its plan and agencies; returns its state."""
    responsibility = _responsibility(plan, responsibility_id)
    with tags(*responsibility_tags(plan, responsibility)):
        state = flow_for(plan, responsibility_id)(
            plan_id=plan.plan.id,
            responsibility_id=responsibility_id,
            as_of=as_of,
            send=send,
            return_state=True,
        )
    return cast(State[Any], state)
