"""The review sheet: a draft written in the import layout for the coordinator to correct.

Every assignment row carries the sentence it came from; every cell the reader is not sure of
is filled yellow with a comment saying why, in Vietnamese. The file is the same workbook the
template has (layout.py), so the corrected sheet is imported like one filled by hand.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.importing.agency_match import AgencyMatcher, DirectoryEntry, Mention
from kehoach.importing.draft import Assignment, Cell, Draft, EventGuess, Identity
from kehoach.importing.layout import (
    AGENCY_COLUMNS,
    AGENCY_KINDS,
    EVENT_COLUMNS,
    LEGAL_BASIS_LABEL,
    LIST_SEPARATOR,
    PLAN_FIELDS,
    SHEET_AGENCIES,
    SHEET_EVENTS,
    SHEET_LISTS,
    SHEET_PLAN,
    SHEET_TASKS,
    TASK_COLUMNS,
    DeadlineForm,
    TaskColumn,
)

PLAN_HEADERS = ("Thông tin", "Nội dung")
# The hidden list sheet's columns, as the template (kehoach/importing/sheet_template.py) writes
# them: the import reads the directory's agencies and groups from here.
GROUP_CODE, GROUP_NAME = "Mã nhóm", "Tên nhóm"
CHOICES, FORMS, EVENT_KIND_LIST = "Chọn cơ quan", "Hình thức thời hạn", "Loại sự kiện"
AGENCY_KIND_LIST, YES_NO = "Loại cơ quan", "Có/Không"
LIST_COLUMNS = (*AGENCY_COLUMNS, GROUP_CODE, GROUP_NAME, CHOICES, FORMS, EVENT_KIND_LIST,
                AGENCY_KIND_LIST, YES_NO)  # fmt: skip
CHECK_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FONT = Font(bold=True)
AUTHOR = "kehoach"
WIDTHS = {TaskColumn.CONTENT: 50, TaskColumn.SOURCE: 70, TaskColumn.LEAD: 30}
NOT_IN_DIRECTORY = "Chưa có trong danh bạ cơ quan: cần thêm mã, loại, nhóm hoặc chọn cơ quan đúng."


@dataclass(frozen=True)
class ReviewSummary:
    assignments: int
    cells_to_check: int


def write_review(draft: Draft, matcher: AgencyMatcher, path: Path) -> ReviewSummary:
    """Writes the review workbook to `path` whole, or not at all."""
    book = Workbook()
    book.remove(book.active)
    checks = _plan_sheet(book.create_sheet(SHEET_PLAN), draft.identity)
    checks += _events_sheet(book.create_sheet(SHEET_EVENTS), draft.events)
    checks += _agencies_sheet(book.create_sheet(SHEET_AGENCIES), draft, matcher)
    tasks = book.create_sheet(SHEET_TASKS)
    rows = [one for assignment in draft.assignments for one in one_lead_each(assignment, matcher)]
    checks += _tasks_sheet(tasks, rows, matcher)
    _lists(book.create_sheet(SHEET_LISTS), tasks, matcher, len(rows))
    book.active = book.sheetnames.index(SHEET_TASKS)
    _save(book, path)
    return ReviewSummary(len(rows), checks)


def _save(book: Workbook, path: Path) -> None:
    handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        book.save(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _header(sheet: Worksheet, columns: Iterable[str]) -> None:
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = HEADER_FONT
    sheet.freeze_panes = "A2"


def _put(sheet: Worksheet, row: int, column: int, cell: Cell) -> int:
    """Writes one cell; a doubtful one is filled and commented. Returns 1 if doubtful."""
    target = sheet.cell(row=row, column=column, value=cell.value or None)
    target.alignment = Alignment(wrap_text=True, vertical="top")
    if not cell.needs_check:
        return 0
    target.fill = CHECK_FILL
    target.comment = Comment(cell.reason or "Cần kiểm tra.", AUTHOR, width=300, height=120)
    return 1


def _plan_sheet(sheet: Worksheet, identity: Identity) -> int:
    cells = identity_cells(identity)
    checks = 0
    _header(sheet, PLAN_HEADERS)
    for row, (label, field) in enumerate(PLAN_FIELDS, start=2):
        sheet.cell(row=row, column=1, value=label).font = HEADER_FONT
        checks += _put(sheet, row, 2, cells.get(field, Cell("", 1.0)))
    for row, basis in enumerate(identity.legal_bases, start=len(PLAN_FIELDS) + 2):
        sheet.cell(row=row, column=1, value=LEGAL_BASIS_LABEL).font = HEADER_FONT
        sheet.cell(row=row, column=2, value=basis).alignment = Alignment(wrap_text=True)
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 90
    return checks


NO_ID = "Đặt mã ngắn cho kế hoạch (chữ không dấu, gạch nối), ví dụ nt-2024-so-ket."
NO_COORDINATOR = "Ghi cơ quan đầu mối theo dõi kế hoạch (văn bản không tự nêu)."
MISSING = "Văn bản không ghi rõ; cần điền."
BLANK_NUMBER = "Số văn bản để trống (bản dự thảo); điền khi đã có số."


def identity_cells(identity: Identity) -> dict[str, Cell]:
    number_reason = BLANK_NUMBER if identity.number.startswith("/") else MISSING
    return {
        "id": Cell("", 0.0, NO_ID),
        "number": _sure(identity.number, number_reason),
        "title": _sure(identity.title, MISSING),
        "issuer": _sure(identity.issuer, MISSING),
        "place": _sure(identity.place, MISSING),
        "issued": _issued_cell(identity.issued),
        "coordinator": Cell("", 0.0, NO_COORDINATOR),
    }


def _sure(value: str, reason: str) -> Cell:
    complete = bool(value) and not value.startswith("/")
    return Cell(value, 1.0 if complete else 0.0, "" if complete else reason)


def _issued_cell(issued: str) -> Cell:
    if issued.count("/") == 2:
        return Cell(issued, 1.0)
    return Cell(issued, 0.0, "Văn bản chưa ghi đủ ngày ban hành (dd/mm/yyyy); điền khi đã ký.")


def _events_sheet(sheet: Worksheet, events: list[EventGuess]) -> int:
    _header(sheet, EVENT_COLUMNS)
    checks = 0
    for row, event in enumerate(events, start=2):
        cells = [
            Cell("", 0.0, "Đặt mã ngắn cho sự kiện (chữ không dấu), ví dụ hoi_nghi."),
            Cell(event.kind, 1.0 if event.kind else 0.0, "Chọn loại sự kiện."),
            Cell(event.name, 0.7, f"Lấy từ tên kế hoạch; đối chiếu với câu: “{event.source}”"),
            event.date,
            Cell(""),
            Cell(""),
            Cell(event.venue),
            Cell("Có" if event.confirmed else "Chưa"),
        ]
        checks += sum(_put(sheet, row, column, cell) for column, cell in enumerate(cells, 1))
    return checks


def _agencies_sheet(sheet: Worksheet, draft: Draft, matcher: AgencyMatcher) -> int:
    _header(sheet, AGENCY_COLUMNS)
    codes, unknown = _named(draft.assignments)
    for entry in _agencies_of(codes, matcher):
        sheet.append(_agency_row(entry, matcher))
    for text in unknown:
        sheet.append([None, None])
        _put(sheet, sheet.max_row, 2, Cell(text, 0.0, NOT_IN_DIRECTORY))
    return 0


def _agencies_of(codes: list[str], matcher: AgencyMatcher) -> list[DirectoryEntry]:
    """The agencies named, a group standing for all its members, in the directory's order."""
    wanted = set(codes)
    return [
        entry
        for entry in matcher.entries.values()
        if not entry.is_group and (entry.code in wanted or wanted & set(entry.groups))
    ]


