"""The reminder outbox: selected items, the messages that carry them, and every delivery attempt.

An item is written once (its key is unique) before anything is sent; a message groups
one recipient's items of a sweep and moves pending → claimed → sent, or deferred (a
retry is due later) and finally failed. A message still waiting for a retry when a newer
digest for the same recipient is composed is superseded by it (its items move to the new
one); a message for an agency without a channel of its own is marked no_channel; one
held back because its Zalo OA needs re-authorising waits as needs_auth. Each attempt
keeps one row per channel service, with the service URL masked; no secret is ever
stored here.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kehoach.store.base import Base
from kehoach.store.types import UTCDateTime


class MessageState(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    DEFERRED = "deferred"
    FAILED = "failed"
    SUPERSEDED = "superseded"
    NO_CHANNEL = "no_channel"
    NEEDS_AUTH = "needs_auth"


class ReminderItemRow(Base):
    __tablename__ = "reminder_items"
    __table_args__ = (
        UniqueConstraint(
            "recipient", "plan_id", "step_key", "rule", "occurrence", "rung",
            name="uq_reminder_items_key",
        ),
        Index("ix_reminder_items_message", "message_id"),
        Index("ix_reminder_items_plan_step", "plan_id", "step_key"),  # 0010_indexes
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(60))
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"))
    step_key: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(String(30))
    occurrence: Mapped[str] = mapped_column(String(80))
    rung: Mapped[int] = mapped_column(Integer)
    local_day: Mapped[dt.date] = mapped_column(Date)
    urgency: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"))


class MessageRow(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Derived from the items' keys: the stable Message-ID and the mail-folder file name.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    recipient: Mapped[str] = mapped_column(String(60))
    recipient_name: Mapped[str] = mapped_column(Text)
    plans: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    body_short: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default=MessageState.PENDING.value)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    superseded_by: Mapped[int | None] = mapped_column(Integer)
    # When a person last asked for a resend: earlier permanent refusals no longer count.
    resent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class DeliveryAttemptRow(Base):
    __tablename__ = "delivery_attempts"
    __table_args__ = (Index("ix_delivery_attempts_message", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"))
    attempt: Mapped[int] = mapped_column(Integer)
    service_name: Mapped[str] = mapped_column(String(80))
    service_url: Mapped[str] = mapped_column(Text)
    ok: Mapped[bool] = mapped_column(default=False)
    optional: Mapped[bool] = mapped_column(default=False)
    permanent: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The service's own targets (mailboxes, phones) that accepted: a retry skips them.
    accepted: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The service waits for its credentials to be renewed (Zalo OA re-authorisation).
    needs_auth: Mapped[bool] = mapped_column(default=False)
