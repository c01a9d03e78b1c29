"""Whole-plan checks: every reference resolves, ids are unique, no cycles, no late deadlines.

Each problem carries the path inside the plan file (as Pydantic reports it), so the
loader can name the file and line where the person has to look.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from models.calendar import WEEKDAY_NAMES, DayOffRule, WorkingCalendar
from models.deadlines import DayOffNote, day_off_notes, resolve_deadlines
from models.directory import contact_issues
from models.event_kinds import day_noun, noun
from models.plan import LADDER_ROLES, CompletesOn, LadderRung, Plan, Step
from models.steps import fan_out_agencies

# The source of the default day-off rule, as validation names it.
CIVIL_CODE_RULE = "Điều 148 Bộ luật Dân sự 2015"

Path = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"  # the plan is refused
    WARNING = "warning"  # the plan loads; the person is told ("Cảnh báo:")


@dataclass(frozen=True)
class PlanIssue:
    path: Path
    message: str
    severity: Severity = Severity.ERROR


def check_plan(
    plan: Plan, calendar: WorkingCalendar, absent: Mapping[str, str] | None = None
) -> list[PlanIssue]:
    """`absent`: directory entries not valid on the plan's date, with the reason (successor)."""
    issues = [
        *_duplicates(plan),
        *_directory_references(plan, absent or {}),
        *_step_references(plan, absent or {}),
        *_dependency_cycles(plan),
        *(PlanIssue(i.path, i.message) for i in contact_issues(plan.agencies)),
    ]
    if not issues:
        issues.extend(_deadlines_after_event(plan, calendar))
    return issues


def _repeated(values: Iterable[str]) -> set[str]:
    return {value for value, count in Counter(values).items() if count > 1}


def _duplicates(plan: Plan) -> Iterator[PlanIssue]:
    directory: tuple[tuple[str, list[str]], ...] = (
        ("agencies", [a.code for a in plan.agencies]),
        ("groups", [g.code for g in plan.groups]),
    )
    for section, codes in directory:
        twice = _repeated(codes)
        for index, code in enumerate(codes):
            if code in twice:
                yield PlanIssue((section, index, "code"), f"mã '{code}' bị trùng")
    twice = _repeated(e.id for e in plan.events)
    for index, event in enumerate(plan.events):
        if event.id in twice:
            yield PlanIssue(("events", index, "id"), f"mã sự kiện '{event.id}' bị trùng")
    twice = _repeated(r.id for r in plan.responsibilities)
    for index, responsibility in enumerate(plan.responsibilities):
        if responsibility.id in twice:
            yield PlanIssue(
                ("responsibilities", index, "id"), f"mã nhiệm vụ '{responsibility.id}' bị trùng"
            )
    twice = _repeated(step.id for _, step in plan.all_steps())
    for path, step in _steps_with_paths(plan):
        if step.id in twice:
            yield PlanIssue((*path, "id"), f"mã bước '{step.id}' bị trùng")


def _steps_with_paths(plan: Plan) -> Iterator[tuple[Path, Step]]:
    for r_index, responsibility in enumerate(plan.responsibilities):
        for s_index, step in enumerate(responsibility.steps):
            yield ("responsibilities", r_index, "steps", s_index), step


