"""A plan's own assignment table (STT | Nội dung công việc | Cơ quan chủ trì | …) read row by row.

Headers vary from plan to plan ("TT", "Nội dung", "Đơn vị chủ trì", "Thời hạn", "Số ngày …
trước ngày bầu cử"), so each column's role is read from its header's words. Rows that are not
assignments are skipped: the header repeated on a new page, the "(1) (2) (3)" numbering row,
and a group heading merged across the whole width ("I. CÔNG TÁC CHUẨN BỊ"). A row with no
number that only carries on the text of the row above (a row split across two pages) is
joined to it.
"""

from __future__ import annotations

import re

from kehoach.importing.agency_match import AgencyMatcher, Mention, fold_text
from kehoach.importing.deadline_words import read_deadline
from kehoach.importing.document import Table
from kehoach.importing.draft import Assignment, DeadlineGuess
from kehoach.importing.headers import Role, header_roles
from kehoach.importing.prose import COOPERATION, NO_DEADLINE, NO_LEAD, ProseReader

# Clauses of a content cell that open with these are circumstances, not the acting agency.
SUBJECT_SKIP = ("sau khi", "can cu", "theo", "truoc khi", "trong do")


def find_header(table: Table) -> tuple[int, int, dict[Role, int]] | None:
    """The header's first and last rows, and which column holds what. A two-row header
    ("Cơ quan thực hiện" over "Chủ trì" | "Phối hợp") is read as one."""
    for index, row in enumerate(table.rows[:4]):
        roles = header_roles(row)
        if roles is None:
            continue
        below = table.rows[index + 1] if index + 1 < len(table.rows) else ()
        combined = _combined(row, below)
        deeper = header_roles(combined) if len(below) == len(row) else None
        if deeper is not None and (header_roles(below) is not None or set(deeper) > set(roles)):
            return index, index + 1, deeper
        return index, index, roles
    return None


def _combined(upper: tuple[str, ...], lower: tuple[str, ...]) -> tuple[str, ...]:
    if len(upper) != len(lower):
        return upper
    pairs = zip(upper, lower, strict=True)
    return tuple(a if a == b or not b else f"{a} {b}".strip() for a, b in pairs)


class TableReader:
    def __init__(self, matcher: AgencyMatcher, year: int | None) -> None:
        self.matcher = matcher
        self.year = year
        self.prose = ProseReader(matcher, year)

    def read(self, table: Table) -> list[Assignment]:
        located = find_header(table)
        if located is None:
            return []
        first, last, roles = located
        headers = table.rows[first : last + 1]
        header = _combined(headers[0], headers[-1])
        found: list[Assignment] = []
        group = ""
        for row in table.rows[last + 1 :]:
            kind = _row_kind(row, headers)
            if kind == "group":
                group = next(cell for cell in row if cell)
            elif kind == "row":
                self._add(found, _Row(row, roles, header), group)
        return found

    def _add(self, found: list[Assignment], row: _Row, group: str) -> None:
        if found and row.continues(found[-1]):
            found[-1].content += " " + row.get(Role.CONTENT)
            found[-1].source += " " + row.text
            return
        assignment = self.assignment(row)
        if group:
            assignment.note = "; ".join(filter(None, [group, assignment.note]))
        found.append(assignment)

    def assignment(self, row: _Row) -> Assignment:
        content = row.get(Role.CONTENT)
        lead_cell, shared = split_lead_cell(row.get(Role.LEAD))
        lead = self.matcher.listed(lead_cell) if Role.LEAD in row.roles else self.subject(content)
        cooperating = self.matcher.listed(row.get(Role.COOPERATING) or shared)
        if Role.COOPERATING not in row.roles and not shared:
            cooperating, _ = self.prose._cooperating(content)
            cooperating = cooperating if COOPERATION.search(content) else []
        cooperating = [m for m in cooperating if m.code is None or m.code not in _codes(lead)]
        deadline, note = self._deadline(row)
        return Assignment(
            number=row.get(Role.NUMBER),
            content=content,
            source=row.text,
            lead=lead,
            lead_reason="" if lead else NO_LEAD,
            cooperating=cooperating,
            deadline=deadline,
            deadline_reason="" if deadline else NO_DEADLINE,
            deliverable=row.get(Role.DELIVERABLE),
            receivers=self.matcher.listed(row.get(Role.RECEIVER)),
            note="; ".join(filter(None, [note, row.get(Role.NOTE)])),
        )

    def subject(self, content: str) -> list[Mention]:
        """With no lead column: "X chủ trì", or the agency a clause of the content opens with
        ("…, Thường trực HĐND các cấp dự kiến cơ cấu …")."""
        given = re.search(r"(?:giao\s+)?(.+?)\s+chủ trì", content)
        if given:
            named = self.matcher.leading(given.group(1).split(",")[-1], unknown=True)[0]
            if named:
                return named
        for piece in re.split(r"\s*[—:,;]\s*|\.\s+|\s+-\s+", content):
            if fold_text(piece).startswith(SUBJECT_SKIP):
                continue
            agencies, rest = self.matcher.leading(piece.lstrip("+ "), unknown=True)
            if agencies and rest and rest[:1].islower():
                return [m for m in agencies if not m.vague]
        return []

    def _deadline(self, row: _Row) -> tuple[DeadlineGuess | None, str]:
        written = row.get(Role.DEADLINE)
        deadline = read_deadline(written, self.year, bare_date=True) if written else None
        days = row.get(Role.DAYS)
        if days and deadline is None:
            deadline = read_deadline(f"{days} trước ngày", self.year)
        header = row.header(Role.DAYS)
        note = f"{header}: {days}" if days else ""
        return deadline, note