def _agency_row(entry: DirectoryEntry, matcher: AgencyMatcher) -> list[str | None]:
    """Names, not codes, wherever a person reads the row (the code has its own column)."""
    groups = [matcher.name_of(g) for g in entry.groups if _is_group(g, matcher)]
    parent = matcher.entries.get(entry.parent or "")
    kind = AGENCY_KINDS.get(entry.kind or "", entry.kind)
    return [entry.code, entry.name, entry.short_name, kind, LIST_SEPARATOR.join(groups) or None,
            parent.name if parent else None]  # fmt: skip


def _is_group(code: str, matcher: AgencyMatcher) -> bool:
    entry = matcher.entries.get(code)
    return entry is not None and entry.is_group


def _named(assignments: list[Assignment]) -> tuple[list[str], list[str]]:
    codes: dict[str, None] = {}
    unknown: dict[str, None] = {}
    for assignment in assignments:
        for mention in [*assignment.lead, *assignment.cooperating, *assignment.receivers]:
            if mention.code:
                codes[mention.code] = None
            elif mention.unknown:
                unknown[mention.text] = None
    return list(codes), list(unknown)


def _tasks_sheet(sheet: Worksheet, assignments: list[Assignment], matcher: AgencyMatcher) -> int:
    _header(sheet, TASK_COLUMNS)
    checks = 0
    for row, assignment in enumerate(assignments, start=2):
        cells = task_cells(assignment, matcher)
        for column, name in enumerate(TASK_COLUMNS, start=1):
            checks += _put(sheet, row, column, cells.get(name, Cell("")))
    for column, name in enumerate(TASK_COLUMNS, start=1):
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.column_dimensions[letter].width = WIDTHS.get(name, 18)
    return checks


