"""Expand a plan's steps into the concrete steps that are tracked (fan-out: one per agency)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace

from models.calendar import WorkingCalendar
from models.directory import children_of
from models.plan import Agency, Plan, Responsibility, Step
from models.receipts import completes_on, receiver_codes
from models.recurrence import Occurrence, occurrences


@dataclass(frozen=True)
class ConcreteStep:
    key: str
    responsibility_id: str
    step_id: str
    title: str
    deliverable: str | None
    lead: str
    cooperating: tuple[str, ...]
    depends_on: tuple[str, ...]
    deadline: dt.date
    deadline_source: str
    follow_up: bool
    position: int
    # EV: the event the deadline counts from (None: not relative), and a window's start.
    event_id: str | None = None
    not_before: dt.date | None = None
    # REC: an occurrence of a recurring step (`series` = its step id) and the data period it
    # reports on; `ongoing` = the check-in cycle of a duty without a deadline.
    series: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    ongoing: str | None = None
    # RCV: who receives the deliverable, through whom, what completes it (models.receipts).
    receivers: tuple[str, ...] = ()
    via: str | None = None
    completes_on: str = "submission"
    conditional: bool = False


def instance_key(step_id: str, agency: str | None) -> str:
    return f"{step_id}@{agency}" if agency else step_id


def fan_out_agencies(plan: Plan, step: Step) -> list[str]:
    """Member agencies of the step's fan-out groups, in directory order, each once; with
    `fan_out_children`, the children of each member instead (each district's communes)."""
    if step.fan_out is None:
        return []
    groups = set(step.fan_out)
    members = [a.code for a in plan.agencies if groups.intersection(a.groups)]
    if step.fan_out_children:
        return list(dict.fromkeys(children_of(plan.agencies, members)))
    return members


class _Expansion:
    """What every instance needs, computed once per plan (fan-outs reach thousands)."""

    def __init__(
        self, plan: Plan, deadlines: dict[str, dt.date], calendar: WorkingCalendar | None
    ) -> None:
        self.plan = plan
        self.deadlines = deadlines
        self.calendar = calendar
        self.steps = {s.id: s for _, s in plan.all_steps()}
        self.members = {s.id: fan_out_agencies(plan, s) for s in self.steps.values()}
        self.member_sets = {key: set(codes) for key, codes in self.members.items()}
        self.agencies: dict[str, Agency] = {a.code: a for a in plan.agencies}
        self.named: dict[str, list[str]] = {}
        self.by_unit: dict[tuple[str, str], list[str]] = {}
        for agency in plan.agencies:
            for group in agency.groups:
                self.by_unit.setdefault((group, agency.unit), []).append(agency.code)

    def dependency_keys(self, dep_id: str, agency: str | None) -> list[str]:
        members = self.members[dep_id]
        if not members:
            return [dep_id]
        # A fanned-out step that depends on another over the same agency waits only for
        # that agency's own instance (its delegates, not every district's); a commune's
        # copy waits for its own district's copy.
        for own in (agency, self._parent(agency)):
            if own in self.member_sets[dep_id]:
                return [instance_key(dep_id, own)]
        return [instance_key(dep_id, member) for member in members]

    def _parent(self, code: str | None) -> str | None:
        agency = self.agencies.get(code or "")
        return agency.parent if agency else None

    def cooperating(self, step: Step, lead: str) -> tuple[str, ...]:
        """The step's cooperating agencies and, 'cùng cấp', its groups' members in the lead's
        administrative unit; never the lead itself."""
        lead_agency = self.agencies.get(lead)
        unit = lead_agency.unit if lead_agency else lead
        same_area = [c for g in step.cooperating_same_area for c in self.by_unit.get((g, unit), [])]
        if step.id not in self.named:
            self.named[step.id] = self.plan.expand_codes(step.cooperating)
        codes = [*self.named[step.id], *same_area]
        return tuple(c for c in dict.fromkeys(codes) if c != lead)


def _instances(
    expansion: _Expansion, responsibility: Responsibility, step: Step
) -> Iterator[ConcreteStep]:
    plan = expansion.plan
    agencies: list[str | None] = list(expansion.members[step.id]) or [None]
    cycle = _cycle(plan, step, expansion.calendar)
    # A cycle or an ongoing duty has no single deadline: the period's end stands in the row.
    deadline = expansion.deadlines.get(step.id) or plan.plan.covered.end
    for agency in agencies:
        lead = agency or step.lead or ""
        depends = [k for d in step.depends_on for k in expansion.dependency_keys(d, agency)]
        base = ConcreteStep(
            key=instance_key(step.id, agency),
            responsibility_id=responsibility.id,
            step_id=step.id,
            title=step.title,
            deliverable=step.deliverable,
            lead=lead,
            cooperating=expansion.cooperating(step, lead),
            depends_on=tuple(depends),
            deadline=deadline,
            # A cycle or an ongoing duty is the plan's own words, never the coordinator's.
            deadline_source=step.deadline.source.value if step.deadline else "plan_text",
            follow_up=step.follow_up,
            position=0,
            event_id=_counted_from(plan, step),
            not_before=step.deadline.not_before if step.deadline else None,
            receivers=receiver_codes(plan, step, lead),
            via=step.via,
            completes_on=completes_on(plan, step).value,
            conditional=step.conditional,
        )
        if step.ongoing is not None:
            base = _ongoing(plan, step, base)
        yield from _occurrences(step, base, agency, cycle)


def _counted_from(plan: Plan, step: Step) -> str | None:
    rule = step.deadline
    if rule is None or (rule.before_event is None and rule.after_event is None):
        return None
    event = plan.event_of(rule)
    return event.id if event else None


def _cycle(plan: Plan, step: Step, calendar: WorkingCalendar | None) -> list[Occurrence]:
    """A recurring step's occurrences in the plan's period, the same for every agency."""
    if step.recurrence is None:
        return []
    if calendar is None:
        raise ValueError("recurring steps need the working calendar to find their due days")
    period = plan.plan.covered
    rule = plan.calendar.day_off_rule.value
    return occurrences(step.recurrence.rhythm, period.start, period.end, calendar, rule)


def _occurrences(
    step: Step, base: ConcreteStep, agency: str | None, cycle: list[Occurrence]
) -> Iterator[ConcreteStep]:
    """One tracked step per cycle for a recurring step (key `<step_id>#<label>[@AGENCY]`)."""
    if step.recurrence is None:
        yield base
        return
    for item in cycle:
        yield replace(
            base,
            key=instance_key(f"{step.id}#{item.label}", agency),
            deadline=item.due,
            series=step.id,
            period_start=item.period_start,
            period_end=item.period_end,
        )


def _ongoing(plan: Plan, step: Step, base: ConcreteStep) -> ConcreteStep:
    """A duty without a deadline runs through the plan's period (its check-ins start then)."""
    assert step.ongoing is not None
    period = plan.plan.covered
    return replace(
        base, ongoing=step.ongoing.check_in.value, period_start=period.start, period_end=period.end
    )


def expand_steps(
    plan: Plan, deadlines: dict[str, dt.date], calendar: WorkingCalendar | None = None
) -> list[ConcreteStep]:
    """Every tracked step of the plan, in plan order, with concrete dependency keys.

    Recurring steps become one step per occurrence inside the plan's period (their due
    days need `calendar`); an ongoing duty is one step whose deadline is the period's end,
    which its health never judges (models.health: ONGOING).
    """
    expansion = _Expansion(plan, deadlines, calendar)
    expanded = [
        instance
        for responsibility, step in plan.all_steps()
        for instance in _instances(expansion, responsibility, step)
    ]
    return [replace(instance, position=index) for index, instance in enumerate(expanded)]
