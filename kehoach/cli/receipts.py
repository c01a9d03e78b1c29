"""`kehoach da-nhan` and `kehoach khong-phat-sinh`: a receipt confirmed, a step declared void.

kehoach da-nhan STEP --by RECEIVER          the receiver has the deliverable
kehoach khong-phat-sinh STEP --note LÝ_DO   a conditional step did not arise
"""

from __future__ import annotations

from typing import Annotated

import typer

from kehoach.cli.agencies import agency_code
from kehoach.cli.main import NoteOption, PlanOption, now_utc, unit_of_work
from kehoach.cli.parts import agency_label
from kehoach.present import answers
from kehoach.services import lookup
from kehoach.services.receipts import confirm_receipt, declare_not_applicable

StepArgument = Annotated[str, typer.Argument(help="Mã bước, ví dụ IV.2.award_proposals.")]


def received(
    step: StepArgument,
    by: Annotated[
        str, typer.Option("--by", help="Cơ quan nhận sản phẩm (mã hoặc tên), ví dụ SNV.")
    ],
    plan: PlanOption = None,
    note: NoteOption = None,
) -> None:
    """Ghi nhận cơ quan nhận đã nhận sản phẩm của một bước (xác nhận đã nhận)."""
    with unit_of_work() as session:
        code = agency_code(session, by, plan) or by
        row = confirm_receipt(session, plan, step, code, now_utc(), note)
        name = agency_label(lookup.plan_of(session, lookup.get_plan(session, row.plan_id))[0], code)
        completed = row.completed_at is not None and row.completes_on == "receipt"
    typer.echo(answers.receipt_confirmed(name, row, completed))


def not_applicable(
    step: StepArgument,
    note: Annotated[str, typer.Option("--note", help="Lý do không phát sinh (bắt buộc).")],
    plan: PlanOption = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Cơ quan chủ trì báo (mặc định: cơ quan điều phối)."),
    ] = None,
) -> None:
    """Báo một nhiệm vụ “khi cần thiết”, “nếu có” là không phát sinh, có ghi lý do."""
    with unit_of_work() as session:
        code = agency_code(session, by, plan)
        row = declare_not_applicable(session, plan, step, code, now_utc(), note)
    typer.echo(answers.not_applicable_declared(row, note.strip()))


def register(app: typer.Typer) -> None:
    app.command("da-nhan")(received)
    app.command("khong-phat-sinh")(not_applicable)
