"""One notice per recipient per sweep, in the register of a provincial office.

Sent in the name of the coordinating agency: "Kính gửi: …", the plan by its number and
date, each step by the plan's own numbering and title, what is due, by when and on what
basis, the difficulty as reported, the contact person, "Trân trọng./.". Work the
recipient does itself is listed item by item; what it follows from above (coordinator,
leadership) comes as one table per kind of problem. Pure text building: a subject, a
plain-text body, an HTML body (every value escaped) and a short text that fits one Zalo
message. Dates are dd/mm/yyyy, lateness in working days, no code names or commands.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from models.reminders import OVERSIGHT, ReminderItem, Role, Rule
from models.self_reports import HINTS
from models.timeutil import VIETNAM, local_day
from models.timeutil import ddmmyyyy as _ddmmyyyy

# A morning's digests format the same few dates and escape the same titles and names tens
# of thousands of times (issue 14: 45k items a morning at province size); both are pure.
ddmmyyyy = lru_cache(maxsize=4096)(_ddmmyyyy)
_escape = lru_cache(maxsize=65536)(html.escape)

ZALO_LIMIT = 2000
TITLE_CLIP = 160
# Listed in full; a longer digest ends with a count (a coordinator of a large plan would
# otherwise get megabytes). Every item still counts as sent with the message.
LISTED_LIMIT = 100

COUNT_LABELS = {
    Rule.BLOCKED: "việc có vướng mắc",
    Rule.OVERDUE: "việc quá hạn",
    Rule.STALLED: "việc không cập nhật",
    Rule.EVENT_UNCONFIRMED: "việc chưa chốt ngày tổ chức",
    Rule.BEFORE_DEADLINE: "việc sắp đến hạn",
    Rule.DEADLINE_MOVED: "việc đổi hạn",
    Rule.RECEIPT_UNCONFIRMED: "sản phẩm chưa xác nhận đã nhận",
    Rule.RECEIPT_REQUESTED: "sản phẩm cần xác nhận đã nhận",
    Rule.DELIVERED: "sản phẩm cần tiếp nhận",
    Rule.ANSWERED: "ý kiến của cơ quan đầu mối",
    Rule.SELF_REPORTED: "báo cáo của cơ quan qua liên kết",
}

TABLE_TITLES = {
    Rule.BLOCKED: "Các nhiệm vụ có vướng mắc",
    Rule.OVERDUE: "Các nhiệm vụ quá hạn",
    Rule.STALLED: "Các nhiệm vụ không cập nhật tiến độ",
    Rule.EVENT_UNCONFIRMED: "Ngày tổ chức chưa được chốt",
    Rule.BEFORE_DEADLINE: "Các nhiệm vụ sắp đến hạn",
    Rule.DEADLINE_MOVED: "Các nhiệm vụ đổi hạn",
    Rule.RECEIPT_UNCONFIRMED: "Các sản phẩm đã gửi, chưa được xác nhận đã nhận",
    Rule.RECEIPT_REQUESTED: "Các sản phẩm đã gửi, chờ xác nhận đã nhận",
    Rule.DELIVERED: "Các sản phẩm đã gửi",
    Rule.ANSWERED: "Ý kiến của cơ quan đầu mối",
    Rule.SELF_REPORTED: "Các cơ quan đã tự báo cáo qua liên kết",
}

ROLE_LABELS = {
    Role.LEAD: "cơ quan chủ trì",
    Role.COOPERATING: "cơ quan phối hợp",
    Role.COORDINATOR: "cơ quan đầu mối theo dõi kế hoạch",
    Role.LEADERSHIP: "lãnh đạo theo dõi, chỉ đạo",
    Role.LEAD_ESCALATION: "cơ quan cấp trên của cơ quan chủ trì",
    Role.PARENT: "cơ quan cấp trên trực tiếp của cơ quan chủ trì",
    Role.DIFFICULTY_ROUTE: "cơ quan tiếp nhận phản ánh khó khăn, vướng mắc",
    Role.DIFFICULTY_ESCALATION: "cấp xem xét, chỉ đạo giải quyết vướng mắc",
    Role.RECEIVER: "cơ quan tiếp nhận sản phẩm",
    Role.VIA: "cơ quan tiếp nhận, chuyển trình sản phẩm",
    Role.NAMED: "cơ quan được phân công theo dõi",
}


@dataclass(frozen=True)
class Digest:
    recipient: str
    recipient_name: str
    subject: str
    text: str
    html: str
    short_text: str
    sender_name: str = ""


NEWS = frozenset({Rule.DEADLINE_MOVED, Rule.ANSWERED, Rule.SELF_REPORTED})


def ordered(items: Sequence[ReminderItem]) -> list[ReminderItem]:
    return sorted(latest_per_step(items), key=ReminderItem.sort_key)


def latest_per_step(items: Sequence[ReminderItem]) -> list[ReminderItem]:
    """One entry per step: a digest held over a weekend shows Monday's state, not Friday's.

    A moved deadline and the coordinator's answer are news of their own and keep their
    entry beside the step's state; each report made through a link keeps its own.
    """
    best: dict[tuple[str, str, Rule | None, str], ReminderItem] = {}
    for item in items:
        news = item.rule if item.rule in NEWS else None
        own = item.occurrence if item.rule is Rule.SELF_REPORTED else ""
        slot = (item.plan_id, item.step_key, news, own)
        kept = best.get(slot)
        if kept is None or _freshness(item) > _freshness(kept):
            best[slot] = item
    return list(best.values())


def _freshness(item: ReminderItem) -> tuple[dt.date, int, int]:
    # The latest day wins; on the same day, the most urgent state.
    return item.local_day, -item.urgency, item.working_days_late


def compose_digest(
    recipient: str, recipient_name: str, items: Sequence[ReminderItem], now: dt.datetime
) -> Digest:
    if not items:
        raise ValueError("a digest needs at least one item")
    ranked = ordered(items)
    notice = Notice.of(ranked)
    subject = digest_subject(ranked, now)
    return Digest(
        recipient=recipient,
        recipient_name=recipient_name,
        subject=subject,
        text=plain_text(notice),
        html=html_body(notice, subject),
        short_text=short_text(notice, now),
        sender_name=notice.sender,
    )


def digest_subject(items: Sequence[ReminderItem], now: dt.datetime) -> str:
    counts = Counter(item.rule for item in items)
    parts = [f"{counts[rule]} {COUNT_LABELS[rule]}" for rule in Rule if counts[rule]]
    # A leader is reported to, not reminded.
    reports = items[0].addressee.startswith("Đồng chí") or items[0].role is Role.LEADERSHIP
    kind = "Báo cáo tình hình" if reports else "Nhắc việc"
    if all(item.rule is Rule.SELF_REPORTED for item in items):
        kind = "Thông báo"  # nothing to remind: only what agencies reported
    return f"{kind} ngày {ddmmyyyy(local_day(now))}: " + ", ".join(parts)


# --- The notice's parts ------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of a coordinator's table: a step, its deadline and state, and its leads."""

    rule: Rule
    reference: str
    deadline: dt.date | None
    state: str
    leads: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    first: ReminderItem
    own: list[ReminderItem]  # work the recipient does or decides itself, item by item
    tables: dict[Rule, list[Row]]  # what it follows from above, one table per kind
    listed: int  # how many items the body lists in full (the rest are counted)
    rest: list[ReminderItem]
    # What agencies reported through their links, oldest first: one section of its own.
    reports: list[ReminderItem] = field(default_factory=list)

    @classmethod
    def of(cls, ranked: list[ReminderItem]) -> Notice:
        shown, rest = ranked[:LISTED_LIMIT], ranked[LISTED_LIMIT:]
        reports = sorted((i for i in shown if i.rule is Rule.SELF_REPORTED), key=_reported)
        work = [i for i in shown if i.rule is not Rule.SELF_REPORTED]
        own = [i for i in work if not _oversees(i)]
        overseen = tables([i for i in work if _oversees(i)])
        return cls(ranked[0], own, overseen, len(shown), rest, reports)

    @property
    def you(self) -> str:
        return "Đồng chí" if self.first.addressee.startswith("Đồng chí") else "Quý cơ quan"

    @property
    def sender(self) -> str:
        return self.first.sender

    @property
    def to_sender(self) -> bool:
        return bool(self.first.sender) and self.first.recipient_name == self.first.sender


