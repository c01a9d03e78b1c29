"""`kehoach deploy`: every loaded plan's deployments in a process work pool on a shared server.

Workers on any machine (`prefect worker start --pool …`) then run the sweeps, the sender,
the reports and the coordinator's forms; each finds its flow by module path, so the only
thing a worker machine needs is kehoach installed and the same settings. Registering is
idempotent: Prefect updates a deployment of the same flow and name in place (and replaces
its future scheduled runs), and a deployment of these plans that the plans no longer
produce (a responsibility removed or retitled on reload, a form renamed) is removed, so a
worker never runs a flow whose plan is gone.

The pool follows the plans by itself: `deploy` also registers "Cập nhật biểu mẫu", a flow
the workers run every few minutes, which compares a fingerprint of the plans (each plan's
file digest and whether it is closed) with the one of the last registration, kept in a
Prefect variable, and when they differ registers again through the same `_register` as
`deploy` (new plans' deployments, the forms' lists, stale deployments removed).

The refresh remembers the plans it follows (its `plans` parameter; none: every plan):
`deploy --plan A` then `deploy --plan B` on the same pool follows both, and `deploy`
without `--plan` follows all. When the shared forms' lists would not fit, each followed
open plan gets its own forms (flows/deployments.py); a closed plan's forms are removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import httpx
from prefect import flow, get_run_logger
from prefect.states import Completed, State
from sqlalchemy import select
from sqlalchemy.orm import Session

from flows.deployments import (
    FORMS_TAG,
    PAGE,
    PlanAndCalendar,
    all_deployments,
    current_scopes,
    placement,
)
from flows.schedule import SWEEP_TIME, TIME_ZONE
from flows.server import CLIENT_AUTH, SERVER_AUTH, auth_headers
from kehoach.errors import UserError
from kehoach.services.context import AppContext
from kehoach.services.lookup import plan_of
from kehoach.store.tables import PlanRow

POOL_TYPE = "process"
SHARED_TAG = "kehoach"  # the forms' and the sender's deployments: one set for all plans
# A self-hosted Prefect server leaves a run whose machine died "Running" for ever; this
# automation marks it Crashed once its heartbeats stop. Runs beat every 180 s by
# default (PREFECT_FLOWS_HEARTBEAT_FREQUENCY): three missed beats and a margin.
CRASH_RULE = "kehoach · lượt chạy mất tín hiệu"
SILENCE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Registration:
    pool: str
    pool_created: bool
    deployments: list[Any]
    new: int
    removed: list[str]
    crash_rule_created: bool


def shown_url(url: str) -> str:
    """The address without any user or password written into it."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


def check_server(api_url: str | None) -> str:
    """The shared server's API address, once it has answered as a Prefect API."""
    if not api_url:
        raise UserError(
            "Chưa đặt PREFECT_API_URL: deployment được đăng ký vào máy chủ Prefect dùng chung, "
            "ví dụ PREFECT_API_URL=http://prefect.tinh.local:4200/api (xem docs/van-hanh.md)."
        )
    where = f"{shown_url(api_url)} (PREFECT_API_URL)"
    try:
        # Not /health: Prefect answers it without the password, so it cannot tell that the
        # password is missing; the version needs it.
        answer = httpx.get(
            f"{api_url.rstrip('/')}/admin/version", timeout=10, headers=auth_headers()
        )
    except httpx.HTTPError as error:
        raise UserError(
            f"Không kết nối được máy chủ Prefect tại {where}: {type(error).__name__}. Kiểm tra "
            "máy chủ đã chạy, tường lửa mở cổng và địa chỉ đúng."
        ) from None
    _check_answer(answer.status_code, where)
    return api_url


def _check_answer(status: int, where: str) -> None:
    if status == 401:
        raise UserError(
            f"Máy chủ Prefect tại {where} yêu cầu đăng nhập: đặt {CLIENT_AUTH}="
            f'"tên:mật-khẩu" giống {SERVER_AUTH} của máy chủ rồi chạy lại.'
        )
    if status != 200:
        raise UserError(
            f"Địa chỉ {where} không trả lời như API của Prefect (mã HTTP {status}); "
            "PREFECT_API_URL phải là địa chỉ máy chủ kèm /api ở cuối."
        )


def ensure_pool(client: Any, name: str) -> bool:
    """The process pool of that name, created when missing; True when created now."""
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.process import ProcessWorker

    try:
        pool = client.read_work_pool(name)
    except ObjectNotFound:
        template = ProcessWorker.get_default_base_job_template()
        wanted = WorkPoolCreate(name=name, type=POOL_TYPE, base_job_template=template)
        client.create_work_pool(wanted)
        return True
    if pool.type != POOL_TYPE:
        raise UserError(
            f"Work pool '{name}' trên máy chủ Prefect thuộc loại '{pool.type}', không phải "
            f"'{POOL_TYPE}': worker của kehoach chạy mỗi lượt trong một tiến trình trên máy của "
            f"nó. Chọn tên khác bằng --pool, hoặc xoá pool đó (prefect work-pool delete {name})."
        )
    return False


