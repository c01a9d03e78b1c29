"""Receipts and 'không phát sinh' through the services, the database and a real SMTP server.

The seed plan, with its award proposals ("… xét trình Chủ tịch Ủy ban nhân dân tỉnh (thông
qua Sở Nội vụ)", received by SNV) set to complete on receipt and its budget estimate made
conditional, as a plan of schema 2 would say it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from kehoach.errors import UserError
from kehoach.paths import seed_plan_path
from kehoach.reports.record import plan_report
from kehoach.services import tracking
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.services.receipts import confirm_receipt, declare_not_applicable
from kehoach.services.status import statuses
from kehoach.services.sweep import evaluate, sweep
from kehoach.store.tables import EventRow, PlanRow
from models.figures import AgencyFigures, PeriodKind
from models.health import Flag, Health, Progress
from models.reminders import Role, Rule
from tests.conftest import SEED_LOADED_AT
from tests.kehoach.conftest import at, email_everyone
from tests.kehoach.services.test_notices import DENY, DOCS, SLUG, _pick, decoded
from tests.smtp_sink import SmtpSink

PLAN = "nt-2024-so-ket-vi-nguoi-ngheo"
AWARDS = "IV.2.award_proposals"  # lead SLDTBXH, due 29/03/2024, received by SNV
BUDGET = "IV.2.budget_estimate"  # lead SLDTBXH


def receipt_seed(path: Path) -> Path:
    document = yaml.safe_load(seed_plan_path().read_text(encoding="utf-8"))
    steps = {s["id"]: s for r in document["responsibilities"] for s in r["steps"]}
    steps[AWARDS]["completes_on"] = "receipt"
    steps[BUDGET]["conditional"] = True
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def receipts(context: AppContext, tmp_path: Path) -> AppContext:
    loaded = context.load_plan_file(receipt_seed(tmp_path / "kh.yaml"))
    with context.database.transaction() as session:
        load_plan(session, loaded, SEED_LOADED_AT)
    return context


def submit(context: AppContext, moment: dt.datetime) -> None:
    with context.database.transaction() as session:
        tracking.record_progress(session, AWARDS, Progress.SUBMITTED, moment, by="SLDTBXH")


def status_of(context: AppContext, key: str, moment: dt.datetime):  # type: ignore[no-untyped-def]
    with context.database.transaction() as session:
        return next(s for s in statuses(session, moment, PLAN) if s.key == key)


def items_for(context: AppContext, key: str, moment: dt.datetime):  # type: ignore[no-untyped-def]
    with context.database.transaction() as session:
        return [
            i
            for i in evaluate(session, session.get_one(PlanRow, PLAN), moment)
            if i.step_key == key
        ]


def test_a_submission_waits_for_the_receiver_and_its_receipt_completes_the_step(
    receipts: AppContext,
) -> None:
    submit(receipts, at(27, 3, 15))
    waiting = status_of(receipts, AWARDS, at(2))
    assert (waiting.assessment.health, waiting.state.completed_at) == (Health.IN_PROGRESS, None)
    assert Flag.AWAITING_RECEIPT in waiting.assessment.flags  # not late: it was sent in time
    with receipts.database.transaction() as session:
        row = confirm_receipt(session, PLAN, AWARDS, "SNV", at(3, 4, 9), note="Đủ hồ sơ")
        assert (row.progress, row.completed_at) == ("done", at(27, 3, 15))
    done = status_of(receipts, AWARDS, at(4))
    assert done.assessment.health is Health.DONE_ON_TIME
    # Looking back, the record shows what it held then: still waiting on 02/04.
    assert status_of(receipts, AWARDS, at(2)).assessment.health is Health.IN_PROGRESS
    with receipts.database.transaction() as session:
        event = session.scalars(select(EventRow).where(EventRow.kind == "receipt_confirmed")).one()
        assert (event.step_key, event.actor, event.note) == (AWARDS, "SNV", "Đủ hồ sơ")


def test_an_agency_that_does_not_receive_the_deliverable_is_refused(receipts: AppContext) -> None:
    submit(receipts, at(27, 3, 15))
    with (
        receipts.database.transaction() as session,
        pytest.raises(UserError, match=r"không phải nơi nhận sản phẩm .* \(nơi nhận: Sở Nội vụ\)"),
    ):
        confirm_receipt(session, PLAN, AWARDS, "STP", at(28, 3))
    assert status_of(receipts, AWARDS, at(28, 3)).state.received_at is None


def test_a_receipt_before_the_submission_is_refused(receipts: AppContext) -> None:
    with (
        receipts.database.transaction() as session,
        pytest.raises(UserError, match="chưa báo đã nộp sản phẩm"),
    ):
        confirm_receipt(session, PLAN, AWARDS, "SNV", at(28, 3))


def test_the_receiver_is_told_and_reminded_and_the_lead_is_not(receipts: AppContext) -> None:
    submit(receipts, at(27, 3, 15))
    told = items_for(receipts, AWARDS, at(28, 3))
    assert [(i.recipient, i.rule, i.role) for i in told] == [
        ("SNV", Rule.RECEIPT_REQUESTED, Role.RECEIVER)
    ]
    later = {(i.recipient, i.rule) for i in items_for(receipts, AWARDS, at(1))}
    assert later == {("SNV", Rule.RECEIPT_REQUESTED), ("SNV", Rule.RECEIPT_UNCONFIRMED)}
    with receipts.database.transaction() as session:
        confirm_receipt(session, PLAN, AWARDS, "SNV", at(1, 4, 9))
    assert items_for(receipts, AWARDS, at(2)) == []


def test_a_conditional_step_declared_not_applicable_is_neither_done_nor_late(
    receipts: AppContext,
) -> None:
    with receipts.database.transaction() as session:
        declare_not_applicable(
            session, PLAN, BUDGET, "SLDTBXH", at(1), "Dùng kinh phí đã giao, không lập dự toán"
        )
    void = status_of(receipts, BUDGET, at(20))
    assert (void.assessment.health, void.assessment.label) == (
        Health.NOT_APPLICABLE,
        "không phát sinh",
    )
    assert void.as_json()["health"] == "not_applicable"
    assert items_for(receipts, BUDGET, at(20)) == []
    # Undone by a progress update: the work turned out to be needed after all.
    with receipts.database.transaction() as session:
        tracking.record_progress(session, BUDGET, Progress.IN_PROGRESS, at(2), by="SLDTBXH")
    assert status_of(receipts, BUDGET, at(3)).assessment.health is not Health.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("step", "agency", "note", "words"),
    [
        (AWARDS, "SLDTBXH", "Không có", "không phải nhiệm vụ phát sinh khi cần"),
        (BUDGET, "STP", "Không có", "chỉ cơ quan chủ trì hoặc cơ quan đầu mối"),
        (BUDGET, "SLDTBXH", " ", "cần ghi rõ lý do không phát sinh"),
    ],
)
def test_not_applicable_is_refused_in_vietnamese_with_nothing_written(
    receipts: AppContext, step: str, agency: str, note: str, words: str
) -> None:
    with receipts.database.transaction() as session, pytest.raises(UserError, match=words):
        declare_not_applicable(session, PLAN, step, agency, at(1), note)
    assert status_of(receipts, step, at(1)).state.progress is not Progress.NOT_APPLICABLE


def test_the_receiver_gets_its_notice_through_the_real_smtp_server(
    receipts: AppContext, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    receipts.settings.apprise_config = email_everyone(tmp_path / "kenh.yaml", smtp_sink)
    submit(receipts, at(27, 3, 15))
    sweep(receipts, at(28, 3))
    sweep(receipts, at(1))  # two working days later: reminded
    first, reminder = (_pick(receipts, smtp_sink, "SNV", day) for day in (RECEIVED, REMINDED))
    body = first[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Sở LĐTB&XH đã gửi sản phẩm ngày 27/03/2024; đề nghị Quý cơ quan xác nhận" in body
    assert "Vai trò của cơ quan nhận: cơ quan tiếp nhận sản phẩm." in body
    assert "chưa được xác nhận đã nhận" in decoded(*reminder)
    for name, (message, short) in zip(EXAMPLES, (first, reminder), strict=True):
        text = decoded(message, short)
        assert not SLUG.findall(text), SLUG.findall(text)
        words = {w.lower() for w in re.findall(r"(?<![\w@.])[A-Za-z]+(?![\w@.])", text)}
        assert not words & DENY, words & DENY
        target = DOCS / name
        if os.environ.get("KEHOACH_WRITE_NOTICES"):
            target.write_text(decoded(message, short), encoding="utf-8")
        assert target.read_text(encoding="utf-8") == decoded(message, short)


RECEIVED, REMINDED = dt.date(2024, 3, 28), dt.date(2024, 4, 1)
EXAMPLES = ("11-xac-nhan-da-nhan.txt", "12-chua-xac-nhan-da-nhan.txt")


def test_a_step_declared_not_applicable_leaves_the_report_figures(receipts: AppContext) -> None:
    def sldtbxh(session) -> AgencyFigures:  # type: ignore[no-untyped-def]
        report = plan_report(session, PLAN, at(20), PeriodKind.MONTH)
        return next(f for f in report.figures() if f.agency == "SLDTBXH")

    with receipts.database.transaction() as session:
        before = sldtbxh(session)
        declare_not_applicable(session, PLAN, BUDGET, None, at(1), "Không cần dự toán riêng")
    with receipts.database.transaction() as session:
        after = sldtbxh(session)
    # The budget estimate was due 03/04 and not done: one overdue step fewer, nothing else.
    assert after == before._replace(open_overdue=before.open_overdue - 1)
    assert after.assigned == before.assigned - 1


def test_closing_counts_a_submission_awaiting_receipt_as_unfinished_and_a_void_step_not(
    receipts: AppContext,
) -> None:
    with receipts.database.transaction() as session:
        before = tracking.unfinished(session, session.get_one(PlanRow, PLAN))
    submit(receipts, at(27, 3, 15))
    with receipts.database.transaction() as session:
        declare_not_applicable(session, PLAN, BUDGET, None, at(1), "Không cần dự toán riêng")
        row = tracking.close_plan(session, PLAN, at(2), at=at(2))
        assert tracking.unfinished(session, row) == before - 1
    closed = status_of(receipts, AWARDS, at(3))
    assert (closed.assessment.health, closed.assessment.flags) == (
        Health.NOT_DONE,
        frozenset({Flag.AWAITING_RECEIPT}),
    )
