"""`kehoach phan-viec-xong STEP --by AGENCY`: a cooperating agency has provided its part.

From then on that agency is no longer asked for its part of the step; the lead and the
other cooperators are reminded as before.
"""

from __future__ import annotations

from typing import Annotated

import typer

from kehoach.cli.agencies import agency_code
from kehoach.clock import now_utc
from kehoach.present import answers
from kehoach.present.dates import parse_moment
from kehoach.services import lookup
from kehoach.services.context import AppContext
from kehoach.services.parts import record_part_done
from models.plan import Plan


def agency_label(plan: Plan, code: str) -> str:
    agency = next(a for a in plan.agencies if a.code == code)
    return agency.short_name or agency.name


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
    with AppContext.current().database.transaction() as session:
        code = agency_code(session, by, plan) or by
        row = record_part_done(session, step, code, now_utc(), plan_id=plan, at=moment, note=note)
        name = agency_label(lookup.plan_of(session, lookup.get_plan(session, row.plan_id))[0], code)
    typer.echo(answers.part_done(name, row))


def register(app: typer.Typer) -> None:
    app.command("phan-viec-xong")(part_done)
