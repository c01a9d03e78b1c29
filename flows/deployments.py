"""`kehoach serve`: the deployments of every loaded plan, and the coordinator's forms.

Per plan: the plan flow on an RRule schedule in Asia/Ho_Chi_Minh (default 08:00) that fires
on every working day of the plan's calendar, make-up Saturdays included, and on no day off
(see flows/schedule.py), and one deployment per responsibility for on-demand runs. Once
for all plans: the coordinator's forms (flows/forms.py), one deployment each, named as the
form is, whose step, agency and event fields list the loaded plans' own words; `serve`
re-applies those lists when a plan is loaded, reloaded or closed (`FormRefresher`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
from typing import Any

from prefect import serve
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import DeploymentUpdate
from prefect.schedules import RRule
from prefect.types.entrypoint import EntrypointType
from prefect.utilities.callables import ParameterSchema

from flows.choices import Catalogue, plan_versions, read_catalogue
from flows.form_schema import form_schema
from flows.forms import ACTION_FLOWS
from flows.naming import responsibility_tags
from flows.plan import plan_flow
from flows.reports import report_deployments
from flows.responsibility import flow_for
from flows.schedule import SWEEP_TIME, TIME_ZONE, schedule_years, sweep_rruleset
from flows.sender import sender_deployment
from kehoach.clock import now_utc
from kehoach.services.context import AppContext
from models.calendar import WorkingCalendar
from models.plan import Plan
from models.timeutil import local_day

FORMS_TAG = "biểu mẫu điều phối"
REFRESH_SECONDS = 60.0
PlanAndCalendar = tuple[Plan, WorkingCalendar]


def daily_schedule(
    calendar: WorkingCalendar, at: dt.time = SWEEP_TIME, today: dt.date | None = None
) -> Any:
    """The sweep on the calendar's working days from this year on (see flows/schedule.py)."""
    years = schedule_years(today or local_day(now_utc()))
    return RRule(sweep_rruleset(calendar, years, at), timezone=TIME_ZONE)


def placement(work_pool: str | None) -> dict[str, Any]:
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
        **placement(work_pool),
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
            **placement(work_pool),
            parameters={"plan_id": plan.plan.id, "responsibility_id": r.id},
            tags=responsibility_tags(plan, r),
            description=f"Chạy theo yêu cầu: nhiệm vụ {r.id} — {r.title}.",
        )
        for r in plan.responsibilities
    ]


def action_deployments(
    work_pool: str | None = None, catalogue: Catalogue | None = None
) -> list[Any]:
    """One deployment per form, named as the form is ("Báo cáo tiến độ"); with a
    catalogue, its fields list the plans' steps, agencies and events."""
    return [_form_deployment(action, work_pool, catalogue) for action in ACTION_FLOWS]


def _form_deployment(action: Any, work_pool: str | None, catalogue: Catalogue | None) -> Any:
    deployment = action.to_deployment(
        name=action.name,
        **placement(work_pool),
        tags=[FORMS_TAG],
        # The docstring's first paragraph; its "Args:" lines belong to the form.
        description=(action.description or "").split("\n\n")[0],
    )
    # Prefect has no public way to give a deployment a schema other than its flow's.
    deployment._parameter_openapi_schema = ParameterSchema(**form_schema(action, catalogue))
    return deployment


def current_catalogue() -> Catalogue:
    with AppContext.current().database.transaction() as session:
        return read_catalogue(session)


def all_deployments(
    plans: list[PlanAndCalendar],
    at: dt.time = SWEEP_TIME,
    work_pool: str | None = None,
    catalogue: Catalogue | None = None,
) -> list[Any]:
    """Every deployment of `serve`; the forms list the open plans of kehoach's database
    unless a catalogue is given."""
    per_plan = [
        deployment
        for planned in plans
        for deployment in [
            plan_deployment(planned, at, work_pool),
            *responsibility_deployments(planned[0], work_pool),
            *report_deployments(*planned, placement(work_pool)),
        ]
    ]
    forms = action_deployments(work_pool, catalogue or current_catalogue())
    return per_plan + forms + [sender_deployment(work_pool)]


def register(deployments: list[Any]) -> None:
    """Register deployments bound to a work pool; the pool's workers run them."""
    for deployment in deployments:
        deployment.apply()


def serve_forever(deployments: list[Any], refresher: FormRefresher | None = None) -> None:
    """Register the deployments and run their flows until interrupted (Ctrl-C), keeping
    the forms' lists in step with the loaded plans."""
    stop = threading.Event()
    if refresher is not None:
        threading.Thread(target=refresher.run, args=(stop,), daemon=True).start()
    try:
        serve(*deployments, print_starting_message=False)
    finally:
        stop.set()


def schema_fingerprint(schema: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()


def update_form_schemas(catalogue: Catalogue, applied: dict[str, str] | None = None) -> int:
    """Give the registered forms the lists of `catalogue` (plans loaded since they were);
    a form whose schema's fingerprint is the one in `applied` (updated here) is left as it
    is: a reload that changed only deadlines re-registers nothing. Returns how many."""
    applied = {} if applied is None else applied
    updated = 0
    with get_client(sync_client=True) as client:
        for action in ACTION_FLOWS:
            schema = form_schema(action, catalogue)
            fingerprint = schema_fingerprint(schema)
            if applied.get(action.name) == fingerprint:
                continue
            deployment = client.read_deployment_by_name(f"{action.name}/{action.name}")
            update = DeploymentUpdate(parameter_openapi_schema=schema)
            client.update_deployment(deployment.id, update)
            applied[action.name], updated = fingerprint, updated + 1
    return updated


class FormRefresher:
    """Polls kehoach's database (a cheap read of each open plan's file digest) and, when
    a plan was loaded, reloaded or closed, re-applies the forms' schemas.

    Polling from `serve` rather than pushing from `kehoach load`: `load` runs wherever the
    plan file is, often where no Prefect server is reachable, and must not fail for it;
    `serve` is the process that registered the forms and talks to the server anyway.
    """

    def __init__(self, context: AppContext, interval: float = REFRESH_SECONDS) -> None:
        self.context = context
        self.interval = interval
        self.seen = self._versions()
        self.applied: dict[str, str] = {}  # each form's schema fingerprint, once updated

    def _versions(self) -> frozenset[tuple[str, str]]:
        with self.context.database.transaction() as session:
            return plan_versions(session)

    def check(self) -> bool:
        """Re-apply the lists if the plans changed since the last check; True if a form
        was updated."""
        with self.context.database.transaction() as session:
            versions = plan_versions(session)
            if versions == self.seen:
                return False  # the minute's usual case: one read of the plans table
            catalogue = read_catalogue(session)
        updated = update_form_schemas(catalogue, self.applied)
        self.seen = versions
        return updated > 0

    def run(self, stop: threading.Event) -> None:
        while not stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # a server restart must not end the polling; retried next time
                logging.getLogger(__name__).warning("Chưa cập nhật được danh sách biểu mẫu.")