def _reported(item: ReminderItem) -> tuple[dt.datetime, str]:
    return item.reported_at or dt.datetime.min.replace(tzinfo=dt.UTC), item.occurrence


def _oversees(item: ReminderItem) -> bool:
    # The event date is the coordinator's own decision, not someone else's work.
    return item.role in OVERSIGHT and item.rule is not Rule.EVENT_UNCONFIRMED


def tables(items: Sequence[ReminderItem]) -> dict[Rule, list[Row]]:
    """Per kind of problem, one row per step, deadline and state, with all its leads."""
    grouped: dict[tuple[Rule, str, dt.date | None, str], list[str]] = {}
    for item in items:
        slot = (item.rule, item.reference or item.title, item.deadline, state(item))
        grouped.setdefault(slot, []).append(item.lead_name)
    found: dict[Rule, list[Row]] = {}
    for (rule, reference, deadline, text), leads in grouped.items():
        found.setdefault(rule, []).append(Row(rule, reference, deadline, text, tuple(leads)))
    return {rule: found[rule] for rule in Rule if rule in found}


def state(item: ReminderItem) -> str:
    """The item's state in a few words: what the reader must notice first."""
    if item.rule is Rule.BLOCKED:
        return f"có vướng mắc chưa được giải quyết (báo từ ngày {ddmmyyyy(item.since)})"
    if item.rule is Rule.OVERDUE:
        return f"quá hạn {item.working_days_late} ngày làm việc"
    if item.rule is Rule.STALLED and item.since is None:  # an ongoing duty never reported on
        return "chưa cập nhật tiến độ lần nào"
    if item.rule is Rule.STALLED:
        return f"không cập nhật tiến độ từ ngày {ddmmyyyy(item.since)}"
    if item.rule is Rule.EVENT_UNCONFIRMED:
        return f"chưa chốt ngày tổ chức, còn {item.working_days_left} ngày làm việc"
    if item.rule is Rule.DEADLINE_MOVED:
        return f"đổi hạn từ {ddmmyyyy(item.previous_deadline)} sang {ddmmyyyy(item.deadline)}"
    if item.rule is Rule.DELIVERED:
        return "sản phẩm đã được gửi"
    if item.rule is Rule.RECEIPT_REQUESTED:
        return f"đã gửi ngày {ddmmyyyy(item.since)}, chờ xác nhận đã nhận"
    if item.rule is Rule.RECEIPT_UNCONFIRMED:
        return (
            f"đã gửi ngày {ddmmyyyy(item.since)}, {item.working_days_late} ngày làm việc "
            "chưa được xác nhận đã nhận"
        )
    if item.rule is Rule.ANSWERED:
        return item.answer
    if item.rule is Rule.SELF_REPORTED:
        return item.report
    if item.working_days_left == 0:
        return "đến hạn hôm nay"
    return f"còn {item.working_days_left} ngày làm việc"


