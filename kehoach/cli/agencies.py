"""Agencies as people name them: `kehoach co-quan`, and agency arguments by code or name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NamedTuple

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach.errors import UserError
from kehoach.importing.directory_table import build_directory, read_table, write_table
from kehoach.present.tables import console
from kehoach.services import lookup
from kehoach.services.context import AppContext
from kehoach.store.directoryfile import (
    default_directory_path,
    find_directory_file,
    load_directory_file,
    write_directory_file,
)
from kehoach.store.tables import PlanRow
from models.agency_kinds import KIND_LABELS
from models.plan import Agency, Plan
from models.wording import matching_agencies


class Listed(NamedTuple):
    plan_id: str
    agency: Agency
    groups: list[str]  # the groups' names, as the plan writes them


def loaded_agencies(session: Session, plan_id: str | None) -> list[Listed]:
    """The agencies of the loaded plans, or of `plan_id` only."""
    rows = [lookup.get_plan(session, plan_id)] if plan_id else _all_plans(session)
    return [item for row in rows for item in _listed(row.id, lookup.plan_of(session, row)[0])]


def _listed(plan_id: str, plan: Plan) -> list[Listed]:
    names = {group.code: group.name for group in plan.groups}
    return [
        Listed(plan_id, agency, [names.get(code, code) for code in agency.groups])
        for agency in plan.agencies
    ]


def _all_plans(session: Session) -> list[PlanRow]:
    return list(session.scalars(select(PlanRow).order_by(PlanRow.id)))


def agency_code(session: Session, text: str | None, plan_id: str | None) -> str | None:
    """The code of the agency `text` names; an unknown name is left for the service to refuse."""
    if text is None:
        return None
    agencies = [item.agency for item in loaded_agencies(session, plan_id)]
    codes = sorted({agency.code for agency in matching_agencies(agencies, text)})
    if len(codes) > 1:
        raise UserError(f"'{text}' ứng với nhiều cơ quan ({', '.join(codes)}); hãy ghi mã cơ quan.")
    return codes[0] if codes else text


def agency_table(listed: list[Listed], several_plans: bool) -> Table:
    table = Table(title="Danh mục cơ quan")
    if several_plans:
        table.add_column("Kế hoạch")
    for heading in ("Mã", "Tên cơ quan", "Tên viết tắt", "Loại", "Nhóm"):
        table.add_column(heading)
    for plan_id, agency, groups in listed:
        cells = [agency.code, agency.name, agency.short_name or "", KIND_LABELS[agency.kind]]
        table.add_row(*([plan_id] if several_plans else []), *cells, "; ".join(groups))
    return table


def agency_json(item: Listed) -> dict[str, object]:
    agency = item.agency
    return {
        "plan": item.plan_id,
        "code": agency.code,
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind.value,
        "kind_label": KIND_LABELS[agency.kind],
        "groups": agency.groups,
        "group_names": item.groups,
        "parent": agency.parent,
        "area": agency.area,
    }


agencies_app = typer.Typer(
    help="Danh mục cơ quan của các kế hoạch đã nạp: mã, tên, tên viết tắt, loại, nhóm; "
    "nhập, xuất danh bạ cơ quan của tỉnh.",
    invoke_without_command=True,
)


@agencies_app.callback()
def co_quan_command(
    context: typer.Context,
    plan: Annotated[str | None, typer.Option("--plan", help="Mã kế hoạch.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="In JSON cho chương trình khác đọc.")
    ] = False,
) -> None:
    """Danh mục cơ quan của các kế hoạch đã nạp: mã, tên, tên viết tắt, loại, nhóm."""
    if context.invoked_subcommand is not None:
        return
    with AppContext.current().database.transaction() as session:
        listed = loaded_agencies(session, plan)
    if as_json:
        data = {"agencies": [agency_json(item) for item in listed]}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif not listed:
        typer.echo("Chưa nạp kế hoạch nào nên chưa có danh mục cơ quan.")
    else:
        several = len({item.plan_id for item in listed}) > 1
        console().print(agency_table(listed, several))


DirectoryId = Annotated[
    str, typer.Option("--danh-ba", help="Mã danh bạ, ví dụ ninh-thuan-2024.", show_default=False)
]


@agencies_app.command("nhap")
def import_command(
    file: Annotated[Path, typer.Argument(help="Tệp .csv hoặc .xlsx, tiêu đề cột tiếng Việt.")],
    directory_id: DirectoryId,
    output: Annotated[
        Path | None,
        typer.Option("--ra", help="Tệp danh bạ ghi ra (mặc định config/directories/<mã>.yaml)."),
    ] = None,
    groups: Annotated[
        Path | None, typer.Option("--nhom", help="Tệp .csv tên các nhóm: Mã nhóm, Tên nhóm.")
    ] = None,
    name: Annotated[
        str | None, typer.Option("--ten", help="Tên danh bạ (mặc định: giữ tên đang có).")
    ] = None,
) -> None:
    """Nhập danh bạ cơ quan từ bảng tính; có lỗi thì không ghi gì."""
    target = output or default_directory_path(directory_id)
    existing = load_directory_file(target).directory if target.is_file() else None
    directory = build_directory(read_table(file, groups), directory_id, existing, name)
    written = write_directory_file(target, directory)
    counts = f"{len(directory.agencies)} cơ quan, {len(directory.groups)} nhóm"
    if written:
        typer.echo(f"Đã ghi danh bạ '{directory_id}' ({counts}) vào tệp {target}.")
    else:
        typer.echo(f"Danh bạ '{directory_id}' không thay đổi ({counts}): {target}.")


@agencies_app.command("xuat")
def export_command(
    file: Annotated[Path, typer.Argument(help="Tệp .csv hoặc .xlsx ghi ra.")],
    directory_id: DirectoryId,
    source: Annotated[
        Path | None,
        typer.Option("--tu", help="Tệp danh bạ (mặc định config/directories/<mã>.yaml)."),
    ] = None,
) -> None:
    """Xuất danh bạ cơ quan ra bảng tính để sửa trong Excel, rồi nhập lại."""
    path = source or find_directory_file(directory_id)
    directory = load_directory_file(path).directory
    write_table(directory, file)
    typer.echo(f"Đã xuất {len(directory.agencies)} cơ quan của danh bạ '{directory_id}' ra {file}.")


def register(app: typer.Typer) -> None:
    app.add_typer(agencies_app, name="co-quan")
