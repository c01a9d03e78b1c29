"""`kehoach web` (the agencies' web service) and `kehoach thu-hoi-lien-ket` (revoke links)."""

from __future__ import annotations

from typing import Annotated

import typer

from kehoach.cli.agencies import agency_code, loaded_agencies
from kehoach.cli.main import PlanOption, unit_of_work
from kehoach.clock import now_utc
from kehoach.errors import UserError
from kehoach.reports.files import reports_folder
from kehoach.services import links, sweep, tracking
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from kehoach.web.app import create_app
from kehoach.web.server import bound_socket, config

WEB_PORT = 8080


def web(
    host: Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Cổng lắng nghe.")] = WEB_PORT,
) -> None:
    """Chạy trang báo cáo của các cơ quan (mở bằng liên kết riêng trong thư nhắc việc)."""
    import uvicorn

    context = AppContext.current()
    reports_folder(context.settings, writing=False)  # a shared folder not mounted: say so now
    public = context.settings.public_url
    sock = bound_socket(host, port)
    typer.echo(f"Trang báo cáo của các cơ quan đang chạy tại http://{host}:{port}.")
    if public is None:
        typer.echo(
            "Lưu ý: chưa đặt KEHOACH_PUBLIC_URL nên thư nhắc việc chưa kèm liên kết; đặt biến "
            "này là địa chỉ công khai của trang (qua máy chủ HTTPS) rồi chạy lại nhắc việc."
        )
    else:
        typer.echo(f"Địa chỉ công khai trong thư nhắc việc: {public}. Dừng bằng Ctrl+C.")
    # By default the next sweep shows agencies' reports in digests and the dashboard's
    # tables (see docs/web.md); `status` reads the database and shows them at once.
    app = create_app(context)
    server = uvicorn.Server(config(app, proxy_headers=True))
    server.run(sockets=[sock])


def revoke(
    agency: Annotated[str, typer.Argument(help="Mã hoặc tên cơ quan.")],
    plan: PlanOption = None,
) -> None:
    """Thu hồi mọi liên kết đã gửi cho một cơ quan; thư nhắc việc sau mang liên kết mới."""
    with unit_of_work() as session:
        code = agency_code(session, agency, plan) or agency
        if code not in {item.agency.code for item in loaded_agencies(session, plan)}:
            raise UserError(f"Không có cơ quan '{agency}' trong các kế hoạch đã nạp.")
        plan_row = get_plan(session, plan) if plan else None
        coordinator = plan_of(session, plan_row)[0].plan.coordinator if plan_row else "system"
        generation = links.revoke(session, code, now_utc(), coordinator)
    typer.echo(
        f"Đã thu hồi mọi liên kết cũ của cơ quan {code} (thế hệ liên kết mới: {generation}); "
        "các liên kết cũ sẽ bị từ chối, thư nhắc việc sau mang liên kết mới."
    )


def return_report(
    step: Annotated[str, typer.Argument(help="Mã bước có báo cáo bị trả lại.")],
    reason: Annotated[str, typer.Option("--ly-do", help="Lý do trả lại.")],
    plan: PlanOption = None,
) -> None:
    """Trả lại báo cáo của một bước, nêu lý do; bước trở lại trạng thái đang thực hiện."""
    with unit_of_work() as session:
        now = now_utc()
        row = tracking.return_report(session, step, now, reason=reason, plan_id=plan)
        sweep.notify_answer(session, row.plan_id, row.key, now)
    typer.echo(
        f"Đã trả lại báo cáo bước {row.key} (lý do: {reason.strip()}); bước trở lại trạng thái "
        "đang thực hiện. Cơ quan chủ trì thấy lý do trên trang của mình và được báo trong "
        "lượt nhắc việc tiếp theo."
    )


def register(app: typer.Typer) -> None:
    app.command("web")(web)
    app.command("thu-hoi-lien-ket")(revoke)
    app.command("tra-lai")(return_report)
