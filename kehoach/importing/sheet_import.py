"""`kehoach nhap`: the plan workbook → the plan file's data, or every problem by sheet, row
and column.

Rows of the task sheet become responsibilities and steps by their STT: "1", "2" are items of
the plan (responsibilities); "1.1", "1.2" (and deeper, "1.2.1") are the steps of item 1. An
item with no sub-rows is its own single step. Ids are the STT itself, so a corrected sheet
imported again keeps every step's id, and loading it keeps its progress.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from kehoach.importing import sheet_values as cell
from kehoach.importing.layout import (
    EVENT_COLUMNS,
    PLAN_FIELDS,
    SHEET_AGENCIES,
    SHEET_EVENTS,
    SHEET_LISTS,
    SHEET_PLAN,
    SHEET_TASKS,
    DeadlineForm,
    TaskColumn,
)
from kehoach.importing.sheet_directory import (
    CODE,
    NAME,
    Directory,
    code_for,
    read_agencies,
    read_groups,
    resolve_parents,
)
from kehoach.importing.sheet_forms import deadline_form, schedule
from kehoach.importing.sheet_read import Problem, Row, Sheet
from models.event_kinds import LABELS as KIND_LABELS_OF_EVENTS
from models.wording import fold

EVENT_KINDS = {kind.value: label for kind, label in KIND_LABELS_OF_EVENTS.items()}
_KIND_CODES = {fold(label): code for code, label in EVENT_KINDS.items()} | {
    fold(code): code for code in EVENT_KINDS
}
_STT = re.compile(r"^\d+(?:\.\d+)*$")
REQUIRED_PLAN = ("id", "title", "issuer", "issued", "coordinator")


@dataclass
class Imported:
    """The plan file's data and, for each of its paths, the sheet row it came from."""

    data: dict[str, Any]
    origins: dict[tuple[str | int, ...], tuple[str, int]] = field(default_factory=dict)


class _Import:
    def __init__(self, sheets: dict[str, Sheet], directory: Directory) -> None:
        self.sheets, self.directory = sheets, directory
        self.problems: list[Problem] = []
        self.origins: dict[tuple[str | int, ...], tuple[str, int]] = {}
        self.used: list[str] = []  # agency and group codes the plan names

    def problem(self, sheet: str, row: Row | int | None, column: str | None, text: str) -> None:
        number = row.number if isinstance(row, Row) else row
        self.problems.append(Problem(sheet, number, column, text))

    def sheet(self, name: str, columns: tuple[str, ...]) -> Sheet | None:
        found = self.sheets.get(name)
        if found is None:
            self.problem(
                name,
                None,
                None,
                "không có trang này trong bảng tính: dùng bảng tính mẫu của chương trình",
            )
            return None
        for header in found.missing_headers(columns):
            self.problem(name, 1, header, "thiếu cột này ở dòng tiêu đề")
        for first, last, column in found.merged:
            rows = f"{first}–{last}" if last > first else str(first)
            self.problem(
                name, first, column or None,
                f"ô bị gộp (dòng {rows}): bỏ gộp ô và ghi giá trị vào từng dòng",
            )  # fmt: skip
        return found

    def resolve(self, sheet: str, row: Row, column: str, written: str) -> tuple[str, str] | None:
        found = self.directory.find(written)
        if found is None:
            self.problem(
                sheet, row, column,
                f"không có cơ quan '{written}' trong danh bạ{self.directory.suggestion(written)}",
            )  # fmt: skip
            return None
        self.used.append(found[1])
        return found


def import_sheets(
    sheets: dict[str, Sheet], directory: Directory, base: dict[str, Any] | None = None
) -> tuple[Imported, list[Problem]]:
    """The plan data of a workbook; `base` (a plan file's data) stands in for the identity,
    event and agency sheets when only the task sheet is given (a .csv file)."""
    job = _Import(sheets, directory)
    if base is None:
        _read_directory(job)
        header, events = _plan_header(job), _events(job)
    else:
        header, events = base["plan"], _base_events(base)
    responsibilities = _responsibilities(job, events)
    data = _assemble(job, base, header, events, responsibilities)
    return Imported(data, job.origins), job.problems


