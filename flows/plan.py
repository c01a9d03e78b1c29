"""The plan flow: one sweep of a plan, i.e. every responsibility flow, then the reminders.

A run on a day the core says no sweep runs (models.schedule) records why and sends
nothing; the deployment's schedule does not fire on those days, so this meets manual
runs and days past the schedule's years. Otherwise it reads the plan's statuses and
queues all its reminders once (the plan's own, e.g. "the event date is still not
confirmed", included), runs each responsibility's flow on that read, delivers one digest
per recipient (the one task run of the sweep), and publishes the plan summary, the
details of every step, the progress and one table per agency.

Every run ends in a state Prefect names itself (Completed, Failed), so the dashboard's
filters find it; the Vietnamese words are the state's message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run, task_run
from prefect.settings import PREFECT_API_URL
from prefect.states import Completed, Failed, State

from flows import sending
from flows.agencies import publish_agencies
from flows.artifacts import (
    agency_scope,
    details_key,
    link,
    publish_markdown,
    publish_progress,
    summary_key,
)
from flows.naming import (
    DAY_OFF,
    ERROR,
    SWEPT,
    artifact_key,
    plan_run_name,
    send_task_run_name,
)
from flows.responsibility import (
    RESPONSIBILITY_TASKS,
    Outcome,
    PlanRead,
    run_responsibility,
    sharing,
    sweep_read,
)
from flows.summary import EventLine, PlanOutcome, details_markdown, summary_markdown
from kehoach.clock import now_utc
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from kehoach.services.plans import event_rows
from kehoach.services.status import event_date_in_force
from models.calendar import WorkingCalendar
from models.plan import Plan
from models.schedule import no_sweep_notice
from models.timeutil import local_day, local_stamp


@dataclass(frozen=True)
class PlanFacts:
    plan: Plan
    calendar: WorkingCalendar
    events: tuple[EventLine, ...]


def read_plan(context: AppContext, plan_id: str | None, now: dt.datetime) -> PlanFacts:
    with context.database.transaction() as session:
        row = get_plan(session, plan_id)
        plan, calendar = plan_of(session, row)
        confirmed = {e for e, r in event_rows(session, row.id).items() if r.confirmed}
        lines = []
        for event in plan.events:
            day = event_date_in_force(session, row, now, event.id) or event.date
            left = calendar.working_days_between(local_day(now), day)
            lines.append(EventLine(event.name, day, event.id in confirmed, left))
    return PlanFacts(plan, calendar, tuple(lines))


def _send_run_name() -> str:
    return send_task_run_name({"as_of": task_run.parameters.get("now")})


@task(
    name="Gửi nhắc việc",
    task_run_name=_send_run_name,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def send_reminders(now: dt.datetime) -> State[Any]:
    delivery = sending.send(AppContext.current(), now)
    message = (
        f"Đã gửi {len(delivery.sent)} thư, lỗi {len(delivery.failed)}, "
        f"chờ đến giờ được gửi {delivery.held}."
    )
    if delivery.failed:
        return Failed(message=message, data=delivery)
    return Completed(message=message, data=delivery)


# The task runs of a sweep beside its subflows (a responsibility runs none of its own:
# docs/flows.md, *Flow shape*); runs_per_sweep counts from these.
SWEEP_TASKS = (send_reminders,)


def runs_per_sweep(plan: Plan) -> tuple[int, int]:
    """Flow runs and task runs one sweep of `plan` leaves on a working day: the plan's run
    and one per responsibility; Prefect also records each subflow call as a task run of
    its parent, beside the sweep's own tasks."""
    subflows = len(plan.responsibilities)
    return 1 + subflows, subflows * (1 + len(RESPONSIBILITY_TASKS)) + len(SWEEP_TASKS)


def _outcome(state: State[Any], responsibility_id: str) -> Outcome | str:
    result = state.result(raise_on_failure=False)
    if isinstance(result, Outcome):
        return result
    return f"nhiệm vụ {responsibility_id}: {result}"


