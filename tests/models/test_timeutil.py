"""Vietnam time and UTC, and the dd/mm/yyyy form, at the awkward real moments."""

from __future__ import annotations

import datetime as dt

from models.timeutil import VIETNAM, ddmmyyyy, local_day, local_stamp, to_utc, vietnam_moment

UTC = dt.UTC


def test_eight_in_the_morning_in_vietnam_is_one_in_the_morning_utc() -> None:
    assert vietnam_moment(dt.date(2024, 4, 18), dt.time(8, 0)) == dt.datetime(
        2024, 4, 18, 1, 0, tzinfo=UTC
    )


def test_just_after_midnight_in_vietnam_is_still_the_previous_day_in_utc() -> None:
    moment = vietnam_moment(dt.date(2024, 1, 1), dt.time(0, 30))
    assert moment == dt.datetime(2023, 12, 31, 17, 30, tzinfo=UTC)
    assert local_day(moment) == dt.date(2024, 1, 1)


def test_the_local_day_of_a_utc_evening_is_the_next_day_in_vietnam() -> None:
    assert local_day(dt.datetime(2024, 4, 17, 17, 0, tzinfo=UTC)) == dt.date(2024, 4, 18)
    assert local_day(dt.datetime(2024, 4, 17, 16, 59, tzinfo=UTC)) == dt.date(2024, 4, 17)


def test_a_moment_without_a_zone_is_read_as_vietnam_time() -> None:
    assert to_utc(dt.datetime(2024, 4, 18, 8, 0)) == dt.datetime(2024, 4, 18, 1, 0, tzinfo=UTC)


def test_a_moment_with_a_zone_keeps_its_instant() -> None:
    tokyo = dt.timezone(dt.timedelta(hours=9))
    moment = to_utc(dt.datetime(2024, 4, 18, 10, 0, tzinfo=tokyo))
    assert moment == dt.datetime(2024, 4, 18, 1, 0, tzinfo=UTC) and moment.tzinfo is UTC


def test_a_stamp_shows_vietnam_time_hours_first_then_the_day() -> None:
    assert local_stamp(dt.datetime(2024, 4, 17, 23, 5, tzinfo=UTC)) == "06:05 18/04/2024"


def test_days_are_written_dd_mm_yyyy_and_a_missing_one_as_a_dash() -> None:
    assert ddmmyyyy(dt.date(2024, 5, 4)) == "04/05/2024"
    assert ddmmyyyy(None) == "—"


def test_vietnam_has_no_daylight_saving_so_every_day_is_seven_hours_ahead() -> None:
    offsets = {
        vietnam_moment(dt.date(2024, month, 1), dt.time(12, 0)).astimezone(VIETNAM).utcoffset()
        for month in range(1, 13)
    }
    assert offsets == {dt.timedelta(hours=7)}
