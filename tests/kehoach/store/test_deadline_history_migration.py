"""Migration 0004 back-fills the deadline history of a database written by older versions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from sqlalchemy import select

from kehoach.services.context import AppContext
from kehoach.services.status import statuses
from kehoach.store.session import Database, alembic_config, make_engine
from kehoach.store.tables import DeadlineRow, EventRow, PlanRow, StepRow

PLAN = "nt-2024-so-ket-vi-nguoi-ngheo"
LOADED = dt.datetime(2024, 3, 15, 1, 0, tzinfo=dt.UTC)
DONE = dt.datetime(2024, 4, 23, 1, 0, tzinfo=dt.UTC)  # 08:00 23/04 in Vietnam
MOVED = dt.datetime(2024, 4, 24, 1, 0, tzinfo=dt.UTC)


def _old_database(url: str, document: dict[str, object]) -> None:
    """What 0002 left: the speech done late on 23/04, then recomputed when the event moved."""
    engine = make_engine(url)
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(
            PlanRow.__table__.insert().values(
                id=PLAN, title="Kế hoạch", source_path="kh.yaml", source_sha256="0" * 64,
                document=document, event_date=dt.date(2024, 5, 9), event_confirmed=True,
                loaded_at=LOADED,
            )
        )  # fmt: skip
        connection.execute(
            StepRow.__table__.insert().values(
                plan_id=PLAN, key="IV.2.speech", responsibility_id="IV.2", step_id="IV.2.speech",
                title="Bài phát biểu", lead="SLDTBXH", cooperating=[], depends_on=[],
                deadline_source="coordinator", follow_up=False, position=0,
                deadline=dt.date(2024, 5, 3), first_deadline=dt.date(2024, 4, 17),
                progress="done", last_update_at=DONE, completed_at=DONE,
            )
        )  # fmt: skip
        events = [
            ("IV.2.speech", "step_added", LOADED, {}),
            ("IV.2.speech", "progress", DONE, {}),
            ("IV.2.speech", "deadline_moved", MOVED, {"from": "2024-04-17", "to": "2024-05-03"}),
            (None, "event_confirmed", MOVED, {"from": "2024-04-25", "to": "2024-05-09"}),
        ]
        for key, kind, moment, data in events:
            connection.execute(
                EventRow.__table__.insert().values(
                    plan_id=PLAN, step_key=key, kind=kind, actor="system", at=moment,
                    recorded_at=moment, status="done" if kind == "progress" else None, data=data,
                )
            )  # fmt: skip
    engine.dispose()


def test_an_old_database_gets_its_history_and_its_finished_steps_lateness_back(
    context: AppContext, seed_path: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    document = context.load_plan_file(seed_path).plan.model_dump(mode="json")
    _old_database(url, document)
    database = Database(url)  # migrates to the head
    try:
        with database.transaction() as session:
            history = session.scalars(select(DeadlineRow).order_by(DeadlineRow.id)).all()
            step = session.scalars(select(StepRow)).one()
            speech = statuses(session, dt.datetime(2024, 4, 25, 3, tzinfo=dt.UTC), PLAN)[0]
            earlier = statuses(session, DONE + dt.timedelta(hours=2), PLAN)[0]
    finally:
        database.dispose()
    assert [(h.step_key, h.reason, h.deadline) for h in history] == [
        (None, "backfill", dt.date(2024, 4, 25)),
        (None, "backfill", dt.date(2024, 5, 9)),
        ("IV.2.speech", "plan_text", dt.date(2024, 4, 17)),
        ("IV.2.speech", "event_moved", dt.date(2024, 5, 3)),
    ]
    assert step.completed_deadline == dt.date(2024, 4, 17)
    # Older versions re-judged it against 03/05 ("đúng hạn"); it was 3 working days late.
    assert speech.assessment.label == "đã hoàn thành quá hạn 3 ngày làm việc"
    assert earlier.event_date == dt.date(2024, 4, 25)
