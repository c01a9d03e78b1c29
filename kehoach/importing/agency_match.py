"""Agency names in a plan's prose matched to a directory, with a confidence.

A plan names the same agency many ways: "Sở Lao động – Thương binh và Xã hội", "Sở LĐTB&XH",
"Sở LĐ-TB&XH"; "Ủy ban nhân dân tỉnh", "UBND tỉnh"; "các huyện, thành phố" for a whole group.
Both sides are folded (no diacritics, lower case, punctuation dropped, the standard
abbreviations spelled out) and the directory's names are found in the folded text, longest
first, so commas inside a name ("Sở Văn hóa, Thể thao và Du lịch") never split it. Every
folded character remembers where it came from, so what is left over is quoted as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# The standard abbreviations of Vietnamese administrative writing, on folded text. Multi-part
# ones come first: "tt" alone is "thường trực", but "TT&TT" is "Thông tin và Truyền thông".
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"ld\s*tb\s*va\s*xh", "lao dong thuong binh va xa hoi"),
    (r"ldtb\s*va\s*xh", "lao dong thuong binh va xa hoi"),
    (r"vh\s*tt\s*va\s*dl", "van hoa the thao va du lich"),
    (r"vhtt\s*va\s*dl", "van hoa the thao va du lich"),
    (r"kh\s*va\s*dt", "ke hoach va dau tu"),
    (r"kh\s*va\s*cn", "khoa hoc va cong nghe"),
    (r"gd\s*va\s*dt", "giao duc va dao tao"),
    (r"tn\s*va\s*mt", "tai nguyen va moi truong"),
    (r"tt\s*va\s*tt", "thong tin va truyen thong"),
    (r"nn\s*va\s*ptnt", "nong nghiep va phat trien nong thon"),
    (r"pt\s*va\s*th", "phat thanh va truyen hinh"),
    (r"ptth", "phat thanh va truyen hinh"),
    (r"gtvt", "giao thong van tai"),
    (r"ubmttq\s*vn", "uy ban mat tran to quoc viet nam"),
    (r"ubmttq", "uy ban mat tran to quoc"),
    (r"mttq", "mat tran to quoc"),
    (r"vpub(?:nd)?", "van phong uy ban nhan dan"),
    (r"ubnd", "uy ban nhan dan"),
    (r"hdnd", "hoi dong nhan dan"),
    (r"ubbc", "uy ban bau cu"),
    (r"lhpn", "lien hiep phu nu"),
    (r"ccb", "cuu chien binh"),
    (r"ldld", "lien doan lao dong"),
    (r"pct", "pho chu tich"),
    (r"ct", "chu tich"),
    (r"tt", "thuong truc"),
    (r"vp", "van phong"),
    (r"tp", "thanh pho"),
    (r"vn", "viet nam"),
)
_ABBREVIATIONS = [(re.compile(rf"\b{pattern}\b"), words) for pattern, words in ABBREVIATIONS]

# Words that refer to agencies without naming one: the coordinator must say which.
VAGUE_PHRASES = (
    "cac co quan co lien quan",
    "cac co quan lien quan",
    "cac don vi co lien quan",
    "cac don vi lien quan",
    "cac so nganh lien quan",
    "cac so nganh co lien quan",
    "cac co quan don vi lien quan",
    "cac co quan don vi co lien quan",
    "cac co quan don vi dia phuong",
    "cac co quan don vi",
    "cac ban nganh va dia phuong",
    "cac ban nganh dia phuong",
    "cac dia phuong",
    "cac ban nganh",
)

# How an agency's name begins: a left-over phrase starting so is an agency the directory lacks.
AGENCY_HEADS = (
    "so", "ban", "uy ban", "phong", "hoi", "dai", "bao", "van phong", "thuong truc", "cong an",
    "bo chi huy", "lien doan", "tinh doan", "kho bac", "cuc", "chi cuc", "thanh tra", "chu tich",
    "hoi dong", "truong", "trung tam", "buu dien", "ngan hang",
)  # fmt: skip

# Words that begin like an agency's name but are not one ("Báo cáo", "Ban hành", "Hội nghị").
NOT_AGENCIES = (
    "bao cao", "ban hanh", "so luong", "hoi nghi", "truong hop", "phong trao", "dai bieu",
    "bao dam", "dai dien", "so ket", "tong ket", "ban hanh", "hoi thao", "phong chong",
)  # fmt: skip

# A variant (the name without "tỉnh" or "các") may be another level's body: checked.
FULL_NAME, SHORT_NAME, VARIANT = 1.0, 0.95, 0.75
VAGUE, UNKNOWN = 0.3, 0.2


@dataclass(frozen=True)
class DirectoryEntry:
    """One agency or group of the directory the names are matched to."""

    code: str
    name: str
    short_name: str | None = None
    # What the agencies sheet needs besides the name; a group has members, not a kind.
    kind: str | None = None
    groups: tuple[str, ...] = ()
    parent: str | None = None
    is_group: bool = False


@dataclass(frozen=True)
class Mention:
    """A span of the text naming an agency: matched (code), vague or unknown (code None)."""

    code: str | None
    text: str
    confidence: float
    reason: str = ""
    start: int = 0
    end: int = 0

    @property
    def vague(self) -> bool:
        return self.code is None and self.confidence == VAGUE

    @property
    def unknown(self) -> bool:
        return self.code is None and self.confidence == UNKNOWN


@dataclass(frozen=True)
class Folded:
    """Folded text, and for each of its characters the index of the original it came from."""

    text: str
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if start >= len(self.origin):
            return (self.origin[-1] + 1, self.origin[-1] + 1) if self.origin else (0, 0)
        return self.origin[start], self.origin[max(end - 1, start)] + 1


def fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    if char == "&":
        return " va "
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base if base.isalnum() else " "


def fold(text: str) -> Folded:
    """Diacritics, case and punctuation away, abbreviations spelled out, spaces single."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in fold_char(char):
            if piece == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(piece)
            origin.append(index)
    folded = Folded("".join(chars), tuple(origin))
    for pattern, words in _ABBREVIATIONS:
        folded = _substitute(folded, pattern, words)
    return folded


