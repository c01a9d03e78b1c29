"""The flows' door to the reminder outbox (`kehoach.services.sweep`): queue, send, count.

The flows never decide who is reminded or when a message may go out; they hand the
moment to the reminder service and pass on what it reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from flows.naming import now_utc
from kehoach.services import sweep
from kehoach.services.context import AppContext
from kehoach.services.status import StepStatus
from kehoach.services.tracking import EventChange
from kehoach.store.outbox_tables import MessageState
from kehoach.store.tables import PlanRow
from models.reminders import ReminderItem
from notifications import outbox

FAILED_STATES = set(sweep.FAILED_STATES)


@dataclass(frozen=True)
class Sent:
    """One message handed to its channels: to whom, about what, with what result."""

    recipient: str
    subject: str
    state: MessageState
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.state is MessageState.SENT


@dataclass(frozen=True)
class Delivery:
    messages: tuple[Sent, ...] = ()
    held: int = 0

    @property
    def sent(self) -> list[Sent]:
        return [m for m in self.messages if m.ok]

    @property
    def failed(self) -> list[Sent]:
        return [m for m in self.messages if m.state in FAILED_STATES]


def queue(
    session: Session, plan_row: PlanRow, now: dt.datetime, responsibility_id: str | None = None
) -> int:
    """Write the reminders due at `now` to the outbox; how many were new."""
    return len(queued_items(session, plan_row, now, responsibility_id))


def queued_items(
    session: Session,
    plan_row: PlanRow,
    now: dt.datetime,
    responsibility_id: str | None = None,
    statuses: Sequence[StepStatus] | None = None,
) -> list[ReminderItem]:
    """`queue`, returning the new items themselves (a sweep counts them per responsibility).

    `statuses`: the plan's statuses at `now` when the caller has just read them."""
    outbox.take_write_lock(session)
    return sweep.select_reminders(session, plan_row, now, responsibility_id, statuses)


def queue_moved_deadlines(session: Session, change: EventChange, now: dt.datetime) -> int:
    return len(sweep.notify_deadlines_moved(session, change, now))


def send(context: AppContext, now: dt.datetime) -> Delivery:
    """Compose one digest per recipient and deliver what may go out at `now`; claims and
    attempt times on the real clock."""
    with context.database.transaction() as session:
        sweep.compose(session, now)
    return delivery_of(sweep.deliver(context, now, clock=now_utc))


def sweep_plan(context: AppContext, plan_id: str, now: dt.datetime) -> Delivery:
    """The whole sweep without Prefect: the reminder service's own `sweep`."""
    return delivery_of(sweep.sweep(context, now, plan_id, clock=now_utc).delivery)


def delivery_of(report: sweep.DeliveryReport) -> Delivery:
    messages = tuple(Sent(d.recipient, d.subject, d.state, d.error) for d in report.delivered)
    return Delivery(messages, held=len(report.held))
