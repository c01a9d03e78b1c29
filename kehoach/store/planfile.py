"""Reading a plan file: YAML → validated Plan, with every problem located by file and line."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from kehoach.errors import PlanFileError, UserError
from kehoach.store.yaml_problems import structure_problems, syntax_problem
from models.calendar import CalendarOverrides, WorkingCalendar, load_overrides, vietnam_calendar
from models.directory import Merged
from models.plan import Plan, PlanHeader
from models.plan_rules import Path as PlanPath
from models.plan_rules import PlanIssue, check_plan
from models.plan_warnings import plan_warnings

# Pydantic's own messages are English; people reading plan files read Vietnamese.
_MESSAGES = {
    "extra_forbidden": "khóa không có trong lược đồ (gõ sai tên?)",
    "missing": "thiếu trường bắt buộc",
    "string_too_short": "không được để trống",
    "too_short": "danh sách không được để trống",
    "string_type": "phải là chuỗi ký tự",
    "string_pattern_mismatch": "mã chỉ gồm chữ không dấu, số, '_', '-' và bắt đầu bằng chữ",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "bool_parsing": "phải là true hoặc false",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "date_from_datetime_parsing": "ngày không hợp lệ (dạng YYYY-MM-DD)",
    "date_parsing": "ngày không hợp lệ (dạng YYYY-MM-DD)",
    "date_type": "phải là ngày (dạng YYYY-MM-DD)",
    "time_parsing": "giờ không hợp lệ (dạng HH:MM)",
    "time_type": "phải là giờ (dạng HH:MM)",
    "enum": "phải là một trong: {expected}",
    "list_type": "phải là danh sách",
    "dict_type": "phải là một khối khóa: giá trị",
    "model_type": "phải là một khối khóa: giá trị",
}


class _PlanLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates and times as text for Pydantic to judge with a located
    message: PyYAML crashes on 2024-02-30 and reads 17:00 as the number 1020."""


_TEXT_NOT_NUMBER = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")


