"""delivery: superseded and resent messages, accepted targets, Zalo authorisation state

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kehoach.store.types


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('superseded_by', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('resent_at', kehoach.store.types.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table('delivery_attempts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('accepted', sa.JSON(), nullable=False, server_default='[]')
        )
        batch_op.add_column(
            sa.Column('needs_auth', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('zalo_tokens', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('auth_state', sa.String(length=12), nullable=False, server_default='ok')
        )
        batch_op.add_column(sa.Column('auth_note', sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column('auth_changed_at', kehoach.store.types.UTCDateTime(), nullable=True)
        )
    # The defaults only fill existing rows; the code always writes these columns.
    with op.batch_alter_table('delivery_attempts', schema=None) as batch_op:
        batch_op.alter_column('accepted', server_default=None)
        batch_op.alter_column('needs_auth', server_default=None)
    with op.batch_alter_table('zalo_tokens', schema=None) as batch_op:
        batch_op.alter_column('auth_state', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('zalo_tokens', schema=None) as batch_op:
        batch_op.drop_column('auth_changed_at')
        batch_op.drop_column('auth_note')
        batch_op.drop_column('auth_state')
    with op.batch_alter_table('delivery_attempts', schema=None) as batch_op:
        batch_op.drop_column('needs_auth')
        batch_op.drop_column('accepted')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('resent_at')
        batch_op.drop_column('superseded_by')
