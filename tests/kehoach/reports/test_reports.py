"""The Word report and its workbook as the leadership opens them, checked against the record."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from kehoach.services.context import AppContext
from models.figures import Tally, tally_of
from models.health import Health

AS_OF = "10/04/2024 17:00"
UPDATES = [  # step, status, moment (Vietnam time)
    ("IV.2.programme", "done", "02/04/2024 09:30"),  # due 03/04: on time
    ("IV.2.results_report", "done", "01/04/2024 10:00"),  # due 27/03: late
    ("IV.3.appraisal", "blocked", "05/04/2024 10:00"),  # due 08/04: blocked and overdue
    ("IV.1.delegates@SNV", "done", "09/04/2024 10:00"),  # due 22/04: on time
]


@pytest.fixture
def kehoach(seeded: AppContext, kehoach):
    """The shared CLI fixture (tests/kehoach/conftest.py), with the seed plan loaded."""
    return kehoach


@pytest.fixture
def recorded(kehoach):
    for step, status, moment in UPDATES:
        assert kehoach("update", step, "--status", status, "--at", moment).code == 0
    return kehoach


def report(kehoach, folder: Path, as_of: str = AS_OF) -> tuple[Path, Path]:
    result = kehoach("bao-cao", "--as-of", as_of, "-o", str(folder))
    assert result.code == 0, result.err
    day = as_of.split()[0].replace("/", "-")
    stem = folder / f"bao-cao-tien-do-nt-2024-so-ket-vi-nguoi-ngheo-{day}"
    return stem.with_suffix(".docx"), stem.with_suffix(".xlsx")


def sheet_figures(path: Path) -> dict[str, tuple[int, ...]]:
    sheet = load_workbook(path)["Thống kê theo cơ quan"]
    return {row[1]: tuple(row[2:7]) for row in sheet.iter_rows(min_row=2, values_only=True)}


def figures_from_status_json(kehoach, as_of: str) -> dict[str, tuple[int, ...]]:
    document = json.loads(kehoach("status", "--as-of", as_of, "--json").out)
    counts: dict[str, Counter[Tally]] = {}
    for step in document["steps"]:
        tally = tally_of(Health(step["health"]))
        counts.setdefault(step["lead"], Counter())[tally] += 1
    return {lead: (sum(c.values()), *(c[t] for t in Tally)) for lead, c in counts.items()}


def agency_names(context: AppContext, seed_path: Path) -> dict[str, str]:
    return {a.code: a.name for a in context.load_plan_file(seed_path).plan.agencies}


def test_the_workbook_figures_are_those_of_status_json_at_the_same_moment(
    recorded, seeded: AppContext, seed_path: Path, tmp_path: Path
) -> None:
    _, workbook = report(recorded, tmp_path)
    from_sheet = sheet_figures(workbook)
    expected = figures_from_status_json(recorded, AS_OF)
    names = agency_names(seeded, seed_path)
    assert from_sheet == {
        **{names[code]: counts for code, counts in expected.items()},
        "Tổng cộng": tuple(sum(column) for column in zip(*expected.values(), strict=True)),
    }
    # Sở Nội vụ: delegates done on time; draft summary overdue; appraisal blocked, overdue.
    assert from_sheet["Sở Nội vụ"] == (3, 1, 0, 0, 2) and from_sheet["Tổng cộng"][0] == 54


def test_the_rates_count_only_steps_already_due(recorded, tmp_path: Path) -> None:
    _, workbook = report(recorded, tmp_path)
    sheet = load_workbook(workbook)["Thống kê theo cơ quan"]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    # SLDTBXH on 10/04: programme on time, results late, award proposals and budget overdue.
    assert rows["Sở Lao động – Thương binh và Xã hội"][7].value == pytest.approx(1 / 4)
    assert rows["Sở Lao động – Thương binh và Xã hội"][7].number_format == "0.0%"
    assert rows["Sở Tư pháp"][7].value is None  # nothing due yet: no rate


def test_a_report_for_a_past_moment_counts_the_steps_as_they_stood_then(
    recorded, tmp_path: Path
) -> None:
    _, before = report(recorded, tmp_path, "01/04/2024 09:00")
    _, after = report(recorded, tmp_path, "03/04/2024 09:00")
    name = "Sở Lao động – Thương binh và Xã hội"
    assert sheet_figures(before)[name][1:3] == (0, 0)
    assert sheet_figures(after)[name][1:3] == (1, 1)
    assert (
        sheet_figures(before)[name]
        == figures_from_status_json(recorded, "01/04/2024 09:00")["SLDTBXH"]
    )


def paragraphs(path: Path) -> list[str]:
    document = Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [p.text for p in document.paragraphs] + cells


def test_the_document_has_the_parts_and_page_of_decree_30_2020(recorded, tmp_path: Path) -> None:
    document_path, _ = report(recorded, tmp_path)
    document = Document(str(document_path))
    section = document.sections[0]
    parts = ["page_width", "page_height", "top_margin", "bottom_margin"]
    parts += ["left_margin", "right_margin"]
    mm = {name: round(getattr(section, name).mm, 1) for name in parts}
    assert (mm["page_width"], mm["page_height"]) == (210, 297)
    assert 20 <= mm["top_margin"] <= 25 and 20 <= mm["bottom_margin"] <= 25
    assert 30 <= mm["left_margin"] <= 35 and 15 <= mm["right_margin"] <= 20
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and 13 <= normal.size.pt <= 14
    text = "\n".join(paragraphs(document_path))
    for part in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN TỈNH NINH THUẬN",
        "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI",
        "Số: …/BC-…",
        "Ninh Thuận, ngày 10 tháng 4 năm 2024",
        "BÁO CÁO",
        "Tiến độ thực hiện Kế hoạch số …/KH-UBND tháng 3 năm 2024",
        "Thời gian chốt số liệu (báo cáo tuần): từ ngày 04/04/2024 đến ngày 10/04/2024.",
        "I. KẾT QUẢ THỰC HIỆN",
        "II. TỒN TẠI, HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC",
        "III. ĐỀ XUẤT, KIẾN NGHỊ",
        "Nơi nhận:",
        "GIÁM ĐỐC",
    ):
        assert part in text, part
    assert "đang có khó khăn, vướng mắc chưa được giải quyết" in text  # the appraisal
    assert "nt-2024" not in text and "IV.2.programme" not in text


def test_each_responsibility_has_its_table_and_the_agencies_theirs(
    recorded, tmp_path: Path
) -> None:
    document_path, _ = report(recorded, tmp_path)
    tables = Document(str(document_path)).tables
    grids = [t for t in tables if t.style is not None and t.style.name == "Table Grid"]
    assert len(grids) == 5 + 1  # five responsibilities (IV.1-IV.5) and the agency figures
    figures = grids[-1]
    assert figures.rows[0].cells[7].text == "Tỷ lệ hoàn thành đúng hạn"
    rows = {row.cells[1].text: [c.text for c in row.cells] for row in figures.rows}
    assert rows["Sở Lao động – Thương binh và Xã hội"][7] == "25,0%"
    assert rows["Sở Tư pháp"][7] == "—"
    programme = next(
        [c.text for c in row.cells] for row in grids[1].rows if "chương trình" in row.cells[1].text
    )
    assert programme[3:] == ["03/04/2024", "Đã hoàn thành đúng hạn", "02/04/2024"]


def test_the_workbook_sheets_have_frozen_filtered_readable_headers(
    recorded, tmp_path: Path
) -> None:
    _, workbook_path = report(recorded, tmp_path)
    book = load_workbook(workbook_path)
    assert book.sheetnames == ["Thống kê theo cơ quan", "Các bước", "Lịch sử"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
        assert all(sheet.column_dimensions[c].width >= 8 for c in "ABCDE")
    steps = book["Các bước"]
    assert steps["E1"].value == "Hạn" and steps["E2"].number_format == "DD/MM/YYYY"
    history = [row for row in book["Lịch sử"].iter_rows(min_row=2, values_only=True)]
    # The whole record to the cut-off, in time order: the load, then the four updates.
    assert [row[3] for row in history] == ["Nạp kế hoạch"] + ["Cập nhật tiến độ"] * 4
    assert [row[5] for row in history][1:] == [
        "đã hoàn thành", "đã hoàn thành", "có vướng mắc", "đã hoàn thành"
    ]  # fmt: skip
    assert history[1][0] == dt.datetime(2024, 4, 1, 10, 0)  # Vietnam time, as written


def test_a_wrong_period_kind_or_plan_is_refused_and_nothing_written(
    recorded, tmp_path: Path
) -> None:
    result = recorded("bao-cao", "--ky", "ngay", "-o", str(tmp_path / "ra"))
    assert result.code == 2 and "Kỳ báo cáo 'ngay' không hợp lệ" in result.err
    result = recorded("bao-cao", "--plan", "khong-co", "-o", str(tmp_path / "ra"))
    assert result.code == 2 and "Traceback" not in result.err
    assert not (tmp_path / "ra").exists()


def test_thi_dua_counts_the_steps_due_in_the_period_for_each_agency(
    recorded, tmp_path: Path
) -> None:
    out = tmp_path / "thi-dua.xlsx"
    result = recorded("thi-dua", "--tu", "01/03/2024", "--den", "05/04/2024", "-o", str(out))
    assert (
        result.code == 0 and "Số liệu thi đua từ ngày 01/03/2024 đến ngày 05/04/2024" in result.out
    )
    rows = sheet_figures(out)
    # Due in the period: results report (27/03), award proposals (29/03), programme and
    # budget estimate (03/04); as of the end of 05/04.
    assert rows["Sở Lao động – Thương binh và Xã hội"] == (4, 1, 1, 0, 2)
    assert "Sở Nội vụ" not in rows  # its steps fall due after the period
    assert "25,0%" in result.out


def test_thi_dua_refuses_a_period_that_ends_before_it_starts(recorded) -> None:
    result = recorded("thi-dua", "--tu", "05/04/2024", "--den", "01/04/2024")
    assert result.code == 2 and "--den (01/04/2024) trước --tu" in result.err


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdffonts") is None,
    reason="LibreOffice (soffice) or poppler-utils (pdfinfo, pdffonts) not installed",
)
def test_the_document_renders_in_libreoffice_on_a4_pages_in_a_times_font(
    recorded, tmp_path: Path
) -> None:
    document_path, _ = report(recorded, tmp_path)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(document_path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = document_path.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))[6:])
    assert 3 <= pages <= 12 and "pts (A4)" in info.stdout
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    fonts = {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]}
    # Times New Roman, or Liberation Serif, its metric twin, where Microsoft's fonts are absent;
    # nothing else: a fallback font would mean letters the document's font could not draw.
    families = {name.split("-")[0].split(",")[0] for name in fonts}
    assert families in ({"TimesNewRoman"}, {"LiberationSerif"}, {"TimesNewRomanPSMT"}), fonts
    assert any("Bold" in name for name in fonts) and any("Italic" in name for name in fonts)
    first, second = (page_text(pdf, n).split()[0] for n in (1, 2))
    assert first != "1" and second == "2"  # the number from page 2 on, at the top


def page_text(pdf: Path, page: int) -> str:
    command = ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def test_a_report_for_a_past_moment_uses_the_deadline_in_force_then(
    recorded, tmp_path: Path
) -> None:
    assert recorded("extend", "IV.2.award_proposals", "12/04/2024").code == 0  # recorded today
    then, _ = report(recorded, tmp_path / "truoc", AS_OF)
    result = recorded("bao-cao", "-o", str(tmp_path / "nay"))
    assert result.code == 0
    (now,) = (tmp_path / "nay").glob("*.docx")

    def proposals(path: Path) -> list[str]:
        return next(
            [c.text for c in row.cells]
            for table in Document(str(path)).tables
            for row in table.rows
            if row.cells[1].text.startswith("Đề xuất các tập thể, cá nhân")
        )

    assert proposals(then)[3] == "29/03/2024"
    assert proposals(now)[3] == "29/03/2024 (gia hạn đến 12/04/2024)"


def test_pages_are_numbered_in_the_header_centred_from_the_second_page(
    recorded, tmp_path: Path
) -> None:
    document_path, _ = report(recorded, tmp_path)
    with zipfile.ZipFile(document_path) as package:
        body = package.read("word/document.xml").decode()
        headers = {n: package.read(n).decode() for n in package.namelist() if "header" in n}
    assert "<w:titlePg/>" in body or "<w:titlePg " in body  # the first page has its own
    numbered = [xml for xml in headers.values() if "PAGE" in xml]
    assert len(numbered) == 1 and 'w:fldCharType="begin"' in numbered[0]
    assert '<w:jc w:val="center"/>' in numbered[0]
    section = Document(str(document_path)).sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" not in section.first_page_header._element.xml
    assert "PAGE" in section.header._element.xml
