"""Deadlines as plans write them: meanings, windows, calendar days, the day-off rule, events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from models.calendar import vietnam_calendar
from models.deadlines import DeadlineReason, day_off_notes, reason_label, resolve_deadlines
from models.event_kinds import EventType, day_noun, noun
from models.health import HealthRules, Progress, StepFacts, assess
from models.plan import MAIN_EVENT, Plan
from models.plan_rules import PlanIssue, check_plan, check_warnings
from models.timeutil import VIETNAM
from tests.models.small_plan import small_document, step_of

CALENDAR = vietnam_calendar()


def _plan(deadline: dict[str, Any], *, rule: str | None = None, follow_up: bool = True) -> Plan:
    """The small plan with its first step's deadline replaced (a follow-up: any date fits)."""
    document = small_document()
    step = step_of(document, 0)
    step["deadline"], step["follow_up"] = deadline, follow_up
    if rule is not None:
        document["calendar"] = {"day_off_rule": rule}
    return Plan.model_validate(document)


def _due(deadline: dict[str, Any], rule: str | None = None) -> dt.date:
    return resolve_deadlines(_plan(deadline, rule=rule), CALENDAR)["I.1.a"]


@pytest.mark.parametrize(
    ("written", "due"),
    [
        # "chậm nhất ngày X" on a working day: X.
        ("2024-05-02", dt.date(2024, 5, 2)),
        # on a Sunday: the next working day (Civil Code 2015, art. 148(5)).
        ("2024-04-14", dt.date(2024, 4, 15)),
        # on Giỗ Tổ Hùng Vương 2024 (Thursday): Friday.
        ("2024-04-18", dt.date(2024, 4, 19)),
        # inside the 29/04–01/05/2024 break: Thursday 02/05.
        ("2024-04-30", dt.date(2024, 5, 2)),
        # Tết 2025 (25/01–02/02): Monday 03/02/2025.
        ("2025-01-27", dt.date(2025, 2, 3)),
        # Quốc khánh 2025 (01–02/09): Wednesday 03/09/2025.
        ("2025-09-01", dt.date(2025, 9, 3)),
        # Tết 2026: Monday 23/02/2026.
        ("2026-02-20", dt.date(2026, 2, 23)),
    ],
)
def test_a_date_by_which_work_is_due_moves_off_a_day_off_to_the_next_working_day(
    written: str, due: dt.date
) -> None:
    assert _due({"date": written}) == due


@pytest.mark.parametrize(
    ("written", "due"),
    [
        # "trước ngày 15/04/2024" (a Monday): the office must have it by Friday 12/04.
        ("2024-04-15", dt.date(2024, 4, 12)),
        # "trước ngày 02/05/2024": the last working day before is Friday 26/04.
        ("2024-05-02", dt.date(2024, 4, 26)),
        # "trước ngày 03/02/2025": the last working day before Tết 2025, Friday 24/01.
        ("2025-02-03", dt.date(2025, 1, 24)),
        # "trước ngày 05/03/2026" (Thursday): Wednesday 04/03.
        ("2026-03-05", dt.date(2026, 3, 4)),
    ],
)
def test_before_a_date_means_the_last_working_day_before_it(written: str, due: dt.date) -> None:
    assert _due({"date": written, "meaning": "truoc_ngay"}) == due


@pytest.mark.parametrize(
    ("written", "due"),
    [
        # "trong tháng 6/2024": 30/06 is a Sunday, so Friday 28/06.
        ("2024-06-01", dt.date(2024, 6, 28)),
        # "trong tháng 8/2025": 31/08 is a Sunday, so Friday 29/08.
        ("2025-08-15", dt.date(2025, 8, 29)),
        # "trong tháng 3/2026": Tuesday 31/03, a working day.
        ("2026-03-10", dt.date(2026, 3, 31)),
    ],
)
def test_within_a_month_means_its_last_working_day(written: str, due: dt.date) -> None:
    assert _due({"date": written, "meaning": "trong_thang"}) == due


def test_the_keep_rule_leaves_a_sunday_deadline_where_the_plan_put_it() -> None:
    assert _due({"date": "2021-02-07"}, rule="keep") == dt.date(2021, 2, 7)


def test_a_deadline_of_its_own_may_keep_its_day_against_the_plans_rule() -> None:
    kept = {"date": "2024-04-14", "on_day_off": "keep"}
    moved = {"date": "2021-02-07", "on_day_off": "next_working_day"}
    assert _due(kept) == dt.date(2024, 4, 14)
    assert _due(moved, rule="keep") == dt.date(2021, 2, 8)


