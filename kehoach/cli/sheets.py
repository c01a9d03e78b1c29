"""`kehoach mau` (the empty plan workbook) and `kehoach nhap` (a filled one → the plan file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kehoach.clock import now_utc
from kehoach.errors import UserError
from kehoach.importing.sheet_plan import convert, write_plan
from kehoach.importing.sheet_template import write_template
from kehoach.present.tables import load_summary
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.store.directoryfile import find_directory_file, load_directory_file
from models.directory import Directory
from models.timeutil import local_day

PlanFileOption = Annotated[
    Path | None,
    typer.Option("--ke-hoach", help="Tệp kế hoạch (YAML) lấy danh sách cơ quan, nhóm cơ quan."),
]
DirectoryOption = Annotated[
    str | None,
    typer.Option(
        "--danh-ba", help="Danh bạ cơ quan của tỉnh: mã (ví dụ ninh-thuan-2024) hoặc tệp."
    ),
]


def mau(
    file: Annotated[Path, typer.Argument(help="Tệp mẫu sẽ ghi: .xlsx (đủ các trang) hoặc .csv.")],
    plan_file: PlanFileOption = None,
    directory: DirectoryOption = None,
) -> None:
    """Ghi bảng tính mẫu (trống) để lập kế hoạch, có danh sách chọn cơ quan và thời hạn."""
    if directory is not None and plan_file is not None:
        raise UserError("Chỉ ghi một trong hai: --ke-hoach hoặc --danh-ba.")
    if directory is not None:
        write_template(file, _directory_today(directory))
    else:
        plan = AppContext.current().load_plan_file(plan_file).plan if plan_file else None
        write_template(file, plan)
    typer.echo(f"Đã ghi bảng tính mẫu {file}. Điền các trang rồi nhập bằng: kehoach nhap {file}")


def _directory_today(reference: str) -> Directory:
    """The directory named (an id or a file), with only the agencies in existence today."""
    path = Path(reference)
    found = path if path.suffix in (".yaml", ".yml") else find_directory_file(reference)
    directory = load_directory_file(found).directory
    today = local_day(now_utc())
    current = [a for a in directory.agencies if a.valid_to is None or a.valid_to >= today]
    return directory.model_copy(update={"agencies": current})


def nhap(
    file: Annotated[Path, typer.Argument(help="Bảng tính đã điền (.xlsx, hoặc .csv).")],
    output: Annotated[
        Path | None, typer.Option("--ra", help="Tệp kế hoạch sẽ ghi (mặc định: cùng tên, .yaml).")
    ] = None,
    plan_file: PlanFileOption = None,
    load_it: Annotated[
        bool, typer.Option("--nap", help="Nạp luôn vào hệ thống (như kehoach load).")
    ] = False,
) -> None:
    """Nhập kế hoạch từ bảng tính: ghi tệp kế hoạch, hoặc liệt kê lỗi theo trang, dòng, cột."""
    context = AppContext.current()
    target = output or file.with_suffix(".yaml")
    if target.resolve() == (plan_file.resolve() if plan_file else None):
        raise UserError("Tệp ghi ra (--ra) phải khác tệp kế hoạch --ke-hoach.")
    converted = convert(file, plan_file, context.national_calendar)
    write_plan(converted, target, context.national_calendar)
    loaded = context.load_plan_file(target)
    steps = sum(1 for _ in loaded.plan.all_steps())
    typer.echo(f"Đã ghi tệp kế hoạch {target}: kế hoạch {loaded.plan.plan.id}, {steps} bước.")
    for line in loaded.warnings:
        typer.echo(f"Cảnh báo: {line}")
    if load_it:
        with context.database.transaction() as session:
            typer.echo(load_summary(load_plan(session, loaded, now_utc())))


def register(app: typer.Typer) -> None:
    app.command("mau")(mau)
    app.command("nhap")(nhap)
