"""Whole-plan checks name the exact place and problem, so the loader can point at the line."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from models.calendar import vietnam_calendar
from models.deadlines import DeadlineCycleError, resolve_deadlines
from models.plan import Plan
from models.plan_rules import PlanIssue, check_plan
from tests.models.small_plan import small_document, small_plan, step_of

CALENDAR = vietnam_calendar()
STEPS = ("responsibilities", 0, "steps")


def issues(document: dict[str, Any]) -> list[PlanIssue]:
    return check_plan(Plan.model_validate(document), CALENDAR)


def test_a_plan_whose_references_all_resolve_has_no_issue() -> None:
    # Its ladders name roles and an agency code; both are allowed.
    assert check_plan(small_plan(), CALENDAR) == []


def test_codes_and_ids_given_twice_are_each_reported_where_they_stand() -> None:
    document = small_document()
    document["agencies"].append({**document["agencies"][3], "name": "Huyện khác"})
    document["groups"].append({"code": "so", "name": "Các sở (lần hai)"})
    document["responsibilities"].append({**document["responsibilities"][0]})
    assert issues(document) == [
        PlanIssue(("agencies", 3, "code"), "mã 'PR' bị trùng"),
        PlanIssue(("agencies", 4, "code"), "mã 'PR' bị trùng"),
        PlanIssue(("groups", 0, "code"), "mã 'so' bị trùng"),
        PlanIssue(("groups", 2, "code"), "mã 'so' bị trùng"),
        PlanIssue(("responsibilities", 0, "id"), "mã nhiệm vụ 'I.1' bị trùng"),
        PlanIssue(("responsibilities", 1, "id"), "mã nhiệm vụ 'I.1' bị trùng"),
        *[
            PlanIssue(("responsibilities", r, "steps", s, "id"), f"mã bước '{step}' bị trùng")
            for r in (0, 1)
            for s, step in enumerate(("I.1.a", "I.1.b", "I.1.c", "I.1.d"))
        ],
    ]


def test_a_code_used_once_is_not_a_duplicate() -> None:
    document = small_document()
    step_of(document, 3)["id"] = "I.1.a2"
    assert issues(document) == []


def test_unknown_agencies_in_the_header_and_directory_are_named_with_their_place() -> None:
    document = small_document()
    document["plan"]["coordinator"] = "SXX"
    document["plan"]["signer"]["agency"] = "UBX"
    document["plan"]["budget"] |= {"holder": "STX", "estimate_step": "I.9"}
    document["agencies"][1]["groups"] = ["so", "nhomx"]
    document["agencies"][1]["escalation_to"] = "UBY"
    document["difficulty_route"] = {"receivers": ["SNV", "SNX"], "escalate_to": ["UBZ"]}
    document["reminders"]["leadership"] = ["LDX"]
    document["reminders"]["ladder"][1]["notify"] = ["lead", "nguoix"]
    assert issues(document) == [
        PlanIssue(("plan", "coordinator"), "cơ quan không có trong danh mục: 'SXX'"),
        PlanIssue(("plan", "signer", "agency"), "cơ quan không có trong danh mục: 'UBX'"),
        PlanIssue(("plan", "budget", "holder"), "cơ quan không có trong danh mục: 'STX'"),
        PlanIssue(("plan", "budget", "estimate_step"), "không có bước nào mang mã 'I.9'"),
        PlanIssue(("agencies", 1, "groups", 1), "nhóm cơ quan không có trong danh mục: 'nhomx'"),
        PlanIssue(("agencies", 1, "escalation_to"), "cơ quan không có trong danh mục: 'UBY'"),
        PlanIssue(("difficulty_route", "receivers", 1), "cơ quan không có trong danh mục: 'SNX'"),
        PlanIssue(("difficulty_route", "escalate_to", 0), "cơ quan không có trong danh mục: 'UBZ'"),
        PlanIssue(("reminders", "leadership", 0), "cơ quan không có trong danh mục: 'LDX'"),
        PlanIssue(
            ("reminders", "ladder", 1, "notify", 1),
            "'nguoix' không phải vai trò (lead, cooperating, coordinator, leadership, "
            "lead_escalation, parent) cũng không phải mã cơ quan",
        ),
    ]


def test_a_plan_without_signer_or_budget_needs_no_check_of_them() -> None:
    document = small_document()
    del document["plan"]["signer"], document["plan"]["budget"]
    assert issues(document) == []


def test_unknown_groups_and_steps_of_the_event_are_named_with_their_place() -> None:
    document = small_document()
    document["event"]["attendance"]["by_level"][0]["invited_groups"] = ["so", "khachx"]
    document["event"]["agenda"][0]["delivered_by"] = ["I.1.a", "I.7"]
    assert issues(document) == [
        PlanIssue(
            ("events", 0, "attendance", "by_level", 0, "invited_groups", 1),
            "nhóm cơ quan không có trong danh mục: 'khachx'",
        ),
        PlanIssue(("events", 0, "agenda", 0, "delivered_by", 1), "không có bước nào mang mã 'I.7'"),
    ]


def test_unknown_names_in_a_responsibility_and_its_steps_are_named_with_their_place() -> None:
    document = small_document()
    document["responsibilities"][0]["responsible"] = ["SNV", "khongco"]
    step_of(document, 0).update({"lead": "SXX", "cooperating": ["STC", "hoix"], "agenda": ["A9"]})
    step_of(document, 1).update(
        depends_on=["I.1.b", "I.8"],
        deadline={"after_step": "I.6", "working_days": 3},
        reminders={"ladder": [{"from_days_late": 0, "notify": ["lanhdaox"]}]},
    )
    step_of(document, 2)["fan_out"] = ["huyen", "xa"]
    at = ("responsibilities", 0, "steps")
    assert issues(document) == [
        PlanIssue(
            ("responsibilities", 0, "responsible", 1),
            "không có cơ quan hay nhóm cơ quan nào mang mã 'khongco'",
        ),
        PlanIssue((*at, 0, "lead"), "cơ quan không có trong danh mục: 'SXX'"),
        PlanIssue(
            (*at, 0, "cooperating", 1), "không có cơ quan hay nhóm cơ quan nào mang mã 'hoix'"
        ),
        PlanIssue((*at, 0, "agenda", 0), "không có nội dung chương trình nào mang mã 'A9'"),
        PlanIssue((*at, 1, "depends_on", 0), "một bước không thể chờ chính nó"),
        PlanIssue((*at, 1, "depends_on", 1), "không có bước nào mang mã 'I.8'"),
        PlanIssue((*at, 1, "deadline", "after_step"), "không có bước nào mang mã 'I.6'"),
        PlanIssue(
            (*at, 1, "reminders", "ladder", 0, "notify", 0),
            "'lanhdaox' không phải vai trò (lead, cooperating, coordinator, leadership, "
            "lead_escalation, parent) cũng không phải mã cơ quan",
        ),
        PlanIssue((*at, 2, "fan_out", 1), "nhóm cơ quan không có trong danh mục: 'xa'"),
        PlanIssue((*at, 1, "depends_on"), "các bước chờ nhau thành vòng: I.1.b → I.1.b"),
    ]


def test_fanning_out_over_a_group_with_no_member_is_reported() -> None:
    document = small_document()
    document["groups"].append({"code": "xa", "name": "Các xã"})
    step_of(document, 2)["fan_out"] = ["huyen", "xa"]
    assert issues(document) == [
        PlanIssue((*STEPS, 2, "fan_out", 1), "nhóm 'xa' chưa có cơ quan nào"),
    ]


def test_steps_waiting_on_each_other_are_reported_at_the_first_step_of_the_cycle() -> None:
    document = small_document()
    step_of(document, 0)["depends_on"] = ["I.1.c"]
    step_of(document, 2)["depends_on"] = ["I.1.b"]
    assert issues(document) == [
        PlanIssue(
            (*STEPS, 0, "depends_on"), "các bước chờ nhau thành vòng: I.1.a → I.1.c → I.1.b → I.1.a"
        ),
    ]


def test_a_deadline_timed_after_a_later_step_closes_a_cycle_too() -> None:
    document = small_document()
    step_of(document, 0)["deadline"] = {"after_step": "I.1.b", "working_days": 1}
    assert issues(document) == [
        PlanIssue((*STEPS, 0, "depends_on"), "các bước chờ nhau thành vòng: I.1.a → I.1.b → I.1.a"),
    ]


def test_a_cycle_behind_a_step_outside_it_is_reported_from_where_it_starts() -> None:
    # I.1.d waits for I.1.b, which waits for I.1.c, which waits for I.1.b: the cycle is
    # the last two, not the path that led to it.
    document = small_document()
    step_of(document, 3)["depends_on"] = ["I.1.b"]
    step_of(document, 1)["depends_on"] = ["I.1.c"]
    step_of(document, 2)["depends_on"] = ["I.1.b"]
    assert issues(document) == [
        PlanIssue((*STEPS, 1, "depends_on"), "các bước chờ nhau thành vòng: I.1.b → I.1.c → I.1.b"),
    ]


def test_shared_dependencies_without_a_cycle_are_not_a_cycle() -> None:
    document = small_document()
    step_of(document, 2)["depends_on"] = ["I.1.a", "I.1.b"]
    step_of(document, 3)["depends_on"] = ["I.1.a", "I.1.b", "I.1.c"]
    assert issues(document) == []


def test_a_deadline_after_the_event_day_is_reported_unless_the_step_is_follow_up() -> None:
    document = small_document()
    step_of(document, 2)["deadline"] = {"after_event": 1}
    step_of(document, 3)["follow_up"] = False
    assert issues(document) == [
        PlanIssue(
            (*STEPS, 2, "deadline"),
            "hạn 21/05/2024 rơi sau ngày hội nghị 20/05/2024; "
            "nếu là việc sau hội nghị, đặt follow_up: true",
        ),
        PlanIssue(
            (*STEPS, 3, "deadline"),
            "hạn 22/05/2024 rơi sau ngày hội nghị 20/05/2024; "
            "nếu là việc sau hội nghị, đặt follow_up: true",
        ),
    ]


def test_a_deadline_on_the_event_day_itself_is_in_time() -> None:
    document = small_document()
    step_of(document, 2)["deadline"] = {"after_event": 0}
    assert issues(document) == []


def test_deadlines_are_not_judged_while_a_reference_is_broken() -> None:
    # The deadline would fall after the event, but the unknown lead is the problem to fix.
    document = small_document()
    step_of(document, 2)["deadline"] = {"after_event": 1}
    step_of(document, 0)["lead"] = "SXX"
    assert issues(document) == [
        PlanIssue((*STEPS, 0, "lead"), "cơ quan không có trong danh mục: 'SXX'"),
    ]


def test_resolving_deadlines_of_an_unchecked_cyclic_plan_names_the_cycle() -> None:
    # The guard for callers that skip check_plan: a clear error instead of endless recursion.
    document = small_document()
    step_of(document, 0)["deadline"] = {"after_step": "I.1.b", "working_days": 1}
    with pytest.raises(DeadlineCycleError) as raised:
        resolve_deadlines(Plan.model_validate(document), CALENDAR)
    assert raised.value.step_ids == ["I.1.a", "I.1.b", "I.1.a"]
    assert str(raised.value) == "I.1.a → I.1.b → I.1.a"


def test_a_step_timed_after_a_step_listed_later_gets_its_deadline_all_the_same() -> None:
    document = small_document()
    step_of(document, 0)["deadline"] = {"after_step": "I.1.c", "working_days": 1}
    deadlines = resolve_deadlines(Plan.model_validate(document), CALENDAR)
    assert (deadlines["I.1.c"], deadlines["I.1.a"]) == (dt.date(2024, 5, 13), dt.date(2024, 5, 14))
    assert deadlines["I.1.b"] == dt.date(2024, 5, 17)  # three working days after I.1.a


def test_an_agency_is_found_by_its_code() -> None:
    plan = small_plan()
    assert plan.agency("STC").name == "Sở Tài chính"
    assert plan.agency("PR").kind == "district"


def test_groups_expand_to_their_members_each_agency_once_in_the_given_order() -> None:
    plan = small_plan()
    assert plan.expand_codes(["PR", "so", "SNV", "huyen"]) == ["PR", "SNV", "STC"]
    assert plan.expand_codes(["khongco"]) == []


def test_a_group_is_named_by_its_name_and_an_unknown_code_by_itself() -> None:
    plan = small_plan()
    assert (plan.group_name("so"), plan.group_name("huyen")) == ("Các sở", "Các huyện")
    assert plan.group_name("xa") == "xa"
