"""The seed plan file (Ninh Thuận, March 2024) is valid and says everything the plan says."""

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from kehoach.store.planfile import resolved_document
from models.calendar import WorkingCalendar, vietnam_calendar
from models.deadlines import resolve_deadlines
from models.plan import DeadlineSource, Plan
from models.plan_rules import check_plan
from models.steps import ConcreteStep, expand_steps

SEED = (
    Path(__file__).resolve().parents[2]
    / "config"
    / "plans"
    / "ninh-thuan-2024-so-ket-vi-nguoi-ngheo.yaml"
)
DISTRICTS = {"PRTC", "NINH_HAI", "NINH_PHUOC", "NINH_SON", "BAC_AI", "THUAN_BAC", "THUAN_NAM"}


@pytest.fixture(scope="module")
def plan() -> Plan:
    # The seed names its directory: read it as loading does (directory merged in).
    return Plan.model_validate(resolved_document(SEED))


@pytest.fixture(scope="module")
def calendar(plan: Plan) -> WorkingCalendar:
    return vietnam_calendar(plan.calendar)


@pytest.fixture(scope="module")
def deadlines(plan: Plan, calendar: WorkingCalendar) -> dict[str, dt.date]:
    return resolve_deadlines(plan, calendar)


@pytest.fixture(scope="module")
def concrete(plan: Plan, deadlines: dict[str, dt.date]) -> list[ConcreteStep]:
    return expand_steps(plan, deadlines)


def leads_of(concrete: list[ConcreteStep], step_id: str) -> list[str]:
    return [step.lead for step in concrete if step.step_id == step_id]


def test_the_seed_plan_validates_with_no_issues(plan, calendar):
    assert check_plan(plan, calendar) == []


def test_the_header_keeps_the_blank_number_and_day_of_the_draft(plan):
    assert plan.plan.number is None
    assert (plan.plan.issued.year, plan.plan.issued.month, plan.plan.issued.day) == (2024, 3, None)
    assert plan.plan.signer.name == "Nguyễn Long Biên"
    assert plan.plan.signer.authority == "KT. Chủ tịch"
    assert plan.agency(plan.plan.signer.agency).kind == "leadership"


def test_every_section_iv_item_is_a_responsibility(plan):
    assert [r.id for r in plan.responsibilities] == ["IV.1", "IV.2", "IV.3", "IV.4", "IV.5"]
    assert all(r.quote for r in plan.responsibilities)


def test_the_directory_has_the_seven_districts_of_2024(plan):
    districts = {a.code for a in plan.agencies if a.kind == "district"}
    assert districts == DISTRICTS
    assert {a.code for a in plan.members("districts")} == DISTRICTS


def test_every_department_and_all_seven_districts_send_delegates(plan, concrete):
    leads = leads_of(concrete, "IV.1.delegates")
    departments = [a.code for a in plan.members("departments")]
    assert len(leads) == len(departments) + 7
    assert set(leads) == set(departments) | DISTRICTS
    assert {"SLDTBXH", "SNV", "UBMTTQ", "BAO_NT"} <= set(departments)
    assert not {"CT_UBND", "PCT_UBND"} & set(departments)


def test_each_district_sends_a_presentation(concrete):
    assert sorted(leads_of(concrete, "IV.1.presentations")) == sorted(DISTRICTS)


def test_dolisa_has_six_steps_all_led_by_itself(plan):
    dolisa = next(r for r in plan.responsibilities if r.id == "IV.2")
    assert dolisa.responsible == ["SLDTBXH"]
    assert len(dolisa.steps) == 6
    assert {step.lead for step in dolisa.steps} == {"SLDTBXH"}


def test_the_programme_has_one_lead_and_the_office_cooperates(plan):
    programme = next(step for _, step in plan.all_steps() if step.id == "IV.2.programme")
    assert programme.lead == "SLDTBXH"
    assert programme.cooperating == ["VPUBND"]
    invitations = next(step for _, step in plan.all_steps() if step.id == "IV.4.invitations")
    assert invitations.lead == "VPUBND"
    assert "IV.2.programme" in invitations.depends_on


