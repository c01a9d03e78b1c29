"""The health of every tracked step as of a moment, read from the database."""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from kehoach.errors import UserError
from kehoach.services.lookup import plan_of, suggestion
from kehoach.services.plans import event_rows
from kehoach.store.tables import DeadlineRow, EventRow, PlanEventRow, PlanRow, StepRow
from models.deadlines import DeadlineReason, DeadlineRecord, in_force
from models.health import (
    PROGRESS_BY_VALUE,
    Assessment,
    HealthRules,
    Progress,
    StepFacts,
    assess,
    urgency_key,
)
from models.plan import MAIN_EVENT, Plan, Step
from models.progress import EventKind, ProgressState, StepEvent, fold


def _raw(column: Any) -> Any:
    # Plain text (SQLite) or native values (PostgreSQL), converted by _Values: on the hot
    # path SQLAlchemy's per-value processors cost more than the health rules themselves.
    return type_coerce(column, String).label(column.key)


_STEP_COLUMNS = (
    StepRow.plan_id,
    StepRow.key,
    StepRow.responsibility_id,
    StepRow.step_id,
    StepRow.title,
    StepRow.deliverable,
    StepRow.lead,
    _raw(StepRow.cooperating),
    _raw(StepRow.depends_on),
    _raw(StepRow.deadline),
    _raw(StepRow.first_deadline),
    StepRow.deadline_source,
    _raw(StepRow.extended_to),
    StepRow.progress,
    _raw(StepRow.last_update_at),
    _raw(StepRow.completed_at),
    _raw(StepRow.blocked_since),
    _raw(StepRow.completed_deadline),
    _raw(StepRow.completed_extended_to),
    _raw(StepRow.not_before),
    StepRow.series,
    _raw(StepRow.period_start),
    _raw(StepRow.period_end),
    StepRow.ongoing,
    _raw(StepRow.submitted_at),
    StepRow.completes_on,
)


class _Values:
    """Converts raw column values, remembering each distinct one (deadlines repeat a lot)."""

    def __init__(self) -> None:
        self._days: dict[Any, dt.date] = {}
        self._instants: dict[Any, dt.datetime] = {}

    def day(self, value: Any) -> dt.date | None:
        return None if value is None else self.required_day(value)

    def required_day(self, value: Any) -> dt.date:
        day = self._days.get(value)
        if day is None:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
            self._days[value] = day
        return day

    def instant(self, value: Any) -> dt.datetime | None:
        if value is None:
            return None
        moment = self._instants.get(value)
        if moment is None:
            naive = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
            moment = self._instants[value] = naive.replace(tzinfo=dt.UTC)
        return moment

    def deadlines(self, row: Any, state: ProgressState) -> tuple[dt.date, dt.date | None]:
        """The deadline in force now, or, for a finished step, the one frozen at completion."""
        if state[2] is not None and row[17] is not None:
            return self.required_day(row[17]), self.day(row[18])
        days = self._days
        return days.get(row[9]) or self.required_day(row[9]), state[4]

    def state(self, row: Any) -> ProgressState:
        progress = PROGRESS_BY_VALUE[row[13]]
        if progress is Progress.NOT_STARTED and row[12] is None:
            return _UNTOUCHED  # most steps, most days
        return ProgressState(
            progress,
            self.instant(row[14]),
            self.instant(row[15]),
            self.instant(row[16]),
            self.day(row[12]),
            self.instant(row[24]),
        )


_UNTOUCHED = ProgressState()
# What a dependent step waits for: the work delivered, or declared không phát sinh.
_COMPLETED = frozenset({Progress.SUBMITTED, Progress.DONE, Progress.NOT_APPLICABLE})


_REPLAYED = (
    EventKind.PROGRESS,
    EventKind.DIFFICULTY_RESOLVED,
    EventKind.DEADLINE_EXTENDED,
    EventKind.RECEIPT_CONFIRMED,
    EventKind.NOT_APPLICABLE,
    EventKind.REPORT_RETURNED,
)


