"""From a read document to a draft: the table if the plan has one, else Section IV's prose."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from kehoach.errors import UserError
from kehoach.importing.agency_match import AgencyMatcher, DirectoryEntry, fold_text
from kehoach.importing.assignment_table import TableReader
from kehoach.importing.document import PlanText
from kehoach.importing.draft import Cell, Draft, EventGuess, Identity
from kehoach.importing.prose import ProseReader, introduced_list, section_iv
from kehoach.paths import bundled_config_dir

DATE_LINE = re.compile(
    r"^(?P<place>[^,]{2,40}),\s*ngày\s*(?P<day>\d{0,2})\s*tháng\s*(?P<month>\d{0,2})\s*"
    r"năm\s*(?P<year>\d{4})"
)
# The issuer at the head of the page: "ỦY BAN NHÂN DÂN TỈNH NINH THUẬN".
ISSUER_HEADER = re.compile(
    r"^(?:ỦY|UỶ) BAN NHÂN DÂN (TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN) ([^a-zđ]+)$"
)
ISSUER = re.compile(r"^(?P<issuer>(?:Ủy|Uỷ) ban nhân dân [^,]*?|UBND [^,]*?) ban hành\b")


def extract(text: PlanText, matcher: AgencyMatcher) -> Draft:
    """The assignments of the plan, or a UserError saying none could be found."""
    draft = _assignments(text, matcher)
    draft.events = read_events(text.paragraphs, draft.identity, plan_year(text.paragraphs))
    return draft


def _assignments(text: PlanText, matcher: AgencyMatcher) -> Draft:
    year = plan_year(text.paragraphs)
    identity = read_identity(text.heading_lines)
    # A plan may split its assignments over several tables (one per part, or an appendix).
    found = [row for table in text.tables for row in TableReader(matcher, year).read(table)]
    if found:
        return Draft(identity, found, "bảng")
    prose = ProseReader(matcher, year)
    section = section_iv(text.paragraphs)
    if section and (found := prose.section(section)):
        return Draft(identity, found, "mục Tổ chức thực hiện")
    listed = introduced_list(text.paragraphs)
    # Only a list of dated duties (a reporting calendar), not any list "như sau:" introduces.
    found = prose.listed(*listed) if listed else []
    if found and sum(a.deadline is not None for a in found) * 2 >= len(found):
        return Draft(identity, found, "danh sách nhiệm vụ")
    raise UserError(
        f"Không tìm thấy nhiệm vụ nào trong {text.name}: văn bản không có bảng phân công nhiệm "
        "vụ (STT, Nội dung công việc, Cơ quan chủ trì …) và không có mục “Tổ chức thực hiện”. "
        "Hãy kiểm tra đúng là văn bản Kế hoạch, hoặc điền thẳng vào mẫu bảng tính."
    )


EVENT_KINDS = (
    ("hoi nghi", "Hội nghị"), ("le hoi", "Lễ hội"), ("dai hoi", "Đại hội"),
    ("ky thi", "Kỳ thi"), ("bau cu", "Bầu cử"), ("hoi thao", "Hội nghị"),
)  # fmt: skip
EVENT_WHEN = re.compile(
    r"(?P<tentative>dự kiến\s+)?(?:tổ chức|diễn ra)\s+(?:vào\s+)?"
    r"(?:ngày\s+(?P<day>\d{1,2}/\d{1,2}/\d{4})|(?:trong\s+)?tháng\s+(?P<month>\d{1,2}/\d{4}))"
    r"(?:,?\s*tại\s+(?P<venue>[^.;(]+))?",
    re.IGNORECASE,
)
MONTH_ONLY = "Văn bản chỉ nêu tháng {month}; ghi ngày dự kiến để tính các thời hạn."


def read_events(paragraphs: list[str], identity: Identity, year: int | None) -> list[EventGuess]:
    """The event the plan announces, if its text says when it takes place."""
    for paragraph in paragraphs:
        found = EVENT_WHEN.search(paragraph)
        if found:
            return [_event(found, paragraph, identity)]
    return []


def _event(found: re.Match[str], paragraph: str, identity: Identity) -> EventGuess:
    name = re.sub(r"^(?:Tổ chức|Kế hoạch tổ chức)\s+", "", identity.title)
    kind = next((noun for words, noun in EVENT_KINDS if words in fold_text(name)), "")
    parts = [int(part) for part in (found.group("day") or found.group("month")).split("/")]
    if found.group("day"):
        date = Cell("{:02d}/{:02d}/{}".format(*parts), 1.0)
    else:
        month = "{:02d}/{}".format(*parts)
        date = Cell(month, 0.0, MONTH_ONLY.format(month=month))
    venue = (found.group("venue") or "").strip(" ,")
    confirmed = not found.group("tentative")
    return EventGuess(kind, name, date, venue, confirmed, paragraph)


def plan_year(paragraphs: list[str]) -> int | None:
    """The plan's year, for dates written without one ("trước ngày 20/11", "từ 22.2")."""
    for paragraph in paragraphs[:12]:
        found = DATE_LINE.match(paragraph) or re.search(r"\b(?P<year>(?:19|20)\d{2})\b", paragraph)
        if found:
            return int(found.group("year"))
    return None