def headline(item: ReminderItem) -> str:
    text = state(item)
    return text[0].upper() + text[1:]


def title_of(item: ReminderItem) -> str:
    """The plan's own numbering and title; a member's share of a fanned-out step says whose."""
    reference = item.reference or item.title
    if "@" in item.step_key and item.recipient != item.lead:
        return f"{reference} (phần của {item.lead_name})"
    return reference


def deadline_fact(item: ReminderItem) -> tuple[str, str]:
    if item.deadline is None:  # an ongoing duty: no deadline was invented for it
        return "Thời hạn", "thực hiện thường xuyên, không có hạn cố định"
    day = ddmmyyyy(item.deadline)
    basis = f"; {item.deadline_basis}" if item.deadline_basis else ""
    if item.rule is Rule.EVENT_UNCONFIRMED:
        return "Ngày dự kiến tổ chức", f"{day} (còn {item.working_days_left} ngày làm việc)"
    if item.rule is Rule.DEADLINE_MOVED:
        return "Hạn mới", f"{day} (hạn trước đây {ddmmyyyy(item.previous_deadline)}{basis})"
    return "Hạn hoàn thành", f"{day}" + (f" – {item.deadline_basis}" if basis else "")


def facts(item: ReminderItem) -> list[tuple[str, str]]:
    """Labelled lines for one item, shared by the text and HTML bodies."""
    lines = [("Tình trạng", state(item)), deadline_fact(item)]
    if item.deliverable:
        lines.append(("Sản phẩm", item.deliverable))
    if item.rule is not Rule.EVENT_UNCONFIRMED and item.recipient != item.lead:
        lines.append(("Cơ quan chủ trì", item.lead_name))
    if item.rule is Rule.BLOCKED:
        lines.append(("Nội dung vướng mắc", _difficulty(item)))
    lines.append(("Vai trò của cơ quan nhận", ROLE_LABELS[item.role]))
    if item.also_told:
        lines.append(("Đồng thời thông báo", ", ".join(item.also_told)))
    return lines


