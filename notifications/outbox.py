"""The outbox: reminders become rows before anything is sent, and every send is claimed.

    enqueue   items → reminder_items, once per key (a re-run inserts nothing)
    compose   one message per recipient from the items no message carries yet
    claim     compare-and-set pending/deferred (or a lapsed claim) → claimed, with a token
    record    the per-service results, only while our token still holds the claim

Guarantee: at-least-once per channel service, with a stable Message-ID. A message is
sent again only if a worker dies after a service accepted it and before the result was
recorded (its claim lapses after `LEASE` and another sweep takes it over), or when a
service accepted it but its answer was lost. Retries skip the services that already
accepted the message or refused it for good.

Portable SQL only: a unique key, savepoints and conditional UPDATEs behave the same on
SQLite and PostgreSQL. On SQLite a writing transaction starts with BEGIN IMMEDIATE so
two processes queue for the write lock instead of failing on a stale snapshot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from sqlalchemy import ColumnElement, Table, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction

from kehoach.store.outbox_tables import (
    DeliveryAttemptRow,
    MessageRow,
    MessageState,
    ReminderItemRow,
)
from models.digest import Digest, compose_digest
from models.reminders import ReminderItem
from notifications.email import SENDER_NAME, Envelope
from notifications.sender import Outgoing, ServiceResult

LEASE = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5
# Wait after the 1st, 2nd, … failed attempt. The first retry goes with the next sweep:
# an outage that is over by then costs nothing.
RETRY_DELAYS = (
    dt.timedelta(0),
    dt.timedelta(minutes=10),
    dt.timedelta(hours=1),
    dt.timedelta(hours=4),
)
ITEMS = cast(Table, ReminderItemRow.__table__)
CHUNK = 500  # ids per IN (...): far below every database's limit on bound parameters
DUE_STATES = (MessageState.PENDING.value, MessageState.DEFERRED.value)

# Given the plans a message is about and a moment, the first moment it may be sent.
SendMoment = Callable[[Sequence[str], dt.datetime], dt.datetime]


def take_write_lock(session: Session) -> None:
    """On SQLite, start the transaction holding the write lock (BEGIN IMMEDIATE).

    A deferred transaction that reads and then writes fails at once when another
    process committed in between; an immediate one waits for the lock (busy_timeout).
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not getattr(raw, "in_transaction", True):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


# --- Items -----------------------------------------------------------------------------


def enqueue(
    session: Session, items: Sequence[ReminderItem], now: dt.datetime
) -> list[ReminderItem]:
    """Insert the items whose key is new; return them. Duplicates are skipped, not errors."""
    take_write_lock(session)
    fresh = _without_existing(session, _distinct(items))
    if not fresh:
        return []
    try:
        with session.begin_nested():
            # Core executemany: tens of thousands of rows without building ORM objects.
            values = [_item_values(item, now) for item in fresh]
            session.connection().execute(insert(ITEMS), values)
        return fresh
    except IntegrityError:
        # Another writer inserted some of these since we looked: go one by one.
        return [item for item in fresh if _insert_one(session, item, now)]


def _distinct(items: Sequence[ReminderItem]) -> list[ReminderItem]:
    return list({item.key: item for item in items}.values())


def _without_existing(session: Session, items: list[ReminderItem]) -> list[ReminderItem]:
    existing = existing_keys(session, items)
    return [item for item in items if item.key not in existing]


_KEY_COLUMNS = (
    ReminderItemRow.recipient,
    ReminderItemRow.plan_id,
    ReminderItemRow.step_key,
    ReminderItemRow.rule,
    ReminderItemRow.occurrence,
    ReminderItemRow.rung,
)


def _steps_by_plan(items: Iterable[ReminderItem]) -> dict[str, set[str]]:
    steps: dict[str, set[str]] = defaultdict(set)
    for item in items:
        steps[item.plan_id].add(item.step_key)
    return steps


