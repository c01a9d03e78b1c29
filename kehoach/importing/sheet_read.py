"""The plan workbook (.xlsx) or the task sheet alone (.csv) as plain rows of cell values.

Problems are collected, never raised one at a time, so the coordinator sees every mistake of
a sheet in one pass: each names the sheet, the row and the column as the spreadsheet shows
them.
"""

from __future__ import annotations

import csv
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.errors import UserError
from kehoach.importing.layout import SHEET_TASKS
from models.wording import fold

EXAMPLE_MARK = "vi du"  # a row whose first cell starts "Ví dụ" is the template's example


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [f"Trang '{self.sheet}'"]
        where += [f"dòng {self.row}"] if self.row else []
        where += [f"cột '{self.column}'"] if self.column else []
        return f"{', '.join(where)}: {self.message}"


class SheetImportError(UserError):
    def __init__(self, file: Path, problems: list[Problem]) -> None:
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(
            f"Chưa nhập được {file.name}: có {len(problems)} lỗi, chưa ghi tệp nào.\n{lines}"
        )
        self.problems = problems


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet numbers it (1 = the header)
    cells: dict[str, Any]  # header → value

    def get(self, column: str) -> Any:
        return self.cells.get(column)


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: list[Row]
    merged: list[tuple[int, int, str]] = field(default_factory=list)  # first row, last, column

    def missing_headers(self, wanted: tuple[str, ...]) -> list[str]:
        present = {fold(h) for h in self.headers}
        return [h for h in wanted if fold(h) not in present]


def read_workbook(path: Path) -> dict[str, Sheet]:
    """Every sheet of an .xlsx file, or the task sheet of a .csv file."""
    if path.suffix.lower() == ".csv":
        return {SHEET_TASKS: _csv_sheet(path)}
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"Tệp {path.name}: chỉ nhập được bảng tính .xlsx hoặc .csv.")
    try:
        book = load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise UserError(f"Không tìm thấy tệp bảng tính: {path}") from None
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise UserError(
            f"Không đọc được bảng tính {path.name}: tệp không phải bảng tính .xlsx hoặc đã "
            "hỏng; mở tệp bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx."
        ) from None
    return {sheet.title: _sheet(sheet) for sheet in book.worksheets}


def _sheet(sheet: Worksheet) -> Sheet:
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    headers = [_header(v) for v in (values[0] if values else [])]
    merged = [
        (m.min_row, m.max_row, headers[m.min_col - 1] if m.min_col <= len(headers) else "")
        for m in sheet.merged_cells.ranges
    ]
    return Sheet(sheet.title, headers, _rows(headers, values[1:]), merged)


def column_name(headers: list[str], index: int) -> str:
    return (
        headers[index] if index < len(headers) and headers[index] else get_column_letter(index + 1)
    )


def _header(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _rows(headers: list[str], values: list[list[Any]]) -> list[Row]:
    rows = []
    for number, cells in enumerate(values, start=2):
        if all(_blank(v) for v in cells) or _is_example(cells):
            continue
        rows.append(Row(number, {h: v for h, v in zip(headers, cells, strict=False) if h}))
    return rows


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_example(cells: list[Any]) -> bool:
    return bool(cells) and fold(str(cells[0] or "")).startswith(EXAMPLE_MARK)


def _csv_sheet(path: Path) -> Sheet:
    try:
        # utf-8-sig: Excel writes a byte-order mark in front of a UTF-8 CSV.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            values: list[list[Any]] = list(csv.reader(handle, _dialect(path)))
    except FileNotFoundError:
        raise UserError(f"Không tìm thấy tệp bảng tính: {path}") from None
    except (OSError, UnicodeDecodeError, csv.Error):
        raise UserError(
            f"Không đọc được {path.name}: lưu tệp CSV với bảng mã UTF-8 (CSV UTF-8)."
        ) from None
    headers = [_header(v) for v in (values[0] if values else [])]
    return Sheet(SHEET_TASKS, headers, _rows(headers, values[1:]))


def _dialect(path: Path) -> type[csv.Dialect]:
    # Spreadsheets set to Vietnamese write ';' between columns.
    sample = path.read_text(encoding="utf-8-sig")[:4096]
    first = sample.splitlines()[0] if sample else ""
    return _Semicolon if first.count(";") > first.count(",") else csv.excel


class _Semicolon(csv.excel):
    delimiter = ";"