def _difficulty(item: ReminderItem) -> str:
    reported = f"{item.lead_name} báo ngày {ddmmyyyy(item.since)}"
    if item.difficulty:
        return f"“{item.difficulty}” ({reported})"
    return f"{reported}, chưa ghi nội dung"


def action(item: ReminderItem, you: str) -> str:
    """What the recipient is asked to do, by its role: each role gets its own request."""
    if item.role is Role.COOPERATING and item.rule is Rule.OVERDUE:
        return (
            f"Đề nghị {you} phối hợp, gửi phần việc của {you} về {item.lead_name} để kịp "
            "tổng hợp; nếu đã gửi, đề nghị báo để cập nhật."
        )
    if item.role is Role.DIFFICULTY_ESCALATION:
        return (
            f"Vướng mắc trên đã {item.working_days_late} ngày làm việc chưa được giải quyết; "
            f"kính báo cáo {you} xem xét, chỉ đạo."
        )
    if item.rule is Rule.BLOCKED:
        upward = f" hoặc báo cáo {item.route_next} xem xét, chỉ đạo" if item.route_next else ""
        return f"Đề nghị {you} thống nhất, giải quyết vướng mắc{upward}."
    if item.rule is Rule.OVERDUE:
        return f"Đề nghị {you} khẩn trương hoàn thành; " + _if_difficult(item)
    if item.rule in (Rule.RECEIPT_REQUESTED, Rule.RECEIPT_UNCONFIRMED):
        return _receipt_action(item, you)
    return _ACTIONS[item.rule].format(you=you, lead=item.lead_name)


def _if_difficult(item: ReminderItem) -> str:
    if item.sender and item.recipient_name != item.sender:
        return f"nếu có khó khăn, vướng mắc, kịp thời phản ánh về {item.sender_label}."
    upward = item.route_next or "lãnh đạo"
    return f"nếu có khó khăn, vướng mắc, kịp thời báo cáo {upward}."


