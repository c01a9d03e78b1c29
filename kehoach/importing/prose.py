"""Assignments read from a plan's prose: Section IV ("Tổ chức thực hiện") and its clauses.

Section IV gives each agency a numbered paragraph: "2. Sở Lao động – Thương binh và Xã hội:"
then its duties as dashes, or "5. Báo Ninh Thuận, Đài … tăng cường tuyên truyền …" in one
sentence. Each duty clause (a dash, or a part of one after ";") becomes one assignment: the
heading agency leads unless the clause gives the lead to another ("giao X chủ trì", "X chủ
trì"); "phối hợp với Y", "thống nhất với Y" name the cooperators; "gửi về Z", "báo cáo Z",
"trình Z", "(thông qua W)" the receivers; the deadline words are read by deadline_words.
A text without Section IV but with a list introduced by "… như sau:" (a reporting calendar)
is read the same way, the introducing sentence giving the lead and the receivers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kehoach.importing.agency_match import AgencyMatcher, Mention, fold_text
from kehoach.importing.deadline_words import read_deadline
from kehoach.importing.draft import Assignment

# A section heading: an upper-case Roman numeral ("IV. TỔ CHỨC THỰC HIỆN", "Phần V."), so a
# sentence opening with "Vì" never ends the section.
ROMAN_HEADING = re.compile(r"^(?:Phần\s+|PHẦN\s+)?[IVX]{1,4}\s*[.):]\s*\S")
SECTION_IV = re.compile(r"^(?:phan\s+)?(?:[ivx]{1,4}\s+)?to chuc thuc hien$")
CLOSING = re.compile(r"^(?:tren day la|noi nhan)")
NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\s*[.)]\s*(.*)$")
LETTERED = re.compile(r"^([a-zđ])\)\s*(.*)$")
BULLET = re.compile(r"^[-–•+*]\s*(.*)$")
INTRO = re.compile(r"(như sau|cụ thể như sau|sau đây)\s*:\s*$", re.IGNORECASE)
COOPERATION = re.compile(
    r"(?:phối hợp|thống nhất(?: ý kiến)?)\s+(?:chặt chẽ\s+)?(?:với|cùng)\s+", re.IGNORECASE
)
RECEIVING = re.compile(r"(?:gửi|báo cáo|trình|về|đến)\s+", re.IGNORECASE)
VIA = re.compile(r"\((?:thông\s+)?qua\s+([^)]*)\)", re.IGNORECASE)
NO_LEAD = "Văn bản không nêu cơ quan chủ trì; cần ghi."
NO_DEADLINE = "Văn bản không nêu thời hạn; cơ quan điều phối cần đặt hạn."


def section_iv(paragraphs: list[str]) -> list[str] | None:
    """The paragraphs of Section IV, or None when the text has no such section."""
    start = next((i for i, p in enumerate(paragraphs) if _is_section_iv(p)), None)
    if start is None:
        return None
    inside: list[str] = []
    for paragraph in paragraphs[start + 1 :]:
        if ROMAN_HEADING.match(paragraph) or CLOSING.match(fold_text(paragraph)):
            break
        inside.append(paragraph)
    return inside


def _is_section_iv(paragraph: str) -> bool:
    heading = ROMAN_HEADING.match(paragraph) or len(paragraph.split()) <= 6
    return bool(heading) and SECTION_IV.match(fold_text(paragraph).rstrip(" :")) is not None


def introduced_list(paragraphs: list[str]) -> tuple[str, list[str]] | None:
    """A sentence ending "… như sau:" and the bullets after it, when the text has one."""
    for index, paragraph in enumerate(paragraphs):
        if INTRO.search(paragraph):
            items = [m.group(1) for p in paragraphs[index + 1 :] if (m := BULLET.match(p))]
            if items:
                return paragraph, items
    return None


@dataclass
class _Section:
    """Where the reading of Section IV is: the current item, its agencies, what was found."""

    found: list[Assignment] = field(default_factory=list)
    heading: list[Mention] = field(default_factory=list)
    item: str = ""
    bullet: int = 0
    listing: bool = False
    marked: bool = False
    auto: int = 0


class ProseReader:
    def __init__(self, matcher: AgencyMatcher, year: int | None) -> None:
        self.matcher = matcher
        self.year = year

    def section(self, paragraphs: list[str]) -> list[Assignment]:
        state = _Section()
        for paragraph in paragraphs:
            numbered = NUMBERED.match(paragraph) or _lettered_heading(paragraph, self.matcher)
            dashed = BULLET.match(paragraph) or LETTERED.match(paragraph)
            if numbered:
                self._item(
                    state, _item_number(state, numbered.group(1)), numbered.group(2), paragraph
                )
            elif dashed and state.item:
                state.marked = True
                self._duty(state, dashed.groups()[-1], paragraph)
            else:
                self._unmarked(state, paragraph)
        return state.found

    def _item(self, state: _Section, number: str, text: str, paragraph: str) -> None:
        state.item, state.bullet, state.marked = number, 0, False
        state.heading, duty = self._heading(text)
        state.listing = not duty
        if duty:
            state.found += self.clauses(duty, state.heading, number, paragraph)

    def _duty(self, state: _Section, text: str, paragraph: str) -> None:
        state.bullet += 1
        number = f"{state.item}.{state.bullet}"
        state.found += self.clauses(text, state.heading, number, paragraph)

    def _unmarked(self, state: _Section, paragraph: str) -> None:
        """A paragraph without its number or dash, as Word's automatic numbering leaves the
        text: an agency opening it starts an item; else, under "Agency:" whose duties carry
        no dashes, it is a duty (where they do, it is a remark between them)."""
        agencies, _ = self._heading(paragraph)
        # Another agency than the item's opening the paragraph starts the next item.
        other = [m.text for m in agencies] != [m.text for m in state.heading]
        if agencies and (":" in paragraph or not state.listing or other):
            self._item(state, str(state.auto + 1), paragraph, paragraph)
            state.auto += 1
        elif state.listing and state.item and not state.marked:
            self._duty(state, paragraph, paragraph)

    def listed(self, intro: str, items: list[str]) -> list[Assignment]:
        # "… cho các cơ quan, đơn vị, địa phương … báo cáo gửi UBND tỉnh (thông qua Sở Nội vụ)":
        # who reports is named before "gửi", to whom after it.
        lead = self.matcher.listed(intro.split(" gửi ")[0])
        receivers, via = self._receivers(intro)
        found: list[Assignment] = []
        for number, item in enumerate(items, start=1):
            assignment = self.clause(item, lead, str(number), item)
            assignment.receivers = assignment.receivers or receivers
            assignment.via = assignment.via or via
            found.append(assignment)
        return found

    def _heading(self, text: str) -> tuple[list[Mention], str]:
        """The agencies a numbered paragraph is addressed to, and its duty text if any."""
        text = re.sub(r"^(?:Đề nghị|Yêu cầu)\s+", "", text)
        before, colon, after = text.partition(":")
        agencies, rest = self.matcher.leading(before, unknown=True)
        if colon and agencies and not rest.strip():
            return agencies, after.strip()
        agencies, rest = self.matcher.leading(text, unknown=True)
        return agencies, (rest if agencies else text)

    def clauses(
        self, text: str, heading: list[Mention], number: str, source: str
    ) -> list[Assignment]:
        parts = [part.strip() for part in re.split(r";\s+", text.strip().rstrip(";.")) if part]
        if len(parts) == 1:
            return [self.clause(parts[0], heading, number, source)]
        return [
            self.clause(part, heading, f"{number}.{index}", source)
            for index, part in enumerate(parts, start=1)
        ]

    def clause(self, text: str, heading: list[Mention], number: str, source: str) -> Assignment:
        lead, text = self._lead(text, heading)
        cooperating, content = self._cooperating(text)
        receivers, via = self._receivers(text)
        deadline = read_deadline(text, self.year)
        return Assignment(
            number=number,
            content=_sentence(_without_deadline(content) if deadline else content),
            source=source,
            lead=lead,
            lead_reason="" if lead else NO_LEAD,
            cooperating=cooperating,
            deadline=deadline,
            deadline_reason="" if deadline else NO_DEADLINE,
            receivers=receivers,
            via=via,
        )

    def _lead(self, text: str, heading: list[Mention]) -> tuple[list[Mention], str]:
        given = re.search(r"\bgiao\s+(.+?)\s+chủ trì", text, re.IGNORECASE)
        if given:
            return self.matcher.listed(given.group(1)), text
        opening, rest = self.matcher.leading(text, unknown=True)
        if opening and re.match(r"chủ trì\b", rest, re.IGNORECASE):
            return opening, _after_lead_word(rest)
        if re.match(r"chủ trì\b", text, re.IGNORECASE):
            return heading, _after_lead_word(text)
        if opening and not heading:
            return opening, rest
        return heading, text

    def _cooperating(self, text: str) -> tuple[list[Mention], str]:
        found = COOPERATION.search(text)
        if not found:
            return [], text
        agencies, rest = self.matcher.leading(text[found.end() :], unknown=True)
        if found.start() == 0:
            return agencies, rest
        return agencies, text

    def _receivers(self, text: str) -> tuple[list[Mention], list[Mention]]:
        receivers: list[Mention] = []
        for found in RECEIVING.finditer(text):
            agencies, _ = self.matcher.leading(text[found.end() :], unknown=True)
            receivers += [m for m in agencies if not m.vague]
        via = [m for found in VIA.finditer(text) for m in self.matcher.listed(found.group(1))]
        return _unique(receivers), via


def _item_number(state: _Section, written: str) -> str:
    """The number as the sheet wants it (1, 1.1, 1.2): "b)" under item 1 is 1.2."""
    if written.isalpha():
        letter = ord(written) - ord("a") + 1
        return f"{state.item.split('.')[0]}.{letter}" if state.item else str(letter)
    state.auto = int(written.split(".")[0])
    return written


def _lettered_heading(paragraph: str, matcher: AgencyMatcher) -> re.Match[str] | None:
    """ "a) Sở Nội vụ: …" heads a paragraph of its own; "a) Xây dựng …" is a duty of the
    paragraph above, like a dash."""
    lettered = LETTERED.match(paragraph)
    if lettered and matcher.leading(lettered.group(2))[0]:
        return lettered
    return None


def _after_lead_word(text: str) -> str:
    return re.sub(r"^chủ trì\s*(?:,|và)?\s*", "", text, flags=re.IGNORECASE)


# The deadline's words at the end of a duty: they have a column of their own.
DEADLINE_TAIL = re.compile(
    r"[,;]?\s*(?:(?:và\s+)?(?:hoàn thành|gửi|là|thời gian hoàn thành:?|thời hạn:?)\s+)?"
    r"(?:chậm nhất|trước ngày|trong tháng)\b[^;]*$",
    re.IGNORECASE,
)


def _without_deadline(content: str) -> str:
    stripped = DEADLINE_TAIL.sub("", content).strip()
    return stripped if len(stripped.split()) >= 2 else content


def _sentence(text: str) -> str:
    text = text.strip(" ,;:.")
    return text[:1].upper() + text[1:]


def _unique(mentions: list[Mention]) -> list[Mention]:
    seen: set[str] = set()
    kept: list[Mention] = []
    for mention in mentions:
        key = mention.code or mention.text
        if key not in seen:
            seen.add(key)
            kept.append(mention)
    return kept
