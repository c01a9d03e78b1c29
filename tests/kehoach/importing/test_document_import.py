"""`kehoach nhap-van-ban` on real documents: a review sheet to correct, never a silent load."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from kehoach.importing.layout import (
    SHEET_AGENCIES,
    SHEET_EVENTS,
    SHEET_LISTS,
    SHEET_PLAN,
    SHEET_TASKS,
    TASK_COLUMNS,
)
from kehoach.importing.layout import TaskColumn as Col
from tests.kehoach.conftest import Result
from tests.kehoach.importing.documents import (
    DOCUMENTS,
    HEADER,
    SEED_DIRECTORY,
    SEED_ROWS,
    pipe_table_docx,
    prose_docx,
    seed_paragraphs,
    seed_table_docx,
)


def draft(kehoach, document: Path, sheet: Path, directory: Path | None = SEED_DIRECTORY) -> Result:
    extra = ["--danh-ba", str(directory)] if directory else []
    return kehoach("nhap-van-ban", str(document), "--ra", str(sheet), *extra)


def task_rows(sheet: Path) -> list[dict[str, openpyxl.cell.cell.Cell]]:
    rows = list(openpyxl.load_workbook(sheet)[SHEET_TASKS].iter_rows())
    assert [cell.value for cell in rows[0]] == list(TASK_COLUMNS)
    return [dict(zip(TASK_COLUMNS, row, strict=True)) for row in rows[1:]]


def row_of(rows, words: str):
    return next(row for row in rows if words in (row[Col.CONTENT].value or ""))


def marked(cell) -> bool:
    return cell.fill.fgColor.rgb.endswith("FFF2CC") and cell.comment is not None


def test_the_seed_as_prose_becomes_one_row_per_duty_with_its_sentence(kehoach, tmp_path):
    document = prose_docx(tmp_path / "ke-hoach.docx", seed_paragraphs())
    result = draft(kehoach, document, tmp_path / "nhap.xlsx")
    assert result.code == 0, result.err
    assert "tìm thấy 15 nhiệm vụ" in result.out and "rà soát" in result.out
    rows = task_rows(tmp_path / "nhap.xlsx")
    # 13 duties; the press's two are given to two agencies: one row for each.
    assert len(rows) == 15
    assert [r[Col.NUMBER].value for r in rows[-4:]] == ["5.1.1", "5.1.2", "5.2.1", "5.2.2"]
    assert rows[-1][Col.LEAD].value == "Đài Phát thanh và Truyền hình tỉnh"
    programme = row_of(rows, "Xây dựng chương trình Hội nghị sơ kết")
    assert programme[Col.LEAD].value == "Sở Lao động – Thương binh và Xã hội"
    assert programme[Col.COOPERATING].value == "Văn phòng Ủy ban nhân dân tỉnh"
    assert "Phối hợp với Văn phòng Ủy ban nhân dân tỉnh" in programme[Col.SOURCE].value
    delegates = row_of(rows, "Cử đại diện")
    assert delegates[Col.LEAD].value == (
        "Các sở, ban, ngành, đoàn thể tỉnh; Ủy ban nhân dân các huyện, thành phố"
    )


def test_vague_cooperators_and_missing_deadlines_are_marked_with_a_reason(kehoach, tmp_path):
    document = prose_docx(tmp_path / "ke-hoach.docx", seed_paragraphs())
    draft(kehoach, document, tmp_path / "nhap.xlsx")
    summary = row_of(task_rows(tmp_path / "nhap.xlsx"), "dự thảo Báo cáo sơ kết")
    assert summary[Col.LEAD].value == "Sở Nội vụ" and not marked(summary[Col.LEAD])
    assert marked(summary[Col.COOPERATING])
    assert "không nêu rõ cơ quan" in summary[Col.COOPERATING].comment.text
    assert marked(summary[Col.DEADLINE_FORM])
    assert "không nêu thời hạn" in summary[Col.DEADLINE_FORM].comment.text
    assert summary[Col.CONFIDENCE].value == "0%"


def test_the_identity_sheet_holds_title_place_and_legal_bases(kehoach, tmp_path):
    document = prose_docx(tmp_path / "ke-hoach.docx", seed_paragraphs())
    draft(kehoach, document, tmp_path / "nhap.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "nhap.xlsx")[SHEET_PLAN]
    values = {row[0].value: row[1] for row in sheet.iter_rows()}
    assert values["Tên kế hoạch"].value.startswith("Tổ chức Hội nghị Sơ kết Phong trào thi đua")
    assert values["Cơ quan ban hành"].value == "Ủy ban nhân dân tỉnh Ninh Thuận"
    assert values["Địa danh"].value == "Ninh Thuận"
    assert marked(values["Số, ký hiệu"]) and "dự thảo" in values["Số, ký hiệu"].comment.text
    bases = [row[1].value for row in sheet.iter_rows() if row[0].value == "Căn cứ"]
    assert len(bases) == 3 and bases[0].startswith("Căn cứ Quyết định số 666/QĐ-TTg")


def test_a_table_with_merged_cells_and_a_repeated_header_is_read_row_by_row(kehoach, tmp_path):
    result = draft(kehoach, seed_table_docx(tmp_path / "bang.docx"), tmp_path / "nhap.xlsx")
    assert result.code == 0, result.err
    assert "(từ bảng)" in result.out
    rows = task_rows(tmp_path / "nhap.xlsx")
    assert [row[Col.NUMBER].value for row in rows] == ["1", "2", "3", "4"]
    budget = row_of(rows, "dự toán kinh phí")
    assert budget[Col.LEAD].value == "Sở Lao động – Thương binh và Xã hội"
    assert budget[Col.NOTE].value == "I. CÔNG TÁC CHUẨN BỊ"
    assert (budget[Col.DEADLINE_FORM].value, budget[Col.DEADLINE].value) == (
        "Chậm nhất ngày",
        "03/04/2024",
    )
    programme = row_of(rows, "chương trình")
    assert (programme[Col.DEADLINE_FORM].value, programme[Col.DEADLINE].value) == (
        "Trước ngày",
        "05/04/2024",
    )
    invitations = row_of(rows, "giấy mời")
    assert invitations[Col.DEADLINE_FORM].value == "Chậm nhất ngày"
    assert invitations[Col.LEAD].value == "Văn phòng Ủy ban nhân dân tỉnh"


def test_an_agency_missing_from_the_directory_is_marked_and_listed(kehoach, tmp_path):
    draft(kehoach, seed_table_docx(tmp_path / "bang.docx"), tmp_path / "nhap.xlsx")
    summary = row_of(task_rows(tmp_path / "nhap.xlsx"), "dự thảo Báo cáo sơ kết")
    cell = summary[Col.COOPERATING]
    assert cell.value == "Sở Lao động – Thương binh và Xã hội; Công an tỉnh"
    assert marked(cell) and "“Công an tỉnh” không có trong danh bạ" in cell.comment.text
    assert summary[Col.DEADLINE_FORM].value == "Trong tháng"
    agencies = openpyxl.load_workbook(tmp_path / "nhap.xlsx")[SHEET_AGENCIES]
    listed = {row[1].value: [c.value for c in row] for row in agencies.iter_rows(min_row=2)}
    assert listed["Sở Nội vụ"] == [
        "SNV", "Sở Nội vụ", None, "Sở, ngành", "Các sở, ban, ngành, đoàn thể tỉnh", None,
    ]  # fmt: skip
    assert listed["Công an tỉnh"][0] is None
    assert marked(agencies.cell(row=agencies.max_row, column=2))


def test_a_group_named_in_the_text_lists_its_member_agencies(kehoach, tmp_path):
    document = prose_docx(tmp_path / "ke-hoach.docx", seed_paragraphs())
    draft(kehoach, document, tmp_path / "nhap.xlsx")
    agencies = openpyxl.load_workbook(tmp_path / "nhap.xlsx")[SHEET_AGENCIES]
    codes = [row[0].value for row in agencies.iter_rows(min_row=2)]
    # IV.1 names "UBND các huyện, thành phố": its 7 members; no group appears as an agency.
    assert {"PRTC", "NINH_HAI", "THUAN_NAM", "SNV", "BAO_NT"} <= set(codes)
    assert "districts" not in codes and "departments" not in codes


def test_the_election_table_gives_its_dates_and_a_lead_found_in_the_content(kehoach, tmp_path):
    truth = Path(__file__).resolve().parents[2] / "data/import_truth/phutho-2021-bau-cu.yaml"
    document = pipe_table_docx(tmp_path / "phutho.docx", DOCUMENTS / "phutho-2021-bau-cu.txt")
    directory = tmp_path / "danh-ba.yaml"
    directory.write_text(truth.read_text(encoding="utf-8").replace("directory:", "agencies:"))
    result = draft(kehoach, document, tmp_path / "nhap.xlsx", directory)
    assert result.code == 0, result.err
    rows = task_rows(tmp_path / "nhap.xlsx")
    assert [row[Col.DEADLINE].value for row in rows[:4]] == [
        "21/01/2021", "27/01/2021", "29/01/2021", "07/02/2021",
    ]  # fmt: skip
    assert rows[3][Col.LEAD].value == "Thường trực Hội đồng nhân dân các cấp"
    assert (
        marked(rows[0][Col.LEAD]) and "không nêu cơ quan chủ trì" in rows[0][Col.LEAD].comment.text
    )
    assert "105 ngày" in rows[3][Col.NOTE].value


def test_a_reporting_calendar_in_prose_becomes_report_cycles(kehoach, tmp_path):
    text = (DOCUMENTS / "bariavungtau-2012-bao-cao-cchc.txt").read_text(encoding="utf-8")
    document = prose_docx(tmp_path / "brvt.docx", [line.strip() for line in text.splitlines()])
    result = draft(kehoach, document, tmp_path / "nhap.xlsx", SEED_DIRECTORY)
    assert result.code == 0, result.err
    rows = task_rows(tmp_path / "nhap.xlsx")
    assert [(r[Col.DEADLINE_FORM].value, r[Col.DEADLINE].value) for r in rows] == [
        ("Hằng năm", "trước ngày 20/11"),
        ("Hằng tháng", "trước ngày 15"),
        ("Hằng quý", "trước ngày 05 tháng cuối quý"),
        ("6 tháng", "trước ngày 05/06"),
        ("Hằng năm", "trước ngày 25/11"),
    ]
    assert rows[1][Col.RECEIVER].value == "UBND tỉnh"
    assert "gửi qua Sở Nội vụ" in rows[1][Col.RECEIVER].comment.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Ke hoach, khong phai Word", "không phải văn bản Word (.docx) dù mang đuôi .docx"),
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504, "được đặt mật khẩu"),
        (b"PK\x03\x04" + b"\0" * 200, "bị hỏng, không đọc được"),
    ],
)
def test_a_file_that_is_no_readable_docx_exits_2_and_writes_nothing(
    kehoach, tmp_path, content, message
):
    document = tmp_path / "ke-hoach.docx"
    document.write_bytes(content)
    result = draft(kehoach, document, tmp_path / "nhap.xlsx")
    assert result.code == 2
    assert message in result.err and "Traceback" not in result.err
    assert list(tmp_path.iterdir()) == [document]


def test_a_docx_whose_parts_are_missing_is_reported_corrupt(kehoach, tmp_path):
    document = tmp_path / "ke-hoach.docx"
    with zipfile.ZipFile(document, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    result = draft(kehoach, document, tmp_path / "nhap.xlsx")
    assert result.code == 2 and "bị hỏng" in result.err
    assert not (tmp_path / "nhap.xlsx").exists()


def test_a_document_without_table_or_section_iv_is_refused(kehoach, tmp_path):
    paragraphs = seed_paragraphs()
    sections_i_to_iii = paragraphs[: paragraphs.index("IV. TỔ CHỨC THỰC HIỆN")]
    document = prose_docx(tmp_path / "thu-moi.docx", sections_i_to_iii)
    result = draft(kehoach, document, tmp_path / "nhap.xlsx")
    assert result.code == 2
    assert "không có mục “Tổ chức thực hiện”" in result.err
    assert not (tmp_path / "nhap.xlsx").exists()


def test_an_existing_review_sheet_is_not_overwritten_unless_asked(kehoach, tmp_path):
    document = prose_docx(tmp_path / "ke-hoach.docx", seed_paragraphs())
    sheet = tmp_path / "nhap.xlsx"
    sheet.write_bytes(b"ban dang sua")
    result = draft(kehoach, document, sheet)
    assert result.code == 2 and "--ghi-de" in result.err
    assert sheet.read_bytes() == b"ban dang sua"
    again = ("nhap-van-ban", str(document), "--ra", str(sheet), "--danh-ba", str(SEED_DIRECTORY))
    assert kehoach(*again, "--ghi-de").code == 0
    assert len(task_rows(sheet)) == 15


def test_a_text_with_its_table_flattened_one_cell_per_line_is_read_as_a_table(kehoach, tmp_path):
    lines = ["KẾ HOẠCH", "Tổ chức Hội nghị sơ kết", "", *HEADER]
    for row in SEED_ROWS[:2]:
        lines += [*row, ""]
    lines += [*HEADER, *SEED_ROWS[2], "", "Trên đây là Kế hoạch …"]
    document = tmp_path / "ke-hoach.txt"
    document.write_text("\n".join(lines), encoding="utf-8")
    result = draft(kehoach, document, tmp_path / "nhap.xlsx")
    assert result.code == 0, result.err
    rows = task_rows(tmp_path / "nhap.xlsx")
    assert [row[Col.NUMBER].value for row in rows] == ["1", "2", "3"]
    assert rows[2][Col.COOPERATING].value == "Sở Lao động – Thương binh và Xã hội; Công an tỉnh"
    assert rows[1][Col.DELIVERABLE].value == "Dự toán kinh phí"


def test_the_announced_event_goes_to_the_event_sheet_with_its_month_to_fix(kehoach, tmp_path):
    document = prose_docx(tmp_path / "ke-hoach.docx", seed_paragraphs())
    draft(kehoach, document, tmp_path / "nhap.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "nhap.xlsx")[SHEET_EVENTS]
    header, event = (list(row) for row in sheet.iter_rows(max_row=2))
    values = {h.value: cell for h, cell in zip(header, event, strict=True)}
    assert values["Loại sự kiện"].value == "Hội nghị"
    assert values["Tên sự kiện"].value.startswith("Hội nghị Sơ kết Phong trào thi đua")
    assert values["Ngày (dự kiến)"].value == "04/2024" and marked(values["Ngày (dự kiến)"])
    assert values["Địa điểm"].value == "Khách sạn tỉnh Ninh Thuận"
    assert values["Đã chốt ngày"].value == "Chưa"


def test_a_word_file_with_automatic_numbering_and_a_heading_table_is_read(kehoach, tmp_path):
    """Word's own numbering leaves "1." and "-" out of the text; the issuer, number, place and
    date sit in a borderless two-column table at the head of the page."""
    document = docx.Document()
    heading = document.add_table(rows=2, cols=2)
    heading.cell(0, 0).text = "ỦY BAN NHÂN DÂN TỈNH NINH THUẬN"
    heading.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    heading.cell(1, 0).text = "Số: 1234/KH-UBND"
    heading.cell(1, 1).text = "Ninh Thuận, ngày 05 tháng 3 năm 2024"
    paragraphs = seed_paragraphs()
    start = paragraphs.index("KẾ HOẠCH")
    for paragraph in paragraphs[start:]:
        document.add_paragraph(re.sub(r"^(?:\d\.|-)\s*", "", paragraph))
    document.save(str(tmp_path / "ke-hoach.docx"))
    result = draft(kehoach, tmp_path / "ke-hoach.docx", tmp_path / "nhap.xlsx")
    assert result.code == 0, result.err
    rows = task_rows(tmp_path / "nhap.xlsx")
    assert len(rows) == 15
    assert row_of(rows, "Thẩm định thành tích")[Col.LEAD].value == "Sở Nội vụ"
    assert row_of(rows, "giấy mời")[Col.LEAD].value == "Văn phòng Ủy ban nhân dân tỉnh"
    sheet = openpyxl.load_workbook(tmp_path / "nhap.xlsx")[SHEET_PLAN]
    values = {row[0].value: row[1].value for row in sheet.iter_rows()}
    assert values["Số, ký hiệu"] == "1234/KH-UBND"
    assert values["Ngày ban hành"] == "05/03/2024"
    assert values["Cơ quan ban hành"] == "Ủy ban nhân dân tỉnh Ninh Thuận"


def test_a_two_row_header_with_lead_and_cooperators_under_one_heading_is_read(kehoach, tmp_path):
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Triển khai công tác cải cách hành chính năm 2024")
    rows = [
        ("TT", "Nhiệm vụ", "Cơ quan thực hiện", "Cơ quan thực hiện", "Thời gian thực hiện"),
        ("TT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian thực hiện"),
        ("1", "Rà soát thủ tục hành chính", "Sở Tư pháp", "Các sở, ban, ngành, đoàn thể tỉnh",
         "Quý II/2024"),
        ("2", "Tổ chức tập huấn", "Sở Nội vụ", "Sở Tài chính", "Tháng 6/2024"),
    ]  # fmt: skip
    table = document.add_table(rows=len(rows), cols=5)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(0, 2).merge(table.cell(0, 3)).text = "Cơ quan thực hiện"
    for column in (0, 1, 4):
        table.cell(0, column).merge(table.cell(1, column)).text = rows[0][column]
    document.save(str(tmp_path / "ke-hoach.docx"))
    result = draft(kehoach, tmp_path / "ke-hoach.docx", tmp_path / "nhap.xlsx")
    assert result.code == 0, result.err
    first, second = task_rows(tmp_path / "nhap.xlsx")
    assert (first[Col.LEAD].value, first[Col.COOPERATING].value) == (
        "Sở Tư pháp",
        "Các sở, ban, ngành, đoàn thể tỉnh",
    )
    assert (first[Col.DEADLINE_FORM].value, first[Col.DEADLINE].value) == (
        "Chậm nhất ngày",
        "30/06/2024",
    )
    assert marked(first[Col.DEADLINE]) and "cuối quý" in first[Col.DEADLINE].comment.text
    assert (second[Col.DEADLINE_FORM].value, second[Col.DEADLINE].value) == (
        "Trong tháng",
        "06/2024",
    )


def test_the_review_sheet_offers_drop_downs_of_deadline_forms_and_agencies(kehoach, tmp_path):
    document = prose_docx(tmp_path / "ke-hoach.docx", seed_paragraphs())
    draft(kehoach, document, tmp_path / "nhap.xlsx")
    book = openpyxl.load_workbook(tmp_path / "nhap.xlsx")
    lists = book[SHEET_LISTS]
    assert lists.sheet_state == "hidden"
    # Laid out as the template's list sheet, so the import reads the directory from it.
    table = {col[0].value: [c.value for c in col[1:] if c.value] for col in lists.iter_cols()}
    assert table["Hình thức thời hạn"][:2] == ["Chậm nhất ngày", "Trước ngày"]
    assert "SLDTBXH" in table["Mã"] and "districts" in table["Mã nhóm"]
    assert "Ủy ban nhân dân các huyện, thành phố" in table["Chọn cơ quan"]
    validations = {
        str(v.sqref).split(":")[0]: v for v in book[SHEET_TASKS].data_validations.dataValidation
    }
    assert validations["E2"].showErrorMessage and "$2:$" in validations["E2"].formula1
    assert validations["C2"].formula1.startswith(f"'{SHEET_LISTS}'!$")
    assert not validations["C2"].showErrorMessage


def test_a_row_carried_over_to_the_next_page_is_joined_to_its_row(kehoach, tmp_path):
    document = tmp_path / "ke-hoach.txt"
    document.write_text(
        "\n".join(
            [
                "| STT | Nội dung công việc | Cơ quan chủ trì | Thời gian hoàn thành |",
                "| 1 | Xây dựng chương trình | Sở Nội vụ | Chậm nhất ngày 15/4/2024 |",
                "|  | Hội nghị sơ kết và gửi các đại biểu |  |  |",
                "| 2 | Phát hành giấy mời | VP UBND tỉnh | 18/4/2024 |",
            ]
        ),
        encoding="utf-8",
    )
    assert draft(kehoach, document, tmp_path / "nhap.xlsx").code == 0
    rows = task_rows(tmp_path / "nhap.xlsx")
    assert [row[Col.CONTENT].value for row in rows] == [
        "Xây dựng chương trình Hội nghị sơ kết và gửi các đại biểu",
        "Phát hành giấy mời",
    ]
    assert "Hội nghị sơ kết và gửi" in rows[0][Col.SOURCE].value


@pytest.mark.parametrize(
    "written",
    [
        "Sở Nội vụ chủ trì, phối hợp với Sở Tài chính, Sở Tư pháp",
        "Sở Nội vụ (chủ trì); Sở Tài chính, Sở Tư pháp (phối hợp)",
        "Chủ trì: Sở Nội vụ; phối hợp: Sở Tài chính, Sở Tư pháp",
    ],
)
def test_one_column_naming_lead_and_cooperators_is_split(kehoach, tmp_path, written):
    document = tmp_path / "ke-hoach.txt"
    document.write_text(
        "STT | Nội dung công việc | Cơ quan thực hiện | Thời hạn\n"
        f"1 | Rà soát văn bản quy phạm pháp luật | {written} | Trong tháng 5/2024\n",
        encoding="utf-8",
    )
    assert draft(kehoach, document, tmp_path / "nhap.xlsx").code == 0
    (row,) = task_rows(tmp_path / "nhap.xlsx")
    assert row[Col.LEAD].value == "Sở Nội vụ"
    assert row[Col.COOPERATING].value == "Sở Tài chính; Sở Tư pháp"