def _receipt_action(item: ReminderItem, you: str) -> str:
    """The receiver is asked to confirm; the office it goes through, to pass it on too."""
    sent = f"{item.lead_name} đã gửi sản phẩm ngày {ddmmyyyy(item.since)}"
    passes = " tiếp nhận, trình theo Kế hoạch và" if item.role is Role.VIA else ""
    ask = f"đề nghị {you}{passes} xác nhận đã nhận"
    report = f" (báo {item.sender_label})" if item.sender_label and not _is_sender(item) else ""
    if item.rule is Rule.RECEIPT_UNCONFIRMED:
        return (
            f"{sent}, đến nay chưa được xác nhận; {ask}{report}; nếu chưa nhận được, "
            "đề nghị báo lại để kiểm tra."
        )
    return f"{sent}; {ask}{report} để hoàn thành nhiệm vụ theo Kế hoạch."


def _is_sender(item: ReminderItem) -> bool:
    return bool(item.sender) and item.recipient_name == item.sender


_ACTIONS = {
    Rule.STALLED: "Đề nghị {you} cập nhật tiến độ thực hiện.",
    Rule.EVENT_UNCONFIRMED: "Đề nghị {you} chốt ngày tổ chức để phát hành giấy mời.",
    Rule.BEFORE_DEADLINE: "Đề nghị {you} hoàn thành, gửi sản phẩm đúng hạn.",
    Rule.DEADLINE_MOVED: "Đề nghị {you} điều chỉnh tiến độ theo hạn mới.",
    Rule.DELIVERED: "{lead} đã gửi sản phẩm; đề nghị {you} tiếp nhận, xử lý theo Kế hoạch.",
    Rule.ANSWERED: "Đề nghị {you} xem ý kiến trên và tiếp tục thực hiện theo Kế hoạch.",
}

_TABLE_ACTIONS = {
    Rule.OVERDUE: "Đề nghị {you} đôn đốc các cơ quan chủ trì khẩn trương hoàn thành.",
    Rule.STALLED: "Đề nghị {you} đôn đốc các cơ quan chủ trì cập nhật tiến độ.",
    Rule.RECEIPT_UNCONFIRMED: "Đề nghị {you} đôn đốc cơ quan nhận xác nhận đã nhận sản phẩm.",
    Rule.BEFORE_DEADLINE: "Để {you} theo dõi, đôn đốc.",
}


def table_action(rule: Rule, notice: Notice) -> str:
    if notice.first.role is Role.LEADERSHIP or notice.you == "Đồng chí":
        return f"Kính báo cáo để {notice.you} theo dõi, chỉ đạo."
    return _TABLE_ACTIONS.get(rule, "Để {you} theo dõi.").format(you=notice.you)


def opening(notice: Notice) -> str:
    first = notice.first
    about = first.plan_title[:1].lower() + first.plan_title[1:]
    plan = f"{first.plan_ref} về {about}" if first.plan_ref else f"Kế hoạch {about}"
    count = notice.listed + len(notice.rest)
    if notice.to_sender:
        return f"Tình hình thực hiện {plan}: {count} nội dung cần theo dõi, đôn đốc."
    sender = f"{first.sender} (cơ quan đầu mối theo dõi Kế hoạch)" if first.sender else ""
    asks = "kính báo cáo" if notice.you == "Đồng chí" else "đề nghị"
    verb = "" if notice.you == "Đồng chí" else " quan tâm thực hiện"
    order = " (nội dung khẩn nhất xếp trước)" if count > 1 else ""
    return (
        f"Thực hiện {plan}, {sender or 'cơ quan đầu mối'} {asks} {notice.you}{verb} "
        f"{count} nội dung dưới đây{order}:"
    )


def closing_lines(notice: Notice) -> list[str]:
    first = notice.first
    lines = []
    leads = any(item.role is Role.LEAD for item in notice.own)
    if leads and not notice.to_sender and first.sender_label:
        lines.append(report_line(notice.you, first.sender_label))
    if first.contact:
        lines.append(f"Đầu mối liên hệ: {first.contact}.")
    lines.append("Trân trọng./.")
    return lines


def report_line(you: str, sender_label: str) -> str:
    return (
        f"Khi hoàn thành, đề nghị {you} báo {sender_label} để cập nhật tiến độ, "
        "không nhận nhắc lại."
    )


