"""Database errors are named for what they are, never with the driver's text."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from kehoach.store.errors import describe


class _PgError(Exception):
    def __init__(self, sqlstate: str, text: str) -> None:
        super().__init__(text)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "named"),
    [
        ("53200", "hết bộ nhớ"),
        ("40P01", "deadlock"),
        ("28P01", "sai mật khẩu"),
    ],
)
def test_a_postgresql_error_is_named_by_its_sqlstate(sqlstate: str, named: str) -> None:
    original = _PgError(sqlstate, "FATAL: password=hunter2 out of shared memory")
    described = describe(OperationalError("SELECT 1", {}, original))
    assert named in described and "hunter2" not in described
    assert described.endswith("(_PgError)")


def test_a_locked_sqlite_database_says_so(tmp_path: object) -> None:
    original = sqlite3.OperationalError("database is locked")
    described = describe(OperationalError("INSERT", {}, original))
    assert described == "tệp cơ sở dữ liệu đang bị tiến trình khác ghi quá lâu (OperationalError)"


def test_a_missing_table_says_the_schema_is_not_upgraded() -> None:
    engine = create_engine("sqlite://")
    with pytest.raises(OperationalError) as raised, engine.connect() as connection:
        connection.execute(text("select * from outbox_messages"))
    assert describe(raised.value).startswith("thiếu bảng: cơ sở dữ liệu chưa được nâng cấp")
