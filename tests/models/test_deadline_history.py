"""The deadline in force at a moment, and an extension carried across a moved deadline."""

from __future__ import annotations

import datetime as dt

from models.calendar import vietnam_calendar
from models.deadlines import DeadlineReason, DeadlineRecord, carried_extension, in_force

CALENDAR = vietnam_calendar()


def moment(day: int, month: int = 4) -> dt.datetime:
    return dt.datetime(2024, month, day, 1, 0, tzinfo=dt.UTC)


RECORDS = [
    DeadlineRecord(moment(15, 3), dt.date(2024, 4, 3), None, dt.date(2024, 4, 25),
                   DeadlineReason.PLAN_TEXT),
    DeadlineRecord(moment(2), dt.date(2024, 4, 3), dt.date(2024, 4, 9), dt.date(2024, 4, 25),
                   DeadlineReason.EXTENDED),
    DeadlineRecord(moment(10), dt.date(2024, 4, 15), dt.date(2024, 4, 19), dt.date(2024, 5, 9),
                   DeadlineReason.EVENT_MOVED),
]  # fmt: skip


def test_the_record_in_force_is_the_last_one_taken_effect_by_then() -> None:
    assert in_force(RECORDS, moment(1)) == RECORDS[0]
    assert in_force(RECORDS, moment(2)) == RECORDS[1]  # from that moment on
    assert in_force(RECORDS, moment(9)).effective == dt.date(2024, 4, 9)  # type: ignore[union-attr]
    assert in_force(RECORDS, moment(30)) == RECORDS[2]


def test_before_the_first_record_the_first_one_stands_and_no_history_is_none() -> None:
    assert in_force(RECORDS, moment(1, 1)) == RECORDS[0]
    assert in_force([], moment(1)) is None


def test_an_extension_keeps_its_working_days_when_the_deadline_moves() -> None:
    # 03/04 → 09/04 is 4 working days; from 15/04 that is 22/04 (18/04 is a holiday).
    assert carried_extension(
        dt.date(2024, 4, 3), dt.date(2024, 4, 9), dt.date(2024, 4, 15), CALENDAR
    ) == dt.date(2024, 4, 22)
    assert carried_extension(
        dt.date(2024, 4, 3), dt.date(2024, 4, 9), dt.date(2024, 4, 16), CALENDAR
    ) == dt.date(2024, 4, 23)


def test_no_extension_carries_nothing() -> None:
    assert carried_extension(dt.date(2024, 4, 3), None, dt.date(2024, 4, 15), CALENDAR) is None


def test_an_extension_moves_earlier_with_an_earlier_deadline() -> None:
    # 15/04 → 19/04 is 3 working days (18/04 off); from 03/04 that is 08/04.
    assert carried_extension(
        dt.date(2024, 4, 15), dt.date(2024, 4, 19), dt.date(2024, 4, 3), CALENDAR
    ) == dt.date(2024, 4, 8)
