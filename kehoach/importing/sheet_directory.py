"""The agencies and groups a workbook may name: those of the directory or plan the template
was written from (hidden sheet "Danh mục") and the plan's own (sheet "Cơ quan").

Names are matched as people write them: by code, full name or short name, any case, accents
optional; an unknown name gets the closest known one as a suggestion.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from kehoach.importing import sheet_values as cell
from kehoach.importing.layout import AGENCY_COLUMNS
from kehoach.importing.sheet_read import Problem, Row, Sheet
from models.agency_kinds import KIND_LABELS
from models.plan import AgencyKind, Plan
from models.wording import fold

CODE, NAME, SHORT, KIND, GROUPS, PARENT = AGENCY_COLUMNS
GROUP_CODE, GROUP_NAME = "Mã nhóm", "Tên nhóm"
KINDS = {fold(label): kind for kind, label in KIND_LABELS.items()} | {
    fold(kind.value): kind for kind in AgencyKind
}


def code_for(name: str) -> str:
    """A code from a name, for rows that leave the code empty: 'Sở Tài chính' → SO_TAI_CHINH."""
    words = re.sub(r"[^a-z0-9]+", " ", fold(name)).split()
    code = "_".join(words).upper()[:40] or "CQ"
    return code if code[0].isalpha() else f"CQ_{code}"


@dataclass
class Directory:
    agencies: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → plan-file entry
    groups: dict[str, str] = field(default_factory=dict)  # code → name
    own: list[str] = field(default_factory=list)  # codes from the plan's own sheet
    _names: dict[str, tuple[str, str]] = field(default_factory=dict)  # folded → (kind, code)

    def add_group(self, code: str, name: str) -> None:
        self.groups.setdefault(code, name)
        for written in (code, name):
            self._names.setdefault(fold(written), ("group", code))

    def add_agency(self, entry: dict[str, Any]) -> None:
        self.agencies[entry["code"]] = entry
        for written in (entry["code"], entry["name"], entry.get("short_name") or ""):
            if written:
                self._names[fold(written)] = ("agency", entry["code"])

    def find(self, text: str) -> tuple[str, str] | None:
        """("agency" | "group", code) of a name, code or short name."""
        return self._names.get(fold(text))

    def suggestion(self, text: str) -> str:
        close = difflib.get_close_matches(fold(text), list(self._names), n=1, cutoff=0.75)
        if not close:
            return ""
        kind, code = self._names[close[0]]
        label = self.agencies[code]["name"] if kind == "agency" else self.groups[code]
        return f"; có phải '{label}'?"


def from_plan(plan: Plan) -> Directory:
    """The directory of an existing plan file (a template written with --ke-hoach)."""
    directory = Directory()
    for group in plan.groups:
        directory.add_group(group.code, group.name)
    for agency in plan.agencies:
        directory.add_agency(agency.model_dump(mode="json", exclude_defaults=True))
    return directory


def read_groups(directory: Directory, sheet: Sheet) -> None:
    for row in sheet.rows:
        code, name = cell.text(row.get(GROUP_CODE)), cell.text(row.get(GROUP_NAME))
        if code and name:
            directory.add_group(code, name)


def read_agencies(directory: Directory, sheet: Sheet, own: bool) -> list[Problem]:
    """Adds the agency rows of `sheet`; returns the problems of the rows it could not read."""
    problems: list[Problem] = []
    for row in sheet.rows:
        if not any(cell.text(row.get(column)) for column in AGENCY_COLUMNS):
            continue  # the lists of the hidden sheet run longer than its agency table
        entry = _agency(directory, sheet.name, row, problems)
        if entry and own:
            directory.add_agency(entry)
            directory.own.append(entry["code"])
        elif entry and entry["code"] not in directory.agencies:
            # The list sheet's copy is only a name and a kind: a plan's own record wins.
            directory.add_agency(entry)
    return problems


def _agency(
    directory: Directory, sheet: str, row: Row, problems: list[Problem]
) -> dict[str, Any] | None:
    name = cell.text(row.get(NAME))
    if not name:
        problems.append(Problem(sheet, row.number, NAME, "chưa ghi tên cơ quan"))
        return None
    entry: dict[str, Any] = {"code": cell.text(row.get(CODE)) or code_for(name), "name": name}
    if cell.text(row.get(SHORT)):
        entry["short_name"] = cell.text(row.get(SHORT))
    entry["kind"] = _kind(sheet, row, problems)
    groups = [_group(directory, written) for written in cell.names(row.get(GROUPS))]
    if groups:
        entry["groups"] = groups
    if cell.text(row.get(PARENT)):
        entry["parent"] = cell.text(row.get(PARENT))  # resolved once every agency is read
    return entry


def _kind(sheet: str, row: Row, problems: list[Problem]) -> str:
    written = cell.text(row.get(KIND))
    kind = KINDS.get(fold(written)) if written else AgencyKind.OTHER
    if kind is None:
        labels = "; ".join(KIND_LABELS.values())
        problems.append(
            Problem(sheet, row.number, KIND, f"không có loại cơ quan '{written}'; chọn: {labels}")
        )
        return AgencyKind.OTHER.value
    return kind.value


def _group(directory: Directory, written: str) -> str:
    # A group named for the first time on the plan's own sheet is created with that name.
    found = directory.find(written)
    if found and found[0] == "group":
        return found[1]
    code = code_for(written).lower()
    directory.add_group(code, written)
    return code


def resolve_parents(directory: Directory, sheet: str, rows: dict[str, int]) -> list[Problem]:
    """Parents written by name become codes (design v2: Agency.parent, DIR)."""
    problems = []
    for code, entry in directory.agencies.items():
        if "parent" not in entry:
            continue
        found = directory.find(entry["parent"])
        if found and found[0] == "agency":
            entry["parent"] = found[1]
        elif code in rows:
            message = f"không có cơ quan '{entry['parent']}'" + directory.suggestion(
                entry["parent"]
            )
            problems.append(Problem(sheet, rows[code], PARENT, message))
    return problems
