"""The sentence that answers each action a person takes, the same from the CLI and the forms."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from kehoach.services.tracking import Extension
from models.event_kinds import EventType, day_noun
from models.health import VIETNAM, Progress
from models.recurrence import occurrence_label, period_words
from models.statuses import status_label


def local_time(moment: dt.datetime) -> str:
    """'02/04/2024 09:30': an instant as a person in Vietnam reads it."""
    return f"{moment.astimezone(VIETNAM):%d/%m/%Y %H:%M}"


class StepNamed(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def responsibility_id(self) -> str: ...
    @property
    def title(self) -> str: ...


def step_words(step: StepNamed) -> str:
    """A step as a person reads it: the plan's own numbering and title, never its code;
    an occurrence of a report cycle also names its period ("kỳ tháng 03/2013")."""
    label = occurrence_label(step.key)
    period = f", kỳ {period_words(label)}" if label else ""
    return f"nhiệm vụ {step.responsibility_id} – {step.title}{period}"


def progress_recorded(step: StepNamed, status: Progress, at: dt.datetime | None = None) -> str:
    when = f" (lúc {local_time(at)})" if at is not None else ""
    return f"Đã ghi nhận: {step_words(step)} — {status_label(status)}{when}."


def deadline_extended(step: StepNamed, new_deadline: dt.date, original: dt.date) -> str:
    return (
        f"Đã gia hạn {step_words(step)} đến {new_deadline:%d/%m/%Y} (hạn gốc {original:%d/%m/%Y})."
    )


def part_done(agency: str, step: StepNamed) -> str:
    return f"Đã ghi nhận: {agency} đã gửi phần việc phối hợp ở {step_words(step)}."


def difficulty_resolved(step: StepNamed) -> str:
    return f"Đã ghi nhận: vướng mắc của {step_words(step)} đã được giải quyết."


def event_confirmed(
    plan_id: str,
    day: dt.date,
    previous: dt.date,
    moved_steps: int,
    queued: int,
    kind: str = EventType.CONFERENCE.value,
) -> str:
    return (
        f"Đã chốt {day_noun(kind)} của kế hoạch {plan_id}: {day:%d/%m/%Y} "
        f"(trước đó {previous:%d/%m/%Y}); {moved_steps} bước được dời hạn; "
        f"{queued} nhắc việc báo hạn mới chờ gửi."
    )


def extension_answer(result: Extension) -> str:
    day = f"{result.new_deadline:%d/%m/%Y}"
    if result.requested:
        return (
            f"Đã ghi nhận đề xuất gia hạn {step_words(result.row)} đến {day}; "
            "chờ cơ quan điều phối đồng ý (gia hạn chỉ có hiệu lực khi được đồng ý)."
        )
    return deadline_extended(result.row, result.new_deadline, result.row.deadline)


def receipt_confirmed(agency: str, step: StepNamed, completed: bool) -> str:
    """`completed`: the receipt finished the step (`completes_on: receipt`)."""
    done = " Nhiệm vụ được ghi là đã hoàn thành." if completed else ""
    return f"Đã ghi nhận: {agency} xác nhận đã nhận sản phẩm của {step_words(step)}.{done}"


def not_applicable_declared(step: StepNamed, note: str) -> str:
    return (
        f"Đã ghi nhận: {step_words(step)} — không phát sinh (lý do: {note}). Nhiệm vụ không "
        "tính là đã hoàn thành hay quá hạn và không còn được nhắc; nếu sau đó phát sinh, "
        "cập nhật tiến độ như thường lệ."
    )
