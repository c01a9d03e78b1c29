"""What agencies report through their links reaches the coordinator in its next digest: one
section, each report once, an extension request with how to answer it."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

import httpx
import pytest

from kehoach.services.context import AppContext
from kehoach.services.sweep import sweep
from tests.kehoach.conftest import run_cli
from tests.kehoach.web.conftest import Web
from tests.kehoach.web.test_coordinator_answers import submit
from tests.smtp_sink import SmtpSink, agency_address

SECTION = "Các cơ quan đã tự báo cáo qua liên kết"
COORDINATOR = agency_address("SLDTBXH")


def bodies(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    return text, html


def test_a_link_report_and_an_extension_request_show_in_the_coordinators_next_digest(
    mailer: AppContext, web: Web, client: httpx.Client, smtp_sink: SmtpSink
) -> None:
    submit(web, client, "tien-do", status="submitted", note="Đã gửi bản tham luận")
    web.clock[0] += dt.timedelta(minutes=30)
    submit(web, client, "gia-han", to="2024-04-19", note="Chờ số liệu của xã")
    sweep(mailer, web.clock[0], clock=lambda: web.clock[0])
    [message] = smtp_sink.to(COORDINATOR)
    text, html = bodies(message)
    for body in (text, html):
        assert SECTION in body
        assert "Ủy ban nhân dân huyện Ninh Sơn" in body
        assert "Nhiệm vụ IV.1 – " in body and "IV.1.presentations" not in body
        assert "áo cáo tiến độ: đã nộp; ghi chú: “Đã gửi bản tham luận”" in body
        assert "10/04/2024 09:00" in body and "10/04/2024 09:30" in body
        assert "ề xuất gia hạn đến ngày 19/04/2024; lý do: “Chờ số liệu của xã”" in body
        assert "“Ý kiến về đề xuất gia hạn”" in body and "kehoach" not in body.split(SECTION)[1]
    assert "2 báo cáo của cơ quan qua liên kết" in str(message["Subject"])


def test_each_report_is_listed_once_and_not_again_the_day_after(
    mailer: AppContext, web: Web, client: httpx.Client, smtp_sink: SmtpSink
) -> None:
    submit(web, client, "tien-do", status="in_progress", note="Đang tổng hợp")
    sweep(mailer, web.clock[0], clock=lambda: web.clock[0])
    assert SECTION in bodies(smtp_sink.to(COORDINATOR)[0])[0]
    web.clock[0] += dt.timedelta(days=1)
    sweep(mailer, web.clock[0], clock=lambda: web.clock[0])
    later = smtp_sink.to(COORDINATOR)[1:]
    assert all(SECTION not in bodies(message)[0] for message in later)
    # A new report the next day is listed, alone.
    submit(web, client, "vuong-mac", note="Thiếu kinh phí in ấn")
    sweep(mailer, web.clock[0] + dt.timedelta(hours=1), clock=lambda: web.clock[0])
    text = bodies(smtp_sink.to(COORDINATOR)[-1])[0]
    assert SECTION in text and "áo khó khăn, vướng mắc; nội dung: “Thiếu kinh phí in ấn”" in text
    assert "Đang tổng hợp" not in text


def test_kehoach_reminders_and_a_dry_run_name_a_link_report_in_vietnamese(
    mailer: AppContext, web: Web, client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    submit(web, client, "tien-do", status="in_progress")
    moment = web.clock[0].isoformat()
    dry = run_cli(capsys, "sweep", "--dry-run", "--as-of", moment)
    assert dry.code == 0, dry.err
    assert "cơ quan báo cáo qua liên kết" in dry.out
    sweep(mailer, web.clock[0], clock=lambda: web.clock[0])
    listed = run_cli(capsys, "reminders")
    assert listed.code == 0, listed.err
    assert "cơ quan báo cáo qua liên kết" in listed.out


def test_the_section_alone_makes_the_coordinators_digest_go_out(
    mailer: AppContext, web: Web, client: httpx.Client, smtp_sink: SmtpSink
) -> None:
    sweep(mailer, web.clock[0], clock=lambda: web.clock[0])  # whatever was due today is sent
    before = len(smtp_sink.to(COORDINATOR))
    web.clock[0] += dt.timedelta(hours=1)
    submit(web, client, "tien-do", status="in_progress")
    sweep(mailer, web.clock[0], clock=lambda: web.clock[0])
    [message] = smtp_sink.to(COORDINATOR)[before:]
    assert str(message["Subject"]).startswith("Thông báo ngày 10/04/2024: 1 báo cáo")
    assert "Báo cáo tiến độ: đang thực hiện." in bodies(message)[0]
