"""The reminder service used by the CLI and the Prefect flows: select, compose, deliver.

    select_reminders  evaluate a plan's steps at `now` and write the new items (outbox)
    compose           one digest message per recipient from the items not yet in one
    deliver           claim each due message, send it through Apprise, record the result
    sweep             all three; `dry_run` shows exactly what a real sweep would send
                      (queued messages included) and writes nothing
    resend / release_claims / release_needs_auth   a person's answers to stuck messages

Each step is its own transaction, so a crash at any point leaves rows that the next
sweep completes: items without a message are composed, a lapsed claim is taken over.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach.clock import now_utc
from kehoach.collector import collector_paused
from kehoach.services.context import AppContext
from kehoach.services.links import Links, notice_path
from kehoach.services.lookup import get_plan, plan_of
from kehoach.services.parts import notice_inputs
from kehoach.services.plans import event_rows
from kehoach.services.status import StepStatus, plan_statuses
from kehoach.services.tracking import EventChange
from kehoach.store.outbox_tables import MessageRow, MessageState, ReminderItemRow
from kehoach.store.tables import EventRow, PlanRow
from models.calendar import WorkingCalendar
from models.digest import Digest
from models.plan import OfficeHours
from models.progress import EventKind
from models.reminders import (
    EVENT_STEP_KEY,
    EventFacts,
    ReminderItem,
    answer_item,
    deadline_moved_items,
    select_items,
)
from models.schedule import common_send_moment
from notifications import outbox
from notifications.outbox import Claim, Composed
from notifications.sender import Channels, ServiceResult, masked

log = logging.getLogger(__name__)


# --- Selecting -------------------------------------------------------------------------


def evaluate(
    session: Session,
    plan_row: PlanRow,
    now: dt.datetime,
    responsibility_id: str | None = None,
    statuses: Sequence[StepStatus] | None = None,
) -> list[ReminderItem]:
    """Every reminder due at `now` for a plan (or one of its responsibilities); no writes.

    `statuses`: the plan's `plan_statuses` at `now` when the caller has just read them (a
    plan sweep reads them for its tables too): not read a second time.
    """
    session.flush()  # status reads bypass the ORM; changes made in this session must show
    plan, calendar = plan_of(session, plan_row)
    # Tens of thousands of items and their dicts, no cycle among them: the status read's
    # reason to pause the cyclic collector holds here too (it took a third of selecting).
    with collector_paused():
        steps = plan_statuses(session, plan_row, now) if statuses is None else statuses
        if responsibility_id is not None:
            steps = [s for s in steps if s.responsibility_id == responsibility_id]
        inputs = notice_inputs(session, plan.plan.id, now)
        items = select_items(plan, steps, event_facts(session, plan_row), calendar, now, inputs)
    if responsibility_id is not None:
        items = [i for i in items if not i.step_key.startswith(EVENT_STEP_KEY)]
    return items


def event_facts(session: Session, plan_row: PlanRow) -> EventFacts:
    """The plan's event dates in force and which are confirmed; whether it is closed."""
    rows = event_rows(session, plan_row.id)
    return EventFacts(
        plan_row.event_date,
        plan_row.event_confirmed,
        plan_row.closed_at is not None,
        {e: r.date for e, r in rows.items()},
        frozenset(e for e, r in rows.items() if r.confirmed),
    )


def select_reminders(
    session: Session,
    plan_row: PlanRow,
    now: dt.datetime,
    responsibility_id: str | None = None,
    statuses: Sequence[StepStatus] | None = None,
) -> list[ReminderItem]:
    """Evaluate and write the items whose key is new; returns those (a re-run returns [])."""
    items = evaluate(session, plan_row, now, responsibility_id, statuses)
    return outbox.enqueue(session, items, now)


def notify_deadlines_moved(
    session: Session, change: EventChange, now: dt.datetime
) -> list[ReminderItem]:
    """After `actions.confirm_event`: tell each moved step's agencies their new deadline."""
    session.flush()  # the moved deadlines are read back through Core, past the ORM
    plan_row = session.get_one(PlanRow, change.plan_id)
    plan, calendar = plan_of(session, plan_row)
    moved = set(change.moved_steps)
    steps = [s for s in plan_statuses(session, plan_row, now) if s.key in moved]
    previous = _previous_deadlines(session, change.plan_id, moved)
    inputs = notice_inputs(session, change.plan_id, now)
    items = deadline_moved_items(
        plan, steps, previous, change.new_date, calendar, now, inputs, event_id=change.event_id
    )
    return outbox.enqueue(session, items, now)


