"""The review sheet, corrected as a coordinator would, goes through the spreadsheet import
(`kehoach nhap`, the nov branch) into a plan file that loads. Skipped until that import is
on the branch."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from kehoach.cli.main import run as run_cli
from kehoach.importing.layout import SHEET_EVENTS, SHEET_PLAN, SHEET_TASKS
from kehoach.importing.layout import TaskColumn as Col
from kehoach.services.context import AppContext
from tests.kehoach.importing.documents import SEED_DIRECTORY, prose_docx, seed_paragraphs

pytest.importorskip("kehoach.importing.sheet_plan", reason="the spreadsheet import (nov)")


def correct(sheet: Path, corrected: Path) -> None:
    """What the coordinator fills in: the plan's code and focal point, the event's day, a
    deadline for every duty, and no cooperator the text left vague."""
    book = openpyxl.load_workbook(sheet)
    for label, value in book[SHEET_PLAN].iter_rows(min_row=2):
        if label.value == "Mã kế hoạch":
            value.value = "nt-2024-so-ket-nhap"
        elif label.value == "Cơ quan đầu mối theo dõi":
            value.value = "Sở Lao động – Thương binh và Xã hội"
    book[SHEET_EVENTS]["A2"], book[SHEET_EVENTS]["D2"] = "hoi_nghi", "25/04/2024"
    tasks = book[SHEET_TASKS]
    column = {cell.value: index for index, cell in enumerate(tasks[1])}
    for row in tasks.iter_rows(min_row=2):
        row[column[Col.DEADLINE_FORM]].value = "Trước sự kiện (ngày làm việc)"
        row[column[Col.DEADLINE]].value = "10"
        if "các " in (row[column[Col.COOPERATING]].value or ""):
            row[column[Col.COOPERATING]].value = None
    book.save(corrected)


def test_a_corrected_review_sheet_imports_into_a_plan_that_loads(
    context: AppContext, tmp_path: Path
) -> None:
    document = prose_docx(tmp_path / "ke-hoach.docx", seed_paragraphs())
    sheet, corrected, plan = tmp_path / "nhap.xlsx", tmp_path / "da-sua.xlsx", tmp_path / "kh.yaml"
    directory = str(SEED_DIRECTORY)
    assert run_cli(["nhap-van-ban", str(document), "--ra", str(sheet), "--danh-ba", directory]) == 0
    correct(sheet, corrected)
    assert run_cli(["nhap", str(corrected), "--ra", str(plan)]) == 0
    assert run_cli(["load", str(plan)]) == 0
    steps = sum(1 for _ in context.load_plan_file(plan).plan.all_steps())
    # 13 duties; the press's two are split into one row per newspaper and station.
    assert steps == 15
