"""What `kehoach.services.status` must answer, computed the plain way, to check its fast path.

No caches, no raw driver rows, no shared tuples: ORM rows, each step's events folded from
the log, its deadline read from the deadline history, one `assess` per step. Slow, and
obviously what the record says; the fast path must give exactly the same StepStatus.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach.services.lookup import plan_of
from kehoach.services.status import StepStatus
from kehoach.store.tables import DeadlineRow, EventRow, PlanEventRow, PlanRow, StepRow
from models.deadlines import DeadlineReason, DeadlineRecord, in_force
from models.health import HealthRules, Progress, StepFacts, assess
from models.plan import Plan
from models.progress import EventKind, ProgressState, StepEvent, fold

# What changes a step's progress or deadline (the other kinds only describe).
STATE_EVENTS = frozenset(
    {
        EventKind.PROGRESS,
        EventKind.DIFFICULTY_RESOLVED,
        EventKind.DEADLINE_EXTENDED,
        EventKind.RECEIPT_CONFIRMED,
        EventKind.NOT_APPLICABLE,
        EventKind.REPORT_RETURNED,
    }
)
DELIVERED = frozenset({Progress.SUBMITTED, Progress.DONE, Progress.NOT_APPLICABLE})


def reference_statuses(session: Session, plan_row: PlanRow, as_of: dt.datetime) -> list[StepStatus]:
    plan, calendar = plan_of(session, plan_row)
    closed = plan_row.closed_at is not None and as_of >= plan_row.closed_at
    moment = plan_row.closed_at if closed and plan_row.closed_at else as_of
    steps = session.scalars(
        select(StepRow)
        .where(StepRow.plan_id == plan_row.id, StepRow.archived_at.is_(None))
        .order_by(StepRow.position)
    ).all()
    events = _events(session, plan_row.id)
    states = {s.key: _state_at(events.get(s.key, []), s, moment) for s in steps}
    history = _records(session, plan_row.id)
    delivered = {key for key, state in states.items() if state.progress in DELIVERED}
    pending = _waiting_for_event_date(session, plan, plan_row.id)
    rules = HealthRules(
        plan.reminders.due_soon_within,
        plan.reminders.stalled_after,
        plan.tracking.extension_counts_on_time,
    )
    event_date = _event_date_at(history, plan, plan_row, moment)
    result = []
    for step in steps:
        state = states[step.key]
        deadline, extended = _deadline_at(history.get(step.key, []), step, state, moment)
        state = state._replace(extended_to=extended)
        ready = step.step_id not in pending and delivered.issuperset(step.depends_on)
        facts = StepFacts(
            deadline=deadline,
            progress=state.progress,
            last_update_at=state.last_update_at,
            completed_at=state.completed_at,
            extended_to=extended,
            dependencies_done=ready,
            check_in=step.ongoing,
            tracked_from=step.period_start if step.ongoing else None,
            submitted_at=state.submitted_at,
        )
        result.append(
            StepStatus(
                plan_id=plan_row.id,
                key=step.key,
                responsibility_id=step.responsibility_id,
                step_id=step.step_id,
                title=step.title,
                deliverable=step.deliverable,
                lead=step.lead,
                cooperating=tuple(step.cooperating),
                deadline=deadline,
                first_deadline=step.first_deadline,
                deadline_source=step.deadline_source,
                state=state,
                assessment=assess(facts, moment, calendar, rules, closed),
                event_date=event_date,
                extension_on_time=rules.extension_on_time,
                closed_at=plan_row.closed_at,
                not_before=step.not_before,
                event_kind=plan.main_event.kind.value if plan.main_event else None,
                series=step.series,
                period_start=step.period_start,
                period_end=step.period_end,
                ongoing=step.ongoing,
            )
        )
    return result


def _events(session: Session, plan_id: str) -> dict[str | None, list[StepEvent]]:
    rows = session.scalars(select(EventRow).where(EventRow.plan_id == plan_id)).all()
    events: dict[str | None, list[StepEvent]] = defaultdict(list)
    for row in rows:
        if row.kind in STATE_EVENTS:
            extended = row.data["to"] if row.kind == EventKind.DEADLINE_EXTENDED else None
            status = Progress(row.status) if row.status else None
            events[row.step_key].append(
                StepEvent(
                    EventKind(row.kind),
                    row.at,
                    status,
                    extended and dt.date.fromisoformat(extended),
                )
            )
    return events


def _state_at(events: list[StepEvent], step: StepRow, moment: dt.datetime) -> ProgressState:
    """The fold of the step's own events up to `moment` (the row keeps the latest fold)."""
    return fold(events, moment, step.completes_on == "receipt")


def _records(session: Session, plan_id: str) -> dict[str | None, list[DeadlineRecord]]:
    rows = session.scalars(
        select(DeadlineRow)
        .where(DeadlineRow.plan_id == plan_id)
        .order_by(DeadlineRow.at, DeadlineRow.id)
    ).all()
    records: dict[str | None, list[DeadlineRecord]] = defaultdict(list)
    for row in rows:
        record = DeadlineRecord(
            row.at, row.deadline, row.extended_to, row.event_date, DeadlineReason(row.reason)
        )
        records[row.step_key or f"event:{row.event_id or 'main'}"].append(record)
    return records


def _deadline_at(
    history: list[DeadlineRecord], step: StepRow, state: ProgressState, moment: dt.datetime
) -> tuple[dt.date, dt.date | None]:
    """The deadline the history held when the step was finished, else at `moment`."""
    record = in_force(history, state.completed_at or moment)
    if record is None:  # a step written before deadline history was kept
        return step.deadline, step.extended_to
    return record.deadline, record.extended_to


def _event_date_at(
    history: dict[str | None, list[DeadlineRecord]],
    plan: Plan,
    plan_row: PlanRow,
    moment: dt.datetime,
) -> dt.date | None:
    main = plan.main_event
    if main is None:
        return plan_row.event_date
    record = in_force(history.get(f"event:{main.id}", []), moment)
    return record.deadline if record else plan_row.event_date


def _waiting_for_event_date(session: Session, plan: Plan, plan_id: str) -> set[str]:
    """Steps that wait for their event's date to be confirmed (confirmation as recorded now)."""
    rows = session.scalars(select(PlanEventRow).where(PlanEventRow.plan_id == plan_id))
    confirmed = {row.event_id for row in rows if row.confirmed}
    waiting = set()
    for _, step in plan.all_steps():
        event = plan.event_before(step)
        if step.needs_confirmed_event and (event.id if event else None) not in confirmed:
            waiting.add(step.id)
    return waiting