class _Row:
    def __init__(self, cells: tuple[str, ...], roles: dict[Role, int], header: tuple[str, ...]):
        self.cells, self.roles, self._header = cells, roles, header

    def get(self, role: Role) -> str:
        index = self.roles.get(role)
        return self.cells[index] if index is not None and index < len(self.cells) else ""

    def header(self, role: Role) -> str:
        index = self.roles.get(role)
        return self._header[index] if index is not None else ""

    @property
    def text(self) -> str:
        return " | ".join(cell for cell in self.cells if cell)

    def continues(self, previous: Assignment) -> bool:
        """A row split across pages: no number, and nothing of its own but more content."""
        if self.get(Role.NUMBER) or not self.get(Role.CONTENT):
            return False
        others = [r for r in (Role.LEAD, Role.DEADLINE, Role.DAYS) if r in self.roles]
        return all(not self.get(r) or self.get(r) in previous.source for r in others)


def split_lead_cell(cell: str) -> tuple[str, str]:
    """One "Cơ quan thực hiện" cell naming both: "Sở Nội vụ (chủ trì); Sở Tài chính (phối
    hợp)" or "Sở Nội vụ chủ trì, phối hợp với Sở Tài chính": the lead, and the cooperators."""
    words = r"[,;]?\s*(?:\(\s*)?phối hợp(?:\s+với)?\s*\)?\s*:?\s*"
    parts = re.split(words, cell, maxsplit=1, flags=re.IGNORECASE)
    lead = re.sub(r"\(?\s*chủ trì\s*\)?\s*[,:;]?", " ", parts[0], flags=re.IGNORECASE)
    if len(parts) == 1:
        return lead, ""
    # "A (chủ trì); B (phối hợp)": the cooperators stand before the word.
    after = parts[1].strip(" ;,")
    before_word = re.search(r"chủ trì\s*\)\s*[;,]\s*(.+)$", parts[0], re.IGNORECASE)
    return (lead.replace(before_word.group(1), "") if before_word else lead), (
        after or (before_word.group(1) if before_word else "")
    )


def _codes(mentions: list[Mention]) -> set[str]:
    return {m.code for m in mentions if m.code}


def _row_kind(row: tuple[str, ...], headers: tuple[tuple[str, ...], ...]) -> str:
    filled = [cell for cell in row if cell]
    # A header repeated at the top of a new page is no assignment.
    if not filled or row in headers:
        return "skip"
    if len(row) >= 3 and all(re.fullmatch(r"\(?\d{1,2}\)?", cell) for cell in filled):
        return "skip"
    if len(row) >= 3 and len(filled) == len(row) and len(set(filled)) == 1:
        return "group"
    return "row"
