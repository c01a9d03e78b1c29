"""What a report says, read from the record at one moment: the only module that reads it.

Everything the Word report, the workbook and the emulation table show comes from here, so a
change in how the record describes a step (services.status.StepStatus) is adapted once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach.services import lookup
from kehoach.services.status import StepStatus, statuses
from kehoach.store.tables import EventRow, PlanRow
from models.cutoffs import last_cutoff
from models.figures import (
    AgencyFigures,
    PeriodKind,
    ReportPeriod,
    Tally,
    agency_figures,
    reporting_period,
    tally_of,
)
from models.health import PROGRESS_LABELS, Flag, Health, Progress
from models.plan import Plan
from models.progress import EVENT_LABELS, EventKind
from models.timeutil import VIETNAM, local_day


class StepLine(NamedTuple):
    responsibility: str
    title: str
    lead: str  # agency code
    cooperating: tuple[str, ...]
    deadline: dt.date  # the plan's deadline in force at the moment of the report
    extended_to: dt.date | None  # an extension (gia hạn), if any
    status: str  # the status words of the record
    tally: Tally | None  # None: không phát sinh, counted in no group
    health: Health
    blocked: bool  # a difficulty reported and not yet resolved
    completed_on: dt.date | None
    working_days_late: int


class HistoryLine(NamedTuple):
    at: dt.datetime
    step: str  # the step's title, or "" for a plan-wide event
    lead: str  # agency code of the step, or ""
    what: str
    actor: str  # agency code or the recorded actor
    status: str
    note: str


@dataclass(frozen=True)
class ReportData:
    plan: Plan
    as_of: dt.datetime
    period: ReportPeriod
    steps: list[StepLine]
    history: list[HistoryLine]

    def agency_name(self, code: str) -> str:
        known = {a.code: a.name for a in self.plan.agencies}
        return known.get(code, code)

    def figures(self) -> list[AgencyFigures]:
        order = [a.code for a in self.plan.agencies]
        return agency_figures(((s.lead, s.tally) for s in self.steps), order)

    def responsibility_title(self, responsibility: str) -> str:
        return next(r.title for r in self.plan.responsibilities if r.id == responsibility)


def step_line(item: StepStatus) -> StepLine:
    assessment = item.assessment
    return StepLine(
        item.responsibility_id,
        item.title,
        item.lead,
        item.cooperating,
        item.deadline,
        item.state.extended_to,
        assessment.label,
        tally_of(assessment.health),
        assessment.health,
        Flag.BLOCKED in assessment.flags,
        local_day(item.state.completed_at) if item.state.completed_at else None,
        assessment.working_days_late,
    )


def plan_report(
    session: Session,
    plan_id: str | None,
    as_of: dt.datetime,
    kind: PeriodKind,
    period: ReportPeriod | None = None,
) -> ReportData:
    row = lookup.get_plan(session, plan_id)
    plan = lookup.plan_of(session, row)[0]
    period = period or reporting_period(kind, local_day(as_of))
    items = statuses(session, as_of, row.id)
    history = _history(session, row, items, as_of)
    return ReportData(plan, as_of, period, [step_line(i) for i in items], history)


def cutoff_report(session: Session, plan_id: str | None, now: dt.datetime) -> ReportData | None:
    """The report for the plan's latest cut-off before `now` (models.cutoffs): its data
    period, the record as it stood at the end of the period's last day. None without one."""
    plan = lookup.plan_of(session, lookup.get_plan(session, plan_id))[0]
    cut = last_cutoff(plan, now)
    if cut is None:
        return None
    return plan_report(session, plan_id, cut.moment, cut.kind, cut.period)


def _history(
    session: Session, row: PlanRow, items: list[StepStatus], as_of: dt.datetime
) -> list[HistoryLine]:
    """The record up to the cut-off, all of it: a weekly period often holds no event, and
    the leadership asks what happened before it. The "step added" lines of a first load
    say nothing a reader needs."""
    query = (
        select(EventRow)
        .where(
            EventRow.plan_id == row.id,
            EventRow.at <= as_of,
            EventRow.kind != EventKind.STEP_ADDED.value,
        )
        .order_by(EventRow.at, EventRow.id)
    )
    by_key = {i.key: i for i in items}
    events = session.scalars(query)
    return [_history_line(event, by_key.get(event.step_key or "")) for event in events]


def _history_line(event: EventRow, step: StepStatus | None) -> HistoryLine:
    status = PROGRESS_LABELS[Progress(event.status)] if event.status else ""
    if event.kind == EventKind.DEADLINE_EXTENDED and "to" in event.data:
        status = f"hạn mới {dt.date.fromisoformat(event.data['to']):%d/%m/%Y}"
    return HistoryLine(
        event.at,
        step.title if step else "",
        step.lead if step else "",
        EVENT_LABELS.get(EventKind(event.kind), event.kind),
        event.actor,
        status,
        event.note or "",
    )


def period_figures(
    session: Session, start: dt.date, end: dt.date, now: dt.datetime
) -> tuple[list[AgencyFigures], dict[str, str]]:
    """Per agency across all plans: the steps whose deadline in force (an extension
    included) falls in [start, end], as the record stood at the end of `end` (or now)."""
    close = dt.datetime.combine(end, dt.time(23, 59, 59), VIETNAM).astimezone(dt.UTC)
    as_of = min(close, now)
    lines = [step_line(i) for i in statuses(session, as_of)]
    names = _agency_names(session)
    due = [(s.lead, s.tally) for s in lines if start <= (s.extended_to or s.deadline) <= end]
    return agency_figures(due, list(names)), names


def _agency_names(session: Session) -> dict[str, str]:
    names: dict[str, str] = {}
    for row in session.scalars(select(PlanRow).order_by(PlanRow.id)):
        for agency in lookup.plan_of(session, row)[0].agencies:
            names.setdefault(agency.code, agency.name)
    return names