def _insert_one(session: Session, item: ReminderItem, now: dt.datetime) -> bool:
    try:
        with session.begin_nested():
            session.execute(insert(ITEMS), [_item_values(item, now)])
        return True
    except IntegrityError:
        return False


def _item_values(item: ReminderItem, now: dt.datetime) -> dict[str, object]:
    return {
        "recipient": item.recipient,
        "plan_id": item.plan_id,
        "step_key": item.step_key,
        "rule": item.rule.value,
        "occurrence": item.occurrence,
        "rung": item.rung,
        "local_day": item.local_day,
        "urgency": item.urgency,
        "payload": item.as_json(),
        "created_at": now,
    }


def existing_keys(session: Session, items: Sequence[ReminderItem]) -> set[tuple[object, ...]]:
    """Keys of `items` already in the outbox (a dry run shows only the others)."""
    existing: set[tuple[object, ...]] = set()
    for plan_id, steps in _steps_by_plan(items).items():
        ordered = sorted(steps)
        # Chunks keep each query under every database's limit of bound parameters.
        for start in range(0, len(ordered), CHUNK):
            query = select(*_KEY_COLUMNS).where(
                ReminderItemRow.plan_id == plan_id,
                ReminderItemRow.step_key.in_(ordered[start : start + CHUNK]),
            )
            existing.update(tuple(row) for row in session.execute(query))
    return existing


# --- Messages --------------------------------------------------------------------------


@dataclass(frozen=True)
class Composed:
    message_id: int
    key: str
    recipient: str
    subject: str
    item_keys: tuple[tuple[object, ...], ...]
    next_attempt_at: dt.datetime


class _Queued(NamedTuple):
    """An item row as composing needs it (read with Core: thousands per sweep)."""

    id: int
    plan_id: str
    item: ReminderItem
    message_id: int | None


def _queued(
    session: Session, where: ColumnElement[bool], known: Mapping[Any, ReminderItem]
) -> list[_Queued]:
    """Rows matching `where`; items just selected come from `known`, not from their JSON."""
    query = select(ITEMS.c.id, ITEMS.c.message_id, *_KEY_COLUMNS).where(where)
    rows = session.execute(query.order_by(ITEMS.c.recipient, ITEMS.c.id)).all()
    stored = _stored_items(session, [row.id for row in rows if tuple(row[2:]) not in known])
    return [
        _Queued(row.id, row.plan_id, known.get(tuple(row[2:])) or stored[row.id], row.message_id)
        for row in rows
    ]


def _stored_items(session: Session, ids: list[int]) -> dict[int, ReminderItem]:
    found: dict[int, ReminderItem] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        query = select(ITEMS.c.id, ITEMS.c.payload).where(ITEMS.c.id.in_(chunk))
        found.update(
            (row.id, ReminderItem.from_json(row.payload)) for row in session.execute(query)
        )
    return found


def compose(
    session: Session,
    now: dt.datetime,
    send_moment: SendMoment,
    known: Sequence[ReminderItem] = (),
) -> list[Composed]:
    """One message per recipient from every item no message carries yet.

    A recipient's message that is still waiting for its first send (quiet time, e.g. a
    weekend) takes the new items in, so Monday brings one digest, not one per sweep.
    `known`: items the caller has just enqueued, so they need not be read back.
    """
    take_write_lock(session)
    cache = {item.key: item for item in known}
    groups: dict[str, list[_Queued]] = defaultdict(list)
    for queued in _queued(session, ITEMS.c.message_id.is_(None), cache):
        groups[queued.item.recipient].append(queued)
    waiting = _waiting_messages(session)
    composed = [
        _compose_for(session, waiting.get(recipient), group, now, send_moment)
        for recipient, group in groups.items()
    ]
    return [c for c in composed if c is not None]


def _waiting_messages(session: Session) -> dict[str, MessageRow]:
    """Each recipient's message not yet attempted (held by quiet time, or just composed)."""
    query = select(MessageRow).where(
        MessageRow.state == MessageState.PENDING.value, MessageRow.attempts == 0
    )
    return {message.recipient: message for message in session.scalars(query)}


