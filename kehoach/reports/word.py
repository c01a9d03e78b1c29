"""The progress report as a Word document in the form of Nghị định 30/2020/NĐ-CP, Phụ lục I.

Phụ lục I, Phần I: A4 (210 × 297 mm); margins top and bottom 20-25 mm, left 30-35 mm, right
15-20 mm; Times New Roman (Unicode, TCVN 6909:2001), black. Quốc hiệu in capitals, 12-13 pt,
upright, bold; Tiêu ngữ 13-14 pt bold, centred under it, with a full rule as long as the line
below; the issuing agency in capitals 12-13 pt bold under its parent (capitals, not bold), with
a short rule; "Số:" 13 pt; place and date 13-14 pt italic; the document type in capitals
13-14 pt bold and its summary (trích yếu) 13-14 pt bold; the body 13-14 pt, first lines
indented 1-1,27 cm, at least 6 pt between paragraphs; "Nơi nhận:" 12 pt bold italic and its
list 11 pt; the signer's title in capitals 13-14 pt bold. Tables use 12 pt to fit A4.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.run import CT_R
from docx.section import Section
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from kehoach.reports import texts
from kehoach.reports.record import ReportData
from models.figures import total

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
CENTER = WD_ALIGN_PARAGRAPH.CENTER
# The text is 16,5 cm wide: 210 mm less the 30 mm and 15 mm margins. The heading's columns
# are in proportion (LibreOffice fits them to the text width): the country's name on one line.
STEP_WIDTHS = [Cm(1.0), Cm(4.8), Cm(3.1), Cm(2.5), Cm(2.6), Cm(2.5)]
FIGURE_WIDTHS = [Cm(0.9), Cm(4.6), *[Cm(1.8)] * 6]


def write_report(data: ReportData, path: Path) -> Path:
    document = Document()
    _page_setup(document)
    _header(document, data)
    _title(document, data)
    _body(document, data)
    _signature(document, data)
    document.save(str(path))
    return path


def _page_setup(document: DocumentObject) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _default_font(document)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(BODY_PT)
    style.paragraph_format.space_after = Pt(6)
    style.paragraph_format.line_spacing = 1.0
    _page_numbers(section)


def _page_numbers(section: Section) -> None:
    """Phụ lục I, Phần I, mục 11: the page number in Arabic figures, 13-14 pt, centred in the
    top margin, from the second page on: a PAGE field in the header, none on the first page
    (its own header, left empty)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    _field_char(paragraph, "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = " PAGE "
    _field_run(paragraph).append(code)
    _field_char(paragraph, "separate")
    _style(paragraph.add_run("2"), BODY_PT)  # shown until the reader updates the field
    _field_char(paragraph, "end")


def _field_run(paragraph: Paragraph) -> CT_R:
    run = paragraph.add_run()
    _style(run, BODY_PT)
    return run._r


def _field_char(paragraph: Paragraph, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    _field_run(paragraph).append(char)


def _default_font(document: DocumentObject) -> None:
    """Times New Roman in every font slot of the defaults, theme fonts removed: LibreOffice
    sets some punctuation (…, “ ”) in the East Asian slot, which the template gives a theme."""
    fonts = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    slots = fonts.find(qn("w:rPr")).find(qn("w:rFonts"))
    for theme in ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme"):
        slots.attrib.pop(qn(f"w:{theme}"), None)
    for slot in ("ascii", "eastAsia", "hAnsi", "cs"):
        slots.set(qn(f"w:{slot}"), FONT)


def _header(document: DocumentObject, data: ReportData) -> None:
    table = _borderless(document, 2, [Cm(8.2), Cm(9.4)])
    left, right = table.rows[0].cells
    _line(left, data.plan.plan.issuer.upper(), 12)
    _line(left, data.agency_name(data.plan.plan.coordinator).upper(), 12, bold=True)
    _rule(_line(left, "", 4), Cm(2))
    _line(left, "", 6)
    _line(left, texts.NUMBER_LINE, 13)
    _line(right, texts.NATIONAL_NAME, 12, bold=True)
    _line(right, texts.MOTTO, 13, bold=True)
    _rule(_line(right, "", 4), Cm(2.1))
    _line(right, "", 6)
    _line(right, texts.place_and_date(data.plan.plan.place, data.as_of), 14, italic=True)


def _title(document: DocumentObject, data: ReportData) -> None:
    _centered(document, "BÁO CÁO", bold=True, before=18)
    _centered(document, texts.summary_line(data.plan), bold=True)
    _rule(_centered(document, "", bold=False), Cm(6.5))


def _body(document: DocumentObject, data: ReportData) -> None:
    _text(document, texts.opening(data))
    _text(document, texts.period_line(data.period))
    _heading(document, "I. KẾT QUẢ THỰC HIỆN")
    _text(document, texts.overall(total(data.figures())))
    for number, (responsibility, lines) in enumerate(texts.by_responsibility(data), start=1):
        _heading(document, f"{number}. {texts.responsibility_heading(data, responsibility)}")
        _table(
            document,
            texts.STEP_HEADERS,
            [texts.step_row(data, i, s) for i, s in lines],
            STEP_WIDTHS,
        )
    _heading(document, f"{len(data.plan.responsibilities) + 1}. Kết quả theo cơ quan")
    _table(document, texts.FIGURE_HEADERS, _figure_rows(data), FIGURE_WIDTHS)
    _heading(document, "II. TỒN TẠI, HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC")
    for sentence in texts.shortcomings(data):
        _text(document, sentence)
    _heading(document, "III. ĐỀ XUẤT, KIẾN NGHỊ")
    for sentence in texts.proposals(data):
        _text(document, sentence)
    _text(document, texts.closing(data))


def _figure_rows(data: ReportData) -> list[list[str]]:
    figures = data.figures()
    rows = [
        texts.figure_row(str(i), data.agency_name(f.agency), f) for i, f in enumerate(figures, 1)
    ]
    return [*rows, texts.figure_row("", "Tổng cộng", total(figures))]


def _signature(document: DocumentObject, data: ReportData) -> None:
    table = _borderless(document, 2, [Cm(8), Cm(8.5)])
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run("Nơi nhận:").bold = True
    _style(left.paragraphs[0].runs[0], 12, italic=True, bold=True)
    for receiver in texts.receivers(data):
        _line(left, receiver, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for words, bold in texts.signer_lines(data):
        _line(right, words, 14, bold=bold)


def _borderless(document: DocumentObject, columns: int, widths: list[Cm]) -> Table:
    document.add_paragraph().paragraph_format.space_after = Pt(0)
    table = document.add_table(rows=1, cols=columns)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths)
    for cell in table.rows[0].cells:
        cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    return table


def _widths(table: Table, widths: list[Cm]) -> None:
    # Word reads the cells' widths, LibreOffice the grid's: set both.
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _line(
    cell: _Cell,
    words: str,
    size: int,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = CENTER,
) -> Paragraph:
    first = cell.paragraphs[0]
    paragraph = first if not first.runs else cell.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    _style(paragraph.add_run(words), size, bold=bold, italic=italic)
    return paragraph


def _style(run: object, size: int, bold: bool = False, italic: bool = False) -> None:
    font = run.font  # type: ignore[attr-defined]
    font.name, font.size, font.bold, font.italic = FONT, Pt(size), bold, italic


def _rule(paragraph: Paragraph, indent: Cm) -> None:
    """A solid line under the paragraph; the indents set its length, as the decree wants."""
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _centered(document: DocumentObject, words: str, bold: bool, before: int = 0) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = CENTER
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(0)
    _style(paragraph.add_run(words), BODY_PT, bold=bold)
    return paragraph


def _text(document: DocumentObject, words: str) -> None:
    paragraph = document.add_paragraph(words)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Cm(1.27)


def _heading(document: DocumentObject, words: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Cm(1.27)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run(words).bold = True


def _table(
    document: DocumentObject, headers: list[str], rows: list[list[str]], widths: list[Cm]
) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, words in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, words, bold=True)
    for row in rows:
        for cell, words in zip(table.add_row().cells, row, strict=True):
            _cell(cell, words)
    _widths(table, widths)
    document.add_paragraph().paragraph_format.space_after = Pt(0)


def _cell(cell: _Cell, words: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.alignment = CENTER if bold or len(words) <= 12 else WD_ALIGN_PARAGRAPH.LEFT
    _style(paragraph.add_run(words), TABLE_PT, bold=bold)
