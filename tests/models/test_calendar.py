from datetime import date, timedelta
from pathlib import Path

import holidays
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.calendar import (
    CalendarError,
    CalendarOverrides,
    DayOff,
    DeclaredDay,
    WorkingCalendar,
    load_overrides,
    vietnam_calendar,
)

REPO = Path(__file__).resolve().parents[2]
YEARS = range(2015, 2041)
NATIONAL_DATA = holidays.country_holidays("VN", years=YEARS, language="vi")
NATIONAL = vietnam_calendar(years=YEARS)
# Same days off, but precomputed for 2024 only: most answers come from the day-by-day fallback.
NARROW = WorkingCalendar(
    dict(NATIONAL_DATA.items()),
    {day for day in NATIONAL_DATA.weekend_workdays if day.year in YEARS},
    precomputed_years=range(2024, 2025),
)

# Wider than YEARS on both sides, so properties also run outside the precomputed years.
days = st.dates(date(2013, 1, 1), date(2042, 12, 31))
steps = st.integers(-300, 300)
positive_steps = st.integers(1, 300)
negative_steps = st.integers(-300, -1)


def d(text: str) -> date:
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


def with_overrides(**declared: list[dict[str, str]]) -> WorkingCalendar:
    return vietnam_calendar(CalendarOverrides.model_validate(declared), years=range(2024, 2025))


def walk_reference(calendar: WorkingCalendar, day: date, n: int) -> date:
    step = timedelta(days=1 if n > 0 else -1)
    for _ in range(abs(n)):
        day += step
        while not calendar.is_working_day(day):
            day += step
    return day


# The real 2024 calendar, as the data package reports it.


def test_tet_2024_is_off_from_8_to_14_february_and_work_resumes_on_the_15th():
    tet = [d("8/2/2024") + timedelta(days=i) for i in range(7)]
    assert not any(NATIONAL.is_working_day(day) for day in tet)
    assert NATIONAL.day_off_reason(d("10/2/2024")) == "Tết Nguyên Đán"
    assert NATIONAL.is_working_day(d("7/2/2024"))
    assert NATIONAL.add_working_days(d("7/2/2024"), 1) == d("15/2/2024")


def test_a_holiday_on_a_weekend_is_reported_by_its_own_name():
    assert d("11/2/2024").weekday() == 6
    assert NATIONAL.day_off_reason(d("11/2/2024")) == "Mùng hai Tết Nguyên Đán"


def test_hung_kings_commemoration_18_april_2024_is_a_day_off():
    assert not NATIONAL.is_working_day(d("18/4/2024"))
    assert NATIONAL.day_off_reason(d("18/4/2024")) == "Ngày Giỗ Tổ Hùng Vương"


def test_29_april_2024_is_off_in_exchange_for_saturday_4_may():
    assert NATIONAL.day_off_reason(d("29/4/2024")) == "Ngày nghỉ (thay cho ngày 04/05/2024)"


def test_the_saturday_made_up_for_the_swapped_day_off_is_a_working_day():
    assert d("4/5/2024").weekday() == 5
    assert NATIONAL.is_working_day(d("4/5/2024"))
    assert NATIONAL.day_off_reason(d("4/5/2024")) is None


def test_reunification_day_and_labour_day_2024_are_off():
    assert NATIONAL.day_off_reason(d("30/4/2024")) == "Ngày Chiến thắng"
    assert NATIONAL.day_off_reason(d("1/5/2024")) == "Ngày Quốc tế Lao động"


def test_national_day_2024_is_off_on_2_and_3_september():
    assert NATIONAL.day_off_reason(d("2/9/2024")) == "Quốc khánh"
    assert NATIONAL.day_off_reason(d("3/9/2024")) == "Quốc khánh"
    assert NATIONAL.is_working_day(d("4/9/2024"))


def test_an_ordinary_weekend_is_off_and_named_by_its_weekday():
    assert NATIONAL.day_off_reason(d("20/4/2024")) == "Thứ Bảy"
    assert NATIONAL.day_off_reason(d("21/4/2024")) == "Chủ nhật"
    assert NATIONAL.day_off_reason(d("19/4/2024")) is None


def test_every_make_up_saturday_in_the_data_is_a_working_day():
    make_up = [day for day in NATIONAL_DATA.weekend_workdays if day.year in YEARS]
    assert d("4/5/2024") in make_up
    assert all(NATIONAL.is_working_day(day) for day in make_up)


def test_every_national_holiday_in_the_data_is_a_day_off_with_its_name():
    for day, name in NATIONAL_DATA.items():
        assert NATIONAL.day_off_reason(day) == name


