"""The refusals a careful official expects, as plain checks."""

from __future__ import annotations

import datetime as dt

from models.guards import (
    earliest_day,
    event_date_refusals,
    extension_refusals,
    progress_time_refusals,
)
from models.plan import PartialDate

MARCH = PartialDate(year=2024, month=3)
TODAY = dt.date(2024, 4, 2)


def instant(day: int, month: int = 4, year: int = 2024) -> dt.datetime:
    return dt.datetime(year, month, day, 1, 0, tzinfo=dt.UTC)  # 08:00 in Vietnam


def codes(refusals: list) -> list[str]:
    return [r.code for r in refusals]


def test_a_partial_issue_date_counts_from_its_first_possible_day() -> None:
    assert earliest_day(MARCH) == dt.date(2024, 3, 1)
    assert earliest_day(PartialDate(year=2024)) == dt.date(2024, 1, 1)
    assert earliest_day(PartialDate(year=2024, month=3, day=12)) == dt.date(2024, 3, 12)


def test_an_event_date_today_or_later_is_accepted() -> None:
    assert event_date_refusals(TODAY, TODAY, MARCH) == []
    assert event_date_refusals(dt.date(2024, 5, 9), TODAY, MARCH) == []


def test_an_event_date_in_the_past_and_before_the_plan_is_refused_for_both_reasons() -> None:
    refusals = event_date_refusals(dt.date(2020, 1, 6), TODAY, MARCH)
    assert codes(refusals) == ["event_in_past", "event_before_plan"]
    assert refusals[1].message == "ngày 06/01/2020 trước ngày ban hành kế hoạch (tháng 03/2024)"


def test_progress_before_the_plan_or_before_the_last_entry_is_refused() -> None:
    assert progress_time_refusals(instant(2), instant(1), MARCH) == []
    assert progress_time_refusals(instant(1), instant(1), MARCH) == []
    assert codes(progress_time_refusals(instant(1), instant(2), MARCH)) == ["before_last_entry"]
    refused = progress_time_refusals(instant(1, 1, 2020), None, PartialDate(year=2024))
    assert codes(refused) == ["before_plan"]
    assert "trước ngày ban hành kế hoạch (năm 2024)" in refused[0].message


def test_an_extension_past_the_event_counts_only_for_work_due_before_it() -> None:
    event = dt.date(2024, 4, 25)
    assert extension_refusals(event, event, True, False) == []
    assert codes(extension_refusals(dt.date(2024, 4, 26), event, True, False)) == ["past_event"]
    assert extension_refusals(dt.date(2024, 4, 26), event, False, False) == []


def test_an_extension_of_a_finished_step_is_refused() -> None:
    assert codes(extension_refusals(dt.date(2024, 4, 5), dt.date(2024, 4, 25), True, True)) == [
        "step_finished"
    ]
