"""Plan documents built in the test with python-docx, from the seed and the corpus texts."""

from __future__ import annotations

from pathlib import Path

import docx

DATA = Path(__file__).resolve().parents[2] / "data"
DOCUMENTS = DATA / "documents"
TRUTH = DATA / "import_truth"
SEED_TEXT = DOCUMENTS / "ninh-thuan-2024-so-ket.txt"
# The seed plan's agencies and groups as a province directory: fixed, whatever the plan file
# later takes from config/directories/.
SEED_DIRECTORY = DATA / "directories" / "ninh-thuan-2024.yaml"

HEADER = ("STT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp",
          "Thời gian hoàn thành", "Sản phẩm")  # fmt: skip
# The seed's Section IV written as the table a plan of that kind carries, with deadlines
# ("trước ngày", "chậm nhất", "trong tháng") the seed itself leaves out, and one agency
# ("Công an tỉnh") its directory lacks.
SEED_ROWS = (
    ("1", "Xây dựng chương trình Hội nghị sơ kết", "Sở LĐTB&XH", "VP UBND tỉnh",
     "Trước ngày 05/4/2024", "Chương trình Hội nghị"),
    ("2", "Xây dựng dự toán kinh phí tổ chức Hội nghị", "Sở LĐTB&XH", "Sở Tài chính",
     "Chậm nhất ngày 03/4/2024", "Dự toán kinh phí"),
    ("3", "Xây dựng dự thảo Báo cáo sơ kết 03 năm (2021-2023)", "Sở Nội vụ",
     "Sở LĐ-TB&XH, Công an tỉnh", "Trong tháng 4/2024", "Dự thảo báo cáo"),
    ("4", "Phát hành giấy mời Hội nghị sơ kết", "Văn phòng UBND tỉnh", "Sở LĐTB&XH",
     "10/04/2024", "Giấy mời"),
)  # fmt: skip


def seed_paragraphs() -> list[str]:
    return [line for line in SEED_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]


def prose_docx(path: Path, paragraphs: list[str]) -> Path:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path


def seed_table_docx(path: Path) -> Path:
    """The seed's opening, then a table with a group row merged across, a lead merged down two
    rows, and the header repeated where a new page would start."""
    document = docx.Document()
    for paragraph in seed_paragraphs()[:8]:
        document.add_paragraph(paragraph)
    rows = [HEADER, ("I. CÔNG TÁC CHUẨN BỊ",) * 6, *SEED_ROWS[:2], HEADER, *SEED_ROWS[2:]]
    table = document.add_table(rows=len(rows), cols=len(HEADER))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(1, 5)).text = "I. CÔNG TÁC CHUẨN BỊ"
    # Rows 1 and 2 of the seed table share their lead: one cell merged down.
    table.cell(2, 2).merge(table.cell(3, 2)).text = "Sở LĐTB&XH"
    document.add_paragraph("Trên đây là Kế hoạch …")
    document.save(str(path))
    return path


def pipe_table_docx(path: Path, text: Path) -> Path:
    """A corpus text whose table is flattened " | " rows, rebuilt as a real Word table."""
    document = docx.Document()
    rows: list[list[str]] = []
    for line in text.read_text(encoding="utf-8").splitlines():
        if " | " in line:
            rows.append(line.split(" | "))
        elif line.strip() and not rows:
            document.add_paragraph(line)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    document.save(str(path))
    return path
