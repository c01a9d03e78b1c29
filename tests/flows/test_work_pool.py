"""`kehoach deploy` and a province on several machines, all on loopback.

The quick tests register to the session's Prefect test server and check the refusals; the
PostgreSQL test starts what a province runs: PostgreSQL for kehoach and for Prefect, a
Prefect server on it, a process work pool with two workers (`prefect worker start`), and
checks that a scheduled sweep and a coordinator's form are picked up and done, every
notice sent once.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.settings import PREFECT_API_URL

from flows.server import free_port
from flows.workpool import pool_deployments
from kehoach.cli.main import run
from kehoach.services.context import AppContext

PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"


def deploy(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(["deploy", *args])
    AppContext.use(None)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def shared_server(monkeypatch: pytest.MonkeyPatch) -> str:
    """The session's Prefect server, named the way a province names its shared one."""
    url = str(PREFECT_API_URL.value())
    monkeypatch.setenv("PREFECT_API_URL", url)
    return url


class _Answers(http.server.BaseHTTPRequestHandler):
    """Not Prefect: a proxy asking for a password, or a page that is not the API."""

    def do_GET(self) -> None:
        self.send_response(401 if self.path.startswith("/api/") else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def not_prefect() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_deploy_without_a_shared_server_says_which_setting_to_set(
    seeded: AppContext, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    code, _, err = deploy(capsys)
    assert code == 2 and "Chưa đặt PREFECT_API_URL" in err and "Traceback" not in err


def test_deploy_to_a_server_that_does_not_answer_names_the_address_and_the_setting(
    seeded: AppContext, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    monkeypatch.setenv("PREFECT_API_URL", f"http://nhacviec:mat-khau@127.0.0.1:{port}/api")
    code, _, err = deploy(capsys)
    assert code == 2 and "Không kết nối được máy chủ Prefect" in err
    assert f"http://127.0.0.1:{port}/api (PREFECT_API_URL)" in err
    assert "mat-khau" not in err  # a password written into the address is never shown


def test_deploy_behind_a_password_names_the_client_setting(
    seeded: AppContext,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    not_prefect: str,
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", f"{not_prefect}/api")
    code, _, err = deploy(capsys)
    assert code == 2 and "yêu cầu đăng nhập" in err and "PREFECT_API_AUTH_STRING" in err


def test_deploy_to_an_address_that_is_not_the_api_says_it_must_end_in_api(
    seeded: AppContext,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    not_prefect: str,
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", not_prefect)
    code, _, err = deploy(capsys)
    assert code == 2 and "mã HTTP 404" in err and "/api" in err


def test_deploy_refuses_a_pool_of_another_type_and_registers_nothing(
    seeded: AppContext, capsys: pytest.CaptureFixture[str], shared_server: str
) -> None:
    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="tinh-docker", type="docker"), overwrite=True)
    code, _, err = deploy(capsys, "--pool", "tinh-docker")
    assert code == 2 and "thuộc loại 'docker', không phải 'process'" in err and "--pool" in err
    with get_client(sync_client=True) as client:
        assert list(pool_deployments(client, "tinh-docker")) == []


def test_deploy_creates_the_pool_then_updates_in_place_when_run_again(
    seeded: AppContext, capsys: pytest.CaptureFixture[str], shared_server: str
) -> None:
    code, first, err = deploy(capsys, "--pool", "tinh-moi")
    assert code == 0, err
    assert "Đã tạo work pool 'tinh-moi' (loại process)" in first
    assert f"  • Quét kế hoạch/{PLAN_ID} — lịch 08:00 mọi ngày làm việc, giờ Việt Nam" in first
    assert "prefect worker start --pool tinh-moi --type process" in first
    with get_client(sync_client=True) as client:
        registered = sorted(d.id for d in pool_deployments(client, "tinh-moi"))
        assert client.read_work_pool("tinh-moi").type == "process"
    code, again, err = deploy(capsys, "--pool", "tinh-moi")
    assert code == 0, err
    assert "Dùng work pool 'tinh-moi' (loại process) đã có" in again
    assert f"Mới 0, cập nhật {len(registered)}." in again
    with get_client(sync_client=True) as client:
        assert sorted(d.id for d in pool_deployments(client, "tinh-moi")) == registered


def _extra_deployment(flow_name: str, name: str, pool: str) -> None:
    from prefect.types.entrypoint import EntrypointType

    from flows.plan import plan_flow

    extra = plan_flow.with_options(name=flow_name).to_deployment(
        name=name, work_pool_name=pool, entrypoint_type=EntrypointType.MODULE_PATH
    )
    extra.apply()


def test_deploy_removes_what_a_reloaded_plan_no_longer_has_and_keeps_other_plans(
    seeded: AppContext, capsys: pytest.CaptureFixture[str], shared_server: str
) -> None:
    assert deploy(capsys, "--pool", "tinh-cu")[0] == 0
    _extra_deployment("IV.9 · Nhiệm vụ đã bỏ", PLAN_ID, "tinh-cu")
    _extra_deployment("Quét kế hoạch", "kh-khac-2024", "tinh-cu")
    code, out, err = deploy(capsys, "--pool", "tinh-cu")
    assert code == 0, err
    removed = f"Đã gỡ 1 deployment không còn trong kế hoạch:\n  • IV.9 · Nhiệm vụ đã bỏ/{PLAN_ID}"
    assert removed in out
    with get_client(sync_client=True) as client:
        names = {d.name for d in pool_deployments(client, "tinh-cu")}
    assert "kh-khac-2024" in names
