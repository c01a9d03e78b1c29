"""`kehoach bao-cao` (the Word report and its workbook) and `kehoach thi-dua` (emulation)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kehoach.clock import now_utc
from kehoach.errors import UserError
from kehoach.present.dates import parse_date, parse_moment
from kehoach.present.tables import console
from kehoach.reports import record
from kehoach.reports.files import output_folder, report_files, written
from kehoach.reports.workbook import write_figures_workbook
from kehoach.services.context import AppContext
from models.figures import AgencyFigures, PeriodKind, percent_text, total
from models.timeutil import ddmmyyyy

KINDS = ", ".join(k.value for k in PeriodKind)


def _kind(value: str) -> PeriodKind:
    try:
        return PeriodKind(value)
    except ValueError:
        raise UserError(f"Kỳ báo cáo '{value}' không hợp lệ; chọn một trong: {KINDS}.") from None


def bao_cao(
    plan: Annotated[str | None, typer.Option("--plan", help="Mã kế hoạch.")] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Thời điểm chốt số liệu (giờ Việt Nam; mặc định: bây giờ)."),
    ] = None,
    kind: Annotated[
        str, typer.Option("--ky", help=f"Kỳ báo cáo: {KINDS} (Nghị định 09/2019/NĐ-CP).")
    ] = PeriodKind.WEEK.value,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Thư mục ghi báo cáo (mặc định: thư mục này).")
    ] = Path("."),
) -> None:
    """Báo cáo tiến độ (Word, theo Nghị định 30/2020/NĐ-CP) và bảng số liệu (Excel)."""
    period = _kind(kind)
    moment = parse_moment(as_of, "--as-of") if as_of else now_utc()
    with AppContext.current().database.transaction() as session:
        data = record.plan_report(session, plan, moment, period)
    files = report_files(data, output)
    typer.echo(f"Đã ghi báo cáo: {files.document}\nĐã ghi bảng số liệu: {files.workbook}")


def thi_dua(
    start: Annotated[str, typer.Option("--tu", help="Từ ngày (dd/mm/yyyy).")],
    end: Annotated[str, typer.Option("--den", help="Đến ngày (dd/mm/yyyy).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Ghi thêm bảng số liệu Excel ra tệp này.")
    ] = None,
) -> None:
    """Số liệu thi đua theo cơ quan: các nhiệm vụ có hạn trong khoảng thời gian, mọi kế hoạch."""
    first, last = parse_date(start, "--tu"), parse_date(end, "--den")
    if last < first:
        raise UserError(f"Khoảng thời gian không hợp lệ: --den ({ddmmyyyy(last)}) trước --tu.")
    with AppContext.current().database.transaction() as session:
        figures, names = record.period_figures(session, first, last, now_utc())
    title = f"Số liệu thi đua từ ngày {ddmmyyyy(first)} đến ngày {ddmmyyyy(last)}"
    console().print(emulation_table(title, figures, names))
    if output is not None:
        output_folder(output.parent)
        written(output, lambda p: write_figures_workbook(figures, names, p))
        typer.echo(f"Đã ghi bảng số liệu: {output}")


def emulation_table(title: str, figures: list[AgencyFigures], names: dict[str, str]) -> Table:
    table = Table(title=title)
    for header in ("TT", "Cơ quan", "Được giao", "Đúng hạn", "Quá hạn (đã xong)"):
        table.add_column(header)
    for header in ("Trong hạn", "Quá hạn (chưa xong)", "Tỷ lệ đúng hạn"):
        table.add_column(header, justify="right")
    for number, item in enumerate(figures, start=1):
        table.add_row(str(number), names.get(item.agency, item.agency), *_numbers(item))
    table.add_row("", "Tổng cộng", *_numbers(total(figures)))
    return table


def _numbers(item: AgencyFigures) -> list[str]:
    counts = [item.assigned, item.done_on_time, item.done_late, item.open_in_time]
    return [*map(str, counts), str(item.open_overdue), percent_text(item.on_time_rate)]


def register(app: typer.Typer) -> None:
    app.command("bao-cao")(bao_cao)
    app.command("thi-dua")(thi_dua)
