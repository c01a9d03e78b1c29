"""report cycles and ongoing duties on the step row

Adds `steps.series` (the recurring step an occurrence belongs to), `steps.period_start` and
`steps.period_end` (the data period the occurrence reports on) and `steps.ongoing` (the
check-in cycle of a duty without a deadline). All nullable: every existing step is a
one-off step with a deadline, which is what NULL means, so nothing is back-filled.

Revision ID: 0006_series
Revises: 0004 (0004_deadline_history; the lead re-chains the parallel 0005–0009 at merge)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_series"
down_revision: str | None = "0005_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("steps") as batch:
        batch.add_column(sa.Column("series", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("period_start", sa.Date(), nullable=True))
        batch.add_column(sa.Column("period_end", sa.Date(), nullable=True))
        batch.add_column(sa.Column("ongoing", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("steps") as batch:
        for column in ("ongoing", "period_end", "period_start", "series"):
            batch.drop_column(column)
