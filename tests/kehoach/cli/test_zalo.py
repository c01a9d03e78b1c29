"""Seeding the Zalo token pair from Zalo's OAuth answer; tokens are only ever shown masked."""

from __future__ import annotations

import io
import json

import pytest

from kehoach.cli.main import _run, app
from kehoach.services.context import AppContext
from notifications.zalo_tokens import SqlTokenStore

ANSWER = {
    "access_token": "ACCESS-abcdefghijkl",
    "refresh_token": "REFRESH-mnopqrstu",
    "expires_in": "90000",
}


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str, *args: str
):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = _run(lambda: app(list(args), standalone_mode=False))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_token_pair_is_seeded_from_standard_input_and_shown_masked(
    context: AppContext, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = run(monkeypatch, capsys, json.dumps(ANSWER), "zalo", "token", "4321")
    assert code == 0 and "Đã lưu mã truy cập Zalo cho OA 4321" in output
    assert "ACCESS-abcdefghijkl" not in output and "REFRESH" not in output
    pair = SqlTokenStore(context.database.engine).get("4321")
    assert pair is not None and pair.refresh_token == "REFRESH-mnopqrstu"
    code, output = run(monkeypatch, capsys, "", "zalo", "status", "4321")
    assert code == 0 and "ACC…kl" in output and "ACCESS-abcdefghijkl" not in output


def test_a_malformed_answer_is_refused_and_nothing_is_stored(
    context: AppContext, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = run(monkeypatch, capsys, '{"access_token": "x"}', "zalo", "token", "4321")
    assert code == 2 and "refresh_token" in output
    assert SqlTokenStore(context.database.engine).get("4321") is None
    code, output = run(monkeypatch, capsys, "", "zalo", "status", "4321")
    assert code == 2 and "Chưa có mã truy cập Zalo cho OA 4321" in output


def test_status_flags_an_oa_that_needs_reauthorising_and_a_new_pair_clears_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], context: AppContext
) -> None:
    run(monkeypatch, capsys, json.dumps(ANSWER), "zalo", "token", "OA1")
    SqlTokenStore(context.database.engine).mark("OA1", "needs_auth", "Zalo từ chối mã làm mới")
    code, out = run(monkeypatch, capsys, "", "zalo", "status", "OA1")
    assert code == 0 and "Cần cấp lại quyền: Zalo từ chối mã làm mới." in out
    run(monkeypatch, capsys, json.dumps(ANSWER), "zalo", "token", "OA1")
    code, out = run(monkeypatch, capsys, "", "zalo", "status", "OA1")
    assert "Tình trạng: hoạt động bình thường." in out
