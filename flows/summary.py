"""The plan summary a sweep publishes: the event, what is red, progress by agency, reminders."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from flows.artifacts import agency_key, link, markdown_table, summary_key
from flows.naming import local_stamp
from flows.responsibility import Outcome, StepLine, grouped
from flows.sending import Delivery
from kehoach.present.tables import ddmmyyyy
from models.health import FINISHED, HEALTH_LABELS, URGENCY, Health


@dataclass(frozen=True)
class EventLine:
    name: str
    date: dt.date
    confirmed: bool
    working_days_left: int

    def sentence(self) -> str:
        state = "đã chốt" if self.confirmed else "dự kiến, chưa chốt"
        when = f"{ddmmyyyy(self.date)} ({state})"
        if self.working_days_left > 0:
            return f"{when} — còn {self.working_days_left} ngày làm việc"
        if self.working_days_left == 0:
            return f"{when} — hôm nay"
        return f"{when} — đã diễn ra"


@dataclass(frozen=True)
class PlanOutcome:
    plan_id: str
    title: str
    as_of: dt.datetime
    event: EventLine | None  # the main event (None: a plan without events)
    responsibilities: tuple[Outcome, ...]
    delivery: Delivery
    names: dict[str, str]
    errors: tuple[str, ...] = ()
    other_events: tuple[EventLine, ...] = ()
    agency_scope: str = ""  # flows.artifacts.agency_scope: links to the agencies' tables

    @property
    def events(self) -> tuple[EventLine, ...]:
        return (self.event, *self.other_events) if self.event else self.other_events

    def event_sentence(self) -> str:
        if self.event is None:
            return "Kế hoạch không có sự kiện"
        return self.event.sentence()

    @property
    def lines(self) -> list[StepLine]:
        return [line for outcome in self.responsibilities for line in outcome.lines]

    @property
    def percent_done(self) -> float:
        lines = counted(self.lines)
        return 100.0 * sum(line.health in FINISHED for line in lines) / len(lines) if lines else 0.0


@dataclass(frozen=True)
class AgencyProgress:
    name: str
    done: int
    total: int
    code: str = ""

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def counted(lines: list[StepLine]) -> list[StepLine]:
    """Work that is due: a step declared không phát sinh is neither done nor to do."""
    return [line for line in lines if line.health is not Health.NOT_APPLICABLE]


def progress_by_agency(lines: list[StepLine]) -> list[AgencyProgress]:
    lines = counted(lines)
    totals = Counter(line.lead_name for line in lines)
    done = Counter(line.lead_name for line in lines if line.health in FINISHED)
    codes = {line.lead_name: line.lead for line in lines}
    rows = [AgencyProgress(name, done[name], total, codes[name]) for name, total in totals.items()]
    return sorted(rows, key=lambda row: (row.percent, row.name))


def _table(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    return markdown_table(headers, rows)


def _urgent_first(lines: list[StepLine]) -> list[StepLine]:
    return sorted(lines, key=lambda line: line.urgency)


def _red_section(outcome: PlanOutcome) -> list[str]:
    """A list, which the UI wraps (it does not wrap a table's cells): each late step's
    title once, then its agencies and their lateness."""
    red = _urgent_first([line for line in outcome.lines if line.red])
    if not red:
        return ["Không có bước nào quá hạn hay vướng mắc."]
    items = []
    for group in grouped(red):
        who = ", ".join(f"{line.lead_cell} ({line.label}, hạn {line.due})" for line in group)
        items.append(f"- **{group[0].title}** (nhiệm vụ {group[0].responsibility_id}): {who}")
    return ["\n".join(items)]


def _health_counts(outcome: PlanOutcome) -> str:
    counts = Counter(line.health for line in outcome.lines)
    parts = [f"{HEALTH_LABELS[h]}: {counts[h]}" for h in URGENCY if counts[h]]
    # Flags are counted beside the lateness words, as the tables show them.
    flags = Counter(flag for line in outcome.lines for flag in line.flags)
    return "; ".join(parts + [f"{flag}: {count}" for flag, count in sorted(flags.items())])


def _responsibility_section(outcome: PlanOutcome) -> list[str]:
    rows = [
        (r.name, "đúng tiến độ" if r.on_track else f"chậm: {len(r.red)} bước", str(len(r.lines)))
        for r in outcome.responsibilities
    ]
    return _table(("Nhiệm vụ", "Tình hình", "Số bước"), rows)


def _agency_section(outcome: PlanOutcome) -> list[str]:
    """Each lead agency's name links to its own table (flows.agencies), one click away."""
    rows = [
        (_agency_link(outcome, row), f"{row.done}/{row.total}", f"{row.percent}%")
        for row in progress_by_agency(outcome.lines)
    ]
    return _table(("Cơ quan chủ trì", "Hoàn thành", "Tỉ lệ"), rows)


def _agency_link(outcome: PlanOutcome, row: AgencyProgress) -> str:
    if not outcome.agency_scope or row.code not in outcome.names:
        return row.name
    return link(agency_key(outcome.agency_scope, row.code), row.name)


def _series_section(outcome: PlanOutcome) -> list[str]:
    """One line per recurring report and agency; nothing for a plan without cycles."""
    rows = [row for r in outcome.responsibilities for row in r.series]
    if not rows:
        return []
    return ["## Báo cáo định kỳ", *_table(("Cơ quan", "Báo cáo", "Các kỳ"), rows)]


def _reminder_section(delivery: Delivery, names: dict[str, str]) -> list[str]:
    head = (
        f"Đã gửi {len(delivery.sent)} thư; lỗi {len(delivery.failed)}; "
        f"chờ đến giờ được gửi {delivery.held}."
    )
    if not delivery.messages:
        return [head]
    rows = [
        (
            names.get(m.recipient, m.recipient),
            m.subject,
            "đã gửi" if m.ok else f"lỗi: {m.error or m.state.value}",
        )
        for m in delivery.messages
    ]
    return [head, "", *_table(("Người nhận", "Tiêu đề", "Kết quả"), rows)]


def summary_markdown(outcome: PlanOutcome) -> str:
    parts = [
        f"# {outcome.title}",
        f"Tình hình lúc **{local_stamp(outcome.as_of)}** — kế hoạch `{outcome.plan_id}`.",
        *[f"**{event.name}**: {event.sentence()}." for event in outcome.events],
        f"Hoàn thành {outcome.percent_done:.0f}% số bước. {_health_counts(outcome)}.",
        *[f"> Lỗi: {error}" for error in outcome.errors],
        "## Quá hạn và vướng mắc",
        *_red_section(outcome),
        "## Theo nhiệm vụ",
        *_responsibility_section(outcome),
        "## Tiến độ theo cơ quan chủ trì",
        *_agency_section(outcome),
        *_series_section(outcome),
        "## Nhắc việc của lượt quét này",
        *_reminder_section(outcome.delivery, outcome.names),
    ]
    return _join(parts)


def _join(parts: list[str]) -> str:
    # Table rows stay on consecutive lines; other blocks are separated by a blank line.
    text = ""
    for part in parts:
        glue = "\n" if part.startswith("|") and text.endswith("|") else "\n\n"
        text = f"{text}{glue}{part}" if text else part
    return text + "\n"


def _detail_item(line: StepLine) -> str:
    parts = [
        f"**{line.lead_name}** chủ trì" + (f" ({line.period})" if line.period else ""),
        f"phối hợp: {line.cooperating}",
        f"hạn {line.deadline}",
        line.status,
        f"cập nhật lần cuối: {line.last_update}",
        f"nhắc việc đã gửi: {line.reminders}",
    ]
    return "- " + " · ".join(parts)


def details_markdown(outcome: PlanOutcome) -> str:
    """What the responsibility tables leave out: each step's full title, cooperating
    agencies, the deadline and who set it, the last update and the reminders sent. Lists,
    not tables: Prefect's UI wraps a list to the screen, never a table's cells."""
    parts = [
        f"# Chi tiết từng bước — {outcome.title}",
        f"Tình hình lúc **{local_stamp(outcome.as_of)}**, việc gấp nhất trước. "
        f"{link(summary_key(outcome.plan_id), 'Tổng hợp kế hoạch')}.",
    ]
    for responsibility in outcome.responsibilities:
        parts.append(f"## {responsibility.name}")
        for group in grouped(responsibility.lines):
            parts.append(f"**{group[0].title}**")
            parts.append("\n".join(_detail_item(line) for line in group))
    return _join(parts)
