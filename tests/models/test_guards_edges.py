"""The refusals' own words, and the day the plan was issued on as the first allowed day."""

from __future__ import annotations

import datetime as dt

from models.guards import Refusal, event_date_refusals, extension_refusals, progress_time_refusals
from models.plan import PartialDate

ISSUED = PartialDate(year=2024, month=3, day=12)


def test_an_event_date_in_the_past_names_the_day_and_today() -> None:
    today = dt.date(2024, 4, 2)
    assert event_date_refusals(dt.date(2024, 4, 1), today, ISSUED) == [
        Refusal("event_in_past", "ngày 01/04/2024 đã qua (hôm nay 02/04/2024)")
    ]


def test_an_event_on_the_day_the_plan_was_issued_is_accepted() -> None:
    day = dt.date(2024, 3, 12)
    assert event_date_refusals(day, day, ISSUED) == []
    assert event_date_refusals(dt.date(2024, 3, 11), dt.date(2024, 3, 1), ISSUED) == [
        Refusal("event_before_plan", "ngày 11/03/2024 trước ngày ban hành kế hoạch (12/03/2024)")
    ]


def test_progress_on_the_day_the_plan_was_issued_is_accepted() -> None:
    on_the_day = dt.datetime(2024, 3, 12, 1, tzinfo=dt.UTC)
    assert progress_time_refusals(on_the_day, None, ISSUED) == []
    the_day_before = dt.datetime(2024, 3, 11, 16, 59, tzinfo=dt.UTC)  # 23:59 in Vietnam
    assert progress_time_refusals(the_day_before, None, ISSUED) == [
        Refusal("before_plan", "thời điểm 11/03/2024 trước ngày ban hành kế hoạch (12/03/2024)")
    ]


def test_progress_before_the_last_entry_names_the_day_of_that_entry() -> None:
    last = dt.datetime(2024, 4, 2, 17, 30, tzinfo=dt.UTC)  # 00:30 on 03/04 in Vietnam
    assert progress_time_refusals(last - dt.timedelta(hours=1), last, ISSUED) == [
        Refusal(
            "before_last_entry", "thời điểm này trước lần cập nhật gần nhất của bước (03/04/2024)"
        )
    ]


def test_an_extension_refused_for_both_reasons_says_each() -> None:
    refusals = extension_refusals(dt.date(2024, 4, 26), dt.date(2024, 4, 25), True, True)
    assert refusals == [
        Refusal("step_finished", "bước đã hoàn thành, không cần gia hạn"),
        Refusal(
            "past_event",
            "hạn mới 26/04/2024 sau ngày hội nghị 25/04/2024, "
            "trong khi việc này phải xong trước hội nghị",
        ),
    ]