def test_named_days_off_lists_the_declared_days_and_leaves_out_plain_weekends():
    assert NATIONAL.named_days_off(d("15/4/2024"), d("1/5/2024")) == [
        DayOff(d("18/4/2024"), "Ngày Giỗ Tổ Hùng Vương"),
        DayOff(d("29/4/2024"), "Ngày nghỉ (thay cho ngày 04/05/2024)"),
        DayOff(d("30/4/2024"), "Ngày Chiến thắng"),
        DayOff(d("1/5/2024"), "Ngày Quốc tế Lao động"),
    ]


# Arithmetic on concrete 2024 dates, counted by hand.


def test_ten_working_days_before_25_april_2024_is_10_april_skipping_the_hung_kings_day():
    assert NATIONAL.add_working_days(d("25/4/2024"), -10) == d("10/4/2024")


def test_there_are_12_working_days_after_15_april_up_to_6_may_2024():
    # 16, 17, 19, 22-26 April; 2, 3, 4 (make-up Saturday) and 6 May.
    assert NATIONAL.working_days_between(d("15/4/2024"), d("6/5/2024")) == 12
    assert NATIONAL.working_days_between(d("6/5/2024"), d("15/4/2024")) == -12
    assert NATIONAL.working_days_between(d("6/5/2024"), d("6/5/2024")) == 0


def test_the_working_day_after_the_last_saturday_of_april_2024_is_2_may():
    assert NATIONAL.next_working_day(d("27/4/2024")) == d("2/5/2024")
    assert NATIONAL.add_working_days(d("27/4/2024"), 1) == d("2/5/2024")


def test_the_working_day_before_labour_day_2024_is_friday_26_april():
    assert NATIONAL.previous_working_day(d("1/5/2024")) == d("26/4/2024")


def test_adding_zero_working_days_returns_the_day_itself_even_a_day_off():
    assert NATIONAL.add_working_days(d("20/4/2024"), 0) == d("20/4/2024")


def test_no_working_day_passes_between_a_deadline_and_the_weekend_after_it():
    # Lateness counts working days elapsed after the deadline: a weekend adds none.
    assert NATIONAL.working_days_between(d("19/4/2024"), d("21/4/2024")) == 0
    assert NATIONAL.working_days_between(d("19/4/2024"), d("22/4/2024")) == 1


# Province overrides.


def test_a_province_day_off_stops_work_and_pushes_deadlines_back():
    calendar = with_overrides(extra_days_off=[{"day": "2024-04-16", "name": "Nghỉ theo tỉnh"}])
    assert calendar.day_off_reason(d("16/4/2024")) == "Nghỉ theo tỉnh"
    assert calendar.add_working_days(d("15/4/2024"), 1) == d("17/4/2024")


def test_a_declared_make_up_saturday_is_a_working_day():
    calendar = with_overrides(extra_working_days=[{"day": "2024-04-20", "name": "Làm bù"}])
    assert calendar.is_working_day(d("20/4/2024"))
    assert calendar.previous_working_day(d("21/4/2024")) == d("20/4/2024")
    assert calendar.working_days_between(d("19/4/2024"), d("22/4/2024")) == 2


def test_province_overrides_win_over_the_national_calendar():
    calendar = with_overrides(
        extra_days_off=[{"day": "2024-05-04", "name": "Tỉnh không làm bù"}],
        extra_working_days=[{"day": "2024-04-29", "name": "Tỉnh làm việc"}],
    )
    assert calendar.is_working_day(d("29/4/2024"))
    assert calendar.day_off_reason(d("4/5/2024")) == "Tỉnh không làm bù"


def test_overrides_refuse_unknown_keys_empty_names_and_days_declared_twice():
    day = {"day": "2024-04-16", "name": "Nghỉ"}
    bad_inputs = [
        {"extra_holidays": []},
        {"extra_days_off": [{"day": "2024-04-16", "name": "  "}]},
        {"extra_days_off": [day], "extra_working_days": [day]},
        {"extra_days_off": [day, day]},
    ]
    for bad in bad_inputs:
        with pytest.raises(pydantic.ValidationError):
            CalendarOverrides.model_validate(bad)


def test_a_calendar_refuses_a_day_that_is_both_off_and_working():
    with pytest.raises(CalendarError, match="20/04/2024"):
        WorkingCalendar({d("20/4/2024"): "Nghỉ"}, [d("20/4/2024")])


def test_a_calendar_refuses_a_week_without_working_days():
    with pytest.raises(CalendarError):
        WorkingCalendar({}, weekend=frozenset(range(7)))


# Reading the overrides file.


def test_the_shipped_national_overrides_file_loads_and_declares_nothing():
    assert load_overrides(REPO / "config/calendars/vn.yaml") == CalendarOverrides()


def test_an_overrides_file_is_read_into_declared_days(tmp_path):
    path = tmp_path / "ninh-thuan.yaml"
    path.write_text(
        'extra_days_off:\n  - {day: 2024-04-16, name: "Nghỉ theo tỉnh"}\n', encoding="utf-8"
    )
    overrides = load_overrides(path)
    assert overrides.extra_days_off == [DeclaredDay(day=d("16/4/2024"), name="Nghỉ theo tỉnh")]
    assert overrides.extra_working_days == []


