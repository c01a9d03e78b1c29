"""`kehoach nhap`: a filled workbook becomes a plan file that loads, or every problem is named
by sheet, row and column in Vietnamese, and nothing is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kehoach.importing.sheet_plan import convert, write_plan
from kehoach.importing.sheet_read import SheetImportError
from kehoach.importing.sheet_template import write_template
from kehoach.store.planfile import load_plan_file

from .conftest import CONFERENCE, IDENTITY, TASKS, Fill

LEAD_SLD = "Sở Lao động – Thương binh và Xã hội"


def problems(path: Path) -> list[str]:
    with pytest.raises(SheetImportError) as caught:
        convert(path)
    return [str(problem) for problem in caught.value.problems]


def test_a_filled_template_becomes_a_plan_file_that_loads(fill: Fill, tmp_path: Path) -> None:
    converted = convert(fill())
    target = tmp_path / "ke-hoach.yaml"
    write_plan(converted, target, None)
    plan = load_plan_file(target).plan
    assert plan.plan.id == "kh-nhap-thu" and plan.plan.coordinator == "SLD"
    [event] = plan.events
    assert event.assumed_date == dt.date(2024, 4, 25) and event.tentative_month == "2024-04"
    assert [r.id for r in plan.responsibilities] == ["1", "2"]
    assert [s.id for _, s in plan.all_steps()] == ["1.1", "1.2", "2"]


def test_stt_rows_become_items_and_their_steps(fill: Fill) -> None:
    first, second = convert(fill()).data["responsibilities"]
    assert first["title"] == "Chuẩn bị hội nghị" and first["responsible"] == ["SLD"]
    assert [s["title"] for s in first["steps"]] == ["Xây dựng chương trình", "Dự thảo báo cáo"]
    # An item with no sub-rows is its own single step.
    assert second["steps"] == [
        {
            "id": "2",
            "title": "Cử đại biểu tham dự",
            "fan_out": ["districts"],
            "deadline": {"before_event": 2},
        }
    ]


def test_agencies_are_matched_by_code_name_or_name_without_accents(fill: Fill) -> None:
    step, report = convert(fill()).data["responsibilities"][0]["steps"]
    assert step["lead"] == "SLD" and step["cooperating"] == ["VP"]
    assert report["lead"] == "SNV"  # written "so noi vu"


def test_the_example_rows_are_not_imported(fill: Fill) -> None:
    steps = [s["title"] for r in convert(fill()).data["responsibilities"] for s in r["steps"]]
    assert not any("ví dụ" in title for title in steps)


def test_only_the_agencies_the_plan_names_are_written_with_their_groups(fill: Fill) -> None:
    data = convert(fill()).data
    assert [a["code"] for a in data["agencies"]] == ["SLD", "VP", "SNV", "H1", "H2"]
    assert data["groups"] == [{"code": "districts", "name": "UBND các huyện"}]


def test_an_own_agency_with_commas_in_its_name_needs_no_quoting(fill: Fill, tmp_path: Path) -> None:
    tasks = [
        *TASKS,
        ("3", "Tuyên truyền", "Báo Thử Nghiệm, Đài PT-TH tỉnh", None, None, "15/04/2024"),
    ]
    agencies = [("BAO", "Báo Thử Nghiệm, Đài PT-TH tỉnh", None, "Cơ quan báo chí")]
    converted = convert(fill(tasks=tasks, agencies=agencies))
    target = tmp_path / "out.yaml"
    write_plan(converted, target, None)
    plan = load_plan_file(target).plan
    assert plan.agency("BAO").name == "Báo Thử Nghiệm, Đài PT-TH tỉnh"
    assert plan.agency("BAO").kind == "press"


def test_an_unknown_agency_is_named_with_the_closest_suggestion(fill: Fill) -> None:
    tasks = [*TASKS, ("3", "Thẩm định kinh phí", "Sở Tài chín", None, None, "15/04/2024")]
    agencies = [("STC", "Sở Tài chính", "STC", "Sở, ngành")]
    assert problems(fill(tasks=tasks, agencies=agencies)) == [
        "Trang 'Nhiệm vụ', dòng 7, cột 'Cơ quan chủ trì': không có cơ quan 'Sở Tài chín' "
        "trong danh bạ; có phải 'Sở Tài chính'?"
    ]


def test_a_date_in_a_wrong_form_names_its_cell_and_the_form_wanted(fill: Fill) -> None:
    tasks = [
        *TASKS[:2],
        ("1.2", "Dự thảo báo cáo", "SNV", None, "Chậm nhất ngày", "19-4"),
        TASKS[3],
    ]
    assert problems(fill(tasks=tasks)) == [
        "Trang 'Nhiệm vụ', dòng 5, cột 'Thời gian hoàn thành': '19-4' không phải ngày; "
        "viết theo dạng dd/mm/yyyy, ví dụ 15/04/2024"
    ]


def test_an_impossible_date_is_refused(fill: Fill) -> None:
    events = [(*CONFERENCE[:3], "31/04/2024", *CONFERENCE[4:])]
    assert problems(fill(events=events)) == [
        "Trang 'Sự kiện', dòng 3, cột 'Ngày (dự kiến)': '31/04/2024' không phải một ngày có thật"
    ]


def test_empty_required_cells_are_each_named(fill: Fill) -> None:
    tasks = [*TASKS, ("3", None, None, None, None, None)]
    identity = {"Mã kế hoạch": "kh-nhap-thu", "Tên kế hoạch": "Kế hoạch", "Ngày ban hành": "2024",
                "Cơ quan đầu mối theo dõi": "SLD"}  # fmt: skip
    assert problems(fill(identity=identity, tasks=tasks)) == [
        "Trang 'Kế hoạch', dòng 5, cột 'Nội dung': chưa ghi 'Cơ quan ban hành' (bắt buộc)",
        "Trang 'Nhiệm vụ', dòng 7, cột 'Nội dung công việc': chưa ghi nội dung công việc",
        "Trang 'Nhiệm vụ', dòng 7, cột 'Cơ quan chủ trì': chưa ghi cơ quan chủ trì",
        "Trang 'Nhiệm vụ', dòng 7, cột 'Thời gian hoàn thành': chưa ghi thời gian hoàn thành",
    ]


def test_an_unknown_deadline_form_lists_the_forms(fill: Fill) -> None:
    tasks = [*TASKS[:3], ("2", "Cử đại biểu", "UBND các huyện", None, "Sớm nhất có thể", "2")]
    [problem] = problems(fill(tasks=tasks))
    assert problem.startswith(
        "Trang 'Nhiệm vụ', dòng 6, cột 'Hình thức thời hạn': không có hình thức thời hạn "
        "'Sớm nhất có thể'; chọn một trong danh sách: Chậm nhất ngày; Trước ngày;"
    )


def test_a_bad_stt_and_a_repeated_stt_are_refused(fill: Fill) -> None:
    tasks = [*TASKS, ("a)", "Việc khác", "SLD", None, None, "15/04/2024"), TASKS[1]]
    assert problems(fill(tasks=tasks)) == [
        "Trang 'Nhiệm vụ', dòng 7, cột 'STT': STT 'a)' phải là số như 1, 1.1, 1.2",
        "Trang 'Nhiệm vụ', dòng 8, cột 'STT': STT '1.1' bị trùng",
    ]


def test_a_merged_cell_is_refused_with_its_rows(fill: Fill, tmp_path: Path) -> None:
    path = fill()
    book = load_workbook(path)
    book["Nhiệm vụ"].merge_cells("C4:C5")
    book.save(path)
    found = problems(path)
    assert (
        "Trang 'Nhiệm vụ', dòng 4, cột 'Cơ quan chủ trì': ô bị gộp (dòng 4–5): bỏ gộp ô và "
        "ghi giá trị vào từng dòng" in found
    )


def test_a_rule_of_the_whole_plan_is_pointed_back_at_its_row(fill: Fill) -> None:
    # 30/04/2024 is after the conference of 25/04/2024.
    tasks = [
        *TASKS[:2],
        ("1.2", "Dự thảo báo cáo", "SNV", None, "Chậm nhất ngày", "30/04/2024"),
        TASKS[3],
    ]
    [problem] = problems(fill(tasks=tasks))
    assert problem.startswith(
        # 30/04 and 01/05 are holidays: the day-off rule makes it due on 02/05.
        "Trang 'Nhiệm vụ', dòng 5, cột 'Thời gian hoàn thành': hạn 02/05/2024 rơi sau ngày"
    )


def test_nothing_is_written_when_the_sheet_has_problems(fill: Fill, tmp_path: Path) -> None:
    path = fill(tasks=[("1", "Việc", "Sở Không Có", None, None, "15/04/2024")])
    with pytest.raises(SheetImportError):
        convert(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ke-hoach.xlsx", "mau.xlsx"]


def test_a_conference_with_a_time_keeps_the_v1_event_form(fill: Fill) -> None:
    data = convert(fill()).data
    assert data["schema_version"] == 1
    assert data["event"] == {
        "name": "Hội nghị sơ kết",
        "assumed_date": dt.date(2024, 4, 25),
        "tentative_month": "2024-04",
        "start_time": "08:00",
        "venue": "Hội trường",
    }


def test_a_confirmed_date_is_written_as_confirmed(fill: Fill) -> None:
    events = [(*CONFERENCE[:7], "Có")]
    event = convert(fill(events=events)).data["event"]
    assert event["confirmed_date"] == dt.date(2024, 4, 25) and event["tentative_month"] is None


def test_real_date_cells_are_read_as_well_as_typed_dates(fill: Fill) -> None:
    identity = {**IDENTITY, "Ngày ban hành": dt.datetime(2024, 3, 12)}
    events = [(*CONFERENCE[:3], dt.datetime(2024, 4, 25), *CONFERENCE[4:])]
    tasks = [("1", "Dự thảo báo cáo", "SNV", None, None, dt.datetime(2024, 4, 19))]
    data = convert(fill(identity=identity, events=events, tasks=tasks)).data
    assert data["plan"]["issued"] == {"year": 2024, "month": 3, "day": 12}
    assert data["event"]["assumed_date"] == dt.date(2024, 4, 25)
    assert data["responsibilities"][0]["steps"][0]["deadline"] == {"date": dt.date(2024, 4, 19)}


def test_the_untouched_template_asks_only_for_what_is_missing(template: Path) -> None:
    assert problems(template) == [
        "Trang 'Kế hoạch', dòng 2, cột 'Nội dung': chưa ghi 'Mã kế hoạch' (bắt buộc)",
        "Trang 'Kế hoạch', dòng 4, cột 'Nội dung': chưa ghi 'Tên kế hoạch' (bắt buộc)",
        "Trang 'Kế hoạch', dòng 5, cột 'Nội dung': chưa ghi 'Cơ quan ban hành' (bắt buộc)",
        "Trang 'Kế hoạch', dòng 7, cột 'Nội dung': chưa ghi 'Ngày ban hành' (bắt buộc)",
        "Trang 'Kế hoạch', dòng 8, cột 'Nội dung': chưa ghi 'Cơ quan đầu mối theo dõi' (bắt buộc)",
        "Trang 'Nhiệm vụ': chưa có nhiệm vụ nào: ghi mỗi việc một dòng, dưới dòng tiêu đề",
    ]


def test_a_workbook_imported_with_its_plan_keeps_the_plans_agency_records(
    tmp_path: Path, seed_path: Path
) -> None:
    template = tmp_path / "mau.xlsx"
    write_template(template, load_plan_file(seed_path).plan)
    book = load_workbook(template)
    for row in book["Kế hoạch"].iter_rows(min_row=2):
        row[1].value = {**IDENTITY, "Cơ quan đầu mối theo dõi": "Sở LĐTB&XH"}.get(row[0].value)
    book["Sự kiện"].append(list(CONFERENCE))
    book["Nhiệm vụ"].append(
        ["1", "Cho ý kiến", "PCT UBND tỉnh Nguyễn Long Biên", None, None, "15/04/2024"]
    )
    book.save(template)
    converted = convert(template, seed_path)
    target = tmp_path / "ke-hoach.yaml"
    write_plan(converted, target, None)
    plan = load_plan_file(target).plan
    leader = plan.agency("PCT_UBND")
    assert leader.person is not None and leader.person.name == "Nguyễn Long Biên"
    assert leader.escalation_to == "CT_UBND" and plan.agency("CT_UBND").person is not None


def test_a_missing_sheet_and_a_missing_column_are_named(fill: Fill) -> None:
    path = fill()
    book = load_workbook(path)
    del book["Sự kiện"]
    book["Nhiệm vụ"]["F1"] = "Hạn"
    book.save(path)
    found = problems(path)
    assert found[:2] == [
        "Trang 'Sự kiện': không có trang này trong bảng tính: dùng bảng tính mẫu của chương trình",
        "Trang 'Nhiệm vụ', dòng 1, cột 'Thời gian hoàn thành': thiếu cột này ở dòng tiêu đề",
    ]
