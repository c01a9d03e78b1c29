"""The health of every tracked step as of a moment, read from the database."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach.actions import plan_of
from kehoach.db.tables import EventRow, PlanRow, StepRow
from models.health import (
    URGENCY,
    Assessment,
    HealthRules,
    Progress,
    StepFacts,
    assess,
    is_completed,
)
from models.progress import EventKind, ProgressState, StepEvent, fold

_STEP_COLUMNS = (
    StepRow.plan_id,
    StepRow.key,
    StepRow.responsibility_id,
    StepRow.step_id,
    StepRow.title,
    StepRow.deliverable,
    StepRow.lead,
    StepRow.cooperating,
    StepRow.depends_on,
    StepRow.deadline,
    StepRow.first_deadline,
    StepRow.deadline_source,
    StepRow.extended_to,
    StepRow.progress,
    StepRow.last_update_at,
    StepRow.completed_at,
    StepRow.blocked_since,
    StepRow.position,
)

_REPLAYED = (EventKind.PROGRESS, EventKind.DIFFICULTY_RESOLVED, EventKind.DEADLINE_EXTENDED)


@dataclass(frozen=True)
class StepStatus:
    plan_id: str
    key: str
    responsibility_id: str
    step_id: str
    title: str
    deliverable: str | None
    lead: str
    cooperating: tuple[str, ...]
    deadline: dt.date
    first_deadline: dt.date
    deadline_source: str
    state: ProgressState
    assessment: Assessment

    @property
    def effective_deadline(self) -> dt.date:
        return self.state.extended_to or self.deadline

    def as_json(self) -> dict[str, Any]:
        return {
            "plan": self.plan_id,
            "step": self.key,
            "responsibility": self.responsibility_id,
            "title": self.title,
            "lead": self.lead,
            "cooperating": list(self.cooperating),
            "deadline": self.deadline.isoformat(),
            "first_deadline": self.first_deadline.isoformat(),
            "extended_to": _iso(self.state.extended_to),
            "deadline_source": self.deadline_source,
            "progress": self.state.progress.value,
            "last_update_at": _iso(self.state.last_update_at),
            "completed_at": _iso(self.state.completed_at),
            "health": self.assessment.health.value,
            "health_label": self.assessment.label,
            "working_days_left": self.assessment.working_days_left,
            "working_days_late": self.assessment.working_days_late,
        }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _state_from_row(row: Any) -> ProgressState:
    return ProgressState(
        progress=Progress(row.progress),
        last_update_at=row.last_update_at,
        completed_at=row.completed_at,
        blocked_since=row.blocked_since,
        extended_to=row.extended_to,
    )


def _states_as_of(session: Session, plan_id: str, as_of: dt.datetime) -> dict[str, ProgressState]:
    """Fold each step's events up to `as_of` (used when looking back in time)."""
    query = select(
        EventRow.step_key, EventRow.kind, EventRow.at, EventRow.status, EventRow.data
    ).where(
        EventRow.plan_id == plan_id,
        EventRow.kind.in_([k.value for k in _REPLAYED]),
        EventRow.at <= as_of,
    )
    events: dict[str, list[StepEvent]] = defaultdict(list)
    for key, kind, at, status, data in session.execute(query):
        extended = (
            dt.date.fromisoformat(data["to"]) if kind == EventKind.DEADLINE_EXTENDED else None
        )
        events[key].append(
            StepEvent(EventKind(kind), at, Progress(status) if status else None, extended)
        )
    return {key: fold(items) for key, items in events.items()}


def _latest_event(session: Session, plan_id: str) -> dt.datetime | None:
    query = select(EventRow.at).where(
        EventRow.plan_id == plan_id, EventRow.kind.in_([k.value for k in _REPLAYED])
    )
    return session.scalar(query.order_by(EventRow.at.desc()).limit(1))


def plan_statuses(session: Session, plan_row: PlanRow, as_of: dt.datetime) -> list[StepStatus]:
    plan, calendar = plan_of(plan_row)
    rules = HealthRules(plan.reminders.due_soon_within, plan.reminders.stalled_after)
    rows = session.execute(
        select(*_STEP_COLUMNS)
        .where(StepRow.plan_id == plan_row.id, StepRow.archived_at.is_(None))
        .order_by(StepRow.position)
    ).all()
    latest = _latest_event(session, plan_row.id)
    if latest is not None and latest > as_of:
        replayed = _states_as_of(session, plan_row.id, as_of)
        states = {r.key: replayed.get(r.key, ProgressState()) for r in rows}
    else:
        states = {r.key: _state_from_row(r) for r in rows}
    done = {key for key, state in states.items() if is_completed(state.progress)}
    waiting_for_date = set()
    if not plan_row.event_confirmed:
        waiting_for_date = {s.id for _, s in plan.all_steps() if s.needs_confirmed_event}
    return [
        _status(row, states[row.key], done, as_of, calendar, rules, row.step_id in waiting_for_date)
        for row in rows
    ]


def _status(
    row: Any,
    state: ProgressState,
    done: set[str],
    as_of: dt.datetime,
    calendar: Any,
    rules: HealthRules,
    date_pending: bool = False,
) -> StepStatus:
    facts = StepFacts(
        deadline=row.deadline,
        progress=state.progress,
        last_update_at=state.last_update_at,
        completed_at=state.completed_at,
        extended_to=state.extended_to,
        dependencies_done=not date_pending and all(dep in done for dep in row.depends_on),
    )
    return StepStatus(
        plan_id=row.plan_id,
        key=row.key,
        responsibility_id=row.responsibility_id,
        step_id=row.step_id,
        title=row.title,
        deliverable=row.deliverable,
        lead=row.lead,
        cooperating=tuple(row.cooperating),
        deadline=row.deadline,
        first_deadline=row.first_deadline,
        deadline_source=row.deadline_source,
        state=state,
        assessment=assess(facts, as_of, calendar, rules),
    )


def statuses(
    session: Session, as_of: dt.datetime, plan_id: str | None = None, agency: str | None = None
) -> list[StepStatus]:
    query = select(PlanRow).order_by(PlanRow.id)
    if plan_id is not None:
        query = query.where(PlanRow.id == plan_id)
    result = [s for row in session.scalars(query) for s in plan_statuses(session, row, as_of)]
    if agency is not None:
        result = [s for s in result if s.lead == agency or agency in s.cooperating]
    return result


def by_urgency(items: list[StepStatus]) -> list[StepStatus]:
    order = {health: index for index, health in enumerate(URGENCY)}
    return sorted(items, key=lambda s: (order[s.assessment.health], s.effective_deadline))