class _Names:
    def __init__(self, plan: Plan, absent: Mapping[str, str]) -> None:
        self.absent = absent
        self.agencies = {a.code for a in plan.agencies}
        self.groups = {g.code for g in plan.groups}
        self.steps = {s.id for _, s in plan.all_steps()}
        self.agenda = {item.id for event in plan.events for item in event.agenda}
        self.events = {e.id for e in plan.events}

    def agency(self, path: Path, code: str | None) -> Iterator[PlanIssue]:
        if code is not None and code not in self.agencies:
            yield PlanIssue(path, self._unknown(code, "cơ quan không có trong danh mục:"))

    def _unknown(self, code: str, message: str) -> str:
        # A merged or renamed agency: name its successor rather than "unknown".
        return self.absent.get(code) or f"{message} '{code}'"

    def agencies_in(self, path: Path, codes: Iterable[str]) -> Iterator[PlanIssue]:
        for index, code in enumerate(codes):
            yield from self.agency((*path, index), code)

    def agencies_or_groups_in(self, path: Path, codes: Iterable[str]) -> Iterator[PlanIssue]:
        for index, code in enumerate(codes):
            if code not in self.agencies and code not in self.groups:
                yield PlanIssue(
                    (*path, index),
                    self._unknown(code, "không có cơ quan hay nhóm cơ quan nào mang mã"),
                )

    def groups_in(self, path: Path, codes: Iterable[str]) -> Iterator[PlanIssue]:
        for index, code in enumerate(codes):
            if code not in self.groups:
                yield PlanIssue((*path, index), f"nhóm cơ quan không có trong danh mục: '{code}'")

    def step(self, path: Path, step_id: str | None) -> Iterator[PlanIssue]:
        if step_id is not None and step_id not in self.steps:
            yield PlanIssue(path, f"không có bước nào mang mã '{step_id}'")


def _directory_references(plan: Plan, absent: Mapping[str, str]) -> Iterator[PlanIssue]:
    names = _Names(plan, absent)
    yield from names.agency(("plan", "coordinator"), plan.plan.coordinator)
    if plan.plan.signer:
        yield from names.agency(("plan", "signer", "agency"), plan.plan.signer.agency)
    if plan.plan.budget:
        yield from names.agency(("plan", "budget", "holder"), plan.plan.budget.holder)
        yield from names.step(("plan", "budget", "estimate_step"), plan.plan.budget.estimate_step)
    for index, agency in enumerate(plan.agencies):
        yield from names.groups_in(("agencies", index, "groups"), agency.groups)
        yield from names.agency(("agencies", index, "escalation_to"), agency.escalation_to)
        yield from names.agency(("agencies", index, "parent"), agency.parent)
    yield from names.agencies_in(("difficulty_route", "receivers"), plan.difficulty_route.receivers)
    yield from names.agencies_in(
        ("difficulty_route", "escalate_to"), plan.difficulty_route.escalate_to
    )
    yield from names.agency(
        ("difficulty_route", "escalate_via"), plan.difficulty_route.escalate_via
    )
    if plan.plan.contact:
        yield from names.agency(("plan", "contact", "agency"), plan.plan.contact.agency)
    yield from names.agencies_in(("reminders", "leadership"), plan.reminders.leadership)
    yield from _ladder(names, ("reminders", "ladder"), plan.reminders.ladder)
    yield from _event_references(plan, names)


def _event_references(plan: Plan, names: _Names) -> Iterator[PlanIssue]:
    for e_index, event in enumerate(plan.events):
        at: Path = ("events", e_index)
        yield from names.agencies_in((*at, "organisers"), event.organisers)
        if event.attendance:
            for index, level in enumerate(event.attendance.by_level):
                path = (*at, "attendance", "by_level", index, "invited_groups")
                yield from names.groups_in(path, level.invited_groups)
        for index, item in enumerate(event.agenda):
            for d_index, step_id in enumerate(item.delivered_by):
                yield from names.step((*at, "agenda", index, "delivered_by", d_index), step_id)


def _deadline_event(plan: Plan, names: _Names, path: Path, step: Step) -> Iterator[PlanIssue]:
    rule = step.deadline
    if rule is None:
        return
    if rule.event is not None and rule.event not in names.events:
        yield PlanIssue(
            (*path, "deadline", "event"), f"không có sự kiện nào mang mã '{rule.event}'"
        )
    elif rule.event is None and (rule.before_event is not None or rule.after_event is not None):
        if not plan.events:
            yield PlanIssue(
                (*path, "deadline"), "hạn tính theo sự kiện nhưng kế hoạch không có sự kiện nào"
            )
        elif len(plan.events) > 1:
            ids = ", ".join(e.id for e in plan.events)
            yield PlanIssue(
                (*path, "deadline"),
                f"kế hoạch có nhiều sự kiện ({ids}): ghi rõ event: <mã sự kiện> cho hạn này",
            )