def _read_directory(job: _Import) -> None:
    lists = job.sheets.get(SHEET_LISTS)
    if lists is not None:
        read_groups(job.directory, lists)
        job.problems += read_agencies(job.directory, lists, own=False)
    own = job.sheet(SHEET_AGENCIES, (CODE,))
    if own is not None:
        job.problems += read_agencies(job.directory, own, own=True)
        rows = {_code_of(row): row.number for row in own.rows}
        job.problems += resolve_parents(job.directory, SHEET_AGENCIES, rows)


def _code_of(row: Row) -> str:
    return cell.text(row.get(CODE)) or code_for(cell.text(row.get(NAME)))


# --- The plan's identity ------------------------------------------------------------------


def _plan_header(job: _Import) -> dict[str, Any]:
    sheet = job.sheet(SHEET_PLAN, ())
    if sheet is None:
        return {}
    labels = {fold(label): key for label, key in PLAN_FIELDS}
    values: dict[str, tuple[Row, Any]] = {}
    rows: dict[str, int] = {}
    for row in sheet.rows:
        label, value = [*row.cells.values(), None, None][:2]
        key = labels.get(fold(cell.text(label)))
        if key:
            rows[key] = row.number
        if key and cell.text(value):
            values[key] = (row, value)
            job.origins[("plan", _PLAN_KEYS.get(key, key))] = (SHEET_PLAN, row.number)
    _required_plan_fields(job, values, rows)
    return _header_fields(job, values)


def _required_plan_fields(
    job: _Import, values: dict[str, tuple[Row, Any]], rows: dict[str, int]
) -> None:
    for label, key in PLAN_FIELDS:
        if key in REQUIRED_PLAN and key not in values:
            job.problem(SHEET_PLAN, rows.get(key), _VALUE_COLUMN, f"chưa ghi '{label}' (bắt buộc)")


_PLAN_KEYS = {"period_start": "period", "period_end": "period"}
_VALUE_COLUMN = "Nội dung"


def _header_fields(job: _Import, values: dict[str, tuple[Row, Any]]) -> dict[str, Any]:
    header: dict[str, Any] = {}
    for key in ("id", "number", "title", "issuer", "place", "directory"):
        if key in values:
            header[key] = cell.text(values[key][1])
    issued = _issued(job, *values["issued"]) if "issued" in values else None
    if issued:
        header["issued"] = issued
    if "coordinator" in values:
        row, written = values["coordinator"]
        found = job.resolve(SHEET_PLAN, row, _VALUE_COLUMN, cell.text(written))
        if found:
            header["coordinator"] = found[1]
    period = {
        name: _date(job, SHEET_PLAN, values[key][0], _VALUE_COLUMN, values[key][1])
        for name, key in (("start", "period_start"), ("end", "period_end"))
        if key in values
    }
    if period:
        header["period"] = period  # design v2 (REC: plan.period)
    return header


def _issued(job: _Import, row: Row, value: Any) -> dict[str, int] | None:
    """ "Ngày ban hành" as a full date, a month ("3/2024") or a year, as drafts leave it."""
    written = cell.text(value)
    if re.fullmatch(r"\d{4}", written):
        return {"year": int(written)}
    try:
        day = cell.date(value)
        return {"year": day.year, "month": day.month, "day": day.day}
    except cell.CellError:
        pass
    try:
        year, month = cell.month(value)
        return {"year": year, "month": month}
    except cell.CellError as error:
        job.problem(SHEET_PLAN, row, _VALUE_COLUMN, str(error))
        return None


def _date(job: _Import, sheet: str, row: Row, column: str, value: Any) -> dt.date | None:
    try:
        return cell.date(value)
    except cell.CellError as error:
        job.problem(sheet, row, column, str(error))
        return None


# --- Events --------------------------------------------------------------------------------

EV_CODE, EV_KIND, EV_NAME, EV_DATE, EV_END, EV_TIME, EV_VENUE, EV_CONFIRMED = EVENT_COLUMNS


@dataclass(frozen=True)
class _Event:
    id: str
    kind: str
    name: str
    fields: dict[str, Any]
    row: int | None = None


def _events(job: _Import) -> list[_Event]:
    sheet = job.sheet(SHEET_EVENTS, (EV_NAME, EV_DATE))
    events = [_event(job, row) for row in sheet.rows] if sheet else []
    return [event for event in events if event is not None]