def ensure_crash_rule(client: Any) -> bool:
    """The automation that marks a silent run Crashed; True when created now."""
    if client.read_automations_by_name(name=CRASH_RULE):
        return False
    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    ends = ("heartbeat", "Completed", "Failed", "Cancelled", "Crashed")
    trigger = EventTrigger(
        after={"prefect.flow-run.heartbeat"},
        expect={f"prefect.flow-run.{end}" for end in ends},
        match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
        for_each={"prefect.resource.id"},
        posture=Posture.Proactive,
        threshold=1,
        within=SILENCE,
    )
    message = (
        f"Quá {SILENCE.seconds // 60} phút không nhận được tín hiệu của lượt chạy: máy chạy "
        "việc có thể đã dừng giữa chừng."
    )
    # Named as Prefect names the type, so its "Crashed" filter finds these runs.
    action = ChangeFlowRunState(
        name="Crashed", state=StateType.CRASHED, message=message, force=False
    )
    Automation(name=CRASH_RULE, trigger=trigger, actions=[action]).create()
    return True


def pool_deployments(client: Any, pool: str) -> Iterator[Any]:
    from prefect.client.schemas.filters import WorkPoolFilter, WorkPoolFilterName

    in_pool = WorkPoolFilter(name=WorkPoolFilterName(any_=[pool]))
    offset = 0
    while page := client.read_deployments(work_pool_filter=in_pool, limit=PAGE, offset=offset):
        yield from page
        offset += len(page)


def _stale(existing: Iterable[Any], kept: set[UUID], plan_ids: set[str]) -> list[Any]:
    """This pool's deployments of these plans (named by the plan), shared by all plans
    (tagged kehoach) or forms (every form of the pool's plans is registered each time)
    that were not registered now."""

    def ours(deployment: Any) -> bool:
        tags = deployment.tags or ()
        return deployment.name in plan_ids or SHARED_TAG in tags or FORMS_TAG in tags

    return [d for d in existing if d.id not in kept and ours(d)]


def _remove(client: Any, deployments: list[Any]) -> list[str]:
    from prefect.exceptions import ObjectNotFound

    names = [f"{client.read_flow(d.flow_id).name}/{d.name}" for d in deployments]
    for deployment in deployments:
        # A refresh and a `deploy` at the same moment may both remove it: gone is gone.
        with contextlib.suppress(ObjectNotFound):
            client.delete_deployment(deployment.id)
    return names


class ServerRefused(UserError):
    exit_code = 1


@contextmanager
def _server_errors(where: str) -> Iterator[None]:
    """A server that fails midway (overloaded, restarted): say so, and that a rerun is safe."""
    from prefect.deployments.runner import DeploymentApplyError

    try:
        yield
    except (httpx.HTTPError, DeploymentApplyError) as error:
        status = getattr(getattr(error, "response", None), "status_code", None)
        code = f" (mã HTTP {status})" if status else ""
        raise ServerRefused(
            f"Máy chủ Prefect tại {where} báo lỗi khi đăng ký: {type(error).__name__}{code}. "
            "Chạy lại lệnh: deployment đã đăng ký được cập nhật, không nhân đôi."
        ) from None


Follows = frozenset[str] | None  # the plans a pool's refresh follows; None: every plan


def register_in_pool(
    plans: list[PlanAndCalendar], pool: str, at: dt.time = SWEEP_TIME, only: str | None = None
) -> Registration:
    """Register (or update) the plans' deployments in the pool, and the refresh that keeps
    them in step with the plans (with `only`, `deploy --plan`: that plan's, besides those
    the pool followed already); remove the stale ones."""
    if only is None:
        return pool_registration(plans, pool, at, None)
    followed = _followed(pool)
    return pool_registration(plans, pool, at, None if followed is None else followed | {only})


