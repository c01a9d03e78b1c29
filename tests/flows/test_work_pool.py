"""`kehoach deploy` and a province on several machines, all on loopback.

The quick tests register to the session's Prefect test server and check the refusals; the
PostgreSQL test starts what a province runs: PostgreSQL for kehoach and for Prefect, a
Prefect server on it, a process work pool with two workers (`prefect worker start`), and
checks that a scheduled sweep and a coordinator's form are picked up and done, every
notice sent once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    DeploymentFilterName,
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.states import Scheduled
from prefect.types.entrypoint import EntrypointType
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from flows.deployments import PlanAndCalendar
from flows.forms import record_progress_flow
from flows.plan import plan_flow
from flows.sender import sender_flow
from flows.server import LocalServer, free_port
from flows.workpool import (
    CRASH_RULE,
    REFRESH_CRON,
    REFRESH_FLOW,
    SILENCE,
    pool_deployments,
    refresh_pool_flow,
    register_in_pool,
)
from kehoach.cli.main import run
from kehoach.paths import bundled_config_dir, seed_plan_path
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from kehoach.services.plans import load_plan
from kehoach.services.tracking import close_plan
from kehoach.settings import Settings
from kehoach.store.outbox_tables import MessageRow, MessageState, ReminderItemRow
from kehoach.store.planfile import resolved_document
from kehoach.store.tables import StepRow
from tests.postgres_server import PostgresServer
from tests.smtp_sink import SmtpSink, agency_address, write_channels

PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"
FORM_FLOW = record_progress_flow.name


def deploy(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(["deploy", *args])
    AppContext.use(None)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def shared_server(monkeypatch: pytest.MonkeyPatch) -> str:
    """The session's Prefect server, named the way a province names its shared one."""
    url = str(PREFECT_API_URL.value())
    monkeypatch.setenv("PREFECT_API_URL", url)
    return url