def _event(job: _Import, row: Row) -> _Event | None:
    name = cell.text(row.get(EV_NAME))
    if not name:
        job.problem(SHEET_EVENTS, row, EV_NAME, "chưa ghi tên sự kiện")
        return None
    day = _required_date(job, row, EV_DATE)
    fields: dict[str, Any] = {"name": name}
    if day:
        fields["assumed_date"] = day
        fields |= _tentative_or_confirmed(job, row, day)
    fields |= _event_details(job, row)
    kind = _event_kind(job, row)
    code = cell.text(row.get(EV_CODE)) or code_for(name).lower()
    return _Event(code, kind, name, fields, row.number)


def _required_date(job: _Import, row: Row, column: str) -> dt.date | None:
    if not cell.text(row.get(column)):
        job.problem(SHEET_EVENTS, row, column, "chưa ghi ngày")
        return None
    return _date(job, SHEET_EVENTS, row, column, row.get(column))


def _tentative_or_confirmed(job: _Import, row: Row, day: dt.date) -> dict[str, Any]:
    try:
        confirmed = cell.yes(row.get(EV_CONFIRMED))
    except cell.CellError as error:
        job.problem(SHEET_EVENTS, row, EV_CONFIRMED, str(error))
        confirmed = False
    if confirmed:
        return {"tentative_month": None, "confirmed_date": day}
    return {"tentative_month": f"{day:%Y-%m}"}


def _event_details(job: _Import, row: Row) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if cell.text(row.get(EV_END)):
        details["end_date"] = _date(job, SHEET_EVENTS, row, EV_END, row.get(EV_END))
    if cell.text(row.get(EV_TIME)):
        try:
            details["start_time"] = cell.time(row.get(EV_TIME))
        except cell.CellError as error:
            job.problem(SHEET_EVENTS, row, EV_TIME, str(error))
    if cell.text(row.get(EV_VENUE)):
        details["venue"] = cell.text(row.get(EV_VENUE))
    return details


def _event_kind(job: _Import, row: Row) -> str:
    written = cell.text(row.get(EV_KIND))
    kind = _KIND_CODES.get(fold(written)) if written else "hoi_nghi"
    if kind is None:
        job.problem(
            SHEET_EVENTS, row, EV_KIND,
            f"không có loại sự kiện '{written}'; chọn: {'; '.join(EVENT_KINDS.values())}",
        )  # fmt: skip
        return "hoi_nghi"
    return kind


def _base_events(base: dict[str, Any]) -> list[_Event]:
    if "event" in base:
        return [_Event("main", "hoi_nghi", base["event"]["name"], base["event"])]
    return [
        _Event(e["id"], e.get("kind", "hoi_nghi"), e["name"], e) for e in base.get("events", [])
    ]


def _event_section(events: list[_Event]) -> dict[str, Any]:
    """One conference on one day keeps the v1 form (`event:`, loads with every schema
    version); anything else is the v2 list of events (design v2, EV)."""
    if len(events) == 1 and events[0].kind == "hoi_nghi" and "end_date" not in events[0].fields:
        return {"event": events[0].fields}
    listed = [{"id": e.id, "kind": e.kind, **e.fields} for e in events]
    return {"schema_version": 2, "events": listed}


# --- Tasks ---------------------------------------------------------------------------------

C = TaskColumn


@dataclass
class _Item:
    """A responsibility: its own row (STT "1") and its steps' rows ("1.1", "1.2")."""

    number: str
    row: Row | None
    steps: list[Row] = field(default_factory=list)


def _responsibilities(job: _Import, events: list[_Event]) -> list[dict[str, Any]]:
    sheet = job.sheet(SHEET_TASKS, (C.NUMBER, C.CONTENT, C.LEAD, C.DEADLINE))
    if sheet is None:
        return []
    items = _items(job, sheet)
    if not sheet.rows:
        job.problem(
            SHEET_TASKS,
            None,
            None,
            "chưa có nhiệm vụ nào: ghi mỗi việc một dòng, dưới dòng tiêu đề",
        )
    return [_responsibility(job, index, item, events) for index, item in enumerate(items)]


