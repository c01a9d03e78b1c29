"""The health of every tracked step as of a moment, read from the database."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    Date,
    Dialect,
    Select,
    String,
    bindparam,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, defer
from sqlalchemy.sql.compiler import SQLCompiler

from kehoach.collector import collector_paused
from kehoach.errors import UserError
from kehoach.services.lookup import plan_of, suggestion
from kehoach.services.plans import event_rows
from kehoach.store.days import DayText, LocalDayText, UtcInstant, day_of, instants_are_aware
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


class _Facts(NamedTuple):
    """What a step is judged by, as text (a day as kehoach.store.days writes it, '' for
    nothing).

    The health rules read a moment only by its day in Vietnam (models.health.assess), so
    the facts hold the days of the last update, the completion and the submission, not the
    moments: keyed by the moments, nearly every reported step would be judged alone; keyed
    by their days, the steps done on one day against one deadline share one judgement.
    """

    deadline: str
    first_deadline: str
    deadline_source: str
    extended_to: str | None
    progress: str
    completed_deadline: str | None
    completed_extended_to: str | None
    not_before: str | None
    series: str | None
    period_start: str | None
    period_end: str | None
    ongoing: str | None
    updated_on: str | None
    completed_on: str | None
    submitted_on: str | None


class _Moments(NamedTuple):
    """A step's own moments as the driver returns them (UTC instants on PostgreSQL, text on
    SQLite): only its state holds them."""

    last_update_at: Any
    completed_at: Any
    blocked_since: Any
    submitted_at: Any


_SEPARATOR = "|"  # in no date, code, step id or enum value of the facts


_DAYS_OF = {  # a fact that is a moment's day in Vietnam, and the moment's column
    "updated_on": StepRow.last_update_at,
    "completed_on": StepRow.completed_at,
    "submitted_on": StepRow.submitted_at,
}


def _facts_as_text() -> Any:
    """The facts in one text column: one value to fetch, hash and compare per step, not 15."""
    days = {name: LocalDayText(column) for name, column in _DAYS_OF.items()}
    nothing: Any = literal_column("''")
    separator: Any = literal_column(f"'{_SEPARATOR}'")
    parts: list[Any] = []
    for name in _Facts._fields:
        column: Any = days[name] if name in days else getattr(StepRow, name)
        if isinstance(column.type, Date):
            column = DayText(column)
        parts.append(func.coalesce(column, nothing))
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + separator + part
    return joined.label("facts")


def _facts_of(text: str) -> _Facts:
    return _new_tuple(_Facts, [value or None for value in text.split(_SEPARATOR)])


# What status reads of a step, in the order a StepStatus is built from it: the step's own
# words (copied as they are), its cooperating agencies and dependencies, then its progress
# and the facts its health is judged from, then its moments. Steps with the same facts get
# the same judgement, each with its own moments.
_WORDS = (
    StepRow.key,
    StepRow.responsibility_id,
    StepRow.step_id,
    StepRow.title,
    StepRow.deliverable,
    StepRow.lead,
)
_COOPERATING, _DEPENDS_ON, _PROGRESS, _FACTS, _MOMENTS = 6, 7, 8, 9, 10
_STEP_COLUMNS = (
    *_WORDS,
    _raw(StepRow.cooperating),
    _raw(StepRow.depends_on),
    _raw(StepRow.progress),
    _facts_as_text(),
    *(UtcInstant(getattr(StepRow, name)).label(name) for name in _Moments._fields),
    # Last, outside the facts: only looking back reads it (to fold receipts).
    StepRow.completes_on,
    StepRow.position,
)
_COMPLETES_ON = _MOMENTS + len(_Moments._fields)
# The stored columns the read draws on (benchmarks/status_bench.py's floor reads them bare).
SOURCE_COLUMNS = tuple(
    dict.fromkeys(
        [c.key for c in _WORDS]
        + ["cooperating", "depends_on", "progress"]
        + [name for name in _Facts._fields if name not in _DAYS_OF]
        + list(_Moments._fields)
        + ["completes_on", "position"]
    )
)
_IN_PLAN_ORDER = itemgetter(_COMPLETES_ON + 1)
# In the plan's order, sorted here and not by the database: on PostgreSQL the sort of a
# province's 14,700 rows was two thirds of the read's server time (25 of 35 ms), and the
# rows arrive nearly in order, which Python's sort passes through in one run.
_STEPS_OF_PLAN = select(*_STEP_COLUMNS).where(
    StepRow.plan_id == bindparam("plan_id"), StepRow.archived_at.is_(None)
)


@lru_cache(maxsize=16)
def _compiled(statement: Select[Any], dialect: Dialect) -> SQLCompiler:
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    return compiled


def _prepared(session: Session, statement: Select[Any], **params: Any) -> Callable[[], list[Any]]:
    """A read of plain tuples from the DBAPI cursor (no Row objects, no per-value
    processing), ready to run, in another thread too: it touches no Session.

    The SQL is SQLAlchemy's, built from the tables' metadata and compiled once per dialect.
    """
    connection = session.connection()
    compiled = _compiled(statement, connection.dialect)
    named = compiled.construct_params(params)
    order = compiled.positiontup
    values: Any = named if order is None else [named[name] for name in order]
    driver: Any = connection.connection.driver_connection

    def fetch() -> list[Any]:
        cursor = driver.cursor()
        try:
            cursor.execute(compiled.string, values)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    return fetch


def _plans_rows(session: Session, plan_ids: list[str]) -> Iterator[list[Any]]:
    """Each plan's rows in plan order, on PostgreSQL the next plan's read under way while
    this one is judged: the server reads while Python judges, on two cores at once.

    One connection, so one transaction and one snapshot for every plan (psycopg's
    connection serialises its statements); SQLite reads plan after plan (its connection
    belongs to one thread).
    """
    reads = [_prepared(session, _STEPS_OF_PLAN, plan_id=p) for p in plan_ids]
    if session.get_bind().dialect.name != "postgresql" or len(reads) < 2:
        yield from (sorted(read(), key=_IN_PLAN_ORDER) for read in reads)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kehoach-status") as reader:
        pending = reader.submit(reads[0])
        for read in reads[1:]:
            rows = pending.result()
            pending = reader.submit(read)
            yield sorted(rows, key=_IN_PLAN_ORDER)
        yield sorted(pending.result(), key=_IN_PLAN_ORDER)


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
            day = value if isinstance(value, dt.date) else day_of(value)
            self._days[value] = day
        return day

    def instant(self, value: Any) -> dt.datetime | None:
        if value is None:
            return None
        return self._instants.get(value) or self._new_instant(value)

    def _new_instant(self, value: Any) -> dt.datetime:
        naive = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
        moment = self._instants[value] = naive.replace(tzinfo=dt.UTC)
        return moment

    def deadlines(self, facts: _Facts, state: ProgressState) -> tuple[dt.date, dt.date | None]:
        """The deadline in force now, or, for a finished step, the one frozen at completion."""
        if state.completed_at is not None and facts.completed_deadline is not None:
            return self.required_day(facts.completed_deadline), self.day(
                facts.completed_extended_to
            )
        return self.required_day(facts.deadline), state.extended_to

    def state(self, facts: _Facts, moments: _Moments) -> ProgressState:
        progress = PROGRESS_BY_VALUE[facts.progress]
        if progress is Progress.NOT_STARTED and facts.extended_to is None:
            return _UNTOUCHED  # most steps, most days
        return ProgressState(
            progress,
            self.instant(moments.last_update_at),
            self.instant(moments.completed_at),
            self.instant(moments.blocked_since),
            self.day(facts.extended_to),
            self.instant(moments.submitted_at),
        )

    def own_state(self, judged: ProgressState, moments: Sequence[Any]) -> ProgressState:
        """A step's state: the judged one (progress, extension in force) with its moments."""
        # Inlined (a step's moments are mostly its own, or none): one look-up each.
        known, new = self._instants.get, self._new_instant
        last_update, completed, blocked, submitted = moments
        return _new_tuple(ProgressState, (
            judged.progress,
            known(last_update) or (last_update and new(last_update)),
            known(completed) or (completed and new(completed)),
            known(blocked) or (blocked and new(blocked)),
            judged.extended_to,
            known(submitted) or (submitted and new(submitted)),
            None,
        ))  # fmt: skip


