"""The cut-off days a plan sets: when a periodic report reads its figures (chốt số liệu).

Nghị định 09/2019/NĐ-CP, Điều 12 names the *thời gian chốt số liệu* of a periodic report as
its data period (a month: the 15th of the previous month to the 14th); the sending day
(Điều 13, the occurrence's due day) comes later. So a report made for a cut-off reads the
record as it stood at the end of the period's last day (23:59:59, Vietnam time), through the
deadlines in force then, and is made on the first working day after it, when the whole
period is known. One report per cut-off day: when a month and its quarter end on the same
day, the longer period is the one reported on.

Pure: the plan, the working calendar and `now` are handed in.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from models.calendar import WorkingCalendar
from models.figures import PeriodKind, ReportPeriod
from models.plan import Plan
from models.recurrence import Cycle, covered_period, nominal_days
from models.timeutil import VIETNAM, local_day

KIND_OF_CYCLE = {
    Cycle.WEEK: PeriodKind.WEEK,
    Cycle.MONTH: PeriodKind.MONTH,
    Cycle.QUARTER: PeriodKind.QUARTER,
    Cycle.HALF_YEAR: PeriodKind.HALF_YEAR,
    Cycle.YEAR: PeriodKind.YEAR,
}


class CutOff(NamedTuple):
    kind: PeriodKind
    start: dt.date  # the data period
    end: dt.date  # its last day: the figures are those at the end of it

    @property
    def moment(self) -> dt.datetime:
        """The end of the period's last day, Vietnam time, in UTC."""
        return dt.datetime.combine(self.end, dt.time(23, 59, 59), VIETNAM).astimezone(dt.UTC)

    @property
    def period(self) -> ReportPeriod:
        return ReportPeriod(self.kind, self.start, self.end, self.end)

    def report_day(self, calendar: WorkingCalendar) -> dt.date:
        """The first working day after the period: the day the report is made."""
        return calendar.next_working_day(self.end + dt.timedelta(days=1))


def report_cutoffs(plan: Plan) -> list[CutOff]:
    """The data periods of the plan's recurring steps in its period, one per last day."""
    longest: dict[dt.date, CutOff] = {}
    for cut in _all_cutoffs(plan):
        known = longest.get(cut.end)
        if known is None or cut.start < known.start:
            longest[cut.end] = cut
    return [longest[end] for end in sorted(longest)]


def _all_cutoffs(plan: Plan) -> list[CutOff]:
    covered = plan.plan.covered
    cuts = []
    for step in (s for r in plan.responsibilities for s in r.steps):
        if step.recurrence is None:
            continue
        rhythm = step.recurrence.rhythm
        for nominal in nominal_days(rhythm, covered.start, covered.end):
            if covered.start <= nominal <= covered.end:
                start, end = covered_period(rhythm, nominal)
                cuts.append(CutOff(KIND_OF_CYCLE[rhythm.every], start, end))
    return cuts


def upcoming_cutoffs(plan: Plan, now: dt.datetime) -> list[CutOff]:
    """The cut-offs whose period has not ended at `now`: the ones a schedule still fires for."""
    return [cut for cut in report_cutoffs(plan) if cut.end >= local_day(now)]


def last_cutoff(plan: Plan, now: dt.datetime) -> CutOff | None:
    """The latest cut-off whose period ended before `now`, if any."""
    ended = [cut for cut in report_cutoffs(plan) if cut.moment < now]
    return ended[-1] if ended else None