def _items(job: _Import, sheet: Sheet) -> list[_Item]:
    items: dict[str, _Item] = {}
    seen: set[str] = set()
    for row in sheet.rows:
        number = cell.text(row.get(C.NUMBER)).rstrip(".")
        if not _STT.match(number):
            why = "chưa ghi STT" if not number else f"STT '{number}' phải là số như 1, 1.1, 1.2"
            job.problem(SHEET_TASKS, row, C.NUMBER, why)
            continue
        if number in seen:
            job.problem(SHEET_TASKS, row, C.NUMBER, f"STT '{number}' bị trùng")
            continue
        seen.add(number)
        head = number.split(".")[0]
        item = items.setdefault(head, _Item(head, None))
        if number == head:
            item.row = row
        else:
            item.steps.append(row)
    return list(items.values())


def _responsibility(job: _Import, index: int, item: _Item, events: list[_Event]) -> dict[str, Any]:
    rows = item.steps or ([item.row] if item.row else [])
    path: tuple[str | int, ...] = ("responsibilities", index)
    own = item.row or rows[0]
    job.origins[path] = (SHEET_TASKS, own.number)
    steps = [_step(job, (*path, "steps", n), row, events) for n, row in enumerate(rows)]
    title = cell.text(own.get(C.CONTENT))
    responsible = _responsible(job, item, steps)
    return {"id": item.number, "title": title, "responsible": responsible, "steps": steps}


def _responsible(job: _Import, item: _Item, steps: list[dict[str, Any]]) -> list[str]:
    # The item's own "chủ trì" cell when it has sub-rows; else whoever leads its steps.
    if item.row is not None and item.steps and cell.text(item.row.get(C.LEAD)):
        found = [job.resolve(SHEET_TASKS, item.row, C.LEAD, n) for n in _leads(item.row)]
        return [code for _, code in filter(None, found)]
    leads = [s.get("lead") for s in steps] + [g for s in steps for g in s.get("fan_out", [])]
    return list(dict.fromkeys(code for code in leads if code))


def _leads(row: Row) -> list[str]:
    return cell.names(row.get(C.LEAD))


_OPTIONAL_TEXT = ((C.DELIVERABLE, "deliverable"), (C.NOTE, "note"))


def _step(
    job: _Import, path: tuple[str | int, ...], row: Row, events: list[_Event]
) -> dict[str, Any]:
    job.origins[path] = (SHEET_TASKS, row.number)
    number = cell.text(row.get(C.NUMBER)).rstrip(".")
    title = cell.text(row.get(C.CONTENT))
    if not title:
        job.problem(SHEET_TASKS, row, C.CONTENT, "chưa ghi nội dung công việc")
    step: dict[str, Any] = {"id": number, "title": title, **_lead(job, row)}
    cooperating = _codes(job, row, C.COOPERATING)
    if cooperating:
        step["cooperating"] = cooperating
    step |= {key: cell.text(row.get(col)) for col, key in _OPTIONAL_TEXT if cell.text(row.get(col))}
    receivers = _codes(job, row, C.RECEIVER)
    if receivers:
        step["receivers"] = receivers
    return step | _schedule(job, row, events)


def _lead(job: _Import, row: Row) -> dict[str, Any]:
    names = _leads(row)
    if not names:
        job.problem(SHEET_TASKS, row, C.LEAD, "chưa ghi cơ quan chủ trì")
        return {}
    found = [f for f in (job.resolve(SHEET_TASKS, row, C.LEAD, n) for n in names) if f]
    groups = [code for kind, code in found if kind == "group"]
    agencies = [code for kind, code in found if kind == "agency"]
    if len(agencies) > 1 or (agencies and groups):
        job.problem(
            SHEET_TASKS, row, C.LEAD,
            "chỉ ghi một cơ quan chủ trì (hoặc các nhóm cơ quan cùng làm việc này); "
            "cơ quan khác ghi ở cột 'Cơ quan phối hợp'",
        )  # fmt: skip
        return {}
    # A group leading ("UBND các huyện") means one tracked copy per member.
    return {"fan_out": groups} if groups else ({"lead": agencies[0]} if agencies else {})


def _codes(job: _Import, row: Row, column: str) -> list[str]:
    found = (job.resolve(SHEET_TASKS, row, column, n) for n in cell.names(row.get(column)))
    return [code for _, code in filter(None, found)]


_RELATIVE = {
    DeadlineForm.BEFORE_EVENT, DeadlineForm.BEFORE_EVENT_CALENDAR, DeadlineForm.AFTER_EVENT,
}  # fmt: skip