def test_awards_run_from_proposal_through_appraisal_to_the_chairmans_decision(plan):
    steps = {step.id: step for _, step in plan.all_steps()}
    assert steps["IV.3.appraisal"].depends_on == ["IV.2.award_proposals"]
    assert steps["IV.3.commendation_decision"].depends_on == ["IV.3.appraisal"]
    assert steps["IV.3.appraisal"].lead == "SNV"


def test_both_press_agencies_get_coverage_before_and_a_report_after(concrete):
    assert sorted(leads_of(concrete, "IV.5.coverage")) == ["BAO_NT", "DAI_PTTH"]
    reports = [step for step in concrete if step.step_id == "IV.5.conference_report"]
    assert sorted(step.lead for step in reports) == ["BAO_NT", "DAI_PTTH"]
    assert all(step.follow_up for step in reports)


def test_each_agenda_item_is_delivered_by_steps_that_exist_and_name_it(plan):
    steps = {step.id: step for _, step in plan.all_steps()}
    assert [item.id for item in plan.events[0].agenda] == ["II.1.a", "II.1.b", "II.1.c"]
    for item in plan.events[0].agenda:
        assert item.delivered_by
        for step_id in item.delivered_by:
            assert item.id in steps[step_id].agenda


def test_the_budget_is_project_7_held_by_dolisa_under_decision_706(plan):
    budget = plan.plan.budget
    assert budget.section == "III"
    assert "Dự án 7 Chương trình MTQG giảm nghèo bền vững" in budget.source
    assert budget.holder == "SLDTBXH"
    assert (budget.decision_number, budget.decision_date) == ("706/QĐ-UBND", dt.date(2023, 12, 14))
    estimate = next(step for _, step in plan.all_steps() if step.id == budget.estimate_step)
    assert estimate.lead == budget.holder


def test_difficulties_go_to_dolisa_and_home_affairs_then_the_chairman(plan):
    route = plan.difficulty_route
    assert route.receivers == ["SLDTBXH", "SNV"]
    assert route.escalate_to == ["CT_UBND"]
    assert "phản ánh về Sở Lao động – Thương binh và Xã hội và Sở Nội vụ" in route.quote


def test_every_deadline_is_set_by_the_coordinator_because_the_text_gives_none(plan):
    sources = Counter(step.deadline.source for _, step in plan.all_steps())
    assert set(sources) == {DeadlineSource.COORDINATOR}


def test_no_deadline_falls_after_the_event_except_follow_up_steps(plan, deadlines):
    late = [
        step.id
        for _, step in plan.all_steps()
        if deadlines[step.id] > plan.events[0].date and not step.follow_up
    ]
    assert late == []
    assert deadlines["IV.5.conference_report"] > plan.events[0].date


def test_every_deadline_is_a_working_day(calendar, deadlines):
    assert [s for s, day in deadlines.items() if not calendar.is_working_day(day)] == []


def test_no_step_is_due_before_a_step_it_waits_for(plan, deadlines):
    early = [
        (step.id, dependency)
        for _, step in plan.all_steps()
        for dependency in step.depends_on
        if deadlines[step.id] < deadlines[dependency]
    ]
    assert early == []


def test_the_assumed_event_day_is_a_working_thursday_in_april_2024(plan, calendar):
    assert plan.events[0].assumed_date == dt.date(2024, 4, 25)
    assert plan.events[0].assumed_date.weekday() == 3
    assert calendar.is_working_day(plan.events[0].assumed_date)
    assert plan.events[0].confirmed_date is None


def test_the_plan_stays_valid_whichever_april_working_day_is_confirmed(plan, calendar):
    april = [dt.date(2024, 4, day) for day in range(1, 31)]
    for day in filter(calendar.is_working_day, april):
        event = plan.events[0].model_copy(update={"confirmed_date": day})
        assert check_plan(plan.model_copy(update={"events": [event]}), calendar) == [], day


def test_the_legal_bases_keep_issuer_and_relation_as_the_text_cites_them(plan: Plan) -> None:
    bases = [(b.relation.value, b.number, b.issuer) for b in plan.plan.legal_bases]
    assert bases[0] == ("can_cu", "666/QĐ-TTg", "Thủ tướng Chính phủ")
    assert bases[1] == ("can_cu", "19-CT/TU", "Ban Thường vụ Tỉnh ủy")
    assert [relation for relation, _, _ in bases[2:]] == ["tren_co_so", "tren_co_so"]
