"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores instants as naive UTC and hands them back aware, whatever the backend keeps."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: pass an aware UTC instant")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class CodeList(TypeDecorator[list[str]]):
    """A list of codes or step keys as space-separated text.

    Codes and keys never contain spaces (the plan schema's patterns forbid it), and
    splitting text is several times cheaper than decoding JSON on every status read.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> str:
        items = list(value or [])
        if any(not item or " " in item for item in items):
            raise ValueError(f"codes must be non-empty and without spaces: {items!r}")
        return " ".join(items)

    def process_result_value(self, value: str | None, dialect: Dialect) -> list[str]:
        return value.split() if value else []