class _Answers(http.server.BaseHTTPRequestHandler):
    """Not Prefect: a proxy asking for a password, a page that is not the API, or (under
    /hong/) a server that answers its version and then fails."""

    def do_GET(self) -> None:
        if self.path.startswith("/hong/"):
            self.send_response(200 if self.path.endswith("/admin/version") else 500)
        else:
            self.send_response(401 if self.path.startswith("/api/") else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def not_prefect() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_deploy_without_a_shared_server_says_which_setting_to_set(
    seeded: AppContext, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    code, _, err = deploy(capsys)
    assert code == 2 and "Chưa đặt PREFECT_API_URL" in err and "Traceback" not in err


def test_deploy_to_a_server_that_does_not_answer_names_the_address_and_the_setting(
    seeded: AppContext, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    monkeypatch.setenv("PREFECT_API_URL", f"http://nhacviec:mat-khau@127.0.0.1:{port}/api")
    code, _, err = deploy(capsys)
    assert code == 2 and "Không kết nối được máy chủ Prefect" in err
    assert f"http://127.0.0.1:{port}/api (PREFECT_API_URL)" in err
    assert "mat-khau" not in err  # a password written into the address is never shown


def test_deploy_behind_a_password_names_the_client_setting(
    seeded: AppContext,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    not_prefect: str,
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", f"{not_prefect}/api")
    code, _, err = deploy(capsys)
    assert code == 2 and "yêu cầu đăng nhập" in err and "PREFECT_API_AUTH_STRING" in err


def test_deploy_to_an_address_that_is_not_the_api_says_it_must_end_in_api(
    seeded: AppContext,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    not_prefect: str,
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", not_prefect)
    code, _, err = deploy(capsys)
    assert code == 2 and "mã HTTP 404" in err and "/api" in err


def test_deploy_to_a_server_failing_midway_says_a_rerun_is_safe(
    seeded: AppContext,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    not_prefect: str,
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", f"{not_prefect}/hong/api")
    with temporary_settings(updates={PREFECT_API_URL: f"{not_prefect}/hong/api"}):
        code, _, err = deploy(capsys)
    assert code == 1 and "báo lỗi khi đăng ký" in err and "mã HTTP 500" in err
    assert "không nhân đôi" in err and "Traceback" not in err


def test_deploy_refuses_a_pool_of_another_type_and_registers_nothing(
    seeded: AppContext, capsys: pytest.CaptureFixture[str], shared_server: str
) -> None:
    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="tinh-docker", type="docker"), overwrite=True)
    code, _, err = deploy(capsys, "--pool", "tinh-docker")
    assert code == 2 and "thuộc loại 'docker', không phải 'process'" in err and "--pool" in err
    with get_client(sync_client=True) as client:
        assert list(pool_deployments(client, "tinh-docker")) == []


def test_deploy_creates_the_pool_then_updates_in_place_when_run_again(
    seeded: AppContext, capsys: pytest.CaptureFixture[str], shared_server: str
) -> None:
    code, first, err = deploy(capsys, "--pool", "tinh-moi")
    assert code == 0, err
    assert "Đã tạo work pool 'tinh-moi' (loại process)" in first
    assert f"  • Quét kế hoạch/{PLAN_ID} — lịch 08:00 mọi ngày làm việc, giờ Việt Nam" in first
    assert "prefect worker start --pool tinh-moi --type process" in first
    assert f"quy tắc tự động '{CRASH_RULE}'" in first
    assert f"  • {REFRESH_FLOW}/tinh-moi — lịch */5 * * * * (Asia/Ho_Chi_Minh)" in first
    assert "không cần chạy lại lệnh này" in first
    with get_client(sync_client=True) as client:
        registered = sorted(d.id for d in pool_deployments(client, "tinh-moi"))
        assert client.read_work_pool("tinh-moi").type == "process"
    code, again, err = deploy(capsys, "--pool", "tinh-moi")
    assert code == 0, err
    assert "Dùng work pool 'tinh-moi' (loại process) đã có" in again
    assert f"Mới 0, cập nhật {len(registered)}." in again
    with get_client(sync_client=True) as client:
        assert sorted(d.id for d in pool_deployments(client, "tinh-moi")) == registered
        [rule] = client.read_automations_by_name(name=CRASH_RULE)  # one, not one per run
    assert rule.trigger.within == SILENCE and rule.actions[0].type == "change-flow-run-state"


def _extra_deployment(flow_name: str, name: str, pool: str) -> None:
    extra = plan_flow.with_options(name=flow_name).to_deployment(
        name=name, work_pool_name=pool, entrypoint_type=EntrypointType.MODULE_PATH
    )
    extra.apply()


def test_deploy_removes_what_a_reloaded_plan_no_longer_has_and_keeps_other_plans(
    seeded: AppContext, capsys: pytest.CaptureFixture[str], shared_server: str
) -> None:
    assert deploy(capsys, "--pool", "tinh-cu")[0] == 0
    _extra_deployment("IV.9 · Nhiệm vụ đã bỏ", PLAN_ID, "tinh-cu")
    _extra_deployment("Quét kế hoạch", "kh-khac-2024", "tinh-cu")
    code, out, err = deploy(capsys, "--pool", "tinh-cu")
    assert code == 0, err
    removed = f"Đã gỡ 1 deployment không còn trong kế hoạch:\n  • IV.9 · Nhiệm vụ đã bỏ/{PLAN_ID}"
    assert removed in out
    with get_client(sync_client=True) as client:
        names = {d.name for d in pool_deployments(client, "tinh-cu")}
    assert "kh-khac-2024" in names


PHU_THO = "pt-2021-bau-cu"


def _pool_names(pool: str) -> list[tuple[str, str]]:
    with get_client(sync_client=True) as client:
        return [(client.read_flow(d.flow_id).name, d.name) for d in pool_deployments(client, pool)]


def _progress_steps(pool: str) -> list[str]:
    with get_client(sync_client=True) as client:
        form = client.read_deployment_by_name(f"{FORM_FLOW}/{FORM_FLOW}")
    assert form.work_pool_name == pool
    return form.parameter_openapi_schema["definitions"]["ProgressReport"]["properties"]["step"][
        "enum"
    ]


def test_the_pool_follows_a_loaded_then_a_closed_plan_without_deploy_being_run_again(
    seeded: AppContext, shared_server: str
) -> None:
    with seeded.database.transaction() as session:
        planned = plan_of(session, get_plan(session, PLAN_ID))
    register_in_pool([planned], "tinh-theo")
    with get_client(sync_client=True) as client:
        refresh = client.read_deployment_by_name(f"{REFRESH_FLOW}/tinh-theo")
    assert (refresh.work_pool_name, refresh.entrypoint) == (
        "tinh-theo",
        "flows.workpool.refresh_pool_flow",
    )
    assert refresh.parameters == {"pool": "tinh-theo", "at": "08:00"}
    assert refresh.schedules[0].schedule.cron == REFRESH_CRON == "*/5 * * * *"
    before = _pool_names("tinh-theo")
    unchanged = refresh_pool_flow("tinh-theo", return_state=True)
    assert unchanged.is_completed() and unchanged.message.startswith("Các kế hoạch không thay đổi")

    loaded = seeded.load_plan_file(bundled_config_dir() / "plans" / "phu-tho-2021-bau-cu.yaml")
    with seeded.database.transaction() as session:
        load_plan(session, loaded, dt.datetime(2021, 3, 1, 1, 0, tzinfo=dt.UTC))
    state = refresh_pool_flow("tinh-theo", return_state=True)
    assert state.is_completed(), state.message
    assert state.message.startswith("Đã cập nhật theo các kế hoạch"), state.message
    after = _pool_names("tinh-theo")
    assert len(after) == len(set(after)) and set(before) < set(after)  # added, none doubled
    assert ("Quét kế hoạch", PHU_THO) in after
    assert any(
        label.startswith("Kế hoạch Triển khai công tác bầu cử")
        for label in _progress_steps("tinh-theo")
    )
    assert refresh_pool_flow("tinh-theo", return_state=True).message.startswith(
        "Các kế hoạch không thay đổi"
    )

    with seeded.database.transaction() as session:
        close_plan(session, PHU_THO, dt.datetime(2021, 7, 1, 1, 0, tzinfo=dt.UTC))
    assert refresh_pool_flow("tinh-theo", return_state=True).is_completed()
    assert not any("bầu cử" in label for label in _progress_steps("tinh-theo"))
    assert _pool_names("tinh-theo") == after  # a closed plan keeps its deployments, as deploy does


def test_a_pool_deployed_for_one_plan_follows_that_plan_only(
    seeded: AppContext, shared_server: str
) -> None:
    with seeded.database.transaction() as session:
        planned = plan_of(session, get_plan(session, PLAN_ID))
    register_in_pool([planned], "tinh-mot", only=PLAN_ID)
    with get_client(sync_client=True) as client:
        refresh = client.read_deployment_by_name(f"{REFRESH_FLOW}/tinh-mot")
    assert refresh.parameters == {"pool": "tinh-mot", "at": "08:00", "plans": [PLAN_ID]}
    loaded = seeded.load_plan_file(bundled_config_dir() / "plans" / "phu-tho-2021-bau-cu.yaml")
    with seeded.database.transaction() as session:
        load_plan(session, loaded, dt.datetime(2021, 3, 1, 1, 0, tzinfo=dt.UTC))
    assert refresh_pool_flow("tinh-mot", plans=[PLAN_ID], return_state=True).is_completed()
    assert not any(name == PHU_THO for _, name in _pool_names("tinh-mot"))


def _refresh_parameters(pool: str) -> dict[str, Any]:
    with get_client(sync_client=True) as client:
        return dict(client.read_deployment_by_name(f"{REFRESH_FLOW}/{pool}").parameters)


def test_deploying_a_second_plan_to_the_same_pool_keeps_both_followed_and_all_follows_every_plan(
    seeded: AppContext, shared_server: str
) -> None:
    # Was: the refresh's parameters held the last `--plan` only, so the pool followed B alone.
    loaded = seeded.load_plan_file(bundled_config_dir() / "plans" / "phu-tho-2021-bau-cu.yaml")
    with seeded.database.transaction() as session:
        load_plan(session, loaded, dt.datetime(2021, 3, 1, 1, 0, tzinfo=dt.UTC))
        seed, phu_tho = (plan_of(session, get_plan(session, p)) for p in (PLAN_ID, PHU_THO))
    register_in_pool([seed], "tinh-hai", only=PLAN_ID)
    register_in_pool([phu_tho], "tinh-hai", only=PHU_THO)
    assert _refresh_parameters("tinh-hai")["plans"] == sorted([PLAN_ID, PHU_THO])
    names = _pool_names("tinh-hai")
    assert ("Quét kế hoạch", PLAN_ID) in names and ("Quét kế hoạch", PHU_THO) in names
    assert len(names) == len(set(names))
    register_in_pool([seed, phu_tho], "tinh-hai")
    assert "plans" not in _refresh_parameters("tinh-hai")  # `deploy` without --plan: all
    register_in_pool([seed], "tinh-hai", only=PLAN_ID)
    assert "plans" not in _refresh_parameters("tinh-hai")  # all includes that plan already


def test_a_pool_of_plans_too_large_for_shared_lists_has_each_followed_plans_own_forms(
    seeded: AppContext, shared_server: str, tmp_path: Path
) -> None:
    from tests.flows.test_form_lists_per_plan import load_provinces

    load_provinces(seeded, tmp_path)
    with seeded.database.transaction() as session:
        one, two = (plan_of(session, get_plan(session, p)) for p in ("kh-1", "kh-2"))
    register_in_pool([one], "tinh-lon", only="kh-1")
    register_in_pool([two], "tinh-lon", only="kh-2")
    forms = {name for flow, name in _pool_names("tinh-lon") if flow == FORM_FLOW}
    assert forms == {f"{FORM_FLOW} · Kế hoạch báo cáo tỉnh số {n}" for n in (1, 2)}
    with seeded.database.transaction() as session:
        close_plan(session, "kh-2", dt.datetime(2025, 8, 1, 1, 0, tzinfo=dt.UTC))
    assert refresh_pool_flow("tinh-lon", plans=["kh-1", "kh-2"], return_state=True).is_completed()
    names = _pool_names("tinh-lon")
    assert {name for flow, name in names if flow == FORM_FLOW} == {
        f"{FORM_FLOW} · Kế hoạch báo cáo tỉnh số 1"
    }
    assert ("Quét kế hoạch", "kh-2") in names  # a closed plan keeps its sweep, as deploy does
    assert len(names) == len(set(names))


# --- A province on several machines, on loopback -------------------------------------------

POOL = "tinh"
WORKERS = ("may-1", "may-2")
SWEEP_AT = "2024-04-15T08:00:00+07:00"  # a Monday morning of the seed plan, office hours
FORM_AT = "2024-04-15T09:30:00+07:00"
PAIR_AT = "2024-04-17T08:00:00+07:00"  # the Wednesday, swept on both machines at once
BIN = Path(sys.executable).parent


def _descendants(pid: int) -> list[int]:
    """Every process started below `pid` (a worker's flow runs), read from /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [pid]
    while queue:
        children = parents.get(queue.pop(), [])
        found += children
        queue += children
    return found


class Machines:
    """The processes of the province's machines; all of them stopped however the test ends."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> Path:
        log = self.root / f"{name}.log"
        with log.open("ab") as out:
            self.processes.append(
                subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
            )
        return log

    def stop(self) -> None:
        for process in self.processes:
            below = _descendants(process.pid)
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            for pid in below:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


@dataclass
class Province:
    root: Path
    api_url: str
    kehoach_url: str
    channels: Path
    sink: SmtpSink
    machines: Machines

    def env(self, machine: str) -> dict[str, str]:
        """A machine's settings: its own home, the shared database, server and channels."""
        base = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "KEHOACH_"))}
        home = self.root / machine
        home.mkdir(exist_ok=True)
        return base | {
            "KEHOACH_HOME": str(home),
            "KEHOACH_DATABASE_URL": self.kehoach_url,
            "KEHOACH_APPRISE_CONFIG": str(self.channels),
            "PREFECT_API_URL": self.api_url,
            "PREFECT_HOME": str(home / "prefect"),
            "PREFECT_WORKER_QUERY_SECONDS": "1",
        }

    def kehoach(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(BIN / "kehoach"), *args]
        env = self.env("dieu-phoi")
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)

    def start_worker(self, name: str) -> Path:
        command = [str(BIN / "prefect"), "worker", "start", "--pool", POOL, "--type", "process"]
        command += ["--name", name, "--work-queue", "default", "--work-queue", name]
        return self.machines.start(name, command, self.env(name))

    def database(self) -> AppContext:
        return AppContext(Settings(home=self.root / "kiem-tra", database_url=self.kehoach_url))

    def plans(self) -> list[PlanAndCalendar]:
        context = self.database()
        try:
            with context.database.transaction() as session:
                return [plan_of(session, get_plan(session, PLAN_ID))]
        finally:
            context.close()


