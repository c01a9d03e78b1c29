"""The notice at its edges: which entry of a step is kept, limits, the Zalo text's budget.

Rewritten for the notices in an office's register (issue 9): the old digest's fixed
sentences (`ACTIONS`, `CLOSING`) and its "[headline] title" blocks are gone; the edges
they tested (ties in `latest_per_step`, the listed limit, the Zalo budget and clip) stay.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from models.digest import (
    LISTED_LIMIT,
    TITLE_CLIP,
    ZALO_LIMIT,
    Notice,
    compose_digest,
    headline,
    latest_per_step,
    ordered,
    short_text,
)
from models.reminders import ReminderItem, Role, Rule

DAY = dt.date(2024, 5, 13)
NOW = dt.datetime(2024, 5, 13, 1, 30, tzinfo=dt.UTC)  # 08:30 in Vietnam
PLAN_TITLE = "Tổ chức hội nghị thử"
PLAN_REF = "Kế hoạch số 45/KH-UBND ngày 12/03/2024 của Ủy ban nhân dân tỉnh"
CONTACT = "Đồng chí Trần Thị B, SNV; điện thoại: 0259 3822 000"


def item(rule: Rule, step_key: str = "I.1.b", **fields: Any) -> ReminderItem:
    values: dict[str, Any] = {
        "recipient": "STC",
        "plan_id": "kh-thu",
        "step_key": step_key,
        "rule": rule,
        "occurrence": "x",
        "rung": 0,
        "local_day": DAY,
        "recipient_name": "Sở Tài chính",
        "role": Role.LEAD,
        "plan_title": PLAN_TITLE,
        "title": "Thẩm định báo cáo",
        "lead": "STC",
        "lead_name": "STC",
        "deadline": dt.date(2024, 5, 9),
        "plan_ref": PLAN_REF,
        "sender": "Sở Nội vụ",
        "sender_label": "SNV",
        "reference": "Nhiệm vụ I.1 – Thẩm định báo cáo",
        "deadline_basis": "do SNV (cơ quan đầu mối) ấn định",
        "addressee": "Sở Tài chính",
        "route_next": "Chủ tịch UBND tỉnh",
    }
    return ReminderItem(**(values | fields))


OVERDUE = item(Rule.OVERDUE, working_days_late=2, deliverable="Báo cáo thẩm định")


def zalo(items: list[ReminderItem], contact: str = "") -> str:
    notice = Notice.of(ordered([replace(i, contact=contact) for i in items]))
    return short_text(notice, NOW)


# --- One entry per step ------------------------------------------------------------------


def test_on_the_same_day_the_most_urgent_state_of_a_step_is_kept() -> None:
    blocked_later = item(Rule.BLOCKED, since=DAY, working_days_late=2)
    assert latest_per_step([OVERDUE, blocked_later]) == [blocked_later]
    assert latest_per_step([blocked_later, OVERDUE]) == [blocked_later]


def test_on_the_same_day_and_state_the_later_lateness_is_kept() -> None:
    later = item(Rule.OVERDUE, working_days_late=3)
    assert latest_per_step([OVERDUE, later]) == [later]
    assert latest_per_step([later, OVERDUE]) == [later]


def test_of_two_equal_entries_the_first_is_kept() -> None:
    twin = replace(OVERDUE, occurrence="y")
    assert latest_per_step([OVERDUE, twin]) == [OVERDUE]


def test_a_later_day_wins_over_a_more_urgent_state() -> None:
    friday = item(Rule.BLOCKED, since=DAY, local_day=dt.date(2024, 5, 10))
    assert latest_per_step([friday, OVERDUE]) == [OVERDUE]


def test_a_moved_deadline_keeps_its_entry_beside_the_state_of_the_step() -> None:
    moved = item(Rule.DEADLINE_MOVED, previous_deadline=DAY)
    assert latest_per_step([OVERDUE, moved]) == [OVERDUE, moved]


def test_the_same_step_of_two_plans_keeps_an_entry_for_each() -> None:
    other = replace(OVERDUE, plan_id="kh-khac")
    assert latest_per_step([OVERDUE, other]) == [OVERDUE, other]


def test_a_digest_needs_at_least_one_item() -> None:
    with pytest.raises(ValueError, match=r"^a digest needs at least one item$"):
        compose_digest("STC", "Sở Tài chính", [], NOW)


# --- How much is listed ----------------------------------------------------------------


def many(count: int, title: str = "Việc") -> list[ReminderItem]:
    return [item(Rule.OVERDUE, f"I.{n}", reference=f"{title} {n}", working_days_late=1)
            for n in range(1, count + 1)]  # fmt: skip


def test_a_digest_lists_a_hundred_items_in_full_and_counts_the_rest() -> None:
    assert LISTED_LIMIT == 100
    hundred = compose_digest("STC", "Sở Tài chính", many(LISTED_LIMIT), NOW).text
    assert f"\n\n{LISTED_LIMIT}. Việc " in hundred and "… và" not in hundred
    stalled = [item(Rule.STALLED, "II.1", since=DAY, deadline=dt.date(2024, 6, 3))]
    more = compose_digest("STC", "Sở Tài chính", many(LISTED_LIMIT + 2) + stalled, NOW)
    rest = (
        "… và 3 nội dung khác (2 việc quá hạn, 1 việc không cập nhật); "
        "xin liên hệ cơ quan đầu mối để biết chi tiết."
    )
    assert f"\n\n{rest}\n\n" in more.text
    assert f"\n<p><strong>{rest}</strong></p>\n" in more.html
    assert f"\n\n{LISTED_LIMIT + 1}. " not in more.text
    assert "đề nghị Quý cơ quan quan tâm thực hiện 103 nội dung dưới đây" in more.text


# --- The Zalo text -----------------------------------------------------------------------


def zalo_title(title: str) -> str:
    text = zalo([item(Rule.OVERDUE, reference=title, working_days_late=1)])
    return text.split("\n")[1].removeprefix("1) ").split(": quá hạn")[0]


def test_a_long_title_is_clipped_in_the_zalo_text_to_its_limit() -> None:
    assert TITLE_CLIP == 160
    # 159 characters are kept, then the ellipsis.
    assert zalo_title("Báo cáo " + "rất " * 50) == "Báo cáo " + "rất " * 37 + "rất…"
    # A cut that ends on a space drops the space before the ellipsis.
    assert zalo_title("Báo cáo số " + "rất " * 50) == "Báo cáo số " + "rất " * 36 + "rất…"


def test_a_title_exactly_as_long_as_the_limit_is_not_clipped() -> None:
    assert zalo_title("B" * TITLE_CLIP) == "B" * TITLE_CLIP
    assert zalo_title("B" * (TITLE_CLIP + 1)) == "B" * (TITLE_CLIP - 1) + "…"


def test_the_zalo_text_stops_within_its_limit_and_counts_what_it_left_out() -> None:
    text = zalo(many(60, title="Việc có tiêu đề khá dài để vượt giới hạn của một tin nhắn Zalo"))
    shown = text.count("\n") - 2  # the heading, the shown lines, the count, the closing
    assert len(text) <= ZALO_LIMIT
    assert text.endswith(
        f"\n… và {60 - shown} nội dung khác; xem chi tiết trong thư điện tử.\nTrân trọng./."
    )
    assert f"\n{shown}) Việc" in text and f"\n{shown + 1}) " not in text


def padded(two: list[ReminderItem], extra: int) -> str:
    """The Zalo text of `two` with the contact padded to ZALO_LIMIT + `extra` characters."""
    base = len(zalo(two, "X"))
    return zalo(two, "X" * (ZALO_LIMIT - base + 1 + extra))


def test_a_zalo_text_that_fits_exactly_is_sent_whole() -> None:
    two = [
        item(Rule.OVERDUE, reference="T", working_days_late=1),
        item(Rule.OVERDUE, "I.1.c", reference="Báo cáo " * 15, working_days_late=1),
    ]
    exact = padded(two, 0)
    assert len(exact) == ZALO_LIMIT and "… và" not in exact
    over = padded(two, 1)
    assert "\n… và 1 nội dung khác; xem chi tiết trong thư điện tử.\nLiên hệ: X" in over
    assert "\n1) T: quá hạn 1 ngày làm việc" in over and "\n2) " not in over


def test_a_line_that_fits_with_the_count_of_the_rest_is_still_shown() -> None:
    first = item(Rule.OVERDUE, reference="T", working_days_late=1)
    two = [first, item(Rule.OVERDUE, "I.1.c", reference="Báo cáo " * 15, working_days_late=1)]
    note = "\n… và 1 nội dung khác; xem chi tiết trong thư điện tử."
    room = ZALO_LIMIT - len(zalo([first], "X")) - len(note) + 1
    text = zalo(two, "X" * room)
    assert len(text) == ZALO_LIMIT
    assert "\n1) T: quá hạn 1 ngày làm việc" in text
    assert note in text and "\n2) " not in text
    assert "\n1) " not in zalo(two, "X" * (room + 1))


# --- A whole notice, word for word -------------------------------------------------------
#
# The kinds of docs/notices/ side by side, each with all of its facts, so that a changed
# word, label or separator anywhere in the notice shows.

OWN = [
    item(
        Rule.BLOCKED, "I.1.c@PR", reference="Nhiệm vụ I.1 – Báo cáo của các huyện",
        since=dt.date(2024, 5, 10), role=Role.DIFFICULTY_ROUTE, lead="PR",
        lead_name="UBND TP Phan Rang", difficulty="Chưa có số liệu",
        deadline=dt.date(2024, 5, 15), working_days_left=2,
    ),
    item(
        Rule.OVERDUE, working_days_late=2, deliverable="Báo cáo thẩm định",
        also_told=("SNV", "UBND tỉnh"),
    ),
    item(
        Rule.OVERDUE, "I.1.a", reference="Nhiệm vụ I.1 – Dự thảo báo cáo",
        role=Role.COOPERATING, lead="SNV", lead_name="Sở Nội vụ", working_days_late=1,
    ),
    item(
        Rule.STALLED, "I.1.e", reference="Nhiệm vụ I.1 – Gửi giấy mời",
        since=dt.date(2024, 5, 2), deadline=dt.date(2024, 5, 17), working_days_left=4,
    ),
    item(
        Rule.EVENT_UNCONFIRMED, "#event", reference="", title="Hội nghị sơ kết",
        deadline=dt.date(2024, 5, 20), working_days_left=5, role=Role.COORDINATOR,
        deadline_basis="",
    ),
    item(
        Rule.BEFORE_DEADLINE, "I.1.g", reference="Nhiệm vụ I.1 – Đưa tin", deadline=DAY,
        deadline_basis="",
    ),
    item(
        Rule.BEFORE_DEADLINE, "I.1.h", reference="Nhiệm vụ I.1 – Chuẩn bị hội trường",
        deadline=dt.date(2024, 5, 16), working_days_left=3,
    ),
    item(
        Rule.DEADLINE_MOVED, "I.1.i", reference="Nhiệm vụ I.1 – Tổng hợp ý kiến",
        deadline=dt.date(2024, 5, 24), previous_deadline=dt.date(2024, 5, 17),
        working_days_left=9,
    ),
    item(
        Rule.DELIVERED, "I.1.j", reference="Nhiệm vụ I.1 – Gửi dự thảo", role=Role.RECEIVER,
        lead="SNV", lead_name="Sở Nội vụ", deliverable="Dự thảo báo cáo",
        deadline=dt.date(2024, 5, 10),
    ),
]  # fmt: skip
OWN = [replace(i, contact=CONTACT) for i in OWN]

OWN_TEXT = f"""\
Kính gửi: Sở Tài chính

