"""Report cycles and ongoing duties: occurrences, their due days and the periods they cover.

A recurring step ("báo cáo tháng gửi trước ngày 15 của tháng") becomes one occurrence per
cycle whose nominal day falls inside the plan's period. Each occurrence has a label (the
calendar period holding its nominal day: 2024-03, 2024-Q1, 2024-H1, 2024, 2024-W14), a due
day and the data period it reports on.

Due day (`meaning`): "chậm nhất ngày X" (`cham_nhat`) is X, moved to the next working day
when X is a day off (Bộ luật Dân sự 2015, Điều 148 khoản 5: a period ending on a day off ends
on the next working day); "trước ngày X" (`truoc_ngay`) is the last working day before X:
the report must reach an office that is closed on days off.

Data period (`covers`), Nghị định 09/2019/NĐ-CP, Điều 12 (thời gian chốt số liệu, as
restated by provincial rules such as Quyết định 01/2023/QĐ-UBND of Khánh Hòa): monthly from
the 15th of the previous month to the 14th; quarterly from the 15th of the month before the
quarter to the 14th of its last month; six-monthly from 15 December of the previous year to
14 June; yearly from 15 December of the previous year to 14 December. The decree has no
weekly report: a week covers Monday to Sunday. `calendar` covers the labelled calendar
period itself; `until_due` covers the cycle before the nominal day (for texts, like
Bà Rịa–Vũng Tàu's of 2012, that set only a sending day).

Pure: no clock, no framework; the working calendar is passed in.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from enum import StrEnum
from typing import NamedTuple

from models.calendar import WorkingCalendar


class Cycle(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


class Covers(StrEnum):
    ND09 = "nd09"
    CALENDAR = "calendar"
    UNTIL_DUE = "until_due"


# Months in one cycle (a week is handled apart). A "báo cáo 6 tháng" is made once a year,
# for the first half: the yearly report covers the second (Nghị định 09/2019, Điều 12).
CYCLE_MONTHS = {Cycle.MONTH: 1, Cycle.QUARTER: 3, Cycle.HALF_YEAR: 6, Cycle.YEAR: 12}

CYCLE_NOUNS = {
    Cycle.WEEK: "tuần",
    Cycle.MONTH: "tháng",
    Cycle.QUARTER: "quý",
    Cycle.HALF_YEAR: "6 tháng",
    Cycle.YEAR: "năm",
}


class Rhythm(NamedTuple):
    """A cycle as the plan states it: `day` of the month (week: weekday 1 = Thứ Hai), and
    `month` within the period (year: month of the year; quarter: 1–3; half year: 1–6)."""

    every: Cycle
    day: int
    month: int = 1
    meaning: str = "cham_nhat"
    covers: Covers = Covers.ND09


class Occurrence(NamedTuple):
    label: str  # the period's key: 2024-03, 2024-Q1, 2024-H1, 2024, 2024-W14
    nominal: dt.date  # the day the text names
    due: dt.date  # the day the report is due, after the meaning and day-off rule
    period_start: dt.date  # the data period it reports on
    period_end: dt.date


def occurrences(
    rhythm: Rhythm,
    start: dt.date,
    end: dt.date,
    calendar: WorkingCalendar,
    day_off_rule: str = "next_working_day",
) -> list[Occurrence]:
    """Every occurrence whose nominal day falls in [start, end], in order; `day_off_rule`:
    the plan's (calendar.day_off_rule), for a nominal day that falls on a day off."""
    return [
        _occurrence(rhythm, nominal, calendar, day_off_rule)
        for nominal in nominal_days(rhythm, start, end)
        if start <= nominal <= end
    ]


def nominal_days(rhythm: Rhythm, start: dt.date, end: dt.date) -> list[dt.date]:
    """The days the text names, one per cycle, from the cycle holding `start` to `end`."""
    if rhythm.every is Cycle.WEEK:
        monday = start - dt.timedelta(days=start.weekday())
        weeks = (end - monday).days // 7 + 1
        return [monday + dt.timedelta(days=7 * w + rhythm.day - 1) for w in range(weeks)]
    months = CYCLE_MONTHS[rhythm.every]
    step = 12 if rhythm.every in (Cycle.HALF_YEAR, Cycle.YEAR) else months
    first = start.year * 12 + (start.month - 1) // step * step
    last = end.year * 12 + end.month - 1
    return [_day_in(index + rhythm.month - 1, rhythm.day) for index in range(first, last + 1, step)]


def _day_in(month_index: int, day: int) -> dt.date:
    """`day` of the month `month_index` (year × 12 + month − 1); 31 means its last day."""
    year, month = divmod(month_index, 12)
    return dt.date(year, month + 1, min(day, month_calendar.monthrange(year, month + 1)[1]))


