"""The review sheet as the coordinator handles it: opened and saved again in LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from kehoach.cli.main import run as run_cli
from kehoach.importing.layout import (
    SHEET_EVENTS,
    SHEET_PLAN,
    SHEET_TASKS,
    TASK_COLUMNS,
    TaskColumn,
)
from kehoach.services.context import AppContext
from tests.kehoach.importing.documents import DOCUMENTS, SEED_DIRECTORY

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")
# Calc is a package of its own (libreoffice-calc); a machine may have Writer only.
CALC = Path("/usr/lib/libreoffice/program/libsclo.so")


def libreoffice(source: Path, to: str, folder: Path, *options: str) -> Path:
    folder.mkdir()
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{folder.parent / 'lo-profile'}", "--headless",
         *options, "--convert-to", to, "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    (converted,) = folder.iterdir()
    return converted


def test_a_docx_written_by_libreoffice_writer_is_read(context: AppContext, tmp_path: Path):
    text = DOCUMENTS / "ninh-thuan-2024-so-ket.txt"
    utf8 = "--infilter=Text (encoded):UTF8,LF,,,"
    document = libreoffice(text, "docx:MS Word 2007 XML", tmp_path / "docx", utf8)
    sheet = tmp_path / "nhap.xlsx"
    code = run_cli(
        ["nhap-van-ban", str(document), "--ra", str(sheet), "--danh-ba", str(SEED_DIRECTORY)]
    )
    assert code == 0
    rows = list(openpyxl.load_workbook(sheet)[SHEET_TASKS].iter_rows(values_only=True))
    assert len(rows) == 16  # the header, 13 duties, the press's two split per agency
    assert rows[3][TASK_COLUMNS.index(TaskColumn.COOPERATING)] == "Văn phòng Ủy ban nhân dân tỉnh"


@pytest.mark.skipif(not CALC.exists(), reason="LibreOffice Calc (libreoffice-calc) absent")
def test_the_review_sheet_survives_a_save_in_libreoffice_calc(context: AppContext, tmp_path: Path):
    sheet = tmp_path / "nhap.xlsx"
    document = DOCUMENTS / "ninh-thuan-2024-so-ket.txt"
    code = run_cli(
        ["nhap-van-ban", str(document), "--ra", str(sheet), "--danh-ba", str(SEED_DIRECTORY)]
    )
    assert code == 0
    saved = libreoffice(sheet, "xlsx:Calc MS Excel 2007 XML", tmp_path / "luu-lai")
    before, after = openpyxl.load_workbook(sheet), openpyxl.load_workbook(saved)
    assert {SHEET_PLAN, SHEET_EVENTS, SHEET_TASKS} <= set(after.sheetnames)
    rows = [[cell.value for cell in row] for row in after[SHEET_TASKS].iter_rows()]
    assert rows[0] == list(TASK_COLUMNS)
    assert rows == [[cell.value for cell in row] for row in before[SHEET_TASKS].iter_rows()]
    comments = [c.comment.text for row in after[SHEET_TASKS].iter_rows() for c in row if c.comment]
    assert any("không nêu rõ cơ quan" in text for text in comments)
