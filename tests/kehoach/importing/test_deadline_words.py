"""Deadline words of Vietnamese plans read into the spreadsheet's deadline forms."""

from __future__ import annotations

import datetime as dt

import pytest

from kehoach.importing.deadline_words import read_deadline
from kehoach.importing.layout import DeadlineForm as Form


@pytest.mark.parametrize(
    ("text", "form", "value"),
    [
        ("hoàn thành chậm nhất ngày 15/4/2024", Form.BY_DATE, "15/04/2024"),
        ("Chậm nhất 7.2.2021: thành lập Ủy ban bầu cử", Form.BY_DATE, "07/02/2021"),
        ("gửi Sở Nội vụ trước ngày 20/3/2024", Form.BEFORE_DATE, "20/03/2024"),
        ("thời gian hoàn thành: trong tháng 5/2024", Form.WITHIN_MONTH, "05/2024"),
        ("Từ 22.2 - 27.2: gửi dự kiến danh sách", Form.WINDOW, "22/02/2024 – 27/02/2024"),
        ("chậm nhất 105 ngày trước ngày bầu cử", Form.BEFORE_EVENT_CALENDAR, "105"),
        ("10 ngày làm việc trước ngày tổ chức Hội nghị", Form.BEFORE_EVENT, "10"),
        ("02 ngày làm việc sau ngày tổ chức", Form.AFTER_EVENT, "2"),
        ("Báo cáo tháng gửi trước ngày 15 của tháng", Form.MONTHLY, "trước ngày 15"),
        ("hằng tháng, báo cáo trước ngày 20", Form.MONTHLY, "trước ngày 20"),
        ("Báo cáo quý gửi trước ngày 05 tháng cuối cùng của mỗi quý", Form.QUARTERLY,
         "trước ngày 05 tháng cuối quý"),
        ("Báo cáo 6 tháng gửi trước ngày 05/6", Form.HALF_YEARLY, "trước ngày 05/06"),
        ("ban hành trước ngày 20/11 hàng năm", Form.YEARLY, "trước ngày 20/11"),
        ("thực hiện thường xuyên", Form.ONGOING, ""),
    ],
)  # fmt: skip
def test_each_wording_gives_its_form_and_value(text, form, value):
    guess = read_deadline(text, 2024)
    assert guess is not None
    assert (guess.form, guess.value) == (form, value)


def test_a_date_without_its_year_takes_the_plans_year_and_asks_for_a_check():
    guess = read_deadline("gửi trước ngày 20/3", 2024)
    assert guess is not None and guess.date == dt.date(2024, 3, 20)
    assert guess.confidence < 0.8 and "không ghi năm" in guess.reason


def test_plain_days_before_the_event_are_read_as_calendar_days_and_marked():
    guess = read_deadline("105 ngày trước ngày bầu cử", 2021)
    assert guess is not None and guess.days == 105 and guess.confidence < 0.8


def test_a_bare_date_is_a_deadline_only_in_a_deadline_column():
    assert read_deadline("Quyết định số 666/QĐ-TTg ngày 02/6/2022", 2024) is None
    in_column = read_deadline("07/02/2021 (chủ Nhật)", 2021, bare_date=True)
    assert in_column is not None and in_column.form is Form.BY_DATE
    assert in_column.date == dt.date(2021, 2, 7)


def test_an_impossible_date_is_no_deadline():
    assert read_deadline("chậm nhất ngày 31/02/2024", 2024) is None
