"""The `kehoach` command as a person uses it: Vietnamese output, exit code 2 on bad input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from kehoach.cli.main import run as run_cli
from kehoach.services.context import AppContext
from tests.kehoach.conftest import Result

MINIMAL = Path(__file__).resolve().parents[2] / "data" / "minimal_plan.yaml"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_validate_accepts_the_seed_plan(kehoach, seed_path: Path) -> None:
    result = kehoach("validate", str(seed_path))
    assert result.code == 0
    assert "hợp lệ: kế hoạch nt-2024-so-ket-vi-nguoi-ngheo, 14 bước" in result.out


def test_a_broken_plan_exits_2_with_located_errors_and_no_traceback(
    kehoach, tmp_path: Path
) -> None:
    bad = tmp_path / "plan.yaml"
    bad.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("lead: SNV", "lead: SNV2"), encoding="utf-8"
    )
    result = kehoach("validate", str(bad))
    assert result.code == 2
    assert (
        "plan.yaml:" in result.err and "lead: cơ quan không có trong danh mục: 'SNV2'" in result.err
    )
    assert "Traceback" not in result.err + result.out


def test_a_rejected_load_leaves_the_database_untouched(
    kehoach, context: AppContext, tmp_path: Path
) -> None:
    assert kehoach("load", str(MINIMAL)).code == 0
    database = context.settings.home / "kehoach.store"
    context.database.dispose()
    before = digest(database)
    bad = tmp_path / "plan.yaml"
    bad.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("before_event: 10", "before_event: -1"),
        encoding="utf-8",
    )
    result = kehoach("load", str(bad))
    assert result.code == 2 and "phải lớn hơn hoặc bằng 0" in result.err
    context.database.dispose()
    assert digest(database) == before


def test_load_update_confirm_and_status_json_round_trip(kehoach, seed_path: Path) -> None:
    assert "thêm: 54 bước" in kehoach("load", str(seed_path)).out
    result = kehoach(
        "update",
        "IV.2.programme",
        "--status",
        "done",
        "--by",
        "SLDTBXH",
        "--at",
        "02/04/2024 09:30",
        "--note",
        "Đã trình",
        "--link",
        "https://example.vn/ct.pdf",
    )
    assert (
        result.code == 0
        and "IV.2 – Xây dựng chương trình Hội nghị sơ kết — đã hoàn thành" in result.out
    )
    # Today the 2024 date is in the past: it takes --force (recorded in the event log).
    result = kehoach("event", "confirm", "2024-04-26", "--force")
    assert result.code == 0 and "26/04/2024 (trước đó 25/04/2024)" in result.out
    result = kehoach("status", "--as-of", "2024-04-03", "--json")
    data = json.loads(result.out)
    programme = next(s for s in data["steps"] if s["step"] == "IV.2.programme")
    assert programme["health"] == "done_on_time"
    assert programme["health_label"] == "đã hoàn thành đúng hạn"
    # As of 03/04 the deadline in force was 03/04 (the event moved only later).
    assert programme["deadline"] == "2024-04-03" and programme["first_deadline"] == "2024-04-03"
    assert programme["event_date"] == "2024-04-25"


def test_status_prints_a_vietnamese_table(kehoach, seed_path: Path) -> None:
    kehoach("load", str(seed_path))
    result = kehoach("status", "--as-of", "2024-04-15", "--agency", "SNV")
    assert result.code == 0
    assert "Tình hình thực hiện đến 08:00 15/04/2024" in result.out
    assert "quá hạn" in result.out and "Tổng số" in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("status", "--as-of", "30/02/2024"), "--as-of '30/02/2024' không hợp lệ"),
        (("update", "IV.2.programme", "--status", "xong"), "Trạng thái 'xong' không hợp lệ"),
        (("update", "IV.9.none", "--status", "done"), "Không có bước 'IV.9.none'"),
        (("update", "IV.2.programme", "--status", "done", "--by", "XYZ"), "Cơ quan 'XYZ' không có"),
        (("event", "confirm", "2024-04-20"), "không phải ngày làm việc (Thứ Bảy)"),
        (("extend", "IV.2.speech", "2024-03-01"), "phải sau hạn hiện tại"),
        (("status", "--plan", "khong-co"), "Không có kế hoạch 'khong-co'"),
    ],
)
def test_bad_input_exits_2_with_a_message_naming_what_is_wrong(
    kehoach, seed_path: Path, args, message
) -> None:
    kehoach("load", str(seed_path))
    result = kehoach(*args)
    assert result.code == 2, result.out
    assert message in result.err


def test_schema_prints_a_json_schema_editors_can_use(kehoach, tmp_path: Path) -> None:
    result = kehoach("schema")
    schema = json.loads(result.out)
    assert schema["title"] == "Tệp kế hoạch kehoach"
    assert "responsibilities" in schema["properties"] and schema["additionalProperties"] is False
    shipped = Path(__file__).resolve().parents[3] / "config" / "plan.schema.json"
    assert json.loads(shipped.read_text(encoding="utf-8")) == schema, (
        "run `kehoach schema -o config/plan.schema.json`"
    )


def test_an_unknown_agency_in_status_is_an_error_not_an_empty_table(
    kehoach, seed_path: Path
) -> None:
    kehoach("load", str(seed_path))
    result = kehoach("status", "--agency", "SNV1")
    assert result.code == 2 and "Không có cơ quan 'SNV1'" in result.err and "SNV" in result.err


def test_status_before_any_plan_is_loaded_says_what_to_do(kehoach) -> None:
    result = kehoach("status")
    assert result.code == 0 and "kehoach load" in result.out


def test_confirming_the_date_queues_a_new_deadline_notice_for_open_steps(
    kehoach, seed_path: Path
) -> None:
    kehoach("load", str(seed_path))
    kehoach("update", "IV.2.programme", "--status", "done", "--at", "2024-03-20")
    result = kehoach("event", "confirm", "2024-04-26", "--force")
    assert result.code == 0 and "nhắc việc báo hạn mới chờ gửi" in result.out
    listed = json.loads(kehoach("reminders", "--json").out)
    moved = [r for r in listed["reminders"] if r["rule"] == "deadline_moved"]
    assert moved and all(r["step"] != "IV.2.programme" for r in moved)


# Usage errors: Typer's vendored Click raises them; each must read as Vietnamese, exit 2.


@pytest.fixture
def person(context: AppContext, capsys: pytest.CaptureFixture[str]):
    """`kehoach ARGS` exactly as `main()` runs it: the localized command, named kehoach."""

    def run(*args: str) -> Result:
        code = run_cli(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("validate",), "Lỗi: thiếu tham số FILE (Tệp kế hoạch (YAML))."),
        (("update", "IV.2.programme"), "Lỗi: thiếu tùy chọn --status (Trạng thái mới:"),
        (("vaildate",), "Lỗi: không có lệnh 'vaildate'. Có phải: validate?"),
        (("event", "chot"), "Lỗi: không có lệnh 'chot'."),
        (("status", "--sttus"), "Lỗi: không có tùy chọn --sttus."),
        (("update", "IV.2.programme", "--status"), "tùy chọn --status cần một giá trị đi kèm"),
        (("status", "--json", "x"), "Lỗi: thừa tham số: x."),
        (("dashboard", "--port", "abc"), "Lỗi: giá trị 'abc' không hợp lệ cho tùy chọn --port"),
        ((), "Lỗi: chưa chọn lệnh"),
        (("event",), "Lỗi: chưa chọn lệnh"),
    ],
    ids=[
        "missing-argument",
        "missing-option",
        "unknown-command",
        "unknown-subcommand",
        "unknown-option",
        "option-without-value",
        "extra-argument",
        "bad-value",
        "no-command",
        "no-subcommand",
    ],
)
def test_every_usage_error_is_one_vietnamese_message_with_exit_2(person, args, message) -> None:
    result = person(*args)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err + result.out
    for english in ("Usage:", "Error", "Missing", "No such", "Invalid value", "Try '"):
        assert english not in result.err + result.out


def test_bare_kehoach_lists_the_commands_under_vietnamese_headings(person) -> None:
    result = person()
    assert "Cách dùng: kehoach [TÙY CHỌN] LỆNH [THAM SỐ]..." in result.out
    assert "Lệnh" in result.out and "validate" in result.out


def test_help_frame_is_vietnamese_including_the_help_line_itself(person) -> None:
    result = person("update", "--help")
    assert result.code == 0
    for heading in ("Cách dùng: kehoach update [TÙY CHỌN]", "Tham số", "Tùy chọn", "[bắt buộc]"):
        assert heading in result.out
    assert "Xem hướng dẫn này rồi thoát." in result.out
    assert "<chữ>" in result.out
    for english in ("Usage", "Options", "Arguments", "Show this message", "required", "<str>"):
        assert english not in result.out
    assert "<bool>" not in person("status", "--help").out


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("đang thực hiện", "đang thực hiện"),
        ("Đã gửi", "đã nộp"),
        ("DA HOAN THANH", "đã hoàn thành"),
        ("có vướng mắc", "có vướng mắc"),
        ("submitted", "đã nộp"),
    ],
)
def test_status_is_accepted_in_vietnamese_with_or_without_accents_or_as_a_code(
    person, seed_path: Path, typed, label
) -> None:
    person("load", str(seed_path))
    result = person("update", "IV.2.programme", "--status", typed, "--at", "2024-03-20")
    assert result.code == 0, result.err
    assert "nhiệm vụ IV.2 – Xây dựng chương trình Hội nghị sơ kết" in result.out
    assert f"— {label} (lúc 20/03/2024 08:00)." in result.out


def test_a_refused_status_lists_the_vietnamese_words_to_use(person, seed_path: Path) -> None:
    person("load", str(seed_path))
    result = person("update", "IV.2.programme", "--status", "xong")
    assert result.code == 2
    assert "đang thực hiện, đã nộp, đã hoàn thành, có vướng mắc" in result.err


def test_a_progress_time_is_echoed_in_vietnam_time(person, seed_path: Path) -> None:
    person("load", str(seed_path))
    result = person("update", "IV.2.programme", "--status", "done", "--at", "2024-04-02T02:30Z")
    assert "(lúc 02/04/2024 09:30)" in result.out


@pytest.mark.parametrize("named", ["sldtbxh", "Sở LĐTB&XH", "so lao dong - thuong binh va xa hoi"])
def test_an_agency_is_accepted_by_code_in_any_case_or_by_name(
    person, seed_path: Path, named
) -> None:
    person("load", str(seed_path))
    result = person("update", "IV.2.programme", "--status", "done", "--by", named)
    assert result.code == 0, result.err
    listed = json.loads(person("status", "--agency", named, "--json").out)["steps"]
    assert listed and all("SLDTBXH" in [s["lead"], *s["cooperating"]] for s in listed)


def test_co_quan_lists_the_agencies_of_the_loaded_plan(person, seed_path: Path) -> None:
    person("load", str(seed_path))
    result = person("co-quan", "--json")
    agencies = {a["code"]: a for a in json.loads(result.out)["agencies"]}
    assert len(agencies) > 30
    labour = agencies["SLDTBXH"]
    assert labour["name"] == "Sở Lao động – Thương binh và Xã hội"
    assert labour["short_name"] == "Sở LĐTB&XH" and labour["kind_label"] == "Sở, ngành"
    table = person("co-quan", "--plan", "nt-2024-so-ket-vi-nguoi-ngheo").out
    assert "Danh mục cơ quan" in table and "Tên viết tắt" in table and "SLDTBXH" in table


def test_co_quan_before_any_plan_is_loaded_says_so(person) -> None:
    result = person("co-quan")
    assert result.code == 0 and "Chưa nạp kế hoạch nào" in result.out


def test_lich_2026_prints_the_days_off_and_make_up_days_with_their_basis(person) -> None:
    result = person("lich", "2026")
    assert result.code == 0, result.err
    out = result.out
    assert "Lịch nghỉ lễ, Tết và làm bù năm 2026" in out
    assert "Thứ Sáu, 02/01/2026: Nghỉ hoán đổi, làm bù thứ Bảy 10/01/2026" in out
    assert "Thứ Bảy, 10/01/2026: Làm bù cho thứ Sáu 02/01/2026" in out
    assert "Văn bản số 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ" in out
    assert "Thứ Hai, 16/02/2026: Tết Nguyên đán" in out
    assert out.index("Ngày nghỉ (") < out.index("02/01/2026") < out.index("Ngày làm bù (")
    assert "Ngày nghỉ (Ngày nghỉ" not in out and "Nguyên Đán" not in out


def test_lich_marks_a_day_whose_basis_could_not_be_confirmed(person) -> None:
    out = person("lich", "2026").out
    assert "Thứ Ba, 24/11/2026: Ngày Văn hóa Việt Nam (*)" in out
    assert "Lưu ý: chưa đối chiếu được với văn bản" in out
    assert "Thứ Năm, 01/01/2026: Tết Dương lịch\n" in out


def test_lich_json_lists_each_day_with_its_weekday_basis_and_confirmation(person) -> None:
    days = json.loads(person("lich", "2024", "--json").out)["days"]
    swap = next(x for x in days if x["day"] == "2024-04-29")
    assert swap["weekday"] == "Thứ Hai" and swap["basis_confirmed"] is True
    assert swap["basis"] == ["Văn bản số 2450/VPCP-KGVX ngày 12/04/2024 của Văn phòng Chính phủ"]
    assert [x["day"] for x in days if x["working"]] == ["2024-05-04"]


def test_lich_with_a_plan_adds_the_plans_own_days(person, seed_path: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        seed_path.read_text(encoding="utf-8").replace(
            "  extra_days_off: []",
            "  extra_days_off:\n"
            '    - {day: 2024-04-16, name: "Nghỉ theo Quyết định của UBND tỉnh"}',
        ),
        encoding="utf-8",
    )
    assert person("load", str(plan)).code == 0
    out = person("lich", "2024", "--plan", "nt-2024-so-ket-vi-nguoi-ngheo").out
    assert "Thứ Ba, 16/04/2024: Nghỉ theo Quyết định của UBND tỉnh" in out
    assert "Giỗ Tổ Hùng Vương" in out


@pytest.mark.parametrize(("year", "message"), [("1990", "ngoài khoảng"), ("abc", "'abc'")])
def test_lich_refuses_a_year_without_a_calendar_with_exit_2(person, year, message) -> None:
    result = person("lich", year)
    assert result.code == 2 and message in result.err
