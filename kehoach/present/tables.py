"""Tables and summaries for people, in Vietnamese."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections import Counter

from rich.console import Console
from rich.table import Table

from kehoach.services.plans import LoadReport
from kehoach.services.status import StepStatus, by_urgency
from models.event_kinds import day_noun
from models.health import (
    FLAG_LABELS,
    HEALTH_LABELS,
    PROGRESS_LABELS,
    URGENCY,
    Assessment,
    Flag,
    Health,
)
from models.recurrence import CYCLE_NOUNS, Cycle
from models.series import SeriesLine
from models.timeutil import ddmmyyyy, local_day, local_stamp

HEALTH_STYLES = {
    Health.DONE_ON_TIME: "green",
    Health.DONE_LATE: "yellow",
    Health.OVERDUE: "bold red",
    Health.NOT_DONE: "bold red",
    Health.DUE_SOON: "yellow",
    Health.IN_PROGRESS: "cyan",
    Health.NOT_STARTED: "",
    Health.ONGOING: "",
    Health.NOT_APPLICABLE: "dim",
}

# Where the date in force comes from, as the reports show it beside the deadline.
ORIGIN_WORDS = {
    "plan_text": "theo văn bản kế hoạch",
    "coordinator": "do cơ quan điều phối ấn định",
    "extension": "gia hạn",
}


def style_of(assessment: Assessment) -> str:
    if Flag.BLOCKED in assessment.flags:
        return "bold magenta"
    if Flag.WAITING in assessment.flags:
        return "dim"
    return HEALTH_STYLES[assessment.health]


def deadline_text(item: StepStatus) -> str:
    if item.ongoing is not None:
        return f"thường xuyên, cập nhật tiến độ hằng {CYCLE_NOUNS[Cycle(item.ongoing)]}"
    if item.not_before and not item.state.extended_to:
        window = f"từ {ddmmyyyy(item.not_before)} đến {ddmmyyyy(item.deadline)}"
        return f"{window} ({ORIGIN_WORDS[item.deadline_origin]})"
    if item.state.extended_to:
        return f"{ddmmyyyy(item.state.extended_to)} (gia hạn, gốc {ddmmyyyy(item.deadline)})"
    return f"{ddmmyyyy(item.deadline)} ({ORIGIN_WORDS[item.deadline_origin]})"


def status_table(items: list[StepStatus], as_of: dt.datetime) -> Table:
    table = Table(title=f"Tình hình thực hiện đến {local_stamp(as_of)}")
    for header in ("Bước", "Nội dung", "Chủ trì", "Hạn", "Tiến độ", "Tình trạng"):
        table.add_column(header, overflow="fold")
    table.caption = event_caption(items)
    for item in by_urgency(items):
        style = style_of(item.assessment)
        table.add_row(
            item.key,
            item.title,
            item.lead,
            deadline_text(item),
            PROGRESS_LABELS[item.state.progress],
            f"[{style}]{item.assessment.label}[/]" if style else item.assessment.label,
        )
    return table


def series_table(lines: list[SeriesLine]) -> Table:
    """One line per recurring step and agency: its occurrences' outcomes and the next one."""
    table = Table(title="Báo cáo định kỳ (mỗi dòng một loại báo cáo của một cơ quan)")
    for header in ("Chủ trì", "Các kỳ báo cáo"):
        table.add_column(header, overflow="fold")
    for line in lines:
        table.add_row(line.lead, line.sentence())
    return table


def event_caption(items: list[StepStatus]) -> str:
    """The event date in force at the moment shown, per plan (it may have moved since)."""
    dates = {item.plan_id: item.event_date for item in items if item.event_date}
    parts = [f"{plan}: {ddmmyyyy(day)}" for plan, day in sorted(dates.items())]
    kinds = {item.event_kind for item in items if item.event_date}
    words = day_noun(kinds.pop()) if len(kinds) == 1 else "Ngày tổ chức sự kiện"
    return f"{words[0].upper()}{words[1:]} tại thời điểm này — " + "; ".join(parts) if parts else ""


def health_summary(items: list[StepStatus]) -> str:
    counts = Counter(item.assessment.health for item in items)
    parts = [f"{HEALTH_LABELS[h]}: {counts[h]}" for h in URGENCY if counts[h]]
    flags = Counter(flag for item in items for flag in item.assessment.flags)
    parts += [f"{FLAG_LABELS[f]}: {flags[f]}" for f in Flag if flags[f]]
    return f"Tổng số {len(items)} bước — " + "; ".join(parts)


def load_summary(report: LoadReport) -> str:
    if report.unchanged:
        return f"Kế hoạch {report.plan_id} không thay đổi so với lần nạp trước."
    verb = "Đã nạp mới" if report.created else "Đã cập nhật"
    lines = [f"{verb} kế hoạch {report.plan_id}:"]
    for label, keys in (
        ("thêm", report.added),
        ("sửa", report.changed),
        ("dời hạn", report.moved),
        ("lưu trữ (đã bỏ khỏi tệp)", report.archived),
        ("khôi phục", report.restored),
    ):
        if keys:
            lines.append(f"  {label}: {len(keys)} bước")
    return "\n".join(lines)


def today_text(now: dt.datetime) -> str:
    return ddmmyyyy(local_day(now))


def console() -> Console:
    # Piped output (a file, CI logs) gets a wide table instead of rich's 80 columns.
    width = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 160
    return Console(highlight=False, soft_wrap=False, width=width)
