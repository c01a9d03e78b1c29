"""Migration 0010_indexes: a 0009 database gets the hot reads' indexes, its rows untouched."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import Engine, func, inspect, select

from kehoach.store.session import Database, alembic_config, make_engine
from kehoach.store.tables import EventRow, PlanRow

LOADED = dt.datetime(2024, 3, 15, 1, 0, tzinfo=dt.UTC)
NEW = {
    "step_events": ("ix_step_events_plan_kind_at", ["plan_id", "kind", "at"]),
    "reminder_items": ("ix_reminder_items_plan_step", ["plan_id", "step_key"]),
}


def _migrate(engine: Engine, revision: str, down: bool = False) -> None:
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _indexes(engine: Engine, table: str) -> dict[str, list[str]]:
    return {i["name"]: i["column_names"] for i in inspect(engine).get_indexes(table)}


def _old_database(url: str) -> None:
    engine = make_engine(url)
    _migrate(engine, "0009_web")
    with engine.begin() as connection:
        connection.execute(
            PlanRow.__table__.insert().values(
                id="kh", title="Kế hoạch", source_path="kh.yaml", source_sha256="0" * 64,
                document={}, event_confirmed=False, loaded_at=LOADED,
            )
        )  # fmt: skip
        connection.execute(
            EventRow.__table__.insert().values(
                plan_id="kh", step_key="IV.1", kind="progress", actor="SNV", at=LOADED,
                recorded_at=LOADED, status="in_progress", data={},
            )
        )  # fmt: skip
    assert all(name not in _indexes(engine, t) for t, (name, _) in NEW.items())
    engine.dispose()


def test_a_0009_database_gets_the_new_indexes_and_keeps_its_rows(database_url: str) -> None:
    _old_database(database_url)
    database = Database(database_url)  # migrates to the head
    try:
        for table, (name, columns) in NEW.items():
            assert _indexes(database.engine, table)[name] == columns
        with database.transaction() as session:
            assert session.scalar(select(func.count()).select_from(EventRow)) == 1
        _migrate(database.engine, "0009_web", down=True)
        assert all(name not in _indexes(database.engine, t) for t, (name, _) in NEW.items())
    finally:
        database.dispose()
