"""When kehoach acts: the days a sweep runs, and when a message about several plans may go out.

Both are the working calendar's answer, asked here once so that every path (the CLI
`sweep`, the Prefect schedule, the replay, the sender) asks the same question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from models.calendar import WorkingCalendar
from models.plan import OfficeHours
from models.timeutil import ddmmyyyy, local_day, vietnam_moment

# Moving to one plan's next allowed moment can land in another plan's quiet time; a few
# rounds settle any real calendars, and the bound keeps contradictory ones from looping.
MAX_QUIET_ROUNDS = 10

QuietRule = tuple[WorkingCalendar, OfficeHours]


def sweep_runs_on(calendar: WorkingCalendar, day: dt.date) -> bool:
    """A sweep runs on every working day, make-up Saturdays included, and on no day off:
    reminders are requests to offices, and an office reads them on the days it works."""
    return calendar.is_working_day(day)


def no_sweep_reason(calendar: WorkingCalendar, day: dt.date) -> str | None:
    """Why no sweep runs on `day` (the name of the day off), or None when one runs."""
    return None if sweep_runs_on(calendar, day) else calendar.day_off_reason(day)


def no_sweep_notice(calendar: WorkingCalendar, day: dt.date) -> str | None:
    """What a person is told instead of a sweep on a day off (one sentence for every path)."""
    reason = no_sweep_reason(calendar, day)
    if reason is None:
        return None
    return (
        f"Ngày {ddmmyyyy(day)} là ngày nghỉ ({reason}): không rà soát, không gửi nhắc việc. "
        f"Việc đến hạn sẽ được nhắc vào ngày làm việc tiếp theo, "
        f"{ddmmyyyy(calendar.next_working_day(day))}."
    )


def sweep_days(calendar: WorkingCalendar, first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """The days in [first, last] on which a sweep runs, in order."""
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        if sweep_runs_on(calendar, day):
            yield day


# --- Quiet time ---------------------------------------------------------------------------


def next_send_moment(
    now: dt.datetime, calendar: WorkingCalendar, office_hours: OfficeHours
) -> dt.datetime:
    """`now` when a message may go out now, else the start of the next allowed period.

    Messages go out only on working days between the office hours, Vietnam time: a
    reminder is a request to an office, and one that lands on a holiday is read late
    or not at all.
    """
    day = local_day(now)
    start, end = vietnam_moment(day, office_hours.start), vietnam_moment(day, office_hours.end)
    if calendar.is_working_day(day) and now < end:
        return now if now >= start else start
    return vietnam_moment(calendar.add_working_days(day, 1), office_hours.start)


def may_send_now(now: dt.datetime, calendar: WorkingCalendar, office_hours: OfficeHours) -> bool:
    return next_send_moment(now, calendar, office_hours) == now


def common_send_moment(at: dt.datetime, rules: Sequence[QuietRule]) -> dt.datetime:
    """The first moment from `at` on when every plan's calendar and office hours allow a
    message to go out: a digest about several plans waits for the strictest of them."""
    moment = at
    for _ in range(MAX_QUIET_ROUNDS):
        later = max((next_send_moment(moment, c, h) for c, h in rules), default=moment)
        if later == moment:
            return moment
        moment = later
    return moment