# The same sentence in a composed body (text, or HTML with the label escaped).
_REPORT_LINE = re.compile(
    r"Khi hoàn thành, đề nghị (Quý cơ quan|Đồng chí) báo (.+?) để cập nhật tiến độ, "
    r"không nhận nhắc lại\."
)


def with_link_footer(body: str) -> str:
    """The closing request once the notice carries the agency's own link (added when it is
    sent, kehoach.services.links): report through it; the coordinator's contact stays the
    fallback. Messages are composed before anyone knows whether a link will be added."""
    contact = " theo đầu mối liên hệ dưới đây" if "Đầu mối liên hệ:" in body else ""

    def linked(match: re.Match[str]) -> str:
        you, sender = match.group(1), match.group(2)
        return (
            f"Khi hoàn thành, đề nghị {you} báo cáo trực tiếp qua địa chỉ riêng của {you} ở "
            f"cuối thư để cập nhật tiến độ, không nhận nhắc lại; nếu không mở được địa chỉ "
            f"đó, xin báo {sender}{contact}."
        )

    return _REPORT_LINE.sub(linked, body, count=1)


def signature(notice: Notice) -> str:
    return notice.sender.upper() if notice.sender else ""


def not_listed(rest: Sequence[ReminderItem]) -> str:
    counts = Counter(item.rule for item in rest)
    parts = ", ".join(f"{counts[rule]} {COUNT_LABELS[rule]}" for rule in Rule if counts[rule])
    return (
        f"… và {len(rest)} nội dung khác ({parts}); xin liên hệ cơ quan đầu mối để biết chi tiết."
    )


def leads_text(leads: Sequence[str]) -> str:
    shown = ", ".join(leads)
    return f"{shown} ({len(leads)} cơ quan)" if len(leads) > 1 else shown


# --- Plain text ----------------------------------------------------------------------------


def plain_text(notice: Notice) -> str:
    blocks = [f"Kính gửi: {notice.first.addressee or notice.first.recipient_name}", opening(notice)]
    for number, item in enumerate(notice.own, 1):
        lines = [f"{number}. {title_of(item)}"]
        lines += [f"   - {label}: {value}." for label, value in facts(item)]
        lines.append(f"   {action(item, notice.you)}")
        blocks.append("\n".join(lines))
    for numeral, (rule, rows) in enumerate(notice.tables.items(), 1):
        blocks.append(_text_table(numeral, rule, rows, notice))
    if notice.reports:
        blocks.append(_text_reports(len(notice.tables) + 1, notice))
    if notice.rest:
        blocks.append(not_listed(notice.rest))
    blocks.append("\n".join(closing_lines(notice)))
    if notice.sender:
        blocks.append(signature(notice))
    return "\n\n".join(blocks) + "\n"


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _text_table(numeral: int, rule: Rule, rows: Sequence[Row], notice: Notice) -> str:
    lines = [f"{ROMAN[numeral - 1]}. {TABLE_TITLES[rule]}:"]
    lines.append("   STT | Nhiệm vụ | Hạn | Tình trạng | Cơ quan chủ trì")
    for number, row in enumerate(rows, 1):
        first = f"   {number} | {row.reference} | {ddmmyyyy(row.deadline)} | {row.state} | "
        # Wrapped: a filed 8-bit copy must stay under 998 characters a line.
        wrapped = textwrap.wrap(leads_text(row.leads), 100) or [""]
        lines.append(first + wrapped[0])
        lines += [f"     {more}" for more in wrapped[1:]]
    lines.append(f"   {table_action(rule, notice)}")
    return "\n".join(lines)


# --- What agencies reported through their links ---------------------------------------------

REPORT_HEADERS = ("STT", "Cơ quan", "Nhiệm vụ", "Nội dung báo cáo", "Thời gian")


