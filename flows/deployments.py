"""`kehoach serve`: the deployments of every loaded plan, and the coordinator's forms.

Per plan: the plan flow on a Cron schedule in Asia/Ho_Chi_Minh (default 08:00, Monday to
Friday; a holiday run records itself and sends nothing), and one deployment per
responsibility for on-demand runs. Once for all plans: the four action flows, whose
typed parameters Prefect renders as forms.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import serve
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType

from flows.forms import ACTION_FLOWS
from flows.naming import responsibility_tags
from flows.plan import plan_flow
from flows.responsibility import flow_for
from flows.schedule import SWEEP_TIME, TIME_ZONE, sweep_cron
from flows.sender import sender_deployment
from models.plan import Plan

ACTIONS_DEPLOYMENT = "điều phối"


def daily_schedule(at: dt.time = SWEEP_TIME) -> Any:
    return Cron(sweep_cron(at), timezone=TIME_ZONE)


def _placement(work_pool: str | None) -> dict[str, Any]:
    """Served deployments run in this process; pooled ones on any worker that has kehoach
    installed, which finds the flow by its module path."""
    if work_pool is None:
        return {}
    return {"work_pool_name": work_pool, "entrypoint_type": EntrypointType.MODULE_PATH}


def plan_deployment(plan: Plan, at: dt.time = SWEEP_TIME, work_pool: str | None = None) -> Any:
    return plan_flow.to_deployment(
        name=plan.plan.id,
        **_placement(work_pool),
        schedules=[daily_schedule(at)],
        parameters={"plan_id": plan.plan.id},
        tags=[plan.plan.id],
        description=(
            f"Quét hằng ngày kế hoạch {plan.plan.id} lúc {at:%H:%M} (Thứ Hai – Thứ Sáu, "
            "giờ Việt Nam): đánh giá mọi nhiệm vụ, gửi nhắc việc, công bố tổng hợp."
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
    plans: list[Plan], at: dt.time = SWEEP_TIME, work_pool: str | None = None
) -> list[Any]:
    per_plan = [
        deployment
        for plan in plans
        for deployment in [
            plan_deployment(plan, at, work_pool),
            *responsibility_deployments(plan, work_pool),
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