def _schedule(job: _Import, row: Row, events: list[_Event]) -> dict[str, Any]:
    value = row.get(C.DEADLINE)
    try:
        form = _form(row, value)
        value, event = _event_named(form, value, events)
        fields = schedule(form, value, event)
    except cell.CellError as error:
        column = C.DEADLINE_FORM if "hình thức thời hạn" in str(error) else C.DEADLINE
        job.problem(SHEET_TASKS, row, column, str(error))
        return {}
    if form is DeadlineForm.AFTER_EVENT:
        fields["follow_up"] = True  # work after the event may be due after it
    return fields


def _form(row: Row, value: Any) -> DeadlineForm:
    # No form chosen: a date is "chậm nhất ngày", as a bare date in a plan's text is.
    if not cell.text(row.get(C.DEADLINE_FORM)):
        if not cell.text(value):
            raise cell.CellError("chưa ghi thời gian hoàn thành")
        return DeadlineForm.BY_DATE
    return deadline_form(row.get(C.DEADLINE_FORM))


def _event_named(form: DeadlineForm, value: Any, events: list[_Event]) -> tuple[Any, str | None]:
    """For a deadline counted from an event: the cell without the event's name, and the
    event's id when the plan has several ("10 ngày trước Ngày bầu cử")."""
    if form not in _RELATIVE:
        return value, None
    if not events:
        raise cell.CellError(
            f"thời hạn tính theo sự kiện nhưng trang '{SHEET_EVENTS}' chưa có sự kiện nào"
        )
    written = fold(cell.text(value))
    named = [e for e in events if fold(e.name) in written or fold(e.id) in written.split()]
    if len(events) > 1 and not named:
        names = "; ".join(e.name for e in events)
        raise cell.CellError(
            f"kế hoạch có nhiều sự kiện: ghi số ngày và tên sự kiện, ví dụ "
            f"'10 ngày trước {events[0].name}' (các sự kiện: {names})"
        )
    if not named:
        return value, None
    rest = written.replace(fold(named[0].name), " ")
    return rest, (named[0].id if len(events) > 1 else None)


# --- The whole plan ------------------------------------------------------------------------


def _assemble(
    job: _Import,
    base: dict[str, Any] | None,
    header: dict[str, Any],
    events: list[_Event],
    responsibilities: list[dict[str, Any]],
) -> dict[str, Any]:
    if base is not None:
        return {**base, "responsibilities": responsibilities}
    for index, event in enumerate(events):
        if event.row:
            job.origins[("events", index)] = (SHEET_EVENTS, event.row)
            if index == 0:
                job.origins[("event",)] = (SHEET_EVENTS, event.row)
    section = _event_section(events)
    agencies = _agencies(job)
    groups = sorted({g for a in agencies for g in a.get("groups", [])} | _used_groups(job))
    coordinator = header.get("coordinator")
    return {
        "schema_version": section.pop("schema_version", 1),
        "plan": header,
        **section,
        "groups": [{"code": code, "name": job.directory.groups[code]} for code in groups],
        "agencies": agencies,
        "difficulty_route": {"receivers": [coordinator] if coordinator else []},
        "responsibilities": responsibilities,
    }


def _used_groups(job: _Import) -> set[str]:
    return {code for code in job.used if code in job.directory.groups}


def _agencies(job: _Import) -> list[dict[str, Any]]:
    """The plan's own agencies, then those of the directory it names (and their groups'
    members, and whom they escalate to). DIR's `plan.directory` will let a plan refer to the
    directory instead of copying it."""
    directory = job.directory
    groups = _used_groups(job)
    wanted = [*directory.own, *(c for c in job.used if c in directory.agencies)]
    wanted += [
        code for code, entry in directory.agencies.items() if set(entry.get("groups", [])) & groups
    ]
    return [directory.agencies[code] for code in _with_referenced(directory, wanted)]


def _with_referenced(directory: Directory, codes: list[str]) -> list[str]:
    found = list(dict.fromkeys(codes))
    for code in found:  # grows while it is walked: references of references
        entry = directory.agencies[code]
        for target in (entry.get("escalation_to"), entry.get("parent")):
            if target in directory.agencies and target not in found:
                found.append(target)
    return found
