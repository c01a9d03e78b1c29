"""The sentence that answers each action a person takes, the same from the CLI and the forms."""

from __future__ import annotations

import datetime as dt

from kehoach.services.tracking import Extension
from models.health import VIETNAM, Progress
from models.statuses import status_label


def local_time(moment: dt.datetime) -> str:
    """'02/04/2024 09:30': an instant as a person in Vietnam reads it."""
    return f"{moment.astimezone(VIETNAM):%d/%m/%Y %H:%M}"


def progress_recorded(step: str, status: Progress, at: dt.datetime | None = None) -> str:
    when = f" (lúc {local_time(at)})" if at is not None else ""
    return f"Đã ghi nhận: bước {step} — {status_label(status)}{when}."


def deadline_extended(step: str, new_deadline: dt.date, original: dt.date) -> str:
    return f"Đã gia hạn bước {step} đến {new_deadline:%d/%m/%Y} (hạn gốc {original:%d/%m/%Y})."


def difficulty_resolved(step: str) -> str:
    return f"Đã ghi nhận: vướng mắc của bước {step} đã được giải quyết."


def event_confirmed(
    plan_id: str, day: dt.date, previous: dt.date, moved_steps: int, queued: int
) -> str:
    return (
        f"Đã chốt ngày hội nghị của kế hoạch {plan_id}: {day:%d/%m/%Y} "
        f"(trước đó {previous:%d/%m/%Y}); {moved_steps} bước được dời hạn; "
        f"{queued} nhắc việc báo hạn mới chờ gửi."
    )


def extension_answer(result: Extension) -> str:
    key, day = result.row.key, f"{result.new_deadline:%d/%m/%Y}"
    if result.requested:
        return (
            f"Đã ghi nhận đề xuất gia hạn bước {key} đến {day}; "
            "chờ cơ quan điều phối đồng ý (gia hạn chỉ có hiệu lực khi được đồng ý)."
        )
    return deadline_extended(key, result.new_deadline, result.row.deadline)
