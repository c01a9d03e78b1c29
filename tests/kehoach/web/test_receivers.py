"""Receivers and conditional steps on the agencies' pages: a receiver confirms receipt
through its link (also from the receipt request it was e-mailed), a lead declares a
conditional step "không phát sinh" with its reason; each refusal writes nothing.

The seed plan as tests/kehoach/services/test_receipts.py shapes it: its award proposals
(led by SLDTBXH, received by SNV) complete on receipt, its budget estimate is conditional.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from kehoach.services import tracking
from kehoach.services.context import AppContext
from kehoach.services.links import step_path
from kehoach.services.sweep import sweep
from kehoach.store.tables import StepRow
from models.health import Progress
from notifications.links import RECEIPT_INTRO
from tests.kehoach.conftest import at
from tests.kehoach.services.test_receipts import AWARDS, BUDGET, PLAN, receipt_seed
from tests.kehoach.web.conftest import Web, events, used_forms
from tests.kehoach.web.test_actions import forms_of, last_event, step_url
from tests.smtp_sink import SmtpSink, agency_address

STEP_LINK = re.compile(r"http://127\.0\.0\.1:\d+/a/[A-Za-z0-9_\-.]+/buoc/[^\s\"<]+")


@pytest.fixture
def seed_path(tmp_path: Path) -> Path:
    return receipt_seed(tmp_path / "ke-hoach-nhan.yaml")


def submit(context: AppContext) -> None:
    with context.database.transaction() as session:
        tracking.record_progress(session, AWARDS, Progress.SUBMITTED, at(27, 3, 15), by="SLDTBXH")


def step_row(context: AppContext, key: str) -> StepRow:
    with context.database.transaction() as session:
        row = session.scalar(select(StepRow).where(StepRow.plan_id == PLAN, StepRow.key == key))
        assert row is not None
        session.expunge(row)
        return row


def test_the_receivers_page_lists_a_delivered_step_waiting_for_its_confirmation(
    web: Web, client: httpx.Client
) -> None:
    def card() -> str:
        page = client.get(web.page_link("SNV")).text
        return page[page.index(step_path(PLAN, AWARDS)) :].split("</a>")[0]

    # SNV cooperates on the award proposals (a department) and receives them.
    assert "Phối hợp ·" not in card() and "Chờ Quý cơ quan" not in card()
    submit(web.context)
    assert "Phối hợp, nhận sản phẩm" in card()
    assert "Chờ Quý cơ quan xác nhận đã nhận" in card()


def test_a_receiver_confirms_receipt_through_its_link(web: Web, client: httpx.Client) -> None:
    submit(web.context)
    forms = forms_of(web, client, "SNV", AWARDS)
    # A receiver's link offers none of the lead's actions (SNV also cooperates).
    assert set(forms) == {"phoi-hop", "da-nhan"}
    action, token = forms["da-nhan"]
    answer = client.post(web.url + action, data={"form": token, "note": "Đã nhận hồ sơ"})
    assert answer.status_code == 303
    event = last_event(web)
    assert (event.kind, event.actor, event.note) == ("receipt_confirmed", "SNV", "Đã nhận hồ sơ")
    assert event.data["via"] == "link" and event.at == web.clock[0]
    row = step_row(web.context, AWARDS)
    assert row.received_at == web.clock[0] and row.progress == "done"
    shown = client.get(web.url + answer.headers["location"]).text
    assert "Sản phẩm đã được xác nhận đã nhận lúc" in shown
    assert "xác nhận đã nhận — Sở Nội vụ (qua liên kết của cơ quan)" in shown


def test_a_receivers_link_cannot_take_the_leads_actions(web: Web, client: httpx.Client) -> None:
    submit(web.context)
    action, token = forms_of(web, client, "SNV", AWARDS)["da-nhan"]
    before = events(web.context), used_forms(web.context)
    for lead_action in ("tien-do", "vuong-mac", "khong-phat-sinh"):
        answer = client.post(
            web.url + action.replace("da-nhan", lead_action),
            data={"form": token, "status": "done", "note": "Không phát sinh"},
        )
        assert answer.status_code == 404, lead_action
    assert (events(web.context), used_forms(web.context)) == before


def test_the_leads_link_may_not_confirm_receipt(web: Web, client: httpx.Client) -> None:
    submit(web.context)
    forms = forms_of(web, client, "SLDTBXH", AWARDS)
    assert (
        "da-nhan" not in forms
        and "Xác nhận đã nhận" not in client.get(step_url(web, "SLDTBXH", AWARDS)).text
    )
    action, token = forms["tien-do"]
    before = events(web.context), used_forms(web.context)
    answer = client.post(web.url + action.replace("tien-do", "da-nhan"), data={"form": token})
    assert answer.status_code == 404
    assert (events(web.context), used_forms(web.context)) == before
    assert step_row(web.context, AWARDS).received_at is None


def test_a_receipt_before_the_lead_submits_is_refused_in_vietnamese(
    web: Web, client: httpx.Client
) -> None:
    page = client.get(step_url(web, "SNV", AWARDS)).text
    assert "Cơ quan chủ trì chưa báo đã nộp sản phẩm" in page
    # No button yet; a hand-made POST is refused by the service itself.
    action, token = web.forms(page)["phoi-hop"]
    before = events(web.context), used_forms(web.context)
    answer = client.post(web.url + action.replace("phoi-hop", "da-nhan"), data={"form": token})
    assert answer.status_code == 400
    assert "cơ quan chủ trì chưa báo đã nộp sản phẩm" in answer.text
    assert (events(web.context), used_forms(web.context)) == before


def test_the_lead_declares_a_conditional_step_not_arising_with_its_reason(
    web: Web, client: httpx.Client
) -> None:
    action, token = forms_of(web, client, "SLDTBXH", BUDGET)["khong-phat-sinh"]
    before = events(web.context), used_forms(web.context)
    empty = client.post(web.url + action, data={"form": token, "note": "  "})
    assert empty.status_code == 400 and "Chưa điền lý do không phát sinh." in empty.text
    assert (events(web.context), used_forms(web.context)) == before
    reason = "Kinh phí đã bố trí trong dự toán chung"
    answer = client.post(web.url + action, data={"form": token, "note": reason})
    assert answer.status_code == 303
    event = last_event(web)
    assert (event.kind, event.actor, event.note) == ("not_applicable", "SLDTBXH", reason)
    assert event.data["via"] == "link"
    assert step_row(web.context, BUDGET).progress == "not_applicable"


def test_not_arising_is_refused_in_vietnamese_on_a_step_that_is_not_conditional(
    web: Web, client: httpx.Client
) -> None:
    forms = forms_of(web, client, "SLDTBXH", AWARDS)
    assert "khong-phat-sinh" not in forms
    action, token = forms["tien-do"]
    before = events(web.context), used_forms(web.context)
    answer = client.post(
        web.url + action.replace("tien-do", "khong-phat-sinh"),
        data={"form": token, "note": "Không phát sinh"},
    )
    assert answer.status_code == 400
    assert "không phải nhiệm vụ phát sinh khi cần" in answer.text
    assert (events(web.context), used_forms(web.context)) == before


def test_a_receipt_request_links_to_the_step_where_the_receiver_confirms(
    mailer: AppContext, web: Web, smtp_sink: SmtpSink
) -> None:
    submit(mailer)
    sweep(mailer, at(28, 3), clock=lambda: web.clock[0])
    [message] = [
        m for m in smtp_sink.to(agency_address("SNV")) if "28/03/2024" in str(m["Subject"])
    ]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    [link] = STEP_LINK.findall(text)
    assert link.endswith(step_path(PLAN, AWARDS)) and f'href="{link}"' in html
    # It invites the receiver to confirm, not to report progress.
    assert (
        f"{RECEIPT_INTRO}\n{link}" in text.replace("\r\n", "\n")
        and "<strong>Xác nhận đã nhận</strong>" in html
    )
    assert "Báo cáo tiến độ" not in html
    with httpx.Client(timeout=30) as client:
        page = client.get(link)
        assert page.status_code == 200 and "Xác nhận đã nhận" in page.text
        action, token = web.forms(page.text)["da-nhan"]
        answer = client.post(web.url + action, data={"form": token}, follow_redirects=False)
    assert answer.status_code == 303
    assert (last_event(web).kind, last_event(web).actor) == ("receipt_confirmed", "SNV")
