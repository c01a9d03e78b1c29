"""A moment in Vietnam is handed on as a UTC instant, whatever the machine's own zone."""

from __future__ import annotations

import datetime as dt

from models.timeutil import vietnam_moment


def test_a_vietnam_moment_is_given_in_utc() -> None:
    moment = vietnam_moment(dt.date(2024, 5, 9), dt.time(8, 30))
    assert moment == dt.datetime(2024, 5, 9, 1, 30, tzinfo=dt.UTC)
    assert moment.tzinfo is dt.UTC