def test_calendar_days_before_the_event_count_every_day() -> None:
    # 23/05/2021 (the election, a Sunday) − 105 days = Sunday 07/02/2021, kept.
    document = small_document()
    document["event"]["assumed_date"] = "2021-05-23"
    document["event"]["tentative_month"] = None
    document["calendar"] = {"day_off_rule": "keep"}
    step_of(document, 0)["deadline"] = {"before_event": 105, "days": "calendar"}
    plan = Plan.model_validate(document)
    assert resolve_deadlines(plan, CALENDAR)["I.1.a"] == dt.date(2021, 2, 7)
    # Working days, the v1 meaning, for the same number: a different day.
    assert resolve_deadlines(plan, CALENDAR)["I.1.c"] == CALENDAR.add_working_days(
        dt.date(2021, 5, 23), -5
    )


def test_calendar_days_after_a_step_count_from_its_due_day() -> None:
    document = small_document()
    step_of(document, 0)["deadline"] = {"date": "2024-04-12"}  # a Friday
    step_of(document, 1)["deadline"] = {"after_step": "I.1.a", "calendar_days": 2}
    deadlines = resolve_deadlines(Plan.model_validate(document), CALENDAR)
    # Sunday 14/04 moves to Monday 15/04 by the day-off rule.
    assert deadlines["I.1.b"] == dt.date(2024, 4, 15)


def test_a_window_must_open_before_its_due_day() -> None:
    plan = _plan({"date": "2024-04-10", "not_before": "2024-04-12"})
    assert check_plan(plan, CALENDAR) == [
        PlanIssue(
            ("responsibilities", 0, "steps", 0, "deadline", "not_before"),
            "ngày bắt đầu 12/04/2024 sau hạn 10/04/2024",
        )
    ]


def test_an_offset_needs_exactly_one_count_after_a_step() -> None:
    with pytest.raises(ValidationError, match="đúng một trong working_days, calendar_days"):
        _plan({"after_step": "I.1.b", "working_days": 1, "calendar_days": 2})
    with pytest.raises(ValidationError, match="meaning"):
        _plan({"before_event": 2, "meaning": "truoc_ngay"})
    with pytest.raises(ValidationError, match="days chỉ dùng"):
        _plan({"date": "2024-04-10", "days": "calendar"})


def test_validation_says_which_rule_moved_or_kept_which_deadline() -> None:
    moved = _plan({"date": "2024-04-14"})
    kept = _plan({"date": "2024-04-14"}, rule="keep")
    holiday = _plan({"date": "2024-04-30"})
    path = ("responsibilities", 0, "steps", 0, "deadline")
    assert check_warnings(moved, CALENDAR) == [
        PlanIssue(
            path,
            "hạn 14/04/2024 là Chủ nhật, chuyển sang Thứ Hai 15/04/2024 "
            "theo Điều 148 Bộ luật Dân sự 2015",
        )
    ]
    assert check_warnings(kept, CALENDAR) == [
        PlanIssue(path, "hạn 14/04/2024 là Chủ nhật, giữ nguyên theo kế hoạch")
    ]
    assert check_warnings(holiday, CALENDAR)[0].message.startswith(
        "hạn 30/04/2024 là ngày nghỉ (Ngày Chiến thắng), chuyển sang Thứ Năm 02/05/2024"
    )
    assert check_plan(moved, CALENDAR) == []  # a warning, not an error


def test_a_plan_on_working_days_has_no_warning() -> None:
    assert day_off_notes(_plan({"date": "2024-04-12"}), CALENDAR) == []


# --- Events ------------------------------------------------------------------------------


def _events_document() -> dict[str, Any]:
    document = small_document()
    conference = document.pop("event")
    document["schema_version"] = 2
    document["events"] = [
        {**conference, "id": "hn"},
        {
            "id": "bau_cu",
            "kind": "bau_cu",
            "name": "Ngày bầu cử",
            "assumed_date": "2024-06-30",
        },
    ]
    for index in (0, 2, 3):
        step_of(document, index)["deadline"]["event"] = "hn"
    return document


def test_a_v1_single_event_is_the_main_conference() -> None:
    plan = Plan.model_validate(small_document())
    assert [(e.id, e.kind) for e in plan.events] == [(MAIN_EVENT, EventType.CONFERENCE)]
    assert plan.main_event is plan.events[0]


def test_a_plan_may_have_no_event_when_no_deadline_counts_from_one() -> None:
    document = small_document()
    del document["event"]
    for index in (0, 2, 3):
        step_of(document, index)["deadline"] = {"date": "2024-05-10"}
    step_of(document, 0)["agenda"] = []  # no event, no programme
    document["schema_version"] = 2
    plan = Plan.model_validate(document)
    assert plan.events == [] and check_plan(plan, CALENDAR) == []


