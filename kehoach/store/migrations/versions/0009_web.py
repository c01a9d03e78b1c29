"""the agencies' web service: link generations per agency, used form tokens

Revision ID: 0009_web
Revises: 0004 (the lead re-chains after the other schema-v2 migrations at merge)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kehoach.store.types

revision: str = "0009_web"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = kehoach.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "agency_links",
        sa.Column("agency", sa.String(length=60), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("changed_at", UTC(), nullable=False),
        sa.Column("changed_by", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("agency"),
    )
    op.create_table(
        "used_form_tokens",
        sa.Column("nonce", sa.String(length=40), nullable=False),
        sa.Column("agency", sa.String(length=60), nullable=False),
        sa.Column("step_key", sa.String(length=200), nullable=False),
        sa.Column("used_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("nonce"),
    )


def downgrade() -> None:
    op.drop_table("used_form_tokens")
    op.drop_table("agency_links")
