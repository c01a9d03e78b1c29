"""Receivers of a deliverable and conditional steps: who may confirm, who may declare, when.

Receipts. A step may name who receives its deliverable (`receivers`, "báo cáo … về Sở Nội
vụ") and the office it goes through (`via`, "trình Chủ tịch (thông qua Sở Nội vụ)"). With
`completes_on: receipt` the lead's "đã nộp" does not finish the step: a receiver (or the
`via` office, which receives for it) confirms receipt ("xác nhận đã nhận"), and then the step
counts as done at the moment it was submitted (delivery time counts, as for "đã nộp" today).
`submission` keeps the v1 meaning: "đã nộp" finishes the step; a receipt is only recorded.

Conditional steps. Work the plan asks for only "khi cần thiết" or "nếu có" (`conditional`)
may be declared "không phát sinh" by its lead, or the coordinator for it, with a note; it
then counts neither as done nor as late. A later progress update undoes the declaration.
"""

from __future__ import annotations

from models.health import Progress
from models.plan import CompletesOn, Plan, Step


def completes_on(plan: Plan, step: Step) -> CompletesOn:
    """The plan's word, else receipt for a v2 step with receivers, else submission (v1)."""
    if step.completes_on is not None:
        return step.completes_on
    if step.receivers and plan.schema_version >= 2:
        return CompletesOn.RECEIPT
    return CompletesOn.SUBMISSION


def receiver_codes(plan: Plan, step: Step, lead: str) -> tuple[str, ...]:
    """The agencies receiving the deliverable (groups expanded), never its own lead."""
    return tuple(code for code in plan.expand_codes(step.receivers) if code != lead)


def confirmers(receivers: tuple[str, ...] | list[str], via: str | None) -> tuple[str, ...]:
    """Who may confirm receipt: the office it goes through first, then the receivers."""
    return tuple(dict.fromkeys([*([via] if via else []), *receivers]))


def receipt_refusal(
    allowed: tuple[str, ...], agency: str, progress: Progress, received: bool
) -> str | None:
    """Why `agency` may not confirm receipt now, in Vietnamese; None when it may."""
    if not allowed:
        return "bước này không ghi cơ quan nhận sản phẩm"
    if agency not in allowed:
        return "cơ quan này không phải nơi nhận sản phẩm của bước"
    if received:
        return "sản phẩm đã được xác nhận đã nhận trước đó"
    if progress not in (Progress.SUBMITTED, Progress.DONE):
        return "cơ quan chủ trì chưa báo đã nộp sản phẩm"
    return None


def not_applicable_refusal(
    conditional: bool, progress: Progress, completed: bool, note: str | None
) -> str | None:
    """Why a step may not be declared "không phát sinh" now; None when it may."""
    if not conditional:
        return (
            "bước này không phải nhiệm vụ phát sinh khi cần (kế hoạch không ghi "
            "“khi cần thiết” hay “nếu có”), nên không thể báo không phát sinh"
        )
    if not (note or "").strip():
        return "cần ghi rõ lý do không phát sinh"
    if completed:
        return "bước đã hoàn thành; không thể báo không phát sinh"
    if progress is Progress.NOT_APPLICABLE:
        return "bước đã được báo không phát sinh"
    return None
