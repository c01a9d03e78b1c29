"""the province directory: agencies' parent, area, validity and successor; a plan's directory

Adds to `agencies` the directory's hierarchy (`parent`, `area`) and validity (`valid_from`,
`valid_to`, `successor`), and to `plans` the directory a plan was resolved with. All are
nullable: rows of plans loaded before (agencies without a directory) keep their meaning,
and the next `kehoach load` of a plan fills them from its directory.

Revision ID: 0008
Revises: 0004 (the lead re-chains after 0005–0007 at merge)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007_receipts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(sa.Column("parent", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("area", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
        batch.add_column(sa.Column("successor", sa.String(length=60), nullable=True))
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("directory", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("directory")
    with op.batch_alter_table("agencies") as batch:
        for column in ("successor", "valid_to", "valid_from", "area", "parent"):
            batch.drop_column(column)
