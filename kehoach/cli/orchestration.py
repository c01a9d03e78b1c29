"""`kehoach demo`, `replay`, `serve` and `dashboard`: the Prefect side of the command line.

Prefect reads its settings when first imported, so nothing here imports it (or a flow
module) before `flows.prefect_env.configure` has pointed it at kehoach's home.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import select

from flows import prefect_env, sandbox
from flows.modes import Mode, parse_mode
from flows.server import LocalServer, count_task_runs, refuse_open_exposure, wait_for_task_runs
from kehoach.errors import UserError
from kehoach.paths import bundled_config_dir, seed_plan_path
from kehoach.present.answers import progress_recorded
from kehoach.present.dates import parse_date
from kehoach.present.tables import console
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from kehoach.services.plans import load_plan
from kehoach.settings import Settings
from kehoach.store.planfile import LoadedPlan, plan_calendar
from kehoach.store.tables import PlanRow
from models.calendar import WorkingCalendar
from models.health import Progress as StepProgress
from models.plan import Plan
from models.timeutil import ddmmyyyy, vietnam_moment

if TYPE_CHECKING:
    from flows.replay import AgencyPage, Replay, Replayer
    from flows.scenario import Scenario, ScenarioFile, Update

DEMO_SCENARIO = "ninh-thuan-2024-demo.yaml"
DEMO_TEMPLATE = "prefect-mau"
DASHBOARD_PORT = 4200
# The demo's server keeps runs, task runs, states, artifacts and logs, but not Prefect's
# event feed: persisting every event is a third of the demo's time on a 2-core machine.
DEMO_SERVER_ENV = {"PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false"}

ModeOption = Annotated[
    str,
    typer.Option(
        "--prefect",
        help="moi-ngay: mọi lượt quét qua Prefect (mặc định); "
        "ngay-chinh: chỉ các ngày chính qua Prefect; khong: không dùng Prefect.",
    ),
]


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.command("replay")(replay)
    app.command("serve")(serve)
    app.command("dashboard")(dashboard)


# --- demo and replay ---------------------------------------------------------------------


def demo(prefect: ModeOption = "moi-ngay") -> None:
    """Chạy thử toàn bộ trên kế hoạch mẫu (Ninh Thuận, 2024).

    Phát lại từ khi ban hành đến sau hội nghị trong KEHOACH_HOME (thư mục mới), rồi in
    dòng thời gian nhắc việc, tổng hợp cuối kỳ và cách mở bảng điều khiển.
    """
    started = time.monotonic()
    home = Settings().home
    sandbox.prepare_demo_home(home)
    _point_prefect_at(home / "prefect", quiet=True)
    scenario_path = bundled_config_dir() / "scenarios" / DEMO_SCENARIO
    server = _local_server(home / "prefect", parse_mode(prefect), _template(home))
    with _stopping(server):
        context = AppContext(sandbox.sandbox_settings(home))
        loaded = context.load_plan_file(seed_plan_path())
        result, replayer = _replay(context, loaded, scenario_path, None, None, prefect, server)
    _report(context, replayer, result, home, started)


def replay(
    plan: Annotated[str | None, typer.Option("--plan", help="Mã kế hoạch đã nạp.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Tệp kế hoạch (YAML).")] = None,
    start: Annotated[str | None, typer.Option("--from", help="Ngày bắt đầu.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Ngày kết thúc.")] = None,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="Tệp kịch bản (YAML).")
    ] = None,
    prefect: ModeOption = "moi-ngay",
) -> None:
    """Phát lại một khoảng thời gian của một kế hoạch, theo một kịch bản.

    Mỗi ngày làm việc một lượt quét 08:00, cùng các việc của kịch bản; chạy trong thư mục
    riêng KEHOACH_HOME/replay/<kế hoạch>, không bao giờ gửi thư thật.
    """
    started = time.monotonic()
    settings = Settings()
    loaded = _plan_to_replay(settings, plan, file)
    _point_prefect_at(settings.prefect_home, quiet=True)
    home = sandbox.prepare_replay_home(settings.home, loaded.plan.plan.id)
    shared = bool(os.environ.get("PREFECT_API_URL"))
    server = None if shared else _local_server(settings.prefect_home, parse_mode(prefect))
    with _stopping(server):
        context = AppContext(sandbox.sandbox_settings(home))
        period = (_day(start, "--from"), _day(end, "--to"))
        result, replayer = _replay(context, loaded, scenario, *period, prefect, server)
    _report(context, replayer, result, settings.home, started)


def _point_prefect_at(prefect_home: Path, *, quiet: bool = False) -> None:
    """Every command's Prefect home is kehoach's own (flows/prefect_env.py says why)."""
    notice = prefect_env.home_notice(prefect_env.configure(prefect_home, quiet=quiet), prefect_home)
    if notice:
        typer.echo(notice)


class Interrupted(UserError):
    exit_code = 130


@contextmanager
def _stopping(server: LocalServer | None) -> Iterator[None]:
    """Stop our Prefect server however the work ends, after this process has sent it the
    logs and events still queued (else Prefect prints their loss at exit)."""
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted("Đã dừng theo yêu cầu; chạy lại lệnh để bắt đầu lại từ đầu.") from None
    finally:
        if server is not None:
            if "prefect" in sys.modules and server.healthy():
                prefect_env.drain()
            server.stop(wait=not server.settled)


def _day(text: str | None, option: str) -> dt.date | None:
    return parse_date(text, option) if text else None


def _plan_to_replay(settings: Settings, plan_id: str | None, file: Path | None) -> LoadedPlan:
    if (plan_id is None) == (file is None):
        raise UserError("Cần đúng một trong hai: --plan MÃ (kế hoạch đã nạp) hoặc --file TỆP.")
    context = AppContext(settings)
    if file is not None:
        return context.load_plan_file(file)
    try:
        with context.database.transaction() as session:
            row = get_plan(session, plan_id)
            plan = Plan.model_validate(row.document)
            path, digest = Path(row.source_path), row.source_sha256
    finally:
        context.close()
    return LoadedPlan(plan, path, digest, plan_calendar(plan, context.national_calendar))


def _local_server(
    prefect_home: Path, mode: Mode, template: Path | None = None
) -> LocalServer | None:
    """Started first: it boots (~13 s) while this process loads the plan and the flows."""
    if mode is Mode.NONE:
        return None
    server = LocalServer(prefect_home, extra_env=DEMO_SERVER_ENV, template=template)
    server.start()
    return server


def _template(home: Path) -> Path:
    """Where the demo keeps an empty, migrated Prefect database for its next run (outside
    the parts it wipes; one per Prefect version, whose migrations it holds)."""
    return home / DEMO_TEMPLATE / version("prefect")


def _scenario(
    path: Path | None, loaded: LoadedPlan, start: dt.date | None, end: dt.date | None
) -> tuple[Scenario, ScenarioFile | None]:
    from flows.scenario import Scenario, ScenarioFile

    if path is None:
        if start is None or end is None:
            raise UserError("Không có --scenario thì cần cả --from và --to.")
        title = f"Phát lại {loaded.plan.plan.id}"
        return Scenario(title=title, plan=loaded.plan.plan.id, start=start, end=end), None
    source = ScenarioFile(path)
    scenario = source.checked(loaded.plan, loaded.calendar)
    changes = {k: v for k, v in (("start", start), ("end", end)) if v is not None}
    return scenario.model_copy(update=changes), source


def _replay(
    context: AppContext,
    loaded: LoadedPlan,
    scenario_path: Path | None,
    start: dt.date | None,
    end: dt.date | None,
    prefect: str,
    server: LocalServer | None,
) -> tuple[Replay, Replayer]:
    from flows.replay import Replayer

    scenario, source = _scenario(scenario_path, loaded, start, end)
    AppContext.use(context)
    with context.database.transaction() as session:
        load_plan(session, loaded, vietnam_moment(scenario.start, dt.time(7, 0)))
    mode, page = parse_mode(prefect), agency_page(context)
    replayer = Replayer(loaded.plan, loaded.calendar, scenario, mode, source, page)
    if server is None and replayer.mode is Mode.NONE:
        return _with_progress(replayer), replayer
    if server is not None:
        server.wait_ready()
    return _through(server, replayer), replayer


def agency_page(context: AppContext) -> AgencyPage:
    """An agency's own report, written as its step page's form writes it (kehoach.web)."""
    from kehoach.web.app import report_as_agency

    def report(plan_id: str, update: Update, now: dt.datetime) -> str:
        fields = {"status": update.status, "note": update.note or "", "link": update.link or ""}
        row = report_as_agency(context, plan_id, update.step, update.by or "", fields, now)
        return progress_recorded(row, StepProgress(update.status))

    return report


def _through(server: LocalServer | None, replayer: Replayer) -> Replay:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    api_url = server.api_url if server else str(PREFECT_API_URL.value())
    before = count_task_runs(api_url)
    own = prefect_env.own_server_client() if server else contextlib.nullcontext()
    with temporary_settings(updates={PREFECT_API_URL: api_url}), prefect_env.fast_runs(), own:
        result = _with_progress(replayer)
        prefect_env.drain()
    # Task runs reach the server's database as events; wait for them before stopping it.
    recorded = wait_for_task_runs(api_url, before + result.task_runs)
    if server is not None:
        server.settled = recorded >= before + result.task_runs
    return result


def _with_progress(replayer: Replayer) -> Replay:
    days = replayer.scenario.days()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("ngày"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console()) as progress:
        task = progress.add_task(f"Phát lại {ddmmyyyy(days[0])}", total=len(days))

        def advance(record: Any) -> None:
            progress.update(task, advance=1, description=f"Phát lại {ddmmyyyy(record.day)}")

        return replayer.run(advance)


# --- the report ---------------------------------------------------------------------------


def _report(
    context: AppContext, replayer: Replayer, result: Replay, home: Path, started: float
) -> None:
    from kehoach.cli.demo_report import print_report

    try:
        print_report(context, replayer, result, home, time.monotonic() - started)
    finally:
        AppContext.use(None)


# --- serve and dashboard ------------------------------------------------------------------


PortOption = Annotated[int, typer.Option("--port", help="Cổng của bảng điều khiển.")]
HostOption = Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe.")]


def dashboard(port: PortOption = DASHBOARD_PORT, host: HostOption = "127.0.0.1") -> None:
    """Mở máy chủ Prefect và bảng điều khiển cho thư mục dữ liệu của kehoach."""
    settings = Settings()
    _point_prefect_at(settings.prefect_home)
    shared = os.environ.get("PREFECT_API_URL")
    if shared:
        typer.echo(f"Đang dùng máy chủ Prefect dùng chung (PREFECT_API_URL): {_ui_address(shared)}")
        return
    refuse_open_exposure(host)
    server = LocalServer(settings.prefect_home, ui=True, host=host, port=port)
    if server.healthy():
        typer.echo(f"Bảng điều khiển Prefect đã chạy sẵn tại {server.address}")
        return
    _check_port(host, port)
    _run_until_interrupted(server, lambda: _wait_for(server))


def _ui_address(api_url: str) -> str:
    return api_url.rstrip("/").removesuffix("/api")


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UserError(
                f"Không mở được {host}:{port} ({error.strerror}); "
                "chọn cổng khác bằng --port hoặc địa chỉ khác bằng --host."
            ) from None


def _wait_for(server: LocalServer) -> None:
    typer.echo(
        f"Bảng điều khiển Prefect: {server.address}\n"
        f"Dữ liệu Prefect: {server.prefect_home}\n"
        f"Nhật ký máy chủ: {server.log_path}\n"
        "Nhấn Ctrl-C để dừng."
    )
    while server.running():
        time.sleep(0.5)
    raise UserError(f"Máy chủ Prefect đã dừng; xem nhật ký {server.log_path}.")


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _run_until_interrupted(server: LocalServer, body: Callable[[], None]) -> None:
    # A service manager stops us with SIGTERM; the server, in its own session, must follow.
    signal.signal(signal.SIGTERM, _interrupt)
    typer.echo("Đang khởi động máy chủ Prefect…")
    server.start()
    try:
        server.wait_ready()
        body()
    except KeyboardInterrupt:
        typer.echo("\nĐang dừng…")
    finally:
        server.stop()
    typer.echo("Đã dừng máy chủ Prefect.")


WorkPoolOption = Annotated[
    str | None,
    typer.Option(
        "--work-pool",
        help="Đăng ký vào work pool này (máy chủ Prefect dùng chung) thay vì tự chạy; "
        "các worker của pool sẽ chạy các lượt.",
    ),
]


def serve(
    plan: Annotated[str | None, typer.Option("--plan", help="Chỉ kế hoạch này.")] = None,
    at: Annotated[str, typer.Option("--at", help="Giờ quét hằng ngày (HH:MM).")] = "08:00",
    port: PortOption = DASHBOARD_PORT,
    work_pool: WorkPoolOption = None,
) -> None:
    """Lên lịch quét hằng ngày, các nhiệm vụ và biểu mẫu điều phối, rồi chạy chúng.

    Mỗi kế hoạch một lịch quét (mọi ngày làm việc, kể cả thứ Bảy làm bù; giờ Việt Nam),
    mỗi nhiệm vụ một deployment chạy theo yêu cầu, các biểu mẫu điều phối; chạy đến khi
    dừng (Ctrl-C).
    """
    settings = _sandboxed_if_demo(Settings())
    moment = time_of_day(at)
    _point_prefect_at(settings.prefect_home, quiet=True)
    if work_pool is not None:
        from kehoach.cli.deploy import shared_server, to_pool  # the same as `kehoach deploy`

        api_url = shared_server()
        to_pool(loaded_plans(plan), moment, work_pool, api_url)
        return
    plans = loaded_plans(plan)
    if os.environ.get("PREFECT_API_URL"):
        _serve(plans, moment, _ui_address(os.environ["PREFECT_API_URL"]))
        return
    server = LocalServer(settings.prefect_home, ui=True, port=port)
    os.environ["PREFECT_API_URL"] = server.api_url
    if server.healthy():
        _serve(plans, moment, server.address)
        return
    _run_until_interrupted(server, lambda: _serve(plans, moment, server.address))


def _sandboxed_if_demo(settings: Settings) -> Settings:
    """`serve` on the demo's home (as the demo's closing hint suggests) keeps the demo's
    rule: its own database and mail folder, never a real channel, in this process and in
    the runs it starts (they read the environment)."""
    if not (settings.home / sandbox.MARKER).exists():
        return settings
    for name in ("KEHOACH_DATABASE_URL", "KEHOACH_APPRISE_CONFIG"):
        os.environ.pop(name, None)
    demo = sandbox.sandbox_settings(settings.home)
    AppContext.use(AppContext(demo))
    typer.echo(f"Thư mục của bản chạy thử: thư nhắc việc chỉ ghi vào {demo.outbox_dir}.")
    return demo


def time_of_day(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise UserError(f"--at '{text}' không hợp lệ; dùng dạng HH:MM, ví dụ 08:00.") from None


def loaded_plans(plan_id: str | None) -> list[tuple[Plan, WorkingCalendar]]:
    with AppContext.current().database.transaction() as session:
        if plan_id is not None:
            return [plan_of(session, get_plan(session, plan_id))]
        rows = session.scalars(select(PlanRow).order_by(PlanRow.id))
        plans = [plan_of(session, row) for row in rows]
    if not plans:
        raise UserError("Chưa có kế hoạch nào để lên lịch; nạp bằng `kehoach load TỆP`.")
    return plans


def _serve(plans: list[tuple[Plan, WorkingCalendar]], at: dt.time, address: str) -> None:
    from flows.deployments import FormRefresher, all_deployments, serve_forever
    from kehoach.cli.demo_report import deployment_lines

    deployments = all_deployments(plans, at)
    for line in deployment_lines(deployments):
        typer.echo(line)
    typer.echo(
        f"Bảng điều khiển: {address} — các biểu mẫu điều phối ở mục Deployments; danh sách "
        "chọn bước, cơ quan được cập nhật mỗi phút khi nạp lại kế hoạch. Nhấn Ctrl-C để dừng."
    )
    try:
        serve_forever(deployments, FormRefresher(AppContext.current()))
    except KeyboardInterrupt:
        typer.echo("\nĐã dừng phục vụ các deployment.")