Thực hiện {PLAN_REF} về tổ chức hội nghị thử, Sở Nội vụ (cơ quan đầu mối theo dõi Kế hoạch) \
đề nghị Quý cơ quan quan tâm thực hiện 9 nội dung dưới đây (nội dung khẩn nhất xếp trước):

1. Nhiệm vụ I.1 – Báo cáo của các huyện (phần của UBND TP Phan Rang)
   - Tình trạng: có vướng mắc chưa được giải quyết (báo từ ngày 10/05/2024).
   - Hạn hoàn thành: 15/05/2024 – do SNV (cơ quan đầu mối) ấn định.
   - Cơ quan chủ trì: UBND TP Phan Rang.
   - Nội dung vướng mắc: “Chưa có số liệu” (UBND TP Phan Rang báo ngày 10/05/2024).
   - Vai trò của cơ quan nhận: cơ quan tiếp nhận phản ánh khó khăn, vướng mắc.
   Đề nghị Quý cơ quan thống nhất, giải quyết vướng mắc hoặc báo cáo Chủ tịch UBND tỉnh \
xem xét, chỉ đạo.

2. Nhiệm vụ I.1 – Thẩm định báo cáo
   - Tình trạng: quá hạn 2 ngày làm việc.
   - Hạn hoàn thành: 09/05/2024 – do SNV (cơ quan đầu mối) ấn định.
   - Sản phẩm: Báo cáo thẩm định.
   - Vai trò của cơ quan nhận: cơ quan chủ trì.
   - Đồng thời thông báo: SNV, UBND tỉnh.
   Đề nghị Quý cơ quan khẩn trương hoàn thành; nếu có khó khăn, vướng mắc, kịp thời phản ánh \