def _previous_deadlines(session: Session, plan_id: str, keys: set[str]) -> dict[str, dt.date]:
    rows = session.execute(
        select(EventRow.step_key, EventRow.data)
        .where(EventRow.plan_id == plan_id, EventRow.kind == EventKind.DEADLINE_MOVED.value)
        .order_by(EventRow.id)
    )
    found = {key: data.get("from") for key, data in rows if key in keys}
    return {key: dt.date.fromisoformat(day) for key, day in found.items() if day}


# --- Composing -------------------------------------------------------------------------


class QuietTime:
    """When a message about some plans may go out: every plan's calendar and hours agree."""

    def __init__(self, rules: dict[str, tuple[WorkingCalendar, OfficeHours]]) -> None:
        self._rules = rules

    @classmethod
    def load(cls, session: Session) -> QuietTime:
        rules = {}
        for row in session.scalars(select(PlanRow)):
            plan, calendar = plan_of(session, row)
            rules[row.id] = (calendar, plan.reminders.office_hours)
        return cls(rules)

    def moment(self, plans: Sequence[str], at: dt.datetime) -> dt.datetime:
        rules = [self._rules[p] for p in plans if p in self._rules] or list(self._rules.values())
        return common_send_moment(at, rules)


def compose(
    session: Session, now: dt.datetime, known: Sequence[ReminderItem] = ()
) -> list[Composed]:
    """Digests from every item not yet in a message, each due at its next allowed moment.

    `known`: items just returned by `select_reminders` (saves reading them back).
    """
    return outbox.compose(session, now, QuietTime.load(session).moment, known)


# --- Delivering ------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageDelivery:
    message_id: int
    recipient: str
    subject: str
    state: MessageState
    results: list[ServiceResult]
    next_attempt_at: dt.datetime | None = None
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "recipient": self.recipient,
            "subject": self.subject,
            "state": self.state.value,
            "next_attempt_at": _iso(self.next_attempt_at),
            "error": self.error,
            "results": [_result_json(r) for r in self.results],
        }


@dataclass(frozen=True)
class HeldMessage:
    message_id: int
    until: dt.datetime


@dataclass
class DeliveryReport:
    delivered: list[MessageDelivery] = field(default_factory=list)
    held: list[HeldMessage] = field(default_factory=list)
    taken_elsewhere: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "messages": [d.as_json() for d in self.delivered],
            "held": [{"message_id": h.message_id, "until": h.until.isoformat()} for h in self.held],
            "taken_elsewhere": self.taken_elsewhere,
        }


def load_channels(context: AppContext) -> Channels:
    """The channels of `KEHOACH_APPRISE_CONFIG`; a bad file raises `UserError` (exit 2)."""
    settings = context.settings
    return Channels.load(settings.apprise_config, settings.outbox_dir, context.database.engine)


Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class Timeline:
    """The sweep's moment (`due_at`: its start, or `--as-of`) and the real clock.

    Claims and leases are on the real clock, shared by every sender whatever moment it
    evaluates. Attempt and sent times, and retries, are on the sweep's timeline: `due_at`
    plus the real time the sweep has run, i.e. when the send happened as seen by that
    sweep (a later sweep compares retries with its own `due_at`; a replay's messages fall
    on the replayed day). For an ordinary sweep both clocks agree.
    """

    due_at: dt.datetime
    clock: Clock
    started: dt.datetime

    @classmethod
    def starting(cls, due_at: dt.datetime, clock: Clock) -> Timeline:
        return cls(due_at, clock, clock())

    def moment(self, real: dt.datetime) -> dt.datetime:
        return self.due_at + max(real - self.started, dt.timedelta(0))


def lease_of(context: AppContext) -> dt.timedelta:
    return dt.timedelta(minutes=context.settings.delivery_lease_minutes)