_UNTOUCHED = ProgressState()
# What a dependent step waits for: the work delivered, or declared không phát sinh.
_COMPLETED = frozenset({Progress.SUBMITTED, Progress.DONE, Progress.NOT_APPLICABLE})
_COMPLETED_VALUES = frozenset(p.value for p in _COMPLETED)


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
    return _newest(session.execute(_LATEST_CHANGES, {"plan_id": plan_id}).one())


def _newest(moments: Sequence[dt.datetime | None]) -> dt.datetime | None:
    return max((m for m in moments if m is not None), default=None)


def _latest_changes(plan_id: Any) -> list[Any]:
    """The latest of each kind of event that changes a state, and of the deadline history:
    each one probe of an index on (plan_id, kind, at) or (plan_id, at), whatever the
    length of the history (0011_status_indexes)."""
    events = [
        _latest(EventRow.at, EventRow.plan_id == plan_id, EventRow.kind == kind.value)
        for kind in _REPLAYED
    ]
    return [*events, _latest(DeadlineRow.at, DeadlineRow.plan_id == plan_id)]


def _latest(column: Any, *where: Any) -> Any:
    return select(func.max(column)).where(*where).scalar_subquery()


# One round trip for one plan, or for every plan at once (correlated subqueries).
_LATEST_CHANGES = select(*_latest_changes(bindparam("plan_id")))
_LATEST_CHANGES_BY_PLAN = select(PlanRow.id, *_latest_changes(PlanRow.id))


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