def _email_every_seed_agency(path: Path, sink: SmtpSink) -> Path:
    codes = [agency["code"] for agency in resolved_document(seed_plan_path())["agencies"]]
    return write_channels(path, [{"url": sink.url(agency_address(c)), "tag": c} for c in codes])


def _load_seed_plan(province: Province) -> None:
    context = province.database()
    try:
        loaded = context.load_plan_file(seed_plan_path())
        with context.database.transaction() as session:  # also runs kehoach's migrations
            load_plan(session, loaded, dt.datetime(2024, 3, 15, 1, 0, tzinfo=dt.UTC))
    finally:
        context.close()


def _prefect_on_postgres(root: Path, url: str) -> LocalServer:
    database = make_url(url).set(drivername="postgresql+asyncpg")
    env = {"PREFECT_SERVER_DATABASE_CONNECTION_URL": database.render_as_string(hide_password=False)}
    return LocalServer(root / "prefect-server", extra_env=env)


@pytest.fixture(scope="module")
def province(
    postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Province]:
    root = tmp_path_factory.mktemp("tinh")
    server = _prefect_on_postgres(root, postgres_server.fresh_database())
    sink, machines = SmtpSink().start(), Machines(root)
    try:
        server.start()
        channels = _email_every_seed_agency(root / "kenh-gui.yaml", sink)
        found = Province(
            root, server.api_url, postgres_server.fresh_database(), channels, sink, machines
        )
        _load_seed_plan(found)
        server.wait_ready(timeout=180)
        yield found
    finally:
        machines.stop()
        server.stop()
        sink.stop()


