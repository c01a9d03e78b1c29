"""A province directory kept once: agencies, their hierarchy and validity, named groups.

A directory file (config/directories/<id>.yaml) lists a province's agencies with their
parent (province → district → commune before 01/07/2025; province → commune after it),
the administrative unit they belong to ("cùng cấp"), contact, and validity dates with a
successor, because agencies are merged and renamed. A plan names the directory
(`plan.directory`) and lists only its own agencies, or overrides of a directory entry for
the plan (e.g. a plan-specific group). `merge_agencies` works on the plan file's raw data
(before validation) so the rest of the code sees one full `Plan.agencies` list.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from models.contacts import contact_problems
from models.plan import Agency, AgencyGroup, Code, Strict, Text

Path = tuple[str | int, ...]


class DirectoryHeader(Strict):
    id: Code
    name: Text
    note: Text | None = None


class Directory(Strict):
    directory: DirectoryHeader
    groups: list[AgencyGroup] = Field(default=[])
    agencies: list[Agency] = Field(min_length=1)

    def by_code(self) -> dict[str, Agency]:
        return {agency.code: agency for agency in self.agencies}


@dataclass(frozen=True)
class DirectoryIssue:
    path: Path
    message: str


def check_directory(directory: Directory) -> list[DirectoryIssue]:
    """Every code a directory entry names exists; codes are unique; dates are in order; no
    agency outlives its parent."""
    return [
        *_duplicate_codes(directory),
        *_entry_references(directory),
        *_orphans(directory),
        *contact_issues(directory.agencies),
    ]


def contact_issues(agencies: list[Agency]) -> Iterator[DirectoryIssue]:
    """A mailbox or Zalo id that notices would be sent to must be one (notifications read it)."""
    for index, agency in enumerate(agencies):
        contact = agency.contact.model_dump() if agency.contact else None
        for name, problem in contact_problems(contact).items():
            yield DirectoryIssue(
                ("agencies", index, "contact", name),
                f"cơ quan '{agency.code}' ({agency.name}): {problem}",
            )


def _orphans(directory: Directory) -> Iterator[DirectoryIssue]:
    # One entry has one parent: a commune that changed parent on 01/07/2025 (district →
    # province) is a new entry from that day, the old one ending the day before.
    entries = directory.by_code()
    for index, agency in enumerate(directory.agencies):
        parent = entries.get(agency.parent or "")
        if parent is None or parent.valid_to is None:
            continue
        if agency.valid_to is None or agency.valid_to > parent.valid_to:
            yield DirectoryIssue(
                ("agencies", index, "parent"),
                f"cơ quan cấp trên '{parent.code}' chỉ có đến {parent.valid_to:%d/%m/%Y}: ghi "
                "ngày hiệu lực đến (valid_to) cho cơ quan này, và một mục mới với cơ quan cấp "
                "trên mới nếu nó còn hoạt động",
            )


def _duplicate_codes(directory: Directory) -> Iterator[DirectoryIssue]:
    for section, codes in (
        ("agencies", [a.code for a in directory.agencies]),
        ("groups", [g.code for g in directory.groups]),
    ):
        twice = {code for code, count in Counter(codes).items() if count > 1}
        for index, code in enumerate(codes):
            if code in twice:
                yield DirectoryIssue((section, index, "code"), f"mã '{code}' bị trùng")


def _entry_references(directory: Directory) -> Iterator[DirectoryIssue]:
    codes = {a.code for a in directory.agencies}
    groups = {g.code for g in directory.groups}
    for index, agency in enumerate(directory.agencies):
        for name in ("parent", "successor", "escalation_to"):
            code = getattr(agency, name)
            if code is not None and code not in codes:
                yield DirectoryIssue(
                    ("agencies", index, name), f"cơ quan không có trong danh bạ: '{code}'"
                )
        for g_index, group in enumerate(agency.groups):
            if group not in groups:
                yield DirectoryIssue(
                    ("agencies", index, "groups", g_index),
                    f"nhóm cơ quan không có trong danh bạ: '{group}'",
                )
        if agency.valid_from and agency.valid_to and agency.valid_to < agency.valid_from:
            yield DirectoryIssue(
                ("agencies", index, "valid_to"),
                f"hiệu lực đến {agency.valid_to:%d/%m/%Y} trước hiệu lực từ "
                f"{agency.valid_from:%d/%m/%Y}",
            )


# --- Not valid on the plan's date ------------------------------------------------------------


def absence_reason(directory: Directory, agency: Agency, day: dt.date) -> str:
    """Why an entry cannot be used on `day`, naming the successor a plan should use instead."""
    who = f"cơ quan '{agency.code}' ({agency.name})"
    if agency.valid_from is not None and day < agency.valid_from:
        return f"{who} chỉ có từ {agency.valid_from:%d/%m/%Y}, sau ngày {day:%d/%m/%Y} của kế hoạch"
    assert agency.valid_to is not None  # not valid on `day`, and not because it is too early
    ended = agency.valid_to + dt.timedelta(days=1)
    successor = _valid_successor(directory, agency, day)
    if successor is None:
        return f"{who} thôi hoạt động từ {ended:%d/%m/%Y}"
    # Merged into an agency that already existed, or replaced by a new (renamed) one.
    merged = successor.valid_from is None or successor.valid_from <= agency.valid_to
    verb = "đã hợp nhất vào" if merged else "đã được thay bằng"
    return (
        f"{who} {verb} {successor.name} từ {ended:%d/%m/%Y} (mã {successor.code}); "
        f"hãy ghi mã {successor.code}"
    )


def _valid_successor(directory: Directory, agency: Agency, day: dt.date) -> Agency | None:
    # Follows a chain of mergers (A → B → C) to the agency valid on `day`.
    entries, seen = directory.by_code(), {agency.code}
    current = entries.get(agency.successor or "")
    while current is not None and not current.valid_on(day) and current.code not in seen:
        seen.add(current.code)
        current = entries.get(current.successor or "")
    return current if current is not None and current.valid_on(day) else None


def absent_codes(directory: Directory, day: dt.date) -> dict[str, str]:
    """Each entry not valid on `day`, with the reason a plan's reference to it is refused."""
    return {
        a.code: absence_reason(directory, a, day) for a in directory.agencies if not a.valid_on(day)
    }