def fold_text(text: str) -> str:
    return fold(text).text.strip()


def _substitute(folded: Folded, pattern: re.Pattern[str], words: str) -> Folded:
    chars: list[str] = []
    origin: list[int] = []
    last = 0
    for found in pattern.finditer(folded.text):
        chars.append(folded.text[last : found.start()])
        origin.extend(folded.origin[last : found.start()])
        chars.append(words)
        origin.extend([folded.origin[found.start()]] * (len(words) - 1))
        origin.append(folded.origin[found.end() - 1])
        last = found.end()
    chars.append(folded.text[last:])
    origin.extend(folded.origin[last:])
    return Folded("".join(chars), tuple(origin))


@dataclass(frozen=True)
class _Alias:
    code: str | None
    pattern: re.Pattern[str]
    confidence: float
    reason: str = ""


class AgencyMatcher:
    """Finds the directory's agencies (and groups) in a piece of a plan's text."""

    def __init__(self, entries: list[DirectoryEntry]) -> None:
        self.entries = {entry.code: entry for entry in entries}
        self._aliases = [alias for entry in entries for alias in _aliases_of(entry)]
        self._aliases += [_vague(phrase) for phrase in VAGUE_PHRASES]

    def name_of(self, code: str) -> str:
        return self.entries[code].name

    def mentions(self, text: str) -> list[Mention]:
        """Every agency named in `text`, in order, longest names first where they overlap."""
        folded = fold(text)
        found = [_found(folded, text, alias, hit) for alias in self._aliases
                 for hit in alias.pattern.finditer(folded.text)]  # fmt: skip
        found.sort(key=lambda m: (m.start, -(m.end - m.start), m.code is None))
        chosen: list[Mention] = []
        for mention in found:
            if not chosen or mention.start >= chosen[-1].end:
                chosen.append(mention)
        return chosen

    def listed(self, text: str) -> list[Mention]:
        """The agencies of a list ("Sở Nội vụ, Sở Tài chính và UBND các huyện"), unknown
        names included: each left-over phrase that reads like an agency becomes an unknown."""
        known = self.mentions(text)
        unknown = [m for start, end in _gaps(text, known) for m in _unknowns(text, start, end)]
        return sorted([*known, *unknown], key=lambda m: m.start)

    def leading(self, text: str, unknown: bool = False) -> tuple[list[Mention], str]:
        """The agencies a clause opens with ("Báo Ninh Thuận, Đài PT&TH tỉnh tăng cường …"),
        and the rest of the clause after them; `unknown`: names the directory lacks too."""
        taken: list[Mention] = []
        position = 0
        for mention in self.listed(text) if unknown else self.mentions(text):
            if not _only_separators(text[position : mention.start]):
                break
            taken.append(mention)
            position = mention.end
        return taken, text[position:].lstrip(" ,;:–-")


