"""Migration 0007_receipts: an older database learns who receives what from the plan it holds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from sqlalchemy import select

from kehoach.services.context import AppContext
from kehoach.services.receipts import confirm_receipt
from kehoach.services.status import statuses
from kehoach.store.session import Database, alembic_config, make_engine
from kehoach.store.tables import PlanRow, StepRow

PLAN = "nt-2024-so-ket-vi-nguoi-ngheo"
LOADED = dt.datetime(2024, 3, 15, 1, 0, tzinfo=dt.UTC)
SUBMITTED = dt.datetime(2024, 3, 27, 8, 0, tzinfo=dt.UTC)


def _old_database(url: str, document: dict[str, object]) -> None:
    """What 0004 left: the award proposals submitted, the speech untouched."""
    engine = make_engine(url)
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
        connection.execute(
            PlanRow.__table__.insert().values(
                id=PLAN, title="Kế hoạch", source_path="kh.yaml", source_sha256="0" * 64,
                document=document, event_date=dt.date(2024, 4, 25), event_confirmed=False,
                loaded_at=LOADED,
            )
        )  # fmt: skip
        for key, progress, done in (
            ("IV.2.award_proposals", "submitted", SUBMITTED),
            ("IV.2.speech", "not_started", None),
        ):
            connection.execute(
                StepRow.__table__.insert().values(
                    plan_id=PLAN, key=key, responsibility_id="IV.2", step_id=key, title=key,
                    lead="SLDTBXH", cooperating=[], depends_on=[], deadline_source="coordinator",
                    follow_up=False, position=0, deadline=dt.date(2024, 3, 29),
                    first_deadline=dt.date(2024, 3, 29), progress=progress,
                    last_update_at=done, completed_at=done,
                )
            )  # fmt: skip
    engine.dispose()


def test_an_old_database_gets_its_receivers_and_keeps_completing_on_submission(
    context: AppContext, seed_path: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _old_database(url, context.load_plan_file(seed_path).plan.model_dump(mode="json"))
    database = Database(url)  # migrates to the head
    try:
        with database.transaction() as session:
            rows = {r.key: r for r in session.scalars(select(StepRow))}
            awards = rows["IV.2.award_proposals"]
            assert (awards.receivers, awards.via, awards.completes_on) == (
                ["SNV"],
                None,
                "submission",
            )
            assert (rows["IV.2.speech"].receivers, rows["IV.2.speech"].conditional) == ([], False)
            [status] = [s for s in statuses(session, SUBMITTED, PLAN) if s.key == awards.key]
            assert status.assessment.health.value == "done_on_time"  # as before the upgrade
        with database.transaction() as session:
            confirm_receipt(session, PLAN, "IV.2.award_proposals", "SNV", SUBMITTED)
            assert session.get_one(StepRow, awards.id).received_at == SUBMITTED
    finally:
        database.dispose()
