"""`kehoach serve`: the deployments of every loaded plan, and the coordinator's forms.

Per plan: the plan flow on an RRule schedule in Asia/Ho_Chi_Minh (default 08:00) that fires
on every working day of the plan's calendar, make-up Saturdays included, and on no day off
(see flows/schedule.py), and one deployment per responsibility for on-demand runs. Once
for all plans: the four action flows, whose typed parameters Prefect renders as forms.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import serve
from prefect.schedules import RRule
from prefect.types.entrypoint import EntrypointType

from flows.forms import ACTION_FLOWS
from flows.naming import responsibility_tags
from flows.plan import plan_flow
from flows.reports import report_deployments
from flows.responsibility import flow_for
from flows.schedule import SWEEP_TIME, TIME_ZONE, schedule_years, sweep_rruleset
from flows.sender import sender_deployment
from kehoach.clock import now_utc
from models.calendar import WorkingCalendar
from models.plan import Plan
from models.timeutil import local_day

ACTIONS_DEPLOYMENT = "điều phối"
PlanAndCalendar = tuple[Plan, WorkingCalendar]


def daily_schedule(
    calendar: WorkingCalendar, at: dt.time = SWEEP_TIME, today: dt.date | None = None
) -> Any:
    """The sweep on the calendar's working days from this year on (see flows/schedule.py)."""
    years = schedule_years(today or local_day(now_utc()))
    return RRule(sweep_rruleset(calendar, years, at), timezone=TIME_ZONE)


def _placement(work_pool: str | None) -> dict[str, Any]:
    """Served deployments run in this process; pooled ones on any worker that has kehoach
    installed, which finds the flow by its module path."""
    if work_pool is None:
        return {}
    return {"work_pool_name": work_pool, "entrypoint_type": EntrypointType.MODULE_PATH}


def plan_deployment(
    planned: PlanAndCalendar, at: dt.time = SWEEP_TIME, work_pool: str | None = None
) -> Any:
    plan, calendar = planned
    return plan_flow.to_deployment(
        name=plan.plan.id,
        **_placement(work_pool),
        schedules=[daily_schedule(calendar, at)],
        parameters={"plan_id": plan.plan.id},
        tags=[plan.plan.id],
        description=(
            f"Quét kế hoạch {plan.plan.id} lúc {at:%H:%M} mọi ngày làm việc (kể cả thứ Bảy "
            "làm bù; giờ Việt Nam): đánh giá mọi nhiệm vụ, gửi nhắc việc, công bố tổng hợp."
        ),
    )


def responsibility_deployments(plan: Plan, work_pool: str | None = None) -> list[Any]:
    return [
        flow_for(plan, r.id).to_deployment(
            name=plan.plan.id,
            **_placement(work_pool),
            parameters={"plan_id": plan.plan.id, "responsibility_id": r.id},
            tags=responsibility_tags(plan, r),
            description=f"Chạy theo yêu cầu: nhiệm vụ {r.id} — {r.title}.",
        )
        for r in plan.responsibilities
    ]


def action_deployments(work_pool: str | None = None) -> list[Any]:
    return [
        action.to_deployment(
            name=ACTIONS_DEPLOYMENT,
            **_placement(work_pool),
            tags=["kehoach", "điều phối"],
            # The docstring's first paragraph; its "Args:" lines belong to the form.
            description=(action.description or "").split("\n\n")[0],
        )
        for action in ACTION_FLOWS
    ]


def all_deployments(
    plans: list[PlanAndCalendar], at: dt.time = SWEEP_TIME, work_pool: str | None = None
) -> list[Any]:
    per_plan = [
        deployment
        for planned in plans
        for deployment in [
            plan_deployment(planned, at, work_pool),
            *responsibility_deployments(planned[0], work_pool),
            *report_deployments(*planned, _placement(work_pool)),
        ]
    ]
    return per_plan + action_deployments(work_pool) + [sender_deployment(work_pool)]


def register(deployments: list[Any]) -> None:
    """Register deployments bound to a work pool; the pool's workers run them."""
    for deployment in deployments:
        deployment.apply()


def serve_forever(deployments: list[Any]) -> None:
    """Register the deployments and run their flows until interrupted (Ctrl-C)."""
    serve(*deployments, print_starting_message=False)
