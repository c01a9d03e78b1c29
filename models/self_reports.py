"""What agencies reported for themselves through their signed links, as the coordinator reads it.

Every action on the agencies' web service lands in the event log with `data.via == "link"`
(kehoach.web): a progress report, a difficulty, an extension request, a cooperator's part
done, a receipt, a step declared *không phát sinh*. The coordinator's next digest lists each
of them once, as one section, not one e-mail per report: the reminder item's occurrence is
the event's id, so the outbox's unique key lets it in once ever. Nothing here reads the
clock: `now` is passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from models.health import PROGRESS_BY_VALUE, PROGRESS_LABELS, Progress
from models.parts import PART_DONE
from models.progress import EventKind
from models.timeutil import ddmmyyyy

# The event kinds an agency can produce through its link (kehoach.web.actions).
LINK_KINDS = (
    EventKind.PROGRESS.value,
    EventKind.EXTENSION_REQUESTED.value,
    PART_DONE,
    EventKind.RECEIPT_CONFIRMED.value,
    EventKind.NOT_APPLICABLE.value,
)
# A report committed while the previous listing read the log (PostgreSQL's snapshot), or
# stamped by a web host whose clock runs a little ahead, is still inside the next window;
# the outbox's key keeps the overlap from listing anything twice.
OVERLAP = dt.timedelta(days=1)
NOTE_CLIP = 300  # the whole note is on the step's page; the digest quotes its beginning

# How the coordinator answers an extension request: the dashboard form's own name.
ANSWER_HINT = (
    "Đề nghị {you} cho ý kiến về đề xuất gia hạn (nếu chưa cho ý kiến): trên bảng điều "
    "khiển, chọn biểu mẫu “Ý kiến về đề xuất gia hạn”, đồng ý hoặc không đồng ý."
)
RETURN_HINT = (
    "Báo cáo chưa đạt yêu cầu có thể được trả lại, nêu lý do, bằng biểu mẫu “Trả lại báo cáo” "
    "trên bảng điều khiển; cơ quan báo cáo được thông báo."
)


@dataclass(frozen=True)
class LinkReport:
    """One event of the log written by an agency through its link, with its step's names."""

    event_id: int
    step_key: str
    step_id: str
    title: str
    lead: str
    actor: str
    kind: str
    at: dt.datetime
    status: str | None = None
    note: str | None = None
    link: str | None = None
    file_name: str | None = None
    proposed: dt.date | None = None  # an extension request's date

    @property
    def occurrence(self) -> str:
        return f"e{self.event_id}"


def window_start(last_listed: dt.datetime | None) -> dt.datetime | None:
    """From when the log is read: the previous listing's moment less the overlap; None (the
    whole log) before the first listing."""
    return last_listed - OVERLAP if last_listed is not None else None


def to_tell(reports: Iterable[LinkReport], coordinator: str, now: dt.datetime) -> list[LinkReport]:
    """The reports made by `now`, oldest first; the coordinator's own are not told to it."""
    found = [r for r in reports if r.at <= now and r.actor != coordinator]
    return sorted(found, key=lambda r: (r.at, r.event_id))


def described(report: LinkReport) -> str:
    """What the agency reported, in a few words, with its note quoted."""
    return _what(report) + _extras(report)


def _what(report: LinkReport) -> str:
    if report.kind == EventKind.EXTENSION_REQUESTED.value:
        return f"đề xuất gia hạn đến ngày {ddmmyyyy(report.proposed)}"
    if report.kind == PART_DONE:
        return "báo đã hoàn thành phần việc phối hợp"
    if report.kind == EventKind.RECEIPT_CONFIRMED.value:
        return "xác nhận đã nhận sản phẩm"
    if report.kind == EventKind.NOT_APPLICABLE.value:
        return "báo nhiệm vụ không phát sinh"
    status = PROGRESS_BY_VALUE.get(report.status or "")
    if status is Progress.BLOCKED:
        return "báo khó khăn, vướng mắc"
    return f"báo cáo tiến độ: {PROGRESS_LABELS[status]}" if status else "báo cáo tiến độ"


def _extras(report: LinkReport) -> str:
    parts = []
    if report.note:
        word = "nội dung" if report.status == Progress.BLOCKED.value else "ghi chú"
        if report.kind in (EventKind.EXTENSION_REQUESTED.value, EventKind.NOT_APPLICABLE.value):
            word = "lý do"
        parts.append(f"{word}: “{_clip(report.note)}”")
    if report.link:
        parts.append("kèm đường dẫn sản phẩm")
    if report.file_name:
        parts.append(f"kèm tệp {_clip(report.file_name)}")
    return "".join(f"; {part}" for part in parts)


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= NOTE_CLIP else flat[: NOTE_CLIP - 1].rstrip() + "…"


ANSWER, RETURN = "answer", "return"
HINTS = {ANSWER: ANSWER_HINT, RETURN: RETURN_HINT}


def hint_of(report: LinkReport) -> str:
    """What the coordinator may do about it: answer a request, or return a submitted report."""
    if report.kind == EventKind.EXTENSION_REQUESTED.value:
        return ANSWER
    submitted = (Progress.SUBMITTED.value, Progress.DONE.value)
    return RETURN if report.kind == EventKind.PROGRESS.value and report.status in submitted else ""
