"""Each deadline form of the drop-down → the plan schema's fields.

Each form's data is compared with the fields it must produce, and the workbook is also
converted in full (the plan schema and the whole-plan rules), so a form that maps to a field
the schema does not know, or to a wrong value, fails here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kehoach.importing.sheet_directory import Directory
from kehoach.importing.sheet_import import import_sheets
from kehoach.importing.sheet_plan import convert
from kehoach.importing.sheet_read import read_workbook

from .conftest import CONFERENCE, IDENTITY, Fill


def imported(path: Path) -> dict[str, Any]:
    data, problems = import_sheets(read_workbook(path), Directory())
    assert [str(p) for p in problems] == []
    return data.data


def schedule_of(fill: Fill, form: str, value: str) -> dict[str, Any]:
    step = imported(fill(tasks=[("1", "Báo cáo", "SLD", None, form, value)]))
    [item] = step["responsibilities"]
    [only] = item["steps"]
    return {
        k: v for k, v in only.items() if k in ("deadline", "recurrence", "ongoing", "follow_up")
    }


FORMS = [
    ("Chậm nhất ngày", "15/04/2024", {"deadline": {"date": dt.date(2024, 4, 15)}}),
    (
        "Trước ngày",
        "15/04/2024",
        {"deadline": {"date": dt.date(2024, 4, 15), "meaning": "truoc_ngay"}},
    ),
    (
        "Trong tháng",
        "3/2024",
        {"deadline": {"date": dt.date(2024, 3, 31), "meaning": "trong_thang"}},
    ),
    (
        "Từ ngày … đến ngày",
        "22/02/2024 - 27/02/2024",
        {"deadline": {"not_before": dt.date(2024, 2, 22), "date": dt.date(2024, 2, 27)}},
    ),
    ("Trước sự kiện (ngày làm việc)", "10", {"deadline": {"before_event": 10}}),
    (
        "Trước sự kiện (ngày lịch)",
        "105 ngày",
        {"deadline": {"before_event": 105, "days": "calendar"}},
    ),
    ("Sau sự kiện (ngày làm việc)", "5", {"deadline": {"after_event": 5}, "follow_up": True}),
    ("Hằng tuần", "thứ Sáu", {"recurrence": {"every": "week", "day": 5}}),
    (
        "Hằng tháng",
        "trước ngày 15",
        {"recurrence": {"every": "month", "day": 15, "meaning": "truoc_ngay"}},
    ),
    (
        "Hằng quý",
        "trước ngày 05 tháng cuối quý",
        {"recurrence": {"every": "quarter", "day": 5, "month": 3, "meaning": "truoc_ngay"}},
    ),
    ("6 tháng", "ngày 20 tháng 6", {"recurrence": {"every": "half_year", "day": 20, "month": 6}}),
    (
        "Hằng năm",
        "trước ngày 25/11",
        {"recurrence": {"every": "year", "day": 25, "month": 11, "meaning": "truoc_ngay"}},
    ),
    ("Thường xuyên", "", {"ongoing": {"check_in": "month"}}),
    ("thuong xuyen", "cập nhật hằng quý", {"ongoing": {"check_in": "quarter"}}),
]


@pytest.mark.parametrize(("form", "value", "fields"), FORMS, ids=[f"{f}={v}" for f, v, _ in FORMS])
def test_each_deadline_form_maps_to_the_schema_fields(
    fill: Fill, form: str, value: str, fields: dict[str, Any]
) -> None:
    assert schedule_of(fill, form, value) == fields


@pytest.mark.parametrize(("form", "value", "fields"), FORMS, ids=[f"{f}={v}" for f, v, _ in FORMS])
def test_each_deadline_form_gives_a_plan_the_schema_accepts(
    fill: Fill, form: str, value: str, fields: dict[str, Any]
) -> None:
    converted = convert(fill(tasks=[("1", "Báo cáo", "SLD", None, form, value)]))
    [item] = converted.data["responsibilities"]
    assert {k: v for k, v in item["steps"][0].items() if k in fields} == fields


def test_a_date_cell_without_a_form_is_due_by_that_date(fill: Fill) -> None:
    assert schedule_of(fill, "", "15/04/2024") == {"deadline": {"date": dt.date(2024, 4, 15)}}


ELECTION = (
    "bau_cu",
    "Bầu cử",
    "Ngày bầu cử đại biểu Quốc hội",
    "23/05/2021",
    None,
    None,
    None,
    "Có",
)
FESTIVAL = (
    "le_hoi",
    "Lễ hội",
    "Lễ hội Nho – Vang",
    "20/06/2021",
    "23/06/2021",
    "19:30",
    "Quảng trường",
    "",
)


def test_several_events_are_the_v2_list_and_a_deadline_names_its_event(fill: Fill) -> None:
    tasks = [("1", "Niêm yết danh sách cử tri", "SLD", None, "Trước sự kiện (ngày lịch)",
              "40 ngày trước Ngày bầu cử đại biểu Quốc hội")]  # fmt: skip
    data = imported(fill(events=[ELECTION, FESTIVAL], tasks=tasks))
    assert data["schema_version"] == 2 and "event" not in data
    assert [(e["id"], e["kind"]) for e in data["events"]] == [
        ("bau_cu", "bau_cu"),
        ("le_hoi", "le_hoi"),
    ]
    assert data["events"][1]["end_date"] == dt.date(2021, 6, 23)
    [step] = data["responsibilities"][0]["steps"]
    assert step["deadline"] == {"before_event": 40, "days": "calendar", "event": "bau_cu"}


def test_with_several_events_a_relative_deadline_must_name_one(fill: Fill) -> None:
    tasks = [("1", "Niêm yết", "SLD", None, "Trước sự kiện (ngày lịch)", "40")]
    _, problems = import_sheets(
        read_workbook(fill(events=[ELECTION, FESTIVAL], tasks=tasks)), Directory()
    )
    [problem] = [str(p) for p in problems]
    assert problem.startswith(
        "Trang 'Nhiệm vụ', dòng 3, cột 'Thời gian hoàn thành': kế hoạch có nhiều sự kiện: "
        "ghi số ngày và tên sự kiện"
    )


def test_a_plan_with_no_event_is_the_v2_form(fill: Fill) -> None:
    data = imported(fill(events=[], tasks=[("1", "Báo cáo", "SLD", None, "Hằng tháng", "15")]))
    assert data["schema_version"] == 2 and data["events"] == []


def test_a_relative_deadline_without_any_event_is_refused(fill: Fill) -> None:
    tasks = [("1", "Báo cáo", "SLD", None, "Trước sự kiện (ngày làm việc)", "3")]
    _, problems = import_sheets(read_workbook(fill(events=[], tasks=tasks)), Directory())
    assert [str(p) for p in problems] == [
        "Trang 'Nhiệm vụ', dòng 3, cột 'Thời gian hoàn thành': thời hạn tính theo sự kiện nhưng "
        "trang 'Sự kiện' chưa có sự kiện nào"
    ]


def test_the_period_and_the_parent_agency_use_the_v2_names(fill: Fill) -> None:
    identity = {**IDENTITY, "Thời gian thực hiện từ ngày": "01/01/2024",
                "Thời gian thực hiện đến ngày": "31/12/2024"}  # fmt: skip
    agencies = [("XA1", "UBND xã Một", None, "Cấp xã", "UBND các xã", "UBND huyện Một")]
    tasks = [("1", "Báo cáo", "UBND các xã", None, "Hằng tháng", "15")]
    data = imported(fill(identity=identity, agencies=agencies, tasks=tasks))
    assert data["plan"]["period"] == {"start": dt.date(2024, 1, 1), "end": dt.date(2024, 12, 31)}
    xa = next(a for a in data["agencies"] if a["code"] == "XA1")
    assert xa == {"code": "XA1", "name": "UBND xã Một", "kind": "commune",
                  "groups": ["ubnd_cac_xa"], "parent": "H1"}  # fmt: skip
    assert data["responsibilities"][0]["steps"][0]["fan_out"] == ["ubnd_cac_xa"]


def test_a_bad_value_for_a_recurring_form_says_how_to_write_it(fill: Fill) -> None:
    tasks = [("1", "Báo cáo", "SLD", None, "Hằng tuần", "cuối tuần")]
    _, problems = import_sheets(read_workbook(fill(tasks=tasks, events=[CONFERENCE])), Directory())
    assert [str(p) for p in problems] == [
        "Trang 'Nhiệm vụ', dòng 3, cột 'Thời gian hoàn thành': 'cuối tuần' phải là một ngày "
        "trong tuần, ví dụ 'thứ Sáu' (hoặc số 1–7, 1 là thứ Hai)"
    ]
