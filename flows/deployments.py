"""`kehoach serve`: the deployments of every loaded plan, and the coordinator's forms.

Per plan: the plan flow on an RRule schedule in Asia/Ho_Chi_Minh (default 08:00) that fires
on every working day of the plan's calendar, make-up Saturdays included, and on no day off
(see flows/schedule.py), and one deployment per responsibility for on-demand runs. Once
for all plans: the coordinator's forms (flows/forms.py), one deployment each, named as the
form is, whose step, agency and event fields list the loaded plans' own words; `serve`
re-applies those lists when a plan is loaded, reloaded or closed (`FormRefresher`).

When those shared lists would not fit (`lists_fit`: the national shape, thousands of plan
steps and agencies), each open plan gets its own forms instead ("Báo cáo tiến độ · Kế
hoạch 12/KH-UBND"), tagged with the plan's id, the plan fixed by the deployment's
`plan_id` parameter, every list built from that plan alone; the shared forms are then
removed, so nobody opens a form that cannot list. The refresh switches both ways.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import threading
from collections.abc import Callable, Collection, Iterable
from typing import Any, NamedTuple

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import DeploymentUpdate
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterTags
from prefect.schedules import RRule
from prefect.types.entrypoint import EntrypointType
from prefect.utilities.callables import ParameterSchema
from sqlalchemy.orm import Session

from flows.choices import Catalogue, plan_versions, read_catalogue
from flows.form_schema import form_schema, lists_fit
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
PAGE = 200  # the server's largest page of deployments
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


class FormScope(NamedTuple):
    """One set of forms: for every open plan (`plan_id` None), or for one plan."""

    catalogue: Catalogue | None
    plan_id: str | None = None
    plan_name: str | None = None


SHARED = FormScope(None)  # the forms without lists (no catalogue read)


def form_scopes(session: Session, follows: Collection[str] | None = None) -> list[FormScope]:
    """The shared forms while all their lists fit; else each open plan's own (of those in
    `follows`, a pool's plans, when given), each listing that plan alone."""
    shared = read_catalogue(session)
    if lists_fit(shared):
        return [FormScope(shared)]
    return [
        FormScope(read_catalogue(session, plan_ids=[plan.value]), plan.value, plan.label)
        for plan in shared.plans
        if follows is None or plan.value in follows
    ]


def action_deployments(
    work_pool: str | None = None, catalogue: Catalogue | None = None
) -> list[Any]:
    """One deployment per form, named as the form is ("Báo cáo tiến độ"); with a
    catalogue, its fields list the plans' steps, agencies and events."""
    return form_deployments([FormScope(catalogue)], work_pool)


def form_deployments(scopes: Iterable[FormScope], work_pool: str | None = None) -> list[Any]:
    return [
        _form_deployment(action, work_pool, scope) for scope in scopes for action in ACTION_FLOWS
    ]


# Prefect refuses these in a deployment's name; a plan's number has a "/" ("12/KH-UBND").
NAME_CHARACTERS = str.maketrans({"/": "∕", "%": " phần trăm", "&": "và", "<": "", ">": ""})


def form_name(action: Any, scope: FormScope) -> str:
    """'Báo cáo tiến độ', or with a plan's own forms 'Báo cáo tiến độ · Kế hoạch 12∕KH-UBND'."""
    if scope.plan_id is None:
        return str(action.name)
    return f"{action.name} · {scope.plan_name}".translate(NAME_CHARACTERS)


def _form_deployment(action: Any, work_pool: str | None, scope: FormScope) -> Any:
    deployment = action.to_deployment(
        name=form_name(action, scope),
        **placement(work_pool),
        tags=[FORMS_TAG, *([scope.plan_id] if scope.plan_id else [])],
        parameters={"plan_id": scope.plan_id} if scope.plan_id else {},
        # The docstring's first paragraph; its "Args:" lines belong to the form.
        description=(action.description or "").split("\n\n")[0],
    )
    # Prefect has no public way to give a deployment a schema other than its flow's.
    schema = form_schema(action, scope.catalogue)
    deployment._parameter_openapi_schema = ParameterSchema(**schema)
    return deployment


def current_scopes(follows: Collection[str] | None = None) -> list[FormScope]:
    with AppContext.current().database.transaction() as session:
        return form_scopes(session, follows)


def current_catalogue() -> Catalogue:
    with AppContext.current().database.transaction() as session:
        return read_catalogue(session)


def all_deployments(
    plans: list[PlanAndCalendar],
    at: dt.time = SWEEP_TIME,
    work_pool: str | None = None,
    scopes: list[FormScope] | None = None,
) -> list[Any]:
    """Every deployment of `serve`; the forms list the open plans of kehoach's database
    unless their scopes are given."""
    per_plan = [
        deployment
        for planned in plans
        for deployment in [
            plan_deployment(planned, at, work_pool),
            *responsibility_deployments(planned[0], work_pool),
            *report_deployments(*planned, placement(work_pool)),
        ]
    ]
    forms = form_deployments(current_scopes() if scopes is None else scopes, work_pool)
    return per_plan + forms + [sender_deployment(work_pool)]


