"""`kehoach co-quan nhap` and `co-quan xuat`: a province directory from and to a CSV or
Excel table with Vietnamese headers; every error by row and column, exit 2, nothing written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kehoach.store.directoryfile import load_directory_file
from tests.kehoach.conftest import Result

HEADERS = (
    "Mã,Tên cơ quan,Tên viết tắt,Loại,Cơ quan cấp trên,Địa bàn,Nhóm,Hiệu lực đến,Cơ quan kế thừa"
)
ROWS = [
    'SNV,Sở Nội vụ,,"Sở, ngành",,,so,,',
    "SLDTBXH,Sở Lao động – Thương binh và Xã hội,Sở LĐTB&XH,department,,,so,28/02/2025,SNV",
    "H1,Ủy ban nhân dân huyện Một,UBND huyện Một,Cấp huyện,,,huyen,,",
    "X1,Ủy ban nhân dân xã Một,,Cấp xã,H1,,xa,,",
    "MT_X1,Ủy ban Mặt trận Tổ quốc Việt Nam xã Một,,Tổ chức chính trị - xã hội,,X1,,,",
]
GROUPS = "Mã nhóm,Tên nhóm\nso,Các sở\nhuyen,Các huyện\nxa,Các xã\n"


@pytest.fixture
def kehoach(kehoach, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The shared CLI fixture (tests/kehoach/conftest.py), run from the test's own folder."""
    monkeypatch.chdir(tmp_path)
    return kehoach


def table(tmp_path: Path, rows: list[str], headers: str = HEADERS) -> Path:
    path = tmp_path / "danh-ba.csv"
    path.write_text("\n".join([headers, *rows]) + "\n", encoding="utf-8-sig")
    (tmp_path / "nhom.csv").write_text(GROUPS, encoding="utf-8")
    return path


TARGET = Path("config/directories/tinh-thu.yaml")


def nhap(kehoach, path: Path) -> Result:
    return kehoach(
        "co-quan",
        "nhap",
        str(path),
        "--danh-ba",
        "tinh-thu",
        "--nhom",
        str(path.parent / "nhom.csv"),
    )


def test_a_csv_table_becomes_the_directory_file_plans_refer_to(kehoach, tmp_path: Path) -> None:
    result = nhap(kehoach, table(tmp_path, ROWS))
    assert result.code == 0, result.err
    assert "Đã ghi danh bạ 'tinh-thu' (5 cơ quan, 3 nhóm)" in result.out
    directory = load_directory_file(tmp_path / TARGET).directory
    labour = directory.by_code()["SLDTBXH"]
    assert (labour.kind.value, labour.valid_to, labour.successor) == (
        "department",
        dt.date(2025, 2, 28),
        "SNV",
    )
    assert directory.by_code()["X1"].parent == "H1"
    assert directory.by_code()["MT_X1"].area == "X1"
    assert [g.name for g in directory.groups] == ["Các sở", "Các huyện", "Các xã"]


def test_importing_the_same_table_again_changes_nothing(kehoach, tmp_path: Path) -> None:
    path = table(tmp_path, ROWS)
    nhap(kehoach, path)
    before = (tmp_path / TARGET).read_bytes()
    again = nhap(kehoach, path)
    assert again.code == 0 and "không thay đổi" in again.out
    assert (tmp_path / TARGET).read_bytes() == before


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "X2,Ủy ban nhân dân xã Hai,,Cấp xã,H9,,xa,,",
            "danh-ba.csv, dòng 7, cột 'Cơ quan cấp trên': cơ quan không có trong danh bạ: 'H9'",
        ),
        (
            "X2,Ủy ban nhân dân xã Hai,,Cấp xã,H1,,xa,31/02/2025,",
            "danh-ba.csv, dòng 7, cột 'Hiệu lực đến': ngày '31/02/2025' không hợp lệ (dd/mm/yyyy)",
        ),
        (
            "X1,Ủy ban nhân dân xã Hai,,Cấp xã,H1,,xa,,",
            "danh-ba.csv, dòng 7, cột 'Mã': mã 'X1' đã có ở dòng 5",
        ),
        (
            "X2,,,Cấp xã,H1,,xa,,",
            "danh-ba.csv, dòng 7, cột 'Tên cơ quan': ô bắt buộc đang để trống",
        ),
        (
            "X2,Ủy ban nhân dân xã Hai,,Cấp thôn,H1,,xa,,",
            "danh-ba.csv, dòng 7, cột 'Loại': 'Cấp thôn' không phải loại nào",
        ),
        (
            "X2,Ủy ban nhân dân xã Hai,,Sở, ngành,H1,,xa,,",
            "danh-ba.csv, dòng 7: nhiều ô hơn số cột; một ô có dấu phẩy",
        ),
        (
            "X2,Ủy ban nhân dân xã Hai,,Cấp xã,H1,,thon,,",
            "danh-ba.csv, dòng 7, cột 'Nhóm': nhóm 'thon' chưa có tên",
        ),
    ],
    ids=[
        "unknown-parent",
        "bad-date",
        "duplicate-code",
        "missing-name",
        "bad-kind",
        "comma",
        "group",
    ],
)
def test_a_bad_row_is_named_by_row_and_column_with_exit_2_and_nothing_written(
    kehoach, tmp_path: Path, row: str, expected: str
) -> None:
    result = nhap(kehoach, table(tmp_path, [*ROWS, row]))
    assert result.code == 2
    assert expected in result.err
    assert "chưa ghi gì" in result.err and "Traceback" not in result.err
    assert not (tmp_path / TARGET).exists()


