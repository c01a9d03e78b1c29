"""A plan document (.docx or .txt) read into paragraphs and tables, in reading order.

A text file may carry a table flattened one row per line, its cells separated by " | " (as
text copied from a web page or converted from Word often is); such lines are read back as a
table. Word tables are read with their merged cells filled in: python-docx gives a cell merged
across columns or down rows the text of the merge's first cell.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph

from kehoach.errors import UserError
from kehoach.importing.headers import Role, header_roles, role_of

# An OLE compound file: a password-protected .docx, or an old binary .doc.
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURE = b"PK\x03\x04"
BLANK_CELLS = {"(blank)", "(trống)", "-", "–"}


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    # Each cell's own lines: a plan's heading is often a borderless two-column table (the
    # issuer and "Số: …" on the left, the national motto and "…, ngày … tháng … năm …" right).
    lines: tuple[str, ...] = ()

    @property
    def is_heading(self) -> bool:
        return len(self.rows) <= 4 and all(len(row) <= 3 for row in self.rows)


Block = str | Table


@dataclass(frozen=True)
class PlanText:
    """What the document says, in order: each block a paragraph or a table."""

    name: str
    blocks: tuple[Block, ...]

    @property
    def paragraphs(self) -> list[str]:
        return [block for block in self.blocks if isinstance(block, str)]

    @property
    def tables(self) -> list[Table]:
        return [block for block in self.blocks if isinstance(block, Table)]

    @property
    def heading_lines(self) -> list[str]:
        """The paragraphs with the lines of heading tables in their place, for the identity."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, str):
                lines.append(block)
            elif block.is_heading:
                lines.extend(block.lines)
        return lines


def read_document(path: Path) -> PlanText:
    """The document at `path`; a Vietnamese UserError if it cannot be read as a plan text."""
    if not path.is_file():
        raise UserError(f"Không tìm thấy tệp {path}.")
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return PlanText(path.name, tuple(text_blocks(_decoded(path))))
    if suffix == ".docx":
        return PlanText(path.name, tuple(word_blocks(_opened(path))))
    raise UserError(
        f"Tệp {path.name} không phải văn bản Word (.docx) hay văn bản thuần (.txt). "
        "Hãy mở văn bản bằng Word hoặc LibreOffice và lưu lại dưới dạng .docx."
    )


def _decoded(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(
            f"Tệp {path.name} không phải văn bản thuần mã UTF-8; hãy lưu lại với mã UTF-8 "
            "(Unicode) hoặc dưới dạng .docx."
        ) from None


def _opened(path: Path) -> WordDocument:
    head = path.read_bytes()[:8]
    if head == OLE_SIGNATURE:
        raise UserError(
            f"Tệp {path.name} được đặt mật khẩu hoặc là văn bản Word cũ (.doc), không đọc được. "
            "Hãy mở bằng Word hoặc LibreOffice, bỏ mật khẩu và lưu lại dưới dạng .docx."
        )
    if not head.startswith(ZIP_SIGNATURE):
        raise UserError(f"Tệp {path.name} không phải văn bản Word (.docx) dù mang đuôi .docx.")
    try:
        return docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError):
        raise UserError(
            f"Tệp {path.name} bị hỏng, không đọc được. Hãy mở bằng Word hoặc LibreOffice "
            "và lưu lại dưới dạng .docx."
        ) from None


def word_blocks(document: WordDocument) -> list[Block]:
    blocks: list[Block] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            _add_paragraph(blocks, Paragraph(child, document).text)
        elif child.tag == qn("w:tbl"):
            table = WordTable(child, document)
            rows = tuple(tuple(map(cell_text, row)) for row in _cells(table))
            blocks.append(Table(rows, tuple(_cell_lines(table))))
    return blocks


def _cells(table: WordTable) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _cell_lines(table: WordTable) -> list[str]:
    # A merged cell comes back once per grid column it spans: keep the element itself (an id
    # of lxml's short-lived proxies can be reused).
    seen: set[object] = set()
    lines: list[str] = []
    for row in table.rows:
        for cell in row.cells:
            if cell._tc not in seen:
                seen.add(cell._tc)
                lines += [cleaned for p in cell.paragraphs if (cleaned := " ".join(p.text.split()))]
    return lines


def text_blocks(text: str) -> list[Block]:
    lines = text.splitlines()
    blocks: list[Block] = []
    rows: list[tuple[str, ...]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.count(" | ") >= 1 and line.strip():
            rows.append(_pipe_cells(line))
            continue
        if rows:
            blocks.append(Table(tuple(rows)))
            rows = []
        flattened = cell_per_line(lines, index - 1)
        if flattened is not None:
            table, index = flattened
            blocks.append(table)
            continue
        _add_paragraph(blocks, line)
    if rows:
        blocks.append(Table(tuple(rows)))
    return blocks


def _pipe_cells(line: str) -> tuple[str, ...]:
    """One " | " row; a leading empty cell (a row carried over from the page before) stays,
    the outer pipes of a "| a | b |" row go."""
    cells = line.split("|")
    if line.strip().startswith("|") and line.strip().endswith("|"):
        cells = cells[1:-1]
    return tuple(cell_text(cell) for cell in cells)


def cell_per_line(lines: list[str], start: int) -> tuple[Table, int] | None:
    """A table flattened one cell per line (as text copied from a web page comes): a run of
    header lines from "STT", then rows of as many lines, each row opening with its number.
    Returns the table and the index of the first line after it."""
    width = _header_width(lines, start)
    if width is None:
        return None
    header = tuple(cell_text(line) for line in lines[start : start + width])
    rows, index = [header], start + width
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        cells = tuple(cell_text(line) for line in lines[index : index + width])
        if cells != header and not re.fullmatch(r"\d{1,3}[.)]?", cells[0]):
            break
        rows.append(cells)
        index += width
    return Table(tuple(rows)), index


def _header_width(lines: list[str], start: int) -> int | None:
    if role_of(lines[start]) is not Role.NUMBER:
        return None
    width = 1
    while start + width < len(lines) and role_of(lines[start + width]) not in (None, Role.NUMBER):
        width += 1
    run = tuple(lines[start : start + width])
    return width if width >= 3 and header_roles(run) is not None else None


def _add_paragraph(blocks: list[Block], text: str) -> None:
    cleaned = " ".join(text.split())
    if cleaned:
        blocks.append(cleaned)


def cell_text(text: str) -> str:
    cleaned = re.sub(r"\s+", " ", text).strip()
    return "" if cleaned.lower() in BLANK_CELLS else cleaned
