"""A recipient's digest: Vietnamese, most urgent first, escaped HTML, and a Zalo-sized text."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from models.digest import ZALO_LIMIT, compose_digest, latest_per_step
from models.reminders import ReminderItem, Role, Rule

NOW = dt.datetime(2024, 4, 15, 1, 0, tzinfo=dt.UTC)  # 08:00 in Vietnam, Monday 15/04/2024
DAY = dt.date(2024, 4, 15)
PLAN_TITLE = "Tổ chức Hội nghị Sơ kết Phong trào thi đua “Vì Người nghèo”"


def item(step: str, rule: Rule, **changes: object) -> ReminderItem:
    base = ReminderItem(
        recipient="SNV",
        plan_id="nt-2024",
        step_key=step,
        rule=rule,
        occurrence="0",
        rung=0,
        local_day=DAY,
        recipient_name="Sở Nội vụ",
        role=Role.LEAD,
        plan_title=PLAN_TITLE,
        title=f"Bước {step}",
        lead="SNV",
        lead_name="Sở Nội vụ",
        deadline=dt.date(2024, 4, 10),
        deliverable="Dự thảo Báo cáo sơ kết 03 năm (2021-2023)",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


OVERDUE_3 = item("IV.3.summary_report_draft", Rule.OVERDUE, working_days_late=3)
OVERDUE_8 = item("IV.2.results_report", Rule.OVERDUE, working_days_late=8, role=Role.COOPERATING)
SOON = item(
    "IV.1.delegates@SNV", Rule.BEFORE_DEADLINE, working_days_left=4, deadline=dt.date(2024, 4, 19)
)
BLOCKED = item("IV.3.appraisal", Rule.BLOCKED, since=dt.date(2024, 4, 12))


def test_the_subject_counts_what_is_asked_in_vietnamese() -> None:
    digest = compose_digest("SNV", "Sở Nội vụ", [SOON, OVERDUE_3, OVERDUE_8], NOW)
    assert digest.subject == "Nhắc việc ngày 15/04/2024: 2 việc quá hạn, 1 việc sắp đến hạn"


def test_the_text_says_which_plan_step_deadline_deliverable_and_lead() -> None:
    text = compose_digest("SNV", "Sở Nội vụ", [SOON, OVERDUE_3], NOW).text
    assert text.startswith("Kính gửi: Sở Nội vụ\n")
    assert "[Quá hạn 3 ngày làm việc] Bước IV.3.summary_report_draft" in text
    assert "Hạn: 10/04/2024 (quá hạn 3 ngày làm việc)" in text
    assert "Hạn: 19/04/2024 (còn 4 ngày làm việc)" in text
    assert f"Kế hoạch: {PLAN_TITLE}" in text
    assert "Sản phẩm cần có: Dự thảo Báo cáo sơ kết 03 năm (2021-2023)" in text
    assert "Chủ trì: Sở Nội vụ" in text
    assert "Quý cơ quan nhận nhắc việc với vai trò: cơ quan chủ trì" in text


def test_the_most_urgent_comes_first_blocked_then_the_latest_overdue() -> None:
    text = compose_digest("SNV", "Sở Nội vụ", [SOON, OVERDUE_3, BLOCKED, OVERDUE_8], NOW).text
    order = [
        text.index(step)
        for step in ("IV.3.appraisal", "IV.2.results_report", "IV.3.summary", "IV.1.delegates")
    ]
    assert order == sorted(order)
    assert "[Có vướng mắc chưa được giải quyết (báo từ ngày 12/04/2024)]" in text


def test_the_html_body_escapes_every_value() -> None:
    hostile = replace(OVERDUE_3, title='<script>alert("x")</script> & “trích dẫn”')
    page = compose_digest("SNV", "Sở Nội vụ & <Ban>", [hostile], NOW).html
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; “trích dẫn”" in page
    assert "Sở Nội vụ &amp; &lt;Ban&gt;" in page
    assert '<html lang="vi">' in page and '<meta charset="utf-8">' in page
    assert max(len(line) for line in page.splitlines()) < 998


def test_a_short_digest_fits_in_one_zalo_message_whole() -> None:
    short = compose_digest("SNV", "Sở Nội vụ", [SOON, OVERDUE_3], NOW).short_text
    assert short.startswith("Nhắc việc ngày 15/04/2024 — Sở Nội vụ: 2 việc")
    assert "1) Quá hạn 3 ngày làm việc: Bước IV.3.summary_report_draft." in short
    assert "Hạn: 19/04/2024 (còn 4 ngày làm việc)." in short
    assert "việc khác" not in short


def test_a_long_digest_is_summarised_within_zalo_s_2000_characters() -> None:
    many = [
        item(f"IV.1.delegates@H{n:03}", Rule.OVERDUE, working_days_late=n % 9 + 1, title="Cử " * 80)
        for n in range(200)
    ]
    digest = compose_digest("SNV", "Sở Nội vụ", many, NOW)
    assert len(digest.short_text) <= ZALO_LIMIT
    shown = digest.short_text.count("\n") - 1
    assert digest.short_text.endswith(
        f"… và {200 - shown} việc khác; xem chi tiết trong thư điện tử hoặc hỏi cơ quan đầu mối."
    )
    assert digest.text.count("[Quá hạn") == 100
    assert "… và 100 việc khác (100 việc quá hạn); xem đầy đủ bằng lệnh `kehoach status`" in (
        digest.text
    )
    assert digest.html.count("<li><p><strong>Quá hạn") == 100


def test_a_held_digest_shows_each_step_once_in_its_latest_state() -> None:
    friday = replace(OVERDUE_3, local_day=dt.date(2024, 4, 12), working_days_late=2)
    monday = replace(OVERDUE_3, local_day=DAY, working_days_late=3, occurrence="1")
    assert latest_per_step([monday, friday]) == [monday]
    text = compose_digest("SNV", "Sở Nội vụ", [friday, monday], NOW).text
    assert text.count("[Quá hạn") == 1 and "(quá hạn 3 ngày làm việc)" in text


def test_an_empty_digest_is_refused() -> None:
    with pytest.raises(ValueError):
        compose_digest("SNV", "Sở Nội vụ", [], NOW)
