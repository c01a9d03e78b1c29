"""Moments and days as a Vietnamese office reads them: Vietnam's local time, dd/mm/yyyy.

Stored and compared moments are aware UTC; people see and type Vietnam time. These are the
only conversions between the two. Pure: no clock (that is `kehoach.clock`), no framework.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@lru_cache(maxsize=4096)
def local_day(instant: dt.datetime) -> dt.date:
    """The calendar day in Vietnam of a UTC (or any aware) instant."""
    return instant.astimezone(VIETNAM).date()


def vietnam_moment(day: dt.date, at: dt.time) -> dt.datetime:
    """The UTC instant of `at` o'clock, Vietnam time, on `day`."""
    return dt.datetime.combine(day, at, VIETNAM).astimezone(dt.UTC)


def to_utc(moment: dt.datetime) -> dt.datetime:
    """An aware UTC instant; a moment without a zone is read as Vietnam's local time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(dt.UTC)


def local_stamp(instant: dt.datetime) -> str:
    """E.g. "08:00 18/04/2024": the form a person reads, in Vietnam time."""
    return f"{instant.astimezone(VIETNAM):%H:%M %d/%m/%Y}"


def ddmmyyyy(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "—"
