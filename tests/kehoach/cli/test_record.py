"""The coordinator's record from the command line: guards, extension requests, closing a plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def kehoach(kehoach, seed_path: Path):
    """The shared CLI fixture (tests/kehoach/conftest.py), with the seed plan loaded."""
    assert kehoach("load", str(seed_path)).code == 0
    return kehoach


def speech(kehoach) -> dict[str, object]:
    steps = json.loads(kehoach("status", "--json").out)["steps"]
    return next(s for s in steps if s["step"] == "IV.2.speech")


def test_an_event_date_before_the_plan_is_refused_in_vietnamese_with_exit_2(kehoach) -> None:
    result = kehoach("event", "confirm", "2020-01-06")
    assert result.code == 2
    assert "06/01/2020 trước ngày ban hành kế hoạch (tháng 03/2024)" in result.err
    assert speech(kehoach)["event_date"] == "2024-04-25"


def test_progress_dated_before_the_plan_is_refused(kehoach) -> None:
    result = kehoach("update", "IV.2.speech", "--status", "done", "--at", "01/01/2020")
    assert result.code == 2 and "trước ngày ban hành kế hoạch" in result.err
    assert speech(kehoach)["progress"] == "not_started"


def test_another_agencys_extension_waits_for_the_coordinators_approval(kehoach) -> None:
    result = kehoach("extend", "IV.2.speech", "19/04/2024", "--by", "SNV")
    assert (
        result.code == 0
        and "Đã ghi nhận đề xuất gia hạn nhiệm vụ IV.2 – Chuẩn bị bài phát biểu" in result.out
    )
    assert speech(kehoach)["extended_to"] is None
    result = kehoach("gia-han", "duyet", "IV.2.speech")
    assert result.code == 0 and "Đã gia hạn nhiệm vụ IV.2 – Chuẩn bị bài phát biểu" in result.out
    assert "đến 19/04/2024" in result.out
    assert speech(kehoach)["deadline_origin"] == "extension"
    result = kehoach("gia-han", "tu-choi", "IV.2.speech")
    assert result.code == 2 and "không có đề xuất gia hạn nào đang chờ" in result.err


def test_closing_the_plan_gives_the_final_word_and_stops_the_counter(kehoach) -> None:
    result = kehoach("ket-thuc", "--at", "30/04/2024 17:00")
    assert result.code == 0
    assert "Đã kết thúc kế hoạch nt-2024-so-ket-vi-nguoi-ngheo ngày 30/04/2024" in result.out
    assert "54 bước chưa hoàn thành" in result.out
    closed = speech(kehoach)
    assert closed["health"] == "not_done"
    # Due 17/04; counted to the close (30/04), not to today: 6 working days late.
    assert str(closed["health_label"]).startswith("không hoàn thành, quá hạn 6 ngày làm việc")
    result = kehoach("update", "IV.2.speech", "--status", "done")
    assert result.code == 2 and "đã kết thúc ngày 30/04/2024" in result.err


def test_status_lists_finished_steps_last(kehoach) -> None:
    kehoach("update", "IV.2.programme", "--status", "done", "--at", "02/04/2024 09:00")
    result = kehoach("status", "--plan", "nt-2024-so-ket-vi-nguoi-ngheo")
    assert result.code == 0
    lines = [line for line in result.out.splitlines() if "IV." in line]
    assert "IV.2.programme" in lines[-1] and "đã hoàn thành đúng hạn" in result.out
    assert "Ngày hội nghị tại thời điểm này — nt-2024-so-ket-vi-nguoi-ngheo: 25/04/2024" in (
        result.out
    )