class _Record(NamedTuple):
    """What status needs of a plan besides its steps: one plan's or all plans' at once."""

    latest_change: dt.datetime | None
    confirmed_events: frozenset[str]


def _record_of(session: Session, plan_id: str) -> _Record:
    confirmed = (r.event_id for r in event_rows(session, plan_id).values() if r.confirmed)
    return _Record(_latest_change(session, plan_id), frozenset(confirmed))


def _records(session: Session) -> dict[str, _Record]:
    """Every plan's record in two round trips, not two a plan."""
    confirmed: dict[str, set[str]] = defaultdict(set)
    query = select(PlanEventRow.plan_id, PlanEventRow.event_id).where(PlanEventRow.confirmed)
    for plan_id, event_id in session.execute(query):
        confirmed[plan_id].add(event_id)
    return {
        plan_id: _Record(_newest(moments), frozenset(confirmed[plan_id]))
        for plan_id, *moments in session.execute(_LATEST_CHANGES_BY_PLAN)
    }


def plan_statuses(session: Session, plan_row: PlanRow, as_of: dt.datetime) -> list[StepStatus]:
    with collector_paused():
        record = _record_of(session, plan_row.id)
        return _plan_statuses(session, plan_row, as_of, record, _Shared(session))


def _plan_statuses(
    session: Session,
    plan_row: PlanRow,
    as_of: dt.datetime,
    record: _Record,
    shared: _Shared,
    rows: list[Any] | None = None,
) -> list[StepStatus]:
    plan, calendar = plan_of(session, plan_row)
    closed = plan_row.closed_at is not None and as_of >= plan_row.closed_at
    # After the plan is closed nothing grows: everything is judged at the closing moment.
    as_of = plan_row.closed_at if closed and plan_row.closed_at else as_of
    rules = HealthRules(
        plan.reminders.due_soon_within,
        plan.reminders.stalled_after,
        plan.tracking.extension_counts_on_time,
    )
    kind = plan.main_event.kind.value if plan.main_event else None
    judged = _Judged(
        as_of, calendar, rules, closed, plan_row.event_date, plan_row.closed_at, kind,
        plan_row.id, _waiting_for_date(plan, record.confirmed_events),
    )  # fmt: skip
    if rows is None:
        [rows] = _plans_rows(session, [plan_row.id])
    latest = record.latest_change
    if latest is not None and latest > as_of:
        return _looking_back(session, plan, rows, judged)
    return _as_recorded(rows, judged, shared)


def _waiting_for_date(plan: Plan, confirmed: frozenset[str]) -> frozenset[str]:
    """Steps (by id) that wait for their event's date to be confirmed."""
    return frozenset(
        s.id
        for _, s in plan.all_steps()
        if s.needs_confirmed_event and _event_id(plan, s) not in confirmed
    )


