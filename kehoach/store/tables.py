"""The state database: plans, their agencies, the concrete steps, and an append-only event log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from kehoach.store.base import Base
from kehoach.store.types import CodeList, UTCDateTime


class PlanRow(Base):
    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    source_path: Mapped[str] = mapped_column(Text)
    source_sha256: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The main (first) event's date in force; NULL for a plan without events. Each
    # event's own date is in PlanEventRow.
    event_date: Mapped[dt.date | None] = mapped_column(Date)
    event_confirmed: Mapped[bool] = mapped_column(default=False)
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Kết thúc kế hoạch: from this moment nothing is reminded and no counter grows.
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # DIR (0008_directory): the province directory the plan was resolved with, if any.
    directory: Mapped[str | None] = mapped_column(Text)


class AgencyRow(Base):
    __tablename__ = "agencies"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    short_name: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # DIR (0008_directory): the directory's hierarchy and validity, as the plan was loaded.
    parent: Mapped[str | None] = mapped_column(String(60))
    area: Mapped[str | None] = mapped_column(String(60))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    successor: Mapped[str | None] = mapped_column(String(60))


class StepRow(Base):
    __tablename__ = "steps"
    __table_args__ = (
        UniqueConstraint("plan_id", "key"),
        Index("ix_steps_plan_lead", "plan_id", "lead"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"))
    key: Mapped[str] = mapped_column(String(200))
    responsibility_id: Mapped[str] = mapped_column(String(120))
    step_id: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(Text)
    deliverable: Mapped[str | None] = mapped_column(Text)
    lead: Mapped[str] = mapped_column(String(60))
    cooperating: Mapped[list[str]] = mapped_column(CodeList, default=list)
    depends_on: Mapped[list[str]] = mapped_column(CodeList, default=list)
    deadline_source: Mapped[str] = mapped_column(String(20))
    follow_up: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    deadline: Mapped[dt.date] = mapped_column(Date)
    first_deadline: Mapped[dt.date] = mapped_column(Date)
    extended_to: Mapped[dt.date | None] = mapped_column(Date)
    progress: Mapped[str] = mapped_column(String(20), default="not_started")
    last_update_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The deadline (and extension) in force at `completed_at`, frozen when the step was
    # finished: later event moves never change how late a finished step was.
    completed_deadline: Mapped[dt.date | None] = mapped_column(Date)
    completed_extended_to: Mapped[dt.date | None] = mapped_column(Date)
    blocked_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # EV: the event the deadline counts from (None: not relative), and the window start.
    event_id: Mapped[str | None] = mapped_column(String(60))
    not_before: Mapped[dt.date | None] = mapped_column(Date)
    # REC (0006_series): an occurrence of a recurring step and the data period it covers;
    # `ongoing`: the check-in cycle of a duty without a deadline.
    series: Mapped[str | None] = mapped_column(String(120))
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    ongoing: Mapped[str | None] = mapped_column(String(20))
    # Receipts and conditional steps (models.receipts; migration 0007_receipts). Server
    # defaults, not Python ones: rows written by older code (and older tests) stay valid.
    receivers: Mapped[list[str]] = mapped_column(CodeList, server_default="")
    via: Mapped[str | None] = mapped_column(String(60))
    completes_on: Mapped[str] = mapped_column(String(20), server_default="submission")
    conditional: Mapped[bool] = mapped_column(server_default=false())
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class EventRow(Base):
    """Append-only: who did what to which step, when, with what note and deliverable link."""

    __tablename__ = "step_events"
    __table_args__ = (
        Index("ix_step_events_plan_step", "plan_id", "step_key"),
        # The sweep and the status read: the latest change of each kind in a plan (0010_indexes).
        Index("ix_step_events_plan_kind_at", "plan_id", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"))
    step_key: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(60))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class DeadlineRow(Base):
    """Append-only history of deadlines: each row is what was in force from `at` on, and why.

    `step_key` NULL: a row of an event's date (`deadline` is then that date; `event_id`
    says which event; "main" for a v1 plan's single event).
    """

    __tablename__ = "deadline_history"
    __table_args__ = (
        Index("ix_deadline_history_plan_step", "plan_id", "step_key", "at"),
        Index("ix_deadline_history_plan_at", "plan_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"))
    step_key: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[dt.date] = mapped_column(Date)
    extended_to: Mapped[dt.date | None] = mapped_column(Date)
    event_date: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)
    event_id: Mapped[str | None] = mapped_column(String(60))


class PlanEventRow(Base):
    """Each event of a plan: its date in force now and whether it is confirmed."""

    __tablename__ = "plan_events"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date)
    confirmed: Mapped[bool] = mapped_column(default=False)
