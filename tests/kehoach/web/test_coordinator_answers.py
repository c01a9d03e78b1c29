"""The coordinator answers what agencies sent through their links: a report returned with a
reason (trả lại), an extension request agreed or refused; the agency's page shows it."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from flows.forms import ExtensionDecision, ReturnedReport, apply_decision, apply_return
from kehoach.errors import UserError
from kehoach.services.context import AppContext
from kehoach.services.status import statuses
from kehoach.services.sweep import sweep
from kehoach.services.tracking import return_report
from tests.kehoach.web.conftest import Web
from tests.kehoach.web.test_actions import STEP, forms_of, step_url
from tests.smtp_sink import SmtpSink, agency_address


def submit(web: Web, client: httpx.Client, name: str, **data: str) -> None:
    action, token = forms_of(web, client, "NINH_SON")[name]
    assert client.post(web.url + action, data={"form": token, **data}).status_code == 303


def progress_of(web: Web, as_of: dt.datetime) -> str:
    with web.context.database.transaction() as session:
        [status] = [s for s in statuses(session, as_of) if s.key == STEP]
    return status.state.progress.value


def test_a_returned_report_reopens_the_step_and_the_agency_reads_why(
    web: Web, client: httpx.Client
) -> None:
    submit(web, client, "tien-do", status="submitted", note="Bản tham luận")
    submitted_at = web.clock[0]
    web.clock[0] += dt.timedelta(hours=2)
    with web.context.database.transaction() as session:
        form = ReturnedReport(step=STEP, reason="Thiếu số liệu hộ nghèo năm 2023")
        assert "Đã trả lại" in apply_return(session, form, web.clock[0])
    assert progress_of(web, web.clock[0]) == "in_progress"
    assert progress_of(web, submitted_at + dt.timedelta(minutes=1)) == "submitted"
    page = client.get(step_url(web, "NINH_SON")).text
    assert "trả lại báo cáo" in page and "Thiếu số liệu hộ nghèo năm 2023" in page


def test_the_lead_is_told_of_a_return_in_its_next_notice(
    mailer: AppContext, web: Web, client: httpx.Client, smtp_sink: SmtpSink
) -> None:
    submit(web, client, "tien-do", status="submitted", note="Bản tham luận")
    with web.context.database.transaction() as session:
        form = ReturnedReport(step=STEP, reason="Thiếu số liệu hộ nghèo năm 2023")
        apply_return(session, form, web.clock[0])
    sweep(mailer, web.clock[0], clock=lambda: web.clock[0])
    [message] = smtp_sink.to(agency_address("NINH_SON"))
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "cơ quan đầu mối trả lại báo cáo; lý do: Thiếu số liệu hộ nghèo năm 2023" in text
    # Told once: the next sweep has nothing new about it.
    sweep(mailer, web.clock[0] + dt.timedelta(hours=1), clock=lambda: web.clock[0])
    assert len(smtp_sink.to(agency_address("NINH_SON"))) == 1


def test_only_a_report_can_be_returned_and_only_with_a_reason(web: Web) -> None:
    with web.context.database.transaction() as session, pytest.raises(UserError, match="chưa có"):
        return_report(session, STEP, web.clock[0], reason="Thiếu")


def test_an_extension_request_from_a_link_is_agreed_or_refused_from_the_dashboard_form(
    web: Web, client: httpx.Client
) -> None:
    submit(web, client, "gia-han", to="2024-04-19", note="Chờ số liệu của xã")
    with web.context.database.transaction() as session:
        answer = apply_decision(session, ExtensionDecision(step=STEP, agree=True), web.clock[0])
    assert "19/04/2024" in answer
    page = client.get(step_url(web, "NINH_SON")).text
    assert "Hạn: <strong>19/04/2024" in page
    submit(web, client, "gia-han", to="2024-04-23", note="Chờ thêm")
    with web.context.database.transaction() as session:
        refused = apply_decision(session, ExtensionDecision(step=STEP, agree=False), web.clock[0])
    assert "không đồng ý" in refused
    assert "không đồng ý gia hạn" in client.get(step_url(web, "NINH_SON")).text
