"""A workbook in, a plan file out: read, map, validate against the plan schema with every
problem pointed back at its sheet, row and column, then the YAML text (the stored form)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kehoach.errors import UserError
from kehoach.importing.layout import SHEET_PLAN, TaskColumn
from kehoach.importing.sheet_directory import Directory, from_plan
from kehoach.importing.sheet_import import Imported, import_sheets
from kehoach.importing.sheet_read import Problem, SheetImportError, read_workbook
from kehoach.store.planfile import error_message, load_plan_file, parse_checked_yaml, plan_calendar
from models.calendar import CalendarOverrides
from models.plan import Plan
from models.plan_rules import check_plan

# The column a field of a step is written in.
_STEP_COLUMNS = {
    "title": TaskColumn.CONTENT,
    "lead": TaskColumn.LEAD,
    "fan_out": TaskColumn.LEAD,
    "cooperating": TaskColumn.COOPERATING,
    "deliverable": TaskColumn.DELIVERABLE,
    "receivers": TaskColumn.RECEIVER,
    "note": TaskColumn.NOTE,
    "deadline": TaskColumn.DEADLINE,
    "recurrence": TaskColumn.DEADLINE,
    "ongoing": TaskColumn.DEADLINE,
    "depends_on": TaskColumn.DEADLINE,
    "responsible": TaskColumn.LEAD,
}


@dataclass(frozen=True)
class Converted:
    data: dict[str, Any]
    text: str  # the plan file as written


def convert(
    source: Path, base: Path | None = None, national: CalendarOverrides | None = None
) -> Converted:
    """The plan file of a workbook (or of a CSV task sheet over the `base` plan file)."""
    sheets = read_workbook(source)
    base_data, directory = _base(source, base)
    imported, problems = import_sheets(sheets, directory, base_data)
    if problems:
        raise SheetImportError(source, problems)
    problems = validation_problems(imported, national)
    if problems:
        raise SheetImportError(source, problems)
    return Converted(imported.data, plan_text(imported.data, source))


def _base(source: Path, base: Path | None) -> tuple[dict[str, Any] | None, Directory]:
    """The base plan's data (only for a CSV task sheet: it stands in for the other sheets)
    and the agencies to match names against (for a workbook: the base plan's full records,
    ahead of the copies on its hidden list sheet)."""
    csv = source.suffix.lower() == ".csv"
    if base is None:
        if csv:
            raise UserError(
                f"Tệp {source.name} chỉ có trang nhiệm vụ: ghi thêm tệp kế hoạch đã có "
                "(--ke-hoach TỆP.yaml) để lấy thông tin chung, sự kiện và cơ quan."
            )
        return None, Directory()
    loaded = load_plan_file(base)
    data, _ = parse_checked_yaml(base, base.read_text(encoding="utf-8"))
    return (data if csv else None), from_plan(loaded.plan)


def validation_problems(imported: Imported, national: CalendarOverrides | None) -> list[Problem]:
    """The plan schema's and the whole-plan rules' objections, located in the workbook."""
    try:
        plan = Plan.model_validate(imported.data)
    except ValidationError as exc:
        return [_locate(imported, tuple(e["loc"]), error_message(e)) for e in exc.errors()]
    issues = check_plan(plan, plan_calendar(plan, national))
    return [_locate(imported, issue.path, issue.message) for issue in issues]


def _locate(imported: Imported, path: tuple[str | int, ...], message: str) -> Problem:
    for end in range(len(path), 0, -1):
        origin = imported.origins.get(path[:end])
        if origin:
            sheet, row = origin
            rest = path[end:]
            field = rest[0] if rest and isinstance(rest[0], str) else None
            column = _STEP_COLUMNS.get(field) if field and sheet != SHEET_PLAN else None
            return Problem(sheet, row, column, message)
    return Problem(SHEET_PLAN, None, None, message)


def plan_text(data: dict[str, Any], source: Path) -> str:
    header = (
        f"# Tệp kế hoạch tạo từ bảng tính {source.name} (kehoach nhap).\n"
        "# Sửa bảng tính rồi nhập lại; tiến độ đã ghi được giữ nguyên khi nạp.\n"
    )
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def write_plan(converted: Converted, target: Path, national: CalendarOverrides | None) -> None:
    """Writes the plan file only once it loads as `kehoach load` will load it."""
    scratch = target.with_name(f".{target.name}.nhap")
    scratch.write_text(converted.text, encoding="utf-8")
    try:
        load_plan_file(scratch, national)
    except UserError:
        scratch.unlink()
        raise
    scratch.replace(target)
