"""The province directory in the core: validity on the plan's date, successors, overrides,
empty groups, fan-out over children, 'cùng cấp' pairing and escalation to the parent."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from models.calendar import vietnam_calendar
from models.deadlines import resolve_deadlines
from models.directory import Directory, check_directory
from models.plan import Plan, ReminderPolicy
from models.plan_rules import PlanIssue, check_plan
from models.reminders import EventFacts, Role, Rule, select_items
from models.steps import expand_steps
from tests.models.directory_fixture import DIRECTORY, EVENT_DAY, merged, plan, plan_document
from tests.models.test_reminders_edges import Step

CALENDAR = vietnam_calendar()
VN = dt.timezone(dt.timedelta(hours=7))
STEPS = ("responsibilities", 0, "steps")


def codes(document_agencies: list[dict[str, object]]) -> list[object]:
    return [entry["code"] for entry in document_agencies]


def test_the_plan_gets_the_agencies_valid_on_its_issue_date_in_directory_order() -> None:
    document = plan_document()
    merged(document)
    assert codes(document["agencies"]) == [
        "UBND", "SNV", "SLDTBXH", "H1", "H2", "X1", "X2", "X3", "MT_X1", "MT_X2",
    ]  # fmt: skip
    later = plan_document()
    later["plan"]["issued"] = {"year": 2025, "month": 3, "day": 1}
    merged(later)
    assert "SLDTBXH" not in codes(later["agencies"])
    assert "SDTTG" in codes(later["agencies"])


def test_a_step_naming_a_merged_agency_is_told_its_successor() -> None:
    document = plan_document()
    document["plan"]["issued"] = {"year": 2025, "month": 7, "day": 15}
    document["responsibilities"][0]["steps"][0] = {
        "id": "I.1",
        "title": "Báo cáo về lao động",
        "lead": "SLDTBXH",
        "deadline": {"before_event": 10},
    }
    document["event"]["assumed_date"] = "2025-11-20"
    absent = merged(document).absent
    issues = check_plan(Plan.model_validate(document), CALENDAR, absent)
    assert (
        PlanIssue(
            ("responsibilities", 0, "steps", 0, "lead"),
            "cơ quan 'SLDTBXH' (Sở Lao động – Thương binh và Xã hội) đã hợp nhất vào Sở Nội vụ "
            "từ 01/03/2025 (mã SNV); hãy ghi mã SNV",
        )
        in issues
    )


def test_an_agency_that_does_not_exist_yet_is_refused_with_its_first_day() -> None:
    document = plan_document()
    document["responsibilities"][0]["steps"][0]["fan_out"] = None
    document["responsibilities"][0]["steps"][0]["lead"] = "SDTTG"
    absent = merged(document).absent
    issues = check_plan(Plan.model_validate(document), CALENDAR, absent)
    assert [i.message for i in issues if i.path[-1] == "lead"] == [
        "cơ quan 'SDTTG' (Sở Dân tộc và Tôn giáo) chỉ có từ 01/03/2025, sau ngày 01/10/2024 "
        "của kế hoạch"
    ]


def test_a_plan_entry_overrides_the_directory_entry_in_place_and_adds_its_own() -> None:
    document = plan_document()
    document["groups"] = [{"code": "bao_cao", "name": "Các huyện báo cáo tham luận"}]
    document["agencies"] = [
        {"code": "BAO", "name": "Báo tỉnh", "kind": "press"},
        {"code": "H2", "groups": ["huyen", "bao_cao"], "person": {"name": "Lê B", "title": "CT"}},
    ]
    result = merged(document)
    loaded = Plan.model_validate(document)
    assert [a.code for a in loaded.members("bao_cao")] == ["H2"]
    assert loaded.agency("H2").name == "Ủy ban nhân dân huyện Hai"
    assert loaded.agencies[-1].code == "BAO"
    assert result.origins[codes(document["agencies"]).index("H2")] == 1
    assert loaded.groups[-1].code == "bao_cao"


def test_a_plan_override_of_an_agency_no_longer_valid_names_its_successor() -> None:
    document = plan_document()
    document["plan"]["issued"] = {"year": 2025, "month": 4, "day": 1}
    document["agencies"] = [{"code": "SLDTBXH", "groups": ["so"]}]
    result = merged(document)
    assert [(i.path, i.message.split(" đã ")[0]) for i in result.issues] == [
        (("agencies", 0, "code"), "cơ quan 'SLDTBXH' (Sở Lao động – Thương binh và Xã hội)")
    ]


def test_a_step_naming_a_group_without_valid_members_is_an_error() -> None:
    document = plan_document()
    steps = document["responsibilities"][0]["steps"]
    steps[0]["cooperating"] = ["rong"]
    steps[1]["cooperating_same_area"] = ["mttq_xa", "rong"]
    steps.append(
        {
            "id": "I.3",
            "title": "Việc của nhóm rỗng",
            "fan_out": ["rong"],
            "deadline": {"date": "2024-11-01"},
        }
    )
    issues = check_plan(plan(document), CALENDAR)
    empty = "nhóm 'rong' chưa có cơ quan nào"
    assert issues == [
        PlanIssue((*STEPS, 0, "cooperating", 0), empty),
        PlanIssue((*STEPS, 1, "cooperating_same_area", 1), empty),
        PlanIssue((*STEPS, 2, "fan_out", 0), empty),
    ]


def test_fanning_out_over_members_without_children_is_an_error() -> None:
    document = plan_document()
    document["responsibilities"][0]["steps"][1]["fan_out"] = ["so"]
    issues = check_plan(plan(document), CALENDAR)
    assert [i.path for i in issues] == [("responsibilities", 0, "steps", 1, "fan_out_children")]


def test_fan_out_children_gives_one_copy_per_commune_each_waiting_for_its_own_district() -> None:
    loaded = plan()
    steps = expand_steps(loaded, resolve_deadlines(loaded, CALENDAR))
    communes = [s for s in steps if s.step_id == "I.2"]
    assert [(s.key, s.lead, s.depends_on) for s in communes] == [
        ("I.2@X1", "X1", ("I.1@H1",)),
        ("I.2@X2", "X2", ("I.1@H1",)),
        ("I.2@X3", "X3", ("I.1@H2",)),
    ]


def test_cung_cap_pairs_each_copy_with_the_members_in_its_own_area() -> None:
    loaded = plan()
    steps = expand_steps(loaded, resolve_deadlines(loaded, CALENDAR))
    assert {s.lead: s.cooperating for s in steps if s.step_id == "I.2"} == {
        "X1": ("MT_X1",),
        "X2": ("MT_X2",),
        "X3": (),
    }


def test_the_directory_check_names_unknown_parents_successors_groups_and_reversed_dates() -> None:
    data = {**DIRECTORY, "agencies": [*DIRECTORY["agencies"]]}
    data["agencies"].append(
        {
            "code": "X9",
            "name": "Ủy ban nhân dân xã Chín",
            "kind": "commune",
            "parent": "H9",
            "successor": "X8",
            "groups": ["thon"],
            "valid_from": "2025-01-01",
            "valid_to": "2024-12-31",
        }
    )
    data["agencies"].append({"code": "X1", "name": "Trùng mã", "kind": "commune"})
    issues = check_directory(Directory.model_validate(data))
    assert [(i.path, i.message) for i in issues] == [
        (("agencies", 6, "code"), "mã 'X1' bị trùng"),
        (("agencies", 12, "code"), "mã 'X1' bị trùng"),
        (("agencies", 11, "parent"), "cơ quan không có trong danh bạ: 'H9'"),
        (("agencies", 11, "successor"), "cơ quan không có trong danh bạ: 'X8'"),
        (("agencies", 11, "groups", 0), "nhóm cơ quan không có trong danh bạ: 'thon'"),
        (("agencies", 11, "valid_to"), "hiệu lực đến 31/12/2024 trước hiệu lực từ 01/01/2025"),
    ]


# --- Escalation: the role `parent` ------------------------------------------------------------


def told_at(days_late: int, lead: str) -> dict[str, Role]:
    """Who is told (and as what) of a commune's or district's step overdue by `days_late`."""
    loaded = plan()
    deadline = dt.date(2024, 11, 1)  # a Friday
    now = dt.datetime.combine(CALENDAR.add_working_days(deadline, days_late), dt.time(8), tzinfo=VN)
    step = Step(
        now,
        key=f"I.2@{lead}",
        step_id="I.2",
        lead=lead,
        cooperating=(),
        deadline=deadline,
        plan_id="kh-danh-ba",
    )
    items = select_items(loaded, [step], EventFacts(EVENT_DAY, confirmed=True), CALENDAR, now)
    return {i.recipient: i.role for i in items if i.rule is Rule.OVERDUE}


def test_a_communes_overdue_step_goes_to_its_district_before_the_coordinator() -> None:
    assert told_at(1, "X1") == {"X1": Role.LEAD}
    assert told_at(3, "X1") == {"X1": Role.LEAD, "H1": Role.PARENT}
    assert told_at(7, "X1") == {"X1": Role.LEAD, "H1": Role.PARENT, "SNV": Role.COORDINATOR}


def test_an_agency_without_a_parent_reaches_the_coordinator_as_before() -> None:
    assert told_at(3, "H1") == {"H1": Role.LEAD, "SNV": Role.COORDINATOR}


def test_the_default_ladder_tells_the_parent_at_three_days_and_the_province_at_six() -> None:
    ladder = [(r.from_days_late, r.notify) for r in ReminderPolicy().ladder]
    assert ladder == [
        (0, ["lead"]),
        (3, ["lead", "cooperating", "parent"]),
        (6, ["lead", "cooperating", "parent", "coordinator", "leadership"]),
    ]


def test_a_plan_without_a_directory_still_needs_its_own_agencies() -> None:
    document = plan_document()
    del document["plan"]["directory"]
    with pytest.raises(ValidationError, match="không được để trống khi kế hoạch không dùng"):
        Plan.model_validate(document)


def test_an_agency_outliving_its_parent_is_a_directory_error() -> None:
    data = {**DIRECTORY, "agencies": [dict(a) for a in DIRECTORY["agencies"]]}
    data["agencies"][4]["valid_to"] = "2025-06-30"  # H1: the district level ends
    issues = check_directory(Directory.model_validate(data))
    message = (
        "cơ quan cấp trên 'H1' chỉ có đến 30/06/2025: ghi ngày hiệu lực đến (valid_to) cho cơ "
        "quan này, và một mục mới với cơ quan cấp trên mới nếu nó còn hoạt động"
    )
    assert [(i.path, i.message) for i in issues] == [
        (("agencies", 6, "parent"), message),
        (("agencies", 7, "parent"), message),
    ]