def _aliases_of(entry: DirectoryEntry) -> list[_Alias]:
    forms = [(entry.name, FULL_NAME)]
    if entry.short_name:
        forms.append((entry.short_name, SHORT_NAME))
    for written, _ in list(forms):
        words = fold_text(written)
        for shorter in (_strip_word(words, "tinh"), _strip_word(words, "cac")):
            if shorter != words and len(shorter.split()) >= 2:
                forms.append((shorter, VARIANT))
    partial = f"Tên trong văn bản không đầy đủ; đã hiểu là “{entry.name}”, cần kiểm tra."
    return [
        _Alias(
            entry.code, _phrase_pattern(fold_text(form)), score, partial if score == VARIANT else ""
        )
        for form, score in forms
    ]


def _strip_word(words: str, word: str) -> str:
    parts = words.split()
    if parts and parts[-1] == word:
        parts = parts[:-1]
    if parts and parts[0] == word:
        parts = parts[1:]
    return " ".join(parts)


def _vague(phrase: str) -> _Alias:
    reason = "Cụm từ chung, văn bản không nêu rõ cơ quan nào; cần ghi cụ thể."
    return _Alias(None, _phrase_pattern(phrase), VAGUE, reason)


def _phrase_pattern(words: str) -> re.Pattern[str]:
    return re.compile(r"\b" + r"\s+".join(map(re.escape, words.split())) + r"\b")


def _found(folded: Folded, text: str, alias: _Alias, hit: re.Match[str]) -> Mention:
    start, end = folded.original_span(hit.start(), hit.end())
    return Mention(alias.code, text[start:end], alias.confidence, alias.reason, start, end)


def _gaps(text: str, known: list[Mention]) -> list[tuple[int, int]]:
    bounds = [0, *[p for m in known for p in (m.start, m.end)], len(text)]
    return [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]


def _unknowns(text: str, start: int, end: int) -> list[Mention]:
    """The names in a left-over piece ("Công an tỉnh và Bộ Chỉ huy Quân sự tỉnh")."""
    found: list[Mention] = []
    while (mention := _unknown(text, start, end)) is not None:
        found.append(mention)
        start = mention.end
    return found


def _unknown(text: str, start: int, end: int) -> Mention | None:
    piece = text[start:end]
    stripped = re.sub(r"^[\s,;:.–\-()]*(?:(?:và|cùng|với|qua|thông qua)\s+)?", "", piece)
    stripped = _name_only(stripped)
    if not _starts_agency(stripped):
        return None
    offset = start + piece.find(stripped)
    reason = f"“{stripped}” không có trong danh bạ cơ quan; cần chọn cơ quan đúng."
    return Mention(None, stripped, UNKNOWN, reason, offset, offset + len(stripped))


def _name_only(piece: str) -> str:
    """The name at the start of a left-over piece: up to a bracket or a colon, or a comma or
    "và" followed by another agency ("…, Đài …", "… và Sở …"; not "Thương binh và Xã hội"),
    and through a closing "tỉnh", "cùng cấp" or "các cấp" (what follows is the verb)."""
    piece = re.split(r"[():]|\s+-\s+", piece, maxsplit=1)[0]
    for found in re.finditer(r"\s*(?:[,;]|\s và)\s+", piece):
        following = re.split(r"[,;]", piece[found.end() :], maxsplit=1)[0]
        # "các sở, ban, ngành": a one-word "ban" is part of the list's words, not a new name.
        if len(following.split()) >= 2 and _starts_agency(following):
            piece = piece[: found.start()]
            break
    closing = re.search(r"^.*?\b(?:tỉnh|cùng cấp|các cấp)\b", piece)
    words = (closing.group(0) if closing else piece).split()
    return " ".join(words[:10]).strip(" .,;–-")


def _starts_agency(text: str) -> bool:
    folded = fold_text(text)
    folded = folded[4:] if folded.startswith("cac ") else folded
    if folded.startswith(NOT_AGENCIES):
        return False
    return any(folded.startswith(head + " ") for head in AGENCY_HEADS)


def _only_separators(between: str) -> bool:
    return re.fullmatch(r"[\s,;:–\-]*(?:và\s*|cùng\s*)?", between) is not None