def deliver(
    context: AppContext,
    now: dt.datetime,
    limit: int | None = None,
    channels: Channels | None = None,
    *,
    clock: Clock = now_utc,
) -> DeliveryReport:
    """Send every message due at `now`, except in quiet time; each one claimed first.

    `now` is the sweep's moment; `clock` the real time, read for every claim and record.
    """
    channels = channels or load_channels(context)
    timeline = Timeline.starting(now, clock)
    lease = lease_of(context)
    with context.database.transaction() as session:
        quiet = QuietTime.load(session)
        due = outbox.due_messages(session, now, limit, now=clock(), lease=lease)
    report = DeliveryReport()
    for message in due:
        allowed = quiet.moment(message.plans, now)
        if allowed > now:
            report.held.append(HeldMessage(message.message_id, allowed))
            continue
        sender = _Sender(context, channels, timeline, lease, quiet)
        delivery = sender.deliver_one(message.message_id, message.plans)
        if delivery is None:
            report.taken_elsewhere += 1
        else:
            report.delivered.append(delivery)
    return report


@dataclass(frozen=True)
class _Sender:
    context: AppContext
    channels: Channels
    timeline: Timeline
    lease: dt.timedelta
    quiet: QuietTime

    def deliver_one(self, message_id: int, plans: Sequence[str]) -> MessageDelivery | None:
        clock = self.timeline.clock
        with self.context.database.transaction() as session:
            claimed = outbox.claim(
                session, message_id, self.timeline.due_at, now=clock(), lease=self.lease
            )
            link = self._link(session, claimed)
        if claimed is None:
            return None
        with _keeping_lease(self.context, claimed, clock, self.lease):
            results = _send(self.channels, claimed, self.timeline.moment(clock()), link)
        return self._record(claimed, results, plans)

    def _link(self, session: Session, claimed: Claim | None) -> str:
        """The recipient's signed page link (to the step, for a receipt request); it
        expires on the real clock (people click it in real time, also in a replay of 2024)."""
        links = Links.of(self.context.settings)
        if claimed is None or links is None:
            return ""
        page = links.for_recipient(session, claimed.recipient, self.timeline.clock())
        return page + notice_path(session, claimed.message_id, claimed.recipient)

    def _record(
        self, claimed: Claim, results: list[ServiceResult], plans: Sequence[str]
    ) -> MessageDelivery:
        moment = self.timeline.moment(self.timeline.clock())
        with self.context.database.transaction() as session:
            recorded = outbox.record(
                session,
                claimed,
                results,
                moment,
                lambda at: self.quiet.moment(plans, at),
                has_channel=self.channels.covers(claimed.recipient),
            )
        if not recorded.kept:
            log.warning(
                "Thư %s: lượt gửi đã quá hạn giữ chỗ; kết quả chỉ được lưu lại", claimed.message_id
            )
        _log_delivery(claimed, recorded.state, results)
        return MessageDelivery(
            claimed.message_id,
            claimed.recipient,
            claimed.subject,
            recorded.state,
            list(results),
            recorded.next_attempt_at,
            recorded.last_error,
        )


