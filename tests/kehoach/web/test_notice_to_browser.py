"""End to end: a reminder delivered to a real SMTP server carries the agency's link; the
link opened in headless Chromium shows the agency's page; the form filled and sent there
lands in the database as the agency's own report."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from kehoach.services.context import AppContext
from kehoach.services.sweep import sweep
from kehoach.store.tables import EventRow, StepRow
from tests.kehoach.conftest import at
from tests.kehoach.web.conftest import Web
from tests.smtp_sink import SmtpSink, agency_address

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
LINK = re.compile(r"http://127\.0\.0\.1:\d+/a/[A-Za-z0-9_\-.]+")


def delivered_link(mailer: AppContext, web: Web, smtp_sink: SmtpSink, agency: str) -> str:
    sweep(mailer, at(10), clock=lambda: web.clock[0])
    [message] = smtp_sink.to(agency_address(agency))
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    [link] = LINK.findall(text)
    assert f'href="{link}"' in html
    return link


def test_a_reminders_link_carries_the_agency_to_its_own_page_without_writing(
    mailer: AppContext, web: Web, smtp_sink: SmtpSink
) -> None:
    link = delivered_link(mailer, web, smtp_sink, "NINH_SON")
    assert link.startswith(web.url + "/a/")
    page = httpx.get(link)
    assert page.status_code == 200 and "Ủy ban nhân dân huyện Ninh Sơn" in page.text


@pytest.mark.browser
@pytest.mark.skipif(
    not CHROMIUM.exists() or shutil.which("chromium") is None,
    reason="cần Chromium của Debian tại /usr/bin/chromium (apt-get install chromium)",
)
def test_an_official_reports_from_the_reminders_link_in_a_browser(
    mailer: AppContext, web: Web, smtp_sink: SmtpSink
) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    link = delivered_link(mailer, web, smtp_sink, "NINH_SON")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            page.goto(link)
            page.get_by_text("Gửi báo cáo tham luận", exact=False).first.click()
            page.select_option("#status", "submitted")
            page.fill("#note", "Đã gửi tham luận về Sở LĐTB&XH")
            page.fill("#link", "https://vanban.ninhthuan.gov.vn/ninh-son/tham-luan.pdf")
            page.get_by_role("button", name="Gửi báo cáo").click()
            page.get_by_text("Đã ghi nhận nội dung cơ quan gửi").wait_for(timeout=30_000)
            shown = page.inner_text("body")
        finally:
            browser.close()
    assert "qua liên kết của cơ quan" in shown
    with web.context.database.transaction() as session:
        row = session.scalar(select(StepRow).where(StepRow.key == "IV.1.presentations@NINH_SON"))
        event = session.scalar(select(EventRow).order_by(EventRow.id.desc()).limit(1))
        assert row is not None and event is not None
        assert row.progress == "submitted"
        assert (event.actor, event.data["via"]) == ("NINH_SON", "link")
        assert event.link == "https://vanban.ninhthuan.gov.vn/ninh-son/tham-luan.pdf"
