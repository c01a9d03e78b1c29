"""Expand a plan's steps into the concrete steps that are tracked (fan-out: one per agency)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace

from models.plan import Plan, Responsibility, Step
from models.receipts import completes_on, receiver_codes


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
    # RCV: who receives the deliverable, through whom, what completes it (models.receipts).
    receivers: tuple[str, ...] = ()
    via: str | None = None
    completes_on: str = "submission"
    conditional: bool = False


def instance_key(step_id: str, agency: str | None) -> str:
    return f"{step_id}@{agency}" if agency else step_id


def fan_out_agencies(plan: Plan, step: Step) -> list[str]:
    """Member agencies of the step's fan-out groups, in directory order, each once."""
    if step.fan_out is None:
        return []
    groups = set(step.fan_out)
    return [a.code for a in plan.agencies if groups.intersection(a.groups)]


def _dependency_keys(
    plan: Plan, step_by_id: dict[str, Step], dep_id: str, agency: str | None
) -> list[str]:
    dependency = step_by_id[dep_id]
    members = fan_out_agencies(plan, dependency)
    if not members:
        return [dep_id]
    # A fanned-out step that depends on another over the same agency waits only for
    # that agency's own instance (its delegates, not every district's).
    if agency in members:
        return [instance_key(dep_id, agency)]
    return [instance_key(dep_id, member) for member in members]


def _instances(
    plan: Plan,
    responsibility: Responsibility,
    step: Step,
    deadlines: dict[str, dt.date],
    step_by_id: dict[str, Step],
) -> Iterator[ConcreteStep]:
    agencies: list[str | None] = list(fan_out_agencies(plan, step)) or [None]
    for agency in agencies:
        lead = agency or step.lead or ""
        depends = [
            k for d in step.depends_on for k in _dependency_keys(plan, step_by_id, d, agency)
        ]
        yield ConcreteStep(
            key=instance_key(step.id, agency),
            responsibility_id=responsibility.id,
            step_id=step.id,
            title=step.title,
            deliverable=step.deliverable,
            lead=lead,
            cooperating=tuple(c for c in plan.expand_codes(step.cooperating) if c != lead),
            depends_on=tuple(depends),
            deadline=deadlines[step.id],
            deadline_source=step.deadline.source.value,
            follow_up=step.follow_up,
            position=0,
            receivers=receiver_codes(plan, step, lead),
            via=step.via,
            completes_on=completes_on(plan, step).value,
            conditional=step.conditional,
        )


def expand_steps(plan: Plan, deadlines: dict[str, dt.date]) -> list[ConcreteStep]:
    """Every tracked step of the plan, in plan order, with concrete dependency keys."""
    step_by_id = {s.id: s for _, s in plan.all_steps()}
    expanded = [
        instance
        for responsibility, step in plan.all_steps()
        for instance in _instances(plan, responsibility, step, deadlines, step_by_id)
    ]
    return [replace(instance, position=index) for index, instance in enumerate(expanded)]
