"""index for the status read: the latest deadline change of a plan

(The events' (plan_id, kind, at) index it also needs came first in 0010_indexes.)

Status asks, for each plan, for the moment of its latest state-changing event (of each
kind) and deadline change, to know whether the rows' own state is the one in force. With
only the (plan_id, step_key) indexes each read scanned every row the plan ever logged, so
it grew with the history's length; with these it is one index probe per kind.

Revision ID: 0011_status_indexes
Revises: 0010_indexes
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011_status_indexes"
down_revision: str | None = "0010_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_deadline_history_plan_at", "deadline_history", ["plan_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_deadline_history_plan_at", table_name="deadline_history")