def task_cells(assignment: Assignment, matcher: AgencyMatcher) -> dict[TaskColumn, Cell]:
    deadline = assignment.deadline
    lead = _agencies(assignment.lead, matcher, assignment.lead_reason or "Cần chọn cơ quan.")
    cells = {
        TaskColumn.NUMBER: _number_cell(assignment.number),
        TaskColumn.CONTENT: Cell(assignment.content),
        TaskColumn.LEAD: lead,
        TaskColumn.COOPERATING: _agencies(assignment.cooperating, matcher, ""),
        TaskColumn.DEADLINE_FORM: _form_cell(assignment),
        TaskColumn.DEADLINE: Cell(deadline.value, deadline.confidence, deadline.reason)
        if deadline
        else Cell(""),
        TaskColumn.DELIVERABLE: Cell(assignment.deliverable),
        TaskColumn.RECEIVER: _receiver_cell(assignment, matcher),
        TaskColumn.NOTE: Cell(assignment.note),
        TaskColumn.SOURCE: Cell(assignment.source),
    }
    cells[TaskColumn.CONFIDENCE] = Cell(_percent(cells.values()))
    return cells


def _number_cell(number: str) -> Cell:
    if re.fullmatch(r"\d+(?:\.\d+)*", number.rstrip(".")):
        return Cell(number)
    return Cell(
        number, 0.0, "STT phải là số như 1, 2 hoặc 1.1, 1.2 (bước của nhiệm vụ 1); cần sửa."
    )


def _form_cell(assignment: Assignment) -> Cell:
    if assignment.deadline is None:
        return Cell("", 0.0, assignment.deadline_reason)
    return Cell(assignment.deadline.form.value, assignment.deadline.confidence)


def _agencies(mentions: list[Mention], matcher: AgencyMatcher, empty_reason: str) -> Cell:
    if not mentions:
        return Cell("", 0.0 if empty_reason else 1.0, empty_reason)
    names = [matcher.name_of(m.code) if m.code else m.text for m in mentions]
    confidence = min(m.confidence for m in mentions)
    reasons = [m.reason for m in mentions if m.reason]
    return Cell(LIST_SEPARATOR.join(names), confidence, " ".join(dict.fromkeys(reasons)))


