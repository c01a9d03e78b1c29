"""The figures of a progress report: per-agency tallies, the on-time rate, the data period.

Tallies. Each tracked step falls in exactly one of four groups, the report categories of the
task-tracking Quy chế (Quyết định 42/2014/QĐ-TTg and the provincial Quy chế modelled on it; see
docs/deadlines-and-status.md): "đã hoàn thành đúng hạn", "đã hoàn thành quá hạn", "đang thực
hiện trong hạn", "chưa hoàn thành, quá hạn". A step not done when its plan was closed counts
as overdue; a blockage (a flag, not a category) changes nothing.

On-time rate. tỷ lệ hoàn thành đúng hạn = số nhiệm vụ hoàn thành đúng hạn / tổng số nhiệm vụ
đã đến hạn (hoàn thành đúng hạn + hoàn thành quá hạn + chưa hoàn thành, quá hạn) × 100%.
A step still within its deadline is not yet due and counts in neither part; an agency with
nothing due has no rate ("—"), not 0% or 100%. A conditional step declared "không phát sinh"
(models.receipts) is in no group at all: neither done nor late, it is not work that was due.

Data period. Nghị định 09/2019/NĐ-CP, Điều 12 (thời gian chốt số liệu báo cáo định kỳ): a
monthly report covers the 15th of the previous month to the 14th of the month; a quarterly,
six-monthly and yearly report likewise end on the 14th of the period's last month and start
on the 15th of the month before the period. The decree sets no weekly period; a weekly report
here covers the seven days that end on its cut-off day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple

from models.health import Health


class Tally(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN_IN_TIME = "open_in_time"
    OPEN_OVERDUE = "open_overdue"


TALLY_LABELS = {
    Tally.DONE_ON_TIME: "Đã hoàn thành đúng hạn",
    Tally.DONE_LATE: "Đã hoàn thành quá hạn",
    Tally.OPEN_IN_TIME: "Đang thực hiện trong hạn",
    Tally.OPEN_OVERDUE: "Chưa hoàn thành, quá hạn",
}

_TALLIES = {
    Health.DONE_ON_TIME: Tally.DONE_ON_TIME,
    Health.DONE_LATE: Tally.DONE_LATE,
    Health.OVERDUE: Tally.OPEN_OVERDUE,
    Health.NOT_DONE: Tally.OPEN_OVERDUE,
}


def tally_of(health: Health) -> Tally | None:
    """The group of one step: due soon, in progress and not started are all still in time;
    None for a step declared "không phát sinh", which counts in no group."""
    if health is Health.NOT_APPLICABLE:
        return None
    return _TALLIES.get(health, Tally.OPEN_IN_TIME)


class AgencyFigures(NamedTuple):
    agency: str
    done_on_time: int = 0
    done_late: int = 0
    open_in_time: int = 0
    open_overdue: int = 0

    @property
    def assigned(self) -> int:
        return self.done_on_time + self.done_late + self.open_in_time + self.open_overdue

    @property
    def due(self) -> int:
        return self.done_on_time + self.done_late + self.open_overdue

    @property
    def on_time_rate(self) -> float | None:
        return self.done_on_time / self.due if self.due else None

    def counted(self, tally: Tally) -> AgencyFigures:
        return self._replace(**{tally.value: getattr(self, tally.value) + 1})

    def plus(self, other: AgencyFigures) -> AgencyFigures:
        return self._replace(**{t.value: getattr(self, t.value) + getattr(other, t) for t in Tally})


def agency_figures(
    tallies: Iterable[tuple[str, Tally | None]], order: list[str]
) -> list[AgencyFigures]:
    """Figures per agency, in `order` (the plan's agency order), only agencies with a step."""
    found: dict[str, AgencyFigures] = {}
    for agency, tally in tallies:
        if tally is None:
            continue  # không phát sinh
        found[agency] = found.get(agency, AgencyFigures(agency)).counted(tally)
    ranked = [code for code in order if code in found]
    return [found[code] for code in ranked + sorted(set(found) - set(ranked))]


def total(figures: Iterable[AgencyFigures], name: str = "Tổng cộng") -> AgencyFigures:
    result = AgencyFigures(name)
    for item in figures:
        result = result.plus(item)
    return result


def percent_text(rate: float | None) -> str:
    """Vietnamese style, one decimal: 2/3 → "66,7%"; no rate → "—"."""
    if rate is None:
        return "—"
    return f"{rate * 100:.1f}".replace(".", ",") + "%"


class PeriodKind(StrEnum):
    WEEK = "tuan"
    MONTH = "thang"
    QUARTER = "quy"
    HALF_YEAR = "6-thang"
    YEAR = "nam"


PERIOD_LABELS = {
    PeriodKind.WEEK: "báo cáo tuần",
    PeriodKind.MONTH: "báo cáo tháng",
    PeriodKind.QUARTER: "báo cáo quý",
    PeriodKind.HALF_YEAR: "báo cáo 6 tháng",
    PeriodKind.YEAR: "báo cáo năm",
}

_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF_YEAR: 6, PeriodKind.YEAR: 12}


class ReportPeriod(NamedTuple):
    kind: PeriodKind
    start: dt.date
    end: dt.date
    cutoff: dt.date  # the day the figures are read: the period's end or earlier


def reporting_period(kind: PeriodKind, cutoff: dt.date) -> ReportPeriod:
    """The period (Nghị định 09/2019/NĐ-CP, Điều 12) whose figures are read on `cutoff`."""
    if kind is PeriodKind.WEEK:
        return ReportPeriod(kind, cutoff - dt.timedelta(days=6), cutoff, cutoff)
    months = _MONTHS[kind]
    index = cutoff.year * 12 + cutoff.month - 1 + (1 if cutoff.day >= 15 else 0)
    last = index + (-(index + 1)) % months  # the first period-closing month at or after
    end = dt.date(last // 12, last % 12 + 1, 14)
    first = last - months
    return ReportPeriod(kind, dt.date(first // 12, first % 12 + 1, 15), end, cutoff)