@contextmanager
def _keeping_lease(
    context: AppContext, claimed: Claim, clock: Clock, lease: dt.timedelta
) -> Iterator[None]:
    """Renew the claim every third of the lease while a slow send (an SMTP server taking
    its 10 minutes to answer end-of-data) is under way, so no one takes the message over."""
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(lease.total_seconds() / 3):
            with context.database.transaction() as session:
                if not outbox.renew(session, claimed, clock()):
                    return

    renewer = threading.Thread(target=renew, name=f"lease-{claimed.message_id}", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()


def _send(
    channels: Channels, claimed: Claim, now: dt.datetime, link: str = ""
) -> list[ServiceResult]:
    try:
        return channels.deliver(claimed.outgoing(now, link), claimed.done_services)
    except Exception as error:  # a plugin bug must not leave the claim to lapse unexplained
        log.exception("Lỗi không mong đợi khi gửi thư %s", claimed.message_id)
        reason = f"Lỗi không mong đợi khi gửi ({type(error).__name__}). Sẽ thử lại sau."
        return [ServiceResult("kehoach", "(không rõ kênh)", False, reason)]


def _log_delivery(claimed: Claim, state: MessageState, results: Sequence[ServiceResult]) -> None:
    for result in results:
        outcome = "đã gửi" if result.ok else f"lỗi: {result.error}"
        log.info(
            "Thư %s tới %s qua %s: %s", claimed.message_id, claimed.recipient, result.url, outcome
        )
    log.info("Thư %s: %s", claimed.message_id, state.value)


# --- The whole sweep -------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """What a dry run would send to one recipient, and over which channels."""

    digest: Digest
    items: list[ReminderItem]
    channels: list[str]
    message_id: int | None = None


@dataclass
class SweepResult:
    as_of: dt.datetime
    dry_run: bool
    selected: list[ReminderItem]
    composed: list[Composed] = field(default_factory=list)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    previews: list[Preview] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        carried_by = {key: c.message_id for c in self.composed for key in c.item_keys}
        states = self._delivery_states()
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "reminders": [_reminder_json(i, carried_by.get(i.key), states) for i in self.selected],
            **self.delivery.as_json(),
            "previews": [_preview_json(p) for p in self.previews],
        }

    def _delivery_states(self) -> dict[int, str]:
        states = {c.message_id: MessageState.PENDING.value for c in self.composed}
        states.update({h.message_id: "held" for h in self.delivery.held})
        states.update({d.message_id: d.state.value for d in self.delivery.delivered})
        return states


def _reminder_json(
    item: ReminderItem, message_id: int | None, states: dict[int, str]
) -> dict[str, Any]:
    return {
        "recipient": item.recipient,
        "plan": item.plan_id,
        "step": item.step_key,
        "rule": item.rule.value,
        "occurrence": item.occurrence,
        "rung": item.rung,
        "message_id": message_id,
        "delivery": states.get(message_id) if message_id is not None else None,
    }


def sweep(
    context: AppContext,
    now: dt.datetime,
    plan_id: str | None = None,
    dry_run: bool = False,
    *,
    clock: Clock = now_utc,
) -> SweepResult:
    """Select, compose and deliver; the channel file is checked before anything is written.

    `now` is the moment evaluated (the sweep's start, or `--as-of`); `clock` the real time.
    """
    channels = load_channels(context)
    if dry_run:
        return _dry_run(context, channels, now, plan_id, clock)
    with context.database.transaction() as session:
        selected, composed = _select_and_compose(session, now, plan_id)
    delivery = deliver(context, now, channels=channels, clock=clock)
    return SweepResult(now, False, selected, composed, delivery)


def _select_and_compose(
    session: Session, now: dt.datetime, plan_id: str | None
) -> tuple[list[ReminderItem], list[Composed]]:
    # Two sweeps at once queue here on SQLite; the second finds every key taken.
    outbox.take_write_lock(session)
    selected = [
        item for row in _plan_rows(session, plan_id) for item in select_reminders(session, row, now)
    ]
    return selected, compose(session, now, known=selected)


def _plan_rows(session: Session, plan_id: str | None) -> list[PlanRow]:
    if plan_id is not None:
        return [get_plan(session, plan_id)]
    return list(session.scalars(select(PlanRow).order_by(PlanRow.id)))


class _DryRunOver(Exception):
    """Raised to roll back everything a dry run wrote to find out what would be sent."""


def _dry_run(
    context: AppContext, channels: Channels, now: dt.datetime, plan_id: str | None, clock: Clock
) -> SweepResult:
    """Exactly what a real sweep at `now` would send: the same selection, composition and
    superseding, in a transaction that is then rolled back, and the messages then due,
    including those queued before (retries, digests held by quiet time)."""
    found: list[tuple[list[ReminderItem], list[Preview]]] = []
    try:
        with context.database.transaction() as session:
            selected, _ = _select_and_compose(session, now, plan_id)
            found.append((selected, _due_previews(session, channels, now, clock(), context)))
            raise _DryRunOver
    except _DryRunOver:
        pass
    selected, previews = found[0]
    return SweepResult(now, True, selected, previews=previews)


def _due_previews(
    session: Session, channels: Channels, now: dt.datetime, real: dt.datetime, context: AppContext
) -> list[Preview]:
    quiet = QuietTime.load(session)
    due = outbox.due_messages(session, now, now=real, lease=lease_of(context))
    ids = [m.message_id for m in due if quiet.moment(m.plans, now) <= now]
    rows = session.scalars(select(MessageRow).where(MessageRow.id.in_(ids))).all()
    return [_preview_of(session, row, channels) for row in sorted(rows, key=lambda r: r.recipient)]


