from datetime import date, timedelta
from pathlib import Path

import holidays
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.calendar import (
    CalendarBasis,
    CalendarError,
    CalendarOverrides,
    DayOff,
    DeclaredDay,
    WorkingCalendar,
    load_overrides,
    official_label,
    vietnam_calendar,
    year_days,
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
    assert NATIONAL.day_off_reason(d("10/2/2024")) == "Tết Nguyên đán"
    assert NATIONAL.is_working_day(d("7/2/2024"))
    assert NATIONAL.add_working_days(d("7/2/2024"), 1) == d("15/2/2024")


def test_a_holiday_on_a_weekend_is_reported_by_its_own_name():
    assert d("11/2/2024").weekday() == 6
    assert NATIONAL.day_off_reason(d("11/2/2024")) == "Tết Nguyên đán"


def test_hung_kings_commemoration_18_april_2024_is_a_day_off():
    assert not NATIONAL.is_working_day(d("18/4/2024"))
    assert NATIONAL.day_off_reason(d("18/4/2024")) == "Giỗ Tổ Hùng Vương"


def test_29_april_2024_is_off_in_exchange_for_saturday_4_may():
    assert NATIONAL.day_off_reason(d("29/4/2024")) == "Nghỉ hoán đổi, làm bù thứ Bảy 04/05/2024"


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
        assert NATIONAL.day_off_reason(day) == official_label(name)


def test_package_names_become_the_labels_officials_write():
    assert official_label("29 Tết") == "Tết Nguyên đán"
    assert official_label("Mùng bốn Tết Nguyên Đán") == "Tết Nguyên đán"
    assert official_label("Ngày Giỗ Tổ Hùng Vương (nghỉ bù)") == "Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert official_label("Ngày nghỉ (thay cho ngày 22/08/2026)") == (
        "Nghỉ hoán đổi, làm bù thứ Bảy 22/08/2026"
    )
    assert official_label("Quốc khánh") == "Quốc khánh"


def test_no_label_of_any_year_nests_a_generic_day_off_or_writes_nguyen_dan_in_capitals():
    labels = {NATIONAL.day_off_reason(day) for day in NATIONAL_DATA}
    assert not any("Ngày nghỉ (" in label or "Đán" in label for label in labels)