def reported_when(item: ReminderItem) -> str:
    """dd/mm/yyyy HH:MM in Vietnam's time."""
    return f"{item.reported_at.astimezone(VIETNAM):%d/%m/%Y %H:%M}" if item.reported_at else "—"


def report_hints(notice: Notice) -> list[str]:
    """What the coordinator may do: answer a request, return a report (each said once)."""
    asked = {item.report_hint for item in notice.reports if item.report_hint}
    return [HINTS[hint].format(you=notice.you) for hint in sorted(asked)]


def _text_reports(numeral: int, notice: Notice) -> str:
    lines = [f"{ROMAN[numeral - 1]}. {TABLE_TITLES[Rule.SELF_REPORTED]}:"]
    for number, item in enumerate(notice.reports, 1):
        lines.append(f"   {number}. {item.reporter}, {reported_when(item)}: {item.reference}")
        lines.append(f"      {item.report[:1].upper()}{item.report[1:]}.")
    lines += [f"   {hint}" for hint in report_hints(notice)]
    return "\n".join(lines)


# --- HTML ----------------------------------------------------------------------------------


def html_body(notice: Notice, subject: str) -> str:
    e = _escape
    entries = "\n".join(_html_item(item, notice.you) for item in notice.own)
    parts = [f"<ol>\n{entries}\n</ol>"] if notice.own else []
    parts += [
        _html_table(n, rule, rows, notice)
        for n, (rule, rows) in enumerate(notice.tables.items(), 1)
    ]
    if notice.reports:
        parts.append(_html_reports(len(notice.tables) + 1, notice))
    if notice.rest:
        parts.append(f"<p><strong>{e(not_listed(notice.rest))}</strong></p>")
    closing = "\n".join(f"<p>{e(line)}</p>" for line in closing_lines(notice))
    sign = f"<p><strong>{e(signature(notice))}</strong></p>\n" if notice.sender else ""
    addressee = notice.first.addressee or notice.first.recipient_name
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8">'
        f"<title>{e(subject)}</title></head>\n<body>\n"
        f"<p>Kính gửi: <strong>{e(addressee)}</strong></p>\n"
        f"<p>{e(opening(notice))}</p>\n{body}\n{closing}\n{sign}</body>\n</html>\n"
    )


def _html_item(item: ReminderItem, you: str) -> str:
    e = _escape
    # One element per line: a filed 8-bit copy must stay under 998 characters a line.
    rows = "\n".join(f"  <li>{e(label)}: {e(value)}</li>" for label, value in facts(item))
    return (
        f"<li><p><strong>{e(title_of(item))}</strong></p>\n"
        f"<ul>\n{rows}\n</ul>\n<p><em>{e(action(item, you))}</em></p></li>"
    )


def _html_leads(leads: Sequence[str]) -> str:
    # One agency a line: a filed 8-bit copy must stay under 998 characters a line.
    text = ",\n".join(_escape(lead) for lead in leads)
    return text + (f"\n({len(leads)} cơ quan)" if len(leads) > 1 else "")


def _html_table(numeral: int, rule: Rule, rows: Sequence[Row], notice: Notice) -> str:
    e = _escape
    head = "".join(
        f"<th>{h}</th>" for h in ("STT", "Nhiệm vụ", "Hạn", "Tình trạng", "Cơ quan chủ trì")
    )
    body = "\n".join(
        f"<tr><td>{n}</td><td>{e(row.reference)}</td><td>{ddmmyyyy(row.deadline)}</td>"
        f"<td>{e(row.state)}</td>\n<td>{_html_leads(row.leads)}</td></tr>"
        for n, row in enumerate(rows, 1)
    )
    return (
        f"<p><strong>{ROMAN[numeral - 1]}. {e(TABLE_TITLES[rule])}</strong></p>\n"
        f'<table border="1" cellpadding="4" cellspacing="0">\n<tr>{head}</tr>\n{body}\n'
        f"</table>\n<p><em>{e(table_action(rule, notice))}</em></p>"
    )