class StepStatus(NamedTuple):
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
    event_date: dt.date | None = None
    extension_on_time: bool = True
    closed_at: dt.datetime | None = None
    not_before: dt.date | None = None  # a window's start: "từ 22/02/2021 đến 27/02/2021"
    event_kind: str | None = None  # the main event's kind: the words of `event_date`
    # REC: the recurring step an occurrence belongs to, the data period it covers, and an
    # ongoing duty's check-in cycle (see models.recurrence).
    series: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    ongoing: str | None = None

    @property
    def effective_deadline(self) -> dt.date:
        return self.state.extended_to or self.deadline

    @property
    def deadline_origin(self) -> str:
        """Who set the date in force: the plan's text, the coordinator, or an extension."""
        return "extension" if self.state.extended_to else self.deadline_source

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
            "deadline_origin": self.deadline_origin,
            "event_date": _iso(self.event_date),
            "not_before": _iso(self.not_before),
            "progress": self.state.progress.value,
            "last_update_at": _iso(self.state.last_update_at),
            "completed_at": _iso(self.state.completed_at),
            "submitted_at": _iso(self.state.submitted_at),
            "health": self.assessment.health.value,
            "health_label": self.assessment.label,
            "flags": sorted(f.value for f in self.assessment.flags),
            "working_days_left": self.assessment.working_days_left,
            "working_days_late": self.assessment.working_days_late,
            # Which rule judged a step finished inside an extension (see HealthRules).
            "within_extension": self.assessment.within_extension,
            "extension_counts_on_time": self.extension_on_time,
            "plan_closed_at": _iso(self.closed_at),
            "series": self.series,
            "period_start": _iso(self.period_start),
            "period_end": _iso(self.period_end),
            "ongoing": self.ongoing,
        }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _states_as_of(
    session: Session, plan_id: str, as_of: dt.datetime, receipt_keys: frozenset[str]
) -> dict[str, ProgressState]:
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
    return {key: fold(items, None, key in receipt_keys) for key, items in events.items()}


def _latest_change(session: Session, plan_id: str) -> dt.datetime | None:
    """The last moment anything status reads changed: progress or a deadline."""
    events = select(EventRow.at).where(
        EventRow.plan_id == plan_id, EventRow.kind.in_([k.value for k in _REPLAYED])
    )
    deadlines = select(DeadlineRow.at).where(DeadlineRow.plan_id == plan_id)
    moments = [
        session.scalar(query.order_by(query.selected_columns[0].desc()).limit(1))
        for query in (events, deadlines)
    ]
    return max((m for m in moments if m is not None), default=None)


class _History:
    """The deadline history of a plan up to a moment, for looking back in time."""

    def __init__(self, session: Session, plan_id: str, as_of: dt.datetime) -> None:
        query = (
            select(DeadlineRow)
            .where(DeadlineRow.plan_id == plan_id)
            .order_by(DeadlineRow.at, DeadlineRow.id)
        )
        self.steps: dict[str | None, list[DeadlineRecord]] = defaultdict(list)
        self.events: dict[str, list[DeadlineRecord]] = defaultdict(list)
        for row in session.scalars(query):
            records = (
                self.steps[row.step_key]
                if row.step_key
                else self.events[row.event_id or MAIN_EVENT]
            )
            records.append(
                DeadlineRecord(
                    row.at,
                    row.deadline,
                    row.extended_to,
                    row.event_date,
                    DeadlineReason(row.reason),
                )
            )
        self.as_of = as_of

    def event_date(self, default: dt.date | None, event_id: str = MAIN_EVENT) -> dt.date | None:
        record = in_force(self.events.get(event_id, []), self.as_of)
        return record.deadline if record else default

    def deadline(
        self, key: str, state: ProgressState, default: tuple[dt.date, dt.date | None]
    ) -> tuple[dt.date, dt.date | None]:
        """In force at `as_of`, or when the step was finished."""
        moment = state.completed_at or self.as_of
        record = in_force(self.steps.get(key, []), moment)
        return (record.deadline, record.extended_to) if record else default


def event_date_in_force(
    session: Session, plan_row: PlanRow, as_of: dt.datetime, event_id: str = MAIN_EVENT
) -> dt.date | None:
    """The date of an event (default: the main one) the record held at `as_of`."""
    current = _current_event_date(session, plan_row, event_id)
    latest = _latest_change(session, plan_row.id)
    if latest is None or latest <= as_of:
        return current
    return _History(session, plan_row.id, as_of).event_date(current, event_id)


def _current_event_date(session: Session, plan_row: PlanRow, event_id: str) -> dt.date | None:
    row = session.get(PlanEventRow, (plan_row.id, event_id))
    return row.date if row is not None else plan_row.event_date


