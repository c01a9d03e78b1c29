"""The Prefect server kehoach starts is never open beyond this machine: without Prefect's
basic authentication it refuses to listen there; with it, nothing answers without the
password, neither the API nor the coordinator's forms (deployment runs)."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from flows.server import CLIENT_AUTH, SERVER_AUTH, LocalServer, auth_headers
from kehoach.cli.main import run
from kehoach.errors import UserError

PASSWORD = "dieuphoi:mat-khau-thu-nghiem"


@pytest.fixture
def no_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SERVER_AUTH, raising=False)
    monkeypatch.delenv(CLIENT_AUTH, raising=False)


@pytest.mark.usefixtures("no_auth")
def test_a_server_beyond_loopback_without_a_password_refuses_to_start(tmp_path: Path) -> None:
    server = LocalServer(tmp_path / "prefect", ui=True, host="0.0.0.0", port=4999)
    with pytest.raises(UserError, match="chưa đặt mật khẩu"):
        server.start()
    assert not server.running()


@pytest.mark.usefixtures("no_auth")
def test_the_dashboard_command_refuses_an_open_address_in_vietnamese(
    kehoach_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["dashboard", "--host", "0.0.0.0"]) == 2
    error = capsys.readouterr().err
    assert "Lỗi: Không mở bảng điều khiển tại địa chỉ 0.0.0.0" in error
    assert "PREFECT_SERVER_API_AUTH_STRING" in error and "Traceback" not in error


def test_with_a_password_nothing_answers_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_auth: None
) -> None:
    monkeypatch.setenv(SERVER_AUTH, PASSWORD)
    with LocalServer(tmp_path / "prefect") as server:
        assert os.environ[CLIENT_AUTH] == PASSWORD  # our own flows authenticate
        runs = httpx.post(f"{server.api_url}/flow_runs/filter", json={}, timeout=10)
        forms = httpx.post(f"{server.api_url}/deployments/filter", json={}, timeout=10)
        allowed = httpx.post(
            f"{server.api_url}/deployments/filter", json={}, headers=auth_headers(), timeout=10
        )
    assert (runs.status_code, forms.status_code) == (401, 401)
    assert allowed.status_code == 200
