"""Plan-file mistakes told to a non-programmer: YAML errors, the comma trap, dates, warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from kehoach.cli.main import _run, app
from kehoach.errors import PlanFileError
from kehoach.services.context import AppContext
from kehoach.store.planfile import load_plan_file

MINIMAL = Path(__file__).resolve().parents[2] / "data" / "minimal_plan.yaml"


def written(tmp_path: Path, old: str, new: str) -> Path:
    text = MINIMAL.read_text(encoding="utf-8")
    assert old in text, f"the fixture no longer contains {old!r}"
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def only_problem(path: Path) -> str:
    with pytest.raises(PlanFileError) as caught:
        load_plan_file(path)
    [problem] = caught.value.problems
    return problem


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def column_of(path: Path, needle: str) -> int:
    line = next(line for line in path.read_text(encoding="utf-8").splitlines() if needle in line)
    return line.index(needle) + 1


def test_a_tab_used_for_indenting_is_named_and_the_fix_given(tmp_path: Path) -> None:
    path = written(tmp_path, "  - {code: SNV,", "\t- {code: SNV,")
    problem = only_problem(path)
    assert problem.startswith(
        f"plan.yaml:{line_of(path, chr(9))}: YAML không hợp lệ (cột 1): có ký tự Tab"
    )
    assert "thay mỗi Tab bằng dấu cách" in problem


def test_an_unclosed_quote_points_at_the_line_where_it_opens(tmp_path: Path) -> None:
    path = written(tmp_path, "title: Kế hoạch thử nghiệm", 'title: "Kế hoạch thử nghiệm')
    problem = only_problem(path)
    line = line_of(path, '"Kế hoạch')
    assert problem.startswith(f"plan.yaml:{line}: YAML không hợp lệ (cột 10): ")
    assert f"dấu nháy kép mở ở dòng {line} chưa được đóng" in problem


def test_a_misaligned_key_is_explained_as_indentation(tmp_path: Path) -> None:
    path = written(tmp_path, "  title: Kế hoạch thử nghiệm", " title: Kế hoạch thử nghiệm")
    problem = only_problem(path)
    assert "thụt lề" in problem and "thẳng cột" in problem


def test_a_colon_inside_a_value_is_explained_with_quotes(tmp_path: Path) -> None:
    path = written(tmp_path, "title: Xây dựng chương trình", "title: Xây dựng: chương trình")
    problem = only_problem(path)
    assert problem.startswith(f"plan.yaml:{line_of(path, 'Xây dựng: chương')}: ")
    assert "dấu hai chấm" in problem and "dấu nháy kép" in problem


def test_a_key_written_twice_is_an_error_not_silently_the_last(tmp_path: Path) -> None:
    path = written(
        tmp_path, "  title: Kế hoạch thử nghiệm", "  title: Kế hoạch thử nghiệm\n  title: Khác"
    )
    first, second = line_of(path, "Kế hoạch thử nghiệm"), line_of(path, "title: Khác")
    assert only_problem(path) == (
        f"plan.yaml:{second} (cột 3): khóa 'title' được ghi hai lần trong cùng một khối "
        f"(lần đầu ở dòng {first}): bỏ hoặc gộp một trong hai"
    )


def test_the_comma_trap_in_braces_is_explained_at_its_line(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        "{code: districts, name: UBND các huyện}",
        "{code: districts, name: UBND các huyện, thành phố}",
    )
    where = f"{line_of(path, 'thành phố')} (cột {column_of(path, 'thành phố')})"
    assert only_problem(path) == (
        f"plan.yaml:{where}: dấu phẩy trong giá trị của 'name' khiến YAML "
        "hiểu 'thành phố' là một khóa mới; đặt giá trị trong dấu nháy kép: "
        'name: "UBND các huyện, thành phố"'
    )


def test_the_same_value_in_quotes_loads(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        "{code: districts, name: UBND các huyện}",
        '{code: districts, name: "UBND các huyện, thành phố"}',
    )
    assert load_plan_file(path).plan.groups[0].name == "UBND các huyện, thành phố"


def test_a_date_written_day_first_is_explained_in_the_form_wanted(tmp_path: Path) -> None:
    path = written(tmp_path, "assumed_date: 2024-04-25", "assumed_date: 25/04/2024")
    problem = only_problem(path)
    assert problem == (
        f"plan.yaml:{line_of(path, '25/04/2024')} event.assumed_date: ngày '25/04/2024' phải "
        "viết theo dạng năm-tháng-ngày: 2024-04-25"
    )


def test_a_valid_plan_has_no_warnings() -> None:
    assert load_plan_file(MINIMAL).warnings == ()


def test_a_fixed_deadline_on_a_sunday_is_a_warning_not_an_error(tmp_path: Path) -> None:
    # 21/04/2024 is a Sunday.
    path = written(tmp_path, "deadline: {before_event: 10}", "deadline: {date: 2024-04-21}")
    [warning] = load_plan_file(path).warnings
    assert warning.startswith(
        f"plan.yaml:{line_of(path, '2024-04-21')} responsibilities[0].steps[0].deadline: "
        "hạn 21/04/2024 là Chủ nhật, chuyển sang Thứ Hai 22/04/2024"
    )


def test_an_event_on_a_holiday_is_a_warning(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        'tentative_month: "2024-04"\n  assumed_date: 2024-04-25',
        'tentative_month: "2024-04"\n  assumed_date: 2024-04-30',
    )
    warnings = load_plan_file(path).warnings
    assert any("event.assumed_date: ngày hội nghị 30/04/2024 là ngày nghỉ" in w for w in warnings)


def test_a_step_that_is_the_event_itself_is_suggested_as_the_event(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        "title: Cử đại biểu\n        fan_out: [districts]\n        depends_on: [R1.programme]\n"
        "        deadline: {before_event: 2}",
        "title: Tổ chức Hội nghị sơ kết\n        fan_out: [districts]\n"
        "        depends_on: [R1.programme]\n        deadline: {before_event: 0}",
    )
    [warning] = load_plan_file(path).warnings
    assert "responsibilities[1].steps[0].title: bước 'Tổ chức Hội nghị sơ kết'" in warning
    assert "có hạn đúng ngày hội nghị 25/04/2024: đây là chính sự kiện" in warning


def test_a_group_with_no_member_is_a_warning(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        "  - {code: districts, name: UBND các huyện}",
        "  - {code: districts, name: UBND các huyện}\n  - {code: communes, name: UBND các xã}",
    )
    [warning] = load_plan_file(path).warnings
    assert warning.startswith(
        f"plan.yaml:{line_of(path, 'communes')} groups[1].code: "
        "nhóm 'UBND các xã' chưa có cơ quan nào"
    )


def test_validate_prints_warnings_and_exits_0(
    context: AppContext, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = written(tmp_path, "deadline: {before_event: 10}", "deadline: {date: 2024-04-21}")
    code = _run(lambda: app(["validate", str(path)], standalone_mode=False))
    out = capsys.readouterr().out
    assert code == 0
    assert "hợp lệ" in out
    assert "Cảnh báo: plan.yaml:" in out and "21/04/2024 là Chủ nhật" in out


def test_load_prints_the_same_warnings(
    context: AppContext, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = written(tmp_path, "deadline: {before_event: 10}", "deadline: {date: 2024-04-21}")
    code = _run(lambda: app(["load", str(path)], standalone_mode=False))
    out = capsys.readouterr().out
    assert code == 0
    assert "Đã nạp mới kế hoạch kh-thu-nghiem" in out and "Cảnh báo:" in out


def test_a_misspelt_key_is_given_the_closest_key_of_the_schema(tmp_path: Path) -> None:
    path = written(tmp_path, "        title: Dự thảo báo cáo", "        titel: Dự thảo báo cáo")
    with pytest.raises(PlanFileError) as caught:
        load_plan_file(path)
    assert (
        f"plan.yaml:{line_of(path, 'titel:')} responsibilities[0].steps[1].titel: khóa không có "
        "trong lược đồ (gõ sai tên?); có phải 'title'?"
    ) in caught.value.problems


def test_a_misspelt_key_in_a_nested_block_is_matched_against_that_block(tmp_path: Path) -> None:
    path = written(tmp_path, "deadline: {before_event: 10}", "deadline: {befor_event: 10}")
    with pytest.raises(PlanFileError) as caught:
        load_plan_file(path)
    assert any(p.endswith("có phải 'before_event'?") for p in caught.value.problems)
