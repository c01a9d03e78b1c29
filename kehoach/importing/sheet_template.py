"""`kehoach mau`: the empty plan workbook a coordinator fills, in the shared layout.

Headers in Vietnamese, frozen; columns wide enough to read; drop-down lists of the agencies
(of the plan or directory the template is written from), of the deadline forms and of the
event kinds; one example row in grey italics under each header, which the import skips (its
first cell starts "Ví dụ"). The lists live on a hidden sheet so a person cannot break them.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.errors import UserError
from kehoach.importing.layout import (
    AGENCY_COLUMNS,
    EVENT_COLUMNS,
    PLAN_FIELDS,
    SHEET_AGENCIES,
    SHEET_EVENTS,
    SHEET_LISTS,
    SHEET_PLAN,
    SHEET_TASKS,
    TEMPLATE_TASK_COLUMNS,
    DeadlineForm,
    TaskColumn,
)
from kehoach.importing.sheet_directory import GROUP_CODE, GROUP_NAME
from kehoach.importing.sheet_import import EVENT_KINDS
from models.agency_kinds import KIND_LABELS
from models.plan import Agency, AgencyGroup

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_EXAMPLE_FONT = Font(italic=True, color="808080")
_WRAP = Alignment(wrap_text=True, vertical="top")
_MAX_ROWS = 500  # rows the drop-downs cover

_WIDTHS = {
    TaskColumn.NUMBER: 7,
    TaskColumn.CONTENT: 50,
    TaskColumn.LEAD: 30,
    TaskColumn.COOPERATING: 34,
    TaskColumn.DEADLINE_FORM: 28,
    TaskColumn.DEADLINE: 24,
    TaskColumn.DELIVERABLE: 30,
    TaskColumn.RECEIVER: 26,
    TaskColumn.NOTE: 26,
}

TASK_EXAMPLE = (
    "Ví dụ",
    "Xây dựng chương trình hội nghị (dòng ví dụ: chương trình bỏ qua dòng này)",
    "Sở Lao động – Thương binh và Xã hội",
    "Văn phòng UBND tỉnh; Sở Nội vụ",
    DeadlineForm.BEFORE_EVENT.value,
    "10",
    "Chương trình hội nghị",
    "UBND tỉnh",
    "STT 1, 2 là nhiệm vụ; 1.1, 1.2 là các bước của nhiệm vụ 1",
)
EVENT_EXAMPLE = (
    "Ví dụ",
    EVENT_KINDS["hoi_nghi"],
    "Hội nghị sơ kết",
    "25/04/2024",
    "",
    "08:00",
    "Hội trường UBND tỉnh",
    "Không",
)
AGENCY_EXAMPLE = ("Ví dụ", "Sở Tài chính", "STC", KIND_LABELS[next(iter(KIND_LABELS))], "", "")


class AgencyList(Protocol):
    """Where the drop-downs' agencies come from: a plan file or a province directory."""

    @property
    def agencies(self) -> list[Agency]: ...

    @property
    def groups(self) -> list[AgencyGroup]: ...


def write_template(target: Path, plan: AgencyList | None = None) -> None:
    """An empty workbook (.xlsx) or, for .csv, the task sheet's header and example row."""
    suffix = target.suffix.lower()
    if suffix == ".csv":
        _write_csv(target)
    elif suffix == ".xlsx":
        _workbook(plan).save(target)
    else:
        raise UserError(f"Tệp {target.name}: chỉ ghi được mẫu .xlsx hoặc .csv.")


def _write_csv(target: Path) -> None:
    # utf-8-sig: Excel opens a UTF-8 CSV with its accents only when it starts with a BOM.
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(TEMPLATE_TASK_COLUMNS)
        writer.writerow(TASK_EXAMPLE)


def _workbook(plan: AgencyList | None) -> Workbook:
    book = Workbook()
    _plan_sheet(book.active)
    _table(book.create_sheet(SHEET_EVENTS), EVENT_COLUMNS, EVENT_EXAMPLE, 22)
    _table(book.create_sheet(SHEET_AGENCIES), AGENCY_COLUMNS, AGENCY_EXAMPLE, 28)
    tasks = book.create_sheet(SHEET_TASKS)
    _table(tasks, TEMPLATE_TASK_COLUMNS, TASK_EXAMPLE, 20)
    for column, width in _WIDTHS.items():
        tasks.column_dimensions[_letter(TEMPLATE_TASK_COLUMNS, column)].width = width
    _as_text(tasks, TEMPLATE_TASK_COLUMNS, (TaskColumn.NUMBER, TaskColumn.DEADLINE))
    _as_text(
        book[SHEET_EVENTS], EVENT_COLUMNS, (EVENT_COLUMNS[3], EVENT_COLUMNS[4], EVENT_COLUMNS[5])
    )
    lists = _lists_sheet(book.create_sheet(SHEET_LISTS), plan)
    _drop_downs(book, lists)
    book.active = book.sheetnames.index(SHEET_TASKS)
    return book


def _as_text(sheet: Worksheet, headers: Sequence[str], columns: Sequence[str]) -> None:
    # Typed as text, "1.10" stays STT 1.10 (not the number 1.1) and 05/04/2024 stays
    # 5 April whatever the computer's date settings; the import reads both forms.
    for header in columns:
        sheet.column_dimensions[_letter(headers, header)].number_format = "@"


