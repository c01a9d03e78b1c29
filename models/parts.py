"""A cooperating agency's part of a step: open until that agency reports it done.

A cooperator is asked to provide its part to the lead, and only while the part is open.
The event log records each report as an event of kind `PART_DONE` (actor: the
cooperator); this module folds those events. Nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

# Kept apart from `models.progress.EventKind`: a part does not change the step's progress,
# so the step's own fold never sees it.
PART_DONE = "part_done"
PART_DONE_LABEL = "cơ quan phối hợp đã hoàn thành phần việc"


class PartEvent(NamedTuple):
    step_key: str
    agency: str
    at: dt.datetime


def done_parts(
    events: Iterable[PartEvent], until: dt.datetime | None = None
) -> dict[str, frozenset[str]]:
    """Step key → the cooperators that reported their part done by `until`."""
    found: dict[str, set[str]] = {}
    for event in events:
        if until is None or event.at <= until:
            found.setdefault(event.step_key, set()).add(event.agency)
    return {key: frozenset(codes) for key, codes in found.items()}


def open_parts(
    cooperating: Sequence[str], done: Mapping[str, frozenset[str]], step_key: str
) -> list[str]:
    """The cooperators of a step whose part is still open, in the plan's order."""
    finished = done.get(step_key, frozenset())
    return [code for code in cooperating if code not in finished]


def part_refusal(cooperating: Sequence[str], done: frozenset[str], agency: str) -> str | None:
    """Why `agency` cannot report a part of this step done, in Vietnamese; None if it can."""
    if agency not in cooperating:
        return "cơ quan này không phải cơ quan phối hợp của bước"
    if agency in done:
        return "cơ quan này đã báo hoàn thành phần việc trước đó"
    return None
