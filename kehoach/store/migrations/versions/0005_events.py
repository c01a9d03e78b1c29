"""events: 0..n events per plan, each with its own date history

Adds `plan_events` (each event's date in force and whether it is confirmed),
`deadline_history.event_id` (which event a date row is about), `steps.event_id` and
`steps.not_before` (the event a step's deadline counts from, and a window's start), and
makes the single-event columns nullable (a campaign has no event). An existing database's
single event becomes event "main" — the id a v1 plan file's `event:` gets — keeping its
date, its confirmation and every row of its history.

Revision ID: 0005_events
Revises: 0004 (the lead re-chains at merge)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005_events"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAIN = "main"


def upgrade() -> None:
    op.create_table(
        "plan_events",
        sa.Column("plan_id", sa.String(length=120), nullable=False),
        sa.Column("event_id", sa.String(length=60), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"]),
        sa.PrimaryKeyConstraint("plan_id", "event_id"),
    )
    with op.batch_alter_table("steps") as batch:
        batch.add_column(sa.Column("event_id", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("not_before", sa.Date(), nullable=True))
    with op.batch_alter_table("deadline_history") as batch:
        batch.add_column(sa.Column("event_id", sa.String(length=60), nullable=True))
        batch.alter_column("event_date", existing_type=sa.Date(), nullable=True)
    convert(op.get_bind())
    _plans_event_date_nullable()


def _plans_event_date_nullable() -> None:
    """`plans.event_date` NULL for a plan without events.

    SQLite cannot relax NOT NULL in place, and rebuilding `plans` (what batch mode does)
    breaks the foreign keys of every table pointing at it inside the migration's
    transaction. So on SQLite the column is dropped and added back (both native since
    SQLite 3.35), its values restored from `plan_events`, just filled with them.
    """
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("plans", "event_date", existing_type=sa.Date(), nullable=True)
        return
    op.execute("ALTER TABLE plans DROP COLUMN event_date")
    op.execute("ALTER TABLE plans ADD COLUMN event_date DATE")
    op.execute(
        "UPDATE plans SET event_date = (SELECT date FROM plan_events WHERE "
        f"plan_events.plan_id = plans.id AND plan_events.event_id = '{MAIN}')"
    )


def downgrade() -> None:
    with op.batch_alter_table("steps") as batch:
        batch.drop_column("not_before")
        batch.drop_column("event_id")
    with op.batch_alter_table("deadline_history") as batch:
        batch.drop_column("event_id")
    op.drop_table("plan_events")


# Lightweight table descriptions: a migration must not depend on today's ORM classes.
plans = sa.table(
    "plans",
    sa.column("id"),
    sa.column("document", sa.JSON()),
    sa.column("event_date", sa.Date()),
    sa.column("event_confirmed", sa.Boolean()),
)
plan_events = sa.table(
    "plan_events",
    sa.column("plan_id"),
    sa.column("event_id"),
    sa.column("date", sa.Date()),
    sa.column("confirmed", sa.Boolean()),
)
history = sa.table("deadline_history", sa.column("step_key"), sa.column("event_id"))
steps = sa.table("steps", sa.column("plan_id"), sa.column("step_id"), sa.column("event_id"))


def convert(connection: sa.Connection) -> None:
    rows = connection.execute(sa.select(plans)).all()
    for plan in rows:
        connection.execute(
            plan_events.insert().values(
                plan_id=plan.id, event_id=MAIN, date=plan.event_date,
                confirmed=bool(plan.event_confirmed),
            )
        )  # fmt: skip
        relative = _relative_step_ids(plan.document)
        if relative:
            connection.execute(
                steps.update()
                .where(steps.c.plan_id == plan.id, steps.c.step_id.in_(relative))
                .values(event_id=MAIN)
            )
    connection.execute(history.update().where(history.c.step_key.is_(None)).values(event_id=MAIN))


def _relative_step_ids(document: Any) -> list[str]:
    """Ids of the steps whose deadline counts from the (single) event, in a v1 document."""
    if not isinstance(document, dict):
        return []
    return [
        step["id"]
        for responsibility in document.get("responsibilities") or []
        for step in responsibility.get("steps") or []
        if _is_relative(step.get("deadline"))
    ]


def _is_relative(rule: Any) -> bool:
    return isinstance(rule, dict) and any(
        rule.get(k) is not None for k in ("before_event", "after_event")
    )
