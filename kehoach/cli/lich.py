"""`kehoach lich NĂM`: the year's days off and make-up days, each with what decided it."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from kehoach.errors import UserError
from kehoach.services import lookup
from kehoach.services.context import AppContext
from models.calendar import (
    DEFAULT_YEARS,
    WEEKDAY_NAMES,
    CalendarDay,
    CalendarOverrides,
    WorkingCalendar,
    vietnam_calendar,
    year_days,
)

UNCONFIRMED = "chưa đối chiếu được với văn bản"
NO_BASIS = "chưa có văn bản trong tệp lịch (ngày tính theo quy định chung của Bộ luật Lao động)"


def day_text(day: CalendarDay) -> str:
    return f"{WEEKDAY_NAMES[day.day.weekday()]}, {day.day:%d/%m/%Y}"


def basis_lines(day: CalendarDay) -> list[str]:
    if not day.basis:
        return [f"Căn cứ: {NO_BASIS}"]
    lines = [f"Căn cứ: {'; '.join(basis.describe() for basis in day.basis)}."]
    if not day.confirmed:
        lines.append(f"Lưu ý: {UNCONFIRMED}")
    return lines


def year_text(year: int, days: list[CalendarDay]) -> str:
    lines = [f"Lịch nghỉ lễ, Tết và làm bù năm {year} (cơ quan hành chính nhà nước)"]
    for heading, working in (("Ngày nghỉ", False), ("Ngày làm bù", True)):
        listed = [d for d in days if d.working is working]
        lines += ["", f"{heading} ({len(listed)} ngày):"]
        lines += [line for day in listed for line in _day_lines(day)] or ["  (không có)"]
    return "\n".join(lines)


def _day_lines(day: CalendarDay) -> list[str]:
    mark = "" if day.confirmed else " (*)"
    return [f"  {day_text(day)}: {day.name}{mark}", *(f"      {b}" for b in basis_lines(day))]


def day_json(day: CalendarDay) -> dict[str, object]:
    return {
        "day": day.day.isoformat(),
        "weekday": WEEKDAY_NAMES[day.day.weekday()],
        "name": day.name,
        "working": day.working,
        "basis": [basis.describe() for basis in day.basis],
        "basis_confirmed": day.confirmed,
    }


def _calendar(plan_id: str | None) -> tuple[WorkingCalendar, CalendarOverrides]:
    context = AppContext.current()
    national = context.national_calendar or CalendarOverrides()
    if plan_id is None:
        return vietnam_calendar(national), national
    with context.database.transaction() as session:
        plan, calendar = lookup.plan_of(session, lookup.get_plan(session, plan_id))
    return calendar, national.merged(plan.calendar)


def lich_command(
    year: Annotated[int, typer.Argument(help="Năm, ví dụ 2026.")],
    plan: Annotated[
        str | None, typer.Option("--plan", help="Thêm các ngày riêng của kế hoạch này.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="In JSON cho chương trình khác đọc.")
    ] = False,
) -> None:
    """Ngày nghỉ lễ, Tết, nghỉ bù và làm bù của một năm, kèm văn bản quyết định từng ngày."""
    if year not in DEFAULT_YEARS:
        first, last = DEFAULT_YEARS.start, DEFAULT_YEARS.stop - 1
        raise UserError(f"Năm {year} ngoài khoảng có lịch làm việc ({first}–{last}).")
    calendar, declared = _calendar(plan)
    days = year_days(calendar, declared, year)
    if as_json:
        data = {"year": year, "days": [day_json(day) for day in days]}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(year_text(year, days))
    if any(not day.confirmed for day in days):
        typer.echo(f"\n(*) {UNCONFIRMED}: xem lại trước khi dựa vào ngày này.")


def register(app: typer.Typer) -> None:
    app.command("lich")(lich_command)
