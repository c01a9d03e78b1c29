"""Things in a valid plan that are probably not what its writer meant: warnings, not errors.

The plan still loads; `kehoach validate` and `kehoach load` print each as a "Cảnh báo:" line
so the coordinator can look again (issue 10, item 11). Pure: the calendar is passed in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import replace

from models.calendar import WorkingCalendar
from models.deadlines import resolve_deadlines
from models.event_kinds import WORKED_KINDS, day_noun
from models.plan import Plan, Step
from models.plan_rules import Path, PlanIssue, Severity, check_warnings
from models.wording import fold

# Titles of work that IS the event rather than a deliverable before it ("Tổ chức hội nghị …",
# "Tổ chức lễ …"), compared without accents.
_EVENT_TITLE = re.compile(r"^(to chuc|khai mac|dien ra) (hoi nghi|le|dai hoi|ky thi|bau cu|hoi)\b")


def plan_warnings(plan: Plan, calendar: WorkingCalendar) -> list[PlanIssue]:
    """Warnings of a plan that passed `check_plan` (its references and cycles are sound)."""
    deadlines = resolve_deadlines(plan, calendar)
    return [
        *_events_on_days_off(plan, calendar),
        # Deadlines on days off: what the day-off rule made of each (models.deadlines).
        *(replace(issue, severity=Severity.WARNING) for issue in check_warnings(plan, calendar)),
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


def _events_on_days_off(plan: Plan, calendar: WorkingCalendar) -> Iterator[PlanIssue]:
    for index, event in enumerate(plan.events):
        if event.kind not in WORKED_KINDS:
            continue  # an election is on a Sunday by law; festivals, exams often on days off
        field = "confirmed_date" if event.confirmed_date else "assumed_date"
        off = _day_off(calendar, event.date)
        if off:
            yield _warning(
                ("events", index, field),
                f"{day_noun(event.kind)} {off}; các hạn tính theo ngày làm việc trước, sau sự "
                "kiện vẫn đếm từ ngày này: kiểm tra lại nếu không cố ý",
            )


def _steps_that_are_the_event(plan: Plan, deadlines: dict[str, dt.date]) -> Iterator[PlanIssue]:
    for path, step in _steps(plan):
        event = plan.event_before(step)
        if event is None or deadlines.get(step.id) != event.date:
            continue
        if _EVENT_TITLE.match(fold(step.title)):
            yield _warning(
                (*path, "title"),
                f"bước '{step.title}' có hạn đúng {day_noun(event.kind)} {event.date:%d/%m/%Y}: "
                "đây là chính sự kiện, không phải việc cần hoàn thành; nên ghi nó ở mục "
                "events (sự kiện) và bỏ bước này",
            )


def _empty_groups(plan: Plan) -> Iterator[PlanIssue]:
    for index, group in enumerate(plan.groups):
        if not plan.members(group.code):
            yield _warning(
                ("groups", index, "code"),
                f"nhóm '{group.name}' chưa có cơ quan nào: không ai được nhắc việc giao cho "
                "nhóm này; thêm mã nhóm vào mục groups của các cơ quan thành viên",
            )