def _followed(pool: str) -> Follows:
    """The plans the pool's refresh follows now: none before the first `deploy`."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            refresh = client.read_deployment_by_name(f"{REFRESH_FLOW}/{pool}")
        except ObjectNotFound:
            return frozenset()
    plans = refresh.parameters.get("plans")
    return None if plans is None else frozenset(plans)


def pool_registration(
    plans: list[PlanAndCalendar], pool: str, at: dt.time, follows: Follows
) -> Registration:
    with AppContext.current().database.transaction() as session:
        seen = plans_fingerprint(session, pool, at, follows)
    forms = current_scopes(follows)
    deployments = [*all_deployments(plans, at, pool, forms), refresh_deployment(pool, at, follows)]
    with _server_errors(shown_url(_api_url())):
        registration = _register(plans, pool, deployments)
        _remember(pool, seen)
    return registration


def _api_url() -> str:
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value())


def _register(plans: list[PlanAndCalendar], pool: str, deployments: list[Any]) -> Registration:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        created = ensure_pool(client, pool)
        before = list(pool_deployments(client, pool))
        kept = {deployment.apply() for deployment in deployments}
        removed = _remove(client, _stale(before, kept, {plan.plan.id for plan, _ in plans}))
        crash_rule = ensure_crash_rule(client)
    new = len(kept - {d.id for d in before})
    return Registration(pool, created, deployments, new, removed, crash_rule)


# --- the pool follows the plans -------------------------------------------------------------

REFRESH_FLOW = "Cập nhật biểu mẫu"
# Every few minutes rather than every minute: each check is a flow run on the dashboard's
# Runs page (288 a day), and a plan is loaded rarely. A cron like the sender's, so the
# deploy listing shows it as it shows that one.
REFRESH_MINUTES = 5
REFRESH_CRON = f"*/{REFRESH_MINUTES} * * * *"


def plans_fingerprint(session: Session, pool: str, at: dt.time, follows: Follows = None) -> str:
    """What the pool's deployments are made from: every plan's file version and whether it
    is closed (the forms list open plans only), the sweep time and the pool. A plain read
    of the plans table, so a refresh that finds nothing changed costs a millisecond."""
    query = select(PlanRow.id, PlanRow.source_sha256, PlanRow.closed_at.is_(None))
    plans = sorted(tuple(row) for row in session.execute(query))
    text = json.dumps([pool, f"{at:%H:%M}", None if follows is None else sorted(follows), plans])
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint_variable(pool: str) -> str:
    """The Prefect variable holding the last registration's fingerprint (names allow only
    lowercase ASCII, so the pool's name is hashed in)."""
    return f"kehoach_bieu_mau_{hashlib.sha256(pool.encode()).hexdigest()[:12]}"


def _remember(pool: str, seen: str) -> None:
    from prefect.variables import Variable

    Variable.set(fingerprint_variable(pool), seen, overwrite=True)


def _remembered(pool: str) -> str | None:
    from prefect.variables import Variable

    value = Variable.get(fingerprint_variable(pool), default=None)
    return value if isinstance(value, str) else None


def every_plan(session: Session, follows: Follows = None) -> list[PlanAndCalendar]:
    """The plans a pool's refresh registers: every loaded plan, or those it follows (a
    closed one keeps its deployments; its runs say it is closed)."""
    query = select(PlanRow).order_by(PlanRow.id)
    if follows is not None:
        query = query.where(PlanRow.id.in_(follows))
    return [plan_of(session, row) for row in session.scalars(query)]


@flow(name=REFRESH_FLOW, persist_result=False)
def refresh_pool_flow(
    pool: str, at: str = f"{SWEEP_TIME:%H:%M}", plans: list[str] | None = None
) -> State[Any]:
    """Cập nhật lịch quét và các biểu mẫu điều phối cho các máy chạy việc khi có kế hoạch được
    nạp, nạp lại hoặc kết thúc.

    Args:
        pool: Tên nhóm máy chạy việc.
        at: Giờ quét hằng ngày (giờ:phút).
        plans: Chỉ cập nhật cho các kế hoạch này (khi đăng ký từng kế hoạch); để trống là mọi
            kế hoạch.
    """
    moment = dt.time.fromisoformat(at)
    follows = None if plans is None else frozenset(plans)
    with AppContext.current().database.transaction() as session:
        seen = plans_fingerprint(session, pool, moment, follows)
        found = every_plan(session, follows) if seen != _remembered(pool) else None
    if found is None:
        return Completed(message="Các kế hoạch không thay đổi: giữ nguyên lịch chạy và biểu mẫu.")
    registration = pool_registration(found, pool, moment, follows)
    message = (
        f"Đã cập nhật theo các kế hoạch: thêm {registration.new} mục chạy, gỡ "
        f"{len(registration.removed)} mục; danh sách chọn của biểu mẫu đã cập nhật."
    )
    get_run_logger().info(message)
    return Completed(message=message)


def refresh_deployment(pool: str, at: dt.time, follows: Follows = None) -> Any:
    from prefect.schedules import Cron

    return refresh_pool_flow.to_deployment(
        name=pool,
        **placement(pool),
        schedules=[Cron(REFRESH_CRON, timezone=TIME_ZONE)],
        parameters={
            "pool": pool,
            "at": f"{at:%H:%M}",
            **({"plans": sorted(follows)} if follows is not None else {}),
        },
        tags=[SHARED_TAG],
        description=(
            f"Mỗi {REFRESH_MINUTES} phút: khi có kế hoạch được nạp, nạp lại hoặc kết "
            "thúc, đăng ký lại các lượt quét, nhiệm vụ và danh sách chọn của biểu mẫu."
        ),
    )
