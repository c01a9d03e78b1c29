"""`kehoach phan-viec-xong STEP --by AGENCY`: a cooperating agency has provided its part.

From then on that agency is no longer asked for its part of the step; the lead and the
other cooperators are reminded as before.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from kehoach.present.dates import parse_moment
from kehoach.services.context import AppContext
from kehoach.services.parts import record_part_done


def part_done(
    step: Annotated[str, typer.Argument(help="Mã bước, ví dụ IV.2.results_report.")],
    by: Annotated[str, typer.Option("--by", help="Mã cơ quan phối hợp đã gửi phần việc.")],
    plan: Annotated[str | None, typer.Option("--plan", help="Mã kế hoạch.")] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Thời điểm gửi (mặc định: bây giờ).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Ghi chú.")] = None,
) -> None:
    """Ghi nhận cơ quan phối hợp đã gửi phần việc của mình cho cơ quan chủ trì."""
    moment = parse_moment(at, "--at") if at else None
    now = dt.datetime.now(dt.UTC)
    with AppContext.current().database.transaction() as session:
        row = record_part_done(session, step, by, now, plan_id=plan, at=moment, note=note)
    typer.echo(f"Đã ghi nhận: {by} đã hoàn thành phần việc phối hợp ở bước {row.key}.")


def register(app: typer.Typer) -> None:
    app.command("phan-viec-xong")(part_done)
