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


# (role, folded words the header contains); the first that fits decides.
HEADER_WORDS: tuple[tuple[Role, tuple[str, ...]], ...] = (
    (Role.COOPERATING, ("phoi hop",)),
    (Role.LEAD, ("chu tri", "thuc hien", "trach nhiem", "dau moi")),
    (Role.DAYS, ("so ngay",)),
    (Role.DEADLINE, ("thoi gian", "thoi han", "cham nhat", "tien do", "han hoan thanh")),
    (Role.DELIVERABLE, ("san pham", "ket qua")),
    (Role.RECEIVER, ("noi nhan", "co quan nhan", "gui ve")),
    (Role.NOTE, ("ghi chu",)),
    (Role.CONTENT, ("noi dung", "nhiem vu", "cong viec", "hoat dong")),
)
NUMBER_HEADERS = {"stt", "tt", "so tt", "so thu tu"}


def role_of(header: str) -> Role | None:
    folded = fold_text(header)
    # Folding spells "TT" out as "thường trực"; as a header it is the row number.
    if " ".join(header.lower().strip(" .").split()) in NUMBER_HEADERS:
        return Role.NUMBER
    return next((role for role, words in HEADER_WORDS if any(w in folded for w in words)), None)


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
