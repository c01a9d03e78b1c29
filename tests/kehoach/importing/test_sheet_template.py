"""`kehoach mau`: the empty workbook a coordinator fills."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kehoach.errors import UserError
from kehoach.importing.layout import (
    SHEET_LISTS,
    SHEET_PLAN,
    SHEET_TASKS,
    TEMPLATE_TASK_COLUMNS,
    DeadlineForm,
)
from kehoach.importing.sheet_template import write_template


def test_the_template_has_every_sheet_with_frozen_vietnamese_headers(template: Path) -> None:
    book = load_workbook(template)
    assert book.sheetnames == ["Kế hoạch", "Sự kiện", "Cơ quan", "Nhiệm vụ", "Danh mục"]
    tasks = book[SHEET_TASKS]
    assert [c.value for c in tasks[1]] == list(TEMPLATE_TASK_COLUMNS)
    assert tasks[1][0].value == "STT" and tasks[1][1].value == "Nội dung công việc"
    assert tasks.freeze_panes == "A2" and tasks[1][0].font.bold
    assert tasks.column_dimensions["B"].width >= 40
    assert book[SHEET_LISTS].sheet_state == "hidden"
    assert book.active.title == SHEET_TASKS


def test_the_identity_sheet_lists_each_field_of_the_plan(template: Path) -> None:
    labels = [row[0].value for row in load_workbook(template)[SHEET_PLAN].iter_rows(min_row=2)]
    assert labels[:3] == ["Mã kế hoạch", "Số, ký hiệu", "Tên kế hoạch"]
    assert "Cơ quan đầu mối theo dõi" in labels


def test_the_example_row_is_in_grey_italics_and_marked(template: Path) -> None:
    example = load_workbook(template)[SHEET_TASKS][2]
    assert example[0].value == "Ví dụ"
    assert all(c.font.italic for c in example if c.value)


def _validations(template: Path) -> dict[str, str]:
    tasks = load_workbook(template)[SHEET_TASKS]
    return {
        str(v.sqref).split(":")[0][0]: v.formula1 for v in tasks.data_validations.dataValidation
    }


def test_the_deadline_forms_and_the_plans_agencies_are_drop_downs(template: Path) -> None:
    book = load_workbook(template)
    rules = _validations(template)
    lists = book[SHEET_LISTS]
    form_column, lead_column = rules["E"], rules["C"]
    assert form_column.startswith("'Danh mục'!$")
    letter = form_column.split("$")[1]
    forms = [c.value for c in lists[letter][1:] if c.value]
    assert forms == [form.value for form in DeadlineForm]
    letter = lead_column.split("$")[1]
    choices = [c.value for c in lists[letter][1:] if c.value]
    assert "Sở Lao động – Thương binh và Xã hội" in choices and "UBND các huyện" in choices


def test_a_template_without_a_plan_still_offers_the_deadline_forms(tmp_path: Path) -> None:
    path = tmp_path / "mau.xlsx"
    write_template(path)
    assert set(_validations(path)) == {"E"}  # no agencies to choose from yet


def test_the_csv_template_is_the_task_sheet_alone_readable_by_excel(tmp_path: Path) -> None:
    path = tmp_path / "mau.csv"
    write_template(path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, example = list(csv.reader(handle))
    assert header == list(TEMPLATE_TASK_COLUMNS) and example[0] == "Ví dụ"


def test_another_kind_of_file_is_refused_in_vietnamese(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"chỉ ghi được mẫu \.xlsx hoặc \.csv"):
        write_template(tmp_path / "mau.ods")