def test_an_empty_overrides_file_declares_nothing(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert load_overrides(path) == CalendarOverrides()


def test_a_bad_overrides_file_is_reported_with_its_path_and_the_place_in_it(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("extra_days_off:\n  - {day: 2024-04-16}\n", encoding="utf-8")
    with pytest.raises(CalendarError) as raised:
        load_overrides(path)
    assert str(path) in str(raised.value)
    assert "extra_days_off[0].name" in str(raised.value)


def test_a_missing_or_malformed_overrides_file_is_a_calendar_error(tmp_path):
    malformed = tmp_path / "malformed.yaml"
    malformed.write_text("extra_days_off: [\n", encoding="utf-8")
    for path in (tmp_path / "missing.yaml", malformed):
        with pytest.raises(CalendarError, match=str(path)):
            load_overrides(path)


# Properties, over real data and across the edges of the precomputed years.


@given(days, positive_steps)
def test_counting_forward_undoes_adding_working_days(day, n):
    assert NATIONAL.working_days_between(day, NATIONAL.add_working_days(day, n)) == n


@given(days, negative_steps)
def test_counting_back_from_a_working_day_undoes_subtracting_working_days(day, n):
    start = NATIONAL.next_working_day(day)
    assert NATIONAL.working_days_between(start, NATIONAL.add_working_days(start, n)) == n


@given(days, negative_steps)
def test_the_nth_working_day_back_leaves_n_minus_1_working_days_before_the_start(day, n):
    # Holds from days off too, where the start itself is not a working day to count.
    result = NATIONAL.add_working_days(day, n)
    assert NATIONAL.working_days_between(result, day - timedelta(days=1)) == -n - 1


@given(days, steps.filter(lambda n: n != 0))
def test_adding_working_days_always_lands_on_a_working_day(day, n):
    assert NATIONAL.is_working_day(NATIONAL.add_working_days(day, n))


@given(days, steps, steps)
def test_adding_more_working_days_gives_a_strictly_later_day(day, a, b):
    earlier, later = sorted((a, b))
    if earlier != later:
        assert NATIONAL.add_working_days(day, earlier) < NATIONAL.add_working_days(day, later)


@given(days, st.integers(1, 150), st.integers(1, 150), st.sampled_from([1, -1]))
def test_two_steps_in_one_direction_equal_one_step_of_their_sum(day, a, b, sign):
    a, b = sign * a, sign * b
    two_steps = NATIONAL.add_working_days(NATIONAL.add_working_days(day, a), b)
    assert two_steps == NATIONAL.add_working_days(day, a + b)


@given(days, steps, steps)
def test_from_a_working_day_steps_compose_in_any_direction(day, a, b):
    start = NATIONAL.next_working_day(day)
    two_steps = NATIONAL.add_working_days(NATIONAL.add_working_days(start, a), b)
    assert two_steps == NATIONAL.add_working_days(start, a + b)


@given(days, days, days)
def test_working_days_between_is_additive_and_antisymmetric(a, b, c):
    between = NATIONAL.working_days_between
    assert between(a, b) + between(b, c) == between(a, c)
    assert between(a, b) == -between(b, a)


@given(days)
def test_next_working_day_is_the_first_working_day_from_the_given_day(day):
    found = NATIONAL.next_working_day(day)
    assert NATIONAL.is_working_day(found) and found >= day
    assert NATIONAL.working_days_between(day - timedelta(days=1), found) == 1


@given(days)
def test_previous_working_day_is_the_last_working_day_up_to_the_given_day(day):
    found = NATIONAL.previous_working_day(day)
    assert NATIONAL.is_working_day(found) and found <= day
    assert NATIONAL.working_days_between(found, day) == 0


@given(days)
def test_next_and_previous_working_day_leave_a_working_day_unchanged(day):
    start = NATIONAL.next_working_day(day)
    assert NATIONAL.next_working_day(start) == start
    assert NATIONAL.previous_working_day(start) == start


@given(days)
def test_a_day_has_a_reason_to_be_off_exactly_when_it_is_not_a_working_day(day):
    assert (NATIONAL.day_off_reason(day) is None) == NATIONAL.is_working_day(day)


@given(days, steps)
def test_precomputed_answers_match_a_plain_day_by_day_walk(day, n):
    expected = walk_reference(NATIONAL, day, n)
    assert NATIONAL.add_working_days(day, n) == expected
    assert NARROW.add_working_days(day, n) == expected


@given(days, days)
def test_counting_outside_the_precomputed_years_gives_the_same_answer(start, end):
    assert NARROW.working_days_between(start, end) == NATIONAL.working_days_between(start, end)
