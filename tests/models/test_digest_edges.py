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
    latest_per_step,
    ordered,
    short_text,
)
from models.reminders import ReminderItem, Role, Rule

DAY = dt.date(2024, 5, 13)
NOW = dt.datetime(2024, 5, 13, 1, 30, tzinfo=dt.UTC)  # 08:30 in Vietnam
PLAN_TITLE = "Kế hoạch tổ chức hội nghị thử"
PLAN_REF = "Kế hoạch (dự thảo, chưa có số) của Ủy ban nhân dân tỉnh"


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
    return [item(Rule.OVERDUE, f"I.{n}", title=f"{title} {n}", working_days_late=1)
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
    text = zalo([item(Rule.OVERDUE, title=title, working_days_late=1)])
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
        item(Rule.OVERDUE, title="T", working_days_late=1),
        item(Rule.OVERDUE, "I.1.c", title="Báo cáo " * 15, working_days_late=1),
    ]
    exact = padded(two, 0)
    assert len(exact) == ZALO_LIMIT and "… và" not in exact
    over = padded(two, 1)
    assert "\n… và 1 nội dung khác; xem chi tiết trong thư điện tử.\nLiên hệ: X" in over
    assert "\n1) T: quá hạn 1 ngày làm việc" in over and "\n2) " not in over


def test_a_line_that_fits_with_the_count_of_the_rest_is_still_shown() -> None:
    first = item(Rule.OVERDUE, title="T", working_days_late=1)
    two = [first, item(Rule.OVERDUE, "I.1.c", title="Báo cáo " * 15, working_days_late=1)]
    note = "\n… và 1 nội dung khác; xem chi tiết trong thư điện tử."
    room = ZALO_LIMIT - len(zalo([first], "X")) - len(note) + 1
    text = zalo(two, "X" * room)
    assert len(text) == ZALO_LIMIT
    assert "\n1) T: quá hạn 1 ngày làm việc" in text
    assert note in text and "\n2) " not in text
    assert "\n1) " not in zalo(two, "X" * (room + 1))
