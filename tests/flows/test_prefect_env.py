"""Prefect's settings and the sandboxes: a person's own choices win, real data is never touched."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from prefect import flow
from prefect.settings import PREFECT_CLIENT_CSRF_SUPPORT_ENABLED

from flows import prefect_env, sandbox
from kehoach.errors import UserError


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ["PREFECT_HOME", *prefect_env.SERVER_DEFAULTS, *prefect_env.QUIET]:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_prefect_lives_in_kehoachs_home_and_a_persons_other_choices_win(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert prefect_env.configure(tmp_path / "prefect") is None
    assert os.environ["PREFECT_HOME"] == str(tmp_path / "prefect")
    assert os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL" not in os.environ
    clean_env.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "true")
    prefect_env.configure(tmp_path / "prefect", quiet=True)
    assert os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "true"
    assert os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] == "CRITICAL"


def test_a_persons_own_prefect_home_is_set_aside_and_the_command_says_so(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Before, the demo forced its own home while `dashboard` honoured this one: the
    # dashboard then showed none of the demo's runs (issue 14).
    clean_env.setenv("PREFECT_HOME", "/srv/prefect")
    own = prefect_env.configure(tmp_path / "prefect")
    assert os.environ["PREFECT_HOME"] == str(tmp_path / "prefect")
    assert own == "/srv/prefect"
    notice = prefect_env.home_notice(own, tmp_path / "prefect")
    assert notice is not None and "không dùng PREFECT_HOME=/srv/prefect" in notice
    assert "PREFECT_API_URL" in notice
    assert prefect_env.configure(tmp_path / "prefect") is None  # already kehoach's own


def test_a_second_demo_replaces_the_first_and_keeps_other_files(tmp_path: Path) -> None:
    sandbox.prepare_demo_home(tmp_path)
    (tmp_path / "kehoach.store").write_bytes(b"cu")
    (tmp_path / "prefect").mkdir()
    (tmp_path / "ghi-chu.txt").write_text("của người dùng")
    sandbox.prepare_demo_home(tmp_path)
    assert not (tmp_path / "kehoach.store").exists() and not (tmp_path / "prefect").exists()
    assert (tmp_path / "ghi-chu.txt").exists()


def test_the_demo_never_runs_over_a_real_database(tmp_path: Path) -> None:
    (tmp_path / "kehoach.store").write_bytes(b"that")
    with pytest.raises(UserError, match="không ghi đè dữ liệu thật"):
        sandbox.prepare_demo_home(tmp_path)
    assert (tmp_path / "kehoach.store").read_bytes() == b"that"


def test_a_sandbox_ignores_the_real_channels_and_database(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KEHOACH_APPRISE_CONFIG", str(tmp_path / "kenh.yaml"))
    monkeypatch.setenv("KEHOACH_DATABASE_URL", "postgresql://u:p@db/kehoach")
    settings = sandbox.sandbox_settings(tmp_path / "hop")
    assert settings.apprise_config is None
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path / 'hop' / 'kehoach.store'}"


@flow(name="Thử CSRF con", persist_result=False)
def _child() -> int:
    return 1


@flow(name="Thử CSRF", persist_result=False)
def _parent() -> int:
    return int(_child())


def _paths_requested(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path the API clients request (passed through to the real server)."""
    seen: list[str] = []
    for kind in (httpx.Client, httpx.AsyncClient):
        original = kind.send

        def spying(self: Any, request: httpx.Request, *args: Any, _send: Any = original,
                   **kwargs: Any) -> Any:  # fmt: skip
            seen.append(request.url.path)
            return _send(self, request, *args, **kwargs)

        monkeypatch.setattr(kind, "send", spying)
    return seen


def test_the_demos_client_asks_its_own_server_for_no_csrf_token(monkeypatch) -> None:
    seen = _paths_requested(monkeypatch)
    _parent()
    assert any(path.endswith("/csrf-token") for path in seen)  # Prefect's default, per client
    seen.clear()
    with prefect_env.own_server_client():
        assert _parent() == 1
    assert seen and not any(path.endswith("/csrf-token") for path in seen)


def test_a_server_with_csrf_protection_turned_on_keeps_the_clients_tokens(monkeypatch) -> None:
    monkeypatch.setenv("PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED", "true")
    with prefect_env.own_server_client():
        assert PREFECT_CLIENT_CSRF_SUPPORT_ENABLED.value() is True