def _delivery(state: State[Any]) -> sending.Delivery:
    result = state.result(raise_on_failure=False)
    return result if isinstance(result, sending.Delivery) else sending.Delivery()


def record_day_off(facts: PlanFacts, text: str) -> State[Any]:
    publish_markdown(
        text, key=artifact_key(facts.plan.plan.id, "ngay-nghi"), description=f"**{DAY_OFF}**"
    )
    get_run_logger().info(text)
    return Completed(message=text, data=None)


def publish_summary(outcome: PlanOutcome, read: PlanRead) -> None:
    stamp = local_stamp(outcome.as_of)
    publish_markdown(
        summary_markdown(outcome),
        key=summary_key(outcome.plan_id),
        description=f"**Tổng hợp kế hoạch: {outcome.title}** — lúc {stamp}",
    )
    publish_markdown(
        details_markdown(outcome),
        key=details_key(outcome.plan_id),
        description=f"**Chi tiết từng bước: {outcome.title}** — lúc {stamp}",
    )
    publish_progress(
        round(outcome.percent_done, 1),
        key=artifact_key(outcome.plan_id, "tien-do"),
        description=f"**Tỉ lệ bước đã hoàn thành** — {outcome.title}, lúc {stamp}. "
        f"{link(summary_key(outcome.plan_id), 'Tổng hợp kế hoạch')}.",
    )
    context = AppContext.current()
    publish_agencies(
        context, read.plan, list(read.statuses), outcome.as_of, str(PREFECT_API_URL.value())
    )


def _run_name() -> str:
    return plan_run_name(flow_run.parameters)


@flow(name="Quét kế hoạch", flow_run_name=_run_name, persist_result=False)
def plan_flow(plan_id: str | None = None, as_of: dt.datetime | None = None) -> State[Any]:
    """Một lượt quét kế hoạch: đánh giá mọi nhiệm vụ, gửi nhắc việc, công bố tổng hợp."""
    now = as_of or now_utc()
    context = AppContext.current()
    facts = read_plan(context, plan_id, now)
    notice = no_sweep_notice(facts.calendar, local_day(now))
    if notice:
        return record_day_off(facts, notice)
    plan = facts.plan
    read = sweep_read(context, plan, now)
    with sharing(read):
        results = [
            _outcome(run_responsibility(plan, r.id, now, send=False), r.id)
            for r in plan.responsibilities
        ]
    delivery = _delivery(send_reminders(now, return_state=True))
    outcome = PlanOutcome(
        plan_id=plan.plan.id,
        title=plan.plan.title,
        as_of=now,
        event=facts.events[0] if facts.events else None,
        other_events=facts.events[1:],
        responsibilities=tuple(r for r in results if isinstance(r, Outcome)),
        delivery=delivery,
        names={a.code: a.label for a in plan.agencies},
        errors=tuple(r for r in results if isinstance(r, str)),
        agency_scope=agency_scope(plan),
    )
    publish_summary(outcome, read)
    state = _final_state(outcome)
    log = get_run_logger()
    (log.warning if state.is_failed() else log.info)("%s", state.message)
    return state


def _final_state(outcome: PlanOutcome) -> State[Any]:
    off_track = sum(not r.on_track for r in outcome.responsibilities)
    message = (
        f"{SWEPT}: {outcome.event_sentence()}; {off_track}/{len(outcome.responsibilities)} "
        f"nhiệm vụ chậm tiến độ; đã gửi {len(outcome.delivery.sent)} thư nhắc việc."
    )
    if outcome.errors:
        return Failed(message=f"{ERROR}: " + "; ".join(outcome.errors), data=outcome)
    if outcome.delivery.failed:  # issue 8: a run whose delivery failed must not look green
        failed = f"{message} Chưa gửi được {len(outcome.delivery.failed)} thư."
        return Failed(message=failed, data=outcome)
    return Completed(message=message, data=outcome)
