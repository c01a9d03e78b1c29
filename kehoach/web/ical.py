"""An agency's calendar feed (RFC 5545): its deadlines and its plans' events, all-day.

Each entry keeps one UID for its whole life, so a calendar that subscribed moves it
rather than adding a second one; SEQUENCE counts the deadline's changes and
LAST-MODIFIED (also DTSTAMP, so the same record gives the same feed) is the moment of the
latest, both read from the deadline history. Days are Vietnam's (X-WR-TIMEZONE).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach.services.lookup import plan_of
from kehoach.services.plans import event_rows
from kehoach.services.status import plan_statuses
from kehoach.store.tables import DeadlineRow, PlanEventRow, PlanRow
from models.health import is_completed
from models.plan import MAIN_EVENT
from models.plan import Event as PlanEvent
from models.timeutil import ddmmyyyy

PRODID = "-//kehoach//Lich viec cua co quan//VI"
DOMAIN = "kehoach"


def event_key(event_id: str | None) -> str:
    """The history key of an event's date (rows without a step; before events had ids: main)."""
    return f"#su-kien:{event_id or MAIN_EVENT}"


class _Changes:
    """Per step key (an event's: `event_key`), how often and when its date last changed."""

    def __init__(self, session: Session, plan_id: str) -> None:
        self.moments: dict[str | None, list[dt.datetime]] = defaultdict(list)
        query = select(DeadlineRow.step_key, DeadlineRow.event_id, DeadlineRow.at).where(
            DeadlineRow.plan_id == plan_id
        )
        for key, event_id, at in session.execute(query.order_by(DeadlineRow.at, DeadlineRow.id)):
            self.moments[key if key is not None else event_key(event_id)].append(at)

    def sequence(self, key: str | None) -> int:
        return max(len(self.moments.get(key, [])) - 1, 0)

    def last(self, key: str | None, default: dt.datetime) -> dt.datetime:
        moments = self.moments.get(key)
        return moments[-1] if moments else default


def feed(session: Session, agency: str, now: dt.datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Lịch nhiệm vụ theo Kế hoạch")
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    for plan_row in session.scalars(select(PlanRow).order_by(PlanRow.id)):
        _plan_entries(session, calendar, plan_row, agency, now)
    return calendar.to_ical()


def _plan_entries(
    session: Session, calendar: Calendar, plan_row: PlanRow, agency: str, now: dt.datetime
) -> None:
    mine = [
        s
        for s in plan_statuses(session, plan_row, now)
        if s.lead == agency or agency in s.cooperating
    ]
    if not mine:
        return
    changes = _Changes(session, plan_row.id)
    for status in mine:
        done = is_completed(status.state.progress)
        summary = ("[Đã xong] " if done else "[Hạn] ") + status.title
        role = "chủ trì" if status.lead == agency else "phối hợp"
        description = (
            f"Nhiệm vụ {status.responsibility_id} ({role}); "
            f"hạn {ddmmyyyy(status.effective_deadline)}; tình trạng: {status.assessment.label}."
        )
        uid = f"{plan_row.id}/{status.key}@{DOMAIN}"
        changed = changes.last(status.key, plan_row.loaded_at)
        calendar.add_component(
            _entry(
                uid,
                status.effective_deadline,
                summary,
                description,
                changes.sequence(status.key),
                changed,
            )
        )
    plan = plan_of(session, plan_row)[0]
    in_force = event_rows(session, plan_row.id)
    for event in plan.events:
        _event_entry(calendar, plan_row, event, in_force.get(event.id), changes)


def _event_entry(
    calendar: Calendar,
    plan_row: PlanRow,
    event: PlanEvent,
    row: PlanEventRow | None,
    changes: _Changes,
) -> None:
    """One entry per event of the plan, over its days (a range keeps its length when moved)."""
    day = row.date if row is not None else event.date
    confirmed = row.confirmed if row is not None else event.confirmed_date is not None
    last = day + ((event.end_date - event.date) if event.end_date else dt.timedelta(0))
    note = "đã chốt" if confirmed else "dự kiến, chưa chốt"
    where = f"; địa điểm: {event.venue}" if event.venue else ""
    key = event_key(event.id)
    # The main event keeps the UID feeds had before plans had several events.
    suffix = "" if event.id == MAIN_EVENT else f"-{event.id}"
    entry = _entry(
        f"{plan_row.id}/su-kien{suffix}@{DOMAIN}",
        day,
        event.name,
        f"Ngày tổ chức ({note}){where}.",
        changes.sequence(key),
        changes.last(key, plan_row.loaded_at),
    )
    entry.DTEND = last + dt.timedelta(days=1)
    calendar.add_component(entry)


def _entry(
    uid: str, day: dt.date, summary: str, description: str, sequence: int, changed: dt.datetime
) -> Event:
    entry = Event()
    entry.add("uid", uid)
    entry.add("dtstamp", changed)
    entry.add("last-modified", changed)
    entry.add("sequence", sequence)
    entry.add("dtstart", day)
    entry.add("dtend", day + dt.timedelta(days=1))
    entry.add("summary", summary)
    entry.add("description", description)
    entry.add("transp", "TRANSPARENT")
    return entry