def _event_id(plan: Plan, step: Step) -> str | None:
    event = plan.event_before(step)
    return event.id if event else None


class _Judged(NamedTuple):
    """What every step of one plan is judged with: constant for one read."""

    as_of: dt.datetime
    calendar: Any
    rules: HealthRules
    closed: bool
    event_date: dt.date | None
    closed_at: dt.datetime | None
    event_kind: str | None
    plan_id: str
    waiting_for_date: frozenset[str]


class _Shared:
    """What one read shares between plans judged alike: the judgements, the values read.

    Plans judged at one moment, on one calendar, by the same rules and with the same event
    date judge the same facts the same way (a province's plans follow the national
    calendar, and a national programme gives every province the same deadlines).
    """

    def __init__(self, session: Session) -> None:
        self.values = _Values()
        self._judgements: dict[_Judged, _Judgements] = {}
        self.aware = instants_are_aware(session.get_bind().dialect.name)

    def judgements(self, judged: _Judged) -> _Judgements:
        """Keyed by the facts: one dict for steps ready to start, one for those waiting."""
        alike = judged._replace(plan_id="", waiting_for_date=frozenset())
        found = self._judgements.get(alike)
        if found is None:
            found = self._judgements[alike] = ({}, {})
        return found


_Judgements = tuple[dict[Any, tuple[Any, ...]], dict[Any, tuple[Any, ...]]]


def _as_recorded(rows: Sequence[Any], judged: _Judged, shared: _Shared) -> list[StepStatus]:
    """The hot path: each step's state as its row keeps it, judged once per distinct facts.

    Inlined on purpose (no call per step): this loop is most of a 500k-step read.
    """
    values, cooperating = shared.values, _Cooperating()
    done = {row[0] for row in rows if row[_PROGRESS] in _COMPLETED_VALUES}
    waiting = judged.waiting_for_date
    # Fanned-out copies share deadlines and most share their state's days: few are judged.
    judgements = shared.judgements(judged)
    plan_id, append, own_state = (judged.plan_id,), list.append, values.own_state
    aware, first, last = shared.aware, _MOMENTS, _COMPLETES_ON - 1
    result: list[StepStatus] = []
    for row in rows:
        depends_on = row[_DEPENDS_ON]
        ready = row[2] not in waiting and (not depends_on or done.issuperset(depends_on.split()))
        facts = row[_FACTS]
        known = judgements[ready]
        tail = known.get(facts)
        if tail is None:
            tail = known[facts] = _judgement_of_row(row, ready, values, judged)
        state = tail[_STATE_AT]
        if state is not _UNTOUCHED:  # a reported step: the judgement, with its own moments
            if aware:  # UTC instants already, built by the driver
                own = _new_tuple(ProgressState, (
                    state.progress, row[first], row[first + 1], row[first + 2],
                    state.extended_to, row[last], None,
                ))  # fmt: skip
            else:
                own = own_state(state, row[_MOMENTS:_COMPLETES_ON])
            tail = tail[:_STATE_AT] + (own,) + tail[_STATE_AT + 1 :]  # noqa: RUF005
        text = row[_COOPERATING]
        # tuple.__new__, not StepStatus(...): no keyword handling for 22 fields per step.
        words = plan_id + row[:_COOPERATING] + (cooperating[text] if text else _NOBODY)
        append(result, _new_tuple(StepStatus, words + tail))
    return result


_NOBODY: tuple[tuple[str, ...]] = ((),)
_STATE_AT = 3  # where a judgement holds the step's state (StepStatus.state, after `cooperating`)


class _Cooperating(dict[str, tuple[tuple[str, ...]]]):
    """A step's cooperating agencies as a 1-tuple holding their codes, ready to concatenate."""

    def __missing__(self, text: str) -> tuple[tuple[str, ...]]:
        cell = self[text] = (tuple(text.split()),)
        return cell


def _judgement_of_row(
    row: Sequence[Any], ready: bool, values: _Values, judged: _Judged
) -> tuple[Any, ...]:
    facts = _facts_of(row[_FACTS])
    state = values.state(facts, _new_tuple(_Moments, row[_MOMENTS:_COMPLETES_ON]))
    return _judgement(facts, state, values.deadlines(facts, state), ready, values, judged)


