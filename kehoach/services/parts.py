"""Cooperators' parts and reported difficulties: what notices need from the event log.

record_part_done  a cooperating agency reports its part of a step done (event log)
notice_inputs     the parts done, each blocked step's reported difficulty and what agencies
                  reported through their links, as of `now`
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach.errors import UserError
from kehoach.services.lookup import check_agency, get_step
from kehoach.services.plans import ORIGIN
from kehoach.services.self_reports import link_reports
from kehoach.services.tracking import check_moment
from kehoach.store.tables import EventRow, PlanRow, StepRow
from models.health import Progress
from models.parts import PART_DONE, PartEvent, done_parts, part_refusal
from models.progress import EventKind
from models.reminders import NoticeInputs


def record_part_done(
    session: Session,
    key: str,
    by: str,
    now: dt.datetime,
    *,
    plan_id: str | None = None,
    at: dt.datetime | None = None,
    note: str | None = None,
) -> StepRow:
    """Record that cooperator `by` has provided its part of step `key` to the lead."""
    row = get_step(session, key, plan_id)
    plan_row = session.get_one(PlanRow, row.plan_id)
    agency = check_agency(session, plan_row, by)
    done = done_parts(_part_events(session, row.plan_id)).get(row.key, frozenset())
    refusal = part_refusal(row.cooperating, done, agency)
    if refusal:
        raise UserError(f"Không ghi nhận được phần việc của '{agency}' ở bước '{key}': {refusal}.")
    moment = check_moment(at, now)
    session.add(
        EventRow(
            plan_id=row.plan_id,
            step_key=row.key,
            kind=PART_DONE,
            actor=agency,
            at=moment,
            recorded_at=now,
            note=note,
            data=dict(session.info.get(ORIGIN, {})),
        )
    )
    return row


def _part_events(session: Session, plan_id: str) -> list[PartEvent]:
    query = select(EventRow.step_key, EventRow.actor, EventRow.at).where(
        EventRow.plan_id == plan_id, EventRow.kind == PART_DONE
    )
    return [PartEvent(key, actor, at) for key, actor, at in session.execute(query) if key]


def notice_inputs(session: Session, plan_id: str, now: dt.datetime) -> NoticeInputs:
    return NoticeInputs(
        parts=done_parts(_part_events(session, plan_id), until=now),
        difficulties=_difficulties(session, plan_id, now),
        reports=link_reports(session, plan_id, now),
    )


def _difficulties(session: Session, plan_id: str, now: dt.datetime) -> dict[str, str]:
    """Each step's latest reported difficulty (a 'blocked' progress note) up to `now`."""
    query = (
        select(EventRow.step_key, EventRow.note)
        .where(
            EventRow.plan_id == plan_id,
            EventRow.kind == EventKind.PROGRESS.value,
            EventRow.status == Progress.BLOCKED.value,
            EventRow.at <= now,
        )
        .order_by(EventRow.at, EventRow.id)
    )
    return {key: note for key, note in session.execute(query) if key and note}
