"""deadline history, frozen deadlines of finished steps, closing a plan

Adds `deadline_history` (every deadline a step has had, and the plan's event date, with
when and why), `steps.completed_deadline`/`completed_extended_to` (the deadline in force
when the step was finished) and `plans.closed_at`. Existing databases are back-filled
from what they already hold: each step's first deadline when it was added, every
`deadline_moved` and `deadline_extended` event, the event date's `event_confirmed` events;
then each finished step's deadline is frozen at the one in force at its completion, which
undoes the recomputation older versions did when the event moved.

Revision ID: 0004
Revises: 0002 (the lead re-chains after 0003 at merge)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import kehoach.store.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = kehoach.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "deadline_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(length=120), nullable=False),
        sa.Column("step_key", sa.String(length=200), nullable=True),
        sa.Column("at", UTC(), nullable=False),
        sa.Column("recorded_at", UTC(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("extended_to", sa.Date(), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_deadline_history_plan_step", "deadline_history", ["plan_id", "step_key", "at"]
    )
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("closed_at", UTC(), nullable=True))
    with op.batch_alter_table("steps") as batch:
        batch.add_column(sa.Column("completed_deadline", sa.Date(), nullable=True))
        batch.add_column(sa.Column("completed_extended_to", sa.Date(), nullable=True))
    backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("steps") as batch:
        batch.drop_column("completed_extended_to")
        batch.drop_column("completed_deadline")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("closed_at")
    op.drop_index("ix_deadline_history_plan_step", table_name="deadline_history")
    op.drop_table("deadline_history")


# Lightweight table descriptions: a migration must not depend on today's ORM classes.
plans = sa.table(
    "plans", sa.column("id"), sa.column("event_date", sa.Date()), sa.column("loaded_at", UTC())
)
steps = sa.table(
    "steps",
    sa.column("id"),
    sa.column("plan_id"),
    sa.column("key"),
    sa.column("first_deadline", sa.Date()),
    sa.column("completed_at", UTC()),
    sa.column("completed_deadline", sa.Date()),
    sa.column("completed_extended_to", sa.Date()),
)
events = sa.table(
    "step_events",
    sa.column("id"),
    sa.column("plan_id"),
    sa.column("step_key"),
    sa.column("kind"),
    sa.column("actor"),
    sa.column("at", UTC()),
    sa.column("data", sa.JSON()),
)
history = sa.table(
    "deadline_history",
    sa.column("plan_id"),
    sa.column("step_key"),
    sa.column("at", UTC()),
    sa.column("recorded_at", UTC()),
    sa.column("deadline", sa.Date()),
    sa.column("extended_to", sa.Date()),
    sa.column("event_date", sa.Date()),
    sa.column("reason"),
    sa.column("actor"),
)


def backfill(connection: sa.Connection) -> None:
    for plan_id, event_date, loaded_at in connection.execute(sa.select(plans)).all():
        log = connection.execute(
            sa.select(events).where(events.c.plan_id == plan_id).order_by(events.c.id)
        ).all()
        dates = _event_dates(log, event_date, loaded_at)
        rows = [_history_row(plan_id, None, at, day, None, day, "backfill") for at, day in dates]
        by_step: dict[str, list[Any]] = defaultdict(list)
        for event in log:
            by_step[event.step_key].append(event)
        for step in connection.execute(sa.select(steps).where(steps.c.plan_id == plan_id)).all():
            records = _step_records(step, by_step[step.key], dates, loaded_at)
            rows += [_history_row(plan_id, step.key, *record) for record in records]
            _freeze(connection, step, records)
        if rows:
            connection.execute(history.insert(), rows)


def _event_dates(log: Sequence[Any], current: dt.date, loaded_at: dt.datetime) -> list[Any]:
    confirmed = [e for e in log if e.kind == "event_confirmed" and e.data]
    first = dt.date.fromisoformat(confirmed[0].data["from"]) if confirmed else current
    return [(loaded_at, first)] + [(e.at, dt.date.fromisoformat(e.data["to"])) for e in confirmed]


def _event_at(dates: list[Any], moment: dt.datetime) -> dt.date:
    return [day for at, day in dates if at <= moment][-1] if dates[0][0] <= moment else dates[0][1]


def _step_records(
    step: Any, mine: Sequence[Any], dates: list[Any], loaded_at: dt.datetime
) -> list[tuple[Any, ...]]:
    added = next((e.at for e in mine if e.kind == "step_added"), loaded_at)
    deadline, extended = step.first_deadline, None
    records: list[tuple[Any, ...]] = [(added, deadline, None, _event_at(dates, added), "plan_text")]
    for event in mine:
        if event.kind == "deadline_moved" and event.data:
            deadline, reason = dt.date.fromisoformat(event.data["to"]), "event_moved"
        elif event.kind == "deadline_extended" and event.data:
            extended, reason = dt.date.fromisoformat(event.data["to"]), "extended"
        else:
            continue
        records.append((event.at, deadline, extended, _event_at(dates, event.at), reason))
    return records


def _freeze(connection: sa.Connection, step: Any, records: list[tuple[Any, ...]]) -> None:
    if step.completed_at is None:
        return
    earlier = [r for r in records if r[0] <= step.completed_at] or records[:1]
    _, deadline, extended, _, _ = earlier[-1]
    connection.execute(
        steps.update()
        .where(steps.c.id == step.id)
        .values(completed_deadline=deadline, completed_extended_to=extended)
    )


def _history_row(
    plan_id: str,
    step_key: str | None,
    at: dt.datetime,
    deadline: dt.date,
    extended_to: dt.date | None,
    event_date: dt.date,
    reason: str,
) -> dict[str, Any]:
    return {
        "plan_id": plan_id,
        "step_key": step_key,
        "at": at,
        "recorded_at": at,
        "deadline": deadline,
        "extended_to": extended_to,
        "event_date": event_date,
        "reason": reason,
        "actor": "system",
    }
