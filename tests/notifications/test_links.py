"""The agency's link in each channel: e-mail bodies, a Zalo OA button, a ZNS parameter."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from models.digest import Digest, compose_digest
from notifications.email import Envelope, carrying
from notifications.links import (
    LINK_INTRO,
    RECEIPT_INTRO,
    html_with_link,
    oa_button,
    text_with_link,
)
from tests.models.test_digest import NOW, SOON
from tests.notifications import test_zalo
from tests.notifications.test_zalo import OA_ID, USER, send, zalo_url
from tests.notifications.zalo_standin import ZaloStandIn

# The Zalo stand-in and its token store, wired as in test_zalo.py.
standin, store, wired = test_zalo.standin, test_zalo.store, test_zalo.wired

LINK = "https://kehoach.ninhthuan.gov.vn/a/WyJOSU5IX1NPTiIsMSwxNzE1MzA1NjAwXQ.abc"
SENT = dt.datetime(2024, 4, 10, 1, 0, tzinfo=dt.UTC)


def envelope(link: str = LINK) -> Envelope:
    return Envelope("khoa-thu", "NINH_SON", "UBND huyện Ninh Sơn", "Nhắc việc", "Nội dung",
                    "<html><body><p>Nội dung</p></body></html>", SENT, link=link)  # fmt: skip


def test_the_text_and_html_bodies_end_with_the_link_before_nothing_else() -> None:
    text = text_with_link("Kính gửi: UBND huyện Ninh Sơn\n\nTrân trọng./.\n", LINK)
    assert text.endswith(f"{LINK_INTRO}\n{LINK}\n")
    body = html_with_link("<html><body><p>Trân trọng./.</p></body></html>", LINK)
    assert f'<a href="{LINK}">' in body and body.endswith("</body></html>")
    assert text_with_link("Nội dung", "") == "Nội dung"


def test_an_oa_message_carries_the_link_as_a_button_on_its_last_part(
    standin: ZaloStandIn,
) -> None:
    with carrying(envelope()):
        result, plugin = send(zalo_url(standin), "Nhắc việc: " + "nội dung dài. " * 300)
    assert result and plugin.last_error is None
    messages = [r.json["message"] for r in standin.of_kind("message")]
    assert len(messages) > 1 and all("attachment" not in m for m in messages[:-1])
    [button] = messages[-1]["attachment"]["payload"]["buttons"]
    assert button["type"] == "oa.open.url" and button["payload"]["url"] == LINK
    assert len(button["title"]) <= 35
    assert all(r.json["recipient"]["user_id"] == USER for r in standin.of_kind("message"))


def test_a_zns_template_gets_the_link_in_its_parameter_and_keeps_its_tracking_id(
    standin: ZaloStandIn,
) -> None:
    query = urlencode({"zns": standin.base_url, "oauth": standin.base_url,
                       "link_param": "lien_ket"})  # fmt: skip
    url = f"zns://{standin.app_id}:{standin.secret_key}@{OA_ID}/mau01/84912345678?{query}"
    for link in (LINK, LINK + "moi"):
        with carrying(envelope(link)):
            result, _ = send(url, "Nhắc việc ngày 10/04/2024")
        assert result
    first, retry = (r.json for r in standin.of_kind("zns"))
    assert (first["template_data"]["lien_ket"], retry["template_data"]["lien_ket"]) == (
        LINK, LINK + "moi")  # fmt: skip
    assert first["tracking_id"] == retry["tracking_id"]


def test_a_receipt_requests_step_link_asks_to_confirm_in_every_channel() -> None:
    step_link = LINK + "/buoc/nt-2024-so-ket-vi-nguoi-ngheo/IV.2.award_proposals"
    assert text_with_link("Nội dung", step_link).endswith(f"{RECEIPT_INTRO}\n{step_link}\n")
    body = html_with_link("<html><body></body></html>", step_link)
    assert "<strong>Xác nhận đã nhận</strong>" in body and LINK_INTRO not in body
    [button] = oa_button(step_link)["payload"]["buttons"]  # type: ignore[index]
    assert button["title"] == "Xác nhận đã nhận" and button["payload"]["url"] == step_link
    assert oa_button(LINK)["payload"]["buttons"][0]["title"] == "Báo cáo tiến độ"  # type: ignore[index]


def test_the_leads_closing_request_points_at_its_own_link_with_the_contact_as_fallback() -> None:
    digest = lead_digest()
    text = text_with_link(digest.text, LINK)
    assert "báo Sở LĐTB&XH để cập nhật tiến độ" not in text
    assert (
        "Khi hoàn thành, đề nghị Quý cơ quan báo cáo trực tiếp qua địa chỉ riêng của Quý cơ "
        "quan ở cuối thư để cập nhật tiến độ, không nhận nhắc lại; nếu không mở được địa chỉ "
        "đó, xin báo Sở LĐTB&XH theo đầu mối liên hệ dưới đây." in text
    )
    assert "Đầu mối liên hệ: Đồng chí" in text and text.endswith(f"{LINK}\n")
    body = html_with_link(digest.html, LINK)
    assert "địa chỉ riêng của Quý cơ quan ở cuối thư" in body and "Sở LĐTB&amp;XH" in body


def test_without_a_link_or_with_a_receipt_link_the_closing_request_is_unchanged() -> None:
    digest = lead_digest()
    unchanged = "Khi hoàn thành, đề nghị Quý cơ quan báo Sở LĐTB&XH để cập nhật tiến độ"
    assert unchanged in text_with_link(digest.text, "")
    receipt = "https://kehoach.ninhthuan.gov.vn/a/abc/buoc/kh/IV.2.speech"
    assert unchanged in text_with_link(digest.text, receipt)


def lead_digest() -> Digest:
    """A notice to a lead (Sở Nội vụ) about a step due soon, composed as the outbox does."""
    return compose_digest("SNV", "Sở Nội vụ", [SOON], NOW)
