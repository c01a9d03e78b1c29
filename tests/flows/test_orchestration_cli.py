"""`kehoach demo`, `replay`, `dashboard` and `serve` as a person runs them: Vietnamese only."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from sqlalchemy import func, select

from flows import prefect_env
from flows.sandbox import MARKER
from kehoach.cli.main import _run, app
from kehoach.services.context import AppContext
from kehoach.store.outbox_tables import ReminderItemRow


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def kehoach(kehoach_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch):
    # The commands point Prefect's variables at their home; give them back afterwards.
    for name in ["PREFECT_HOME", *prefect_env.SERVER_DEFAULTS, *prefect_env.QUIET]:
        if name in os.environ:
            monkeypatch.setenv(name, os.environ[name])
        else:
            monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> Result:
        code = _run(lambda: app(list(args), standalone_mode=False))
        captured = capsys.readouterr()
        AppContext.use(None)
        return Result(code, captured.out, captured.err)

    return run


def test_the_demo_refuses_a_home_that_holds_real_data(kehoach, kehoach_home: Path) -> None:
    kehoach_home.mkdir(parents=True)
    (kehoach_home / "kehoach.store").write_bytes(b"")
    result = kehoach("demo", "--prefect", "khong")
    assert result.code == 2
    assert "không ghi đè dữ liệu thật" in result.err and "mktemp" in result.err


def test_the_demo_tells_the_story_day_by_day_then_sums_up(kehoach, kehoach_home: Path) -> None:
    result = kehoach("demo", "--prefect", "khong")
    assert result.code == 0, result.err
    assert result.err == "" and "Traceback" not in result.out
    out = result.out
    assert out.index("Dòng thời gian") < out.index("Tổng hợp cuối kỳ")
    assert "10/04/2024 (Thứ Tư)" in out and "Đã chốt ngày hội nghị" in out
    assert "18/04/2024 (Thứ Năm)" in out and "ngày nghỉ (Giỗ Tổ Hùng Vương)" in out
    assert "✉ 1 việc có vướng mắc → Sở Nội vụ" in out  # not the agency that reported it
    assert "Tình hình lúc 17:00 03/05/2024: Tổng số 54 bước" in out
    assert (kehoach_home / MARKER).exists() and list((kehoach_home / "hop-thu").iterdir())
    again = kehoach("demo", "--prefect", "khong")
    assert again.code == 0 and again.out.count("Dòng thời gian") == 1


def test_a_replay_runs_in_its_own_sandbox_and_leaves_the_real_data_alone(
    kehoach, seeded: AppContext, kehoach_home: Path
) -> None:
    result = kehoach(
        "replay",
        "--plan",
        "nt-2024-so-ket-vi-nguoi-ngheo",
        "--from",
        "2024-04-08",
        "--to",
        "12/04/2024",
        "--prefect",
        "khong",
    )
    assert result.code == 0, result.err
    assert "10/04/2024 (Thứ Tư)" in result.out and "chưa chốt ngày tổ chức" in result.out
    sandbox = kehoach_home / "replay" / "nt-2024-so-ket-vi-nguoi-ngheo"
    assert list((sandbox / "hop-thu").iterdir())
    with seeded.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ReminderItemRow)) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("replay", "--from", "2024-04-08", "--to", "2024-04-09"), "--plan MÃ"),
        (("replay", "--plan", "x", "--file", "y.yaml"), "Cần đúng một trong hai"),
        (("replay", "--file", "khong-co.yaml", "--to", "2024-04-09"), "Không tìm thấy tệp"),
        (("demo", "--prefect", "doi-khi"), "--prefect 'doi-khi' không hợp lệ"),
        (("serve", "--at", "8h"), "--at '8h' không hợp lệ"),
    ],
)
def test_bad_options_get_a_vietnamese_message_and_exit_2(kehoach, args, message) -> None:
    result = kehoach(*args)
    assert result.code == 2 and message in result.err
    assert "Traceback" not in result.err


def test_serve_without_a_plan_says_what_to_do(kehoach, context: AppContext) -> None:
    result = kehoach("serve")
    assert result.code == 2 and "kehoach load" in result.err


def test_the_dashboard_refuses_a_port_already_taken(kehoach) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = kehoach("dashboard", "--port", str(port))
    assert result.code == 2 and f"127.0.0.1:{port}" in result.err and "--port" in result.err


def test_a_work_pool_needs_a_shared_server(kehoach, seeded: AppContext, monkeypatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = kehoach("serve", "--work-pool", "tinh")
    assert result.code == 2 and "PREFECT_API_URL" in result.err
