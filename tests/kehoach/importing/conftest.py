"""Workbooks filled by the test, from the template `kehoach mau` writes, as a coordinator
would fill them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from kehoach.importing.layout import SHEET_AGENCIES, SHEET_EVENTS, SHEET_PLAN, SHEET_TASKS
from kehoach.importing.sheet_template import write_template
from kehoach.store.planfile import load_plan_file

MINIMAL = Path(__file__).resolve().parents[2] / "data" / "minimal_plan.yaml"

IDENTITY = {
    "Mã kế hoạch": "kh-nhap-thu",
    "Tên kế hoạch": "Kế hoạch tổ chức Hội nghị sơ kết",
    "Cơ quan ban hành": "Ủy ban nhân dân tỉnh Thử Nghiệm",
    "Ngày ban hành": "03/2024",
    "Cơ quan đầu mối theo dõi": "Sở Lao động – Thương binh và Xã hội",
}
CONFERENCE = (
    "hn",
    "Hội nghị",
    "Hội nghị sơ kết",
    "25/04/2024",
    None,
    "08:00",
    "Hội trường",
    "Không",
)
# Rows 3, 4, 5, 6 of the task sheet (row 2 is the template's example).
TASKS: list[Sequence[Any]] = [
    ("1", "Chuẩn bị hội nghị", "Sở Lao động – Thương binh và Xã hội"),
    (
        "1.1",
        "Xây dựng chương trình",
        "SLD",
        "Văn phòng UBND tỉnh",
        "Trước sự kiện (ngày làm việc)",
        "10",
        "Chương trình",
    ),
    ("1.2", "Dự thảo báo cáo", "so noi vu", None, "Chậm nhất ngày", "19/04/2024"),
    ("2", "Cử đại biểu tham dự", "UBND các huyện", None, "Trước sự kiện (ngày làm việc)", "2"),
]

Fill = Callable[..., Path]


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "mau.xlsx"
    write_template(path, load_plan_file(MINIMAL).plan)
    return path


@pytest.fixture
def fill(template: Path, tmp_path: Path) -> Fill:
    """fill(identity=…, events=…, tasks=…, agencies=…) → the saved workbook."""

    def filled(
        identity: dict[str, Any] | None = None,
        events: Sequence[Sequence[Any]] = (CONFERENCE,),
        tasks: Sequence[Sequence[Any]] = TASKS,
        agencies: Sequence[Sequence[Any]] = (),
        name: str = "ke-hoach.xlsx",
    ) -> Path:
        book = load_workbook(template)
        values = IDENTITY if identity is None else identity
        for row in book[SHEET_PLAN].iter_rows(min_row=2):
            if row[0].value in values:
                row[1].value = values[row[0].value]
        for sheet, rows in (
            (SHEET_EVENTS, events),
            (SHEET_TASKS, tasks),
            (SHEET_AGENCIES, agencies),
        ):
            for cells in rows:
                book[sheet].append(list(cells))
        path = tmp_path / name
        book.save(path)
        return path

    return filled
