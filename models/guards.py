"""What a careful official refuses to record without a second thought: plain checks.

Each check returns refusals (a code for the event log, a Vietnamese sentence for the
person). The services refuse when there is any, unless the person insists (`--force`),
and then the codes are written into the event log with the action.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from models.event_kinds import day_noun, noun
from models.health import local_day
from models.plan import PartialDate


class Refusal(NamedTuple):
    code: str
    message: str


def earliest_day(issued: PartialDate) -> dt.date:
    """The first day the plan can have been issued on (a draft may leave day or month blank)."""
    return dt.date(issued.year, issued.month or 1, issued.day or 1)


def event_date_refusals(day: dt.date, today: dt.date, issued: PartialDate) -> list[Refusal]:
    refusals = []
    if day < today:
        refusals.append(
            Refusal("event_in_past", f"ngày {day:%d/%m/%Y} đã qua (hôm nay {today:%d/%m/%Y})")
        )
    if day < earliest_day(issued):
        refusals.append(Refusal("event_before_plan", f"ngày {day:%d/%m/%Y} {_before(issued)}"))
    return refusals


def progress_time_refusals(
    at: dt.datetime, last_entry: dt.datetime | None, issued: PartialDate
) -> list[Refusal]:
    refusals = []
    day = local_day(at)
    if day < earliest_day(issued):
        refusals.append(Refusal("before_plan", f"thời điểm {day:%d/%m/%Y} {_before(issued)}"))
    if last_entry is not None and at < last_entry:
        refusals.append(
            Refusal(
                "before_last_entry",
                f"thời điểm này trước lần cập nhật gần nhất của bước "
                f"({local_day(last_entry):%d/%m/%Y})",
            )
        )
    return refusals


def extension_refusals(
    new_deadline: dt.date,
    day: dt.date | None,
    before_event: bool,
    finished: bool,
    kind: str = "hoi_nghi",
) -> list[Refusal]:
    """`day`, `kind`: the date and kind of the event the step prepares for (None: none)."""
    refusals = []
    if finished:
        refusals.append(Refusal("step_finished", "bước đã hoàn thành, không cần gia hạn"))
    if day is not None and before_event and new_deadline > day:
        refusals.append(
            Refusal(
                "past_event",
                f"hạn mới {new_deadline:%d/%m/%Y} sau {day_noun(kind)} {day:%d/%m/%Y}, "
                f"trong khi việc này phải xong trước {noun(kind)}",
            )
        )
    return refusals


def _before(issued: PartialDate) -> str:
    return f"trước ngày ban hành kế hoạch ({_partial(issued)})"


def _partial(issued: PartialDate) -> str:
    if issued.day is not None and issued.month is not None:
        return f"{issued.day:02d}/{issued.month:02d}/{issued.year}"
    if issued.month is not None:
        return f"tháng {issued.month:02d}/{issued.year}"
    return f"năm {issued.year}"
