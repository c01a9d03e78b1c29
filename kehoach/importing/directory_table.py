"""A province directory as a table (CSV or Excel) with Vietnamese headers, both ways.

`read_directory_table` turns a table a person filled (or exported and edited) into a
validated `Directory`, or raises one UserError listing every problem by row and column;
nothing is written by it. Fields the table has no column for (a leader's `person`,
`escalation_to`) are kept from the existing directory's entry of the same code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from pydantic import ValidationError

from kehoach.errors import UserError
from models.agency_kinds import KIND_LABELS
from models.directory import (
    Directory,
    DirectoryHeader,
    check_directory,
)
from models.plan import Agency, AgencyContact, AgencyGroup, AgencyKind

SHEET_AGENCIES = "Cơ quan"
SHEET_GROUPS = "Nhóm"


class Column(StrEnum):
    CODE = "Mã"
    NAME = "Tên cơ quan"
    SHORT_NAME = "Tên viết tắt"
    KIND = "Loại"
    PARENT = "Cơ quan cấp trên"
    AREA = "Địa bàn"
    GROUPS = "Nhóm"
    CONTACT = "Người liên hệ"
    EMAIL = "Thư điện tử"
    ZALO = "Zalo"
    VALID_FROM = "Hiệu lực từ"
    VALID_TO = "Hiệu lực đến"
    SUCCESSOR = "Cơ quan kế thừa"


REQUIRED = (Column.CODE, Column.NAME, Column.KIND)
GROUP_CODE, GROUP_NAME = "Mã nhóm", "Tên nhóm"
# The field of an Agency each directory check names, and the column it comes from.
FIELD_COLUMNS = {
    "code": Column.CODE,
    "parent": Column.PARENT,
    "successor": Column.SUCCESSOR,
    "valid_to": Column.VALID_TO,
    "groups": Column.GROUPS,
    "escalation_to": Column.CODE,
    "email": Column.EMAIL,
    "zalo": Column.ZALO,
}
_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
_KINDS = {
    **{label.casefold(): kind for kind, label in KIND_LABELS.items()},
    **{kind.value: kind for kind in AgencyKind},
}


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it (the header is row 1)
    cells: dict[str, Any]
    overflow: bool = False  # more cells than headers: a comma inside an unquoted cell


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- Reading the file --------------------------------------------------------------------------


def _table(
    rows: Iterable[Sequence[Any]], where: str, counted: bool = False
) -> tuple[list[str], list[Row]]:
    """`counted`: a CSV row with more cells than headers has a stray separator, even when
    the cells it pushed out are empty (Excel's empty cells are only trailing ones)."""
    iterator = iter(rows)
    headers = [_text(cell) for cell in next(iterator, [])]
    body = [
        Row(
            number,
            dict(zip(headers, values, strict=False)),
            (counted and len(values) > len(headers))
            or any(_text(value) for value in values[len(headers) :]),
        )
        for number, values in enumerate(iterator, start=2)
        if any(_text(value) for value in values)
    ]
    if not any(headers):
        raise UserError(f"{where}: trang không có dòng tiêu đề (Mã, Tên cơ quan, Loại, …).")
    return headers, body


def _csv_rows(path: Path) -> list[list[str]]:
    try:
        # utf-8-sig: Excel writes a byte-order mark at the start of a CSV.
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"Không tìm thấy tệp: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"Không đọc được tệp {path} (cần CSV mã UTF-8): {exc}") from None
    # Excel in Vietnamese locales writes ';' between cells; the header line tells which.
    header = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_sheets(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise UserError(f"Không tìm thấy tệp: {path}") from None
    except Exception as exc:  # openpyxl raises many kinds on a damaged or non-Excel file
        raise UserError(f"Không mở được tệp Excel {path}: {exc}") from None
    sheets = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    book.close()
    return sheets


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[Row]
    groups: dict[str, str]  # group code → name, from the Nhóm sheet or file
    where: str


def read_table(path: Path, groups_file: Path | None = None) -> Table:
    """The agencies' rows and the groups' names of a .csv or .xlsx file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        headers, rows = _table(_csv_rows(path), path.name, counted=True)
        names = (
            _group_names(_table(_csv_rows(groups_file), groups_file.name)) if groups_file else {}
        )
        return Table(headers, rows, names, path.name)
    if suffix in (".xlsx", ".xlsm"):
        sheets = _xlsx_sheets(path)
        main = sheets.get(SHEET_AGENCIES) or next(iter(sheets.values()), [])
        headers, rows = _table(main, f"{path.name}, trang '{SHEET_AGENCIES}'")
        group_sheet = sheets.get(SHEET_GROUPS)
        names = _group_names(_table(group_sheet, SHEET_GROUPS)) if group_sheet else {}
        return Table(headers, rows, names, path.name)
    raise UserError(f"Tệp {path.name}: chỉ nhận tệp .csv hoặc .xlsx.")


def _group_names(table: tuple[list[str], list[Row]]) -> dict[str, str]:
    _, rows = table
    return {
        _text(row.cells.get(GROUP_CODE)): _text(row.cells.get(GROUP_NAME))
        for row in rows
        if _text(row.cells.get(GROUP_CODE))
    }


# --- Rows into a directory ---------------------------------------------------------------------


class _Problems:
    def __init__(self, where: str) -> None:
        self.where = where
        self.items: list[str] = []

    def add(self, row: int, column: str, message: str) -> None:
        self.items.append(f"{self.where}, dòng {row}, cột '{column}': {message}")


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    for form in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(text)


def _codes(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,]", text) if part.strip()]


def _entry(row: Row, problems: _Problems, known: Agency | None) -> dict[str, Any] | None:
    """One agency's fields from its row; None (and the problems noted) when a cell is wrong."""
    cell = {column: _text(row.cells.get(column.value)) for column in Column}
    before = len(problems.items)
    if row.overflow:
        problems.items.append(
            f"{problems.where}, dòng {row.number}: nhiều ô hơn số cột; một ô có dấu phẩy "
            "(như 'Sở, ngành')? Hãy đặt giá trị trong dấu nháy: \"Sở, ngành\""
        )
        return None
    for column in REQUIRED:
        if not cell[column]:
            problems.add(row.number, column, "ô bắt buộc đang để trống")
    for column in (Column.CODE, Column.PARENT, Column.AREA, Column.SUCCESSOR):
        if cell[column] and not _CODE.match(cell[column]):
            problems.add(
                row.number,
                column,
                f"mã '{cell[column]}' chỉ gồm chữ không dấu, số, '_', '-' và bắt đầu bằng chữ",
            )
    kind = _KINDS.get(cell[Column.KIND].casefold())
    if cell[Column.KIND] and kind is None:
        choices = ", ".join(KIND_LABELS.values())
        problems.add(
            row.number, Column.KIND, f"'{cell[Column.KIND]}' không phải loại nào ({choices})"
        )
    dates: dict[str, dt.date | None] = {}
    for column, name in ((Column.VALID_FROM, "valid_from"), (Column.VALID_TO, "valid_to")):
        try:
            dates[name] = _date(row.cells.get(column.value))
        except ValueError:
            problems.add(row.number, column, f"ngày '{cell[column]}' không hợp lệ (dd/mm/yyyy)")
    if len(problems.items) > before:
        return None
    return _fields(cell, kind, dates, known)


def _fields(
    cell: dict[Column, str],
    kind: AgencyKind | None,
    dates: dict[str, dt.date | None],
    known: Agency | None,
) -> dict[str, Any]:
    contact = AgencyContact(
        **(known.contact.model_dump() if known and known.contact else {}),
    ).model_copy(
        update={
            "name": cell[Column.CONTACT] or None,
            "email": cell[Column.EMAIL] or None,
            "zalo": cell[Column.ZALO] or None,
        }
    )
    kept = known.model_dump(include={"person", "escalation_to"}) if known else {}
    return {
        **kept,
        "code": cell[Column.CODE],
        "name": cell[Column.NAME],
        "short_name": cell[Column.SHORT_NAME] or None,
        "kind": kind,
        "parent": cell[Column.PARENT] or None,
        "area": cell[Column.AREA] or None,
        "groups": _codes(cell[Column.GROUPS]),
        "contact": contact if contact != AgencyContact() else None,
        "successor": cell[Column.SUCCESSOR] or None,
        **dates,
    }


def _header_problems(table: Table) -> Iterator[str]:
    known = {column.value for column in Column}
    for header in table.headers:
        if header and header not in known:
            yield f"{table.where}: cột '{header}' không có trong mẫu danh bạ"
    for column in REQUIRED:
        if column.value not in table.headers:
            yield f"{table.where}: thiếu cột '{column.value}'"


def build_directory(
    table: Table, directory_id: str, existing: Directory | None, name: str | None = None
) -> Directory:
    """The directory the table describes, or a UserError listing every problem found."""
    header_problems = list(_header_problems(table))
    if header_problems:
        raise _error(header_problems)
    problems = _Problems(table.where)
    known = existing.by_code() if existing else {}
    entries: list[tuple[Row, dict[str, Any]]] = []
    first_row: dict[str, int] = {}
    for row in table.rows:
        entry = _entry(row, problems, known.get(_text(row.cells.get(Column.CODE.value))))
        if entry is None:
            continue
        if entry["code"] in first_row:
            problems.add(
                row.number,
                Column.CODE,
                f"mã '{entry['code']}' đã có ở dòng {first_row[entry['code']]}",
            )
            continue
        first_row[entry["code"]] = row.number
        entries.append((row, entry))
    if not entries and not problems.items:
        problems.items.append(f"{table.where}: không có dòng cơ quan nào")
    groups = _groups(entries, table.groups, existing, problems)
    if problems.items:
        raise _error(problems.items)
    title = name or (existing.directory.name if existing else f"Danh bạ cơ quan {directory_id}")
    return _validated(directory_id, title, entries, groups, problems)


def _groups(
    entries: list[tuple[Row, dict[str, Any]]],
    names: dict[str, str],
    existing: Directory | None,
    problems: _Problems,
) -> list[AgencyGroup]:
    known = {g.code: g.name for g in existing.groups} if existing else {}
    known.update(names)
    used: dict[str, None] = {}
    for row, entry in entries:
        for code in entry["groups"]:
            if code not in known:
                problems.add(
                    row.number,
                    Column.GROUPS,
                    f"nhóm '{code}' chưa có tên: thêm vào trang '{SHEET_GROUPS}' (Mã nhóm, "
                    "Tên nhóm) hoặc tệp nhóm (--nhom)",
                )
            used[code] = None
    order = [*known, *used]
    return [AgencyGroup(code=c, name=known[c]) for c in dict.fromkeys(order) if c in known]


def _validated(
    directory_id: str,
    name: str,
    entries: list[tuple[Row, dict[str, Any]]],
    groups: list[AgencyGroup],
    problems: _Problems,
) -> Directory:
    try:
        directory = Directory(
            directory=DirectoryHeader(id=directory_id, name=name),
            groups=groups,
            agencies=[Agency.model_validate(entry) for _, entry in entries],
        )
    except ValidationError as exc:
        raise UserError(
            f"Danh bạ '{directory_id}' không hợp lệ: {exc.errors()[0]['msg']}"
        ) from None
    for issue in check_directory(directory):
        index, field = (
            int(issue.path[1]),
            str(issue.path[-1] if issue.path[2] == "contact" else issue.path[2]),
        )
        problems.add(entries[index][0].number, FIELD_COLUMNS.get(field, field), issue.message)
    if problems.items:
        raise _error(problems.items)
    return directory


def _error(problems: list[str]) -> UserError:
    lines = "\n".join(f"  {problem}" for problem in problems)
    return UserError(f"Bảng danh bạ có {len(problems)} lỗi, chưa ghi gì:\n{lines}")


# --- Writing the table ---------------------------------------------------------------------------


def _row(agency: Agency) -> list[str]:
    contact = agency.contact or AgencyContact()
    return [
        agency.code,
        agency.name,
        agency.short_name or "",
        KIND_LABELS[agency.kind],
        agency.parent or "",
        agency.area or "",
        "; ".join(agency.groups),
        contact.name or "",
        contact.email or "",
        contact.zalo or "",
        f"{agency.valid_from:%d/%m/%Y}" if agency.valid_from else "",
        f"{agency.valid_to:%d/%m/%Y}" if agency.valid_to else "",
        agency.successor or "",
    ]


def write_table(directory: Directory, path: Path) -> None:
    """The directory as a .csv (agencies only) or .xlsx (sheets Cơ quan and Nhóm) file."""
    headers = [column.value for column in Column]
    rows = [_row(agency) for agency in directory.agencies]
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            csv.writer(file).writerows([headers, *rows])
        return
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"Tệp {path.name}: chỉ xuất ra tệp .csv hoặc .xlsx.")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_AGENCIES
    for values in (headers, *rows):
        sheet.append(values)
    groups = book.create_sheet(SHEET_GROUPS)
    groups.append([GROUP_CODE, GROUP_NAME])
    for group in directory.groups:
        groups.append([group.code, group.name])
    book.save(path)