def _looking_back(
    session: Session, plan: Plan, rows: Sequence[Any], judged: _Judged
) -> list[StepStatus]:
    """Each step's events folded up to `as_of`, its deadline from the history then."""
    receipt_keys = frozenset(row[0] for row in rows if row[_COMPLETES_ON] == "receipt")
    replayed = _states_as_of(session, judged.plan_id, judged.as_of, receipt_keys)
    states = [replayed.get(row[0], _UNTOUCHED) for row in rows]
    history = _History(session, judged.plan_id, judged.as_of)
    main = plan.main_event
    judged = judged._replace(
        event_date=history.event_date(judged.event_date, main.id) if main else None
    )
    done = {row[0] for row, state in zip(rows, states, strict=True) if state[0] in _COMPLETED}
    values, words, result = _Values(), _Words(judged.plan_id), []
    for row, state in zip(rows, states, strict=True):
        facts = _facts_of(row[_FACTS])
        due = history.deadline(row[0], state, values.deadlines(facts, state))
        ready = _ready(row, done, judged.waiting_for_date)
        result.append(words.status(row, _judgement(facts, state, due, ready, values, judged)))
    return result


def _ready(row: Any, done: set[str], waiting_for_date: frozenset[str]) -> bool:
    """Not waiting for an event's date, nor for a step it depends on."""
    depends_on = row[_DEPENDS_ON]
    return row[2] not in waiting_for_date and (
        not depends_on or done.issuperset(depends_on.split())
    )


class _Words:
    """A StepStatus from a step's row and its judgement (the cooperating lists repeat)."""

    def __init__(self, plan_id: str) -> None:
        self.plan_id = (plan_id,)
        self.cooperating = _Cooperating()

    def status(self, row: Any, judgement: tuple[Any, ...]) -> StepStatus:
        text = row[_COOPERATING]
        together = self.cooperating[text] if text else _NOBODY
        return _new_tuple(StepStatus, self.plan_id + row[:_COOPERATING] + together + judgement)


_new_tuple = tuple.__new__


def _judgement(
    facts: _Facts,
    state: ProgressState,
    due: tuple[dt.date, dt.date | None],
    ready: bool,
    values: _Values,
    judged: _Judged,
) -> tuple[Any, ...]:
    """The fields of a StepStatus after `cooperating`, in order: what the facts mean now."""
    deadline, extended = due
    if extended != state.extended_to:
        state = state._replace(extended_to=extended)
    tracked_from = values.day(facts.period_start) if facts.ongoing is not None else None
    health: StepFacts = _new_tuple(StepFacts, (
        deadline, state.progress, state.last_update_at, state.completed_at, extended, ready,
        facts.ongoing, tracked_from, state.submitted_at,
    ))  # fmt: skip
    return (
        deadline,
        values.required_day(facts.first_deadline),
        facts.deadline_source,
        state,
        assess(health, judged.as_of, judged.calendar, judged.rules, judged.closed),
        judged.event_date,
        judged.rules.extension_on_time,
        judged.closed_at,
        values.day(facts.not_before),
        judged.event_kind,
        facts.series,
        values.day(facts.period_start),
        values.day(facts.period_end),
        facts.ongoing,
    )


def statuses(
    session: Session, as_of: dt.datetime, plan_id: str | None = None, agency: str | None = None
) -> list[StepStatus]:
    # The plan's document is only needed to validate it, once per file version (plan_of).
    query = select(PlanRow).options(defer(PlanRow.document)).order_by(PlanRow.id)
    if plan_id is not None:
        query = query.where(PlanRow.id == plan_id)
    plans = list(session.scalars(query))
    if agency is not None:
        _check_agency_known(session, plans, agency)
    records = (
        _records(session) if plan_id is None else {p.id: _record_of(session, p.id) for p in plans}
    )
    with collector_paused():
        shared, result = _Shared(session), []
        rows_of_plans = _plans_rows(session, [row.id for row in plans])
        for row, rows in zip(plans, rows_of_plans, strict=True):
            result += _plan_statuses(session, row, as_of, records[row.id], shared, rows)
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