def test_both_event_and_events_is_refused() -> None:
    document = _events_document()
    document["event"] = document["events"][0]
    with pytest.raises(ValidationError, match="chỉ dùng một trong hai"):
        Plan.model_validate(document)


def test_each_deadline_counts_from_its_named_event() -> None:
    document = _events_document()
    step_of(document, 2)["deadline"] = {"before_event": 10, "days": "calendar", "event": "bau_cu"}
    plan = Plan.model_validate(document)
    deadlines = resolve_deadlines(plan, CALENDAR)
    assert deadlines["I.1.a"] == CALENDAR.add_working_days(dt.date(2024, 5, 20), -10)
    assert deadlines["I.1.c"] == dt.date(2024, 6, 20)
    # Moving one event moves only the deadlines counted from it.
    moved = resolve_deadlines(plan, CALENDAR, {"bau_cu": dt.date(2024, 7, 7)})
    assert moved["I.1.a"] == deadlines["I.1.a"] and moved["I.1.c"] == dt.date(2024, 6, 27)


def test_a_relative_deadline_must_name_its_event_when_there_are_several() -> None:
    document = _events_document()
    del step_of(document, 0)["deadline"]["event"]
    step_of(document, 2)["deadline"]["event"] = "le_hoi"
    issues = check_plan(Plan.model_validate(document), CALENDAR)
    assert issues == [
        PlanIssue(
            ("responsibilities", 0, "steps", 0, "deadline"),
            "kế hoạch có nhiều sự kiện (hn, bau_cu): ghi rõ event: <mã sự kiện> cho hạn này",
        ),
        PlanIssue(
            ("responsibilities", 0, "steps", 2, "deadline", "event"),
            "không có sự kiện nào mang mã 'le_hoi'",
        ),
    ]


def test_event_ids_are_unique_and_an_end_date_follows_the_start() -> None:
    document = _events_document()
    document["events"][1]["id"] = "hn"
    issues = check_plan(Plan.model_validate(document), CALENDAR)
    assert PlanIssue(("events", 1, "id"), "mã sự kiện 'hn' bị trùng") in issues
    document = _events_document()
    document["events"][1]["end_date"] = "2024-06-29"
    with pytest.raises(ValidationError, match="ngày kết thúc 29/06/2024 trước ngày bắt đầu"):
        Plan.model_validate(document)


def test_a_deadline_after_an_election_is_named_by_the_election_not_a_conference() -> None:
    document = _events_document()
    step_of(document, 2)["deadline"] = {"after_event": 1, "event": "bau_cu"}
    issues = check_plan(Plan.model_validate(document), CALENDAR)
    assert issues == [
        PlanIssue(
            ("responsibilities", 0, "steps", 2, "deadline"),
            "hạn 01/07/2024 rơi sau ngày bầu cử 30/06/2024; "
            "nếu là việc sau cuộc bầu cử, đặt follow_up: true",
        )
    ]


def test_every_kind_has_its_words() -> None:
    assert [noun(kind) for kind in EventType] == [
        "hội nghị", "lễ hội", "đại hội", "kỳ thi", "cuộc bầu cử", "mốc thời gian",
    ]  # fmt: skip
    assert day_noun("bau_cu") == "ngày bầu cử" and day_noun(None) == "ngày sự kiện"
    assert reason_label(DeadlineReason.EVENT_MOVED, "bau_cu") == "dời theo ngày bầu cử"
    assert reason_label(DeadlineReason.EXTENDED, "bau_cu") == "được gia hạn"


def test_a_sunday_deadline_is_due_on_monday_and_finishing_then_is_on_time() -> None:
    due = _due({"date": "2024-04-14"})
    monday = dt.datetime(2024, 4, 15, 9, tzinfo=VIETNAM)
    open_step = assess(StepFacts(due), monday, CALENDAR, HealthRules())
    done = assess(StepFacts(due, Progress.DONE, monday, monday), monday, CALENDAR, HealthRules())
    assert open_step.label == "đến hạn hôm nay"
    assert done.label == "đã hoàn thành đúng hạn"
    # Kept on the Sunday (the election rule), Monday is one working day late.
    kept = _due({"date": "2024-04-14"}, rule="keep")
    late = assess(StepFacts(kept, Progress.DONE, monday, monday), monday, CALENDAR, HealthRules())
    assert late.label == "đã hoàn thành quá hạn 1 ngày làm việc"