def _plan_sheet(sheet: Worksheet) -> None:
    sheet.title = SHEET_PLAN
    _header(sheet, ("Thông tin", "Nội dung"))
    for row, (label, _) in enumerate(PLAN_FIELDS, start=2):
        sheet.cell(row, 1, label).font = _HEADER_FONT
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["B"].number_format = "@"


def _table(sheet: Worksheet, headers: Sequence[str], example: Sequence[str], width: int) -> None:
    _header(sheet, headers)
    for index, value in enumerate(example, start=1):
        cell = sheet.cell(2, index, value or None)
        cell.font, cell.alignment = _EXAMPLE_FONT, _WRAP
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _header(sheet: Worksheet, headers: Sequence[str]) -> None:
    for index, title in enumerate(headers, start=1):
        cell = sheet.cell(1, index, title)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
    sheet.freeze_panes = "A2"


def _letter(headers: Sequence[str], header: str) -> str:
    return get_column_letter(list(headers).index(header) + 1)


# --- The hidden lists -----------------------------------------------------------------------

_CHOICES = "Chọn cơ quan"
_FORMS = "Hình thức thời hạn"
_KINDS = "Loại sự kiện"
_AGENCY_KINDS = "Loại cơ quan"
_YES_NO = "Có/Không"
LIST_COLUMNS = (
    *AGENCY_COLUMNS,
    GROUP_CODE,
    GROUP_NAME,
    _CHOICES,
    _FORMS,
    _KINDS,
    _AGENCY_KINDS,
    _YES_NO,
)


def _lists_sheet(sheet: Worksheet, plan: AgencyList | None) -> dict[str, str]:
    """Writes the lists; returns each list's cell range for the drop-downs."""
    _header(sheet, LIST_COLUMNS)
    columns: dict[str, list[Any]] = {
        _FORMS: [form.value for form in DeadlineForm],
        _KINDS: list(EVENT_KINDS.values()),
        _AGENCY_KINDS: list(KIND_LABELS.values()),
        _YES_NO: ["Có", "Không"],
    }
    if plan is not None:
        columns |= _directory_columns(plan)
    for header, values in columns.items():
        index = LIST_COLUMNS.index(header) + 1
        for row, value in enumerate(values, start=2):
            sheet.cell(row, index, value)
    sheet.sheet_state = "hidden"
    return {h: _range(h, len(v)) for h, v in columns.items() if v}


def _directory_columns(plan: AgencyList) -> dict[str, list[Any]]:
    names = {group.code: group.name for group in plan.groups}
    agencies = plan.agencies
    return {
        AGENCY_COLUMNS[0]: [a.code for a in agencies],
        AGENCY_COLUMNS[1]: [a.name for a in agencies],
        AGENCY_COLUMNS[2]: [a.short_name or "" for a in agencies],
        AGENCY_COLUMNS[3]: [KIND_LABELS[a.kind] for a in agencies],
        AGENCY_COLUMNS[4]: ["; ".join(names.get(g, g) for g in a.groups) for a in agencies],
        AGENCY_COLUMNS[5]: [a.parent or "" for a in agencies],
        GROUP_CODE: [g.code for g in plan.groups],
        GROUP_NAME: [g.name for g in plan.groups],
        # Leads and cooperating agencies are chosen by name; a group leads one copy per member.
        _CHOICES: [a.name for a in agencies] + [g.name for g in plan.groups],
    }


def _range(header: str, count: int) -> str:
    letter = get_column_letter(LIST_COLUMNS.index(header) + 1)
    return f"'{SHEET_LISTS}'!${letter}$2:${letter}${count + 1}"


def _drop_downs(book: Workbook, lists: dict[str, str]) -> None:
    tasks, events, agencies = book[SHEET_TASKS], book[SHEET_EVENTS], book[SHEET_AGENCIES]
    _choose(tasks, TEMPLATE_TASK_COLUMNS, TaskColumn.DEADLINE_FORM, lists[_FORMS], strict=True)
    _choose(events, EVENT_COLUMNS, EVENT_COLUMNS[1], lists[_KINDS], strict=True)
    _choose(events, EVENT_COLUMNS, EVENT_COLUMNS[7], lists[_YES_NO], strict=True)
    _choose(agencies, AGENCY_COLUMNS, AGENCY_COLUMNS[3], lists[_AGENCY_KINDS], strict=True)
    if _CHOICES in lists:
        # Not strict: a cell may list several agencies ("A; B") or one of the plan's own.
        for column in (TaskColumn.LEAD, TaskColumn.COOPERATING, TaskColumn.RECEIVER):
            _choose(tasks, TEMPLATE_TASK_COLUMNS, column, lists[_CHOICES], strict=False)


def _choose(
    sheet: Worksheet, headers: Sequence[str], header: str, source: str, strict: bool
) -> None:
    rule = DataValidation(type="list", formula1=source, allow_blank=True)
    rule.showErrorMessage = strict
    rule.errorTitle, rule.error = (
        "Giá trị không có trong danh sách",
        "Chọn một giá trị trong danh sách.",
    )
    letter = _letter(headers, header)
    rule.add(f"{letter}2:{letter}{_MAX_ROWS}")
    sheet.add_data_validation(rule)
