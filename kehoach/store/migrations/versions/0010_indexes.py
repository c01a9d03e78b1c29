"""indexes for the morning's hot reads at national size (issue 14, item 5)

- step_events (plan_id, kind, at): every read of the event log by a sweep or a status
  picks one plan's events of some kinds up to a moment (done parts, difficulties, the
  latest change, the fold as of a moment); the old (plan_id, step_key) index made each of
  them scan the plan's whole history.
- reminder_items (plan_id, step_key): the reminders of some steps (the dashboard's
  per-step counts); the unique key starts with the recipient and cannot serve it.

Revision ID: 0010_indexes
Revises: 0009_web
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010_indexes"
down_revision: str | None = "0009_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_step_events_plan_kind_at", "step_events", ["plan_id", "kind", "at"]),
    ("ix_reminder_items_plan_step", "reminder_items", ["plan_id", "step_key"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
