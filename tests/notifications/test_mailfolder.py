"""The default channel: readable .eml files in the data directory, through Apprise."""

from __future__ import annotations

import datetime as dt
import os
from email import message_from_bytes, message_from_string, policy
from pathlib import Path

import apprise
import pytest

from notifications.email import Envelope, carrying
from notifications.mailfolder import NotifyMailFolder
from notifications.sender import Channels, Outgoing

ENVELOPE = Envelope(
    key="9c1e54ab77d20f3e",
    recipient="SNV",
    recipient_name="Sở Nội vụ",
    subject="Nhắc việc ngày 20/04/2024: 2 việc quá hạn",
    text="Kính gửi: Sở Nội vụ\n\n1. [Quá hạn 5 ngày làm việc] Thẩm định thành tích\n",
    html="<p>Kính gửi: Sở Nội vụ</p>",
    sent_at=dt.datetime(2024, 4, 22, 0, 30, tzinfo=dt.UTC),
)


def folder_channel(folder: Path) -> apprise.Apprise:
    channel = apprise.Apprise()
    assert channel.add(f"mailfolder://{folder}")
    return channel


def test_a_message_becomes_one_readable_eml_file(tmp_path: Path) -> None:
    folder = tmp_path / "hộp thư"
    with carrying(ENVELOPE):
        assert folder_channel(folder).notify(body="bản ngắn")
    [path] = folder.iterdir()
    assert path.name == "2024-04-22_073000_SNV_9c1e54ab77d20f3e.eml"
    raw = path.read_text(encoding="utf-8")
    assert "Subject: Nhắc việc ngày 20/04/2024: 2 việc quá hạn" in raw  # readable as is
    assert "[Quá hạn 5 ngày làm việc] Thẩm định thành tích" in raw
    message = message_from_string(raw, policy=policy.default)  # RFC 6532 UTF-8 headers
    assert message["Message-ID"] == "<kehoach.9c1e54ab77d20f3e@hop-thu.invalid>"
    assert message["To"].addresses[0].display_name == "Sở Nội vụ"
    parts = message_from_bytes(path.read_bytes(), policy=policy.default)  # 8-bit UTF-8 bodies
    assert parts.get_body(("html",)).get_content().strip() == ENVELOPE.html


def test_a_retried_message_rewrites_its_own_file_instead_of_adding_one(tmp_path: Path) -> None:
    channel = folder_channel(tmp_path)
    with carrying(ENVELOPE):
        channel.notify(body="bản ngắn")
        channel.notify(body="bản ngắn")
    assert len(list(tmp_path.glob("*.eml"))) == 1
    assert not list(tmp_path.glob("*.tmp"))


def test_a_folder_url_must_be_absolute() -> None:
    assert apprise.Apprise.instantiate("mailfolder://hop-thu") is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_folder_is_a_failure_to_retry_with_a_vietnamese_reason(
    tmp_path: Path,
) -> None:
    locked = tmp_path / "khoa"
    locked.mkdir(mode=0o500)
    plugin = NotifyMailFolder(folder=str(locked / "hop-thu"))
    with carrying(ENVELOPE):
        assert plugin.notify(body="bản ngắn") is False
    assert plugin.last_error is not None and not plugin.last_error.permanent
    assert "Không ghi được thư vào thư mục" in plugin.last_error.message


def test_a_file_in_the_way_is_a_failure_to_retry_with_a_vietnamese_reason(tmp_path: Path) -> None:
    blocker = tmp_path / "khong-phai-thu-muc"
    blocker.write_text("x", encoding="utf-8")
    plugin = NotifyMailFolder(folder=str(blocker))
    with carrying(ENVELOPE):
        assert plugin.notify(body="bản ngắn") is False
    assert plugin.last_error is not None and not plugin.last_error.permanent
    assert f"Không ghi được thư vào thư mục {blocker}" in plugin.last_error.message


def test_with_no_channel_file_every_agency_gets_the_mail_folder(tmp_path: Path) -> None:
    channels = Channels.load(None, tmp_path / "hop-thu")
    [service] = channels.services_for("SNV")
    assert isinstance(service, NotifyMailFolder)
    [result] = channels.deliver(Outgoing(ENVELOPE, "bản ngắn"))
    assert result.ok and result.url.startswith(f"mailfolder://{tmp_path}/hop-thu")
    assert len(list((tmp_path / "hop-thu").glob("*_SNV_*.eml"))) == 1


def test_an_agency_without_its_own_channel_falls_back_to_the_mail_folder(tmp_path: Path) -> None:
    config = tmp_path / "kenh.yaml"
    config.write_text(
        "version: 1\nurls:\n  - json://127.0.0.1:9/:\n      tag: SLDTBXH\n", encoding="utf-8"
    )
    channels = Channels.load(config, tmp_path / "hop-thu")
    assert channels.has_channel("SLDTBXH") and not channels.has_channel("SNV")
    assert isinstance(channels.services_for("SNV")[0], NotifyMailFolder)
    assert not isinstance(channels.services_for("SLDTBXH")[0], NotifyMailFolder)
