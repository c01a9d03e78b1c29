"""Reminder selection at its edges: the deadline day, repeats, moved deadlines, stored items."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from models.calendar import vietnam_calendar
from models.health import Assessment, HealthRules, Progress, StepFacts, assess
from models.plan import OfficeHours, Plan
from models.progress import ProgressState
from models.reminders import (
    EVENT_STEP_KEY,
    Context,
    EventFacts,
    NoticeInputs,
    ReminderItem,
    Role,
    Rule,
    deadline_moved_items,
    next_send_moment,
    select_items,
)
from tests.models.small_plan import EVENT_DAY, small_document, small_plan, step_of

CALENDAR = vietnam_calendar()
VN = dt.timezone(dt.timedelta(hours=7))
DEADLINE = dt.date(2024, 5, 9)  # Thursday; the step "I.1.b" of the small plan
CONFIRMED = EventFacts(EVENT_DAY, confirmed=True)
PLAN_ID = "kh-thu"
PLAN_TITLE = "Kế hoạch tổ chức hội nghị thử"
PLAN_REF = "Kế hoạch (dự thảo, chưa có số) của Ủy ban nhân dân tỉnh"
# What every notice of the small plan names of its plan (models.notice_facts).
PLAN_TEXTS = {
    "plan_ref": PLAN_REF,
    "sender": "Sở Nội vụ",
    "sender_label": "Sở Nội vụ",
    "contact": "",
    "route_next": "Ủy ban nhân dân tỉnh",
}


def at(day: int, month: int = 5, hour: int = 8) -> dt.datetime:
    return dt.datetime(2024, month, day, hour, tzinfo=VN)


@dataclass(frozen=True)
class Step:
    """A step status as the use cases hand it over: facts, and the health they give at `now`."""

    now: dt.datetime
    key: str = "I.1.b"
    step_id: str = "I.1.b"
    lead: str = "STC"
    cooperating: tuple[str, ...] = ("SNV",)
    deadline: dt.date = DEADLINE
    progress: Progress = Progress.NOT_STARTED
    last_update_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    blocked_since: dt.datetime | None = None
    extended_to: dt.date | None = None
    plan_id: str = PLAN_ID
    title: str = "Thẩm định báo cáo"
    deliverable: str | None = "Báo cáo thẩm định"

    @property
    def state(self) -> ProgressState:
        return ProgressState(
            self.progress, self.last_update_at, self.completed_at, self.blocked_since,
            self.extended_to,
        )  # fmt: skip

    @property
    def assessment(self) -> Assessment:
        facts = StepFacts(
            self.deadline, self.progress, self.last_update_at, self.completed_at, self.extended_to
        )
        return assess(facts, self.now, CALENDAR, HealthRules())

    @property
    def effective_deadline(self) -> dt.date:
        return self.extended_to or self.deadline


def select(
    plan: Plan, now: dt.datetime, event: EventFacts = CONFIRMED, **step: Any
) -> list[ReminderItem]:
    return select_items(plan, [Step(now, **step)], event, CALENDAR, now)


def with_ladder(*rungs: tuple[int, list[str]], step: int = 1) -> Plan:
    document = small_document()
    ladder = [{"from_days_late": days, "notify": notify} for days, notify in rungs]
    step_of(document, step)["reminders"] = {"ladder": ladder}
    return Plan.model_validate(document)


def told(items: list[ReminderItem]) -> list[tuple[str, Rule, Role, int]]:
    return [(i.recipient, i.rule, i.role, i.rung) for i in items]


# --- The deadline day ------------------------------------------------------------------


def test_on_the_deadline_day_the_lead_is_told_it_is_due_not_that_it_is_late() -> None:
    plan = small_plan()
    items = select(plan, at(9, hour=16))
    assert [(i.recipient, i.rule, i.occurrence) for i in items] == [
        ("STC", Rule.BEFORE_DEADLINE, "0@2024-05-09"),
        ("UBND", Rule.BEFORE_DEADLINE, "0@2024-05-09"),
    ]
    next_day = select(plan, at(10))
    assert {(i.rule, i.working_days_late) for i in next_day} == {(Rule.OVERDUE, 1)}


def test_an_extended_step_is_judged_against_its_new_deadline() -> None:
    items = select(small_plan(), at(10), extended_to=dt.date(2024, 5, 13))
    assert [(i.rule, i.occurrence, i.deadline) for i in items[:1]] == [
        (Rule.BEFORE_DEADLINE, "1@2024-05-13", dt.date(2024, 5, 13))
    ]


# --- Who the ladder names before and after the deadline --------------------------------


def test_before_the_deadline_the_first_rung_names_everyone_on_it() -> None:
    # The step's own ladder: rung 0 names the lead and the province's leadership by code.
    items = select(small_plan(), at(8))
    assert items == [
        ReminderItem(
            recipient=code,
            plan_id=PLAN_ID,
            step_key="I.1.b",
            rule=Rule.BEFORE_DEADLINE,
            occurrence="1@2024-05-09",
            rung=0,
            local_day=dt.date(2024, 5, 8),
            recipient_name=name,
            role=role,
            plan_title=PLAN_TITLE,
            title="Thẩm định báo cáo",
            lead="STC",
            lead_name="STC",  # the short name of Sở Tài chính
            deadline=DEADLINE,
            working_days_left=1,
            working_days_late=0,
            deliverable="Báo cáo thẩm định",
            reference="Nhiệm vụ I.1 – Thẩm định báo cáo",
            deadline_basis=(
                "do Sở Nội vụ (cơ quan đầu mối) ấn định: 3 ngày làm việc sau hạn của Nhiệm vụ I.1"
            ),
            addressee=name,
            **PLAN_TEXTS,
        )
        for code, name, role in (
            ("STC", "Sở Tài chính", Role.LEAD),
            ("UBND", "Ủy ban nhân dân tỉnh", Role.NAMED),
        )
    ]


def test_before_the_deadline_a_ladder_that_starts_late_still_tells_the_lead() -> None:
    plan = with_ladder((2, ["coordinator"]), (4, ["leadership"]))
    assert told(select(plan, at(8))) == [("STC", Rule.BEFORE_DEADLINE, Role.LEAD, 0)]


def test_before_the_deadline_only_the_rung_in_force_on_time_is_used() -> None:
    plan = with_ladder((0, ["leadership"]), (1, ["lead", "coordinator"]))
    assert told(select(plan, at(8))) == [("UBND", Rule.BEFORE_DEADLINE, Role.LEADERSHIP, 0)]


def test_the_leadership_and_literal_codes_of_one_rung_are_all_told() -> None:
    plan = with_ladder((0, ["leadership", "PR", "SNV"]))
    assert told(select(plan, at(8))) == [
        ("UBND", Rule.BEFORE_DEADLINE, Role.LEADERSHIP, 0),
        ("PR", Rule.BEFORE_DEADLINE, Role.NAMED, 0),
        ("SNV", Rule.BEFORE_DEADLINE, Role.NAMED, 0),
    ]


def test_one_day_late_only_the_rungs_reached_after_one_day_are_told() -> None:
    plan = with_ladder((0, ["lead"]), (2, ["lead", "coordinator"]))
    assert told(select(plan, at(10))) == [("STC", Rule.OVERDUE, Role.LEAD, 0)]
    # Two days late: the coordinator is added; the lead keeps its key of the period.
    assert told(select(plan, at(13))) == [
        ("STC", Rule.OVERDUE, Role.LEAD, 0),
        ("SNV", Rule.OVERDUE, Role.COORDINATOR, 1),
    ]


def test_late_but_before_the_first_rung_of_the_ladder_nobody_is_told() -> None:
    plan = with_ladder((3, ["lead"]))
    assert select(plan, at(13)) == []  # two working days late


def test_the_agencies_told_above_a_step_are_listed_to_each_other_but_not_to_themselves() -> None:
    plan = with_ladder((0, ["lead", "cooperating", "coordinator", "leadership", "PR"]))
    items = select(plan, at(10), cooperating=("PR",))
    also = {i.recipient: i.also_told for i in items}
    assert also == {
        "STC": ("Sở Nội vụ", "Ủy ban nhân dân tỉnh"),
        "PR": ("Sở Nội vụ", "Ủy ban nhân dân tỉnh"),
        "SNV": ("Ủy ban nhân dân tỉnh",),
        "UBND": ("Sở Nội vụ",),
    }


def test_lead_escalation_names_the_agency_above_the_lead_when_it_has_one() -> None:
    plan = with_ladder((0, ["lead", "lead_escalation"]))
    assert told(select(plan, at(10), lead="SNV", cooperating=())) == [
        ("SNV", Rule.OVERDUE, Role.LEAD, 0),
        ("UBND", Rule.OVERDUE, Role.LEAD_ESCALATION, 0),
    ]
    assert told(select(plan, at(10), cooperating=())) == [("STC", Rule.OVERDUE, Role.LEAD, 0)]
    # A lead the directory does not know (an unchecked plan) has nobody above it.
    assert told(select(plan, at(10), lead="SXX", cooperating=())) == [
        ("SXX", Rule.OVERDUE, Role.LEAD, 0)
    ]


def test_names_and_labels_fall_back_to_the_code_of_an_unknown_agency() -> None:
    context = Context.build(small_plan(), CALENDAR, at(8), EVENT_DAY)
    assert (context.name("STC"), context.label("STC")) == ("Sở Tài chính", "STC")
    assert (context.name("SNV"), context.label("SNV")) == ("Sở Nội vụ", "Sở Nội vụ")
    assert (context.name("SXX"), context.label("SXX")) == ("SXX", "SXX")


def test_a_step_the_plan_no_longer_lists_follows_the_plan_policy() -> None:
    plan = small_plan()
    context = Context.build(plan, CALENDAR, at(8), EVENT_DAY)
    assert context.policy_for("I.9.gone") is plan.reminders
    assert context.policy_for("I.1.b").ladder[0].notify == ["lead", "UBND"]


# --- Stalled and blocked ---------------------------------------------------------------


def test_a_stalled_step_tells_its_lead_since_the_last_update() -> None:
    updated = {"progress": Progress.IN_PROGRESS, "last_update_at": at(2, hour=9)}
    items = select(small_plan(), at(13), deadline=dt.date(2024, 5, 17), **updated)
    stalled = [i for i in items if i.rule is Rule.STALLED]
    assert [(i.recipient, i.role, i.rung, i.occurrence, i.since) for i in stalled] == [
        ("STC", Role.LEAD, 0, "2024-05-02#1", dt.date(2024, 5, 2))
    ]


def test_only_work_in_progress_can_stall() -> None:
    quiet = {"last_update_at": at(2, hour=9), "deadline": dt.date(2024, 5, 17)}
    items = select(small_plan(), at(13), **quiet)
    assert [i.rule for i in items] == [Rule.BEFORE_DEADLINE, Rule.BEFORE_DEADLINE]


def test_a_blocked_step_tells_the_difficulty_route_since_the_day_it_was_blocked() -> None:
    items = select(small_plan(), at(13), progress=Progress.BLOCKED, blocked_since=at(10))
    assert [(i.recipient, i.role, i.rung, i.occurrence, i.since) for i in items] == [
        ("SNV", Role.DIFFICULTY_ROUTE, 0, "2024-05-10#1", dt.date(2024, 5, 10))
    ]
    assert items[0].working_days_late == 2


# --- The event date --------------------------------------------------------------------


def unconfirmed(now: dt.datetime) -> list[ReminderItem]:
    return select_items(small_plan(), [], EventFacts(EVENT_DAY, confirmed=False), CALENDAR, now)


def test_the_request_to_confirm_the_event_date_repeats_every_two_working_days() -> None:
    # 20/5 event; 6/5 is ten working days before it (30/4 and 1/5 are holidays).
    by_day = {day: [i.occurrence for i in unconfirmed(at(day))] for day in (3, 6, 7, 8, 9, 10)}
    assert by_day == {
        3: [],
        6: ["2024-05-20#0"],
        7: ["2024-05-20#0"],
        8: ["2024-05-20#1"],
        9: ["2024-05-20#1"],
        10: ["2024-05-20#2"],
    }


def test_the_request_to_confirm_the_event_date_goes_to_the_coordinator() -> None:
    assert unconfirmed(at(7)) == [
        ReminderItem(
            recipient="SNV",
            plan_id=PLAN_ID,
            step_key=EVENT_STEP_KEY,
            rule=Rule.EVENT_UNCONFIRMED,
            occurrence="2024-05-20#0",
            rung=0,
            local_day=dt.date(2024, 5, 7),
            recipient_name="Sở Nội vụ",
            role=Role.COORDINATOR,
            plan_title=PLAN_TITLE,
            title="Hội nghị sơ kết",
            lead="SNV",
            lead_name="Sở Nội vụ",
            deadline=EVENT_DAY,
            working_days_left=9,
            addressee="Sở Nội vụ",
            **PLAN_TEXTS,
        )
    ]


def test_nobody_is_asked_to_confirm_a_date_that_has_passed() -> None:
    assert unconfirmed(at(21)) == []
    # Without a start time the event starts at midnight: on its day the question is moot.
    assert unconfirmed(at(20, hour=0)) == []
    assert [i.working_days_left for i in unconfirmed(at(17, hour=23))] == [1]


def test_on_the_event_day_the_date_is_asked_for_until_the_event_starts() -> None:
    document = small_document()
    document["event"]["start_time"] = "14:00"
    plan = Plan.model_validate(document)
    event = EventFacts(EVENT_DAY, confirmed=False)
    morning, start = at(20, hour=8), at(20, hour=14)
    asked = select_items(plan, [], event, CALENDAR, morning)
    assert [(i.occurrence, i.working_days_left) for i in asked] == [("2024-05-20#5", 0)]
    assert select_items(plan, [], event, CALENDAR, start) == []
    assert select_items(plan, [], event, CALENDAR, start - dt.timedelta(seconds=1)) != []


# --- Moved deadlines -------------------------------------------------------------------


def moved(steps: list[Step], previous: dict[str, dt.date]) -> list[ReminderItem]:
    plan = small_plan()
    return deadline_moved_items(plan, steps, previous, dt.date(2024, 5, 27), CALENDAR, at(2))


def test_a_moved_deadline_is_told_to_the_lead_and_cooperating_agencies_of_that_step() -> None:
    items = moved([Step(at(2), deadline=dt.date(2024, 5, 14))], {"I.1.b": DEADLINE})
    assert [(i.recipient, i.role, i.rung, i.occurrence) for i in items] == [
        ("STC", Role.LEAD, 0, "2024-05-27"),
        ("SNV", Role.COOPERATING, 0, "2024-05-27"),
    ]
    assert {(i.deadline, i.previous_deadline) for i in items} == {(dt.date(2024, 5, 14), DEADLINE)}


def test_a_step_whose_deadline_did_not_move_is_not_told() -> None:
    unmoved = Step(at(2), key="I.1.a", step_id="I.1.a", lead="SNV", cooperating=("STC",))
    assert moved([unmoved], {"I.1.b": DEADLINE}) == []


def test_a_finished_step_is_not_told_that_its_deadline_moved() -> None:
    done = Step(at(2), progress=Progress.DONE, completed_at=at(2))
    assert moved([done], {"I.1.b": DEADLINE}) == []


# --- Stored items ----------------------------------------------------------------------


FULL_ITEM = ReminderItem(
    recipient="UBND",
    plan_id=PLAN_ID,
    step_key="I.1.b",
    rule=Rule.OVERDUE,
    occurrence="1@2024-05-09",
    rung=2,
    local_day=dt.date(2024, 5, 15),
    recipient_name="Ủy ban nhân dân tỉnh",
    role=Role.LEADERSHIP,
    plan_title=PLAN_TITLE,
    title="Thẩm định báo cáo",
    lead="STC",
    lead_name="STC",
    deadline=DEADLINE,
    working_days_left=0,
    working_days_late=4,
    deliverable="Báo cáo thẩm định",
    since=dt.date(2024, 5, 3),
    previous_deadline=dt.date(2024, 5, 7),
    also_told=("Sở Nội vụ", "Ủy ban nhân dân thành phố Phan Rang"),
    reference="Nhiệm vụ I.1 – Thẩm định báo cáo",
    deadline_basis="3 ngày làm việc sau hạn của Nhiệm vụ I.1",
    difficulty="Chưa có số liệu của huyện",
    route_next="Ủy ban nhân dân tỉnh",
    addressee="Đồng chí Nguyễn Văn A, Phó Chủ tịch",
    plan_ref=PLAN_REF,
    sender="Sở Nội vụ",
    sender_label="SNV",
    contact="Đồng chí Trần Thị B, Sở Nội vụ; điện thoại: 0259 3822 000",
)


def test_a_stored_item_keeps_every_field_as_plain_json() -> None:
    assert FULL_ITEM.as_json() == {
        "recipient": "UBND",
        "plan_id": PLAN_ID,
        "step_key": "I.1.b",
        "rule": "overdue",
        "occurrence": "1@2024-05-09",
        "rung": 2,
        "local_day": "2024-05-15",
        "recipient_name": "Ủy ban nhân dân tỉnh",
        "role": "leadership",
        "plan_title": PLAN_TITLE,
        "title": "Thẩm định báo cáo",
        "lead": "STC",
        "lead_name": "STC",
        "deadline": "2024-05-09",
        "working_days_left": 0,
        "working_days_late": 4,
        "deliverable": "Báo cáo thẩm định",
        "since": "2024-05-03",
        "previous_deadline": "2024-05-07",
        "also_told": ["Sở Nội vụ", "Ủy ban nhân dân thành phố Phan Rang"],
        "reference": "Nhiệm vụ I.1 – Thẩm định báo cáo",
        "deadline_basis": "3 ngày làm việc sau hạn của Nhiệm vụ I.1",
        "difficulty": "Chưa có số liệu của huyện",
        "route_next": "Ủy ban nhân dân tỉnh",
        "addressee": "Đồng chí Nguyễn Văn A, Phó Chủ tịch",
        "plan_ref": PLAN_REF,
        "sender": "Sở Nội vụ",
        "sender_label": "SNV",
        "contact": "Đồng chí Trần Thị B, Sở Nội vụ; điện thoại: 0259 3822 000",
        "answer": "",
        "report": "",
        "reported_at": None,
        "reporter": "",
        "report_hint": "",
    }


def test_a_stored_item_reads_back_equal_with_every_field() -> None:
    stored = json.loads(json.dumps(FULL_ITEM.as_json()))
    assert ReminderItem.from_json(stored) == FULL_ITEM


def test_a_link_report_item_keeps_its_moment_in_plain_json_and_reads_back_equal() -> None:
    moment = dt.datetime(2024, 4, 10, 2, 30, tzinfo=dt.UTC)
    fields = {"rule": Rule.SELF_REPORTED, "reported_at": moment, "report": "đã nộp"}
    told = ReminderItem(**{**FULL_ITEM.__dict__, **fields})
    stored = json.loads(json.dumps(told.as_json()))
    assert stored["reported_at"] == "2024-04-10T02:30:00+00:00"
    assert ReminderItem.from_json(stored) == told


def test_a_stored_item_without_optional_dates_reads_back_with_none() -> None:
    bare = ReminderItem(**{**FULL_ITEM.__dict__, "deadline": None, "since": None,
                           "previous_deadline": None, "also_told": ()})  # fmt: skip
    stored = bare.as_json()
    assert (stored["deadline"], stored["since"], stored["previous_deadline"]) == (None, None, None)
    assert ReminderItem.from_json(json.loads(json.dumps(stored))) == bare


def test_items_without_a_deadline_sort_after_equally_urgent_items_with_one() -> None:
    undated = ReminderItem(**{**FULL_ITEM.__dict__, "deadline": None, "step_key": "A"})
    dated = ReminderItem(**{**FULL_ITEM.__dict__, "step_key": "B"})
    assert sorted([undated, dated], key=ReminderItem.sort_key) == [dated, undated]


# --- Quiet time ------------------------------------------------------------------------


def test_the_office_day_is_the_vietnam_day_even_when_utc_is_still_the_day_before() -> None:
    early = OfficeHours(start=dt.time(6, 0), end=dt.time(17, 0))
    monday_morning = dt.datetime(2024, 4, 21, 23, 30, tzinfo=dt.UTC)  # 06:30 on 22/4 in Vietnam
    assert next_send_moment(monday_morning, CALENDAR, early) == monday_morning


# --- A lasting difficulty, a delivered product -----------------------------------------


def escalating_plan(**route: Any) -> Plan:
    document = small_document()
    document["difficulty_route"].update(escalate_after=2, **route)
    document["agencies"][0]["person"] = {"name": "Nguyễn Văn A", "title": "Chủ tịch"}
    return Plan.model_validate(document)


def blocked_on(plan: Plan, day: int, **inputs: Any) -> list[ReminderItem]:
    step = Step(at(day), progress=Progress.BLOCKED, blocked_since=at(10), lead="PR")
    return select_items(plan, [step], CONFIRMED, CALENDAR, at(day), NoticeInputs(**inputs))


def test_a_difficulty_unresolved_too_long_goes_up_once_through_the_office_named() -> None:
    plan = escalating_plan(escalate_via="STC")
    assert [i.role for i in blocked_on(plan, 13)] == [Role.DIFFICULTY_ROUTE]  # 1 day
    route, up = blocked_on(plan, 14, difficulties={"I.1.b": "Thiếu số liệu"})
    assert (up.recipient, up.role, up.rule, up.occurrence, up.rung) == (
        "UBND", Role.DIFFICULTY_ESCALATION, Rule.BLOCKED, "2024-05-10#len", 1,
    )  # fmt: skip
    assert (up.since, up.difficulty, up.working_days_late) == (
        dt.date(2024, 5, 10), "Thiếu số liệu", 2,
    )  # fmt: skip
    assert up.addressee == "Đồng chí Nguyễn Văn A, Chủ tịch (qua STC)"
    assert (route.difficulty, route.addressee) == ("Thiếu số liệu", "Sở Nội vụ")
    assert blocked_on(plan, 15)[1].occurrence == up.occurrence


def test_a_difficulty_sent_up_directly_names_no_office_between() -> None:
    up = blocked_on(escalating_plan(), 14)[1]
    assert up.addressee == "Đồng chí Nguyễn Văn A, Chủ tịch"


def test_each_recipient_is_addressed_as_the_directory_says_and_an_unknown_one_by_code() -> None:
    items = select(escalating_plan(), at(8))
    assert [(i.recipient, i.addressee) for i in items] == [
        ("STC", "Sở Tài chính"),
        ("UBND", "Đồng chí Nguyễn Văn A, Chủ tịch"),
    ]
    # A lead the directory does not know (an unchecked plan) is addressed by its code.
    unknown = select(small_plan(), at(8), lead="SXX")[0]
    assert (unknown.recipient, unknown.addressee) == ("SXX", "SXX")


def delivering_plan() -> Plan:
    document = small_document()
    step_of(document, 1)["receivers"] = ["SNV", "STC", "huyen"]
    return Plan.model_validate(document)


def delivered_on(plan: Plan, day: int, **step: Any) -> list[ReminderItem]:
    done = {"progress": Progress.DONE, "completed_at": at(8, hour=15)}
    return select(plan, at(day), **(done | step))


def test_the_receivers_of_a_product_are_asked_to_act_on_it_the_next_working_day() -> None:
    items = delivered_on(delivering_plan(), 9)
    assert [(i.recipient, i.role, i.rule, i.occurrence, i.rung) for i in items] == [
        ("SNV", Role.RECEIVER, Rule.DELIVERED, "2024-05-08", 0),
        ("PR", Role.RECEIVER, Rule.DELIVERED, "2024-05-08", 0),
    ]  # the lead STC delivered it and is not asked
    assert [i.recipient for i in delivered_on(delivering_plan(), 8)] == ["SNV", "PR"]
    assert delivered_on(delivering_plan(), 10) == []  # two working days later


def test_a_finished_step_without_receivers_or_finish_time_asks_nobody() -> None:
    assert delivered_on(small_plan(), 9) == []
    assert delivered_on(delivering_plan(), 9, completed_at=None) == []


def test_a_cooperator_that_gave_its_part_is_not_told_that_the_deadline_moved() -> None:
    plan, steps = small_plan(), [Step(at(2), deadline=dt.date(2024, 5, 14))]
    previous = {"I.1.b": DEADLINE}
    parts = NoticeInputs(parts={"I.1.b": frozenset({"SNV"})})
    new_day = dt.date(2024, 5, 27)
    items = deadline_moved_items(plan, steps, previous, new_day, CALENDAR, at(2), parts)
    assert [(i.recipient, i.role) for i in items] == [("STC", Role.LEAD)]


def test_a_step_the_plan_does_not_list_is_named_by_its_title_with_no_basis() -> None:
    items = select(small_plan(), at(8), key="I.9.x", step_id="I.9.x", title="Việc khác")
    assert {(i.reference, i.deadline_basis) for i in items} == {("Việc khác", "")}
