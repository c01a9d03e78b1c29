"""receivers of deliverables, receipts, conditional steps

Adds to `steps`: `receivers`, `via`, `completes_on`, `conditional` (copied from the plan
document each database already holds, so an upgraded database knows who receives what
without reloading the file) and `submitted_at`/`received_at` (the receipt's record). Every
existing step keeps its meaning: a v1 plan completes on submission, as before.

Revision ID: 0007_receipts
Revises: 0004 (the file 0004_deadline_history; the lead re-chains at merge)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import kehoach.store.types

revision: str = "0007_receipts"
down_revision: str | None = "0006_series"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = kehoach.store.types.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("steps") as batch:
        batch.add_column(sa.Column("receivers", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("via", sa.String(length=60), nullable=True))
        batch.add_column(
            sa.Column(
                "completes_on", sa.String(length=20), nullable=False, server_default="submission"
            )
        )
        batch.add_column(
            sa.Column("conditional", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("submitted_at", UTC(), nullable=True))
        batch.add_column(sa.Column("received_at", UTC(), nullable=True))
    backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("steps") as batch:
        for name in ("received_at", "submitted_at", "conditional", "completes_on", "via"):
            batch.drop_column(name)
        batch.drop_column("receivers")


# Lightweight table descriptions: a migration must not depend on today's ORM classes.
plans = sa.table("plans", sa.column("id"), sa.column("document", sa.JSON()))
steps = sa.table(
    "steps",
    sa.column("id"),
    sa.column("plan_id"),
    sa.column("step_id"),
    sa.column("lead"),
    sa.column("receivers"),
    sa.column("via"),
    sa.column("conditional", sa.Boolean()),
)


def backfill(connection: sa.Connection) -> None:
    for plan_id, document in connection.execute(sa.select(plans.c.id, plans.c.document)):
        by_id = _steps_of(document or {})
        members = _members(document or {})
        query = sa.select(steps.c.id, steps.c.step_id, steps.c.lead).where(
            steps.c.plan_id == plan_id
        )
        for row_id, step_id, lead in connection.execute(query).all():
            step = by_id.get(step_id)
            if step and (step.get("receivers") or step.get("via") or step.get("conditional")):
                _fill(connection, row_id, step, members, lead)


def _fill(
    connection: sa.Connection,
    row_id: int,
    step: dict[str, Any],
    members: dict[str, list[str]],
    lead: str,
) -> None:
    codes = [c for code in step.get("receivers") or [] for c in members.get(code, [code])]
    receivers = " ".join(c for c in dict.fromkeys(codes) if c != lead)
    values = {"receivers": receivers, "via": step.get("via"), "conditional": bool(step.get("conditional"))}
    connection.execute(sa.update(steps).where(steps.c.id == row_id).values(**values))


def _steps_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        step["id"]: step
        for responsibility in document.get("responsibilities", [])
        for step in responsibility.get("steps", [])
    }


def _members(document: dict[str, Any]) -> dict[str, list[str]]:
    """Each group code with its member agencies, in directory order."""
    found: dict[str, list[str]] = {}
    for agency in document.get("agencies", []):
        for group in agency.get("groups", []):
            found.setdefault(group, []).append(agency["code"])
    return found
