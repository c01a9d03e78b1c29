"""The kinds of event a plan is built around, and the words a person reads for each.

A plan for an election must never speak of "hội nghị": every user text that names the
event takes its noun from here (or the event's own name).
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    """`events[].kind` in a plan file."""

    CONFERENCE = "hoi_nghi"
    FESTIVAL = "le_hoi"
    CONGRESS = "dai_hoi"
    EXAM = "ky_thi"
    ELECTION = "bau_cu"
    MILESTONE = "moc"


# Conferences and congresses are held on working days; an election day is a Sunday by law
# (Luật Bầu cử đại biểu Quốc hội và đại biểu HĐND 2015, Điều 5), festivals and exams are
# often on days off, a milestone is any day.
WORKED_KINDS = frozenset({EventType.CONFERENCE, EventType.CONGRESS})

# The kind as a form or a spreadsheet names it (a drop-down value, a heading).
LABELS = {
    EventType.CONFERENCE: "Hội nghị",
    EventType.FESTIVAL: "Lễ hội",
    EventType.CONGRESS: "Đại hội",
    EventType.EXAM: "Kỳ thi",
    EventType.ELECTION: "Bầu cử",
    EventType.MILESTONE: "Mốc thời gian",
}

NOUNS = {
    EventType.CONFERENCE: "hội nghị",
    EventType.FESTIVAL: "lễ hội",
    EventType.CONGRESS: "đại hội",
    EventType.EXAM: "kỳ thi",
    EventType.ELECTION: "cuộc bầu cử",
    EventType.MILESTONE: "mốc thời gian",
}

# "ngày bầu cử", not "ngày cuộc bầu cử"; "ngày tổ chức hội nghị".
DAY_NOUNS = {
    EventType.CONFERENCE: "ngày hội nghị",
    EventType.FESTIVAL: "ngày lễ hội",
    EventType.CONGRESS: "ngày đại hội",
    EventType.EXAM: "ngày thi",
    EventType.ELECTION: "ngày bầu cử",
    EventType.MILESTONE: "mốc thời gian",
}

GENERIC_NOUN = "sự kiện"
GENERIC_DAY = "ngày sự kiện"


def noun(kind: EventType | str | None) -> str:
    """'hội nghị', 'cuộc bầu cử'…; 'sự kiện' when the kind is unknown (no event, several)."""
    return NOUNS.get(EventType(kind), GENERIC_NOUN) if kind else GENERIC_NOUN


def day_noun(kind: EventType | str | None) -> str:
    """'ngày hội nghị', 'ngày bầu cử'…; 'ngày sự kiện' when the kind is unknown."""
    return DAY_NOUNS.get(EventType(kind), GENERIC_DAY) if kind else GENERIC_DAY
