"""Days as text a read can key rows by, and instants as UTC, computed by the database.

SQLite keeps a date as its ISO text (YYYY-MM-DD) already; PostgreSQL gives the day's
ordinal number (`datetime.date.toordinal`) as text: integer arithmetic, cheaper than
formatting and independent of the server's DateStyle. `day_of` reads either back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from models.timeutil import VIETNAM


def _sqlite_shift() -> str:
    """SQLite has no time zones: Vietnam's offset, constant since 1975 (no summer time)."""
    offset = dt.datetime(2000, 1, 1, tzinfo=VIETNAM).utcoffset()
    assert offset is not None
    return f"{offset.total_seconds():+.0f} seconds"


_SQLITE_SHIFT = _sqlite_shift()
_ORDINAL = "- DATE '0001-01-01' + 1"  # date.toordinal(): 01/01/0001 is day 1


def day_of(text: str) -> dt.date:
    """The day a `DayText` or `LocalDayText` value names."""
    return dt.date.fromisoformat(text) if "-" in text else dt.date.fromordinal(int(text))


class DayText(FunctionElement[str]):
    """A date column as a day's text (NULL stays NULL)."""

    type = String()
    inherit_cache = True
    name = "day_text"


class LocalDayText(FunctionElement[str]):
    """`models.timeutil.local_day` of a naive-UTC column, as a day's text (NULL stays NULL)."""

    type = String()
    inherit_cache = True
    name = "local_day_text"


def _argument(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(DayText, "postgresql")
def _day_postgresql(element: DayText, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(({_argument(element, compiler, **kw)} {_ORDINAL}) AS TEXT)"


@compiles(DayText, "sqlite")
def _day_sqlite(element: DayText, compiler: SQLCompiler, **kw: Any) -> str:
    return _argument(element, compiler, **kw)  # SQLAlchemy keeps SQLite's dates as ISO text


@compiles(LocalDayText, "postgresql")
def _local_day_postgresql(element: LocalDayText, compiler: SQLCompiler, **kw: Any) -> str:
    local = (
        f"({_argument(element, compiler, **kw)} AT TIME ZONE 'UTC') AT TIME ZONE '{VIETNAM.key}'"
    )
    return f"CAST((CAST({local} AS DATE) {_ORDINAL}) AS TEXT)"


@compiles(LocalDayText, "sqlite")
def _local_day_sqlite(element: LocalDayText, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({_argument(element, compiler, **kw)}, '{_SQLITE_SHIFT}')"


def instants_are_aware(dialect_name: str) -> bool:
    """Whether `UtcInstant` values arrive as aware UTC instants (or as SQLite's text)."""
    return dialect_name == "postgresql"


class UtcInstant(FunctionElement[Any]):
    """A naive-UTC column as an aware instant on PostgreSQL (`timestamptz`: with sessions
    in UTC, kehoach.store.session, psycopg builds it with `datetime.UTC`); SQLite's text."""

    inherit_cache = True
    name = "utc_instant"


@compiles(UtcInstant, "postgresql")
def _utc_postgresql(element: UtcInstant, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({_argument(element, compiler, **kw)} AT TIME ZONE 'UTC')"


@compiles(UtcInstant, "sqlite")
def _utc_sqlite(element: UtcInstant, compiler: SQLCompiler, **kw: Any) -> str:
    return _argument(element, compiler, **kw)
