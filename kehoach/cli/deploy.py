"""`kehoach deploy`: register every loaded plan's deployments to a process work pool.

Prefect reads its settings when first imported, so Prefect (and the flows) are imported
only after `flows.prefect_env.configure` has pointed it at kehoach's home.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows import prefect_env
from kehoach.cli.orchestration import loaded_plans, time_of_day
from kehoach.settings import Settings
from models.calendar import WorkingCalendar
from models.plan import Plan

if TYPE_CHECKING:
    from flows.workpool import Registration

DEFAULT_POOL = "kehoach"

PoolOption = Annotated[
    str,
    typer.Option("--pool", help="Tên work pool (loại process) trên máy chủ Prefect dùng chung."),
]


def register(app: typer.Typer) -> None:
    app.command("deploy")(deploy)


def deploy(
    pool: PoolOption = DEFAULT_POOL,
    plan: Annotated[str | None, typer.Option("--plan", help="Chỉ kế hoạch này.")] = None,
    at: Annotated[str, typer.Option("--at", help="Giờ quét hằng ngày (HH:MM).")] = "08:00",
) -> None:
    """Đăng ký các lượt quét, nhiệm vụ, báo cáo, gửi thư và biểu mẫu điều phối vào work pool.

    Máy chủ Prefect dùng chung theo PREFECT_API_URL; tạo work pool (loại process) nếu chưa
    có. Chạy lại bao nhiêu lần cũng được: deployment được cập nhật, không nhân đôi. Sau khi
    nạp, nạp lại hoặc kết thúc kế hoạch không cần chạy lại: việc "Cập nhật biểu mẫu" do các
    worker chạy 5 phút một lần tự đăng ký lại. Các worker (prefect worker start --pool TÊN)
    trên các máy chạy việc sẽ chạy chúng.
    """
    moment = time_of_day(at)
    prefect_env.configure(Settings().prefect_home, quiet=True)
    api_url = shared_server()  # before reading the plans: the likelier mistake is here
    to_pool(loaded_plans(plan), moment, pool, api_url, only=plan)


def shared_server() -> str:
    """The shared server's address once it answered; Prefect is configured already."""
    from flows.workpool import check_server

    # With kehoach's database elsewhere nothing else creates the home on this machine, and
    # Prefect warns (in English) when it cannot create its own in it.
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    return check_server(os.environ.get("PREFECT_API_URL"))


def to_pool(
    plans: list[tuple[Plan, WorkingCalendar]],
    at: dt.time,
    pool: str,
    api_url: str,
    only: str | None = None,
) -> None:
    """What `deploy` and `serve --work-pool` do once the server answered and the plans
    are read; `only`: the plan of `--plan`, which the pool's refresh then keeps to."""
    from flows.workpool import register_in_pool, shown_url

    _report(register_in_pool(plans, pool, at, only), shown_url(api_url))


def _report(registration: Registration, server: str) -> None:
    from kehoach.cli.demo_report import deployment_lines

    pool = registration.pool
    done = "Đã tạo" if registration.pool_created else "Dùng"
    existing = "" if registration.pool_created else " đã có"
    typer.echo(f"{done} work pool '{pool}' (loại process){existing} trên máy chủ Prefect {server}.")
    for line in deployment_lines(registration.deployments):
        typer.echo(line)
    updated = len(registration.deployments) - registration.new
    typer.echo(f"Mới {registration.new}, cập nhật {updated}.")
    if registration.removed:
        typer.echo(f"Đã gỡ {len(registration.removed)} deployment không còn trong kế hoạch:")
        for name in registration.removed:
            typer.echo(f"  • {name}")
    typer.echo(_crash_rule_line(registration.crash_rule_created))
    typer.echo(_refresh_line())
    typer.echo(
        "Trên mỗi máy chạy việc (đã cài kehoach, cùng KEHOACH_DATABASE_URL, "
        "KEHOACH_APPRISE_CONFIG, KEHOACH_LINK_SECRET và PREFECT_API_URL; xem "
        "docs/van-hanh.md):\n"
        f"  prefect worker start --pool {pool} --type process"
    )


def _refresh_line() -> str:
    from flows.workpool import REFRESH_FLOW, REFRESH_MINUTES

    return (
        f"Việc '{REFRESH_FLOW}' chạy {REFRESH_MINUTES} phút một lần trên các worker: khi có kế "
        "hoạch được nạp, nạp lại hoặc kết thúc, tự đăng ký lại các deployment và danh sách "
        "chọn của biểu mẫu, không cần chạy lại lệnh này."
    )


def _crash_rule_line(created: bool) -> str:
    from flows.workpool import CRASH_RULE, SILENCE

    rule = (
        f"quy tắc tự động '{CRASH_RULE}': lượt chạy quá {SILENCE.seconds // 60} phút không báo "
        "tín hiệu (máy chạy việc dừng giữa chừng) được đánh dấu Crashed"
    )
    return f"Đã tạo {rule}." if created else f"Đã có {rule}."