def _compose_for(
    session: Session,
    waiting: MessageRow | None,
    rows: list[_Queued],
    now: dt.datetime,
    send_moment: SendMoment,
) -> Composed | None:
    if waiting is not None:
        merged = _merge(session, waiting, rows, now, send_moment)
        if merged is not None:
            return merged
    return _compose_new(session, rows, now, send_moment)


def _digest_of(rows: Sequence[_Queued], now: dt.datetime) -> tuple[Digest, str, list[str]]:
    items = [row.item for row in rows]
    digest = compose_digest(items[0].recipient, items[0].recipient_name, items, now)
    return digest, message_key(items), sorted({row.plan_id for row in rows})


def _compose_new(
    session: Session, rows: list[_Queued], now: dt.datetime, send_moment: SendMoment
) -> Composed | None:
    digest, key, plans = _digest_of(rows, now)
    message = _message_row(digest, key, plans, send_moment(plans, now), now)
    savepoint = session.begin_nested()
    try:
        session.add(message)
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        return None  # another sweep composed these items first; theirs goes out
    return _attach_or_undo(
        session, savepoint, message.id, rows, digest, key, message.next_attempt_at
    )


def _merge(
    session: Session,
    waiting: MessageRow,
    rows: list[_Queued],
    now: dt.datetime,
    send_moment: SendMoment,
) -> Composed | None:
    carried = _queued(session, ITEMS.c.message_id == waiting.id, {})
    digest, key, plans = _digest_of([*carried, *rows], now)
    send_at = max(waiting.next_attempt_at, send_moment(plans, now))
    savepoint = session.begin_nested()
    # Compare-and-set: a sender that claimed it meanwhile wins, and we compose anew.
    changed = session.execute(
        update(MessageRow)
        .where(
            MessageRow.id == waiting.id,
            MessageRow.state == MessageState.PENDING.value,
            MessageRow.attempts == 0,
        )
        .values(**_digest_values(digest), key=key, plans=plans, next_attempt_at=send_at)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if changed != 1:
        savepoint.rollback()
        return None
    return _attach_or_undo(session, savepoint, waiting.id, [*carried, *rows], digest, key, send_at)


def _attach_or_undo(
    session: Session,
    savepoint: SessionTransaction,
    message_id: int,
    rows: list[_Queued],
    digest: Digest,
    key: str,
    send_at: dt.datetime,
) -> Composed | None:
    fresh = [row for row in rows if row.message_id is None]
    if _attach(session, fresh, message_id) != len(fresh):
        savepoint.rollback()
        return None
    savepoint.commit()
    keys = tuple(row.item.key for row in rows)
    return Composed(message_id, key, digest.recipient, digest.subject, keys, send_at)


def _digest_values(digest: Digest) -> dict[str, str]:
    return {
        "subject": digest.subject,
        "body_text": digest.text,
        "body_html": digest.html,
        "body_short": digest.short_text,
    }


def _attach(session: Session, rows: list[_Queued], message_id: int) -> int:
    """Give the items to the message unless another composer took one; how many it got."""
    ids = [row.id for row in rows]
    attached = 0
    for start in range(0, len(ids), CHUNK):
        attached += session.execute(
            update(ITEMS)
            .where(ITEMS.c.id.in_(ids[start : start + CHUNK]), ITEMS.c.message_id.is_(None))
            .values(message_id=message_id)
        ).rowcount  # type: ignore[attr-defined]
    return attached


def message_key(items: Sequence[ReminderItem]) -> str:
    """Stable for the same recipient and items: the Message-ID of every retry."""
    canonical = "\n".join(sorted("|".join(map(str, item.key)) for item in items))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def _message_row(
    digest: Digest, key: str, plans: list[str], send_at: dt.datetime, now: dt.datetime
) -> MessageRow:
    return MessageRow(
        key=key,
        recipient=digest.recipient,
        recipient_name=digest.recipient_name,
        plans=plans,
        **_digest_values(digest),
        state=MessageState.PENDING.value,
        attempts=0,
        next_attempt_at=send_at,
        created_at=now,
    )


# --- Claiming and recording ------------------------------------------------------------


def _claimable(now: dt.datetime) -> ColumnElement[bool]:
    due = and_(MessageRow.state.in_(DUE_STATES), MessageRow.next_attempt_at <= now)
    lapsed = and_(
        MessageRow.state == MessageState.CLAIMED.value, MessageRow.claimed_at < now - LEASE
    )
    return or_(due, lapsed)


@dataclass(frozen=True)
class DueMessage:
    message_id: int
    plans: tuple[str, ...]


def due_messages(session: Session, now: dt.datetime, limit: int | None = None) -> list[DueMessage]:
    query = (
        select(MessageRow.id, MessageRow.plans)
        .where(_claimable(now))
        .order_by(MessageRow.next_attempt_at, MessageRow.id)
        .limit(limit)
    )
    return [DueMessage(row.id, tuple(row.plans or ())) for row in session.execute(query)]


@dataclass(frozen=True)
class Claim:
    message_id: int
    token: str
    key: str
    recipient: str
    recipient_name: str
    subject: str
    body_text: str
    body_html: str
    body_short: str
    attempt: int
    done_services: frozenset[str]
    sender_name: str = SENDER_NAME

    def outgoing(self, sent_at: dt.datetime) -> Outgoing:
        """The message as the channels take it: full envelope and the short text."""
        envelope = Envelope(
            self.key,
            self.recipient,
            self.recipient_name,
            self.subject,
            self.body_text,
            self.body_html,
            sent_at,
            self.sender_name,
        )
        return Outgoing(envelope, self.body_short)


def claim(session: Session, message_id: int, now: dt.datetime) -> Claim | None:
    """Take one message if it is still claimable; None when another worker has it."""
    take_write_lock(session)
    token = uuid.uuid4().hex
    taken = session.execute(
        update(MessageRow)
        .where(MessageRow.id == message_id, _claimable(now))
        .values(
            state=MessageState.CLAIMED.value,
            claim_token=token,
            claimed_at=now,
            attempts=MessageRow.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if taken != 1:
        return None
    row = session.get_one(MessageRow, message_id, populate_existing=True)
    return Claim(
        message_id=row.id,
        token=token,
        key=row.key,
        recipient=row.recipient,
        recipient_name=row.recipient_name,
        subject=row.subject,
        body_text=row.body_text,
        body_html=row.body_html,
        body_short=row.body_short,
        attempt=row.attempts,
        done_services=frozenset(_done_services(session, message_id)),
        sender_name=_sender_name(session, message_id),
    )


def _sender_name(session: Session, message_id: int) -> str:
    """The digest's sender, kept with its items: the agency the notice is sent in the name of."""
    query = select(ITEMS.c.payload).where(ITEMS.c.message_id == message_id).limit(1)
    payload = session.scalar(query) or {}
    return str(payload.get("sender") or SENDER_NAME)


def _done_services(session: Session, message_id: int) -> set[str]:
    """Services that accepted this message, or refused it for good: a retry skips them."""
    query = select(DeliveryAttemptRow.service_url).where(
        DeliveryAttemptRow.message_id == message_id,
        or_(DeliveryAttemptRow.ok, DeliveryAttemptRow.permanent, DeliveryAttemptRow.optional),
    )
    return set(session.scalars(query))


@dataclass(frozen=True)
class Recorded:
    state: MessageState
    next_attempt_at: dt.datetime | None
    last_error: str | None
    kept: bool  # False when our claim had lapsed and another worker owns the message


def record(
    session: Session,
    claimed: Claim,
    results: Sequence[ServiceResult],
    now: dt.datetime,
    send_moment: Callable[[dt.datetime], dt.datetime],
) -> Recorded:
    """Store every service's result; change the message only if our claim still holds."""
    take_write_lock(session)
    session.add_all([_attempt_row(claimed, result, now) for result in results])
    session.flush()
    attempted = {result.url for result in results}
    state, next_at, error = _outcome(session, claimed, attempted, now, send_moment)
    changed = session.execute(
        update(MessageRow)
        .where(
            MessageRow.id == claimed.message_id,
            MessageRow.claim_token == claimed.token,
            MessageRow.state == MessageState.CLAIMED.value,
        )
        .values(
            state=state.value,
            claim_token=None,
            next_attempt_at=next_at or now,
            sent_at=now if state is MessageState.SENT else None,
            last_error=error,
        )
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    return Recorded(state, next_at, error, kept=changed == 1)


def _attempt_row(claimed: Claim, result: ServiceResult, now: dt.datetime) -> DeliveryAttemptRow:
    return DeliveryAttemptRow(
        message_id=claimed.message_id,
        attempt=claimed.attempt,
        service_name=result.name[:80],
        service_url=result.url,
        ok=result.ok,
        optional=result.optional,
        permanent=result.permanent,
        error=result.error,
        at=now,
    )


def _outcome(
    session: Session,
    claimed: Claim,
    attempted: set[str],
    now: dt.datetime,
    send_moment: Callable[[dt.datetime], dt.datetime],
) -> tuple[MessageState, dt.datetime | None, str | None]:
    # A service that failed earlier and is no longer configured (not attempted now) no
    # longer holds the message back; what it did accept or refuse for good still counts.
    latest = [
        a
        for a in _latest_per_service(session, claimed.message_id)
        if a.service_url in attempted or a.ok or a.permanent
    ]
    failing = [a for a in latest if not a.ok and not a.optional]
    if not latest:
        return MessageState.FAILED, None, "Không có kênh nào nhận thư này."
    if not failing:
        return MessageState.SENT, None, None
    error = "; ".join(f"{a.service_name} ({a.service_url}): {a.error}" for a in failing)
    retryable = any(not a.permanent for a in failing)
    if retryable and claimed.attempt < MAX_ATTEMPTS:
        delay = RETRY_DELAYS[min(claimed.attempt, len(RETRY_DELAYS)) - 1]
        return MessageState.DEFERRED, send_moment(now + delay), error
    return MessageState.FAILED, None, error


def _latest_per_service(session: Session, message_id: int) -> list[DeliveryAttemptRow]:
    rows = session.scalars(
        select(DeliveryAttemptRow)
        .where(DeliveryAttemptRow.message_id == message_id)
        .order_by(DeliveryAttemptRow.id)
    ).all()
    return list({row.service_url: row for row in rows}.values())


def count_by_state(session: Session) -> dict[str, int]:
    query = select(MessageRow.state, func.count()).group_by(MessageRow.state)
    return {state: count for state, count in session.execute(query).all()}


# --- Counting, for the dashboard --------------------------------------------------------

WAITING_STATES = {None, MessageState.PENDING, MessageState.CLAIMED, MessageState.DEFERRED}


@dataclass(frozen=True)
class StepReminders:
    sent: int = 0
    waiting: int = 0

    def __str__(self) -> str:
        return f"{self.sent} (+{self.waiting} chờ gửi)" if self.waiting else str(self.sent)


def reminders_by_step(
    session: Session, plan_id: str, step_keys: Iterable[str]
) -> dict[str, StepReminders]:
    """Per step: reminders already sent, and those queued but not yet sent."""
    keys = list(step_keys)
    rows = session.execute(
        select(ReminderItemRow.step_key, MessageRow.state)
        .outerjoin(MessageRow, ReminderItemRow.message_id == MessageRow.id)
        .where(ReminderItemRow.plan_id == plan_id, ReminderItemRow.step_key.in_(keys))
    ).all()
    sent = Counter(key for key, state in rows if state == MessageState.SENT)
    waiting = Counter(key for key, state in rows if state in WAITING_STATES)
    return {key: StepReminders(sent[key], waiting[key]) for key in keys}
