"""`kehoach demo`, `replay`, `dashboard` and `serve` as a person runs them: Vietnamese only."""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from flows import prefect_env
from flows.replay import Day, Replay
from flows.sandbox import MARKER
from flows.server import LocalServer, count_task_runs
from kehoach.cli.demo_report import dashboard_lines
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
    # Agencies report on their own steps through their pages; the coordinator's digest
    # lists those reports; its decisions are its own forms.
    assert "Báo Ninh Thuận (báo qua trang của cơ quan) · Đã ghi nhận" in out
    assert "báo cáo của cơ quan qua liên kết → Sở LĐTB&XH" in out
    assert "Sở Nội vụ · Đã ghi nhận: vướng mắc" in out
    assert "Tình hình lúc 17:00 03/05/2024: Tổng số 54 bước" in out
    assert (kehoach_home / MARKER).exists() and list((kehoach_home / "hop-thu").iterdir())
    # No run went through Prefect: nothing to see with `dashboard`, the forms with `serve`.
    assert "Xem các lượt chạy trên bảng điều khiển" not in out
    assert f"KEHOACH_HOME={kehoach_home} " in out
    assert "Dùng các biểu mẫu điều phối và lịch quét hằng ngày:" in out
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


def test_the_closing_hint_names_the_dashboard_for_the_runs_and_serve_for_the_forms(
    kehoach_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = Replay(days=[Day(dt.date(2024, 4, 10), swept=True, via_prefect=True)])
    lines = [
        line.replace("[bold]", "").replace("[/]", "")
        for line in dashboard_lines(kehoach_home, result)
    ]
    commands = [
        i for i, line in enumerate(lines) if line.startswith(f"  KEHOACH_HOME={kehoach_home} ")
    ]
    dashboard, serve = commands
    assert lines[dashboard].endswith("kehoach dashboard") and lines[serve].endswith("kehoach serve")
    assert lines[dashboard - 1] == "Xem các lượt chạy trên bảng điều khiển Prefect:"
    assert "Runs: các lượt quét" in lines[dashboard + 1]
    assert lines[serve - 1] == "Dùng các biểu mẫu điều phối và lịch quét hằng ngày:"
    assert "Deployments: các biểu mẫu Báo cáo tiến độ" in lines[serve + 1]
    assert "danh sách chọn bước, cơ quan" in lines[serve + 1]


def test_the_demo_and_the_dashboard_use_one_prefect_home_whatever_prefect_home_says(
    kehoach, kehoach_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_HOME", "/srv/prefect-cua-toi")
    demo = kehoach("demo", "--prefect", "khong")
    assert demo.code == 0, demo.err
    demo_home = os.environ["PREFECT_HOME"]
    assert "không dùng PREFECT_HOME=/srv/prefect-cua-toi" in demo.out
    monkeypatch.setenv("PREFECT_HOME", "/srv/prefect-cua-toi")
    with socket.socket() as taken:  # the dashboard stops at the port, after choosing its home
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        board = kehoach("dashboard", "--port", str(taken.getsockname()[1]))
    assert board.code == 2 and "không dùng PREFECT_HOME=/srv/prefect-cua-toi" in board.out
    assert os.environ["PREFECT_HOME"] == demo_home == str(kehoach_home / "prefect")


def test_serve_on_the_demos_home_never_reaches_a_real_channel(
    kehoach, kehoach_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The demo's closing hint suggests `serve` there; its sweeps must stay in the sandbox.
    kehoach_home.mkdir(parents=True)
    (kehoach_home / MARKER).write_text("demo")
    monkeypatch.setenv("KEHOACH_APPRISE_CONFIG", str(tmp_path / "kenh-that.yaml"))
    result = kehoach("serve")
    assert result.code == 2 and "kehoach load" in result.err  # the demo's plan is not loaded
    assert f"thư nhắc việc chỉ ghi vào {kehoach_home / 'hop-thu'}" in result.out
    assert "KEHOACH_APPRISE_CONFIG" not in os.environ  # nor in the runs serve would start


def test_a_replay_through_its_own_server_leaves_every_task_run_for_the_dashboard(
    seeded: AppContext, kehoach_home: Path
) -> None:
    # The replay stops its server without waiting for it to exit, once it has counted
    # every task run recorded; the dashboard's own server then finds them all. Run as a
    # person runs it, in a process of its own: in this one, Prefect's event client may
    # still point at an earlier test's server, and task runs reach a server as events.
    environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    command = [str(Path(sys.executable).parent / "kehoach"), "replay"]
    command += ["--plan", "nt-2024-so-ket-vi-nguoi-ngheo", "--from", "2024-04-09"]
    command += ["--to", "2024-04-10"]
    result = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Prefect: 12 lượt chạy flow, 12 task run" in result.stdout
    with LocalServer(kehoach_home / "prefect") as dashboard:
        assert count_task_runs(dashboard.api_url) == 12


def test_the_demos_server_boots_on_a_copy_of_the_database_it_kept(tmp_path: Path) -> None:
    template = tmp_path / "prefect-mau"
    with LocalServer(tmp_path / "lan-1", template=template) as first:
        assert (template / "prefect.db").is_file() and (template / "memo_store.toml").is_file()
        count_task_runs(first.api_url)
    second = LocalServer(tmp_path / "lan-2", template=template)
    with second:
        assert second.template is None  # seeded from it: nothing new to keep
        assert count_task_runs(second.api_url) == 0
    with sqlite3.connect(tmp_path / "lan-2" / "prefect.db") as copy:
        [(revision,)] = copy.execute("select version_num from alembic_version").fetchall()
    with sqlite3.connect(template / "prefect.db") as kept:
        assert kept.execute("select version_num from alembic_version").fetchall() == [(revision,)]
