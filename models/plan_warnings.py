"""Things in a valid plan that are probably not what its writer meant: warnings, not errors.

The plan still loads; `kehoach validate` and `kehoach load` print each as a "Cảnh báo:" line
so the coordinator can look again (issue 10, item 11). Pure: the calendar is passed in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from models.calendar import WorkingCalendar
from models.deadlines import resolve_deadlines
from models.plan import Plan, Step
from models.plan_rules import Path, PlanIssue, Severity
from models.wording import fold

# Titles of work that IS the event rather than a deliverable before it ("Tổ chức hội nghị …",
# "Tổ chức lễ …"), compared without accents.
_EVENT_TITLE = re.compile(r"^(to chuc|khai mac|dien ra) (hoi nghi|le|dai hoi|ky thi|bau cu|hoi)\b")


def plan_warnings(plan: Plan, calendar: WorkingCalendar) -> list[PlanIssue]:
    """Warnings of a plan that passed `check_plan` (its references and cycles are sound)."""
    deadlines = resolve_deadlines(plan, calendar)
    return [
        *_event_on_day_off(plan, calendar),
        *_dates_on_days_off(plan, calendar),
        *_steps_that_are_the_event(plan, deadlines),
        *_empty_groups(plan),
    ]


def _warning(path: Path, message: str) -> PlanIssue:
    return PlanIssue(path, message, Severity.WARNING)


def _steps(plan: Plan) -> Iterator[tuple[Path, Step]]:
    for r_index, responsibility in enumerate(plan.responsibilities):
        for s_index, step in enumerate(responsibility.steps):
            yield ("responsibilities", r_index, "steps", s_index), step


def _day_off(calendar: WorkingCalendar, day: dt.date) -> str | None:
    reason = calendar.day_off_reason(day)
    return None if reason is None else f"{day:%d/%m/%Y} là ngày nghỉ ({reason})"


def _event_on_day_off(plan: Plan, calendar: WorkingCalendar) -> Iterator[PlanIssue]:
    field = "confirmed_date" if plan.event.confirmed_date else "assumed_date"
    off = _day_off(calendar, plan.event.date)
    if off:
        yield _warning(
            ("event", field),
            f"ngày tổ chức {off}; các hạn tính theo ngày làm việc trước, sau sự kiện vẫn "
            "đếm từ ngày này: kiểm tra lại nếu không cố ý",
        )


def _dates_on_days_off(plan: Plan, calendar: WorkingCalendar) -> Iterator[PlanIssue]:
    for path, step in _steps(plan):
        off = step.deadline.date and _day_off(calendar, step.deadline.date)
        if off:
            yield _warning(
                (*path, "deadline", "date"),
                f"hạn {off}: cơ quan không làm việc ngày này; kiểm tra lại ngày trong văn bản "
                "hoặc ghi ngày làm việc liền kề",
            )


def _steps_that_are_the_event(plan: Plan, deadlines: dict[str, dt.date]) -> Iterator[PlanIssue]:
    for path, step in _steps(plan):
        if deadlines[step.id] == plan.event.date and _EVENT_TITLE.match(fold(step.title)):
            yield _warning(
                (*path, "title"),
                f"bước '{step.title}' có hạn đúng ngày tổ chức {plan.event.date:%d/%m/%Y}: "
                "đây là chính sự kiện, không phải việc cần hoàn thành; nên ghi nó ở mục "
                "event (sự kiện) và bỏ bước này",
            )


def _empty_groups(plan: Plan) -> Iterator[PlanIssue]:
    for index, group in enumerate(plan.groups):
        if not plan.members(group.code):
            yield _warning(
                ("groups", index, "code"),
                f"nhóm '{group.name}' chưa có cơ quan nào: không ai được nhắc việc giao cho "
                "nhóm này; thêm mã nhóm vào mục groups của các cơ quan thành viên",
            )