def plan_statuses(session: Session, plan_row: PlanRow, as_of: dt.datetime) -> list[StepStatus]:
    plan, calendar = plan_of(session, plan_row)
    rules = HealthRules(
        plan.reminders.due_soon_within,
        plan.reminders.stalled_after,
        plan.tracking.extension_counts_on_time,
    )
    closed = plan_row.closed_at is not None and as_of >= plan_row.closed_at
    # After the plan is closed nothing grows: everything is judged at the closing moment.
    as_of = plan_row.closed_at if closed and plan_row.closed_at else as_of
    # Core, not ORM, execution: no identity map or ORM row wrapping for read-only tuples.
    rows = (
        session.connection()
        .execute(
            select(*_STEP_COLUMNS)
            .where(StepRow.plan_id == plan_row.id, StepRow.archived_at.is_(None))
            .order_by(StepRow.position)
        )
        .all()
    )
    values = _Values()
    latest = _latest_change(session, plan_row.id)
    event_date = plan_row.event_date
    if latest is not None and latest > as_of:
        receipt_keys = frozenset(row[1] for row in rows if row[25] == "receipt")
        replayed = _states_as_of(session, plan_row.id, as_of, receipt_keys)
        states = [replayed.get(row[1], ProgressState()) for row in rows]
        history = _History(session, plan_row.id, as_of)
        main = plan.main_event
        event_date = history.event_date(event_date, main.id) if main else None
        deadlines: list[Any] = [
            history.deadline(row[1], state, values.deadlines(row, state))
            for row, state in zip(rows, states, strict=True)
        ]
    else:
        states = [values.state(row) for row in rows]
        deadlines = [None] * len(rows)  # read from the row itself: the hot path
    done = {row[1] for row, state in zip(rows, states, strict=True) if state[0] in _COMPLETED}
    waiting_for_date: set[str] = set()
    confirmed = {r.event_id for r in event_rows(session, plan_row.id).values() if r.confirmed}
    waiting_for_date = {
        s.id
        for _, s in plan.all_steps()
        if s.needs_confirmed_event and _event_id(plan, s) not in confirmed
    }
    kind = plan.main_event.kind.value if plan.main_event else None
    judged = _Judged(as_of, calendar, rules, closed, event_date, plan_row.closed_at, kind)
    return [
        _status(row, state, due, values, done, judged, row[3] in waiting_for_date)
        for row, state, due in zip(rows, states, deadlines, strict=True)
    ]


def _event_id(plan: Plan, step: Step) -> str | None:
    event = plan.event_before(step)
    return event.id if event else None


class _Judged(NamedTuple):
    as_of: dt.datetime
    calendar: Any
    rules: HealthRules
    closed: bool
    event_date: dt.date | None
    closed_at: dt.datetime | None
    event_kind: str | None = None


def _status(
    row: Any,
    state: ProgressState,
    due: tuple[dt.date, dt.date | None] | None,
    values: _Values,
    done: set[str],
    judged: _Judged,
    date_pending: bool,
) -> StepStatus:
    (plan_id, key, responsibility, step_id, title, deliverable, lead, cooperating, depends_on,
     _, first_deadline_text, source) = row[:12]  # fmt: skip
    deadline, extended = due or values.deadlines(row, state)
    if extended != state[4]:
        state = state._replace(extended_to=extended)
    dependencies_done = not date_pending and (not depends_on or done.issuperset(depends_on.split()))
    series, period_start, period_end, ongoing = row[20:24]
    # One tuple per step, positionally: _replace on the hot path costs a tenth of the read.
    tracked_from = values.day(period_start) if ongoing is not None else None
    facts = StepFacts(
        deadline, state[0], state[1], state[2], extended, dependencies_done,
        ongoing, tracked_from, state[5],
    )  # fmt: skip
    assessment = assess(facts, judged.as_of, judged.calendar, judged.rules, judged.closed)
    return StepStatus(
        plan_id,
        key,
        responsibility,
        step_id,
        title,
        deliverable,
        lead,
        tuple(cooperating.split()) if cooperating else (),
        deadline,
        values.required_day(first_deadline_text),
        source,
        state,
        assessment,
        judged.event_date,
        judged.rules.extension_on_time,
        judged.closed_at,
        values.day(row[19]),
        judged.event_kind,
        series,
        values.day(period_start),
        values.day(period_end),
        ongoing,
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    # Building ~10 small tuples per step triggers the cyclic GC over and over while
    # creating no cycles at all; pausing it halves the time of a 100k-step read.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def statuses(
    session: Session, as_of: dt.datetime, plan_id: str | None = None, agency: str | None = None
) -> list[StepStatus]:
    query = select(PlanRow).order_by(PlanRow.id)
    if plan_id is not None:
        query = query.where(PlanRow.id == plan_id)
    plans = list(session.scalars(query))
    if agency is not None:
        _check_agency_known(session, plans, agency)
    with _collector_paused():
        result = [s for row in plans for s in plan_statuses(session, row, as_of)]
    if agency is not None:
        result = [s for s in result if s.lead == agency or agency in s.cooperating]
    return result


def _check_agency_known(session: Session, plans: list[PlanRow], agency: str) -> None:
    known = {a.code for row in plans for a in plan_of(session, row)[0].agencies}
    if agency not in known:
        hint = suggestion(agency, sorted(known))
        raise UserError(f"Không có cơ quan '{agency}' trong các kế hoạch đã nạp.{hint}")


def by_urgency(items: list[StepStatus]) -> list[StepStatus]:
    """Most urgent first (models.health.urgency_key), the order of every table."""
    return sorted(items, key=lambda s: urgency_key(s.assessment, s.effective_deadline))
