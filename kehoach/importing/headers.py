"""The header words of an assignment table, and which column each names.

Shared by the Word/text table reader and by the reading of a table flattened one cell per line.
"""

from __future__ import annotations

from enum import Enum

from kehoach.importing.agency_match import fold_text


class Role(Enum):
    NUMBER = "number"
    CONTENT = "content"
    LEAD = "lead"
    COOPERATING = "cooperating"
    DAYS = "days"
    DEADLINE = "deadline"
    DELIVERABLE = "deliverable"
    RECEIVER = "receiver"
    NOTE = "note"


# (role, folded words the header contains); the first that fits decides, so "Thời gian thực
# hiện" is a deadline and "Kết quả thực hiện" a deliverable before "thực hiện" means the lead.
HEADER_WORDS: tuple[tuple[Role, tuple[str, ...]], ...] = (
    (Role.COOPERATING, ("phoi hop",)),
    (Role.DAYS, ("so ngay",)),
    (Role.DEADLINE, ("thoi gian", "thoi han", "cham nhat", "tien do", "han hoan thanh")),
    (Role.RECEIVER, ("noi nhan", "co quan nhan", "don vi nhan", "gui ve")),
    (Role.DELIVERABLE, ("san pham", "ket qua")),
    (Role.NOTE, ("ghi chu",)),
)
# The content's header opens with these ("Nội dung thực hiện" is content, not the lead).
CONTENT_STARTS = (
    "noi dung", "nhiem vu", "cong viec", "hoat dong", "ten nhiem vu", "cac nhiem vu",
    "ten cong viec", "danh muc",
)  # fmt: skip
LEAD_WORDS = ("chu tri", "thuc hien", "trach nhiem", "dau moi", "co quan", "don vi")
NUMBER_HEADERS = {"stt", "tt", "so tt", "so thu tu"}


def role_of(header: str) -> Role | None:
    folded = fold_text(header)
    # Folding spells "TT" out as "thường trực"; as a header it is the row number.
    if " ".join(header.lower().strip(" .").split()) in NUMBER_HEADERS:
        return Role.NUMBER
    found = next((role for role, words in HEADER_WORDS if any(w in folded for w in words)), None)
    if found is not None:
        return found
    if folded.startswith(CONTENT_STARTS):
        return Role.CONTENT
    return Role.LEAD if any(word in folded for word in LEAD_WORDS) else None


def header_roles(row: tuple[str, ...]) -> dict[Role, int] | None:
    """Which column holds what, if `row` is an assignment table's header."""
    roles: dict[Role, int] = {}
    for index, cell in enumerate(row):
        role = role_of(cell)
        if role is not None and role not in roles:
            roles[role] = index
    found = set(roles)
    if Role.CONTENT in found and found & {Role.LEAD, Role.DEADLINE, Role.COOPERATING}:
        return roles
    return None
