"""The outbox: reminders become rows before anything is sent, and every send is claimed.

    enqueue   items → reminder_items, once per key (INSERT … ON CONFLICT DO NOTHING)
    compose   one message per recipient from the items no message carries yet; the
              recipient's older messages still waiting for a retry are superseded by it
    claim     compare-and-set pending/deferred (or a lapsed claim) → claimed, with a token
    renew     the claim's lease, while a slow send is still under way
    record    the per-service results, only while our token still holds the claim
    resend / release / release_needs_auth   what a person does about stuck messages

Two clocks, never mixed: `due_at` is the moment a sweep evaluates (its start, or
`--as-of`) and decides which messages are due; a claim's `now` is the real time, read by
the caller's clock for every message, so leases never depend on the moment a sweep
evaluates and a long sweep never hands out claims that are already lapsed. Records are
stamped with the moment the send finished on the sweep's timeline (the service passes its
start plus the real time elapsed: the real time, for an ordinary sweep).

Guarantee: at-least-once per channel service, with a stable Message-ID. A message is
sent again only if a worker dies after a service accepted it and before the result was
recorded (its lease lapses and another sender takes it over), or when a service accepted
it but its answer was lost. Retries skip the services, and within a service the targets
(mailboxes, phones), that already accepted the message or refused it for good.

Portable SQL only: a unique key, ON CONFLICT DO NOTHING (both dialects have it),
savepoints and conditional UPDATEs behave the same on SQLite and PostgreSQL. On SQLite
a writing transaction starts with BEGIN IMMEDIATE so two processes queue for the write
lock instead of failing on a stale snapshot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

import orjson
from sqlalchemy import ColumnElement, Table, and_, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kehoach.collector import collector_paused
from kehoach.store.outbox_tables import (
    DeliveryAttemptRow,
    MessageRow,
    MessageState,
    ReminderItemRow,
)
from models.delivery import DEFAULT_POLICY, AttemptRecord, Decision, Outcome, RetryPolicy
from models.delivery import decide as decide_next
from models.delivery import done_services as policy_done_services
from models.digest import Digest, compose_digest
from models.reminders import URGENCY, ReminderItem, Rule
from notifications.email import SENDER_NAME, Envelope
from notifications.links import html_with_link, text_with_link
from notifications.sender import Outgoing, ServiceResult

# The default lease; the application passes `Settings.delivery_lease_minutes`.
LEASE = dt.timedelta(minutes=10)
ITEMS = cast(Table, ReminderItemRow.__table__)
CHUNK = 500  # ids per IN (...): far below every database's limit on bound parameters
DUE_STATES = (MessageState.PENDING.value, MessageState.DEFERRED.value)
# Messages a person may ask to send again.
RESENDABLE = (MessageState.FAILED.value, MessageState.NO_CHANNEL.value)
STATE_OF = {
    Outcome.SENT: MessageState.SENT,
    Outcome.NO_CHANNEL: MessageState.NO_CHANNEL,
    Outcome.RETRY: MessageState.DEFERRED,
    Outcome.NEEDS_AUTH: MessageState.NEEDS_AUTH,
    Outcome.FAILED: MessageState.FAILED,
}

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
    """Insert the items whose key is new; return them. Duplicates are skipped, not errors.

    The outbox's unique key is the only check: every candidate goes to INSERT … ON
    CONFLICT DO NOTHING. No read of what is already queued beyond the candidates' own
    keys, so a morning costs what today's candidates cost, however long the history (each
    repeat is one probe of the unique index). A writer racing another for the same
    keys neither fails nor needs a savepoint per row (on PostgreSQL ten thousand
    savepoints in one transaction exhaust its lock memory).
    """
    take_write_lock(session)
    with collector_paused():  # thousands of payloads, no cycle among them
        return _enqueue(session, items, now)


def _enqueue(
    session: Session, items: Sequence[ReminderItem], now: dt.datetime
) -> list[ReminderItem]:
    fresh = _distinct(items)
    if not fresh:
        return []
    if session.connection().dialect.name == "postgresql":
        return _copy_new_items(session, fresh, now)
    rows = [_item_values(item, now) for item in fresh.values()]
    written: set[tuple[object, ...]] = set()
    for start in range(0, len(rows), CHUNK):
        insert = sqlite.insert(ITEMS).on_conflict_do_nothing().returning(*_KEY_COLUMNS)
        written.update(tuple(row) for row in session.execute(insert, rows[start : start + CHUNK]))
    return [item for key, item in fresh.items() if key in written]


_KEYS = ("recipient", "plan_id", "step_key", "rule", "occurrence", "rung")
_COPIED = (*_KEYS, "local_day", "urgency", "payload", "created_at")
_COLUMN_LIST = ", ".join(_COPIED)
_KEY_LIST = ", ".join(_KEYS)
_SAME_KEY = " AND ".join(f"r.{name} = k.{name}" for name in _KEYS)
_TEMPORARY = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS {table} ON COMMIT DROP AS "
    "SELECT 0 AS n, {columns} FROM reminder_items WITH NO DATA"
)


def _copy_new_items(
    session: Session, fresh: dict[tuple[object, ...], ReminderItem], now: dt.datetime
) -> list[ReminderItem]:
    """PostgreSQL: COPY the candidates' keys into a temporary table and keep those the
    unique index does not have (later mornings repeat about half of theirs); only for
    those build the payloads, COPY them, then one INSERT … SELECT … ON CONFLICT DO
    NOTHING. A multi-row INSERT of thousands of parameters costs psycopg a parse of the
    whole statement per page (most of a 100k-step morning, issue 14)."""
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    with raw.cursor() as cursor:  # type: ignore[attr-defined]
        new = _new_positions(cursor, list(fresh))
        if not new:
            return []
        items = list(fresh.values())
        chosen = [items[n] for n in new]
        return [chosen[n] for n in _insert_copied(cursor, chosen, now)]


def _new_positions(cursor: Any, keys: list[tuple[object, ...]]) -> list[int]:
    """The positions of the keys not in the outbox yet, in order."""
    cursor.execute(_TEMPORARY.format(table="incoming_keys", columns=_KEY_LIST))
    with cursor.copy(f"COPY incoming_keys (n, {_KEY_LIST}) FROM STDIN") as copy:
        for n, key in enumerate(keys):
            copy.write_row((n, *key))
    with no_nested_loop(cursor, when=not trusted_statistics(cursor, len(keys))):
        cursor.execute(NEW_KEYS)
        new = [row[0] for row in cursor.fetchall()]
    cursor.execute("TRUNCATE incoming_keys")
    return new


NEW_KEYS = (
    f"SELECT k.n FROM incoming_keys k WHERE NOT EXISTS (SELECT 1 FROM reminder_items r "
    f"WHERE {_SAME_KEY}) ORDER BY k.n"
)
# How long the check waits for the lock ANALYZE takes before it does without.
STATISTICS_LOCK_WAIT = "50ms"


def trusted_statistics(cursor: Any, candidates: int) -> bool:
    """Whether the planner knows the outbox well enough to check `candidates` keys.

    The check's plan rests on the statistics: with the outbox last analysed empty (a new
    database; rows rolled back or purged), or holding rows no statistics know yet (those
    this transaction wrote for the plans before this one), the planner takes it for one
    row, keeps its rows aside and compares every candidate with every one of them:
    20,000 candidates against 20,000 rows took 50 s instead of a fraction of a second.
    So while the statistics count fewer rows than there are candidates, the outbox is
    analysed first (in the transaction: its own rows count; a table smaller than a
    morning's candidates takes milliseconds). ANALYZE keeps a lock until the commit; a
    writer that cannot have it at once does without (`no_nested_loop`) rather than wait,
    so two sweeps never wait on each other for it; so does one whose outbox is still
    smaller than its candidates once analysed (reading it whole is then cheap), or whose
    role may not analyse it (PostgreSQL then only warns)."""
    return _counted(cursor) >= candidates or (_analysed(cursor) and _counted(cursor) >= candidates)


def _counted(cursor: Any) -> float:
    """The rows the statistics count in the outbox (-1: never analysed)."""
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'reminder_items'::regclass")
    return float(cursor.fetchone()[0])


def _analysed(cursor: Any) -> bool:
    from psycopg.errors import LockNotAvailable  # PostgreSQL's driver: an optional extra

    cursor.execute("SELECT current_setting('lock_timeout')")
    (before,) = cursor.fetchone()
    cursor.execute("SAVEPOINT outbox_statistics")
    cursor.execute("SELECT set_config('lock_timeout', %s, true)", (STATISTICS_LOCK_WAIT,))
    try:
        cursor.execute("ANALYZE reminder_items")
    except LockNotAvailable:
        cursor.execute("ROLLBACK TO SAVEPOINT outbox_statistics")
        return False
    cursor.execute("RELEASE SAVEPOINT outbox_statistics")
    cursor.execute("SELECT set_config('lock_timeout', %s, true)", (before,))
    return True


@contextmanager
def no_nested_loop(cursor: Any, when: bool) -> Iterator[None]:
    """No nested loop for the check (a hash anti-join reads the outbox once) when the
    statistics could not be trusted."""
    if not when:
        yield
        return
    cursor.execute("SELECT current_setting('enable_nestloop')")
    (before,) = cursor.fetchone()
    cursor.execute("SELECT set_config('enable_nestloop', 'off', true)")
    yield  # on an error the transaction is rolled back, and the setting with it
    cursor.execute("SELECT set_config('enable_nestloop', %s, true)", (before,))


def _insert_copied(cursor: Any, items: list[ReminderItem], now: dt.datetime) -> list[int]:
    """Write the items; the positions of those written (all of them, unless another
    writer stored some of the same keys since they were checked).

    The keys were checked just now, so the rows are COPYed straight into the outbox, in a
    savepoint: a writer racing us for a key makes the COPY fail whole, and the rows then go
    through a temporary table and INSERT … ON CONFLICT DO NOTHING instead."""
    created = now.astimezone(dt.UTC).replace(tzinfo=None)  # as UTCDateTime stores it
    from psycopg.errors import UniqueViolation  # PostgreSQL's driver: an optional extra

    rows = [_copied_row(item, created) for item in items]
    cursor.execute("SAVEPOINT enqueue_copy")
    try:
        with cursor.copy(f"COPY reminder_items ({_COLUMN_LIST}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    except UniqueViolation:
        cursor.execute("ROLLBACK TO SAVEPOINT enqueue_copy")
        return _insert_racing(cursor, rows)
    cursor.execute("RELEASE SAVEPOINT enqueue_copy")
    return list(range(len(rows)))


def _copied_row(item: ReminderItem, created: dt.datetime) -> tuple[object, ...]:
    payload = payload_text(item)
    return (*_key_of(item), item.local_day, _URGENCY[item.rule], payload, created)


def payload_text(item: ReminderItem) -> str:
    """The item's payload as JSON text: what `as_json` holds, encoded by orjson straight from
    the dataclass (dates in ISO form, enums by value, tuples as lists). The standard
    encoder over `as_json` took 10 µs an item, 1.6 µs this way: a national morning writes
    300,000 items."""
    return orjson.dumps(item).decode()


def _insert_racing(cursor: Any, rows: list[tuple[object, ...]]) -> list[int]:
    """INSERT … ON CONFLICT DO NOTHING from a temporary table; ours are the rows whose ids
    it returns."""
    cursor.execute(_TEMPORARY.format(table="incoming_items", columns=_COLUMN_LIST))
    with cursor.copy(f"COPY incoming_items (n, {_COLUMN_LIST}) FROM STDIN") as copy:
        for n, row in enumerate(rows):
            copy.write_row((n, *row))
    cursor.execute(
        f"INSERT INTO reminder_items ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} "
        f"FROM incoming_items ORDER BY n ON CONFLICT DO NOTHING RETURNING id"
    )
    ids = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        f"SELECT k.n FROM incoming_items k JOIN reminder_items r ON {_SAME_KEY} "
        f"WHERE r.id = ANY(%s) ORDER BY k.n",
        (ids,),
    )
    written = [row[0] for row in cursor.fetchall()]
    cursor.execute("TRUNCATE incoming_items")
    return written


_RULE_VALUES = {rule: rule.value for rule in Rule}
_URGENCY = {rule: URGENCY[rule] for rule in Rule}


def _key_of(item: ReminderItem) -> tuple[str, str, str, str, str, int]:
    """`item.key` without the enum's `.value` descriptor (a few µs each, 45k a morning)."""
    rule = _RULE_VALUES[item.rule]
    return (item.recipient, item.plan_id, item.step_key, rule, item.occurrence, item.rung)


def _distinct(items: Sequence[ReminderItem]) -> dict[tuple[object, ...], ReminderItem]:
    return {_key_of(item): item for item in items}


_KEY_COLUMNS = (
    ReminderItemRow.recipient,
    ReminderItemRow.plan_id,
    ReminderItemRow.step_key,
    ReminderItemRow.rule,
    ReminderItemRow.occurrence,
    ReminderItemRow.rung,
)


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


class _Waiting(NamedTuple):
    """A recipient's message not yet attempted (held by quiet time, or just composed)."""

    id: int
    next_attempt_at: dt.datetime


class _Contended(Exception):
    """Another composer or a sender changed rows this composing counted on."""


# Each retry follows another composer's commit (we waited for its locks), so few are needed.
COMPOSE_TRIES = 5


def compose(
    session: Session,
    now: dt.datetime,
    send_moment: SendMoment,
    known: Sequence[ReminderItem] = (),
) -> list[Composed]:
    """One message per recipient from every item no message carries yet.

    A recipient's message that is still waiting for its first send (quiet time, e.g. a
    weekend) takes the new items in, so Monday brings one digest, not one per sweep.
    Messages of the recipient still waiting for a retry (an outage) are superseded: their
    items go into the new digest and they are recorded as superseded by it, so after an
    outage each agency gets the newest digest, not every stale one as well.
    `known`: items the caller has just enqueued, so they need not be read back.

    Set-based: a few reads for every recipient at once, the digests rendered in Python,
    the messages inserted and the items attached in bulk. When another composer or a
    sender got in between (PostgreSQL; SQLite holds the write lock throughout), the
    whole batch is rolled back and composed again from what is now in the outbox.
    """
    take_write_lock(session)
    cache = {item.key: item for item in known}
    with collector_paused():  # the digests' texts and rows: many objects, no cycle
        for _ in range(COMPOSE_TRIES):
            savepoint = session.begin_nested()
            try:
                composed = _compose_all(session, now, send_moment, cache)
            except _Contended:
                savepoint.rollback()
                continue
            savepoint.commit()
            return composed
    return []  # the items stay unassigned: the next composing takes them


def _compose_all(
    session: Session, now: dt.datetime, send_moment: SendMoment, cache: Mapping[Any, ReminderItem]
) -> list[Composed]:
    groups: dict[str, list[_Queued]] = defaultdict(list)
    for queued in _queued(session, ITEMS.c.message_id.is_(None), cache):
        groups[queued.item.recipient].append(queued)
    waiting = {r: w for r, w in _waiting_messages(session).items() if r in groups}
    stale = _stale_messages(session, set(groups))
    bound = _bound_items(session, [w.id for w in waiting.values()], stale)
    plans = [_plan_for(session, r, waiting.get(r), stale.get(r, []), rows, bound, now, send_moment)
             for r, rows in groups.items()]  # fmt: skip
    targets = _insert_new(session, [p for p in plans if p.target is None], now)
    targets.update({p.recipient: p.target for p in plans if p.target is not None})
    chosen = [p for p in plans if p.recipient in targets]
    _supersede_all(session, [targets[p.recipient] for p in chosen])
    _attach_all(session, [(targets[p.recipient], p.rows) for p in chosen])
    return [p.composed(targets[p.recipient]) for p in chosen]


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


def _waiting_messages(session: Session) -> dict[str, _Waiting]:
    """Each recipient's message not yet attempted (the newest, should there be two)."""
    query = (
        select(MessageRow.id, MessageRow.recipient, MessageRow.next_attempt_at)
        .where(MessageRow.state == MessageState.PENDING.value, MessageRow.attempts == 0)
        .order_by(MessageRow.id)
    )
    return {row.recipient: _Waiting(row.id, row.next_attempt_at) for row in session.execute(query)}


def _stale_messages(session: Session, recipients: set[str]) -> dict[str, list[int]]:
    """Each recipient's messages deferred for a retry: a newer digest supersedes them."""
    query = (
        select(MessageRow.id, MessageRow.recipient)
        .where(MessageRow.state == MessageState.DEFERRED.value)
        .order_by(MessageRow.id)
    )
    stale: dict[str, list[int]] = defaultdict(list)
    for row in session.execute(query):
        if row.recipient in recipients:
            stale[row.recipient].append(row.id)
    return stale


def _bound_items(
    session: Session, waiting: list[int], stale: Mapping[str, list[int]]
) -> dict[int, list[_Queued]]:
    """The items the waiting and the stale messages carry, by message, in id order."""
    ids = [*waiting, *(m for messages in stale.values() for m in messages)]
    found: dict[int, list[_Queued]] = defaultdict(list)
    for start in range(0, len(ids), CHUNK):
        columns = (ITEMS.c.id, ITEMS.c.plan_id, ITEMS.c.payload, ITEMS.c.message_id)
        query = select(*columns).where(ITEMS.c.message_id.in_(ids[start : start + CHUNK]))
        for row in session.execute(query.order_by(ITEMS.c.id)):
            item = ReminderItem.from_json(row.payload)
            found[row.message_id].append(_Queued(row.id, row.plan_id, item, row.message_id))
    return found


class _Target(NamedTuple):
    """The message that takes the items in, and the stale messages it supersedes."""

    message_id: int
    key: str
    send_at: dt.datetime
    supersedes: list[int]


@dataclass
class _Planned:
    """One recipient's digest: merged into its waiting message (`target`) or a new one."""

    recipient: str
    rows: list[_Queued]
    digest: Digest
    key: str
    plans: list[str]
    send_at: dt.datetime
    stale: list[int]
    target: _Target | None = None

    def composed(self, target: _Target) -> Composed:
        keys = tuple(row.item.key for row in self.rows)
        return Composed(
            target.message_id, target.key, self.recipient, self.digest.subject, keys, target.send_at
        )


def _plan_for(
    session: Session,
    recipient: str,
    waiting: _Waiting | None,
    stale: list[int],
    rows: list[_Queued],
    bound: Mapping[int, list[_Queued]],
    now: dt.datetime,
    send_moment: SendMoment,
) -> _Planned:
    if stale:
        carried = sorted((r for m in stale for r in bound[m]), key=lambda row: row.id)
        rows = [*carried, *rows]
    if waiting is not None:
        merged = _merge(session, waiting, stale, [*bound[waiting.id], *rows], now, send_moment)
        if merged is not None:
            return merged
    digest, key, plans = _digest_of(rows, now)
    return _Planned(recipient, rows, digest, key, plans, send_moment(plans, now), stale)


def _digest_of(rows: Sequence[_Queued], now: dt.datetime) -> tuple[Digest, str, list[str]]:
    items = [row.item for row in rows]
    digest = compose_digest(items[0].recipient, items[0].recipient_name, items, now)
    return digest, message_key(items), sorted({row.plan_id for row in rows})


def _merge(
    session: Session,
    waiting: _Waiting,
    stale: list[int],
    rows: list[_Queued],
    now: dt.datetime,
    send_moment: SendMoment,
) -> _Planned | None:
    """The waiting message rewritten with its items and the new ones; None when a sender
    claimed it meanwhile (compare-and-set: the sender wins, and we compose anew)."""
    digest, key, plans = _digest_of(rows, now)
    send_at = max(waiting.next_attempt_at, send_moment(plans, now))
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
        return None
    target = _Target(waiting.id, key, send_at, stale)
    return _Planned(rows[0].item.recipient, rows, digest, key, plans, send_at, stale, target)


MESSAGES = cast(Table, MessageRow.__table__)


def _insert_new(session: Session, planned: list[_Planned], now: dt.datetime) -> dict[str, _Target]:
    """The new messages in one INSERT; a key another sweep composed first is skipped
    (theirs goes out). Each written message's target, by recipient."""
    if not planned:
        return {}
    dialect = session.connection().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(MESSAGES)
    statement = insert.on_conflict_do_nothing().returning(MESSAGES.c.id, MESSAGES.c.key)
    written = session.execute(statement, [_new_row(p, now) for p in planned])
    ids = {key: message_id for message_id, key in written}
    return {
        p.recipient: _Target(ids[p.key], p.key, p.send_at, p.stale) for p in planned if p.key in ids
    }


def _new_row(planned: _Planned, now: dt.datetime) -> dict[str, object]:
    digest = planned.digest
    return {
        "key": planned.key,
        "recipient": digest.recipient,
        "recipient_name": digest.recipient_name,
        "plans": planned.plans,
        **_digest_values(digest),
        "state": MessageState.PENDING.value,
        "attempts": 0,
        "next_attempt_at": planned.send_at,
        "created_at": now,
    }


def _supersede_all(session: Session, targets: list[_Target]) -> None:
    """Each stale message superseded by its recipient's new digest (rare: after an
    outage), unless a sender claimed it meanwhile: then the batch is composed again."""
    for target in targets:
        if not target.supersedes:
            continue
        changed = session.execute(
            update(MessageRow)
            .where(
                MessageRow.id.in_(target.supersedes),
                MessageRow.state == MessageState.DEFERRED.value,
            )
            .values(state=MessageState.SUPERSEDED.value, superseded_by=target.message_id)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if changed != len(target.supersedes):
            raise _Contended


def _digest_values(digest: Digest) -> dict[str, str]:
    return {
        "subject": digest.subject,
        "body_text": digest.text,
        "body_html": digest.html,
        "body_short": digest.short_text,
    }


# An item moves only from where it was read (no message, or a message being superseded):
# an item another composer took meanwhile is not taken from it.
_ATTACH_SQLITE = (
    "UPDATE reminder_items SET message_id = ? WHERE id = ? AND (message_id IS NULL "
    "OR message_id = ?)"
)
_ATTACH_POSTGRES = text(
    "UPDATE reminder_items AS r SET message_id = v.message_id FROM unnest("
    "CAST(:ids AS INTEGER[]), CAST(:messages AS INTEGER[]), CAST(:was AS INTEGER[])) "
    "AS v(id, message_id, was) WHERE r.id = v.id AND (r.message_id IS NULL "
    "OR r.message_id = v.was)"
)


def _attach_all(session: Session, targets: list[tuple[_Target, list[_Queued]]]) -> None:
    """Every item to its message in one statement (PostgreSQL: arrays; SQLite: one
    executemany, in process); any item another composer took makes the batch start over."""
    moves = [
        (target.message_id, row.id, row.message_id)
        for target, rows in targets
        for row in rows
        if row.message_id != target.message_id
    ]
    if not moves:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        messages, ids, was = (_array_text(column) for column in zip(*moves, strict=True))
        result = session.execute(_ATTACH_POSTGRES, {"ids": ids, "messages": messages, "was": was})
    else:
        result = connection.exec_driver_sql(_ATTACH_SQLITE, moves)
    if result.rowcount != len(moves):  # type: ignore[attr-defined]
        raise _Contended


def _canonical(item: ReminderItem) -> str:
    """ "|".join(map(str, item.key)), without the key property's enum lookup."""
    rule = _RULE_VALUES[item.rule]
    return f"{item.recipient}|{item.plan_id}|{item.step_key}|{rule}|{item.occurrence}|{item.rung}"


def _array_text(values: Sequence[int | None]) -> str:
    """An integer array as PostgreSQL reads it from text, built as one string: psycopg
    dumps a list element by element (about a second for a morning's 45k items)."""
    return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"


def message_key(items: Sequence[ReminderItem]) -> str:
    """Stable for the same recipient and items: the Message-ID of every retry."""
    canonical = "\n".join(sorted(_canonical(item) for item in items))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


# --- Claiming and recording ------------------------------------------------------------


def _claimable(due_at: dt.datetime, now: dt.datetime, lease: dt.timedelta) -> ColumnElement[bool]:
    """Due by the sweep's moment, or claimed by a sender whose lease lapsed on the real clock."""
    due = and_(MessageRow.state.in_(DUE_STATES), MessageRow.next_attempt_at <= due_at)
    lapsed = and_(
        MessageRow.state == MessageState.CLAIMED.value, MessageRow.claimed_at < now - lease
    )
    return or_(due, lapsed)


@dataclass(frozen=True)
class DueMessage:
    message_id: int
    plans: tuple[str, ...]


def due_messages(
    session: Session,
    due_at: dt.datetime,
    limit: int | None = None,
    *,
    now: dt.datetime | None = None,
    lease: dt.timedelta = LEASE,
) -> list[DueMessage]:
    query = (
        select(MessageRow.id, MessageRow.plans)
        .where(_claimable(due_at, now or due_at, lease))
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
    # Per service (masked URL): its targets that already accepted this message.
    accepted: Mapping[str, frozenset[str]] = field(default_factory=dict)
    resent_at: dt.datetime | None = None
    sender_name: str = SENDER_NAME

    def outgoing(self, sent_at: dt.datetime, link: str = "") -> Outgoing:
        """The message as the channels take it: full envelope and the short text.

        `link`: the recipient's signed page link, added at sending time (not stored with
        the message: it is a credential, and a retry carries a fresh one)."""
        envelope = Envelope(
            self.key,
            self.recipient,
            self.recipient_name,
            self.subject,
            text_with_link(self.body_text, link),
            html_with_link(self.body_html, link),
            sent_at,
            sender_name=self.sender_name,
            accepted=self.accepted,
            link=link,
        )
        # Zalo shows the link its own way (an OA button, a ZNS parameter): the short text
        # keeps its room for the notice.
        return Outgoing(envelope, self.body_short)


def claim(
    session: Session,
    message_id: int,
    due_at: dt.datetime,
    *,
    now: dt.datetime | None = None,
    lease: dt.timedelta = LEASE,
) -> Claim | None:
    """Take one message if it is still claimable; None when another worker has it.

    `now` is the real time of claiming (the lease starts then); `due_at` the sweep's moment.
    """
    claimed_at = now or due_at
    claimable = and_(MessageRow.id == message_id, _claimable(due_at, claimed_at, lease))
    # A plain read first: senders working through the same list would otherwise queue for
    # SQLite's write lock only to find, one after another, messages already taken.
    if session.scalar(select(MessageRow.id).where(claimable)) is None:
        return None
    take_write_lock(session)
    token = uuid.uuid4().hex
    taken = session.execute(
        update(MessageRow)
        .where(claimable)
        .values(
            state=MessageState.CLAIMED.value,
            claim_token=token,
            claimed_at=claimed_at,
            attempts=MessageRow.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if taken != 1:
        return None
    row = session.get_one(MessageRow, message_id, populate_existing=True)
    records = _records(session, message_id)
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
        done_services=frozenset(policy_done_services(records, row.resent_at)),
        accepted=_accepted_targets(session, message_id),
        resent_at=row.resent_at,
        sender_name=_sender_name(session, message_id),
    )


def _sender_name(session: Session, message_id: int) -> str:
    """The digest's sender, kept with its items: the agency the notice is sent in the name of."""
    query = select(ITEMS.c.payload).where(ITEMS.c.message_id == message_id).limit(1)
    payload = session.scalar(query) or {}
    return str(payload.get("sender") or SENDER_NAME)


def renew(session: Session, claimed: Claim, now: dt.datetime) -> bool:
    """Extend our lease while a send is still under way; False when it was taken over."""
    changed = session.execute(
        update(MessageRow)
        .where(
            MessageRow.id == claimed.message_id,
            MessageRow.claim_token == claimed.token,
            MessageRow.state == MessageState.CLAIMED.value,
        )
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    return bool(changed == 1)


def _records(session: Session, message_id: int) -> list[AttemptRecord]:
    rows = session.scalars(
        select(DeliveryAttemptRow)
        .where(DeliveryAttemptRow.message_id == message_id)
        .order_by(DeliveryAttemptRow.id)
    ).all()
    return [
        AttemptRecord(
            service=row.service_url,
            name=row.service_name,
            ok=row.ok,
            at=row.at,
            permanent=row.permanent,
            optional=row.optional,
            needs_auth=row.needs_auth,
            error=row.error,
        )
        for row in rows
    ]


def _accepted_targets(session: Session, message_id: int) -> dict[str, frozenset[str]]:
    query = select(DeliveryAttemptRow.service_url, DeliveryAttemptRow.accepted).where(
        DeliveryAttemptRow.message_id == message_id
    )
    found: dict[str, set[str]] = defaultdict(set)
    for url, accepted in session.execute(query):
        found[url].update(accepted or ())
    return {url: frozenset(targets) for url, targets in found.items() if targets}


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
    *,
    moment: dt.datetime | None = None,
    has_channel: bool = True,
    policy: RetryPolicy = DEFAULT_POLICY,
) -> Recorded:
    """Store every service's result; change the message only if our claim still holds.

    `now` is when the send finished: it stamps the attempts and `sent_at`. `moment`, when
    given, is the instant a retry is counted from (by default the same).
    """
    moment = moment or now
    take_write_lock(session)
    session.add_all([_attempt_row(claimed, result, now) for result in results])
    session.flush()
    decision = decide_next(
        _records(session, claimed.message_id),
        {result.url for result in results},
        claimed.attempt,
        moment,
        has_channel=has_channel,
        resent_at=claimed.resent_at,
        policy=policy,
    )
    state, next_at = _state_of(decision, send_moment)
    changed = session.execute(
        update(MessageRow)
        .where(
            MessageRow.id == claimed.message_id,
            MessageRow.claim_token == claimed.token,
            MessageRow.state == MessageState.CLAIMED.value,
        )
        .values(**_recorded_values(state, next_at, decision.error, now, moment))
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    return Recorded(state, next_at, decision.error, kept=changed == 1)


def _state_of(
    decision: Decision, send_moment: Callable[[dt.datetime], dt.datetime]
) -> tuple[MessageState, dt.datetime | None]:
    retry_at = send_moment(decision.retry_at) if decision.retry_at is not None else None
    return STATE_OF[decision.outcome], retry_at


def _recorded_values(
    state: MessageState,
    next_at: dt.datetime | None,
    error: str | None,
    now: dt.datetime,
    moment: dt.datetime,
) -> dict[str, object]:
    values: dict[str, object] = {
        "state": state.value,
        "claim_token": None,
        "next_attempt_at": next_at or moment,
        "sent_at": now if state in (MessageState.SENT, MessageState.NO_CHANNEL) else None,
        "last_error": error,
    }
    if state is MessageState.NEEDS_AUTH:
        # Waiting for a person is not a failed attempt: the count stays where it was.
        values["attempts"] = MessageRow.attempts - 1
    return values


def _attempt_row(claimed: Claim, result: ServiceResult, now: dt.datetime) -> DeliveryAttemptRow:
    return DeliveryAttemptRow(
        message_id=claimed.message_id,
        attempt=claimed.attempt,
        service_name=result.name[:80],
        service_url=result.url,
        ok=result.ok,
        optional=result.optional,
        permanent=result.permanent,
        needs_auth=result.needs_auth,
        accepted=sorted(result.accepted),
        error=result.error,
        at=now,
    )


# --- What a person does about stuck messages --------------------------------------------


def _reopen(
    session: Session, where: ColumnElement[bool], now: dt.datetime, **extra: object
) -> list[int]:
    """Make the matching messages due at once; their ids. Due from their own creation, so
    the next delivery takes them whatever moment it evaluates (quiet time still holds)."""
    take_write_lock(session)
    ids = list(session.scalars(select(MessageRow.id).where(where).order_by(MessageRow.id)))
    for start in range(0, len(ids), CHUNK):
        session.execute(
            update(MessageRow)
            .where(MessageRow.id.in_(ids[start : start + CHUNK]), where)
            .values(
                state=MessageState.DEFERRED.value,
                claim_token=None,
                next_attempt_at=MessageRow.created_at,
                **extra,
            )
            .execution_options(synchronize_session=False)
        )
    return ids


def _chosen(states: Sequence[str], message_ids: Sequence[int] | None) -> ColumnElement[bool]:
    where = MessageRow.state.in_(states)
    return and_(where, MessageRow.id.in_(message_ids)) if message_ids else where


def resend(
    session: Session, now: dt.datetime, message_ids: Sequence[int] | None = None
) -> list[int]:
    """Failed (or channel-less) messages go out again with a fresh count of attempts;
    services that accepted them are still skipped, earlier refusals are tried again."""
    return _reopen(session, _chosen(RESENDABLE, message_ids), now, attempts=0, resent_at=now)


def release(
    session: Session, now: dt.datetime, message_ids: Sequence[int] | None = None
) -> list[int]:
    """Claims a person knows are stuck (their sender died) become due at once."""
    return _reopen(session, _chosen((MessageState.CLAIMED.value,), message_ids), now)


def release_needs_auth(session: Session, now: dt.datetime) -> list[int]:
    """After a Zalo OA is authorised again, the messages that waited for it are due."""
    return _reopen(session, MessageRow.state == MessageState.NEEDS_AUTH.value, now)


def count_by_state(session: Session) -> dict[str, int]:
    query = select(MessageRow.state, func.count()).group_by(MessageRow.state)
    return {state: count for state, count in session.execute(query).all()}


# --- Counting, for the dashboard --------------------------------------------------------

WAITING_STATES = {
    None,
    MessageState.PENDING,
    MessageState.CLAIMED,
    MessageState.DEFERRED,
    MessageState.NEEDS_AUTH,
}


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