def test_a_malformed_email_in_the_table_is_named_by_row_and_column(kehoach, tmp_path: Path) -> None:
    headers = HEADERS + ",Thư điện tử"
    rows = [f"{row}," for row in ROWS] + ["H2,Ủy ban nhân dân huyện Hai,,Cấp huyện,,,huyen,,,h2@"]
    result = nhap(kehoach, table(tmp_path, rows, headers))
    assert result.code == 2
    assert "cột 'Thư điện tử'" in result.err
    assert "cơ quan 'H2' (Ủy ban nhân dân huyện Hai): thư điện tử không hợp lệ: 'h2@'" in result.err
    assert not (tmp_path / TARGET).exists()


def test_a_bad_table_leaves_an_existing_directory_file_as_it_was(kehoach, tmp_path: Path) -> None:
    nhap(kehoach, table(tmp_path, ROWS))
    before = (tmp_path / TARGET).read_bytes()
    result = nhap(kehoach, table(tmp_path, [*ROWS, "X2,,,Cấp xã,H1,,xa,,"]))
    assert result.code == 2
    assert (tmp_path / TARGET).read_bytes() == before


def test_a_missing_required_column_and_an_unknown_one_are_named(kehoach, tmp_path: Path) -> None:
    path = table(tmp_path, ["SNV,Sở Nội vụ,x"], headers="Mã,Tên cơ quan,Ghi chú")
    result = nhap(kehoach, path)
    assert result.code == 2
    assert "danh-ba.csv: cột 'Ghi chú' không có trong mẫu danh bạ" in result.err
    assert "danh-ba.csv: thiếu cột 'Loại'" in result.err


def excel(path: Path, rows: list[list[object]], groups: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Cơ quan"
    sheet.append(
        ["Mã", "Tên cơ quan", "Loại", "Cơ quan cấp trên", "Hiệu lực từ", "Thư điện tử", "Zalo"]
    )
    for row in rows:
        sheet.append(row)
    names = book.create_sheet("Nhóm")
    for row in [["Mã nhóm", "Tên nhóm"], *groups]:
        names.append(row)
    book.save(path)
    return path


def test_an_excel_table_with_real_date_cells_and_contacts_is_imported(
    kehoach, tmp_path: Path
) -> None:
    path = excel(
        tmp_path / "danh-ba.xlsx",
        [
            [
                "SNV",
                "Sở Nội vụ",
                "Sở, ngành",
                None,
                dt.datetime(2025, 3, 1),
                "snv@tinh.gov.vn",
                "0912345678",
            ],
            ["X1", "Ủy ban nhân dân xã Một", "Cấp xã", "SNV", None, None, None],
        ],
        [],
    )
    result = kehoach("co-quan", "nhap", str(path), "--danh-ba", "tinh-thu")
    assert result.code == 0, result.err
    snv = load_directory_file(tmp_path / TARGET).directory.by_code()["SNV"]
    assert snv.valid_from == dt.date(2025, 3, 1)
    assert snv.contact is not None and (snv.contact.email, snv.contact.zalo) == (
        "snv@tinh.gov.vn",
        "0912345678",
    )


def test_an_excel_error_is_named_by_row_and_column_and_nothing_is_written(
    kehoach, tmp_path: Path
) -> None:
    path = excel(
        tmp_path / "danh-ba.xlsx",
        [["SNV", "Sở Nội vụ", "Sở, ngành", "KHONG", "1/13/2025", None, None]],
        [],
    )
    result = kehoach("co-quan", "nhap", str(path), "--danh-ba", "tinh-thu")
    assert result.code == 2
    assert "danh-ba.xlsx, dòng 2, cột 'Hiệu lực từ': ngày '1/13/2025' không hợp lệ" in result.err
    assert not (tmp_path / TARGET).exists()


def test_the_seed_directory_exported_to_excel_and_imported_back_is_the_same(
    kehoach, tmp_path: Path
) -> None:
    exported = kehoach("co-quan", "xuat", "nt.xlsx", "--danh-ba", "ninh-thuan-2024")
    assert exported.code == 0 and "Đã xuất 35 cơ quan" in exported.out
    sheet = load_workbook(tmp_path / "nt.xlsx")["Cơ quan"]
    assert [cell.value for cell in sheet[1]][:4] == ["Mã", "Tên cơ quan", "Tên viết tắt", "Loại"]
    shipped = (
        Path(__file__).resolve().parents[3] / "config" / "directories" / "ninh-thuan-2024.yaml"
    )
    TARGET.parent.mkdir(parents=True)
    copy = Path("config/directories/ninh-thuan-2024.yaml")
    copy.write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    imported = kehoach("co-quan", "nhap", "nt.xlsx", "--danh-ba", "ninh-thuan-2024")
    assert imported.code == 0, imported.err
    # The person and escalation readings have no column; they are kept from the file.
    assert load_directory_file(copy).directory == load_directory_file(shipped).directory
