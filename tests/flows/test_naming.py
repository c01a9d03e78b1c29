"""Dashboard names come from the plan's data, in Vietnamese, and are names Prefect accepts."""

from __future__ import annotations

import pytest

from flows.naming import (
    artifact_key,
    ascii_only,
    plan_run_name,
    responsibility_flow_name,
    responsibility_run_name,
    responsibility_tags,
    safe_name,
    send_task_run_name,
    status_words,
)
from kehoach.paths import seed_plan_path
from kehoach.store.planfile import resolved_document
from models.health import Health
from models.plan import Plan


@pytest.fixture(scope="module")
def plan() -> Plan:
    return Plan.model_validate(resolved_document(seed_plan_path()))


def test_each_responsibility_is_named_by_its_item_and_who_answers_for_it(plan: Plan) -> None:
    names = [responsibility_flow_name(plan, r) for r in plan.responsibilities]
    assert names == [
        "IV.1 · Các sở, ban, ngành, đoàn thể tỉnh; Ủy ban nhân dân các huyện, thành phố",
        "IV.2 · Sở Lao động – Thương binh và Xã hội",
        "IV.3 · Sở Nội vụ",
        "IV.4 · VP UBND tỉnh",
        "IV.5 · Cơ quan báo chí tỉnh",
    ]


def test_a_short_name_prefect_refuses_falls_back_to_the_full_name() -> None:
    assert safe_name("Sở LĐTB&XH", "Sở Lao động – Thương binh và Xã hội") == (
        "Sở Lao động – Thương binh và Xã hội"
    )
    assert safe_name("A/B") == "A∕B"


def test_tags_are_the_plan_and_every_agency_of_the_responsibility(plan: Plan) -> None:
    press = plan.responsibilities[4]
    assert responsibility_tags(plan, press) == [
        "nt-2024-so-ket-vi-nguoi-ngheo",
        "BAO_NT",
        "DAI_PTTH",
    ]
    everyone = responsibility_tags(plan, plan.responsibilities[0])
    assert len(everyone) == 1 + 26 + 7 and "THUAN_NAM" in everyone


def test_a_step_done_late_reads_hoan_thanh_muon_not_plain_success() -> None:
    late = "đã hoàn thành quá hạn 2 ngày làm việc"
    assert status_words(Health.DONE_LATE, late) == "hoàn thành muộn 2 ngày làm việc"
    assert status_words(Health.OVERDUE, "chưa hoàn thành, quá hạn") == "chưa hoàn thành, quá hạn"


def test_run_names_are_ascii_for_the_run_graphs_font() -> None:
    moment = "2024-04-10T01:00:00+00:00"
    assert responsibility_run_name({"responsibility_id": "IV.3", "as_of": moment}) == (
        "IV.3 · 08:00 10/04/2024"
    )
    assert plan_run_name({"plan_id": "nt-2024", "as_of": moment}) == "nt-2024 · 08:00 10/04/2024"
    assert plan_run_name({"as_of": moment}) == "08:00 10/04/2024"
    assert send_task_run_name({"as_of": moment}) == "Gui nhac viec · 08:00 10/04/2024"
    assert ascii_only("Đề xuất · Sở LĐTB&XH") == "De xuat · So LDTB&XH"


def test_artifact_keys_keep_only_what_prefect_allows() -> None:
    assert (
        artifact_key("nt-2024-so-ket-vi-nguoi-ngheo", "IV.3")
        == "nt-2024-so-ket-vi-nguoi-ngheo-iv-3"
    )