def register(deployments: list[Any]) -> None:
    """Register deployments bound to a work pool; the pool's workers run them."""
    for deployment in deployments:
        deployment.apply()


def serve_forever(deployments: list[Any], refresher: FormRefresher | None = None) -> None:
    """Register the deployments and run their flows until interrupted (Ctrl-C), keeping
    the forms' lists in step with the loaded plans."""
    from prefect.exceptions import TerminationSignal
    from prefect.runner import Runner

    # A runner of our own rather than `prefect.serve`: a plan loaded later gets its own
    # forms, which this process must also run (`add_deployment` while it polls).
    runner = Runner(pause_on_shutdown=True)
    for deployment in deployments:
        runner.add_deployment(deployment)
    remove_other_forms(deployments)
    stop = threading.Event()
    if refresher is not None:
        refresher.add = runner.add_deployment
        threading.Thread(target=refresher.run, args=(stop,), daemon=True).start()
    try:
        asyncio.run(runner.start())
    except TerminationSignal:
        pass  # stopped by the service manager: as Ctrl-C, the schedules are paused
    finally:
        stop.set()


def schema_fingerprint(schema: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()


Add = Callable[[Any], object]


def update_forms(
    scopes: list[FormScope], applied: dict[str, str] | None = None, add: Add | None = None
) -> int:
    """Make the registered forms those of `scopes`: a form whose schema's fingerprint is
    the one in `applied` (updated here) is left as it is (a reload that changed only
    deadlines re-registers nothing), a new one is added through `add` (`serve`'s runner),
    and a served form no scope has any more (a closed plan's, or the shared ones once
    each plan has its own) is removed. Returns how many forms changed."""
    applied = {} if applied is None else applied
    wanted = {f"{d.flow_name}/{d.name}": d for d in form_deployments(scopes)}
    with get_client(sync_client=True) as client:
        served = _served_forms(client)
        changed = sum(
            _update(client, name, d, served.get(name), applied, add) for name, d in wanted.items()
        )
        for name in _delete_forms(client, served, wanted.keys()):
            applied.pop(name, None)
    return changed + len(served.keys() - wanted.keys())


def remove_other_forms(deployments: list[Any]) -> list[str]:
    """The served forms other than those of `deployments` (the shared forms an earlier
    `serve` left once each plan has its own, the forms of a plan closed since), removed."""
    with get_client(sync_client=True) as client:
        served = _served_forms(client)
        return _delete_forms(client, served, {f"{d.flow_name}/{d.name}" for d in deployments})


def _delete_forms(client: Any, served: dict[str, Any], kept: Collection[str]) -> list[str]:
    gone = sorted(served.keys() - set(kept))
    for name in gone:
        client.delete_deployment(served[name].id)
    return gone


def _served_forms(client: Any) -> dict[str, Any]:
    """The forms registered by `serve` (a pool's have a work pool), by 'flow/deployment'."""
    tagged = DeploymentFilter(tags=DeploymentFilterTags(all_=[FORMS_TAG]))
    found, offset = [], 0
    # Page by page: 34 plans' own forms are 272, more than the server's largest page.
    while page := client.read_deployments(deployment_filter=tagged, limit=PAGE, offset=offset):
        found += [d for d in page if not d.work_pool_name]
        offset += len(page)
    # Eight form flows, however many forms: each flow's name read once.
    flows = {flow_id: client.read_flow(flow_id).name for flow_id in {d.flow_id for d in found}}
    return {f"{flows[d.flow_id]}/{d.name}": d for d in found}


def _update(
    client: Any, name: str, deployment: Any, existing: Any, applied: dict[str, str], add: Add | None
) -> bool:
    schema = deployment._parameter_openapi_schema.model_dump()
    fingerprint = schema_fingerprint(schema)
    if existing is not None and applied.get(name) == fingerprint:
        return False
    if existing is None:
        (add or _apply)(deployment)
    else:
        client.update_deployment(existing.id, DeploymentUpdate(parameter_openapi_schema=schema))
    applied[name] = fingerprint
    return True


def _apply(deployment: Any) -> object:
    return deployment.apply()


class FormRefresher:
    """Polls kehoach's database (a cheap read of each open plan's file digest) and, when
    a plan was loaded, reloaded or closed, re-applies the forms' schemas.

    Polling from `serve` rather than pushing from `kehoach load`: `load` runs wherever the
    plan file is, often where no Prefect server is reachable, and must not fail for it;
    `serve` is the process that registered the forms and talks to the server anyway.
    """

    def __init__(
        self, context: AppContext, interval: float = REFRESH_SECONDS, add: Add | None = None
    ) -> None:
        self.context = context
        self.interval = interval
        self.add = add  # how a new form is registered (and run, by `serve`'s runner)
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
            scopes = form_scopes(session)
        updated = update_forms(scopes, self.applied, self.add)
        self.seen = versions
        return updated > 0

    def run(self, stop: threading.Event) -> None:
        while not stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # a server restart must not end the polling; retried next time
                logging.getLogger(__name__).warning("Chưa cập nhật được danh sách biểu mẫu.")
