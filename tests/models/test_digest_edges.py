"""The digest's every line, per rule: headline, facts, order, limits, HTML and the Zalo text.

Words that live in the module's tables (actions, roles, counts, the closing) are taken
from them, so rewording a table does not break these tests; the phrases built inline
are written out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from models.digest import (
    ACTIONS,
    CLOSING,
    LISTED_LIMIT,
    ROLE_LABELS,
    TITLE_CLIP,
    ZALO_LIMIT,
    compose_digest,
    latest_per_step,
    ordered,
    plain_text,
    short_text,
)
from models.reminders import ReminderItem, Role, Rule

DAY = dt.date(2024, 5, 13)
NOW = dt.datetime(2024, 5, 13, 1, 30, tzinfo=dt.UTC)  # 08:30 in Vietnam
PLAN_TITLE = "Kế hoạch tổ chức hội nghị thử"


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
    }
    return ReminderItem(**(values | fields))


BLOCKED = item(
    Rule.BLOCKED, "I.1.c@PR", title="Báo cáo của huyện", since=dt.date(2024, 5, 10),
    working_days_left=2, deadline=dt.date(2024, 5, 15), role=Role.DIFFICULTY_ROUTE,
    lead="PR", lead_name="UBND thành phố Phan Rang",
)  # fmt: skip
OVERDUE = item(
    Rule.OVERDUE, working_days_late=2, deliverable="Báo cáo thẩm định",
    also_told=("Sở Nội vụ", "UBND tỉnh"),
)  # fmt: skip
STALLED = item(
    Rule.STALLED, "I.1.a", title="Dự thảo báo cáo", since=dt.date(2024, 5, 2),
    deadline=dt.date(2024, 5, 17), working_days_left=4,
)  # fmt: skip
UNCONFIRMED = item(
    Rule.EVENT_UNCONFIRMED, "#event", title="Hội nghị sơ kết", deadline=dt.date(2024, 5, 20),
    working_days_left=5, role=Role.COORDINATOR,
)  # fmt: skip
DUE_TODAY = item(Rule.BEFORE_DEADLINE, "I.1.g", title="Đưa tin", deadline=DAY)
DUE_SOON = item(
    Rule.BEFORE_DEADLINE, "I.1.e", title="Gửi giấy mời", deadline=dt.date(2024, 5, 16),
    working_days_left=3,
)  # fmt: skip
MOVED = item(
    Rule.DEADLINE_MOVED, "I.1.f", title="Chuẩn bị hội trường", deadline=dt.date(2024, 5, 24),
    role=Role.COOPERATING, lead="SNV", lead_name="Sở Nội vụ",
)  # fmt: skip
EVERY_RULE = [DUE_SOON, MOVED, OVERDUE, BLOCKED, STALLED, UNCONFIRMED, DUE_TODAY]


def block(number: int, headline: str, title: str, rule: Rule, *facts: str) -> str:
    lines = [f"{number}. [{headline}] {title}", *(f"   {fact}" for fact in facts)]
    return "\n".join([*lines, f"   {ACTIONS[rule]}"])


def test_the_digest_lists_every_rule_most_urgent_first_with_its_own_facts() -> None:
    digest = compose_digest("STC", "Sở Tài chính", EVERY_RULE, NOW)
    plan = f"Kế hoạch: {PLAN_TITLE}"
    lead = f"Quý cơ quan nhận nhắc việc với vai trò: {ROLE_LABELS[Role.LEAD]}"
    blocks = [
        "Kính gửi: Sở Tài chính",
        "Hệ thống theo dõi kế hoạch xin nhắc 7 việc, việc khẩn nhất xếp trước:",
        block(
            1, "Có vướng mắc chưa được giải quyết (báo từ ngày 10/05/2024)", "Báo cáo của huyện",
            Rule.BLOCKED, plan, "Bước: I.1.c@PR", "Hạn: 15/05/2024",
            "Chủ trì: UBND thành phố Phan Rang",
            f"Quý cơ quan nhận nhắc việc với vai trò: {ROLE_LABELS[Role.DIFFICULTY_ROUTE]}",
        ),
        block(
            2, "Quá hạn 2 ngày làm việc", "Thẩm định báo cáo", Rule.OVERDUE, plan,
            "Bước: I.1.b", "Hạn: 09/05/2024 (quá hạn 2 ngày làm việc)",
            "Sản phẩm cần có: Báo cáo thẩm định", "Chủ trì: STC", lead,
            "Đã đồng thời thông báo: Sở Nội vụ, UBND tỉnh",
        ),
        block(
            3, "Không cập nhật tiến độ từ ngày 02/05/2024", "Dự thảo báo cáo", Rule.STALLED,
            plan, "Bước: I.1.a", "Hạn: 17/05/2024 (còn 4 ngày làm việc)", "Chủ trì: STC", lead,
        ),
        block(
            4, "Chưa chốt ngày tổ chức, còn 5 ngày làm việc", "Hội nghị sơ kết",
            Rule.EVENT_UNCONFIRMED, plan,
            "Ngày dự kiến tổ chức: 20/05/2024 (còn 5 ngày làm việc)", "Chủ trì: STC",
            f"Quý cơ quan nhận nhắc việc với vai trò: {ROLE_LABELS[Role.COORDINATOR]}",
        ),
        block(
            5, "Đến hạn hôm nay", "Đưa tin", Rule.BEFORE_DEADLINE, plan, "Bước: I.1.g",
            "Hạn: 13/05/2024", "Chủ trì: STC", lead,
        ),
        block(
            6, "Còn 3 ngày làm việc", "Gửi giấy mời", Rule.BEFORE_DEADLINE, plan, "Bước: I.1.e",
            "Hạn: 16/05/2024 (còn 3 ngày làm việc)", "Chủ trì: STC", lead,
        ),
        block(
            7, "Hạn mới 24/05/2024", "Chuẩn bị hội trường", Rule.DEADLINE_MOVED, plan,
            "Bước: I.1.f", "Hạn: 24/05/2024 (trước đây —)", "Chủ trì: Sở Nội vụ",
            f"Quý cơ quan nhận nhắc việc với vai trò: {ROLE_LABELS[Role.COOPERATING]}",
        ),
        CLOSING,
    ]  # fmt: skip
    assert digest.text == "\n\n".join(blocks) + "\n"
    assert (digest.recipient, digest.recipient_name) == ("STC", "Sở Tài chính")


def test_a_moved_deadline_names_the_deadline_it_replaces() -> None:
    text = plain_text("Sở Tài chính", [item(Rule.DEADLINE_MOVED, previous_deadline=DAY)])
    assert "   Hạn: 09/05/2024 (trước đây 13/05/2024)\n" in text


def test_the_html_body_holds_the_same_facts_one_element_a_line() -> None:
    digest = compose_digest("STC", "Sở Tài chính", [OVERDUE, UNCONFIRMED], NOW)
    assert digest.html == (
        '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8">'
        f"<title>{digest.subject}</title></head>\n<body>\n"
        "<p>Kính gửi: <strong>Sở Tài chính</strong></p>\n"
        "<p>Hệ thống theo dõi kế hoạch xin nhắc 2 việc, việc khẩn nhất xếp trước:</p>\n"
        "<ol>\n"
        "<li><p><strong>Quá hạn 2 ngày làm việc</strong> — Thẩm định báo cáo</p>\n<ul>\n"
        f"  <li>Kế hoạch: {PLAN_TITLE}</li>\n"
        "  <li>Bước: I.1.b</li>\n"
        "  <li>Hạn: 09/05/2024 (quá hạn 2 ngày làm việc)</li>\n"
        "  <li>Sản phẩm cần có: Báo cáo thẩm định</li>\n"
        "  <li>Chủ trì: STC</li>\n"
        f"  <li>Quý cơ quan nhận nhắc việc với vai trò: {ROLE_LABELS[Role.LEAD]}</li>\n"
        "  <li>Đã đồng thời thông báo: Sở Nội vụ, UBND tỉnh</li>\n"
        f"</ul>\n<p><em>{ACTIONS[Rule.OVERDUE]}</em></p></li>\n"
        "<li><p><strong>Chưa chốt ngày tổ chức, còn 5 ngày làm việc</strong> — Hội nghị sơ kết"
        "</p>\n<ul>\n"
        f"  <li>Kế hoạch: {PLAN_TITLE}</li>\n"
        "  <li>Ngày dự kiến tổ chức: 20/05/2024 (còn 5 ngày làm việc)</li>\n"
        "  <li>Chủ trì: STC</li>\n"
        f"  <li>Quý cơ quan nhận nhắc việc với vai trò: {ROLE_LABELS[Role.COORDINATOR]}</li>\n"
        f"</ul>\n<p><em>{ACTIONS[Rule.EVENT_UNCONFIRMED]}</em></p></li>\n"
        f"</ol>\n<p><small>{CLOSING}</small></p>\n</body>\n</html>\n"
    )
    assert (
        digest.subject == "Nhắc việc ngày 13/05/2024: 1 việc quá hạn, 1 việc chưa chốt ngày tổ chức"
    )


def test_the_zalo_text_gives_one_line_per_item_without_the_step_for_the_event() -> None:
    assert short_text("Sở Tài chính", ordered([OVERDUE, UNCONFIRMED, MOVED]), NOW) == (
        "Nhắc việc ngày 13/05/2024 — Sở Tài chính: 3 việc\n"
        "1) Quá hạn 2 ngày làm việc: Thẩm định báo cáo. "
        "Hạn: 09/05/2024 (quá hạn 2 ngày làm việc). Chủ trì: STC. Bước I.1.b.\n"
        "2) Chưa chốt ngày tổ chức, còn 5 ngày làm việc: Hội nghị sơ kết. "
        "Ngày dự kiến tổ chức: 20/05/2024 (còn 5 ngày làm việc).\n"
        "3) Hạn mới 24/05/2024: Chuẩn bị hội trường. "
        "Hạn: 24/05/2024 (trước đây —). Chủ trì: Sở Nội vụ. Bước I.1.f."
    )


def zalo_title(title: str) -> str:
    text = short_text("Sở Tài chính", [item(Rule.OVERDUE, title=title, working_days_late=1)], NOW)
    return text.split("\n")[1].removeprefix("1) Quá hạn 1 ngày làm việc: ").split(". Hạn:")[0]


def test_a_long_title_is_clipped_in_the_zalo_text_to_its_limit() -> None:
    assert TITLE_CLIP == 160
    # 159 characters are kept, then the ellipsis.
    assert zalo_title("Báo cáo " + "rất " * 50) == "Báo cáo " + "rất " * 37 + "rất…"
    # A cut that ends on a space drops the space before the ellipsis.
    assert zalo_title("Báo cáo số " + "rất " * 50) == "Báo cáo số " + "rất " * 36 + "rất…"


def test_a_title_exactly_as_long_as_the_limit_is_not_clipped() -> None:
    assert zalo_title("B" * TITLE_CLIP) == "B" * TITLE_CLIP


def many(count: int, title: str = "Việc") -> list[ReminderItem]:
    return [item(Rule.OVERDUE, f"I.{n}", title=f"{title} {n}", working_days_late=1)
            for n in range(1, count + 1)]  # fmt: skip


def test_the_zalo_text_stops_within_its_limit_and_counts_what_it_left_out() -> None:
    items = many(60, title="Việc có tiêu đề khá dài để vượt giới hạn của một tin nhắn Zalo")
    text = short_text("Sở Tài chính", items, NOW)
    shown = text.count("\n") - 1  # the heading, the shown lines, then the count
    assert len(text) <= ZALO_LIMIT
    assert text.endswith(
        f"\n… và {60 - shown} việc khác; xem chi tiết trong thư điện tử hoặc hỏi cơ quan đầu mối."
    )
    assert f"\n{shown}) Quá hạn" in text and f"\n{shown + 1}) " not in text


def test_a_zalo_text_that_fits_exactly_is_sent_whole() -> None:
    # The last line is longer than the "… và 1 việc khác" note it would otherwise need.
    two = [
        item(Rule.OVERDUE, title="T", working_days_late=1),
        item(Rule.OVERDUE, "I.1.c", title="Báo cáo " * 15, working_days_late=1),
    ]
    base = len(short_text("", two, NOW))
    exact = short_text("X" * (ZALO_LIMIT - base), two, NOW)
    assert len(exact) == ZALO_LIMIT and "… và" not in exact
    over = short_text("X" * (ZALO_LIMIT - base + 1), two, NOW)
    assert over.endswith(
        "\n… và 1 việc khác; xem chi tiết trong thư điện tử hoặc hỏi cơ quan đầu mối."
    )
    assert "\n1) Quá hạn 1 ngày làm việc: T." in over


def test_a_line_that_fits_with_the_count_of_the_rest_is_still_shown() -> None:
    first = item(Rule.OVERDUE, title="T", working_days_late=1)
    two = [first, item(Rule.OVERDUE, "I.1.c", title="Báo cáo " * 15, working_days_late=1)]
    note = "\n… và 1 việc khác; xem chi tiết trong thư điện tử hoặc hỏi cơ quan đầu mối."
    room = ZALO_LIMIT - len(short_text("", [first], NOW)) - len(note)
    text = short_text("X" * room, two, NOW)
    assert len(text) == ZALO_LIMIT
    assert "\n1) Quá hạn 1 ngày làm việc: T." in text
    assert text.endswith(note) and "\n2) " not in text


def test_a_digest_lists_a_hundred_items_in_full_and_counts_the_rest() -> None:
    hundred = plain_text("Sở Tài chính", many(LISTED_LIMIT))
    assert f"\n\n{LISTED_LIMIT}. [" in hundred and "… và" not in hundred
    stalled = [item(Rule.STALLED, "II.1", since=DAY, deadline=dt.date(2024, 6, 3))]
    more = compose_digest("STC", "Sở Tài chính", many(LISTED_LIMIT + 2) + stalled, NOW)
    rest = (
        "… và 3 việc khác (2 việc quá hạn, 1 việc không cập nhật); xem đầy đủ bằng lệnh "
        "`kehoach status` hoặc hỏi cơ quan đầu mối."
    )
    assert f"\n\n{rest}\n\n{CLOSING}\n" in more.text
    assert f"\n</ol>\n<p><strong>{rest}</strong></p>\n<ol>\n</ol>" in more.html
    assert f"\n\n{LISTED_LIMIT + 1}. [" not in more.text


def test_a_digest_needs_at_least_one_item() -> None:
    with pytest.raises(ValueError, match=r"^a digest needs at least one item$"):
        compose_digest("STC", "Sở Tài chính", [], NOW)


def test_on_the_same_day_the_most_urgent_state_of_a_step_is_kept() -> None:
    blocked_later = item(Rule.BLOCKED, since=DAY, working_days_late=2)
    assert latest_per_step([OVERDUE, blocked_later]) == [blocked_later]
    assert latest_per_step([blocked_later, OVERDUE]) == [blocked_later]


def test_on_the_same_day_and_state_the_later_lateness_is_kept() -> None:
    later = item(Rule.OVERDUE, working_days_late=3)
    assert latest_per_step([OVERDUE, later]) == [later]


def test_a_moved_deadline_keeps_its_entry_beside_the_state_of_the_step() -> None:
    moved = item(Rule.DEADLINE_MOVED, previous_deadline=DAY)
    assert latest_per_step([OVERDUE, moved]) == [OVERDUE, moved]
