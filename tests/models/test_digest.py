"""A recipient's notice: the office's register, each role its own request, Zalo-sized text.

Changed for issue 9: the old digest printed step slugs (`IV.3.summary_report_draft`), a
command (`kehoach status`) and no "Trân trọng./."; a coordinator got one block per agency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from models.digest import ZALO_LIMIT, compose_digest, latest_per_step
from models.reminders import ReminderItem, Role, Rule

NOW = dt.datetime(2024, 4, 15, 1, 0, tzinfo=dt.UTC)  # 08:00 in Vietnam, Monday 15/04/2024
DAY = dt.date(2024, 4, 15)
PLAN_TITLE = "Tổ chức Hội nghị Sơ kết Phong trào thi đua “Vì Người nghèo”"
CONTACT = "Đồng chí Nguyễn Thị Minh Hạnh, Chuyên viên, Sở LĐTB&XH; điện thoại: 0259 3822 746"


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
        title=f"Việc {step}",
        lead="SNV",
        lead_name="Sở Nội vụ",
        deadline=dt.date(2024, 4, 10),
        deliverable="Dự thảo Báo cáo sơ kết 03 năm (2021-2023)",
        reference=f"Nhiệm vụ {step[:4]} – Việc số {len(step)}",
        deadline_basis="do Sở LĐTB&XH (cơ quan đầu mối) ấn định",
        addressee="Sở Nội vụ",
        plan_ref="Kế hoạch (dự thảo, chưa có số) của Ủy ban nhân dân tỉnh Ninh Thuận",
        sender="Sở Lao động – Thương binh và Xã hội",
        sender_label="Sở LĐTB&XH",
        contact=CONTACT,
        route_next="Chủ tịch UBND tỉnh",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


OVERDUE_3 = item("IV.3.summary_report_draft", Rule.OVERDUE, working_days_late=3)
OVERDUE_8 = item(
    "IV.2.results_report",
    Rule.OVERDUE,
    working_days_late=8,
    role=Role.COOPERATING,
    lead="SLDTBXH",
    lead_name="Sở LĐTB&XH",
)
SOON = item(
    "IV.1.delegates@SNV", Rule.BEFORE_DEADLINE, working_days_left=4, deadline=dt.date(2024, 4, 19)
)
BLOCKED = item(
    "IV.3.appraisal",
    Rule.BLOCKED,
    since=dt.date(2024, 4, 12),
    role=Role.DIFFICULTY_ROUTE,
    difficulty="Hai huyện chưa gửi hồ sơ",
)


def test_the_subject_counts_what_is_asked_in_vietnamese() -> None:
    digest = compose_digest("SNV", "Sở Nội vụ", [SOON, OVERDUE_3, OVERDUE_8], NOW)
    assert digest.subject == "Nhắc việc ngày 15/04/2024: 2 việc quá hạn, 1 việc sắp đến hạn"


def test_the_notice_opens_with_kinh_gui_names_the_plan_and_closes_with_tran_trong() -> None:
    text = compose_digest("SNV", "Sở Nội vụ", [SOON, OVERDUE_3], NOW).text
    assert text.startswith("Kính gửi: Sở Nội vụ\n")
    assert "Kế hoạch (dự thảo, chưa có số) của Ủy ban nhân dân tỉnh Ninh Thuận" in text
    assert "Sở Lao động – Thương binh và Xã hội (cơ quan đầu mối theo dõi Kế hoạch)" in text
    assert f"Đầu mối liên hệ: {CONTACT}." in text
    assert "Trân trọng./.\n\nSỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI\n" in text
    assert compose_digest("SNV", "Sở Nội vụ", [SOON], NOW).sender_name == OVERDUE_3.sender


def test_each_step_reads_by_the_plans_numbering_with_its_deadline_and_basis() -> None:
    text = compose_digest("SNV", "Sở Nội vụ", [SOON, OVERDUE_3], NOW).text
    assert "IV.3.summary_report_draft" not in text and "IV.1.delegates" not in text
    assert "1. Nhiệm vụ IV.3 – Việc số 25\n   - Tình trạng: quá hạn 3 ngày làm việc." in text
    assert "Hạn hoàn thành: 10/04/2024 – do Sở LĐTB&XH (cơ quan đầu mối) ấn định." in text
    assert "Sản phẩm: Dự thảo Báo cáo sơ kết 03 năm (2021-2023)." in text


def test_a_lead_is_urged_and_a_cooperator_is_asked_politely_for_its_part() -> None:
    text = compose_digest("SNV", "Sở Nội vụ", [OVERDUE_3, OVERDUE_8], NOW).text
    assert "Đề nghị Quý cơ quan khẩn trương hoàn thành; nếu có khó khăn" in text
    assert "phối hợp, gửi phần việc của Quý cơ quan về Sở LĐTB&XH để kịp tổng hợp" in text
    assert text.count("khẩn trương") == 1


def test_a_difficulty_notice_quotes_the_difficulty_and_the_next_level() -> None:
    text = compose_digest("SNV", "Sở Nội vụ", [BLOCKED], NOW).text
    assert "Nội dung vướng mắc: “Hai huyện chưa gửi hồ sơ” (Sở Nội vụ báo ngày 12/04/2024)" in text
    assert "hoặc báo cáo Chủ tịch UBND tỉnh xem xét, chỉ đạo." in text


def test_a_person_is_addressed_as_dong_chi_and_asked_to_direct() -> None:
    up = replace(
        BLOCKED,
        recipient="CT_UBND",
        role=Role.DIFFICULTY_ESCALATION,
        working_days_late=3,
        addressee="Đồng chí Trần Quốc Nam, Chủ tịch Ủy ban nhân dân tỉnh (qua VP UBND tỉnh)",
    )
    digest = compose_digest("CT_UBND", "Chủ tịch", [up], NOW)
    assert digest.subject == "Báo cáo tình hình ngày 15/04/2024: 1 việc có vướng mắc"
    text = digest.text
    assert text.startswith("Kính gửi: Đồng chí Trần Quốc Nam, Chủ tịch Ủy ban nhân dân tỉnh")
    assert "3 ngày làm việc chưa được giải quyết; kính báo cáo Đồng chí xem xét, chỉ đạo." in text


def test_the_coordinator_gets_one_table_per_kind_never_a_block_per_agency() -> None:
    late = [
        item(
            f"IV.1.delegates@A{n}",
            Rule.OVERDUE,
            recipient="SLDTBXH",
            recipient_name="Sở Lao động – Thương binh và Xã hội",
            addressee="Sở Lao động – Thương binh và Xã hội",
            role=Role.COORDINATOR,
            reference="Nhiệm vụ IV.1 – Cử đại diện",
            lead=f"A{n}",
            lead_name=f"Cơ quan {n}",
            working_days_late=3,
        )
        for n in range(18)
    ]
    text = compose_digest("SLDTBXH", "Sở LĐTB&XH", late, NOW).text
    assert text.count("Nhiệm vụ IV.1 – Cử đại diện") == 1
    assert "I. Các nhiệm vụ quá hạn:" in text
    assert "1 | Nhiệm vụ IV.1 – Cử đại diện | 10/04/2024 | quá hạn 3 ngày làm việc | " in text
    assert "Cơ quan 0, Cơ quan 1, Cơ quan 10," in text and "(18 cơ quan)" in text
    assert "báo Sở LĐTB&XH" not in text  # never asked to report to itself


def test_a_table_of_many_agencies_keeps_every_line_under_998_characters() -> None:
    late = [
        item(
            f"IV.1.x@A{n}",
            Rule.OVERDUE,
            role=Role.COORDINATOR,
            lead_name=f"Cơ quan {n}",
            reference="N",
        )
        for n in range(90)
    ]
    digest = compose_digest("SLDTBXH", "Sở LĐTB&XH", late, NOW)
    for body in (digest.text, digest.html):
        assert max(len(line) for line in body.splitlines()) < 998
    assert all("(90 cơ quan)" in " ".join(b.split()) for b in (digest.text, digest.html))


def test_the_most_urgent_comes_first_blocked_then_the_latest_overdue() -> None:
    text = compose_digest("SNV", "Sở Nội vụ", [SOON, OVERDUE_3, BLOCKED, OVERDUE_8], NOW).text
    order = [text.index(f"{i.reference}\n") for i in (BLOCKED, OVERDUE_8, OVERDUE_3, SOON)]
    assert order == sorted(order)


def test_the_html_body_escapes_every_value() -> None:
    hostile = replace(OVERDUE_3, reference='<script>alert("x")</script> & “trích dẫn”')
    page = compose_digest("SNV", "Sở Nội vụ", [replace(hostile, addressee="Sở & <Ban>")], NOW).html
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; “trích dẫn”" in page
    assert "Sở &amp; &lt;Ban&gt;" in page
    assert '<html lang="vi">' in page and '<meta charset="utf-8">' in page
    assert "<p>Trân trọng./.</p>" in page
    assert max(len(line) for line in page.splitlines()) < 998


def test_a_short_notice_fits_in_one_zalo_message_whole() -> None:
    short = compose_digest("SNV", "Sở Nội vụ", [SOON, OVERDUE_3], NOW).short_text
    assert short.startswith("Kính gửi: Sở Nội vụ. Sở LĐTB&XH nhắc 2 việc ngày 15/04/2024")
    assert "\n1) Nhiệm vụ IV.3 – Việc số 25: quá hạn 3 ngày làm việc; hạn 10/04/2024." in short
    assert short.endswith("Trân trọng./.")
    assert "nội dung khác" not in short


def test_a_long_notice_is_summarised_within_zalo_s_2000_characters() -> None:
    many = [
        item(f"IV.1.delegates@H{n:03}", Rule.OVERDUE, working_days_late=n % 9 + 1, title="Cử " * 80)
        for n in range(200)
    ]
    digest = compose_digest("SNV", "Sở Nội vụ", many, NOW)
    assert len(digest.short_text) <= ZALO_LIMIT
    tail = f"xem chi tiết trong thư điện tử.\nLiên hệ: {CONTACT}. Trân trọng./."
    assert digest.short_text.endswith(tail)
    assert digest.text.count("   - Tình trạng: quá hạn") == 100
    assert "… và 100 nội dung khác (100 việc quá hạn); xin liên hệ cơ quan đầu mối" in digest.text
    assert "kehoach" not in digest.text
    assert digest.html.count("<li><p><strong>Nhiệm vụ") == 100


def test_a_held_digest_shows_each_step_once_in_its_latest_state() -> None:
    friday = replace(OVERDUE_3, local_day=dt.date(2024, 4, 12), working_days_late=2)
    monday = replace(OVERDUE_3, local_day=DAY, working_days_late=3, occurrence="1")
    assert latest_per_step([monday, friday]) == [monday]
    text = compose_digest("SNV", "Sở Nội vụ", [friday, monday], NOW).text
    assert text.count("Tình trạng: quá hạn") == 1 and "quá hạn 3 ngày làm việc" in text


def test_an_empty_digest_is_refused() -> None:
    with pytest.raises(ValueError):
        compose_digest("SNV", "Sở Nội vụ", [], NOW)
