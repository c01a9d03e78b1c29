"""Commands of the record a coordinator keeps: approving extensions, closing a plan."""

from __future__ import annotations

from typing import Annotated

import typer

from kehoach.cli.main import ForceOption, NoteOption, PlanOption, now_utc, unit_of_work
from kehoach.present.answers import extension_answer
from kehoach.present.dates import parse_moment
from kehoach.present.tables import today_text
from kehoach.services import sweep, tracking

extension_app = typer.Typer(
    help="Đề xuất gia hạn của các cơ quan: cơ quan điều phối đồng ý hoặc không.",
    no_args_is_help=True,
)
StepArgument = Annotated[str, typer.Argument(help="Mã bước có đề xuất gia hạn.")]


@extension_app.command("duyet")
def approve(
    step: StepArgument, plan: PlanOption = None, note: NoteOption = None, force: ForceOption = False
) -> None:
    """Đồng ý đề xuất gia hạn đang chờ của một bước."""
    with unit_of_work() as session:
        now = now_utc()
        result = tracking.approve_extension(
            session, step, now, plan_id=plan, note=note, force=force
        )
        sweep.notify_answer(session, result.row.plan_id, result.row.key, now)  # the lead is told
    typer.echo(extension_answer(result))


@extension_app.command("tu-choi")
def refuse(step: StepArgument, plan: PlanOption = None, note: NoteOption = None) -> None:
    """Không đồng ý đề xuất gia hạn đang chờ của một bước."""
    with unit_of_work() as session:
        now = now_utc()
        result = tracking.refuse_extension(session, step, now, plan_id=plan, note=note)
        sweep.notify_answer(session, result.row.plan_id, result.row.key, now)  # the lead is told
    typer.echo(
        f"Đã ghi nhận: không đồng ý đề xuất gia hạn bước {result.row.key} "
        f"đến {result.new_deadline:%d/%m/%Y}; hạn vẫn giữ nguyên."
    )


def close(
    plan: PlanOption = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Thời điểm kết thúc (mặc định: bây giờ).")
    ] = None,
    note: NoteOption = None,
) -> None:
    """Kết thúc kế hoạch: việc chưa xong được ghi 'không hoàn thành'; thôi nhắc việc."""
    moment = parse_moment(at, "--at") if at else None
    with unit_of_work() as session:
        row = tracking.close_plan(session, plan, now_utc(), at=moment, note=note)
        left = tracking.unfinished(session, row)
        closed_at = row.closed_at
    assert closed_at is not None
    typer.echo(
        f"Đã kết thúc kế hoạch {row.id} ngày {today_text(closed_at)}: "
        f"{left} bước chưa hoàn thành được ghi 'không hoàn thành'; không gửi nhắc việc nữa."
    )


def register(app: typer.Typer) -> None:
    app.add_typer(extension_app, name="gia-han")
    app.command("ket-thuc")(close)
