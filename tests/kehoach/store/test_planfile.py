"""Plan files: what is accepted, and how each kind of mistake is reported (file, line, path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kehoach.errors import PlanFileError, UserError
from kehoach.store.planfile import load_plan_file

MINIMAL = Path(__file__).resolve().parents[2] / "data" / "minimal_plan.yaml"


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = MINIMAL.read_text(encoding="utf-8")
    assert old in text, f"the fixture no longer contains {old!r}"
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(PlanFileError) as caught:
        load_plan_file(path)
    return caught.value.problems


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_the_minimal_plan_and_the_seed_plan_are_valid(seed_path: Path) -> None:
    assert load_plan_file(MINIMAL).plan.plan.id == "kh-thu-nghiem"
    assert load_plan_file(seed_path).plan.plan.id == "nt-2024-so-ket-vi-nguoi-ngheo"


def test_an_unknown_lead_agency_is_named_with_its_line_and_path(tmp_path: Path) -> None:
    path = broken(tmp_path, "lead: SNV", "lead: SNV2")
    [problem] = problems_of(path)
    line = line_of(path, "lead: SNV2")
    assert problem == (
        f"plan.yaml:{line} responsibilities[0].steps[1].lead: "
        "cơ quan không có trong danh mục: 'SNV2'"
    )


def test_a_misspelt_key_is_refused_not_ignored(tmp_path: Path) -> None:
    path = broken(tmp_path, "        title: Dự thảo báo cáo", "        titel: Dự thảo báo cáo")
    problems = problems_of(path)
    line = line_of(path, "titel:")
    assert f"plan.yaml:{line} responsibilities[0].steps[1].titel: khóa không có trong lược đồ" in (
        problems[0] + problems[-1]
    ) or any(p.startswith(f"plan.yaml:{line} responsibilities[0].steps[1].titel") for p in problems)
    assert any("thiếu trường bắt buộc" in p and "steps[1].title" in p for p in problems)


def test_a_duplicate_step_id_is_reported_at_both_places(tmp_path: Path) -> None:
    path = broken(tmp_path, "id: R1.report", "id: R1.programme")
    problems = problems_of(path)
    assert sum("mã bước 'R1.programme' bị trùng" in p for p in problems) == 2


def test_a_dependency_cycle_is_reported_with_the_whole_loop(tmp_path: Path) -> None:
    path = broken(
        tmp_path,
        "        deadline: {before_event: 10}",
        "        depends_on: [R1.report]\n        deadline: {before_event: 10}",
    )
    problems = problems_of(path)
    assert any(
        "thành vòng" in p and "R1.programme → R1.report → R1.programme" in p for p in problems
    )


def test_a_deadline_after_the_event_needs_follow_up(tmp_path: Path) -> None:
    path = broken(tmp_path, "deadline: {before_event: 2}", "deadline: {after_event: 2}")
    [problem] = problems_of(path)
    assert "responsibilities[1].steps[0].deadline" in problem
    assert "rơi sau ngày hội nghị 25/04/2024" in problem
    assert "follow_up: true" in problem
    follow_up = broken(
        tmp_path,
        "deadline: {before_event: 2}",
        "deadline: {after_event: 2}\n        follow_up: true",
    )
    assert load_plan_file(follow_up).plan.responsibilities[1].steps[0].follow_up


def test_an_impossible_date_is_refused(tmp_path: Path) -> None:
    path = broken(tmp_path, "assumed_date: 2024-04-25", "assumed_date: 2024-02-30")
    problems = problems_of(path)
    line = line_of(path, "assumed_date")
    assert any(
        p.startswith(f"plan.yaml:{line} event.assumed_date: ngày không hợp lệ") for p in problems
    )


def test_an_empty_title_is_refused(tmp_path: Path) -> None:
    path = broken(tmp_path, "title: Cử đại biểu", 'title: "  "')
    [problem] = problems_of(path)
    assert "responsibilities[1].steps[0].title: không được để trống" in problem


def test_a_step_needs_a_lead_or_a_fan_out_but_not_both(tmp_path: Path) -> None:
    path = broken(
        tmp_path, "        fan_out: [districts]", "        fan_out: [districts]\n        lead: SLD"
    )
    [problem] = problems_of(path)
    assert "responsibilities[1].steps[0]" in problem and "lead (chủ trì) hoặc fan_out" in problem


def test_an_unknown_group_in_a_fan_out_is_reported(tmp_path: Path) -> None:
    path = broken(tmp_path, "fan_out: [districts]", "fan_out: [communes]")
    [problem] = problems_of(path)
    assert "fan_out[0]: nhóm cơ quan không có trong danh mục: 'communes'" in problem


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = broken(tmp_path, "  title: Kế hoạch thử nghiệm", "  title: [Kế hoạch thử nghiệm")
    [problem] = problems_of(path)
    assert problem.startswith("plan.yaml:") and "YAML không hợp lệ" in problem


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="Không tìm thấy tệp kế hoạch"):
        load_plan_file(tmp_path / "khong-co.yaml")


def test_a_tentative_month_and_an_assumed_date_must_agree(tmp_path: Path) -> None:
    path = broken(tmp_path, 'tentative_month: "2024-04"', 'tentative_month: "2024-05"')
    [problem] = problems_of(path)
    assert "không thuộc tháng dự kiến 2024-05" in problem


def test_times_written_without_quotes_are_read_as_times(tmp_path: Path) -> None:
    path = broken(
        tmp_path, "  assumed_date: 2024-04-25", "  assumed_date: 2024-04-25\n  start_time: 14:00"
    )
    assert str(load_plan_file(path).plan.events[0].start_time) == "14:00:00"
