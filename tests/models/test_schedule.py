"""Which days a sweep runs, and when a message about several plans may go out."""

from __future__ import annotations

import datetime as dt

import pytest

from models import reminders
from models.calendar import CalendarOverrides, DeclaredDay, WorkingCalendar, vietnam_calendar
from models.plan import OfficeHours
from models.schedule import (
    MAX_QUIET_ROUNDS,
    common_send_moment,
    may_send_now,
    next_send_moment,
    no_sweep_notice,
    no_sweep_reason,
    sweep_days,
    sweep_runs_on,
)
from models.timeutil import vietnam_moment

NATIONAL = vietnam_calendar(years=range(2023, 2028))
OFFICE = OfficeHours(start=dt.time(7, 30), end=dt.time(17, 0))


def d(text: str) -> dt.date:
    day, month, year = map(int, text.split("/"))
    return dt.date(year, month, day)


def vn(text: str, hour: int, minute: int = 0) -> dt.datetime:
    return vietnam_moment(d(text), dt.time(hour, minute))


@pytest.mark.parametrize("day", ["04/05/2024", "26/04/2025"])
def test_a_sweep_runs_on_a_make_up_saturday(day: str) -> None:
    assert sweep_runs_on(NATIONAL, d(day)) and no_sweep_reason(NATIONAL, d(day)) is None


def test_no_sweep_runs_on_a_public_holiday_and_the_reason_is_its_name() -> None:
    assert not sweep_runs_on(NATIONAL, d("18/04/2024"))
    reason = no_sweep_reason(NATIONAL, d("18/04/2024"))
    assert reason == NATIONAL.day_off_reason(d("18/04/2024")) and "Giỗ Tổ Hùng Vương" in reason


def test_no_sweep_runs_on_a_swapped_day_off_or_an_ordinary_weekend() -> None:
    swapped = no_sweep_reason(NATIONAL, d("29/04/2024"))
    assert swapped is not None and swapped == NATIONAL.day_off_reason(d("29/04/2024"))
    assert no_sweep_reason(NATIONAL, d("20/04/2024")) == "Thứ Bảy"
    assert no_sweep_reason(NATIONAL, d("21/04/2024")) == "Chủ nhật"


def test_the_notice_on_a_holiday_says_why_and_names_the_next_working_day() -> None:
    # The holiday's name is calendar data; the sentence around it is this rule's.
    name = NATIONAL.day_off_reason(d("18/04/2024"))
    assert no_sweep_notice(NATIONAL, d("18/04/2024")) == (
        f"Ngày 18/04/2024 là ngày nghỉ ({name}): không rà soát, không gửi "
        "nhắc việc. Việc đến hạn sẽ được nhắc vào ngày làm việc tiếp theo, 19/04/2024."
    )
    assert no_sweep_notice(NATIONAL, d("19/04/2024")) is None


def test_the_notice_before_the_long_may_holiday_points_past_it() -> None:
    notice = no_sweep_notice(NATIONAL, d("27/04/2024"))
    assert notice is not None and notice.endswith("tiếp theo, 02/05/2024.")


def test_sweep_days_are_exactly_the_calendars_working_days() -> None:
    first, last = d("01/01/2024"), d("31/12/2026")
    span = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    assert list(sweep_days(NATIONAL, first, last)) == [
        day for day in span if NATIONAL.is_working_day(day)
    ]


def test_sweep_days_of_the_week_of_the_may_holiday() -> None:
    days = list(sweep_days(NATIONAL, d("27/04/2024"), d("05/05/2024")))
    assert days == [d("02/05/2024"), d("03/05/2024"), d("04/05/2024")]


def test_a_province_day_off_stops_its_sweep() -> None:
    province = WorkingCalendar(
        {d("16/04/2024"): "Nghỉ theo tỉnh"}, precomputed_years=range(2024, 2025)
    )
    assert no_sweep_reason(province, d("16/04/2024")) == "Nghỉ theo tỉnh"


# --- One plan's quiet time ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (vn("04/05/2024", 9), vn("04/05/2024", 9)),  # a make-up Saturday is a working day
        (vn("04/05/2024", 6), vn("04/05/2024", 7, 30)),
        (vn("27/04/2024", 9), vn("02/05/2024", 7, 30)),  # before the 29/04–01/05 days off
        (vn("03/05/2024", 17), vn("04/05/2024", 7, 30)),  # closing time is already quiet
        (vn("03/05/2024", 16, 59), vn("03/05/2024", 16, 59)),
    ],
)
def test_a_message_goes_out_on_working_days_between_office_hours(
    now: dt.datetime, expected: dt.datetime
) -> None:
    assert next_send_moment(now, NATIONAL, OFFICE) == expected
    assert may_send_now(now, NATIONAL, OFFICE) is (now == expected)


def test_the_reminder_module_still_offers_the_quiet_time_rule_it_used_to_hold() -> None:
    assert reminders.next_send_moment is next_send_moment
    assert reminders.may_send_now is may_send_now


# --- Several plans in one message --------------------------------------------------------


def test_a_message_inside_office_hours_of_a_working_day_goes_at_once() -> None:
    now = vn("19/04/2024", 9)
    assert common_send_moment(now, [(NATIONAL, OFFICE)]) == now


def test_a_message_about_no_plan_is_not_held() -> None:
    now = vn("20/04/2024", 9)
    assert common_send_moment(now, []) == now


def test_a_message_waits_for_the_plan_whose_office_opens_latest() -> None:
    late = OfficeHours(start=dt.time(9, 0), end=dt.time(17, 0))
    now = vn("19/04/2024", 8)
    assert common_send_moment(now, [(NATIONAL, OFFICE), (NATIONAL, late)]) == vn("19/04/2024", 9)


def test_a_message_waits_for_a_day_every_plan_works() -> None:
    # The province is off on Monday 22/04; the national plan alone would send then.
    off = DeclaredDay(day=d("22/04/2024"), name="Nghỉ theo tỉnh")
    province = vietnam_calendar(CalendarOverrides(extra_days_off=[off]), years=range(2024, 2025))
    now = vn("19/04/2024", 18)
    assert common_send_moment(now, [(NATIONAL, OFFICE)]) == vn("22/04/2024", 7, 30)
    moment = common_send_moment(now, [(NATIONAL, OFFICE), (province, OFFICE)])
    assert moment == vn("23/04/2024", 7, 30)


def test_plans_whose_office_hours_never_meet_give_up_after_the_last_round() -> None:
    morning = OfficeHours(start=dt.time(7, 0), end=dt.time(11, 0))
    afternoon = OfficeHours(start=dt.time(13, 0), end=dt.time(17, 0))
    # Each round moves half a working day (the other plan's next opening); after
    # MAX_QUIET_ROUNDS rounds from Friday noon that is Friday 26/04 13:00, not a hang.
    rules = [(NATIONAL, morning), (NATIONAL, afternoon)]
    assert MAX_QUIET_ROUNDS == 10
    assert common_send_moment(vn("19/04/2024", 12), rules) == vn("26/04/2024", 13)