def _ladder(names: _Names, path: Path, rungs: list[LadderRung]) -> Iterator[PlanIssue]:
    for index, rung in enumerate(rungs):
        for n_index, target in enumerate(rung.notify):
            if target not in LADDER_ROLES and target not in names.agencies:
                yield PlanIssue(
                    (*path, index, "notify", n_index),
                    f"'{target}' không phải vai trò ({', '.join(LADDER_ROLES)}) "
                    "cũng không phải mã cơ quan",
                )


def _responsible(names: _Names, plan: Plan) -> Iterator[PlanIssue]:
    for index, responsibility in enumerate(plan.responsibilities):
        path = ("responsibilities", index, "responsible")
        yield from names.agencies_or_groups_in(path, responsibility.responsible)


def _receipt_needs_receiver(path: Path, step: Step) -> Iterator[PlanIssue]:
    if step.completes_on is CompletesOn.RECEIPT and not (step.receivers or step.via):
        yield PlanIssue(
            (*path, "completes_on"),
            "bước hoàn thành khi có xác nhận đã nhận phải ghi cơ quan nhận (receivers)",
        )


def _step_references(plan: Plan, absent: Mapping[str, str]) -> Iterator[PlanIssue]:
    names = _Names(plan, absent)
    yield from _responsible(names, plan)
    for path, step in _steps_with_paths(plan):
        yield from names.agency((*path, "lead"), step.lead)
        yield from names.agencies_or_groups_in((*path, "cooperating"), step.cooperating)
        yield from names.agencies_or_groups_in((*path, "receivers"), step.receivers)
        yield from names.agency((*path, "via"), step.via)
        yield from _receipt_needs_receiver(path, step)
        yield from _fan_out(plan, names, path, step)
        yield from _cooperating_groups(plan, names, path, step)
        for index, dep in enumerate(step.depends_on):
            if dep == step.id:
                yield PlanIssue((*path, "depends_on", index), "một bước không thể chờ chính nó")
            yield from names.step((*path, "depends_on", index), dep)
        if step.deadline is not None:
            yield from names.step((*path, "deadline", "after_step"), step.deadline.after_step)
        yield from _deadline_event(plan, names, path, step)
        yield from _waits_for_cycle(plan, path, step)
        for index, item in enumerate(step.agenda):
            if item not in names.agenda:
                yield PlanIssue(
                    (*path, "agenda", index), f"không có nội dung chương trình nào mang mã '{item}'"
                )
        if step.reminders and step.reminders.ladder:
            yield from _ladder(names, (*path, "reminders", "ladder"), step.reminders.ladder)


def _waits_for_cycle(plan: Plan, path: Path, step: Step) -> Iterator[PlanIssue]:
    # A recurring step or an ongoing duty has no single date another step could wait for.
    timeless = {s.id for _, s in plan.all_steps() if s.deadline is None}
    waits: list[tuple[tuple[str | int, ...], str]] = [
        (("depends_on", i), dep) for i, dep in enumerate(step.depends_on)
    ]
    if step.deadline is not None and step.deadline.after_step:
        waits.append((("deadline", "after_step"), step.deadline.after_step))
    for where, target in waits:
        if target in timeless:
            yield PlanIssue(
                (*path, *where),
                f"bước '{target}' là báo cáo định kỳ hoặc nhiệm vụ thường xuyên, không có một "
                "hạn duy nhất để chờ; hãy bỏ tham chiếu này",
            )


def _fan_out(plan: Plan, names: _Names, path: Path, step: Step) -> Iterator[PlanIssue]:
    groups = step.fan_out or []
    yield from names.groups_in((*path, "fan_out"), groups)
    for index, group in enumerate(groups):
        if group in names.groups and not plan.members(group):
            yield PlanIssue((*path, "fan_out", index), _empty(group))
    if groups and step.fan_out_children and not fan_out_agencies(plan, step):
        yield PlanIssue(
            (*path, "fan_out_children"),
            "các cơ quan của nhóm " + ", ".join(f"'{g}'" for g in groups) + " không có cơ quan "
            "cấp dưới nào trong danh bạ (parent): không ai được giao việc",
        )


