"""`kehoach da-nhan` and `kehoach khong-phat-sinh`: Vietnamese answers, exit code 2 on refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.kehoach.services.test_receipts import AWARDS, BUDGET, receipt_seed


@pytest.fixture
def kehoach(kehoach, tmp_path: Path):
    """The shared CLI fixture (tests/kehoach/conftest.py), with the receipt plan loaded."""
    assert kehoach("load", str(receipt_seed(tmp_path / "kh.yaml"))).code == 0
    return kehoach


def step_json(kehoach, key: str) -> dict[str, object]:
    steps = json.loads(kehoach("status", "--json").out)["steps"]
    return next(s for s in steps if s["step"] == key)


def test_a_receiver_confirms_receipt_by_name_and_the_step_is_done(kehoach) -> None:
    sent = kehoach(
        "update", AWARDS, "--status", "đã nộp", "--by", "SLDTBXH", "--at", "2024-03-27T15:00"
    )
    assert sent.code == 0
    assert "chờ xác nhận đã nhận" in step_json(kehoach, AWARDS)["health_label"]
    result = kehoach("da-nhan", AWARDS, "--by", "Sở Nội vụ", "--note", "Đã nhận đủ hồ sơ")
    assert result.code == 0, result.err
    assert result.out == (
        "Đã ghi nhận: Sở Nội vụ xác nhận đã nhận sản phẩm của nhiệm vụ IV.2 – Đề xuất các tập "
        "thể, cá nhân có thành tích tiêu biểu xuất sắc xét trình Chủ tịch Ủy ban nhân dân tỉnh "
        "khen thưởng (thông qua Sở Nội vụ). Nhiệm vụ được ghi là đã hoàn thành.\n"
    )
    after = step_json(kehoach, AWARDS)
    assert (after["health"], after["completed_at"]) == ("done_on_time", "2024-03-27T08:00:00+00:00")


def test_a_receipt_from_an_agency_that_does_not_receive_it_exits_2(kehoach) -> None:
    kehoach("update", AWARDS, "--status", "đã nộp", "--by", "SLDTBXH", "--at", "2024-03-27T15:00")
    result = kehoach("da-nhan", AWARDS, "--by", "STP")
    assert result.code == 2
    assert "không phải nơi nhận sản phẩm của bước (nơi nhận: Sở Nội vụ)" in result.err
    assert "Traceback" not in result.err
    assert step_json(kehoach, AWARDS)["completed_at"] is None


def test_khong_phat_sinh_answers_in_vietnamese_and_shows_in_the_status(kehoach) -> None:
    result = kehoach(
        "khong-phat-sinh", BUDGET, "--by", "SLDTBXH", "--note", "Dùng kinh phí đã được giao"
    )
    assert result.code == 0, result.err
    assert result.out.startswith("Đã ghi nhận: nhiệm vụ IV.2 – Xây dựng dự toán kinh phí")
    assert "không phát sinh (lý do: Dùng kinh phí đã được giao)" in result.out
    assert BUDGET not in result.out
    assert step_json(kehoach, BUDGET)["health_label"] == "không phát sinh"
    table = kehoach("status")
    assert "không phát sinh: 1" in table.out


def test_khong_phat_sinh_on_a_step_that_is_not_conditional_exits_2(kehoach) -> None:
    result = kehoach("khong-phat-sinh", AWARDS, "--note", "Không có")
    assert result.code == 2
    assert "bước này không phải nhiệm vụ phát sinh khi cần" in result.err
    assert kehoach("khong-phat-sinh", BUDGET).code == 2  # the note is mandatory
