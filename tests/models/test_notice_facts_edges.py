"""What a notice says of its plan: number and date, contact line, deadline basis, next level."""

from __future__ import annotations

from typing import Any

from models.notice_facts import PlanFacts, deadline_basis, plan_reference
from models.plan import Plan
from tests.models.small_plan import small_document, small_plan, step_of


def facts_of(change: Any = None) -> PlanFacts:
    document = small_document()
    if change is not None:
        change(document)
    return PlanFacts.of(Plan.model_validate(document))


def header(**fields: Any) -> Any:
    document = small_document()
    document["plan"].update(fields)
    return Plan.model_validate(document).plan


def test_a_draft_plan_is_named_as_a_draft_without_a_number() -> None:
    assert plan_reference(header()) == "Kế hoạch (dự thảo, chưa có số) của Ủy ban nhân dân tỉnh"


def test_a_numbered_plan_is_named_by_number_type_and_issue_date() -> None:
    issued = {"year": 2024, "month": 3, "day": 12}
    assert plan_reference(header(number="45", issued=issued)) == (
        "Kế hoạch số 45/KH-UBND ngày 12/03/2024 của Ủy ban nhân dân tỉnh"
    )
    assert plan_reference(header(number="45/KH-SNV", issued=issued)) == (
        "Kế hoạch số 45/KH-SNV ngày 12/03/2024 của Ủy ban nhân dân tỉnh"
    )
    assert plan_reference(header(number="7", document_type="KH-BCĐ")) == (
        "Kế hoạch số 7/KH-BCĐ tháng 03/2024 của Ủy ban nhân dân tỉnh"
    )
    assert plan_reference(header(number="7", issued={"year": 2024})) == (
        "Kế hoạch số 7/KH-UBND năm 2024 của Ủy ban nhân dân tỉnh"
    )


def with_contact(**contact: Any) -> Any:
    return lambda document: document["plan"].update(contact=contact)


def test_the_contact_line_names_the_person_their_title_agency_phone_and_email() -> None:
    full = with_contact(
        name="Trần Thị B", title="Chuyên viên", agency="STC", phone="0259 3822 000",
        email="b@example.vn",
    )  # fmt: skip
    assert facts_of(full).contact == (
        "Đồng chí Trần Thị B, Chuyên viên, STC; điện thoại: 0259 3822 000; "
        "thư điện tử: b@example.vn"
    )


def test_a_contact_without_title_or_agency_belongs_to_the_coordinator() -> None:
    assert facts_of(with_contact(name="Trần Thị B")).contact == "Đồng chí Trần Thị B, Sở Nội vụ"
    assert facts_of().contact == ""


def test_the_sender_is_the_coordinator_by_name_and_label() -> None:
    def coordinated_by_stc(document: dict[str, Any]) -> None:
        document["plan"]["coordinator"] = "STC"

    facts = facts_of(coordinated_by_stc)
    assert (facts.sender, facts.sender_label) == ("Sở Tài chính", "STC")


def test_a_leader_named_in_person_is_addressed_as_dong_chi() -> None:
    def with_person(document: dict[str, Any]) -> None:
        document["agencies"][0]["person"] = {"name": "Nguyễn Văn A", "title": "Chủ tịch"}

    addressees = facts_of(with_person).addressees
    assert addressees["UBND"] == "Đồng chí Nguyễn Văn A, Chủ tịch"
    assert addressees["STC"] == "Sở Tài chính"


def test_each_step_is_named_by_its_task_number_and_title() -> None:
    assert facts_of().references["I.1.c"] == "Nhiệm vụ I.1 – Báo cáo của các huyện"


def basis(step: int, **deadline: Any) -> str:
    document = small_document()
    if deadline:
        step_of(document, step)["deadline"] = deadline
    plan = Plan.model_validate(document)
    return deadline_basis(plan, plan.responsibilities[0].steps[step])


def test_a_deadline_chosen_by_the_coordinator_says_who_chose_it_and_how() -> None:
    assert basis(0) == (
        "do Sở Nội vụ (cơ quan đầu mối) ấn định: 10 ngày làm việc trước ngày tổ chức Hội nghị"
    )
    assert basis(1) == (
        "do Sở Nội vụ (cơ quan đầu mối) ấn định: 3 ngày làm việc sau hạn của Nhiệm vụ I.1"
    )
    assert basis(3) == (
        "do Sở Nội vụ (cơ quan đầu mối) ấn định: 2 ngày làm việc sau ngày tổ chức Hội nghị"
    )
    assert basis(0, date="2024-05-06") == "do Sở Nội vụ (cơ quan đầu mối) ấn định"


def test_a_deadline_from_the_plans_text_says_so() -> None:
    assert basis(0, date="2024-05-06", source="plan_text") == "theo Kế hoạch"
    assert basis(0, before_event=4, source="plan_text") == (
        "theo Kế hoạch (4 ngày làm việc trước ngày tổ chức Hội nghị)"
    )


def event_named(name: str) -> str:
    document = small_document()
    document["event"]["name"] = name
    plan = Plan.model_validate(document)
    return deadline_basis(plan, plan.responsibilities[0].steps[0])


def test_the_event_is_named_by_its_first_word_when_it_is_a_conference_or_a_ceremony() -> None:
    # Only that a ceremony is not "sự kiện": its two first words ("Lễ kỷ") read cut off,
    # which is reported, not pinned here.
    assert event_named("Lễ kỷ niệm").endswith("trước ngày tổ chức Lễ")  # not "Lễ kỷ"
    assert event_named("Hội thảo khoa học").endswith("trước ngày tổ chức Hội thảo")
    assert event_named("Tọa đàm").endswith("trước ngày tổ chức sự kiện")
    assert event_named("lễ kỷ niệm").endswith("trước ngày tổ chức sự kiện")


def test_the_next_level_of_a_difficulty_lists_every_agency_escalated_to() -> None:
    def two_levels(document: dict[str, Any]) -> None:
        document["difficulty_route"]["escalate_to"] = ["UBND", "STC"]

    assert facts_of(two_levels).route_next == "Ủy ban nhân dân tỉnh, STC"
    assert small_plan().difficulty_route.escalate_to == ["UBND"]
