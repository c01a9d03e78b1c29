"""A replay scenario: what agencies and the coordinator did, day by day, over a plan's period.

The file is YAML, checked twice before anything runs: against this schema (unknown keys
refused), then against the plan (steps, agencies, dates). Every problem is reported with
the file, the line and what to fix, in Vietnamese.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails

from flows import forms
from kehoach.errors import UserError
from kehoach.store.planfile import error_message, format_path, parse_yaml, read_data_file
from models.calendar import WorkingCalendar
from models.deadlines import resolve_deadlines
from models.plan import Plan
from models.steps import expand_steps
from models.timeutil import ddmmyyyy, vietnam_moment

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Status = Literal["in_progress", "submitted", "done", "blocked"]
DEFAULT_ACTION_TIME = dt.time(10, 0)

_EXTRA_MESSAGES = {
    "union_tag_invalid": "'do' phải là một trong: update, resolve, extend, confirm_event, "
    "receive, not_applicable",
    "union_tag_not_found": "thiếu 'do' (update, resolve, extend, confirm_event, receive "
    "hoặc not_applicable)",
    "literal_error": "phải là một trong: {expected}",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Action(Strict):
    day: dt.date
    at: dt.time = DEFAULT_ACTION_TIME
    note: Text | None = None

    def moment(self) -> dt.datetime:
        return vietnam_moment(self.day, self.at)


class Update(_Action):
    """An agency reports progress (status `blocked` reports a difficulty)."""

    do: Literal["update"]
    step: Text
    status: Status
    by: Text | None = None
    link: Text | None = None

    def form(self, plan_id: str) -> forms.ProgressReport:
        return forms.ProgressReport(
            plan_id=plan_id,
            step=self.step,
            status=forms.StatusChoice[self.status.upper()],
            by=self.by or "",
            note=self.note or "",
            link=self.link or "",
        )


class Resolve(_Action):
    do: Literal["resolve"]
    step: Text
    by: Text | None = None

    def form(self, plan_id: str) -> forms.Resolution:
        return forms.Resolution(
            plan_id=plan_id, step=self.step, by=self.by or "", note=self.note or ""
        )


class Extend(_Action):
    do: Literal["extend"]
    step: Text
    to: dt.date
    by: Text | None = None

    def form(self, plan_id: str) -> forms.Extension:
        return forms.Extension(
            plan_id=plan_id,
            step=self.step,
            new_deadline=self.to,
            by=self.by or "",
            note=self.note or "",
        )


class ConfirmEvent(_Action):
    do: Literal["confirm_event"]
    date: dt.date
    event: Text | None = None  # which event (default: the plan's only one)

    def form(self, plan_id: str) -> forms.EventDate:
        return forms.EventDate(
            plan_id=plan_id, event_id=self.event or "", date=self.date, note=self.note or ""
        )


class Receive(_Action):
    """A receiver (`by`) confirms it has the step's deliverable (xác nhận đã nhận)."""

    do: Literal["receive"]
    step: Text
    by: Text

    def form(self, plan_id: str) -> forms.ReceiptConfirmation:
        return forms.ReceiptConfirmation(
            plan_id=plan_id, step=self.step, receiver=self.by, note=self.note or ""
        )


class NotApplicable(_Action):
    """A conditional step declared không phát sinh; the reason (`note`) is required."""

    do: Literal["not_applicable"]
    step: Text
    note: Text
    by: Text | None = None

    def form(self, plan_id: str) -> forms.NotApplicable:
        return forms.NotApplicable(
            plan_id=plan_id, step=self.step, by=self.by or "", note=self.note
        )


_ACTIONS = Update | Resolve | Extend | ConfirmEvent | Receive | NotApplicable
Action = Annotated[_ACTIONS, Field(discriminator="do")]
_TAGS = ("update", "resolve", "extend", "confirm_event", "receive", "not_applicable")


