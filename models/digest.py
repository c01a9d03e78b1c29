"""One message per recipient per sweep: every item they must act on, most urgent first.

Pure text building: a subject, a plain-text body, an HTML body (every value escaped)
and a short text that fits one Zalo message. Dates are dd/mm/yyyy, lateness is
counted in working days, and every word a person reads is Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from models.reminders import ReminderItem, Role, Rule
from models.timeutil import ddmmyyyy, local_day

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
}

ROLE_LABELS = {
    Role.LEAD: "cơ quan chủ trì",
    Role.COOPERATING: "cơ quan phối hợp",
    Role.COORDINATOR: "cơ quan đầu mối theo dõi kế hoạch",
    Role.LEADERSHIP: "lãnh đạo theo dõi, chỉ đạo",
    Role.LEAD_ESCALATION: "cơ quan cấp trên của cơ quan chủ trì",
    Role.DIFFICULTY_ROUTE: "cơ quan tiếp nhận phản ánh khó khăn, vướng mắc",
    Role.NAMED: "cơ quan được phân công theo dõi",
}

ACTIONS = {
    Rule.BLOCKED: "Đề nghị thống nhất, giải quyết vướng mắc hoặc báo cáo lãnh đạo xem xét, "
    "chỉ đạo.",
    Rule.OVERDUE: "Đề nghị khẩn trương hoàn thành; nếu có khó khăn, vướng mắc, kịp thời phản ánh "
    "về cơ quan đầu mối.",
    Rule.STALLED: "Đề nghị cập nhật tiến độ thực hiện.",
    Rule.EVENT_UNCONFIRMED: "Đề nghị chốt ngày tổ chức để phát hành giấy mời "
    "(lệnh: kehoach event confirm).",
    Rule.BEFORE_DEADLINE: "Đề nghị hoàn thành và cập nhật tiến độ đúng hạn.",
    Rule.DEADLINE_MOVED: "Đề nghị điều chỉnh tiến độ theo hạn mới.",
}

CLOSING = (
    "Thư này do hệ thống theo dõi kế hoạch kehoach gửi tự động: mỗi lần rà soát, "
    "mỗi cơ quan nhận một thư tổng hợp. Khi đã hoàn thành, đề nghị báo cơ quan đầu mối "
    "cập nhật tiến độ để không nhận nhắc lại."
)


@dataclass(frozen=True)
class Digest:
    recipient: str
    recipient_name: str
    subject: str
    text: str
    html: str
    short_text: str


def ordered(items: Sequence[ReminderItem]) -> list[ReminderItem]:
    return sorted(latest_per_step(items), key=ReminderItem.sort_key)


def latest_per_step(items: Sequence[ReminderItem]) -> list[ReminderItem]:
    """One entry per step: a digest held over a weekend shows Monday's state, not Friday's.

    A moved deadline is news of its own and keeps its entry beside the step's state.
    """
    best: dict[tuple[str, str, bool], ReminderItem] = {}
    for item in items:
        slot = (item.plan_id, item.step_key, item.rule is Rule.DEADLINE_MOVED)
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
    subject = digest_subject(ranked, now)
    return Digest(
        recipient=recipient,
        recipient_name=recipient_name,
        subject=subject,
        text=plain_text(recipient_name, ranked),
        html=html_body(recipient_name, subject, ranked),
        short_text=short_text(recipient_name, ranked, now),
    )


def digest_subject(items: Sequence[ReminderItem], now: dt.datetime) -> str:
    counts = Counter(item.rule for item in items)
    parts = [f"{counts[rule]} {COUNT_LABELS[rule]}" for rule in Rule if counts[rule]]
    return f"Nhắc việc ngày {ddmmyyyy(local_day(now))}: " + ", ".join(parts)


def headline(item: ReminderItem) -> str:
    """The item's state in a few words: what the reader must notice first."""
    if item.rule is Rule.BLOCKED:
        return f"Có vướng mắc chưa được giải quyết (báo từ ngày {ddmmyyyy(item.since)})"
    if item.rule is Rule.OVERDUE:
        return f"Quá hạn {item.working_days_late} ngày làm việc"
    if item.rule is Rule.STALLED:
        return f"Không cập nhật tiến độ từ ngày {ddmmyyyy(item.since)}"
    if item.rule is Rule.EVENT_UNCONFIRMED:
        return f"Chưa chốt ngày tổ chức, còn {item.working_days_left} ngày làm việc"
    if item.rule is Rule.DEADLINE_MOVED:
        return f"Hạn mới {ddmmyyyy(item.deadline)}"
    if item.working_days_left == 0:
        return "Đến hạn hôm nay"
    return f"Còn {item.working_days_left} ngày làm việc"


def deadline_fact(item: ReminderItem) -> tuple[str, str]:
    day = ddmmyyyy(item.deadline)
    if item.rule is Rule.EVENT_UNCONFIRMED:
        return "Ngày dự kiến tổ chức", f"{day} (còn {item.working_days_left} ngày làm việc)"
    if item.rule is Rule.DEADLINE_MOVED:
        return "Hạn", f"{day} (trước đây {ddmmyyyy(item.previous_deadline)})"
    if item.working_days_late:
        return "Hạn", f"{day} (quá hạn {item.working_days_late} ngày làm việc)"
    if item.rule is Rule.BLOCKED or item.working_days_left == 0:
        return "Hạn", day
    return "Hạn", f"{day} (còn {item.working_days_left} ngày làm việc)"