def _receiver_cell(assignment: Assignment, matcher: AgencyMatcher) -> Cell:
    receivers = _agencies(assignment.receivers, matcher, "")
    if not assignment.via:
        return receivers
    # The column names receivers only; the office it passes through is told in the comment.
    via = LIST_SEPARATOR.join(m.text for m in assignment.via)
    reason = (
        f"Văn bản ghi gửi qua {via}: nếu sản phẩm nộp cho {via} (để trình tiếp), ghi {via} "
        "vào ô này."
    )
    return Cell(receivers.value, min(receivers.confidence, 0.5), reason)


def one_lead_each(assignment: Assignment, matcher: AgencyMatcher) -> list[Assignment]:
    """One row per lead agency: a step has one lead (or groups, one copy per member), so
    "Báo Ninh Thuận, Đài PT&TH tỉnh tăng cường …" becomes a row for each."""
    agencies = [m for m in assignment.lead if not (m.code and matcher.entries[m.code].is_group)]
    if len(assignment.lead) < 2 or not agencies:
        return [assignment]
    split = "Tách từ một nhiệm vụ giao cho nhiều cơ quan: mỗi cơ quan chủ trì một dòng."
    note = "; ".join(filter(None, [assignment.note, split]))
    return [
        replace(assignment, number=f"{assignment.number}.{index}", lead=[lead], note=note)
        for index, lead in enumerate(assignment.lead, start=1)
    ]


def _percent(cells: Iterable[Cell]) -> str:
    return f"{round(min(cell.confidence for cell in cells) * 100)}%"


def _lists(sheet: Worksheet, tasks: Worksheet, matcher: AgencyMatcher, rows: int) -> None:
    """The hidden lists, laid out as the template's (kehoach mau) so the import reads the
    directory from them: its agencies, its groups, the names to choose, the deadline forms."""
    agencies = [e for e in matcher.entries.values() if not e.is_group]
    groups = [e for e in matcher.entries.values() if e.is_group]
    columns: dict[str, list[str | None]] = {
        **{header: [] for header in LIST_COLUMNS},
        **_agency_columns(agencies, matcher),
        GROUP_CODE: [g.code for g in groups],
        GROUP_NAME: [g.name for g in groups],
        CHOICES: [e.name for e in [*agencies, *groups]],
        FORMS: [form.value for form in DeadlineForm],
        AGENCY_KIND_LIST: list(AGENCY_KINDS.values()),
        YES_NO: ["Có", "Không"],
    }
    _header(sheet, LIST_COLUMNS)
    for index, header in enumerate(LIST_COLUMNS, start=1):
        for row, value in enumerate(columns[header], start=2):
            sheet.cell(row=row, column=index, value=value or None)
    sheet.sheet_state = "hidden"
    last = max(rows + 200, 2)
    _drop_down(tasks, TaskColumn.DEADLINE_FORM, _range(FORMS, len(DeadlineForm)), last, True)
    for column in (TaskColumn.LEAD, TaskColumn.COOPERATING, TaskColumn.RECEIVER):
        if columns[CHOICES]:
            _drop_down(tasks, column, _range(CHOICES, len(columns[CHOICES])), last, False)


def _agency_columns(
    agencies: list[DirectoryEntry], matcher: AgencyMatcher
) -> dict[str, list[str | None]]:
    rows = [_agency_row(entry, matcher) for entry in agencies]
    return {header: [row[i] for row in rows] for i, header in enumerate(AGENCY_COLUMNS)}


def _range(header: str, count: int) -> str:
    letter = get_column_letter(LIST_COLUMNS.index(header) + 1)
    return f"'{SHEET_LISTS}'!${letter}$2:${letter}${count + 1}"


def _drop_down(tasks: Worksheet, column: TaskColumn, source: str, last: int, strict: bool) -> None:
    """A drop-down list; not strict where a cell may hold several names ("A; B")."""
    index = TASK_COLUMNS.index(column) + 1
    letter = tasks.cell(row=1, column=index).column_letter
    validation = DataValidation(
        type="list", formula1=source, allow_blank=True, showErrorMessage=strict
    )
    tasks.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{last}")
