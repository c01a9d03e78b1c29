"""Agencies as people name them: `kehoach co-quan`, and agency arguments by code or name."""

from __future__ import annotations

import json
from typing import Annotated, NamedTuple

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach.errors import UserError
from kehoach.present.tables import console
from kehoach.services import lookup
from kehoach.services.context import AppContext
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
    }


def co_quan_command(
    plan: Annotated[str | None, typer.Option("--plan", help="Mã kế hoạch.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="In JSON cho chương trình khác đọc.")
    ] = False,
) -> None:
    """Danh mục cơ quan của các kế hoạch đã nạp: mã, tên, tên viết tắt, loại, nhóm."""
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


def register(app: typer.Typer) -> None:
    app.command("co-quan")(co_quan_command)
