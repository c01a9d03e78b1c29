"""Report cycles: occurrences, due days around Tết and make-up Saturdays, covered periods."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
import pytest

from models.calendar import vietnam_calendar
from models.deadlines import resolve_deadlines
from models.plan import Plan
from models.plan_rules import check_plan
from models.recurrence import (
    Covers,
    Cycle,
    Rhythm,
    due_day,
    occurrence_label,
    occurrences,
    period_words,
)
from models.steps import expand_steps
from tests.models.small_plan import small_document

CALENDAR = vietnam_calendar()
YEAR_2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
D = dt.date


def _in_2024(rhythm: Rhythm) -> list[Any]:
    return occurrences(rhythm, *YEAR_2024, CALENDAR)


def test_a_monthly_report_before_the_15th_has_twelve_occurrences_labelled_by_month() -> None:
    found = _in_2024(Rhythm(Cycle.MONTH, 15, meaning="truoc_ngay"))
    assert [o.label for o in found] == [f"2024-{m:02d}" for m in range(1, 13)]
    assert found[2].due == D(2024, 3, 14)  # Friday before Friday 15/03


def test_before_the_15th_of_february_2024_is_the_last_working_day_before_tet() -> None:
    # Tết Giáp Thìn: 08/02–14/02/2024 off; "trước ngày 15/02" is Wednesday 07/02.
    february = _in_2024(Rhythm(Cycle.MONTH, 15, meaning="truoc_ngay"))[1]
    assert (february.nominal, february.due) == (D(2024, 2, 15), D(2024, 2, 7))


def test_by_the_10th_of_february_2024_moves_past_tet_to_the_next_working_day() -> None:
    february = _in_2024(Rhythm(Cycle.MONTH, 10, meaning="cham_nhat"))[1]
    assert february.due == D(2024, 2, 15)


def test_the_day_off_rule_keep_leaves_the_due_day_on_tet() -> None:
    assert due_day(D(2024, 2, 10), "cham_nhat", CALENDAR, day_off_rule="keep") == D(2024, 2, 10)


def test_before_monday_6_may_2024_is_the_make_up_saturday() -> None:
    # 29/04/2024 was swapped for Saturday 04/05/2024, a working day.
    assert due_day(D(2024, 5, 6), "truoc_ngay", CALENDAR) == D(2024, 5, 4)


def test_a_weekly_report_due_on_saturday_stays_on_the_make_up_saturday_only() -> None:
    weeks = _in_2024(Rhythm(Cycle.WEEK, 6))
    by_label = {o.label: o for o in weeks}
    assert by_label["2024-W18"].due == D(2024, 5, 4)  # the make-up Saturday is worked
    assert by_label["2024-W19"].due == D(2024, 5, 13)  # a plain Saturday → Monday
    assert len(weeks) == 52
    assert (by_label["2024-W18"].period_start, by_label["2024-W18"].period_end) == (
        D(2024, 4, 29),
        D(2024, 5, 5),
    )


def test_a_quarterly_report_before_the_5th_of_the_quarters_last_month() -> None:
    found = _in_2024(Rhythm(Cycle.QUARTER, 5, month=3, meaning="truoc_ngay"))
    assert [(o.label, o.due) for o in found] == [
        ("2024-Q1", D(2024, 3, 4)),
        ("2024-Q2", D(2024, 6, 4)),
        ("2024-Q3", D(2024, 9, 4)),  # 02/09 and 03/09 are National Day, 04/09 a Wednesday
        ("2024-Q4", D(2024, 12, 4)),
    ]


def test_a_six_month_report_is_made_once_a_year_for_the_first_half() -> None:
    found = _in_2024(Rhythm(Cycle.HALF_YEAR, 5, month=6, meaning="truoc_ngay"))
    assert [(o.label, o.due) for o in found] == [("2024-H1", D(2024, 6, 4))]


def test_a_yearly_report_before_25_november() -> None:
    found = _in_2024(Rhythm(Cycle.YEAR, 25, month=11, meaning="truoc_ngay"))
    assert [(o.label, o.due) for o in found] == [("2024", D(2024, 11, 22))]


def test_day_31_means_the_last_day_of_each_month() -> None:
    found = _in_2024(Rhythm(Cycle.MONTH, 31))
    assert [o.nominal for o in found[:2]] == [D(2024, 1, 31), D(2024, 2, 29)]


def test_only_occurrences_whose_day_falls_inside_the_period_are_kept() -> None:
    found = occurrences(Rhythm(Cycle.MONTH, 15), D(2024, 3, 16), D(2024, 6, 15), CALENDAR)
    assert [o.label for o in found] == ["2024-04", "2024-05", "2024-06"]
    quarters = occurrences(
        Rhythm(Cycle.QUARTER, 5, month=3), D(2024, 3, 6), D(2024, 12, 31), CALENDAR
    )
    assert [o.label for o in quarters] == ["2024-Q2", "2024-Q3", "2024-Q4"]


@pytest.mark.parametrize(
    ("every", "month", "start", "end"),
    [
        (Cycle.MONTH, 1, D(2024, 2, 15), D(2024, 3, 14)),
        (Cycle.QUARTER, 3, D(2023, 12, 15), D(2024, 3, 14)),
        (Cycle.HALF_YEAR, 6, D(2023, 12, 15), D(2024, 6, 14)),
        (Cycle.YEAR, 11, D(2023, 12, 15), D(2024, 12, 14)),
    ],
)
def test_nd09_data_periods_run_from_the_15th_before_to_the_14th_of_the_last_month(
    every: Cycle, month: int, start: dt.date, end: dt.date
) -> None:
    first = _in_2024(Rhythm(every, 5, month=month))[2 if every is Cycle.MONTH else 0]
    assert (first.period_start, first.period_end) == (start, end)


def test_calendar_and_until_due_periods() -> None:
    calendar_q = _in_2024(Rhythm(Cycle.QUARTER, 5, month=3, covers=Covers.CALENDAR))[0]
    assert (calendar_q.period_start, calendar_q.period_end) == (D(2024, 1, 1), D(2024, 3, 31))
    until = _in_2024(Rhythm(Cycle.QUARTER, 5, month=3, covers=Covers.UNTIL_DUE))[0]
    assert (until.period_start, until.period_end) == (D(2023, 12, 5), D(2024, 3, 4))


def test_period_words_and_labels_in_keys() -> None:
    assert period_words("2024-03") == "tháng 03/2024"
    assert period_words("2024-Q1") == "quý I/2024"
    assert period_words("2024-H1") == "6 tháng đầu năm 2024"
    assert period_words("2024") == "năm 2024"
    assert period_words("2024-W14") == "tuần 14/2024"
    assert occurrence_label("IV.2.thang#2024-03@SNV") == "2024-03"
    assert occurrence_label("IV.2.thang#2024-Q1") == "2024-Q1"
    assert occurrence_label("IV.2.thang@SNV") is None
    assert occurrence_label("#event") is None


# --- The schema and the expansion -----------------------------------------------------------


def _plan(*steps: dict[str, Any], period: dict[str, str] | None = None) -> Plan:
    document = small_document()
    document["schema_version"] = 2
    if period:
        document["plan"]["period"] = period
    document["responsibilities"][0]["steps"].extend(steps)
    return Plan.model_validate(document)


MONTHLY = {
    "id": "I.1.thang",
    "title": "Báo cáo tháng",
    "fan_out": ["so"],
    "recurrence": {"every": "month", "day": 15, "meaning": "truoc_ngay"},
}


def _expanded(plan: Plan) -> list[Any]:
    return expand_steps(plan, resolve_deadlines(plan, CALENDAR), CALENDAR)


def test_each_occurrence_is_a_tracked_step_keyed_by_step_period_and_agency() -> None:
    steps = [s for s in _expanded(_plan(MONTHLY)) if s.series == "I.1.thang"]
    assert len(steps) == 24  # 12 months × Sở Nội vụ and Sở Tài chính
    march = next(s for s in steps if s.key == "I.1.thang#2024-03@SNV")
    assert (march.deadline, march.lead, march.deadline_source) == (
        D(2024, 3, 14),
        "SNV",
        "plan_text",
    )
    assert (march.period_start, march.period_end) == (D(2024, 2, 15), D(2024, 3, 14))


def test_without_a_period_the_plan_covers_the_year_it_was_issued() -> None:
    plan = _plan(MONTHLY, period={"start": "2024-07-01", "end": "2025-06-30"})
    labels = [s.key for s in _expanded(plan) if s.lead == "SNV" and s.series]
    assert labels[0] == "I.1.thang#2024-07@SNV" and labels[-1] == "I.1.thang#2025-06@SNV"
    assert len(labels) == 12
    default = [s.key for s in _expanded(_plan(MONTHLY)) if s.lead == "SNV" and s.series]
    assert default[0] == "I.1.thang#2024-01@SNV" and default[-1] == "I.1.thang#2024-12@SNV"


def test_keys_are_the_same_on_every_expansion() -> None:
    plan = _plan(MONTHLY)
    assert [s.key for s in _expanded(plan)] == [s.key for s in _expanded(_plan(MONTHLY))]


def test_an_ongoing_duty_is_one_step_running_to_the_period_end() -> None:
    duty = {"id": "I.1.tt", "title": "Tăng cường tuyên truyền", "lead": "SNV"}
    step = next(
        s for s in _expanded(_plan({**duty, "ongoing": {"check_in": "month"}})) if s.ongoing
    )
    assert (step.key, step.deadline, step.ongoing) == ("I.1.tt", D(2024, 12, 31), "month")
    assert (step.period_start, step.period_end) == (D(2024, 1, 1), D(2024, 12, 31))


@pytest.mark.parametrize(
    ("timing", "found"),
    [
        ({}, "không có"),
        (
            {"deadline": {"date": "2024-05-01"}, "ongoing": {"check_in": "week"}},
            "deadline, ongoing",
        ),
    ],
)
def test_a_step_needs_exactly_one_of_deadline_recurrence_ongoing(
    timing: dict[str, Any], found: str
) -> None:
    with pytest.raises(pydantic.ValidationError) as raised:
        _plan({"id": "I.1.x", "title": "Việc", "lead": "SNV", **timing})
    message = str(raised.value)
    assert "đúng một trong ba: deadline (hạn), recurrence (báo cáo định kỳ)" in message
    assert f"đang có: {found}" in message


@pytest.mark.parametrize(
    ("recurrence", "words"),
    [
        ({"every": "week", "day": 8}, "thứ trong tuần"),
        ({"every": "year", "day": 25}, "báo cáo năm cần month"),
        ({"every": "quarter", "day": 5, "month": 4}, "month phải từ 1 đến 3"),
        ({"every": "month", "day": 5, "month": 2}, "month phải từ 1 đến 1"),
    ],
)
def test_a_cycle_whose_day_or_month_does_not_fit_is_refused_in_vietnamese(
    recurrence: dict[str, Any], words: str
) -> None:
    with pytest.raises(pydantic.ValidationError) as raised:
        _plan({"id": "I.1.x", "title": "Báo cáo", "lead": "SNV", "recurrence": recurrence})
    assert words in str(raised.value)


def test_waiting_for_a_recurring_step_is_reported_at_its_path() -> None:
    waiting = {
        "id": "I.1.z",
        "title": "Tổng hợp",
        "lead": "SNV",
        "depends_on": ["I.1.thang"],
        "deadline": {"after_step": "I.1.thang", "working_days": 2},
    }
    issues = check_plan(_plan(MONTHLY, waiting), CALENDAR)
    texts = {(issue.path[-2:], issue.message.split(",")[0]) for issue in issues}
    assert (
        ("depends_on", 0),
        "bước 'I.1.thang' là báo cáo định kỳ hoặc nhiệm vụ thường xuyên",
    ) in (texts)
    assert any(issue.path[-2:] == ("deadline", "after_step") for issue in issues)


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError) as raised:
        _plan(MONTHLY, period={"start": "2024-12-31", "end": "2024-01-01"})
    assert "ngày bắt đầu 31/12/2024 sau ngày kết thúc 01/01/2024" in str(raised.value)


def test_a_plan_that_keeps_days_off_keeps_an_occurrence_on_a_sunday() -> None:
    # 14/04/2024 is a Sunday: "chậm nhất ngày 14" moves to Monday unless the plan keeps it.
    rhythm = Rhythm(Cycle.MONTH, 14)
    moved = occurrences(rhythm, D(2024, 4, 1), D(2024, 4, 30), CALENDAR)
    kept = occurrences(rhythm, D(2024, 4, 1), D(2024, 4, 30), CALENDAR, day_off_rule="keep")
    assert [o.due for o in moved] == [D(2024, 4, 15)]
    assert [o.due for o in kept] == [D(2024, 4, 14)]