def due_day(
    nominal: dt.date,
    meaning: str,
    calendar: WorkingCalendar,
    day_off_rule: str = "next_working_day",
) -> dt.date:
    """The due day of one occurrence (see the module's docstring for the sources).

    The same meanings and day-off rule as models.deadlines (which cannot be imported here:
    it imports the plan, which imports this module).
    """
    if meaning == "truoc_ngay":
        return calendar.add_working_days(nominal, -1)
    if day_off_rule == "keep":
        return nominal
    return calendar.next_working_day(nominal)


def label_of(every: Cycle, nominal: dt.date) -> str:
    if every is Cycle.WEEK:
        year, week, _ = nominal.isocalendar()
        return f"{year}-W{week:02d}"
    if every is Cycle.MONTH:
        return f"{nominal:%Y-%m}"
    if every is Cycle.QUARTER:
        return f"{nominal.year}-Q{(nominal.month - 1) // 3 + 1}"
    if every is Cycle.HALF_YEAR:
        return f"{nominal.year}-H{(nominal.month - 1) // 6 + 1}"
    return str(nominal.year)


def _occurrence(
    rhythm: Rhythm, nominal: dt.date, calendar: WorkingCalendar, day_off_rule: str
) -> Occurrence:
    start, end = covered_period(rhythm, nominal)
    due = due_day(nominal, rhythm.meaning, calendar, day_off_rule)
    return Occurrence(label_of(rhythm.every, nominal), nominal, due, start, end)


def covered_period(rhythm: Rhythm, nominal: dt.date) -> tuple[dt.date, dt.date]:
    """The data period an occurrence reports on, by the plan's `covers` convention."""
    if rhythm.covers is Covers.UNTIL_DUE:
        return _one_cycle_before(rhythm.every, nominal), nominal - dt.timedelta(days=1)
    first, last = _calendar_period(rhythm.every, nominal)
    if rhythm.covers is Covers.CALENDAR or rhythm.every is Cycle.WEEK:
        return first, last
    # The same cut-offs as models.figures.reporting_period (15th before, 14th of the last month).
    before = first.year * 12 + first.month - 2
    return _day_in(before, 15), last.replace(day=14)


def _one_cycle_before(every: Cycle, nominal: dt.date) -> dt.date:
    if every is Cycle.WEEK:
        return nominal - dt.timedelta(days=7)
    index = nominal.year * 12 + nominal.month - 1 - CYCLE_MONTHS[every]
    return _day_in(index, nominal.day)


def _calendar_period(every: Cycle, nominal: dt.date) -> tuple[dt.date, dt.date]:
    if every is Cycle.WEEK:
        monday = nominal - dt.timedelta(days=nominal.weekday())
        return monday, monday + dt.timedelta(days=6)
    months = CYCLE_MONTHS[every]
    first = nominal.year * 12 + (nominal.month - 1) // months * months
    return _day_in(first, 1), _day_in(first + months - 1, 31)


# --- Ongoing duties ------------------------------------------------------------------------


def check_in_period(every: Cycle, day: dt.date) -> tuple[dt.date, dt.date]:
    """The check-in period (calendar week, month or quarter) holding `day`."""
    return _calendar_period(every, day)


def check_in_due(every: Cycle, start: dt.date, last_update: dt.date | None) -> dt.date:
    """The last day by which the next progress update is expected.

    Without any update, by the end of the first period (the one holding `start`); after an
    update, by the end of the period after the one that has it: every period needs one.
    """
    if last_update is None:
        return check_in_period(every, start)[1]
    end_of_updated = check_in_period(every, last_update)[1]
    return check_in_period(every, end_of_updated + dt.timedelta(days=1))[1]


def check_in_missed(
    every: Cycle, start: dt.date, last_update: dt.date | None, today: dt.date
) -> bool:
    """A whole check-in period went by without an update: the duty is "không cập nhật"."""
    return today > check_in_due(every, start, last_update)


# --- Words --------------------------------------------------------------------------------


def occurrence_label(key: str) -> str | None:
    """The period label in an occurrence's key ('IV.2#2024-03@SNV' → '2024-03'), else None."""
    step_id, mark, rest = key.partition("#")
    return rest.partition("@")[0] if mark and step_id else None


def period_words(label: str) -> str:
    """'tháng 03/2024', 'quý I/2024', '6 tháng đầu năm 2024', 'năm 2024', 'tuần 14/2024'."""
    year, _, part = label.partition("-")
    if not part:
        return f"năm {year}"
    if part.startswith("Q"):
        return f"quý {_ROMAN[int(part[1:])]}/{year}"
    if part.startswith("H"):
        return f"6 tháng {'đầu' if part == 'H1' else 'cuối'} năm {year}"
    if part.startswith("W"):
        return f"tuần {int(part[1:])}/{year}"
    return f"tháng {part}/{year}"


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