def read_identity(paragraphs: list[str]) -> Identity:
    identity = Identity()
    for index, paragraph in enumerate(paragraphs):
        _read_line(identity, paragraph, paragraphs[index + 1 : index + 2])
    if identity.issuer.endswith(" tỉnh") and identity.place:
        identity.issuer += " " + identity.place
    return identity


def _read_line(identity: Identity, paragraph: str, following: list[str]) -> None:
    folded = fold_text(paragraph)
    if (number := re.match(r"^Số\s*:\s*(.*)$", paragraph)) and not identity.number:
        identity.number = number.group(1).strip()
    elif (dated := DATE_LINE.match(paragraph)) and not identity.place:
        identity.place = dated.group("place").strip()
        identity.issued = _issued(dated)
    elif folded == "ke hoach" and following and not identity.title:
        identity.title = following[0]
    elif folded.startswith("ke hoach ") and not identity.title and len(paragraph) < 300:
        identity.title = paragraph
    elif folded.startswith(("can cu ", "tren co so ")):
        identity.legal_bases.append(paragraph.rstrip(";,. "))
    elif (header := ISSUER_HEADER.match(paragraph)) and not identity.issuer:
        identity.issuer = f"Ủy ban nhân dân {header.group(1).lower()} {header.group(2).title()}"
    elif (issuer := ISSUER.match(paragraph)) and not identity.issuer:
        identity.issuer = issuer.group("issuer").replace("Uỷ", "Ủy")


def _issued(dated: re.Match[str]) -> str:
    day, month, year = dated.group("day"), dated.group("month"), dated.group("year")
    if day and month:
        return f"{int(day):02d}/{int(month):02d}/{year}"
    return f"tháng {int(month):02d}/{year}" if month else year


def directory_entries(path: Path) -> list[DirectoryEntry]:
    """The agencies and groups of a directory file, or of a plan file together with the
    province directory it names (`plan.directory`), to match names against."""
    document = _yaml(path)
    entries = _referred(document, path) + _entries_of(document)
    by_code = {entry.code: entry for entry in entries}  # the plan's own override the directory's
    if not by_code:
        raise UserError(f"Tệp {path} không có danh sách cơ quan (agencies) để đối chiếu tên.")
    return list(by_code.values())


def _yaml(path: Path) -> dict[str, object]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        raise UserError(f"Không đọc được danh bạ cơ quan {path}.") from None
    return document if isinstance(document, dict) else {}


def _referred(document: dict[str, object], path: Path) -> list[DirectoryEntry]:
    plan = document.get("plan")
    name = plan.get("directory") if isinstance(plan, dict) else None
    if not isinstance(name, str):
        return []
    for folder in (path.parent.parent / "directories", bundled_config_dir() / "directories"):
        if (folder / f"{name}.yaml").is_file():
            return _entries_of(_yaml(folder / f"{name}.yaml"))
    raise UserError(f"Không tìm thấy danh bạ cơ quan “{name}” mà kế hoạch {path.name} dẫn chiếu.")


def _entries_of(document: dict[str, object]) -> list[DirectoryEntry]:
    items, groups = document.get("agencies"), document.get("groups")
    found = (
        [_entry(i, False) for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    )
    if isinstance(groups, list):
        found += [_entry(g, True) for g in groups if isinstance(g, dict)]
    return [entry for entry in found if entry]


def _entry(item: dict[str, object], is_group: bool) -> DirectoryEntry | None:
    code, name = item.get("code"), item.get("name")
    if not isinstance(code, str) or not isinstance(name, str):
        return None
    groups = item.get("groups")
    return DirectoryEntry(
        code,
        name,
        _text(item.get("short_name")),
        kind=_text(item.get("kind")),
        groups=tuple(str(g) for g in groups) if isinstance(groups, list) else (),
        parent=_text(item.get("parent")),
        is_group=is_group,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
