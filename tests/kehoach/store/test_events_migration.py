"""Migration 0005 turns a database's single event into event "main", history included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from sqlalchemy import select

from kehoach.services import tracking
from kehoach.services.context import AppContext
from kehoach.services.status import event_date_in_force, statuses
from kehoach.store.session import Database, alembic_config, make_engine
from kehoach.store.tables import DeadlineRow, PlanEventRow, PlanRow, StepRow

PLAN = "nt-2024-so-ket-vi-nguoi-ngheo"
LOADED = dt.datetime(2024, 3, 15, 1, 0, tzinfo=dt.UTC)
MOVED = dt.datetime(2024, 4, 10, 3, 0, tzinfo=dt.UTC)


def _database_of_0004(url: str, document: dict[str, object]) -> None:
    """A plan whose conference moved from 25/04 to 26/04 on 10/04, as 0004 recorded it."""
    engine = make_engine(url)
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
        connection.execute(
            PlanRow.__table__.insert().values(
                id=PLAN, title="Kế hoạch", source_path="kh.yaml", source_sha256="0" * 64,
                document=document, event_date=dt.date(2024, 4, 26), event_confirmed=True,
                loaded_at=LOADED,
            )
        )  # fmt: skip
        connection.execute(
            StepRow.__table__.insert().values(
                plan_id=PLAN, key="IV.2.speech", responsibility_id="IV.2", step_id="IV.2.speech",
                title="Bài phát biểu", lead="SLDTBXH", cooperating=[], depends_on=[],
                deadline_source="coordinator", follow_up=False, position=0,
                deadline=dt.date(2024, 4, 18), first_deadline=dt.date(2024, 4, 17),
                progress="not_started",
            )
        )  # fmt: skip
        rows = [
            (None, LOADED, dt.date(2024, 4, 25), dt.date(2024, 4, 25), "plan_text"),
            ("IV.2.speech", LOADED, dt.date(2024, 4, 17), dt.date(2024, 4, 25), "plan_text"),
            (None, MOVED, dt.date(2024, 4, 26), dt.date(2024, 4, 26), "event_moved"),
            ("IV.2.speech", MOVED, dt.date(2024, 4, 18), dt.date(2024, 4, 26), "event_moved"),
        ]
        for key, moment, deadline, event_day, reason in rows:
            connection.execute(
                DeadlineRow.__table__.insert().values(
                    plan_id=PLAN, step_key=key, at=moment, recorded_at=moment, deadline=deadline,
                    event_date=event_day, reason=reason, actor="system",
                )
            )  # fmt: skip
    engine.dispose()


def test_an_existing_database_keeps_its_event_and_history_as_event_main(
    context: AppContext, seed_path: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    # What 0004 stored: a v1 document, its single `event:`.
    document = context.load_plan_file(seed_path).plan.model_dump(mode="json")
    document["event"] = document.pop("events")[0]
    del document["event"]["id"], document["event"]["kind"], document["event"]["end_date"]
    _database_of_0004(url, document)
    database = Database(url)  # migrates to the head
    try:
        with database.transaction() as session:
            event = session.get_one(PlanEventRow, (PLAN, "main"))
            kept = (event.date, event.confirmed)
            history = session.scalars(select(DeadlineRow).order_by(DeadlineRow.id)).all()
            step = session.scalars(select(StepRow)).one()
            row = session.get_one(PlanRow, PLAN)
            before_move = event_date_in_force(session, row, MOVED - dt.timedelta(hours=1))
            plan_day = row.event_date
            speech = statuses(session, MOVED - dt.timedelta(hours=1), PLAN)[0]
        with database.transaction() as session:
            # The converted record takes a further move like a new one.
            change = tracking.confirm_event(
                session, PLAN, dt.date(2024, 5, 9), MOVED + dt.timedelta(days=1)
            )
    finally:
        database.dispose()
    assert kept == (dt.date(2024, 4, 26), True) and plan_day == dt.date(2024, 4, 26)
    assert [(h.step_key, h.event_id) for h in history] == [
        (None, "main"),
        ("IV.2.speech", None),
        (None, "main"),
        ("IV.2.speech", None),
    ]
    assert step.event_id == "main"  # the speech's deadline counts from the conference
    assert before_move == dt.date(2024, 4, 25)
    assert (speech.deadline, speech.event_date) == (dt.date(2024, 4, 17), dt.date(2024, 4, 25))
    assert (change.event_id, change.old_date) == ("main", dt.date(2024, 4, 26))
