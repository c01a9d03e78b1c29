"""Alembic environment: runs against the connection kehoach hands it (see kehoach.store.session)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

import kehoach.store.all_tables  # noqa: F401  (registers every table on the metadata)
from kehoach.store.base import Base

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    # Only for `alembic` run by hand (e.g. autogenerating a revision) with sqlalchemy.url set.
    with create_engine(config.get_main_option("sqlalchemy.url") or "").connect() as own:
        _run(own)
        own.commit()