# --- Merging into a plan's raw data ------------------------------------------------------------


@dataclass
class Merged:
    """A plan's agencies and groups with the directory's merged in, and where each came from."""

    agencies: list[Any]
    groups: list[Any]
    # For each merged agency, the index of the plan's own entry it holds, or None.
    origins: list[int | None]
    absent: dict[str, str]
    issues: list[DirectoryIssue] = field(default_factory=list)


def _code_of(entry: Any) -> str | None:
    return entry.get("code") if isinstance(entry, dict) else None


def merge_agencies(
    directory: Directory, own: list[Any], own_groups: list[Any], day: dt.date
) -> Merged:
    """Directory entries valid on `day` in directory order (a plan entry with the same code
    overrides its fields), then the plan's own agencies; directory groups, then the plan's."""
    absent = absent_codes(directory, day)
    by_code = {code: i for i, entry in enumerate(own) if (code := _code_of(entry)) is not None}
    agencies: list[Any] = []
    origins: list[int | None] = []
    for agency in directory.agencies:
        if agency.code in absent:
            continue
        index = by_code.pop(agency.code, None)
        entry = agency.model_dump(mode="json", exclude_defaults=True)
        agencies.append({**entry, **own[index]} if index is not None else entry)
        origins.append(index)
    issues = [
        DirectoryIssue(("agencies", index, "code"), absent[code])
        for code, index in by_code.items()
        if code in absent
    ]
    rest = sorted(i for c, i in by_code.items() if c not in absent)
    rest += [i for i, entry in enumerate(own) if _code_of(entry) is None]
    agencies += [own[i] for i in rest]
    origins += rest
    return Merged(agencies, _merge_groups(directory, own_groups), origins, absent, issues)


def _merge_groups(directory: Directory, own_groups: list[Any]) -> list[Any]:
    own = {code: entry for entry in own_groups if (code := _code_of(entry)) is not None}
    merged = [
        own.pop(group.code, None) or group.model_dump(mode="json") for group in directory.groups
    ]
    return merged + [g for g in own_groups if _code_of(g) is None or _code_of(g) in own]


# --- Hierarchy ---------------------------------------------------------------------------------


def children_of(agencies: list[Agency], parents: list[str]) -> list[str]:
    """Each parent's children, parent by parent, in directory order."""
    by_parent: dict[str, list[str]] = {}
    for agency in agencies:
        if agency.parent is not None:
            by_parent.setdefault(agency.parent, []).append(agency.code)
    return [child for parent in parents for child in by_parent.get(parent, [])]
