"""The Alembic migrations build exactly the tables the code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import kehoach.store.all_tables  # noqa: F401  (every table on the metadata)
from kehoach.store.base import Base
from kehoach.store.session import Database


def test_migrating_an_empty_database_gives_the_declared_schema(database_url: str) -> None:
    database = Database(database_url)
    try:
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        database.dispose()


def test_opening_a_migrated_database_again_is_harmless(database_url: str) -> None:
    Database(database_url).dispose()
    Database(database_url).dispose()
