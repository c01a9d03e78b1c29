"""`kehoach mau` and `kehoach nhap` as a coordinator types them: Vietnamese output, exit
codes, nothing half-written, and a re-import that keeps the progress recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from kehoach.importing.layout import SHEET_LISTS
from kehoach.services.context import AppContext
from kehoach.services.tracking import record_progress
from kehoach.store.directoryfile import find_directory_file, load_directory_file
from kehoach.store.tables import StepRow
from models.health import Progress

from .conftest import MINIMAL, TASKS, Fill


def test_mau_writes_the_template_and_says_how_to_import_it(kehoach, tmp_path: Path) -> None:
    target = tmp_path / "mau.xlsx"
    result = kehoach("mau", str(target), "--ke-hoach", str(MINIMAL))
    assert result.code == 0, result.err
    assert f"Đã ghi bảng tính mẫu {target}" in result.out and "kehoach nhap" in result.out
    assert "Nhiệm vụ" in load_workbook(target).sheetnames


def test_mau_lists_the_agencies_of_a_province_directory(kehoach, tmp_path: Path) -> None:
    target = tmp_path / "mau.xlsx"
    result = kehoach("mau", str(target), "--danh-ba", "ninh-thuan-2024")
    assert result.code == 0, result.err
    lists = load_workbook(target)[SHEET_LISTS]
    codes = [row[0] for row in lists.iter_rows(min_row=2, values_only=True) if row[0]]
    shipped = load_directory_file(find_directory_file("ninh-thuan-2024")).directory
    assert codes == [a.code for a in shipped.agencies if a.valid_to is None]
    assert "SNV" in codes and len(codes) == 35


def test_mau_with_an_unknown_directory_exits_2_and_writes_nothing(kehoach, tmp_path: Path) -> None:
    target = tmp_path / "mau.xlsx"
    result = kehoach("mau", str(target), "--danh-ba", "khong-co")
    assert result.code == 2 and "Không tìm thấy danh bạ cơ quan 'khong-co'" in result.err
    assert not target.exists()


def test_nhap_writes_the_plan_file_next_to_the_sheet(kehoach, fill: Fill) -> None:
    sheet = fill()
    result = kehoach("nhap", str(sheet))
    assert result.code == 0, result.err
    target = sheet.with_suffix(".yaml")
    assert f"Đã ghi tệp kế hoạch {target}: kế hoạch kh-nhap-thu, 3 bước." in result.out
    assert kehoach("validate", str(target)).code == 0


def test_nhap_with_problems_exits_2_lists_them_and_writes_nothing(
    kehoach, fill: Fill, tmp_path: Path
) -> None:
    sheet = fill(tasks=[*TASKS, ("3", "Thẩm định", "Sở Tài chín", None, None, "15/04/2024")])
    result = kehoach("nhap", str(sheet), "--ra", str(tmp_path / "out.yaml"))
    assert result.code == 2
    assert result.err.startswith("Lỗi: Chưa nhập được ke-hoach.xlsx: có 1 lỗi, chưa ghi tệp nào.")
    assert "Trang 'Nhiệm vụ', dòng 7, cột 'Cơ quan chủ trì'" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "out.yaml").exists()
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_nhap_of_a_file_that_is_not_a_workbook_exits_2(kehoach, tmp_path: Path) -> None:
    bad = tmp_path / "hong.xlsx"
    bad.write_text("không phải bảng tính", encoding="utf-8")
    result = kehoach("nhap", str(bad))
    assert result.code == 2 and "Không đọc được bảng tính hong.xlsx" in result.err


def test_nhap_of_a_csv_needs_the_plan_it_belongs_to(kehoach, tmp_path: Path) -> None:
    sheet = tmp_path / "nhiem-vu.csv"
    sheet.write_text("STT,Nội dung công việc,Cơ quan chủ trì\n", encoding="utf-8")
    result = kehoach("nhap", str(sheet))
    assert result.code == 2 and "--ke-hoach" in result.err


def test_nhap_of_a_csv_replaces_the_tasks_of_the_given_plan(kehoach, tmp_path: Path) -> None:
    sheet = tmp_path / "nhiem-vu.csv"
    sheet.write_text(
        "STT;Nội dung công việc;Cơ quan chủ trì;Cơ quan phối hợp;Hình thức thời hạn;"
        "Thời gian hoàn thành\n"
        "Ví dụ;dòng ví dụ;SLD;;;\n"
        "1;Xây dựng chương trình;Sở Lao động – Thương binh và Xã hội;Sở Nội vụ;"
        "Trước sự kiện (ngày làm việc);10\n",
        encoding="utf-8-sig",
    )
    target = tmp_path / "ke-hoach.yaml"
    result = kehoach("nhap", str(sheet), "--ke-hoach", str(MINIMAL), "--ra", str(target))
    assert result.code == 0, result.err
    validated = kehoach("validate", str(target))
    assert "kế hoạch kh-thu-nghiem, 1 bước" in validated.out


def _progress(context: AppContext, key: str) -> str:
    with context.database.transaction() as session:
        row = session.scalar(select(StepRow).where(StepRow.key == key))
        assert row is not None
        return row.progress


def test_reimporting_a_corrected_sheet_updates_the_plan_and_keeps_progress(
    kehoach, fill: Fill, context: AppContext
) -> None:
    sheet = fill()
    first = kehoach("nhap", str(sheet), "--nap")
    assert first.code == 0, first.err
    assert "Đã nạp mới kế hoạch kh-nhap-thu" in first.out
    with context.database.transaction() as session:
        now = dt.datetime(2024, 4, 1, 2, 0, tzinfo=dt.UTC)
        record_progress(session, "1.2", Progress.IN_PROGRESS, now, by="SNV")
    again = kehoach("nhap", str(sheet), "--nap")
    assert "không thay đổi so với lần nạp trước" in again.out
    book = load_workbook(sheet)
    book["Nhiệm vụ"]["B5"] = "Dự thảo báo cáo sơ kết"  # row 5 is STT 1.2
    book.save(sheet)
    corrected = kehoach("nhap", str(sheet), "--nap")
    assert "Đã cập nhật kế hoạch kh-nhap-thu" in corrected.out and "sửa: 1 bước" in corrected.out
    assert _progress(context, "1.2") == "in_progress"
