"""Email through Apprise's mailto:// URLs to a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import apprise
import pytest

from notifications.email import Envelope, NotifyKehoachEmail, carrying
from notifications.sender import Channels, Outgoing, read_results
from tests.smtp_sink import SMTP_PASSWORD, SmtpSink, write_channels

ENVELOPE = Envelope(
    key="3f2a9c0d1e7b4a55",
    recipient="SNV",
    recipient_name="Sở Nội vụ",
    subject="Nhắc việc ngày 15/04/2024: 1 việc quá hạn, 1 việc sắp đến hạn",
    text="Kính gửi: Sở Nội vụ\n\n1. [Quá hạn 3 ngày làm việc] Xây dựng dự thảo Báo cáo sơ kết\n",
    html="<p>Kính gửi: <strong>Sở Nội vụ</strong></p><p>Quá hạn 3 ngày làm việc</p>",
    sent_at=dt.datetime(2024, 4, 15, 1, 0, tzinfo=dt.UTC),
)
TO = "snv@ninhthuan.gov.vn"


def send(url: str, envelope: Envelope | None = ENVELOPE) -> apprise.AppriseResult:
    channel = apprise.Apprise()
    assert channel.add(url)
    channel[0].request_rate_per_sec = 0
    if envelope is None:
        return channel.notify(body="Nội dung thử", title="Thư thử tiếng Việt")
    with carrying(envelope):
        return channel.notify(body="bản ngắn")


def test_mailto_urls_are_served_by_the_kehoach_email_plugin(smtp_sink: SmtpSink) -> None:
    assert isinstance(apprise.Apprise.instantiate(smtp_sink.url(TO)), NotifyKehoachEmail)


def test_an_email_arrives_with_a_vietnamese_subject_and_both_bodies(smtp_sink: SmtpSink) -> None:
    assert send(smtp_sink.url(TO))
    [message] = smtp_sink.to(TO)
    assert message["Subject"] == ENVELOPE.subject
    assert "=?utf-8?" in message.as_string().split("\n\n", 1)[0]  # encoded on the wire
    plain = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert plain == ENVELOPE.text
    assert message.get_body(("html",)).get_content().strip() == ENVELOPE.html
    assert message["From"].addresses[0].display_name == "Sở LĐTB&XH Ninh Thuận"
    assert message["Date"].datetime == ENVELOPE.sent_at
    assert message["Auto-Submitted"] == "auto-generated"


def test_a_long_vietnamese_subject_keeps_every_space_between_its_words(
    smtp_sink: SmtpSink,
) -> None:
    subject = "Nhắc việc ngày 17/04/2024: 2 việc quá hạn, 1 việc sắp đến hạn, 3 việc đổi hạn"
    assert send(smtp_sink.url(TO), replace(ENVELOPE, subject=subject))
    [message] = smtp_sink.to(TO)
    assert message["Subject"] == subject


def test_the_message_id_is_derived_from_the_message_key_and_never_changes(
    smtp_sink: SmtpSink,
) -> None:
    send(smtp_sink.url(TO))
    send(smtp_sink.url(TO))  # a retry of the same outbox message
    ids = [m["Message-ID"] for m in smtp_sink.to(TO)]
    assert ids == ["<kehoach.3f2a9c0d1e7b4a55@ninhthuan.gov.vn>"] * 2


def test_without_an_outbox_envelope_the_plugin_behaves_like_apprise_s_own(
    smtp_sink: SmtpSink,
) -> None:
    assert send(smtp_sink.url(TO), envelope=None)
    [message] = smtp_sink.to(TO)
    assert message["Subject"] == "Thư thử tiếng Việt"
    assert not message["Message-ID"].startswith("<kehoach.")


def test_a_mail_server_that_is_down_is_a_failure_worth_retrying(smtp_sink: SmtpSink) -> None:
    smtp_sink.stop()
    channel = apprise.Apprise()
    channel.add(smtp_sink.url(TO))
    with carrying(ENVELOPE):
        result = channel.notify(body="bản ngắn")
    assert not result  # Apprise 2.x: a result object, falsy on failure, never False itself
    [outcome] = read_results(result, list(channel))
    assert not outcome.ok and not outcome.permanent
    assert outcome.error is not None and "Không kết nối được tới máy chủ thư" in outcome.error


def test_a_refused_mailbox_is_a_permanent_failure(smtp_sink: SmtpSink) -> None:
    smtp_sink.refuse.add(TO)
    channel = apprise.Apprise()
    channel.add(smtp_sink.url(TO))
    with carrying(ENVELOPE):
        [outcome] = read_results(channel.notify(body="bản ngắn"), list(channel))
    assert outcome.permanent and outcome.error is not None
    assert f"từ chối địa chỉ nhận {TO} (mã 550)" in outcome.error


@pytest.mark.filterwarnings("ignore:Session.login_data is deprecated")
def test_a_wrong_password_is_permanent_and_never_repeated_in_the_error(
    smtp_login_sink: SmtpSink,
) -> None:
    good = smtp_login_sink.url(TO, user="nhacviec", password=SMTP_PASSWORD)
    assert send(good)
    channel = apprise.Apprise()
    channel.add(smtp_login_sink.url(TO, user="nhacviec", password="Sai-matkhau-77"))
    with carrying(ENVELOPE):
        [outcome] = read_results(channel.notify(body="bản ngắn"), list(channel))
    assert outcome.permanent and "từ chối đăng nhập (mã 535)" in (outcome.error or "")
    assert "Sai-matkhau-77" not in f"{outcome}" and "****" in outcome.url


def test_an_optional_service_that_failed_is_reported_as_failed_not_as_success(
    smtp_sink: SmtpSink,
) -> None:
    smtp_sink.stop()
    channel = apprise.Apprise()
    channel.add(smtp_sink.url(TO) + "&optional=yes")
    with carrying(ENVELOPE):
        result = channel.notify(body="bản ngắn")
    assert result  # the trap: Apprise counts an optional failure as success
    [outcome] = read_results(result, list(channel))
    assert outcome.optional and not outcome.ok


def test_channels_send_the_envelope_to_every_service_of_the_tag(
    smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    config = write_channels(
        tmp_path / "kenh.yaml",
        [
            {"url": smtp_sink.url(TO), "tag": "SNV"},
            {"url": smtp_sink.url("vanthu@ninhthuan.gov.vn"), "tag": "SNV, SLDTBXH"},
        ],
    )
    channels = Channels.load(config, tmp_path / "hop-thu")
    results = channels.deliver(Outgoing(ENVELOPE, "bản ngắn"))
    assert [r.ok for r in results] == [True, True]
    assert {m["To"] for m in smtp_sink.messages} == {TO, "vanthu@ninhthuan.gov.vn"}
    skip = {results[0].url}
    again = channels.deliver(Outgoing(ENVELOPE, "bản ngắn"), skip)
    assert len(again) == 1 and len(smtp_sink.messages) == 3
