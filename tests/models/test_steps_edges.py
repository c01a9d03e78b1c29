"""A plan's steps as the concrete steps that are tracked: fields, fan-out and dependency keys."""

from __future__ import annotations

import datetime as dt

from models.calendar import vietnam_calendar
from models.deadlines import resolve_deadlines
from models.plan import Plan
from models.steps import ConcreteStep, expand_steps, instance_key
from tests.models.small_plan import small_document, small_plan, step_of

CALENDAR = vietnam_calendar()


def concrete(plan: Plan) -> list[ConcreteStep]:
    return expand_steps(plan, resolve_deadlines(plan, CALENDAR))


def test_every_step_of_the_plan_becomes_a_tracked_step_with_its_facts() -> None:
    assert concrete(small_plan()) == [
        ConcreteStep(
            key="I.1.a",
            responsibility_id="I.1",
            step_id="I.1.a",
            title="Dự thảo báo cáo sơ kết",
            deliverable="Dự thảo báo cáo",
            lead="SNV",
            # The plan names the group of departments; the lead is not its own cooperator.
            cooperating=("STC",),
            depends_on=(),
            deadline=dt.date(2024, 5, 6),
            deadline_source="coordinator",
            follow_up=False,
            position=0,
            event_id="main",  # counted from the event
        ),
        ConcreteStep(
            key="I.1.b",
            responsibility_id="I.1",
            step_id="I.1.b",
            title="Thẩm định báo cáo",
            deliverable=None,
            lead="STC",
            cooperating=(),
            depends_on=("I.1.a",),
            deadline=dt.date(2024, 5, 9),
            deadline_source="coordinator",
            follow_up=False,
            position=1,
        ),
        ConcreteStep(
            key="I.1.c@PR",
            responsibility_id="I.1",
            step_id="I.1.c",
            title="Báo cáo của các huyện",
            deliverable=None,
            lead="PR",
            cooperating=(),
            depends_on=(),
            deadline=dt.date(2024, 5, 13),
            deadline_source="coordinator",
            follow_up=False,
            position=2,
            event_id="main",  # counted from the event
        ),
        ConcreteStep(
            key="I.1.d",
            responsibility_id="I.1",
            step_id="I.1.d",
            title="Đưa tin về hội nghị",
            deliverable=None,
            lead="SNV",
            cooperating=(),
            depends_on=(),
            deadline=dt.date(2024, 5, 22),
            deadline_source="coordinator",
            follow_up=True,
            position=3,
            event_id="main",  # counted from the event
        ),
    ]


def test_an_instance_key_names_the_agency_of_a_fanned_out_step_only() -> None:
    assert instance_key("I.1.c", "PR") == "I.1.c@PR"
    assert instance_key("I.1.a", None) == "I.1.a"
    assert instance_key("I.1.a", "") == "I.1.a"


def fanned_document() -> Plan:
    """Two districts; a led step and two fanned-out steps waiting for the districts' reports."""
    document = small_document()
    document["agencies"].append(
        {
            "code": "NS",
            "name": "Ủy ban nhân dân huyện Ninh Sơn",
            "kind": "district",
            "groups": ["huyen"],
        }
    )
    step_of(document, 1)["depends_on"] = ["I.1.a", "I.1.c"]
    step_of(document, 3).update(fan_out=["huyen"], lead=None, depends_on=["I.1.c"])
    step_of(document, 0).update(fan_out=["so"], lead=None, cooperating=[], depends_on=[])
    step_of(document, 2)["depends_on"] = ["I.1.a"]
    return Plan.model_validate(document)


def test_a_step_waiting_for_a_fanned_out_step_waits_for_every_agency_of_it() -> None:
    steps = {s.key: s for s in concrete(fanned_document())}
    assert steps["I.1.b"].depends_on == ("I.1.a@SNV", "I.1.a@STC", "I.1.c@PR", "I.1.c@NS")


def test_a_fanned_out_step_waits_only_for_its_own_agency_of_a_step_fanned_out_alike() -> None:
    steps = {s.key: s for s in concrete(fanned_document())}
    assert steps["I.1.d@PR"].depends_on == ("I.1.c@PR",)
    assert steps["I.1.d@NS"].depends_on == ("I.1.c@NS",)
    assert (steps["I.1.d@PR"].lead, steps["I.1.d@NS"].lead) == ("PR", "NS")


def test_a_fanned_out_step_over_other_agencies_waits_for_all_of_them() -> None:
    steps = {s.key: s for s in concrete(fanned_document())}
    assert steps["I.1.c@PR"].depends_on == ("I.1.a@SNV", "I.1.a@STC")
    assert [s.key for s in concrete(fanned_document())] == [
        "I.1.a@SNV",
        "I.1.a@STC",
        "I.1.b",
        "I.1.c@PR",
        "I.1.c@NS",
        "I.1.d@PR",
        "I.1.d@NS",
    ]


def test_the_positions_follow_the_plan_order_across_fan_out() -> None:
    assert [s.position for s in concrete(fanned_document())] == list(range(7))


def test_a_deadline_written_in_the_plan_text_keeps_its_source() -> None:
    document = small_document()
    step_of(document, 0)["deadline"] = {"date": "2024-05-03", "source": "plan_text"}
    first = concrete(Plan.model_validate(document))[0]
    assert (first.deadline, first.deadline_source) == (dt.date(2024, 5, 3), "plan_text")