class Scenario(Strict):
    title: Text
    plan: Text
    start: dt.date
    end: dt.date
    sweep_at: dt.time = dt.time(8, 0)
    description: Text | None = None
    actions: list[Action] = []

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"end ({ddmmyyyy(self.end)}) phải sau start ({ddmmyyyy(self.start)})")
        return self

    def days(self) -> list[dt.date]:
        count = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=n) for n in range(count)]

    def actions_on(self, day: dt.date) -> list[Action]:
        return sorted((a for a in self.actions if a.day == day), key=lambda a: a.at)


def plan_issues(scenario: Scenario, plan: Plan, calendar: WorkingCalendar) -> list[tuple[Any, str]]:
    """Problems only the plan can reveal, each with its path in the scenario file."""
    keys = {s.key for s in expand_steps(plan, resolve_deadlines(plan, calendar), calendar)}
    agencies = {a.code for a in plan.agencies}
    issues: list[tuple[Any, str]] = []
    if scenario.plan != plan.plan.id:
        issues.append(
            (
                ("plan",),
                f"kịch bản dành cho kế hoạch '{scenario.plan}', không phải '{plan.plan.id}'",
            )
        )
    events = {e.id for e in plan.events}
    for index, action in enumerate(scenario.actions):
        path = ("actions", index)
        issues.extend(_action_issues(path, action, scenario, keys, agencies))
        event = getattr(action, "event", None)
        if event is not None and event not in events:
            issues.append(((*path, "event"), f"kế hoạch không có sự kiện '{event}'"))
    return issues


def _action_issues(
    path: tuple[Any, ...], action: Action, scenario: Scenario, keys: set[str], agencies: set[str]
) -> list[tuple[Any, str]]:
    issues: list[tuple[Any, str]] = []
    if not scenario.start <= action.day <= scenario.end:
        issues.append(((*path, "day"), f"ngày {ddmmyyyy(action.day)} nằm ngoài khoảng start–end"))
    step = getattr(action, "step", None)
    if step is not None and step not in keys:
        issues.append(((*path, "step"), f"kế hoạch không có bước '{step}'"))
    by = getattr(action, "by", None)
    if by is not None and by not in agencies:
        issues.append(((*path, "by"), f"cơ quan không có trong danh mục: '{by}'"))
    return issues


def _message_of(error: ErrorDetails) -> str:
    template = _EXTRA_MESSAGES.get(error["type"])
    if template is None:
        return error_message(error)
    return template.format(**(error.get("ctx") or {}))


class ScenarioError(UserError):
    def __init__(self, path: Path, problems: list[str]) -> None:
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"Tệp kịch bản {path} có {len(problems)} lỗi:\n{lines}")


class ScenarioFile:
    """A parsed scenario file that can still say on which line a problem is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        text = read_data_file(path, "kịch bản")
        try:
            self.data, self._lines = parse_yaml(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"{path.name}:{mark.line + 1}" if mark else path.name
            raise ScenarioError(path, [f"{where}: YAML không hợp lệ"]) from None

    def locate(self, where: tuple[Any, ...], message: str) -> str:
        return (
            f"{self.path.name}:{self._lines.line(where)} {format_path(where) or '(gốc)'}: {message}"
        )

    def scenario(self) -> Scenario:
        if not isinstance(self.data, dict):
            raise ScenarioError(self.path, [self.locate((), "tệp phải là một khối khóa: giá trị")])
        try:
            return Scenario.model_validate(self.data)
        except ValidationError as error:
            problems = [self.locate(_yaml_path(e["loc"]), _message_of(e)) for e in error.errors()]
            raise ScenarioError(self.path, problems) from None

    def checked(self, plan: Plan, calendar: WorkingCalendar) -> Scenario:
        scenario = self.scenario()
        issues = plan_issues(scenario, plan, calendar)
        if issues:
            raise ScenarioError(self.path, [self.locate(where, text) for where, text in issues])
        return scenario


def _yaml_path(loc: tuple[int | str, ...]) -> tuple[Any, ...]:
    # A discriminated union adds the tag ("update") to the location; the YAML has no such key.
    return tuple(part for part in loc if part not in _TAGS)


def load_scenario(path: Path, plan: Plan, calendar: WorkingCalendar) -> Scenario:
    return ScenarioFile(path).checked(plan, calendar)
