"""The plan flow: one sweep of a plan, i.e. every responsibility flow, then the reminders.

A run on a day the core says no sweep runs (models.schedule) records why and sends
nothing; the deployment's schedule does not fire on those days, so this meets manual
runs and days past the schedule's years. Otherwise it runs each
responsibility's flow (which queues that responsibility's reminders), queues what belongs
to the plan as a whole (e.g. "the event date is still not confirmed"), delivers one digest
per recipient, and publishes the plan summary: a markdown artifact and a progress artifact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State

from flows import sending
from flows.naming import DAY_OFF, SWEPT, artifact_key, run_stamp
from flows.responsibility import Outcome, run_responsibility
from flows.summary import EventLine, PlanOutcome, summary_markdown
from kehoach.clock import now_utc
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from kehoach.services.plans import event_rows
from kehoach.services.status import event_date_in_force
from kehoach.store.planfile import plan_calendar
from models.calendar import WorkingCalendar
from models.deadlines import resolve_deadlines
from models.plan import Plan
from models.schedule import no_sweep_notice
from models.steps import expand_steps
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


def queue_plan_level(context: AppContext, plan_id: str, now: dt.datetime) -> int:
    """Reminders about the plan as a whole; the responsibilities' own are already queued."""
    with context.database.transaction() as session:
        return sending.queue(session, get_plan(session, plan_id), now)


@task(name="Gửi nhắc việc", cache_policy=NO_CACHE, persist_result=False)
def send_reminders(now: dt.datetime) -> State[Any]:
    delivery = sending.send(AppContext.current(), now)
    message = (
        f"Đã gửi {len(delivery.sent)} thư, lỗi {len(delivery.failed)}, "
        f"chờ đến giờ được gửi {delivery.held}."
    )
    if delivery.failed:
        return Failed(name="Gửi lỗi", message=message, data=delivery)
    return Completed(name=f"Đã gửi {len(delivery.sent)} thư", message=message, data=delivery)


def _outcome(state: State[Any], responsibility_id: str) -> Outcome | str:
    result = state.result(raise_on_failure=False)
    if isinstance(result, Outcome):
        return result
    return f"nhiệm vụ {responsibility_id}: {result}"


def _delivery(state: State[Any]) -> sending.Delivery:
    result = state.result(raise_on_failure=False)
    return result if isinstance(result, sending.Delivery) else sending.Delivery()


def record_day_off(facts: PlanFacts, text: str) -> State[Any]:
    create_markdown_artifact(markdown=text, description=f"{facts.plan.plan.id} · ngày nghỉ")
    get_run_logger().info(text)
    return Completed(name=DAY_OFF, message=text, data=None)


def publish_summary(outcome: PlanOutcome) -> None:
    create_markdown_artifact(
        markdown=summary_markdown(outcome),
        key=artifact_key(outcome.plan_id, "tong-hop"),
        description=f"Tổng hợp kế hoạch {outcome.plan_id} lúc {local_stamp(outcome.as_of)}",
    )
    create_progress_artifact(
        progress=round(outcome.percent_done, 1),
        key=artifact_key(outcome.plan_id, "tien-do"),
        description=f"Tỉ lệ bước đã hoàn thành của kế hoạch {outcome.plan_id}",
    )


def _run_name() -> str:
    parameters = flow_run.parameters
    return f"{parameters.get('plan_id') or 'kế hoạch'} · {run_stamp(parameters)}"


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
    results = [
        _outcome(run_responsibility(plan, r.id, now, send=False), r.id)
        for r in plan.responsibilities
    ]
    queue_plan_level(context, plan.plan.id, now)
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
    )
    publish_summary(outcome)
    state = _final_state(outcome)
    get_run_logger().info("%s: %s", state.name, state.message)
    return state


def _final_state(outcome: PlanOutcome) -> State[Any]:
    off_track = sum(not r.on_track for r in outcome.responsibilities)
    message = (
        f"{outcome.event_sentence()}; {off_track}/{len(outcome.responsibilities)} nhiệm vụ "
        f"chậm tiến độ; đã gửi {len(outcome.delivery.sent)} thư nhắc việc."
    )
    if outcome.errors:
        return Failed(name="Lỗi", message="; ".join(outcome.errors), data=outcome)
    if outcome.delivery.failed:  # issue 8: a run whose delivery failed must not look green
        failed = f"{message} Chưa gửi được {len(outcome.delivery.failed)} thư."
        return Failed(name="Gửi lỗi", message=failed, data=outcome)
    return Completed(name=SWEPT, message=message, data=outcome)


def runs_per_sweep(plan: Plan) -> tuple[int, int]:
    """The Prefect flow runs and task runs one sweep of `plan` creates, in today's shape:
    the plan flow and one flow per responsibility; one task run per concrete step (its
    health) and the sender task. (The flow shape owner changes this with the shape.)"""
    calendar = plan_calendar(plan)
    steps = expand_steps(plan, resolve_deadlines(plan, calendar), calendar)
    return 1 + len(plan.responsibilities), len(steps) + 1