def _html_reports(numeral: int, notice: Notice) -> str:
    e = _escape
    head = "".join(f"<th>{h}</th>" for h in REPORT_HEADERS)
    body = "\n".join(
        f"<tr><td>{n}</td><td>{e(item.reporter)}</td><td>{e(item.reference)}</td>\n"
        f"<td>{e(item.report)}</td><td>{reported_when(item)}</td></tr>"
        for n, item in enumerate(notice.reports, 1)
    )
    hints = "".join(f"\n<p><em>{e(hint)}</em></p>" for hint in report_hints(notice))
    return (
        f"<p><strong>{ROMAN[numeral - 1]}. {e(TABLE_TITLES[Rule.SELF_REPORTED])}</strong></p>\n"
        f'<table border="1" cellpadding="4" cellspacing="0">\n<tr>{head}</tr>\n{body}\n'
        f"</table>{hints}"
    )


# --- Zalo ----------------------------------------------------------------------------------


def short_text(notice: Notice, now: dt.datetime) -> str:
    """At most ZALO_LIMIT characters: every entry that fits, then how many were left out."""
    first = notice.first
    sender = first.sender_label or "Cơ quan đầu mối"
    heading = (
        f"Kính gửi: {first.addressee or first.recipient_name}. {sender} {_short_counts(notice)} "
        f"ngày {ddmmyyyy(local_day(now))} theo {first.plan_ref or 'Kế hoạch'}:"
    )
    contact = f"Liên hệ: {first.contact}. " if first.contact else ""
    closing = f"\n{contact}Trân trọng./."
    lines = [_short_item(item) for item in notice.own]
    lines += [_short_row(row) for rows in notice.tables.values() for row in rows]
    lines += [_short_report(item) for item in notice.reports]
    text = _clip(heading, ZALO_LIMIT // 2)
    for shown, line in enumerate(lines):
        entry = f"\n{shown + 1}) {line}"
        left = len(lines) - shown - 1
        tail = (_omitted(left) if left else "") + closing
        if len(text) + len(entry) + len(tail) > ZALO_LIMIT:
            return text + _omitted(len(lines) - shown) + closing
        text += entry
    return text + closing


def _short_counts(notice: Notice) -> str:
    """ "nhắc 7 việc", "nhắc 7 việc, báo 2 báo cáo của cơ quan qua liên kết", "báo 2 …"."""
    reports = len(notice.reports)
    work = notice.listed + len(notice.rest) - reports
    parts = [f"nhắc {work} việc"] if work else []
    if reports:
        parts.append(f"báo {reports} {COUNT_LABELS[Rule.SELF_REPORTED]}")
    return ", ".join(parts)


def _short_item(item: ReminderItem) -> str:
    day = "ngày dự kiến" if item.rule is Rule.EVENT_UNCONFIRMED else "hạn"
    due = f"; {day} {ddmmyyyy(item.deadline)}" if item.deadline else ""
    line = f"{_clip(title_of(item), TITLE_CLIP)}: {state(item)}{due}."
    if item.rule is Rule.BLOCKED and item.difficulty:
        line += f" Vướng mắc: “{_clip(item.difficulty, TITLE_CLIP)}”."
    return line


def _short_row(row: Row) -> str:
    leads = _clip(leads_text(row.leads), TITLE_CLIP)
    return (
        f"{_clip(row.reference, TITLE_CLIP)}: {row.state}; hạn {ddmmyyyy(row.deadline)}: {leads}."
    )


def _short_report(item: ReminderItem) -> str:
    return (
        f"{_clip(item.reporter, TITLE_CLIP)} báo qua liên kết lúc {reported_when(item)}, "
        f"{_clip((item.reference or item.title), TITLE_CLIP)}: {_clip(item.report, TITLE_CLIP)}."
    )


def _omitted(count: int) -> str:
    return f"\n… và {count} nội dung khác; xem chi tiết trong thư điện tử."


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
