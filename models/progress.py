"""A step's progress as a fold over its event log: the one place transitions are defined.

The database keeps the folded state on each step for speed; a view "as of" an earlier
moment folds only the events that had happened by then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple

from models.health import Progress


class EventKind(StrEnum):
    PLAN_LOADED = "plan_loaded"
    STEP_ADDED = "step_added"
    STEP_CHANGED = "step_changed"
    STEP_ARCHIVED = "step_archived"
    STEP_RESTORED = "step_restored"
    DEADLINE_MOVED = "deadline_moved"
    EVENT_CONFIRMED = "event_confirmed"
    PROGRESS = "progress"
    DEADLINE_EXTENDED = "deadline_extended"
    DIFFICULTY_RESOLVED = "difficulty_resolved"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_REFUSED = "extension_refused"
    PLAN_CLOSED = "plan_closed"
    RECEIPT_CONFIRMED = "receipt_confirmed"
    NOT_APPLICABLE = "not_applicable"
    # Trả lại: the coordinator sends a submitted report back, with a reason (issue 12).
    REPORT_RETURNED = "report_returned"


EVENT_LABELS = {
    EventKind.PLAN_LOADED: "nạp kế hoạch",
    EventKind.STEP_ADDED: "thêm bước",
    EventKind.STEP_CHANGED: "sửa bước",
    EventKind.STEP_ARCHIVED: "lưu trữ bước (đã bỏ khỏi tệp)",
    EventKind.STEP_RESTORED: "khôi phục bước",
    EventKind.DEADLINE_MOVED: "dời hạn theo ngày tổ chức sự kiện",
    EventKind.EVENT_CONFIRMED: "chốt ngày tổ chức sự kiện",
    EventKind.PROGRESS: "cập nhật tiến độ",
    EventKind.DEADLINE_EXTENDED: "gia hạn",
    EventKind.DIFFICULTY_RESOLVED: "đã giải quyết vướng mắc",
    EventKind.EXTENSION_REQUESTED: "đề xuất gia hạn",
    EventKind.EXTENSION_REFUSED: "không đồng ý gia hạn",
    EventKind.PLAN_CLOSED: "kết thúc kế hoạch",
    EventKind.RECEIPT_CONFIRMED: "xác nhận đã nhận",
    EventKind.NOT_APPLICABLE: "không phát sinh",
    EventKind.REPORT_RETURNED: "trả lại báo cáo",
}


class ProgressState(NamedTuple):
    progress: Progress = Progress.NOT_STARTED
    last_update_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    blocked_since: dt.datetime | None = None
    extended_to: dt.date | None = None
    # Receipts (models.receipts): when the deliverable was submitted, when it was received.
    submitted_at: dt.datetime | None = None
    received_at: dt.datetime | None = None


class StepEvent(NamedTuple):
    kind: EventKind
    at: dt.datetime
    status: Progress | None = None
    extended_to: dt.date | None = None


def apply(state: ProgressState, event: StepEvent, needs_receipt: bool = False) -> ProgressState:
    """`needs_receipt`: the step completes on the receiver's confirmation, not on submission."""
    if event.kind is EventKind.PROGRESS and event.status is not None:
        if needs_receipt:
            return _progress_awaiting_receipt(state, event.status, event.at)
        return _progress(state, event.status, event.at)
    if event.kind is EventKind.RECEIPT_CONFIRMED:
        return _received(state, event.at, needs_receipt)
    if event.kind is EventKind.NOT_APPLICABLE:
        return ProgressState(Progress.NOT_APPLICABLE, event.at, extended_to=state.extended_to)
    if event.kind is EventKind.DIFFICULTY_RESOLVED:
        return state._replace(
            progress=Progress.IN_PROGRESS, blocked_since=None, last_update_at=event.at
        )
    if event.kind is EventKind.DEADLINE_EXTENDED:
        return state._replace(extended_to=event.extended_to)
    if event.kind is EventKind.REPORT_RETURNED:
        # A returned report was not delivered: the step is open again, judged as open.
        # Its submission (awaiting a receipt) goes with it.
        return state._replace(
            progress=Progress.IN_PROGRESS,
            completed_at=None,
            submitted_at=None,
            last_update_at=event.at,
        )
    return state


def _progress(state: ProgressState, status: Progress, at: dt.datetime) -> ProgressState:
    completed = status in (Progress.SUBMITTED, Progress.DONE)
    return state._replace(
        progress=status,
        last_update_at=at,
        # Delivery time counts: "done" after "submitted" keeps the submission moment.
        completed_at=(state.completed_at or at) if completed else None,
        blocked_since=(state.blocked_since or at) if status is Progress.BLOCKED else None,
    )


def _progress_awaiting_receipt(
    state: ProgressState, status: Progress, at: dt.datetime
) -> ProgressState:
    """ "Đã nộp" waits for the receiver; "đã hoàn thành" said outright completes the step."""
    if status is Progress.SUBMITTED:
        submitted = state.submitted_at or at
        return state._replace(
            progress=status, last_update_at=at, blocked_since=None, submitted_at=submitted
        )
    if status is Progress.DONE:
        done = _progress(state, status, at)
        return done._replace(completed_at=state.completed_at or state.submitted_at or at)
    # Back to work (or blocked): the submission and any receipt are void.
    return _progress(state, status, at)._replace(submitted_at=None, received_at=None)


def _received(state: ProgressState, at: dt.datetime, needs_receipt: bool) -> ProgressState:
    if not needs_receipt:
        return state._replace(received_at=at)
    # Delivery time counts: the step was done when the deliverable was sent, not read.
    completed = state.completed_at or state.submitted_at or at
    return state._replace(progress=Progress.DONE, completed_at=completed, received_at=at)


def fold(
    events: Iterable[StepEvent], until: dt.datetime | None = None, needs_receipt: bool = False
) -> ProgressState:
    state = ProgressState()
    for event in sorted(events, key=lambda e: e.at):
        if until is not None and event.at > until:
            break
        state = apply(state, event, needs_receipt)
    return state


def transition_error(current: Progress, wanted: Progress) -> str | None:
    """Why a progress change is refused, in Vietnamese; None when it is allowed."""
    if wanted is Progress.NOT_STARTED:
        return "không thể đặt lại trạng thái 'chưa bắt đầu'"
    if current is Progress.DONE and wanted is not Progress.IN_PROGRESS:
        return "bước đã hoàn thành; muốn làm lại thì đặt 'in_progress' trước"
    return None