def deadline_line(item: ReminderItem) -> str:
    label, value = deadline_fact(item)
    return f"{label}: {value}"


def facts(item: ReminderItem) -> list[tuple[str, str]]:
    """Labelled lines for one item, shared by the text and HTML bodies."""
    lines = [("Kế hoạch", item.plan_title)]
    if item.rule is not Rule.EVENT_UNCONFIRMED:
        lines.append(("Bước", item.step_key))
    lines.append(deadline_fact(item))
    if item.deliverable:
        lines.append(("Sản phẩm cần có", item.deliverable))
    lines.append(("Chủ trì", item.lead_name))
    lines.append(("Quý cơ quan nhận nhắc việc với vai trò", ROLE_LABELS[item.role]))
    if item.also_told:
        lines.append(("Đã đồng thời thông báo", ", ".join(item.also_told)))
    return lines


def plain_text(recipient_name: str, items: Sequence[ReminderItem]) -> str:
    blocks = [
        f"Kính gửi: {recipient_name}",
        f"Hệ thống theo dõi kế hoạch xin nhắc {len(items)} việc, việc khẩn nhất xếp trước:",
    ]
    for number, item in enumerate(items[:LISTED_LIMIT], 1):
        lines = [f"{number}. [{headline(item)}] {item.title}"]
        lines += [f"   {label}: {value}" for label, value in facts(item)]
        lines.append(f"   {ACTIONS[item.rule]}")
        blocks.append("\n".join(lines))
    if len(items) > LISTED_LIMIT:
        blocks.append(not_listed(items[LISTED_LIMIT:]))
    blocks.append(CLOSING)
    return "\n\n".join(blocks) + "\n"


def html_body(recipient_name: str, subject: str, items: Sequence[ReminderItem]) -> str:
    e = html.escape
    entries = "\n".join(_html_item(item) for item in items[:LISTED_LIMIT])
    rest = items[LISTED_LIMIT:]
    if rest:
        entries += f"\n</ol>\n<p><strong>{e(not_listed(rest))}</strong></p>\n<ol>"
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8">'
        f"<title>{e(subject)}</title></head>\n<body>\n"
        f"<p>Kính gửi: <strong>{e(recipient_name)}</strong></p>\n"
        f"<p>Hệ thống theo dõi kế hoạch xin nhắc {len(items)} việc, "
        "việc khẩn nhất xếp trước:</p>\n"
        f"<ol>\n{entries}\n</ol>\n<p><small>{e(CLOSING)}</small></p>\n</body>\n</html>\n"
    )


def not_listed(rest: Sequence[ReminderItem]) -> str:
    counts = Counter(item.rule for item in rest)
    parts = ", ".join(f"{counts[rule]} {COUNT_LABELS[rule]}" for rule in Rule if counts[rule])
    return (
        f"… và {len(rest)} việc khác ({parts}); xem đầy đủ bằng lệnh `kehoach status` "
        "hoặc hỏi cơ quan đầu mối."
    )


def _html_item(item: ReminderItem) -> str:
    e = html.escape
    # One element per line: a filed 8-bit copy must stay under 998 characters a line.
    rows = "\n".join(f"  <li>{e(label)}: {e(value)}</li>" for label, value in facts(item))
    return (
        f"<li><p><strong>{e(headline(item))}</strong> — {e(item.title)}</p>\n"
        f"<ul>\n{rows}\n</ul>\n<p><em>{e(ACTIONS[item.rule])}</em></p></li>"
    )


def short_text(recipient_name: str, items: Sequence[ReminderItem], now: dt.datetime) -> str:
    """At most ZALO_LIMIT characters: every item that fits, then how many were left out."""
    heading = f"Nhắc việc ngày {ddmmyyyy(local_day(now))} — {recipient_name}: {len(items)} việc"
    text = _clip(heading, ZALO_LIMIT)
    for shown, item in enumerate(items):
        line = "\n" + _short_line(shown + 1, item)
        rest = len(items) - shown - 1
        tail = _omitted(rest) if rest else ""
        if len(text) + len(line) + len(tail) > ZALO_LIMIT:
            return text + _omitted(len(items) - shown)
        text += line
    return text


def _short_line(number: int, item: ReminderItem) -> str:
    parts = [f"{number}) {headline(item)}: {_clip(item.title, TITLE_CLIP)}."]
    parts.append(deadline_line(item) + ".")
    if item.rule is not Rule.EVENT_UNCONFIRMED:
        parts.append(f"Chủ trì: {item.lead_name}. Bước {item.step_key}.")
    return " ".join(parts)


def _omitted(count: int) -> str:
    return f"\n… và {count} việc khác; xem chi tiết trong thư điện tử hoặc hỏi cơ quan đầu mối."


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