def _preview_of(session: Session, row: MessageRow, channels: Channels) -> Preview:
    digest = Digest(
        row.recipient, row.recipient_name, row.subject, row.body_text, row.body_html, row.body_short
    )
    payloads = session.scalars(
        select(ReminderItemRow.payload)
        .where(ReminderItemRow.message_id == row.id)
        .order_by(ReminderItemRow.id)
    )
    items = [ReminderItem.from_json(payload) for payload in payloads]
    urls = [masked(s) for s in channels.services_for(row.recipient)]
    return Preview(digest, items, urls, row.id)


def _preview_json(preview: Preview) -> dict[str, Any]:
    return {
        "recipient": preview.digest.recipient,
        "subject": preview.digest.subject,
        "channels": preview.channels,
        "short_text": preview.digest.short_text,
        "steps": sorted({i.step_key for i in preview.items}),
    }


def _result_json(result: ServiceResult) -> dict[str, Any]:
    return {
        "service": result.name,
        "url": result.url,
        "ok": result.ok,
        "optional": result.optional,
        "permanent": result.permanent,
        "error": result.error,
    }


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- What a person does about stuck messages --------------------------------------------

FAILED_STATES = frozenset({MessageState.FAILED, MessageState.DEFERRED, MessageState.NEEDS_AUTH})


def delivery_failed(report: DeliveryReport) -> bool:
    """True when a message of this delivery did not get through (failed, waits for a retry
    or for its Zalo OA to be authorised again): `kehoach sweep` then exits with code 3."""
    return any(d.state in FAILED_STATES for d in report.delivered)


def resend(context: AppContext, now: dt.datetime, message_ids: Sequence[int] = ()) -> list[int]:
    """Failed and channel-less messages (or only those given) go out with the next delivery."""
    with context.database.transaction() as session:
        return outbox.resend(session, now, list(message_ids) or None)


def release_claims(
    context: AppContext, now: dt.datetime, message_ids: Sequence[int] = ()
) -> list[int]:
    """Claims of a sender a person knows is dead (or only those given) become due now."""
    with context.database.transaction() as session:
        return outbox.release(session, now, list(message_ids) or None)


def release_needs_auth(context: AppContext, now: dt.datetime) -> list[int]:
    with context.database.transaction() as session:
        return outbox.release_needs_auth(session, now)


# --- The coordinator's answers ---------------------------------------------------------

ANSWER_WORDS = {
    EventKind.REPORT_RETURNED: "cơ quan đầu mối trả lại báo cáo",
    EventKind.EXTENSION_REFUSED: "cơ quan đầu mối không đồng ý đề xuất gia hạn",
    EventKind.DEADLINE_EXTENDED: "cơ quan đầu mối đồng ý gia hạn",
}


def notify_answer(
    session: Session, plan_id: str, step_key: str, now: dt.datetime
) -> list[ReminderItem]:
    """After a return or a decision on a request: tell the step's lead (outbox, next send)."""
    session.flush()
    event = session.scalar(
        select(EventRow)
        .where(EventRow.plan_id == plan_id, EventRow.step_key == step_key)
        .where(EventRow.kind.in_([k.value for k in ANSWER_WORDS]))
        .order_by(EventRow.id.desc())
        .limit(1)
    )
    if event is None:
        return []
    plan_row = session.get_one(PlanRow, plan_id)
    plan, calendar = plan_of(session, plan_row)
    [step] = [s for s in plan_statuses(session, plan_row, now) if s.key == step_key]
    text = _answer_text(EventKind(event.kind), event)
    item = answer_item(plan, step, text, f"e{event.id}", calendar, now, plan_row.event_date)
    return outbox.enqueue(session, [item], now)


def _answer_text(kind: EventKind, event: EventRow) -> str:
    words = ANSWER_WORDS[kind]
    if kind is EventKind.DEADLINE_EXTENDED:
        words += f", hạn mới {dt.date.fromisoformat(event.data['to']):%d/%m/%Y}"
    return f"{words}; lý do: {event.note}" if event.note else words
