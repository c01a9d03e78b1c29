"""When the daily sweep runs: the one schedule every plan's deployment carries."""

from __future__ import annotations

import datetime as dt

TIME_ZONE = "Asia/Ho_Chi_Minh"
SWEEP_TIME = dt.time(8, 0)
# Monday to Friday; holidays are working-calendar data, so the run itself checks them.
SWEEP_WEEKDAYS = frozenset(range(5))


def sweep_cron(at: dt.time = SWEEP_TIME) -> str:
    return f"{at.minute} {at.hour} * * 1-5"


def fires_on(day: dt.date) -> bool:
    return day.weekday() in SWEEP_WEEKDAYS
