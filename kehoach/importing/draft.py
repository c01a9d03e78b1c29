"""A draft read from a plan document: assignments whose every cell says how sure it is.

The draft is never loaded: it becomes a review sheet, the coordinator corrects it, and the
corrected sheet is imported like any filled template.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kehoach.importing.agency_match import Mention
from kehoach.importing.layout import DeadlineForm

# Below this a cell is highlighted in the review sheet, with a comment saying why.
CHECK_BELOW = 0.8


@dataclass(frozen=True)
class DeadlineGuess:
    """A deadline as the text words it, in the terms of the deadline-form drop-down."""

    form: DeadlineForm
    value: str
    confidence: float
    reason: str = ""
    # Structured, for the measurement: the date, or the day/month of a cycle, or an offset.
    date: dt.date | None = None
    day: int | None = None
    month: int | None = None
    days: int | None = None


@dataclass(frozen=True)
class Cell:
    value: str
    confidence: float = 1.0
    reason: str = ""

    @property
    def needs_check(self) -> bool:
        return self.confidence < CHECK_BELOW


@dataclass
class Assignment:
    """One duty of the plan: who leads, who cooperates, what, by when, sent to whom."""

    number: str
    content: str
    source: str
    lead: list[Mention] = field(default_factory=list)
    lead_reason: str = ""
    cooperating: list[Mention] = field(default_factory=list)
    cooperating_reason: str = ""
    deadline: DeadlineGuess | None = None
    deadline_reason: str = ""
    deliverable: str = ""
    receivers: list[Mention] = field(default_factory=list)
    via: list[Mention] = field(default_factory=list)
    note: str = ""

    @property
    def lead_codes(self) -> list[str]:
        return [m.code for m in self.lead if m.code]

    @property
    def cooperating_codes(self) -> list[str]:
        return [m.code for m in self.cooperating if m.code]


@dataclass
class Identity:
    """The plan's identity as the document states it (empty where it does not)."""

    title: str = ""
    number: str = ""
    issuer: str = ""
    place: str = ""
    issued: str = ""
    legal_bases: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EventGuess:
    """The event a plan leads up to, as its text announces it ("Dự kiến tổ chức trong tháng
    4/2024, tại Khách sạn tỉnh Ninh Thuận")."""

    kind: str
    name: str
    date: Cell
    venue: str
    confirmed: bool
    source: str


@dataclass
class Draft:
    identity: Identity
    assignments: list[Assignment]
    # Where the assignments were found: the table, Section IV, or a dated list.
    found_in: str
    events: list[EventGuess] = field(default_factory=list)
