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
from models.health import HEALTH_LABELS, PROGRESS_LABELS, Health
from models.timeutil import ddmmyyyy, local_day, local_stamp

HEALTH_STYLES = {
    Health.DONE_ON_TIME: "green",
    Health.DONE_LATE: "yellow",
    Health.BLOCKED: "bold magenta",
    Health.OVERDUE: "bold red",
    Health.STALLED: "red",
    Health.DUE_SOON: "yellow",
    Health.WAITING: "dim",
    Health.IN_PROGRESS: "cyan",
    Health.NOT_STARTED: "",
}


def deadline_text(item: StepStatus) -> str:
    if item.state.extended_to:
        return f"{ddmmyyyy(item.state.extended_to)} (gia hạn, gốc {ddmmyyyy(item.deadline)})"
    return ddmmyyyy(item.deadline)


def status_table(items: list[StepStatus], as_of: dt.datetime) -> Table:
    table = Table(title=f"Tình hình thực hiện đến {local_stamp(as_of)}")
    for header in ("Bước", "Nội dung", "Chủ trì", "Hạn", "Tiến độ", "Tình trạng"):
        table.add_column(header, overflow="fold")
    for item in by_urgency(items):
        style = HEALTH_STYLES[item.assessment.health]
        table.add_row(
            item.key,
            item.title,
            item.lead,
            deadline_text(item),
            PROGRESS_LABELS[item.state.progress],
            f"[{style}]{item.assessment.label}[/]" if style else item.assessment.label,
        )
    return table


def health_summary(items: list[StepStatus]) -> str:
    counts = Counter(item.assessment.health for item in items)
    parts = [f"{HEALTH_LABELS[h]}: {counts[h]}" for h in Health if counts[h]]
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
