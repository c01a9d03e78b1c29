"""Scenario files: checked against the schema and the plan, problems named by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.scenario import ScenarioError, ScenarioFile, Update
from kehoach.paths import bundled_config_dir, seed_plan_path
from kehoach.services.context import AppContext
from kehoach.store.planfile import LoadedPlan, load_plan_file

DEMO = bundled_config_dir() / "scenarios" / "ninh-thuan-2024-demo.yaml"

HEADER = """title: Thử
plan: nt-2024-so-ket-vi-nguoi-ngheo
start: 2024-03-15
end: 2024-05-03
actions:
"""


@pytest.fixture(scope="module")
def seed() -> LoadedPlan:
    return load_plan_file(seed_plan_path())


def _problems(tmp_path: Path, text: str, seed: LoadedPlan) -> str:
    path = tmp_path / "kich-ban.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        ScenarioFile(path).checked(seed.plan, seed.calendar)
    assert "Traceback" not in raised.value.message
    return raised.value.message


def test_the_shipped_demo_scenario_fits_the_seed_plan(seed: LoadedPlan) -> None:
    scenario = ScenarioFile(DEMO).checked(seed.plan, seed.calendar)
    kinds = {action.do for action in scenario.actions}
    assert kinds == {"update", "resolve", "extend", "confirm_event"}
    assert any(isinstance(a, Update) and a.status == "blocked" for a in scenario.actions)
    assert (scenario.start.month, scenario.end.month) == (3, 5)


def test_an_unknown_action_is_reported_on_its_line_in_vietnamese(
    tmp_path: Path, seed: LoadedPlan
) -> None:
    text = HEADER + "  - {day: 2024-03-18, do: nop_bai, step: IV.2.programme}\n"
    message = _problems(tmp_path, text, seed)
    assert "kich-ban.yaml:6 actions[0]" in message
    assert (
        "'do' phải là một trong: update, resolve, extend, confirm_event, receive, not_applicable"
        in message
    )


def test_typos_and_bad_values_are_each_located(tmp_path: Path, seed: LoadedPlan) -> None:
    text = HEADER + (
        "  - {day: 2024-03-18, do: update, step: IV.2.programme, status: xong}\n"
        "  - {day: 2024-03-19, do: resolve, step: IV.2.programme, ghi_chu: x}\n"
    )
    message = _problems(tmp_path, text, seed)
    assert "kich-ban.yaml:6 actions[0].status: phải là một trong:" in message
    assert "kich-ban.yaml:7 actions[1].ghi_chu: khóa không có trong lược đồ" in message


def test_steps_agencies_and_days_are_checked_against_the_plan(
    tmp_path: Path, seed: LoadedPlan
) -> None:
    text = HEADER + (
        "  - {day: 2024-06-01, do: update, step: IV.2.programe, status: done, by: SLD}\n"
    )
    message = _problems(tmp_path, text, seed)
    assert "actions[0].day: ngày 01/06/2024 nằm ngoài khoảng start–end" in message
    assert "actions[0].step: kế hoạch không có bước 'IV.2.programe'" in message
    assert "actions[0].by: cơ quan không có trong danh mục: 'SLD'" in message


def test_a_scenario_for_another_plan_is_refused(tmp_path: Path, seed: LoadedPlan) -> None:
    text = HEADER.replace("nt-2024-so-ket-vi-nguoi-ngheo", "kh-khac").replace(
        "actions:\n", "actions: []\n"
    )
    assert "dành cho kế hoạch 'kh-khac'" in _problems(tmp_path, text, seed)


def test_a_missing_file_is_a_plain_message(context: AppContext, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="Không tìm thấy tệp kịch bản"):
        ScenarioFile(tmp_path / "khong-co.yaml")


def test_a_receipt_and_a_void_step_can_be_replayed_and_a_missing_reason_is_located(
    tmp_path: Path, seed: LoadedPlan
) -> None:
    path = tmp_path / "kich-ban.yaml"
    path.write_text(
        HEADER
        + "  - {day: 2024-03-28, do: receive, step: IV.2.award_proposals, by: SNV}\n"
        + "  - {day: 2024-03-29, do: not_applicable, step: IV.2.budget_estimate,\n"
        + "     note: Không cần}\n",
        encoding="utf-8",
    )
    receive, void = ScenarioFile(path).checked(seed.plan, seed.calendar).actions
    assert receive.form(seed.plan.plan.id).receiver == "SNV"
    assert void.form(seed.plan.plan.id).note == "Không cần"
    text = HEADER + "  - {day: 2024-03-29, do: not_applicable, step: IV.2.budget_estimate}\n"
    assert "kich-ban.yaml:6 actions[0].note" in _problems(tmp_path, text, seed)
