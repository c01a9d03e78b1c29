"""The replay told day by day, for the terminal: what was done, and what was sent to whom."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from rich.markup import escape

from models.calendar import WEEKDAY_NAMES
from models.timeutil import VIETNAM

if TYPE_CHECKING:
    from flows.replay import Day, Done
    from flows.sending import Sent

MAX_NAMES = 6


def day_heading(day: Day) -> str:
    when = f"{day.day:%d/%m/%Y} ({WEEKDAY_NAMES[day.day.weekday()]})"
    mark = "  [magenta]◆ Prefect[/]" if day.via_prefect else ""
    if day.day_off:
        return (
            f"[bold]{when}[/]{mark}  [dim]ngày nghỉ ({escape(day.day_off)}): không gửi nhắc việc[/]"
        )
    return f"[bold]{when}[/]{mark}"


def _summary(subject: str) -> str:
    # "Nhắc việc ngày 22/04/2024: 1 việc quá hạn" → "1 việc quá hạn"
    return subject.split(": ", 1)[-1]


def agency_names(codes: Sequence[str], names: dict[str, str]) -> str:
    shown = [names.get(code, code) for code in codes[:MAX_NAMES]]
    rest = len(codes) - len(shown)
    return ", ".join(shown) + (f" và {rest} cơ quan khác" if rest else "")


def message_lines(sent: Sequence[Sent], names: dict[str, str], indent: str) -> Iterator[str]:
    groups: dict[tuple[bool, str], list[str]] = defaultdict(list)
    for message in sent:
        groups[(message.ok, _summary(message.subject))].append(message.recipient)
    for (ok, summary), codes in sorted(
        groups.items(), key=lambda item: (item[0][0], -len(item[1]))
    ):
        icon = "[green]✉[/]" if ok else "[red]✗ lỗi gửi[/]"
        yield f"{indent}{icon} {escape(summary)} → {escape(agency_names(codes, names))}"


def _local_time(moment: dt.datetime) -> str:
    return f"{moment.astimezone(VIETNAM):%H:%M}"


def action_line(done: Done, names: dict[str, str], coordinator: str) -> str:
    who = names.get(getattr(done.action, "by", None) or coordinator, coordinator)
    note = getattr(done.action, "note", None)
    page = " [dim](báo qua trang của cơ quan)[/]" if done.page else ""
    text = f"  {_local_time(done.at)} [cyan]{escape(who)}[/]{page} · {escape(done.answer)}"
    return text + (f" [dim]— “{escape(note)}”[/]" if note else "")


def sweep_line(day: Day, sweep_at: dt.time) -> str:
    count = len(day.sent)
    held = f", {day.held} thư chờ đến giờ được gửi" if day.held else ""
    what = f"gửi {count} thư{held}" if count or held else "không có nhắc việc mới"
    return f"  {sweep_at:%H:%M} quét: {what}"


def day_lines(day: Day, names: dict[str, str], coordinator: str, sweep_at: dt.time) -> list[str]:
    lines = [day_heading(day)]
    if day.swept and not day.day_off:
        lines.append(sweep_line(day, sweep_at))
        lines.extend(message_lines(day.sent, names, "        "))
    for done in day.actions:
        lines.append(action_line(done, names, coordinator))
        lines.extend(message_lines(done.sent, names, "        "))
    return lines
