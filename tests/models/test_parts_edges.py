"""A cooperator's part of a step: folded from its reports, refused when it is not its part."""

from __future__ import annotations

import datetime as dt

from models.parts import PartEvent, done_parts, open_parts, part_refusal


def at(day: int) -> dt.datetime:
    return dt.datetime(2024, 5, day, 1, tzinfo=dt.UTC)


EVENTS = [
    PartEvent("I.1.a", "STC", at(6)),
    PartEvent("I.1.a", "PR", at(8)),
    PartEvent("I.1.b", "SNV", at(7)),
    PartEvent("I.1.a", "STC", at(9)),  # reported twice: counted once
]


def test_every_part_reported_counts_when_no_moment_is_given() -> None:
    assert done_parts(EVENTS) == {
        "I.1.a": frozenset({"STC", "PR"}),
        "I.1.b": frozenset({"SNV"}),
    }


def test_a_part_counts_from_the_moment_it_was_reported_on() -> None:
    assert done_parts(EVENTS, until=at(8)) == {
        "I.1.a": frozenset({"STC", "PR"}),
        "I.1.b": frozenset({"SNV"}),
    }
    assert done_parts(EVENTS, until=at(7)) == {
        "I.1.a": frozenset({"STC"}),
        "I.1.b": frozenset({"SNV"}),
    }
    assert done_parts(EVENTS, until=at(5)) == {}


def test_the_open_parts_keep_the_plans_order() -> None:
    done = done_parts(EVENTS)
    assert open_parts(["SNV", "STC", "SXD", "PR"], done, "I.1.a") == ["SNV", "SXD"]
    assert open_parts(["SNV", "STC"], done, "I.9") == ["SNV", "STC"]


def test_only_a_cooperator_with_an_open_part_may_report_it_done() -> None:
    done = frozenset({"STC"})
    assert part_refusal(["STC", "PR"], done, "PR") is None
    assert part_refusal(["STC", "PR"], done, "STC") == (
        "cơ quan này đã báo hoàn thành phần việc trước đó"
    )
    assert part_refusal(["STC", "PR"], done, "SNV") == (
        "cơ quan này không phải cơ quan phối hợp của bước"
    )