về SNV.

3. Nhiệm vụ I.1 – Dự thảo báo cáo
   - Tình trạng: quá hạn 1 ngày làm việc.
   - Hạn hoàn thành: 09/05/2024 – do SNV (cơ quan đầu mối) ấn định.
   - Cơ quan chủ trì: Sở Nội vụ.
   - Vai trò của cơ quan nhận: cơ quan phối hợp.
   Đề nghị Quý cơ quan phối hợp, gửi phần việc của Quý cơ quan về Sở Nội vụ để kịp tổng hợp; \
nếu đã gửi, đề nghị báo để cập nhật.

4. Nhiệm vụ I.1 – Gửi giấy mời
   - Tình trạng: không cập nhật tiến độ từ ngày 02/05/2024.
   - Hạn hoàn thành: 17/05/2024 – do SNV (cơ quan đầu mối) ấn định.
   - Vai trò của cơ quan nhận: cơ quan chủ trì.
   Đề nghị Quý cơ quan cập nhật tiến độ thực hiện.

5. Hội nghị sơ kết
   - Tình trạng: chưa chốt ngày tổ chức, còn 5 ngày làm việc.
   - Ngày dự kiến tổ chức: 20/05/2024 (còn 5 ngày làm việc).
   - Vai trò của cơ quan nhận: cơ quan đầu mối theo dõi kế hoạch.
   Đề nghị Quý cơ quan chốt ngày tổ chức để phát hành giấy mời.

