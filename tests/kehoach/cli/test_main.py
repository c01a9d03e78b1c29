"""The `kehoach` command as a person uses it: Vietnamese output, exit code 2 on bad input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from kehoach.cli.main import _run, app
from kehoach.services.context import AppContext

MINIMAL = Path(__file__).resolve().parents[2] / "data" / "minimal_plan.yaml"


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def kehoach(context: AppContext, capsys: pytest.CaptureFixture[str]):
    def run(*args: str) -> Result:
        code = _run(lambda: app(list(args), standalone_mode=False))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


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
    assert result.code == 0 and "IV.2.programme — đã hoàn thành" in result.out
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
