"""The outbox's composing as it was before it became set-based (one recipient at a time,
five round trips a digest): kept verbatim as the reference the fast `outbox.compose` is
compared with, byte for byte (tests/notifications/test_compose_matches_reference.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction

from kehoach.store.outbox_tables import MessageRow, MessageState
from models.digest import Digest, compose_digest
from models.reminders import ReminderItem
from notifications.outbox import (
    _KEY_COLUMNS,
    CHUNK,
    ITEMS,
    Composed,
    SendMoment,
    message_key,
    take_write_lock,
)


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
    Messages of the recipient still waiting for a retry (an outage) are superseded: their
    items go into the new digest and they are recorded as superseded by it, so after an
    outage each agency gets the newest digest, not every stale one as well.
    `known`: items the caller has just enqueued, so they need not be read back.
    """
    take_write_lock(session)
    cache = {item.key: item for item in known}
    groups: dict[str, list[_Queued]] = defaultdict(list)
    for queued in _queued(session, ITEMS.c.message_id.is_(None), cache):
        groups[queued.item.recipient].append(queued)
    waiting = _waiting_messages(session)
    stale = _stale_messages(session, set(groups))
    composed = [
        _compose_for(
            session, waiting.get(recipient), stale.get(recipient, []), group, now, send_moment
        )
        for recipient, group in groups.items()
    ]
    return [c for c in composed if c is not None]


def _waiting_messages(session: Session) -> dict[str, MessageRow]:
    """Each recipient's message not yet attempted (held by quiet time, or just composed)."""
    query = select(MessageRow).where(
        MessageRow.state == MessageState.PENDING.value, MessageRow.attempts == 0
    )
    return {message.recipient: message for message in session.scalars(query)}


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


def _compose_for(
    session: Session,
    waiting: MessageRow | None,
    stale: list[int],
    rows: list[_Queued],
    now: dt.datetime,
    send_moment: SendMoment,
) -> Composed | None:
    if stale:
        rows = [*_queued(session, ITEMS.c.message_id.in_(stale), {}), *rows]
    if waiting is not None:
        merged = _merge(session, waiting, stale, rows, now, send_moment)
        if merged is not None:
            return merged
    return _compose_new(session, stale, rows, now, send_moment)


def _digest_of(rows: Sequence[_Queued], now: dt.datetime) -> tuple[Digest, str, list[str]]:
    items = [row.item for row in rows]
    digest = compose_digest(items[0].recipient, items[0].recipient_name, items, now)
    return digest, message_key(items), sorted({row.plan_id for row in rows})


def _compose_new(
    session: Session,
    stale: list[int],
    rows: list[_Queued],
    now: dt.datetime,
    send_moment: SendMoment,
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
    target = _Target(message.id, key, message.next_attempt_at, stale)
    return _attach_or_undo(session, savepoint, target, rows, digest)


def _merge(
    session: Session,
    waiting: MessageRow,
    stale: list[int],
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
    target = _Target(waiting.id, key, send_at, stale)
    return _attach_or_undo(session, savepoint, target, [*carried, *rows], digest)


class _Target(NamedTuple):
    """The message that takes the items in, and the stale messages it supersedes."""

    message_id: int
    key: str
    send_at: dt.datetime
    supersedes: list[int]


def _attach_or_undo(
    session: Session,
    savepoint: SessionTransaction,
    target: _Target,
    rows: list[_Queued],
    digest: Digest,
) -> Composed | None:
    movable = [row for row in rows if row.message_id != target.message_id]
    if not _supersede(session, target) or _attach(session, movable, target) != len(movable):
        # A sender claimed a stale message, or another composer took an item: theirs wins.
        savepoint.rollback()
        return None
    savepoint.commit()
    keys = tuple(row.item.key for row in rows)
    return Composed(
        target.message_id, target.key, digest.recipient, digest.subject, keys, target.send_at
    )


def _supersede(session: Session, target: _Target) -> bool:
    if not target.supersedes:
        return True
    changed = session.execute(
        update(MessageRow)
        .where(
            MessageRow.id.in_(target.supersedes),
            MessageRow.state == MessageState.DEFERRED.value,
        )
        .values(state=MessageState.SUPERSEDED.value, superseded_by=target.message_id)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    return bool(changed == len(target.supersedes))


def _digest_values(digest: Digest) -> dict[str, str]:
    return {
        "subject": digest.subject,
        "body_text": digest.text,
        "body_html": digest.html,
        "body_short": digest.short_text,
    }


def _attach(session: Session, rows: list[_Queued], target: _Target) -> int:
    """Give the items to the message unless another composer took one; how many it got."""
    ids = [row.id for row in rows]
    free = or_(ITEMS.c.message_id.is_(None), ITEMS.c.message_id.in_(target.supersedes))
    attached = 0
    for start in range(0, len(ids), CHUNK):
        attached += session.execute(
            update(ITEMS)
            .where(ITEMS.c.id.in_(ids[start : start + CHUNK]), free)
            .values(message_id=target.message_id)
        ).rowcount  # type: ignore[attr-defined]
    return attached


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