@contextlib.contextmanager
def api(province: Province) -> Iterator[Any]:
    with (
        temporary_settings(updates={PREFECT_API_URL: province.api_url}),
        get_client(sync_client=True) as client,
    ):
        yield client


def _deployment(client: Any, flow_name: str) -> Any:
    """Found by flow: whatever the forms' deployments are called, one per flow here."""
    [found] = client.read_deployments(
        flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])),
        deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[PLAN_ID]))
        if flow_name == plan_flow.name
        else None,
    )
    return found


def _scheduled_sweeps(client: Any, deployment_id: UUID, timeout: float = 90) -> list[FlowRun]:
    """The runs Prefect's scheduler created from the deployment's working-day schedule."""
    deadline = time.monotonic() + timeout
    while True:
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))
            ),
        )
        if runs or time.monotonic() > deadline:
            return runs
        time.sleep(1)


def _choice(deployment: Any, field: str, starts: str) -> str:
    """The one entry of a form field's drop-down list that begins with `starts`."""
    definitions = deployment.parameter_openapi_schema["definitions"]
    (found,) = [
        label
        for definition in definitions.values()
        for label in definition.get("properties", {}).get(field, {}).get("enum", [])
        if label.startswith(starts)
    ]
    return str(found)


def _run_now(client: Any, deployment: Any, parameters: dict[str, Any], queue: str | None) -> UUID:
    run = client.create_flow_run_from_deployment(
        deployment.id, parameters=parameters, work_queue_name=queue, state=Scheduled()
    )
    return run.id


