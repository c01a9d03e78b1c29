"""The report's figures as an Excel workbook: per agency, per step, and the history.

Every sheet has its headers on row 1, frozen, with an auto filter and columns wide enough to
read; dates are real dates shown dd/mm/yyyy, rates real fractions shown as percentages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.reports import texts
from kehoach.reports.record import ReportData
from models.figures import TALLY_LABELS, AgencyFigures, total
from models.timeutil import VIETNAM

DATE_FORMAT = "DD/MM/YYYY"
MOMENT_FORMAT = "HH:MM DD/MM/YYYY"
RATE_FORMAT = "0.0%"
STEP_HEADERS = [
    "Nhiệm vụ",
    "Nội dung công việc",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Hạn",
    "Gia hạn đến",
    "Tình trạng",
    "Phân loại",
    "Ngày hoàn thành",
    "Số ngày làm việc quá hạn",
]
HISTORY_HEADERS = ["Thời điểm", "Nội dung công việc", "Cơ quan chủ trì", "Sự việc", "Người ghi"]
HISTORY_HEADERS += ["Trạng thái", "Ghi chú"]
STEP_SHEET = "Các bước"
FIGURE_SHEET = "Thống kê theo cơ quan"
HISTORY_SHEET = "Lịch sử"


def write_workbook(data: ReportData, path: Path) -> Path:
    book = Workbook()
    figures_sheet(book.active, data.figures(), data.agency_name)
    _sheet(book.create_sheet(STEP_SHEET), STEP_HEADERS, _step_rows(data))
    _sheet(book.create_sheet(HISTORY_SHEET), HISTORY_HEADERS, _history_rows(data))
    book.save(path)
    return path


def write_figures_workbook(figures: list[AgencyFigures], names: dict[str, str], path: Path) -> Path:
    book = Workbook()
    figures_sheet(book.active, figures, lambda code: names.get(code, code))
    book.save(path)
    return path


def figures_sheet(sheet: Worksheet, figures: list[AgencyFigures], name: Any) -> None:
    sheet.title = FIGURE_SHEET
    rows = [_figure_row(str(i), name(f.agency), f) for i, f in enumerate(figures, 1)]
    _sheet(sheet, texts.FIGURE_HEADERS, [*rows, _figure_row("", "Tổng cộng", total(figures))])
    for (cell,) in sheet.iter_rows(min_row=2, min_col=8, max_col=8):
        cell.number_format = RATE_FORMAT


def _figure_row(number: str, name: str, figures: AgencyFigures) -> list[Any]:
    counts = [figures.assigned, figures.done_on_time, figures.done_late]
    return [number, name, *counts, figures.open_in_time, figures.open_overdue, figures.on_time_rate]


def _step_rows(data: ReportData) -> list[list[Any]]:
    return [
        [
            s.responsibility,
            s.title,
            data.agency_name(s.lead),
            "; ".join(data.agency_name(c) for c in s.cooperating),
            s.deadline,
            s.extended_to,
            s.status[:1].upper() + s.status[1:],
            TALLY_LABELS[s.tally] if s.tally else "Không phát sinh",
            s.completed_on,
            s.working_days_late or None,
        ]
        for s in data.steps
    ]


def _history_rows(data: ReportData) -> list[list[Any]]:
    return [
        [
            h.at.astimezone(VIETNAM).replace(tzinfo=None),
            h.step,
            data.agency_name(h.lead) if h.lead else "",
            h.what[:1].upper() + h.what[1:],
            data.agency_name(h.actor),
            h.status,
            h.note,
        ]
        for h in data.history
    ]


def _sheet(sheet: Worksheet, headers: list[str], rows: Sequence[Sequence[Any]]) -> None:
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _formats_and_widths(sheet)


def _formats_and_widths(sheet: Worksheet) -> None:
    for index, column in enumerate(sheet.iter_cols(), start=1):
        for cell in column[1:]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = MOMENT_FORMAT
            elif isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        longest = max((_width(cell.value) for cell in column), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest, 8), 60)


def _width(value: Any) -> int:
    if isinstance(value, dt.date):
        return 17 if isinstance(value, dt.datetime) else 12
    return len(str(value)) + 2 if value is not None else 0