def _empty(group: str) -> str:
    return f"nhóm '{group}' chưa có cơ quan nào"


def _cooperating_groups(plan: Plan, names: _Names, path: Path, step: Step) -> Iterator[PlanIssue]:
    """A cooperating group without a valid member would silently remind nobody."""
    for index, code in enumerate(step.cooperating):
        if code in names.groups and code not in names.agencies and not plan.members(code):
            yield PlanIssue((*path, "cooperating", index), _empty(code))
    same_area = ("cooperating_same_area",)
    yield from names.groups_in((*path, *same_area), step.cooperating_same_area)
    for index, group in enumerate(step.cooperating_same_area):
        if group in names.groups and not plan.members(group):
            yield PlanIssue((*path, *same_area, index), _empty(group))


def _dependency_cycles(plan: Plan) -> Iterator[PlanIssue]:
    edges = {
        step.id: [
            *step.depends_on,
            *([step.deadline.after_step] if step.deadline and step.deadline.after_step else []),
        ]
        for _, step in plan.all_steps()
    }
    cycle = _find_cycle(edges)
    if cycle:
        path = next(p for p, s in _steps_with_paths(plan) if s.id == cycle[0])
        yield PlanIssue((*path, "depends_on"), "các bước chờ nhau thành vòng: " + " → ".join(cycle))


def _find_cycle(edges: dict[str, list[str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(node: str, chain: list[str]) -> list[str] | None:
        if node in chain:
            return [*chain[chain.index(node) :], node]
        if node in done or node not in edges:
            return None
        for target in edges[node]:
            found = visit(target, [*chain, node])
            if found:
                return found
        done.add(node)
        return None

    for node in edges:
        found = visit(node, [])
        if found:
            return found
    return None


def _deadlines_after_event(plan: Plan, calendar: WorkingCalendar) -> Iterator[PlanIssue]:
    # Only called once _dependency_cycles, which follows after_step too, found no cycle.
    deadlines = resolve_deadlines(plan, calendar)
    for path, step in _steps_with_paths(plan):
        if step.deadline is None:
            continue  # cycles and ongoing duties: no single deadline to check here
        due = deadlines[step.id]
        not_before = step.deadline.not_before
        if not_before is not None and not_before > due:
            yield PlanIssue(
                (*path, "deadline", "not_before"),
                f"ngày bắt đầu {not_before:%d/%m/%Y} sau hạn {due:%d/%m/%Y}",
            )
        event = plan.event_before(step)
        if event is not None and not step.follow_up and due > event.date:
            day, thing = day_noun(event.kind), noun(event.kind)
            yield PlanIssue(
                (*path, "deadline"),
                f"hạn {due:%d/%m/%Y} rơi sau {day} {event.date:%d/%m/%Y}; "
                f"nếu là việc sau {thing}, đặt follow_up: true",
            )


# --- Warnings: the plan is valid, but the person should know -----------------------------


def check_warnings(plan: Plan, calendar: WorkingCalendar) -> list[PlanIssue]:
    """What validation tells without refusing: deadlines the day-off rule moved or kept."""
    paths = {step.id: path for path, step in _steps_with_paths(plan)}
    return [
        PlanIssue((*paths[note.step_id], "deadline"), day_off_message(note))
        for note in day_off_notes(plan, calendar)
    ]


def _day_off_words(note: DayOffNote) -> str:
    if note.reason in WEEKDAY_NAMES:
        return note.reason
    return f"ngày nghỉ ({note.reason})"


def day_off_message(note: DayOffNote) -> str:
    """'hạn 07/02/2021 là Chủ nhật, giữ nguyên theo kế hoạch'."""
    head = f"hạn {note.named:%d/%m/%Y} là {_day_off_words(note)}"
    if note.rule is DayOffRule.KEEP:
        return f"{head}, giữ nguyên theo kế hoạch"
    weekday = WEEKDAY_NAMES[note.due.weekday()]
    return f"{head}, chuyển sang {weekday} {note.due:%d/%m/%Y} theo {CIVIL_CODE_RULE}"