def _settled(client: Any, ids: list[UUID], timeout: float = 240) -> list[FlowRun]:
    deadline = time.monotonic() + timeout
    while True:
        runs = [client.read_flow_run(i) for i in ids]
        if all(r.state is not None and r.state.is_final() for r in runs):
            return runs
        if time.monotonic() > deadline:
            return runs
        time.sleep(1)


def _outbox(province: Province) -> tuple[int, int, list[str]]:
    """Items queued, messages sent, and the Message-IDs the SMTP server received."""
    context = province.database()
    try:
        with context.database.transaction() as session:
            items = session.scalar(select(func.count()).select_from(ReminderItemRow))
            sent = session.scalar(
                select(func.count()).where(MessageRow.state == MessageState.SENT.value)
            )
    finally:
        context.close()
    return int(items or 0), int(sent or 0), province.sink.message_ids()


def _progress(province: Province, key: str) -> str:
    context = province.database()
    try:
        with context.database.transaction() as session:
            return session.scalars(select(StepRow.progress).where(StepRow.key == key)).one()
    finally:
        context.close()


@pytest.mark.postgres
def test_two_workers_run_a_scheduled_sweep_and_a_form_and_send_every_notice_once(
    province: Province,
) -> None:
    deployed = province.kehoach("deploy", "--pool", POOL)
    assert deployed.returncode == 0, deployed.stderr
    assert f"Đã tạo work pool '{POOL}' (loại process)" in deployed.stdout
    with api(province) as client:
        for name in WORKERS:  # each machine also polls a queue of its own
            client.create_work_queue(name=name, work_pool_name=POOL)
    logs = [province.start_worker(name) for name in WORKERS]
    with api(province) as client:
        register_in_pool(province.plans(), POOL)  # again, as after a reload
        sweep, form = _deployment(client, plan_flow.name), _deployment(client, FORM_FLOW)
        planned = _scheduled_sweeps(client, sweep.id)
        assert planned and all(r.auto_scheduled for r in planned)
        starts = [r.expected_start_time for r in planned]
        assert len(starts) == len(set(starts))  # registering twice doubled no run
        scheduled = planned[0]  # tomorrow's 08:00, moved to now, on the seed's Monday
        client.update_flow_run(scheduled.id, parameters={"plan_id": PLAN_ID, "as_of": SWEEP_AT})
        client.set_flow_run_state(scheduled.id, Scheduled(), force=True)
        # The form offers the plan's own words (drop-down lists), not step keys.
        report = {
            "step": _choice(form, "step", "IV.2 · Xây dựng chương trình"),
            "status": "Đã nộp",
            "by": _choice(form, "by", "Sở Lao động"),
        }
        asked = _run_now(client, form, {"report": report, "as_of": FORM_AT}, None)
        runs = _settled(client, [scheduled.id, asked])
    logged = "\n".join(log.read_text(errors="replace")[-3000:] for log in logs)
    assert [r.state.type for r in runs] == [StateType.COMPLETED] * 2, logged
    assert _progress(province, "IV.2.programme") == "submitted"
    items, sent, received = _outbox(province)
    assert items > 0 and sent > 0
    assert len(received) == sent and len(set(received)) == sent  # each notice once


@pytest.mark.postgres
def test_the_same_sweep_on_both_workers_at_once_and_the_sender_send_nothing_twice(
    province: Province,
) -> None:
    before = _outbox(province)
    with api(province) as client:
        sweep = _deployment(client, plan_flow.name)
        parameters = {"plan_id": PLAN_ID, "as_of": PAIR_AT}
        ids = [_run_now(client, sweep, parameters, queue) for queue in WORKERS]
        sender = _deployment(client, sender_flow.name)
        ids.append(_run_now(client, sender, {"as_of": PAIR_AT}, None))
        runs = _settled(client, ids)
    assert [r.state.type for r in runs] == [StateType.COMPLETED] * 3
    assert [r.work_queue_name for r in runs[:2]] == list(WORKERS)  # one on each machine
    _, sent, received = _outbox(province)
    assert sent > before[1]  # the Wednesday had notices of its own
    assert len(received) == sent and len(set(received)) == sent
