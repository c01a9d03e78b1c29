"""What agencies reported through their links since the coordinator's last listing of them.

The event log rows an agency wrote through the web service (`data.via == "link"`), from
the previous listing's moment (less `models.self_reports.OVERLAP`) to `now`, with their
step's names. Which of them to tell, and how, is `models.self_reports`; the outbox's key
(the event's id) keeps the overlap from listing one twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from kehoach.store.outbox_tables import ReminderItemRow
from kehoach.store.tables import EventRow, PlanRow, StepRow
from models.progress import EventKind
from models.reminders import Rule
from models.self_reports import LINK_KINDS, LinkReport, window_start

_COLUMNS = (
    EventRow.id,
    EventRow.step_key,
    StepRow.step_id,
    StepRow.title,
    StepRow.lead,
    EventRow.actor,
    EventRow.kind,
    EventRow.at,
    EventRow.status,
    EventRow.note,
    EventRow.link,
    EventRow.data,
)


def link_reports(session: Session, plan_id: str, now: dt.datetime) -> tuple[LinkReport, ...]:
    since = window_start(last_listed(session, plan_id, now))
    query = (
        select(*_COLUMNS)
        .join(StepRow, and_(StepRow.plan_id == EventRow.plan_id, StepRow.key == EventRow.step_key))
        .where(
            EventRow.plan_id == plan_id,
            EventRow.kind.in_(LINK_KINDS),
            EventRow.at <= now,
            EventRow.data["via"].as_string() == "link",
        )
        .order_by(EventRow.id)
    )
    if since is not None:
        query = query.where(EventRow.at > since)
    return tuple(_report(row) for row in session.execute(query))


def last_listed(session: Session, plan_id: str, now: dt.datetime) -> dt.datetime | None:
    """When a sweep last listed a link report of the plan for its coordinator (not after `now`)."""
    document = session.get_one(PlanRow, plan_id).document
    coordinator = document["plan"]["coordinator"]
    return session.scalar(
        select(func.max(ReminderItemRow.created_at)).where(
            ReminderItemRow.recipient == coordinator,
            ReminderItemRow.plan_id == plan_id,
            ReminderItemRow.rule == Rule.SELF_REPORTED.value,
            ReminderItemRow.created_at <= now,
        )
    )


def _report(row: Any) -> LinkReport:
    data = row.data or {}
    proposed = data.get("to") if row.kind == EventKind.EXTENSION_REQUESTED.value else None
    return LinkReport(
        event_id=row.id,
        step_key=row.step_key,
        step_id=row.step_id,
        title=row.title,
        lead=row.lead,
        actor=row.actor,
        kind=row.kind,
        at=row.at,
        status=row.status,
        note=row.note,
        link=row.link,
        file_name=(data.get("file") or {}).get("name"),
        proposed=dt.date.fromisoformat(proposed) if proposed else None,
    )
