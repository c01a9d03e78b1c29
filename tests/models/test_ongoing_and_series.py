"""Ongoing duties (never overdue, "không cập nhật" after a missed check-in) and series lines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from models.calendar import vietnam_calendar
from models.digest import facts
from models.figures import Tally, tally_of
from models.health import (
    Assessment,
    Flag,
    Health,
    HealthRules,
    Progress,
    StepFacts,
    assess,
)
from models.plan import Plan
from models.progress import ProgressState
from models.recurrence import Cycle, check_in_due, check_in_missed
from models.reminders import EventFacts, Rule, select_items
from models.series import Outcome, current_view, series_lines
from tests.models.small_plan import small_document

CALENDAR = vietnam_calendar()
RULES = HealthRules()
START, END = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
VIETNAM = dt.timezone(dt.timedelta(hours=7))
D = dt.date


def at(day: int, month: int, hour: int = 8) -> dt.datetime:
    return dt.datetime(2024, month, day, hour, tzinfo=VIETNAM)


def duty(now: dt.datetime, **facts: object) -> Assessment:
    base = StepFacts(deadline=END, check_in="month", tracked_from=START)
    return assess(base._replace(**facts), now, CALENDAR, RULES)


def test_an_ongoing_duty_is_never_overdue_even_after_its_period() -> None:
    for moment in (at(15, 3), at(31, 12, 16), dt.datetime(2025, 3, 3, 8, tzinfo=VIETNAM)):
        result = duty(moment, progress=Progress.IN_PROGRESS, last_update_at=moment)
        assert result.health is Health.ONGOING
        assert result.working_days_late == 0 and not result.red
    assert duty(at(15, 3), progress=Progress.IN_PROGRESS, last_update_at=at(15, 3)).label == (
        "nhiệm vụ thường xuyên"
    )


def test_a_monthly_check_in_missed_makes_the_duty_stalled() -> None:
    updated = at(20, 2)  # an update in February covers February
    assert Flag.STALLED not in duty(at(31, 3, 16), progress=Progress.IN_PROGRESS,
                                    last_update_at=updated).flags  # fmt: skip
    late = duty(at(1, 4), progress=Progress.IN_PROGRESS, last_update_at=updated)
    assert late.flags == frozenset({Flag.STALLED})
    assert late.label == "nhiệm vụ thường xuyên; không cập nhật"


def test_a_duty_never_reported_on_is_stalled_once_its_first_period_ends() -> None:
    assert duty(at(31, 1, 16)).flags == frozenset()
    assert duty(at(1, 2)).flags == frozenset({Flag.STALLED})


def test_no_check_in_is_expected_after_the_plan_period() -> None:
    last = dt.datetime(2024, 12, 2, 8, tzinfo=VIETNAM)
    later = dt.datetime(2025, 6, 2, 8, tzinfo=VIETNAM)
    assert duty(later, progress=Progress.IN_PROGRESS, last_update_at=last).flags == frozenset()


def test_a_blocked_duty_is_flagged_blocked_not_late() -> None:
    result = duty(at(1, 4), progress=Progress.BLOCKED, last_update_at=at(2, 1))
    assert result.health is Health.ONGOING and result.flags == frozenset({Flag.BLOCKED})


def test_an_ongoing_duty_counts_as_assigned_and_never_in_the_on_time_rate() -> None:
    assert tally_of(Health.ONGOING) is Tally.OPEN_IN_TIME


@pytest.mark.parametrize(
    ("every", "updated", "due"),
    [
        (Cycle.WEEK, None, D(2024, 1, 7)),
        (Cycle.WEEK, D(2024, 1, 3), D(2024, 1, 14)),
        (Cycle.MONTH, D(2024, 1, 31), D(2024, 2, 29)),
        (Cycle.QUARTER, None, D(2024, 3, 31)),
        (Cycle.QUARTER, D(2024, 2, 1), D(2024, 6, 30)),
    ],
)
def test_the_next_check_in_is_due_by_the_end_of_the_period_after_the_last_update(
    every: Cycle, updated: dt.date | None, due: dt.date
) -> None:
    assert check_in_due(every, START, updated) == due
    assert not check_in_missed(every, START, updated, due)
    assert check_in_missed(every, START, updated, due + dt.timedelta(days=1))


# --- Reminders of an ongoing duty --------------------------------------------------------


@dataclass(frozen=True)
class DutyStatus:
    now: dt.datetime
    last_update_at: dt.datetime | None
    plan_id: str = "kh-thu"
    key: str = "I.1.tt"
    step_id: str = "I.1.tt"
    title: str = "Tăng cường tuyên truyền"
    deliverable: str | None = None
    lead: str = "SNV"
    cooperating: tuple[str, ...] = ()
    deadline: dt.date = END

    @property
    def state(self) -> ProgressState:
        progress = Progress.IN_PROGRESS if self.last_update_at else Progress.NOT_STARTED
        return ProgressState(progress, self.last_update_at)

    @property
    def assessment(self) -> Assessment:
        return duty(self.now, progress=self.state.progress, last_update_at=self.last_update_at)

    @property
    def effective_deadline(self) -> dt.date:
        return self.deadline


def _plan_with_duty() -> Plan:
    document = small_document()
    document["responsibilities"][0]["steps"].append(
        {
            "id": "I.1.tt",
            "title": "Tăng cường tuyên truyền",
            "lead": "SNV",
            "ongoing": {"check_in": "month"},
        }
    )
    return Plan.model_validate(document)


def test_a_missed_check_in_reminds_the_lead_and_nothing_says_overdue() -> None:
    plan = _plan_with_duty()
    event = EventFacts(dt.date(2024, 5, 20), confirmed=True)
    for moment in (at(3, 6), at(2, 12)):  # after the event too: a duty goes on
        items = select_items(plan, [DutyStatus(moment, at(2, 4))], event, CALENDAR, moment)
        assert [(i.recipient, i.rule) for i in items] == [("SNV", Rule.STALLED)]
        assert items[0].since == D(2024, 4, 2) and items[0].deadline is None
        assert ("Thời hạn", "thực hiện thường xuyên, không có hạn cố định") in facts(items[0])
    fresh = select_items(plan, [DutyStatus(at(3, 6), at(31, 5))], event, CALENDAR, at(3, 6))
    assert fresh == []


def test_a_missed_check_in_is_reminded_once_a_week() -> None:
    plan = _plan_with_duty()
    event = EventFacts(dt.date(2024, 5, 20), confirmed=True)

    def keys(moment: dt.datetime) -> set[str]:
        return {i.occurrence for i in select_items(plan, [DutyStatus(moment, None)], event,
                                                   CALENDAR, moment)}  # fmt: skip

    assert keys(at(3, 6)) == keys(at(7, 6)) == {"check-in@2024-W23"}
    assert keys(at(10, 6)) == {"check-in@2024-W24"}


# --- Series lines ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    key: str
    deadline: dt.date
    health: Health
    lead: str = "SNV"
    plan_id: str = "kh-thu"
    title: str = "Báo cáo tháng"
    series: str | None = "I.1.thang"

    @property
    def period_start(self) -> dt.date:
        return self.deadline.replace(day=1)

    @property
    def effective_deadline(self) -> dt.date:
        return self.deadline

    @property
    def assessment(self) -> Assessment:
        late = 2 if self.health in (Health.OVERDUE, Health.DONE_LATE) else 0
        return Assessment(self.health, 0, late)


def _year(today: dt.date) -> list[Occurrence]:
    outcomes = {3: Health.DONE_LATE, 10: Health.OVERDUE}
    items = []
    for month in range(1, 13):
        due = dt.date(2024, month, 14)
        if due <= today:
            health = outcomes.get(month, Health.DONE_ON_TIME)
        else:
            health = Health.DUE_SOON if month == today.month else Health.NOT_STARTED
        items.append(Occurrence(f"I.1.thang#2024-{month:02d}@SNV", due, health))
    return items


def test_a_series_line_counts_each_occurrence_and_names_the_latest_and_next() -> None:
    today = D(2024, 11, 20)
    (line,) = series_lines(_year(today), today)
    assert line.counts == {Outcome.ON_TIME: 9, Outcome.DONE_LATE: 1, Outcome.OVERDUE: 1,
                           Outcome.NOT_YET: 1}  # fmt: skip
    assert line.sentence() == (
        "Báo cáo tháng: 9/12 kỳ đúng hạn, 1 hoàn thành quá hạn, 1 quá hạn, 1 chưa đến kỳ; "
        "kỳ gần nhất: tháng 11/2024, hạn 14/11/2024; kỳ tới: tháng 12/2024, hạn 14/12/2024"
    )
    assert line.as_json()["next"] == {
        "step": "I.1.thang#2024-12@SNV",
        "period": "2024-12",
        "deadline": "2024-12-14",
    }


def test_the_default_view_shows_the_latest_the_next_and_what_is_still_late() -> None:
    today = D(2024, 6, 20)
    one_off = Occurrence("I.1.a", D(2024, 5, 1), Health.DONE_ON_TIME, series=None)
    view = [i.key for i in current_view([*_year(today), one_off], today)]
    assert view == ["I.1.thang#2024-06@SNV", "I.1.thang#2024-07@SNV", "I.1.a"]
    november = [i.key for i in current_view(_year(D(2024, 11, 20)), D(2024, 11, 20))]
    # October is still overdue: never hidden; March was done late: only counted.
    assert november == [f"I.1.thang#2024-{m}@SNV" for m in ("10", "11", "12")]


def test_series_are_kept_apart_per_agency() -> None:
    today = D(2024, 6, 20)
    other = [i.__class__(i.key.replace("SNV", "STC"), i.deadline, i.health, lead="STC")
             for i in _year(today)]  # fmt: skip
    lines = series_lines([*_year(today), *other], today)
    assert [(line.lead, line.total) for line in lines] == [("SNV", 12), ("STC", 12)]
