"""What an agency reported through its link, as the coordinator's digest says it (pure core)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from models.digest import compose_digest, latest_per_step
from models.reminders import ReminderItem, Role, Rule
from models.self_reports import (
    ANSWER,
    OVERLAP,
    RETURN,
    LinkReport,
    described,
    hint_of,
    to_tell,
    window_start,
)
from tests.models.test_digest import NOW, OVERDUE_3, item

REPORT = LinkReport(
    event_id=41,
    step_key="IV.1.presentations@NINH_SON",
    step_id="IV.1.presentations",
    title="Gửi tham luận",
    lead="NINH_SON",
    actor="NINH_SON",
    kind="progress",
    at=dt.datetime(2024, 4, 15, 0, 30, tzinfo=dt.UTC),
    status="submitted",
    note="Bản   tham luận\nđã ký",
    link="https://vanban.example.vn/tl.pdf",
)


def test_reports_are_told_oldest_first_up_to_now_and_never_the_coordinators_own() -> None:
    later = replace(REPORT, event_id=42, at=NOW + dt.timedelta(minutes=1))
    earlier = replace(REPORT, event_id=40, at=REPORT.at - dt.timedelta(hours=1))
    own = replace(REPORT, event_id=43, actor="SLDTBXH")
    assert to_tell([REPORT, later, earlier, own], "SLDTBXH", NOW) == [earlier, REPORT]


def test_the_window_reaches_back_an_overlap_before_the_last_listing_or_to_the_start() -> None:
    assert window_start(None) is None
    assert window_start(NOW) == NOW - OVERLAP


def test_each_kind_of_report_reads_in_a_few_vietnamese_words() -> None:
    assert described(REPORT) == (
        "báo cáo tiến độ: đã nộp; ghi chú: “Bản tham luận đã ký”; kèm đường dẫn sản phẩm"
    )
    request = replace(REPORT, kind="extension_requested", status=None, note="Chờ số liệu",
                      link=None, proposed=dt.date(2024, 4, 19))  # fmt: skip
    assert described(request) == "đề xuất gia hạn đến ngày 19/04/2024; lý do: “Chờ số liệu”"
    blocked = replace(REPORT, status="blocked", note="Thiếu kinh phí", link=None)
    assert described(blocked) == "báo khó khăn, vướng mắc; nội dung: “Thiếu kinh phí”"
    filed = replace(REPORT, kind="part_done", note=None, link=None, file_name="so-lieu.xlsx")
    assert described(filed) == "báo đã hoàn thành phần việc phối hợp; kèm tệp so-lieu.xlsx"
    assert described(replace(filed, kind="receipt_confirmed", file_name=None)).startswith(
        "xác nhận đã nhận"
    )
    assert described(replace(REPORT, note="x" * 500, link=None)).endswith("x…”")


def test_a_request_asks_an_answer_and_a_submitted_report_may_be_returned() -> None:
    assert hint_of(replace(REPORT, kind="extension_requested")) == ANSWER
    assert hint_of(REPORT) == RETURN and hint_of(replace(REPORT, status="done")) == RETURN
    assert hint_of(replace(REPORT, status="in_progress")) == ""


def told(occurrence: str, minute: int, **changes: object) -> ReminderItem:
    return item(
        "IV.1.presentations@NINH_SON",
        Rule.SELF_REPORTED,
        recipient="SLDTBXH",
        recipient_name="Sở Lao động – Thương binh và Xã hội",
        addressee="Sở Lao động – Thương binh và Xã hội",
        role=Role.COORDINATOR,
        occurrence=occurrence,
        deadline=None,
        reporter="Ủy ban nhân dân huyện Ninh Sơn",
        report=f"báo cáo số {minute}",
        reported_at=dt.datetime(2024, 4, 15, 0, minute, tzinfo=dt.UTC),
        **changes,
    )


def test_two_reports_on_one_step_are_both_listed_in_one_section_in_time_order() -> None:
    second, first = told("e2", 40), told("e1", 10, report_hint=ANSWER)
    assert len(latest_per_step([second, first])) == 2
    digest = compose_digest("SLDTBXH", "Sở LĐTB&XH", [second, first], NOW)
    text = digest.text
    assert "I. Các cơ quan đã tự báo cáo qua liên kết:" in text
    assert text.index("15/04/2024 07:10") < text.index("15/04/2024 07:40")
    assert "Báo cáo số 10." in text and "“Ý kiến về đề xuất gia hạn”" in text
    assert digest.subject == "Thông báo ngày 15/04/2024: 2 báo cáo của cơ quan qua liên kết"
    assert "Ủy ban nhân dân huyện Ninh Sơn báo qua liên kết lúc 15/04/2024 07:10" in (
        digest.short_text
    )


def test_the_section_follows_the_coordinators_tables_and_the_subject_counts_both() -> None:
    overdue = replace(OVERDUE_3, recipient="SLDTBXH", role=Role.COORDINATOR)
    digest = compose_digest("SLDTBXH", "Sở LĐTB&XH", [told("e1", 10), overdue], NOW)
    assert digest.text.index("I. Các nhiệm vụ quá hạn") < digest.text.index(
        "II. Các cơ quan đã tự báo cáo qua liên kết"
    )
    assert digest.subject.startswith("Nhắc việc ngày 15/04/2024: 1 việc quá hạn, 1 báo cáo")
    assert "<th>Nội dung báo cáo</th>" in digest.html and "15/04/2024 07:10" in digest.html
