"""The working calendar at its edges: built inside each test, so mutation testing sees it.

A calendar built at import time is invisible to mutmut's map of which test reaches
which function; these tests build theirs in the test body.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models.calendar import CalendarError, DayOff, WorkingCalendar, load_overrides, vietnam_calendar

YEAR_2024 = range(2024, 2025)


def test_national_holidays_are_named_in_vietnamese() -> None:
    calendar = vietnam_calendar(years=YEAR_2024)
    assert calendar.day_off_reason(dt.date(2024, 9, 2)) == "Quốc khánh"
    assert calendar.day_off_reason(dt.date(2024, 4, 18)) == "Ngày Giỗ Tổ Hùng Vương"


def test_a_calendar_of_one_year_keeps_that_years_make_up_saturday_and_its_holidays() -> None:
    calendar = vietnam_calendar(years=YEAR_2024)
    assert calendar.is_working_day(dt.date(2024, 5, 4))  # made up for 29/04/2024
    assert not calendar.is_working_day(dt.date(2024, 4, 29))
    assert not calendar.is_working_day(dt.date(2024, 5, 5))  # an ordinary Sunday


def test_a_calendar_of_one_year_ignores_the_make_up_days_of_other_years() -> None:
    # The holidays package also lists 27/12/2014 and 05/01/2019 among 2024's data.
    calendar = vietnam_calendar(years=YEAR_2024)
    assert not calendar.is_working_day(dt.date(2019, 1, 5))
    assert (
        calendar.working_days_between(dt.date(2024, 4, 26), dt.date(2024, 5, 6)) == 4
    )  # 2, 3, 4 and 6 May


def test_a_weekend_must_name_real_weekdays() -> None:
    with pytest.raises(CalendarError) as raised:
        WorkingCalendar({}, weekend=frozenset({5, 7}))
    assert str(raised.value) == "Ngày cuối tuần không hợp lệ: [5, 7]"


def test_every_day_both_off_and_working_is_listed_in_the_refusal() -> None:
    both = [dt.date(2024, 4, 20), dt.date(2024, 4, 27)]
    with pytest.raises(CalendarError) as raised:
        WorkingCalendar(dict.fromkeys(both, "Nghỉ"), both)
    assert str(raised.value) == (
        "Ngày vừa là ngày nghỉ vừa là ngày làm việc: 20/04/2024, 27/04/2024"
    )


def test_named_days_off_include_both_ends_of_the_range() -> None:
    calendar = WorkingCalendar({dt.date(2024, 4, 18): "Giỗ Tổ", dt.date(2024, 4, 30): "30/4"})
    assert calendar.named_days_off(dt.date(2024, 4, 18), dt.date(2024, 4, 30)) == [
        DayOff(dt.date(2024, 4, 18), "Giỗ Tổ"),
        DayOff(dt.date(2024, 4, 30), "30/4"),
    ]


def test_counting_up_to_the_last_precomputed_day_matches_the_days_themselves() -> None:
    calendar = WorkingCalendar({}, precomputed_years=YEAR_2024)
    # Friday 27/12/2024 → Monday 30 and Tuesday 31 December.
    assert calendar.working_days_between(dt.date(2024, 12, 27), dt.date(2024, 12, 31)) == 2
    assert calendar.add_working_days(dt.date(2024, 12, 27), 2) == dt.date(2024, 12, 31)
    # One working day past the last precomputed one is walked to, not looked up.
    assert calendar.add_working_days(dt.date(2024, 12, 31), 1) == dt.date(2025, 1, 1)
    assert calendar.add_working_days(dt.date(2024, 1, 1), -1) == dt.date(2023, 12, 29)


def test_a_bad_overrides_file_lists_each_problem_on_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("extra_days_off:\n  - {day: 2024-04-16}\n  - {name: Nghỉ}\n", encoding="utf-8")
    with pytest.raises(CalendarError) as raised:
        load_overrides(path)
    assert str(raised.value) == (
        f"{path}: tệp lịch có lỗi, hãy sửa rồi chạy lại:\n"
        "  - extra_days_off[0].name: Field required\n"
        "  - extra_days_off[1].day: Field required"
    )


def test_an_overrides_file_that_is_not_a_mapping_is_reported_for_the_whole_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 2024-04-16\n", encoding="utf-8")
    with pytest.raises(CalendarError) as raised:
        load_overrides(path)
    assert str(raised.value).startswith(
        f"{path}: tệp lịch có lỗi, hãy sửa rồi chạy lại:\n  - (toàn tệp): "
    )


def test_an_unknown_key_is_named_as_written(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text("Xtra_days_off: []\n", encoding="utf-8")
    with pytest.raises(CalendarError) as raised:
        load_overrides(path)
    assert "\n  - Xtra_days_off: " in str(raised.value)