def test_named_days_off_lists_the_declared_days_and_leaves_out_plain_weekends():
    assert NATIONAL.named_days_off(d("15/4/2024"), d("1/5/2024")) == [
        DayOff(d("18/4/2024"), "Giỗ Tổ Hùng Vương"),
        DayOff(d("29/4/2024"), "Nghỉ hoán đổi, làm bù thứ Bảy 04/05/2024"),
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


# The shipped national data (config/calendars/vn.yaml): official labels and legal basis.
# It used to declare nothing, so 2026 missed the New Year swap (issue 9); it now lists every
# day of 2024-2026 with the document that decided it.

OFFICIAL_DATA = load_overrides(REPO / "config/calendars/vn.yaml")
OFFICIAL = vietnam_calendar(OFFICIAL_DATA, years=range(2023, 2028))
COVERED = range(2024, 2027)
UNCONFIRMED = {
    d("26/4/2025"),
    d("2/5/2025"),
    d("1/9/2025"),
    d("22/8/2026"),
    d("31/8/2026"),
    d("1/9/2026"),
    d("24/11/2026"),
}


def declared_days(data: CalendarOverrides) -> list[DeclaredDay]:
    return [*data.extra_days_off, *data.extra_working_days]


def test_new_year_2026_is_off_from_thursday_1_to_sunday_4_january_and_10_january_is_worked():
    assert not any(OFFICIAL.is_working_day(d(f"{n}/1/2026")) for n in (1, 2, 3, 4))
    assert OFFICIAL.day_off_reason(d("2/1/2026")) == "Nghỉ hoán đổi, làm bù thứ Bảy 10/01/2026"
    assert d("10/1/2026").weekday() == 5 and OFFICIAL.is_working_day(d("10/1/2026"))
    assert OFFICIAL.add_working_days(d("31/12/2025"), 1) == d("5/1/2026")
    # 5-9 January and the make-up Saturday: six working days up to Saturday 10/01.
    assert OFFICIAL.working_days_between(d("4/1/2026"), d("10/1/2026")) == 6


def test_the_new_year_2026_swap_cites_the_governments_agreement_of_25_december_2025():
    basis = OFFICIAL_DATA.declared(d("10/1/2026")).basis
    assert [b.describe() for b in basis] == [
        "Văn bản số 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ"
    ]


def test_tet_2026_is_off_from_16_to_20_february_as_the_home_affairs_notice_says():
    tet = [d(f"{n}/2/2026") for n in range(16, 21)]
    assert all(OFFICIAL.day_off_reason(day) == "Tết Nguyên đán" for day in tet)
    assert OFFICIAL.add_working_days(d("13/2/2026"), 1) == d("23/2/2026")
    documents = [b.document for b in OFFICIAL_DATA.declared(d("16/2/2026")).basis]
    assert documents == ["Bộ luật Lao động số 45/2019/QH14", "Thông báo số 9441/TB-BNV"]


def test_hung_kings_day_2026_falls_on_a_sunday_and_is_taken_on_monday_27_april():
    assert OFFICIAL.day_off_reason(d("27/4/2026")) == "Giỗ Tổ Hùng Vương (nghỉ bù)"
    article = OFFICIAL_DATA.declared(d("27/4/2026")).basis[0].article
    assert article == "khoản 3 Điều 111"


def test_the_2024_days_carry_the_labels_officials_write():
    assert OFFICIAL.day_off_reason(d("10/2/2024")) == "Tết Nguyên đán"
    assert OFFICIAL.day_off_reason(d("13/2/2024")) == "Tết Nguyên đán (nghỉ bù)"
    assert OFFICIAL.day_off_reason(d("18/4/2024")) == "Giỗ Tổ Hùng Vương"
    assert OFFICIAL.day_off_reason(d("29/4/2024")) == "Nghỉ hoán đổi, làm bù thứ Bảy 04/05/2024"
    assert OFFICIAL.is_working_day(d("4/5/2024"))


def test_the_data_keeps_every_day_off_and_make_up_day_of_the_holidays_package():
    # The package is the base; the data only adds the 2026 New Year swap it lacks.
    for year in COVERED:
        start, end = date(year, 1, 1), date(year, 12, 31)
        package = {off.day for off in NATIONAL.named_days_off(start, end)}
        official = {off.day for off in OFFICIAL.named_days_off(start, end)}
        assert official - package == ({d("2/1/2026")} if year == 2026 else set())
        assert package <= official
        extra = {d("10/1/2026")} if year == 2026 else set()
        assert (
            set(OFFICIAL.make_up_days(start, end)) == set(NATIONAL.make_up_days(start, end)) | extra
        )


def test_every_declared_day_of_2024_to_2026_names_its_documents():
    for declared in declared_days(OFFICIAL_DATA):
        assert declared.day.year in COVERED and declared.basis, declared
        assert all(b.issuer for b in declared.basis), declared


def test_exactly_the_days_whose_decision_was_not_read_are_marked_unconfirmed():
    unconfirmed = {x.day for x in declared_days(OFFICIAL_DATA) if not x.confirmed}
    assert unconfirmed == UNCONFIRMED


def test_no_label_of_the_data_nests_a_generic_day_off_or_uses_the_packages_capitals():
    for declared in declared_days(OFFICIAL_DATA):
        assert "Ngày nghỉ (" not in declared.name and "Nguyên Đán" not in declared.name


def test_declared_days_off_and_make_up_days_are_what_the_calendar_does():
    for declared in OFFICIAL_DATA.extra_days_off:
        assert OFFICIAL.day_off_reason(declared.day) == declared.name
    for declared in OFFICIAL_DATA.extra_working_days:
        assert declared.day.weekday() == 5 and OFFICIAL.is_working_day(declared.day)


def test_a_year_lists_days_off_and_make_up_days_in_order_with_their_basis():
    days = year_days(OFFICIAL, OFFICIAL_DATA, 2026)
    assert [x.day for x in days] == sorted(x.day for x in days)
    first_two = [(x.day, x.name, x.working) for x in days[:2]]
    assert first_two == [
        (d("1/1/2026"), "Tết Dương lịch", False),
        (d("2/1/2026"), "Nghỉ hoán đổi, làm bù thứ Bảy 10/01/2026", False),
    ]
    make_up = [x for x in days if x.working]
    assert [x.day for x in make_up] == [d("10/1/2026"), d("22/8/2026")]
    assert [x.confirmed for x in make_up] == [True, False]


def test_a_day_only_the_package_knows_is_listed_without_basis_and_unconfirmed():
    days = year_days(OFFICIAL, OFFICIAL_DATA, 2023)
    assert days and all(not x.basis and not x.confirmed for x in days)


def test_a_legal_basis_reads_as_a_vietnamese_citation():
    basis = CalendarBasis(
        document="Bộ luật Lao động số 45/2019/QH14",
        article="Điều 112",
        issued=d("20/11/2019"),
        issuer="Quốc hội",
    )
    assert basis.describe() == (
        "Điều 112 Bộ luật Lao động số 45/2019/QH14 ngày 20/11/2019 của Quốc hội"
    )
    assert CalendarBasis(document="Nghị quyết số 80-NQ/TW").describe() == "Nghị quyết số 80-NQ/TW"


def test_a_province_file_extends_the_national_data_and_wins_on_its_own_days(tmp_path):
    province = tmp_path / "ninh-thuan.yaml"
    province.write_text(
        f"extends: {REPO / 'config/calendars/vn.yaml'}\n"
        "extra_days_off:\n"
        '  - {day: 2024-04-16, name: "Nghỉ theo tỉnh", basis_confirmed: false}\n'
        '  - {day: 2024-05-04, name: "Tỉnh không làm bù"}\n',
        encoding="utf-8",
    )
    data = load_overrides(province)
    calendar = vietnam_calendar(data, years=range(2024, 2025))
    assert calendar.day_off_reason(d("16/4/2024")) == "Nghỉ theo tỉnh"
    assert calendar.day_off_reason(d("4/5/2024")) == "Tỉnh không làm bù"
    assert calendar.day_off_reason(d("29/4/2024")) == "Nghỉ hoán đổi, làm bù thứ Bảy 04/05/2024"
    assert not data.declared(d("16/4/2024")).confirmed


def test_a_calendar_file_that_extends_itself_is_refused(tmp_path):
    looping = tmp_path / "a.yaml"
    looping.write_text("extends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n", encoding="utf-8")
    with pytest.raises(CalendarError, match="dẫn vòng"):
        load_overrides(looping)


def test_merging_lets_the_top_declaration_of_a_day_replace_the_base_one():
    base = CalendarOverrides.model_validate(
        {"extra_working_days": [{"day": "2024-05-04", "name": "Làm bù"}]}
    )
    top = CalendarOverrides.model_validate(
        {"extra_days_off": [{"day": "2024-05-04", "name": "Nghỉ"}]}
    )
    merged = base.merged(top)
    assert merged.extra_working_days == [] and merged.declared(d("4/5/2024")).name == "Nghỉ"


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


def test_calendars_built_from_the_same_days_are_equal_and_one_more_day_off_is_not():
    days_off = {date(2024, 4, 29): "Nghỉ bù", date(2024, 4, 30): "Ngày Giải phóng miền Nam"}
    one = WorkingCalendar(days_off, [date(2024, 5, 4)])
    same = WorkingCalendar(dict(days_off), [date(2024, 5, 4)])
    more = WorkingCalendar({**days_off, date(2024, 5, 2): "Nghỉ thêm"}, [date(2024, 5, 4)])
    renamed = WorkingCalendar({**days_off, date(2024, 4, 29): "Nghỉ"}, [date(2024, 5, 4)])
    assert one == same and hash(one) == hash(same)
    assert one != more and one != renamed
    assert len({one, same, more}) == 2
