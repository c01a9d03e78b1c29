"""The series view of recurring work: one line per recurring step and agency.

"Báo cáo tháng: 10/12 kỳ đúng hạn, 1 quá hạn, 1 đang trong hạn; kỳ gần nhất: tháng
11/2024, hạn 14/11/2024; kỳ tới: tháng 12/2024, hạn 13/12/2024". Each occurrence is
judged on its own (models.health); this module only counts and names them, so tables and
dashboards can show one line per series and only the occurrences that matter now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

from models.health import Assessment, Health
from models.recurrence import occurrence_label, period_words
from models.timeutil import ddmmyyyy


class OccurrenceLike(Protocol):
    """What the series view reads of an occurrence (kehoach.services.status.StepStatus fits)."""

    @property
    def plan_id(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def lead(self) -> str: ...
    @property
    def series(self) -> str | None: ...
    @property
    def period_start(self) -> dt.date | None: ...
    @property
    def effective_deadline(self) -> dt.date: ...
    @property
    def assessment(self) -> Assessment: ...


class Outcome(StrEnum):
    ON_TIME = "on_time"
    DONE_LATE = "done_late"
    OVERDUE = "overdue"
    OPEN = "open"
    NOT_YET = "not_yet"


OUTCOME_WORDS = {
    Outcome.ON_TIME: "đúng hạn",
    Outcome.DONE_LATE: "hoàn thành quá hạn",
    Outcome.OVERDUE: "quá hạn",
    Outcome.OPEN: "đang trong hạn",
    Outcome.NOT_YET: "chưa đến kỳ",
}

_BY_HEALTH = {
    Health.DONE_ON_TIME: Outcome.ON_TIME,
    Health.DONE_LATE: Outcome.DONE_LATE,
    Health.OVERDUE: Outcome.OVERDUE,
    Health.NOT_DONE: Outcome.OVERDUE,
}


def outcome_of(item: OccurrenceLike, today: dt.date) -> Outcome:
    found = _BY_HEALTH.get(item.assessment.health)
    if found is not None:
        return found
    started = item.period_start is None or item.period_start <= today
    return Outcome.OPEN if started else Outcome.NOT_YET


class Mark(NamedTuple):
    """One occurrence as the series line names it: its period and its due day."""

    key: str
    label: str
    due: dt.date

    def words(self) -> str:
        return f"{period_words(self.label)}, hạn {ddmmyyyy(self.due)}"


class SeriesLine(NamedTuple):
    plan_id: str
    series: str
    lead: str
    title: str
    counts: dict[Outcome, int]
    latest: Mark | None  # the last occurrence due by today
    upcoming: Mark | None  # the first one due after today

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def sentence(self) -> str:
        return f"{self.title}: {self.outcomes_text()}"

    def outcomes_text(self) -> str:
        """'10/12 kỳ đúng hạn, 1 quá hạn, …; kỳ gần nhất: …; kỳ tới: …'."""
        on_time = f"{self.counts.get(Outcome.ON_TIME, 0)}/{self.total} kỳ đúng hạn"
        others = [
            f"{self.counts[o]} {OUTCOME_WORDS[o]}"
            for o in Outcome
            if o is not Outcome.ON_TIME and self.counts.get(o)
        ]
        parts = [", ".join([on_time, *others])]
        if self.latest:
            parts.append(f"kỳ gần nhất: {self.latest.words()}")
        if self.upcoming:
            parts.append(f"kỳ tới: {self.upcoming.words()}")
        return "; ".join(parts)

    def as_json(self) -> dict[str, Any]:
        return {
            "plan": self.plan_id,
            "series": self.series,
            "lead": self.lead,
            "title": self.title,
            "occurrences": self.total,
            "counts": {o.value: self.counts.get(o, 0) for o in Outcome},
            "latest": _mark_json(self.latest),
            "next": _mark_json(self.upcoming),
            "text": self.sentence(),
        }


def _mark_json(mark: Mark | None) -> dict[str, str] | None:
    if mark is None:
        return None
    return {"step": mark.key, "period": mark.label, "deadline": mark.due.isoformat()}


def series_lines(items: Iterable[OccurrenceLike], today: dt.date) -> list[SeriesLine]:
    """One line per (plan, recurring step, lead), in the order the occurrences come."""
    groups: dict[tuple[str, str, str], list[OccurrenceLike]] = {}
    for item in items:
        if item.series is not None:
            groups.setdefault((item.plan_id, item.series, item.lead), []).append(item)
    return [_line(members, today) for members in groups.values()]


def _line(members: Sequence[OccurrenceLike], today: dt.date) -> SeriesLine:
    ordered = sorted(members, key=lambda m: m.effective_deadline)
    counts: dict[Outcome, int] = {}
    for member in ordered:
        outcome = outcome_of(member, today)
        counts[outcome] = counts.get(outcome, 0) + 1
    past = [m for m in ordered if m.effective_deadline <= today]
    coming = [m for m in ordered if m.effective_deadline > today]
    first = ordered[0]
    assert first.series is not None
    return SeriesLine(
        first.plan_id,
        first.series,
        first.lead,
        first.title,
        counts,
        _mark(past[-1]) if past else None,
        _mark(coming[0]) if coming else None,
    )


def _mark(item: OccurrenceLike) -> Mark:
    return Mark(item.key, occurrence_label(item.key) or "", item.effective_deadline)


def shown_now(lines: Iterable[SeriesLine]) -> frozenset[str]:
    """Keys of the occurrences a default view lists: each series' latest and next one."""
    return frozenset(m.key for line in lines for m in (line.latest, line.upcoming) if m)


def current_view(items: Sequence[Any], today: dt.date) -> list[Any]:
    """The steps a default table lists: every one-off step, each series' latest and next
    occurrence, and any occurrence still late or blocked (never hidden from the coordinator);
    the occurrences further ahead are counted in the series line only."""
    shown = shown_now(series_lines(items, today))
    return [
        item
        for item in items
        if item.series is None or item.key in shown or _still_red(item.assessment)
    ]


def _still_red(assessment: Assessment) -> bool:
    return assessment.red and assessment.health is not Health.DONE_LATE