6. Nhiệm vụ I.1 – Đưa tin
   - Tình trạng: đến hạn hôm nay.
   - Hạn hoàn thành: 13/05/2024.
   - Vai trò của cơ quan nhận: cơ quan chủ trì.
   Đề nghị Quý cơ quan hoàn thành, gửi sản phẩm đúng hạn.

7. Nhiệm vụ I.1 – Chuẩn bị hội trường
   - Tình trạng: còn 3 ngày làm việc.
   - Hạn hoàn thành: 16/05/2024 – do SNV (cơ quan đầu mối) ấn định.
   - Vai trò của cơ quan nhận: cơ quan chủ trì.
   Đề nghị Quý cơ quan hoàn thành, gửi sản phẩm đúng hạn.

8. Nhiệm vụ I.1 – Tổng hợp ý kiến
   - Tình trạng: đổi hạn từ 17/05/2024 sang 24/05/2024.
   - Hạn mới: 24/05/2024 (hạn trước đây 17/05/2024; do SNV (cơ quan đầu mối) ấn định).
   - Vai trò của cơ quan nhận: cơ quan chủ trì.
   Đề nghị Quý cơ quan điều chỉnh tiến độ theo hạn mới.

9. Nhiệm vụ I.1 – Gửi dự thảo
   - Tình trạng: sản phẩm đã được gửi.
   - Hạn hoàn thành: 10/05/2024 – do SNV (cơ quan đầu mối) ấn định.
   - Sản phẩm: Dự thảo báo cáo.
   - Cơ quan chủ trì: Sở Nội vụ.
   - Vai trò của cơ quan nhận: cơ quan tiếp nhận sản phẩm.
   Sở Nội vụ đã gửi sản phẩm; đề nghị Quý cơ quan tiếp nhận, xử lý theo Kế hoạch.

Khi hoàn thành, đề nghị Quý cơ quan báo SNV để cập nhật tiến độ, không nhận nhắc lại.
Đầu mối liên hệ: {CONTACT}.
Trân trọng./.

