"""When the daily sweep runs: the one schedule every plan's deployment carries.

The days are the working calendar's (`models.schedule.sweep_runs_on`), told to Prefect
as an RFC 5545 rule set rather than a cron line, because Vietnam's make-up Saturdays and
moved days off are dates, not a weekly pattern: Monday to Friday at the sweep time, plus
each working Saturday or Sunday (RDATE), minus each weekday off (EXDATE), for the years
the deployment is written for. A daily run that asks the core instead would fire, and
show a run, on every day off. Past those years the rule falls back to Monday to Friday
and the plan flow's own check still records a holiday it meets; `kehoach serve` writes
the schedule again each time it starts.
"""

from __future__ import annotations

import datetime as dt

from models.calendar import WorkingCalendar
from models.schedule import sweep_days, sweep_runs_on

TIME_ZONE = "Asia/Ho_Chi_Minh"
SWEEP_TIME = dt.time(8, 0)
# This year and the next two: the years whose days off the government has (mostly)
# announced; three years of dates keep the rule well inside Prefect's 6,500 characters.
SCHEDULE_YEARS = 3
_WEEKDAYS = range(5)


def fires_on(calendar: WorkingCalendar, day: dt.date) -> bool:
    return sweep_runs_on(calendar, day)


def schedule_years(today: dt.date, count: int = SCHEDULE_YEARS) -> range:
    return range(today.year, today.year + count)


def sweep_rruleset(calendar: WorkingCalendar, years: range, at: dt.time = SWEEP_TIME) -> str:
    """The sweep's fire times as an RRULE/RDATE/EXDATE text, in local (Vietnam) time."""
    first, last = dt.date(years.start, 1, 1), dt.date(years.stop - 1, 12, 31)
    working = set(sweep_days(calendar, first, last))
    span = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    extra = [d for d in span if d in working and d.weekday() not in _WEEKDAYS]
    skipped = [d for d in span if d not in working and d.weekday() in _WEEKDAYS]
    lines = [
        f"DTSTART:{_stamp(first, at)}",
        "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        *([f"RDATE:{','.join(_stamp(d, at) for d in extra)}"] if extra else []),
        *([f"EXDATE:{','.join(_stamp(d, at) for d in skipped)}"] if skipped else []),
    ]
    return "\n".join(lines)


def fire_time(rruleset: str) -> dt.time:
    """The time of day a rule set written by `sweep_rruleset` fires (its DTSTART's)."""
    start = rruleset.splitlines()[0].removeprefix("DTSTART:")
    return dt.datetime.strptime(start, "%Y%m%dT%H%M%S").time()


def _stamp(day: dt.date, at: dt.time) -> str:
    # Floating local time: Prefect applies the schedule's time zone to every date.
    return dt.datetime.combine(day, at).strftime("%Y%m%dT%H%M%S")