def _resolvers(resolvers: list[tuple[str, re.Pattern[str]]]) -> list[tuple[str, re.Pattern[str]]]:
    kept = [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    return [("tag:yaml.org,2002:str", _TEXT_NOT_NUMBER), *kept]


_PlanLoader.yaml_implicit_resolvers = {
    first: _resolvers(resolvers)
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class LoadedPlan:
    plan: Plan
    path: Path
    sha256: str
    calendar: WorkingCalendar
    # Located "Cảnh báo" lines: the plan loads, but the person should look again.
    warnings: tuple[str, ...] = ()


def format_path(path: PlanPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class LineIndex:
    """Maps a path inside the YAML document to the line it starts on."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.lines: dict[PlanPath, int] = {}
        # Set when a directory's agencies were merged in (load_plan_file).
        self.origins: list[int | None] | None = None
        self.codes: list[str] = []
        if root is not None:
            self._walk(root, ())

    def _walk(self, node: yaml.Node, path: PlanPath) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = (*path, key.value)
                self.lines[child] = key.start_mark.line + 1
                self._walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._walk(item, (*path, index))

    def original(self, path: PlanPath) -> tuple[PlanPath, str]:
        """Where a path of the validated plan is in the file, and what to say before the
        message: agencies merged from a directory are not at their index in the file."""
        if self.origins is None or path[:1] != ("agencies",) or len(path) < 2:
            return path, ""
        merged = int(path[1])
        origin = self.origins[merged] if merged < len(self.origins) else merged
        if origin is None:
            return ("plan", "directory"), f"cơ quan '{self.codes[merged]}' của danh bạ: "
        return ("agencies", origin, *path[2:]), ""

    def line(self, path: PlanPath) -> int:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_DATE_ERRORS = {"date_parsing", "date_from_datetime_parsing", "date_type"}


def _day_first_hint(value: Any) -> str | None:
    """'15/04/2024' (how Vietnamese texts write dates) explained as the form a plan file wants."""
    match = _DAY_FIRST.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    return (
        f"ngày '{value.strip()}' phải viết theo dạng năm-tháng-ngày: "
        f"{year:04d}-{month:02d}-{day:02d}"
    )


def error_message(error: ErrorDetails) -> str:
    """Pydantic's error in Vietnamese, for a person fixing a data file."""
    if error["type"] == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    hint = _day_first_hint(error.get("input")) if error["type"] in _DATE_ERRORS else None
    if hint:
        return hint
    template = _MESSAGES.get(error["type"])
    if template is None:
        return f"giá trị không hợp lệ ({error['type']})"
    return template.format(**(error.get("ctx") or {}))


def read_data_file(path: Path, kind: str = "kế hoạch") -> str:
    """The text of a plan or scenario file, or a UserError naming the file and the problem."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"Không tìm thấy tệp {kind}: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"Không đọc được tệp {kind} {path}: {exc}") from None


def parse_yaml(text: str) -> tuple[Any, LineIndex]:
    """Safe YAML data (dates and times left as text) and where each path starts."""
    data = yaml.load(text, Loader=_PlanLoader)  # a SafeLoader subclass
    return data, LineIndex(yaml.compose(text, Loader=_PlanLoader))


def parse_checked_yaml(path: Path, text: str) -> tuple[Any, LineIndex]:
    """`parse_yaml`, with syntax errors, duplicate keys and the comma trap explained."""
    try:
        root = yaml.compose(text, Loader=_PlanLoader)
        data = yaml.load(text, Loader=_PlanLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise PlanFileError(str(path), [syntax_problem(path.name, exc, text)]) from None
    found = sorted(structure_problems(root))
    if found:
        problems = [f"{path.name}:{line} (cột {column}): {text}" for line, column, text in found]
        raise PlanFileError(str(path), problems)
    return data, LineIndex(root)


def _parse(path: Path, text: str) -> tuple[Any, LineIndex]:
    data, index = parse_checked_yaml(path, text)
    if not isinstance(data, dict):
        raise PlanFileError(str(path), [f"{path.name}:1: tệp phải là một khối khóa: giá trị"])
    return data, index


def _located(path: Path, index: LineIndex, where: PlanPath, message: str) -> str:
    where, before = index.original(_as_written(index, where))
    return f"{path.name}:{index.line(where)} {format_path(where) or '(gốc)'}: {before}{message}"


def _as_written(index: LineIndex, where: PlanPath) -> PlanPath:
    # A v1 file's `event:` is the model's events[0]: name the place the person wrote.
    if where[:2] == ("events", 0) and ("event",) in index.lines:
        return ("event", *where[2:])
    return where


def _located_issues(path: Path, index: LineIndex, issues: list[PlanIssue]) -> tuple[str, ...]:
    return tuple(_located(path, index, issue.path, issue.message) for issue in issues)


def _validated(path: Path, data: Any, index: LineIndex) -> Plan:
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        problems = [_located(path, index, tuple(e["loc"]), _explained(e)) for e in exc.errors()]
        raise PlanFileError(str(path), problems) from None


def _explained(error: ErrorDetails) -> str:
    """The message, and for a misspelt key the closest key the schema has there."""
    message = error_message(error)
    loc = tuple(error["loc"])
    if error["type"] != "extra_forbidden" or not loc or not isinstance(loc[-1], str):
        return message
    model = _model_at(loc[:-1])
    close = difflib.get_close_matches(loc[-1], list(model.model_fields), n=1) if model else []
    return f"{message}; có phải '{close[0]}'?" if close else message


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The schema's model at a path of the plan file (list indexes and optionals looked through)."""
    model: type[BaseModel] | None = Plan
    for part in loc:
        if model is None:
            return None
        if isinstance(part, str):
            field = model.model_fields.get(part)
            model = _inner_model(field.annotation) if field else None
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _inner_model(argument)
        if found:
            return found
    return None


def plan_calendar(plan: Plan, national: CalendarOverrides | None = None) -> WorkingCalendar:
    """The national calendar with the province's and the plan's own declared days."""
    # The plan's own days win over the national data for the same day.
    merged = (national or CalendarOverrides()).merged(plan.calendar)
    return _calendar(merged.model_dump_json())


@lru_cache(maxsize=16)
def _calendar(overrides_json: str) -> WorkingCalendar:
    # Building one costs ~0.3 s (the holidays package); plans mostly share one.
    return vietnam_calendar(CalendarOverrides.model_validate_json(overrides_json))


def national_overrides(path: Path | None) -> CalendarOverrides | None:
    if path is None or not path.exists():
        return None
    try:
        return load_overrides(path)
    except (ValidationError, yaml.YAMLError, OSError) as exc:
        raise UserError(f"Tệp lịch làm việc {path} không hợp lệ: {exc}") from None


def load_plan_file(path: Path, national: CalendarOverrides | None = None) -> LoadedPlan:
    """Parse and fully validate a plan file; raises PlanFileError naming every problem."""
    text = read_data_file(path)
    data, index = _parse(path, text)
    merged, directory_sha = _with_directory(path, data, index)
    plan = _validated(path, data, index)
    calendar = plan_calendar(plan, national)
    issues = [
        *(PlanIssue(i.path, i.message) for i in merged.issues),
        *check_plan(plan, calendar, merged.absent),
    ]
    if issues:
        raise PlanFileError(str(path), list(_located_issues(path, index, issues)))
    # A changed directory is a changed plan: it is loaded again.
    digest = hashlib.sha256((text + directory_sha).encode("utf-8")).hexdigest()
    warnings = _located_issues(path, index, plan_warnings(plan, calendar))
    return LoadedPlan(plan, path.resolve(), digest, calendar, warnings)


def _with_directory(path: Path, data: dict[str, Any], index: LineIndex) -> tuple[Merged, str]:
    """Merges the plan's directory into its data (models.directory); nothing without one."""
    # Imported here: directoryfile reads YAML with this module's loader.
    from kehoach.store.directoryfile import find_directory, load_directory_file, merge_into

    try:
        header = PlanHeader.model_validate(data.get("plan"))
    except ValidationError:
        header = None  # reported, located, by the plan's own validation
    if header is None or header.directory is None:
        return Merged([], [], [], {}), ""
    loaded = load_directory_file(find_directory(path, header.directory))
    merged = merge_into(data, loaded, header.issued_on)
    index.origins = merged.origins
    index.codes = [
        str(entry.get("code")) if isinstance(entry, dict) else "" for entry in merged.agencies
    ]
    return merged, loaded.sha256


def resolved_document(path: Path) -> dict[str, Any]:
    """A plan file's data with its directory merged in, before validation (for tools and
    tests that edit a plan as data)."""
    data, index = _parse(path, read_data_file(path))
    _with_directory(path, data, index)
    return dict(data)