SỞ NỘI VỤ
"""


def test_an_agency_doing_the_work_gets_each_item_with_its_facts_and_its_own_request() -> None:
    digest = compose_digest("STC", "Sở Tài chính", OWN, NOW)
    assert digest.text == OWN_TEXT
    assert digest.subject == (
        "Nhắc việc ngày 13/05/2024: 1 việc có vướng mắc, 2 việc quá hạn, 1 việc không cập nhật, "
        "1 việc chưa chốt ngày tổ chức, 2 việc sắp đến hạn, 1 việc đổi hạn, "
        "1 sản phẩm cần tiếp nhận"
    )
    assert (digest.recipient, digest.recipient_name, digest.sender_name) == (
        "STC", "Sở Tài chính", "Sở Nội vụ",
    )  # fmt: skip


def test_the_zalo_text_gives_each_item_in_one_line_with_its_day() -> None:
    assert compose_digest("STC", "Sở Tài chính", OWN, NOW).short_text == (
        f"Kính gửi: Sở Tài chính. SNV nhắc 9 việc ngày 13/05/2024 theo {PLAN_REF}:\n"
        "1) Nhiệm vụ I.1 – Báo cáo của các huyện (phần của UBND TP Phan Rang): có vướng mắc "
        "chưa được giải quyết (báo từ ngày 10/05/2024); hạn 15/05/2024. "
        "Vướng mắc: “Chưa có số liệu”.\n"
        "2) Nhiệm vụ I.1 – Thẩm định báo cáo: quá hạn 2 ngày làm việc; hạn 09/05/2024.\n"
        "3) Nhiệm vụ I.1 – Dự thảo báo cáo: quá hạn 1 ngày làm việc; hạn 09/05/2024.\n"
        "4) Nhiệm vụ I.1 – Gửi giấy mời: không cập nhật tiến độ từ ngày 02/05/2024; "
        "hạn 17/05/2024.\n"
        "5) Hội nghị sơ kết: chưa chốt ngày tổ chức, còn 5 ngày làm việc; "
        "ngày dự kiến 20/05/2024.\n"
        "6) Nhiệm vụ I.1 – Đưa tin: đến hạn hôm nay; hạn 13/05/2024.\n"
        "7) Nhiệm vụ I.1 – Chuẩn bị hội trường: còn 3 ngày làm việc; hạn 16/05/2024.\n"
        "8) Nhiệm vụ I.1 – Tổng hợp ý kiến: đổi hạn từ 17/05/2024 sang 24/05/2024; "
        "hạn 24/05/2024.\n"
        "9) Nhiệm vụ I.1 – Gửi dự thảo: sản phẩm đã được gửi; hạn 10/05/2024.\n"
        f"Liên hệ: {CONTACT}. Trân trọng./."
    )


def test_the_html_body_holds_the_same_items_one_element_a_line() -> None:
    digest = compose_digest("STC", "Sở Tài chính", [OWN[0], OWN[5]], NOW)
    assert digest.html == (
        '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8">'
        "<title>Nhắc việc ngày 13/05/2024: 1 việc có vướng mắc, 1 việc sắp đến hạn</title>"
        "</head>\n<body>\n"
        "<p>Kính gửi: <strong>Sở Tài chính</strong></p>\n"
        f"<p>Thực hiện {PLAN_REF} về tổ chức hội nghị thử, Sở Nội vụ (cơ quan đầu mối theo dõi "
        "Kế hoạch) đề nghị Quý cơ quan quan tâm thực hiện 2 nội dung dưới đây "
        "(nội dung khẩn nhất xếp trước):</p>\n"
        "<ol>\n"
        "<li><p><strong>Nhiệm vụ I.1 – Báo cáo của các huyện (phần của UBND TP Phan Rang)"
        "</strong></p>\n<ul>\n"
        "  <li>Tình trạng: có vướng mắc chưa được giải quyết (báo từ ngày 10/05/2024)</li>\n"
        "  <li>Hạn hoàn thành: 15/05/2024 – do SNV (cơ quan đầu mối) ấn định</li>\n"
        "  <li>Cơ quan chủ trì: UBND TP Phan Rang</li>\n"
        "  <li>Nội dung vướng mắc: “Chưa có số liệu” (UBND TP Phan Rang báo ngày 10/05/2024)"
        "</li>\n"
        "  <li>Vai trò của cơ quan nhận: cơ quan tiếp nhận phản ánh khó khăn, vướng mắc</li>\n"
        "</ul>\n<p><em>Đề nghị Quý cơ quan thống nhất, giải quyết vướng mắc hoặc báo cáo "
        "Chủ tịch UBND tỉnh xem xét, chỉ đạo.</em></p></li>\n"
        "<li><p><strong>Nhiệm vụ I.1 – Đưa tin</strong></p>\n<ul>\n"
        "  <li>Tình trạng: đến hạn hôm nay</li>\n"
        "  <li>Hạn hoàn thành: 13/05/2024</li>\n"
        "  <li>Vai trò của cơ quan nhận: cơ quan chủ trì</li>\n"
        "</ul>\n<p><em>Đề nghị Quý cơ quan hoàn thành, gửi sản phẩm đúng hạn.</em></p></li>\n"
        "</ol>\n"
        "<p>Khi hoàn thành, đề nghị Quý cơ quan báo SNV để cập nhật tiến độ, không nhận nhắc "
        "lại.</p>\n"
        f"<p>Đầu mối liên hệ: {CONTACT}.</p>\n"
        "<p>Trân trọng./.</p>\n"
        "<p><strong>SỞ NỘI VỤ</strong></p>\n"
        "</body>\n</html>\n"
    )


def followed(rule: Rule, step: str, lead: str, **fields: Any) -> ReminderItem:
    """An item the coordinator (Sở Nội vụ, the sender) follows for another agency."""
    return item(
        rule, step, recipient="SNV", recipient_name="Sở Nội vụ", addressee="Sở Nội vụ",
        role=Role.COORDINATOR, lead=lead, lead_name=f"Cơ quan {lead}", contact=CONTACT, **fields,
    )  # fmt: skip


FOLLOWED = [
    followed(Rule.OVERDUE, "I.2.a@A", "A", reference="Nhiệm vụ I.2 – Cử đại diện",
             working_days_late=3),
    followed(Rule.OVERDUE, "I.2.a@B", "B", reference="Nhiệm vụ I.2 – Cử đại diện",
             working_days_late=3),
    followed(Rule.OVERDUE, "I.2.b", "C", reference="Nhiệm vụ I.2 – Báo cáo", working_days_late=1),
    followed(Rule.STALLED, "I.3", "A", reference="Nhiệm vụ I.3 – Tổng hợp",
             since=dt.date(2024, 5, 2), deadline=dt.date(2024, 5, 20), working_days_left=5),
    followed(Rule.BLOCKED, "I.4", "B", reference="Nhiệm vụ I.4 – Hội trường",
             since=dt.date(2024, 5, 10)),
    followed(Rule.BEFORE_DEADLINE, "I.5", "C", reference="Nhiệm vụ I.5 – Đưa tin",
             deadline=dt.date(2024, 5, 15), working_days_left=2),
    followed(Rule.DELIVERED, "I.6", "A", reference="Nhiệm vụ I.6 – Dự thảo"),
]  # fmt: skip

TABLE_HEAD = "   STT | Nhiệm vụ | Hạn | Tình trạng | Cơ quan chủ trì"


def test_the_coordinator_writing_to_itself_gets_one_table_per_kind_with_its_request() -> None:
    digest = compose_digest("SNV", "Sở Nội vụ", FOLLOWED, NOW)
    assert digest.text == (
        "Kính gửi: Sở Nội vụ\n\n"
        f"Tình hình thực hiện {PLAN_REF} về tổ chức hội nghị thử: 7 nội dung cần theo dõi, "
        "đôn đốc.\n\n"
        f"I. Các nhiệm vụ có vướng mắc:\n{TABLE_HEAD}\n"
        "   1 | Nhiệm vụ I.4 – Hội trường | 09/05/2024 | có vướng mắc chưa được giải quyết "
        "(báo từ ngày 10/05/2024) | Cơ quan B\n"
        "   Để Quý cơ quan theo dõi.\n\n"
        f"II. Các nhiệm vụ quá hạn:\n{TABLE_HEAD}\n"
        "   1 | Nhiệm vụ I.2 – Cử đại diện | 09/05/2024 | quá hạn 3 ngày làm việc | "
        "Cơ quan A, Cơ quan B (2 cơ quan)\n"
        "   2 | Nhiệm vụ I.2 – Báo cáo | 09/05/2024 | quá hạn 1 ngày làm việc | Cơ quan C\n"
        "   Đề nghị Quý cơ quan đôn đốc các cơ quan chủ trì khẩn trương hoàn thành.\n\n"
        f"III. Các nhiệm vụ không cập nhật tiến độ:\n{TABLE_HEAD}\n"
        "   1 | Nhiệm vụ I.3 – Tổng hợp | 20/05/2024 | không cập nhật tiến độ từ ngày "
        "02/05/2024 | Cơ quan A\n"
        "   Đề nghị Quý cơ quan đôn đốc các cơ quan chủ trì cập nhật tiến độ.\n\n"
        f"IV. Các nhiệm vụ sắp đến hạn:\n{TABLE_HEAD}\n"
        "   1 | Nhiệm vụ I.5 – Đưa tin | 15/05/2024 | còn 2 ngày làm việc | Cơ quan C\n"
        "   Để Quý cơ quan theo dõi, đôn đốc.\n\n"
        f"V. Các sản phẩm đã gửi:\n{TABLE_HEAD}\n"
        "   1 | Nhiệm vụ I.6 – Dự thảo | 09/05/2024 | sản phẩm đã được gửi | Cơ quan A\n"
        "   Để Quý cơ quan theo dõi.\n\n"
        f"Đầu mối liên hệ: {CONTACT}.\nTrân trọng./.\n\nSỞ NỘI VỤ\n"
    )


def test_the_coordinators_zalo_text_gives_one_line_per_row_with_its_leads() -> None:
    assert compose_digest("SNV", "Sở Nội vụ", FOLLOWED[:3], NOW).short_text == (
        f"Kính gửi: Sở Nội vụ. SNV nhắc 3 việc ngày 13/05/2024 theo {PLAN_REF}:\n"
        "1) Nhiệm vụ I.2 – Cử đại diện: quá hạn 3 ngày làm việc; hạn 09/05/2024: "
        "Cơ quan A, Cơ quan B (2 cơ quan).\n"
        "2) Nhiệm vụ I.2 – Báo cáo: quá hạn 1 ngày làm việc; hạn 09/05/2024: Cơ quan C.\n"
        f"Liên hệ: {CONTACT}. Trân trọng./."
    )


def test_the_coordinators_tables_in_html_list_one_lead_a_line() -> None:
    html = compose_digest("SNV", "Sở Nội vụ", FOLLOWED[:2], NOW).html
    head = "".join(
        f"<th>{h}</th>" for h in ("STT", "Nhiệm vụ", "Hạn", "Tình trạng", "Cơ quan chủ trì")
    )
    assert html == (
        '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8">'
        "<title>Nhắc việc ngày 13/05/2024: 2 việc quá hạn</title></head>\n<body>\n"
        "<p>Kính gửi: <strong>Sở Nội vụ</strong></p>\n"
        f"<p>Tình hình thực hiện {PLAN_REF} về tổ chức hội nghị thử: 2 nội dung cần theo dõi, "
        "đôn đốc.</p>\n"
        "<p><strong>I. Các nhiệm vụ quá hạn</strong></p>\n"
        '<table border="1" cellpadding="4" cellspacing="0">\n'
        f"<tr>{head}</tr>\n"
        "<tr><td>1</td><td>Nhiệm vụ I.2 – Cử đại diện</td><td>09/05/2024</td>"
        "<td>quá hạn 3 ngày làm việc</td>\n<td>Cơ quan A,\nCơ quan B\n(2 cơ quan)</td></tr>\n"
        "</table>\n"
        "<p><em>Đề nghị Quý cơ quan đôn đốc các cơ quan chủ trì khẩn trương hoàn thành.</em></p>\n"
        f"<p>Đầu mối liên hệ: {CONTACT}.</p>\n"
        "<p>Trân trọng./.</p>\n"
        "<p><strong>SỞ NỘI VỤ</strong></p>\n"
        "</body>\n</html>\n"
    )


def test_a_leader_addressed_in_person_is_reported_to_and_asked_to_direct() -> None:
    leader = "Đồng chí Nguyễn Văn A, Phó Chủ tịch Ủy ban nhân dân tỉnh"
    items = [
        replace(i, recipient="UBND", recipient_name="UBND", addressee=leader, role=role)
        for i, role in zip(FOLLOWED[:2], (Role.LEADERSHIP, Role.NAMED), strict=True)
    ]
    digest = compose_digest("UBND", "UBND", items, NOW)
    assert digest.subject == "Báo cáo tình hình ngày 13/05/2024: 2 việc quá hạn"
    assert digest.text == (
        f"Kính gửi: {leader}\n\n"
        f"Thực hiện {PLAN_REF} về tổ chức hội nghị thử, Sở Nội vụ (cơ quan đầu mối theo dõi "
        "Kế hoạch) kính báo cáo Đồng chí 2 nội dung dưới đây (nội dung khẩn nhất xếp trước):\n\n"
        f"I. Các nhiệm vụ quá hạn:\n{TABLE_HEAD}\n"
        "   1 | Nhiệm vụ I.2 – Cử đại diện | 09/05/2024 | quá hạn 3 ngày làm việc | "
        "Cơ quan A, Cơ quan B (2 cơ quan)\n"
        "   Kính báo cáo để Đồng chí theo dõi, chỉ đạo.\n\n"
        f"Đầu mối liên hệ: {CONTACT}.\nTrân trọng./.\n\nSỞ NỘI VỤ\n"
    )


def test_the_leadership_agency_is_reported_to_even_when_not_addressed_in_person() -> None:
    agency = replace(FOLLOWED[2], recipient="UBND", addressee="UBND tỉnh", role=Role.LEADERSHIP)
    digest = compose_digest("UBND", "UBND", [agency], NOW)
    assert digest.subject.startswith("Báo cáo tình hình ngày 13/05/2024: ")
    assert "\n   Kính báo cáo để Quý cơ quan theo dõi, chỉ đạo.\n" in digest.text


def test_without_plan_texts_the_notice_falls_back_to_plain_words() -> None:
    bare = replace(
        OWN[1], sender="", sender_label="", plan_ref="", contact="", addressee="", route_next=""
    )
    digest = compose_digest("STC", "Sở Tài chính", [bare], NOW)
    assert digest.sender_name == ""
    assert digest.text == (
        "Kính gửi: Sở Tài chính\n\n"
        "Thực hiện Kế hoạch tổ chức hội nghị thử, cơ quan đầu mối đề nghị Quý cơ quan quan tâm "
        "thực hiện 1 nội dung dưới đây:\n\n"
        "1. Nhiệm vụ I.1 – Thẩm định báo cáo\n"
        "   - Tình trạng: quá hạn 2 ngày làm việc.\n"
        "   - Hạn hoàn thành: 09/05/2024 – do SNV (cơ quan đầu mối) ấn định.\n"
        "   - Sản phẩm: Báo cáo thẩm định.\n"
        "   - Vai trò của cơ quan nhận: cơ quan chủ trì.\n"
        "   - Đồng thời thông báo: SNV, UBND tỉnh.\n"
        "   Đề nghị Quý cơ quan khẩn trương hoàn thành; nếu có khó khăn, vướng mắc, kịp thời "
        "báo cáo lãnh đạo.\n\n"
        "Trân trọng./.\n"
    )
    assert digest.short_text == (
        "Kính gửi: Sở Tài chính. Cơ quan đầu mối nhắc 1 việc ngày 13/05/2024 theo Kế hoạch:\n"
        "1) Nhiệm vụ I.1 – Thẩm định báo cáo: quá hạn 2 ngày làm việc; hạn 09/05/2024.\n"
        "Trân trọng./."
    )
    assert "<p>Trân trọng./.</p>\n</body>" in digest.html


def test_a_difficulty_reported_without_words_says_so_and_names_no_next_level() -> None:
    bare = replace(OWN[0], difficulty=None, route_next="", contact="")
    text = compose_digest("STC", "Sở Tài chính", [bare], NOW).text
    assert (
        "\n   - Nội dung vướng mắc: UBND TP Phan Rang báo ngày 10/05/2024, chưa ghi nội dung.\n"
        in text
    )
    assert "\n   Đề nghị Quý cơ quan thống nhất, giải quyết vướng mắc.\n" in text


def test_a_leader_told_of_a_lasting_difficulty_is_asked_to_direct() -> None:
    up = replace(OWN[0], role=Role.DIFFICULTY_ESCALATION, working_days_late=4)
    text = compose_digest("STC", "Sở Tài chính", [up], NOW).text
    assert (
        "\n   Vướng mắc trên đã 4 ngày làm việc chưa được giải quyết; kính báo cáo Quý cơ quan "
        "xem xét, chỉ đạo.\n\n"
    ) in text
    assert "cấp xem xét, chỉ đạo giải quyết vướng mắc." in text


def test_a_person_addressed_in_a_table_is_asked_to_direct_whatever_the_role() -> None:
    person = replace(FOLLOWED[2], addressee="Đồng chí Nguyễn Văn A, Chủ tịch", role=Role.NAMED)
    text = compose_digest("UBND", "UBND", [person], NOW).text
    assert "\n   Kính báo cáo để Đồng chí theo dõi, chỉ đạo.\n" in text


def test_only_a_lead_is_asked_to_report_when_it_has_finished() -> None:
    text = compose_digest("STC", "Sở Tài chính", [OWN[2]], NOW).text
    assert "Khi hoàn thành" not in text
    assert "\n\nĐầu mối liên hệ: " in text


def test_a_long_list_of_leads_wraps_at_a_hundred_characters_under_its_row() -> None:
    leads = [
        replace(FOLLOWED[2], step_key=f"I.2.b@{n}", lead=f"L{n}", lead_name=f"Cơ quan số {n}")
        for n in range(10, 30)
    ]
    text = compose_digest("SNV", "Sở Nội vụ", leads, NOW).text
    names = ", ".join(f"Cơ quan số {n}" for n in range(10, 30)) + " (20 cơ quan)"
    row = "   1 | Nhiệm vụ I.2 – Báo cáo | 09/05/2024 | quá hạn 1 ngày làm việc | "
    # 100 characters a line (words kept whole), the rest indented under the row.
    lines = [names[:100], names[101:197], names[198:298], names[299:]]
    assert [len(line) for line in lines] == [100, 96, 100, 12]
    assert lines[1].startswith("16,") and lines[3] == "(20 cơ quan)"
    assert f"\n{row}{lines[0]}\n     {lines[1]}\n     {lines[2]}\n     {lines[3]}\n" in text


def test_in_html_one_lead_is_named_alone_and_rows_follow_each_other() -> None:
    html = compose_digest("SNV", "Sở Nội vụ", FOLLOWED[:3], NOW).html
    assert "<td>Cơ quan A,\nCơ quan B\n(2 cơ quan)</td></tr>\n<tr><td>2</td>" in html
    assert "<td>quá hạn 1 ngày làm việc</td>\n<td>Cơ quan C</td></tr>\n</table>" in html


def test_the_zalo_heading_counts_the_items_left_out_of_the_body_too() -> None:
    short = compose_digest("STC", "Sở Tài chính", many(LISTED_LIMIT + 3), NOW).short_text
    assert short.startswith("Kính gửi: Sở Tài chính. SNV nhắc 103 việc ngày 13/05/2024 ")


def test_a_very_long_zalo_heading_is_clipped_to_half_the_message() -> None:
    long = replace(OVERDUE, addressee="Sở " * 400)
    heading = zalo([long]).split("\n")[0]
    assert len(heading) == ZALO_LIMIT // 2 and heading.endswith("Sở…")


def test_a_headline_is_the_state_with_a_capital_letter() -> None:
    assert headline(OWN[1]) == "Quá hạn 2 ngày làm việc"
    assert headline(OWN[5]) == "Đến hạn hôm nay"
