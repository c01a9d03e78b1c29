"""The plan file's schema: a Vietnamese administrative plan (Kế hoạch) as validated data.

Field-level rules live on the models; rules that need the whole plan (known agency
codes, unique ids, dependency cycles, deadlines before the event) are in
`models.plan_rules`, so each problem can be reported with its exact path.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from models.calendar import CalendarOverrides, DayOffRule
from models.event_kinds import EventType
from models.recurrence import CYCLE_MONTHS, Covers, Cycle, Rhythm

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")]
StepId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]


class Strict(BaseModel):
    # A typo in a plan file must never be silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgencyKind(StrEnum):
    LEADERSHIP = "leadership"
    OFFICE = "office"
    DEPARTMENT = "department"
    BOARD = "board"
    MASS_ORGANISATION = "mass_organisation"
    DISTRICT = "district"
    COMMUNE = "commune"
    PRESS = "press"
    OTHER = "other"


class Person(Strict):
    """An official addressed by name: "Đồng chí <họ tên>, <chức vụ>"."""

    name: Text
    title: Text


class AgencyContact(Strict):
    """Who to reach at an agency. Addresses, not secrets: a Zalo phone number or user id."""

    name: Text | None = None
    title: Text | None = None
    email: Text | None = None
    zalo: Text | None = None
    phone: Text | None = None


class Agency(Strict):
    code: Code
    name: Text
    short_name: Text | None = None
    kind: AgencyKind
    groups: list[Code] = []
    escalation_to: Code | None = Field(
        default=None, description="Agency code told when this agency's own steps escalate."
    )
    person: Person | None = Field(
        default=None, description="A leader addressed in person (Kính gửi: Đồng chí …)."
    )
    # DIR: the directory's fields (config/directories/<id>.yaml); all optional.
    parent: Code | None = Field(
        default=None, description="The agency above (province → district → commune)."
    )
    area: Code | None = Field(
        default=None,
        description="The administrative unit the agency belongs to, for 'cùng cấp' "
        "(default: its own code).",
    )
    valid_from: dt.date | None = None
    valid_to: dt.date | None = Field(default=None, description="Last day the agency exists.")
    successor: Code | None = Field(
        default=None, description="The agency that took over its work (merger, renaming)."
    )
    contact: AgencyContact | None = None

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def unit(self) -> str:
        """The administrative unit for 'cùng cấp': its area, or itself (an UBND is its unit)."""
        return self.area or self.code

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class AgencyGroup(Strict):
    code: Code
    name: Text


class PartialDate(Strict):
    """A date whose day (or month) a draft may leave blank, as in 'ngày   tháng 3 năm 2024'."""

    year: int = Field(ge=1945, le=2100)
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)

    @model_validator(mode="after")
    def _is_a_real_date(self) -> Self:
        if self.day is not None:
            if self.month is None:
                raise ValueError("có ngày thì phải có tháng")
            dt.date(self.year, self.month, self.day)  # raises ValueError on 30/02
        return self


class Signer(Strict):
    name: Text
    title: Text
    authority: Text | None = Field(default=None, description="e.g. 'KT. Chủ tịch'")
    agency: Code | None = None


class BasisRelation(StrEnum):
    LEGAL_BASIS = "can_cu"  # "Căn cứ …": the legal grounds
    FOUNDATION = "tren_co_so"  # "Trên cơ sở …": what the plan builds on


class LegalBasis(Strict):
    relation: BasisRelation = BasisRelation.LEGAL_BASIS
    document: Text
    number: Text | None = None
    date: dt.date | None = None
    issuer: Text | None = None
    summary: Text | None = None


class BudgetLine(Strict):
    section: Text | None = None
    source: Text
    holder: Code
    decision_number: Text | None = None
    decision_date: dt.date | None = None
    amount_vnd: int | None = Field(default=None, ge=0)
    estimate_step: StepId | None = Field(
        default=None, description="The step that produces the budget estimate."
    )


class AttendanceGroup(Strict):
    level: Text
    who: list[Text] = Field(min_length=1)
    invited_groups: list[Code] = []
    expected: int | None = Field(default=None, ge=0)


class Attendance(Strict):
    expected_total: int = Field(ge=1)
    by_level: list[AttendanceGroup] = Field(min_length=1)


class AgendaItem(Strict):
    id: StepId
    title: Text
    delivered_by: list[StepId] = Field(
        min_length=1, description="Steps whose deliverables make this agenda item."
    )


MAIN_EVENT = "main"  # the id a v1 file's single `event:` gets


class Event(Strict):
    id: Code = MAIN_EVENT
    kind: EventType = EventType.CONFERENCE
    name: Text
    tentative_month: (
        Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] | None
    ) = None
    assumed_date: dt.date = Field(
        description="The working assumption for relative deadlines until the date is confirmed."
    )
    confirmed_date: dt.date | None = None
    end_date: dt.date | None = Field(
        default=None, description="Last day of a multi-day event (a festival, an exam)."
    )
    start_time: dt.time | None = None
    venue: Text | None = None
    organisers: list[Code] = Field(
        default=[], description="Agencies organising the event: never asked to attend it."
    )
    attendance: Attendance | None = None
    agenda: list[AgendaItem] = []

    @property
    def date(self) -> dt.date:
        return self.confirmed_date or self.assumed_date

    @model_validator(mode="after")
    def _assumed_date_in_tentative_month(self) -> Self:
        if self.tentative_month and self.assumed_date.strftime("%Y-%m") != self.tentative_month:
            raise ValueError(
                f"ngày dự kiến {self.assumed_date:%d/%m/%Y} không thuộc tháng dự kiến "
                f"{self.tentative_month}"
            )
        return self

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Self:
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError(
                f"ngày kết thúc {self.end_date:%d/%m/%Y} trước ngày bắt đầu {self.date:%d/%m/%Y}"
            )
        return self


class CompletesOn(StrEnum):
    """What completes a step whose deliverable goes to receivers (docs/reminders.md)."""

    RECEIPT = "receipt"  # the receiver confirms receipt (xác nhận đã nhận)
    SUBMISSION = "submission"  # the lead reports it submitted (đã nộp): v1 meaning


class DeadlineSource(StrEnum):
    PLAN_TEXT = "plan_text"
    COORDINATOR = "coordinator"


class DeadlineMeaning(StrEnum):
    """What the plan's words make of a date (docs/deadlines-and-status.md)."""

    BY = "cham_nhat"  # "chậm nhất ngày X", or a bare date: due X
    BEFORE = "truoc_ngay"  # "trước ngày X": due the last working day before X
    WITHIN_MONTH = "trong_thang"  # "trong tháng 3": due the last working day of that month


class DayCount(StrEnum):
    WORKING = "working"  # v1 meaning: offsets count working days
    CALENDAR = "calendar"  # "105 ngày trước ngày bầu cử": every day counts


class Deadline(Strict):
    """One rule: a date; N days before/after an event; or N days after another step."""

    date: dt.date | None = None
    meaning: DeadlineMeaning = DeadlineMeaning.BY
    not_before: dt.date | None = Field(
        default=None, description="Window start: the work is not due before this day."
    )
    before_event: int | None = Field(default=None, ge=0)
    after_event: int | None = Field(default=None, ge=0)
    event: Code | None = Field(
        default=None, description="Which event (default: the plan's only event)."
    )
    days: DayCount = DayCount.WORKING
    after_step: StepId | None = None
    working_days: int | None = Field(default=None, ge=0)
    calendar_days: int | None = Field(default=None, ge=0)
    on_day_off: DayOffRule | None = Field(
        default=None, description="Overrides calendar.day_off_rule for this deadline."
    )
    source: DeadlineSource = DeadlineSource.COORDINATOR

    @model_validator(mode="after")
    def _exactly_one_rule(self) -> Self:
        chosen = [
            name
            for name in ("date", "before_event", "after_event", "after_step")
            if getattr(self, name) is not None
        ]
        if len(chosen) != 1:
            raise ValueError(
                "hạn phải có đúng một trong: date, before_event, after_event, after_step "
                f"(đang có: {', '.join(chosen) or 'không có'})"
            )
        offsets = [self.working_days, self.calendar_days]
        if (self.after_step is None) != (offsets.count(None) == 2) or None not in offsets:
            raise ValueError(
                "after_step phải đi cùng đúng một trong working_days, calendar_days (và ngược lại)"
            )
        return self

    @model_validator(mode="after")
    def _options_fit_the_rule(self) -> Self:
        relative = self.before_event is not None or self.after_event is not None
        if self.event is not None and not relative:
            raise ValueError("event chỉ dùng cùng before_event hoặc after_event")
        if self.days is not DayCount.WORKING and not relative:
            raise ValueError("days chỉ dùng cùng before_event hoặc after_event")
        if self.meaning is not DeadlineMeaning.BY and self.date is None:
            raise ValueError("meaning (truoc_ngay, trong_thang) chỉ dùng cùng date")
        return self


class Recurrence(Strict):
    """A report cycle instead of one deadline: "báo cáo tháng gửi trước ngày 15 của tháng"."""

    every: Cycle
    day: int = Field(ge=1, le=31, description="Day of the month due (week: 1 = Thứ Hai … 7).")
    month: int | None = Field(
        default=None,
        ge=1,
        le=12,
        description="year: month of the year; quarter: 1–3 and half_year: 1–6, the month "
        "within the period (3 = tháng cuối quý).",
    )
    meaning: Literal["cham_nhat", "truoc_ngay"] = "cham_nhat"
    covers: Covers = Field(
        default=Covers.ND09,
        description="The data period each occurrence reports on: nd09 (Nghị định 09/2019, "
        "Điều 12), calendar, or until_due (the cycle before the day).",
    )

    @model_validator(mode="after")
    def _day_and_month_fit_the_cycle(self) -> Self:
        if self.every is Cycle.WEEK:
            if self.day > 7 or self.month is not None:
                raise ValueError("báo cáo tuần: day là thứ trong tuần (1 = Thứ Hai … 7 = Chủ nhật)")
            return self
        allowed = 1 if self.every is Cycle.MONTH else CYCLE_MONTHS[self.every]
        if self.every is Cycle.YEAR and self.month is None:
            raise ValueError("báo cáo năm cần month: tháng trong năm phải gửi báo cáo")
        if (self.month or 1) > allowed:
            raise ValueError(f"month phải từ 1 đến {allowed} (tháng thứ mấy trong kỳ)")
        return self

    @property
    def rhythm(self) -> Rhythm:
        return Rhythm(self.every, self.day, self.month or 1, self.meaning, self.covers)


class Ongoing(Strict):
    """A duty without a deadline ("thường xuyên"), followed by a progress update each period."""

    check_in: Literal[Cycle.WEEK, Cycle.MONTH, Cycle.QUARTER] = Cycle.MONTH


class Period(Strict):
    """The time the plan covers: recurring work expands within it, ongoing duties end with it."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _start_before_end(self) -> Self:
        if self.start > self.end:
            raise ValueError(
                f"ngày bắt đầu {self.start:%d/%m/%Y} sau ngày kết thúc {self.end:%d/%m/%Y}"
            )
        return self


LADDER_ROLES = (
    "lead",
    "cooperating",
    "coordinator",
    "leadership",
    "lead_escalation",
    "parent",
)


class LadderRung(Strict):
    from_days_late: int = Field(ge=0)
    notify: list[Code] = Field(
        min_length=1,
        description="Roles (lead, cooperating, coordinator, leadership, lead_escalation, "
        "parent) or agency codes.",
    )


class OfficeHours(Strict):
    start: dt.time = dt.time(7, 30)
    end: dt.time = dt.time(17, 0)

    @model_validator(mode="after")
    def _start_before_end(self) -> Self:
        if self.start >= self.end:
            raise ValueError("giờ bắt đầu phải trước giờ kết thúc")
        return self


class ReminderOverrides(Strict):
    before_deadline: list[Annotated[int, Field(ge=0)]] | None = None
    overdue_every: int | None = Field(default=None, ge=1)
    stalled_after: int | None = Field(default=None, ge=1)
    blocked_every: int | None = Field(default=None, ge=1)
    ladder: list[LadderRung] | None = None


class ReminderPolicy(Strict):
    before_deadline: list[Annotated[int, Field(ge=0)]] = [5, 1, 0]
    due_soon_within: int = Field(default=3, ge=0)
    overdue_every: int = Field(default=2, ge=1)
    stalled_after: int = Field(default=5, ge=1)
    blocked_every: int = Field(default=1, ge=1)
    unconfirmed_event_before: int = Field(default=10, ge=0)
    difficulty_escalate_after: int = Field(default=3, ge=1)
    receipt_reminder_after: int = Field(
        default=2,
        ge=1,
        description="Working days a receiver may leave a submitted deliverable unconfirmed "
        "before it is reminded (xác nhận đã nhận).",
    )
    office_hours: OfficeHours = OfficeHours()
    leadership: list[Code] = []
    # `parent` is the lead's parent in the directory (a commune's district), or the
    # coordinator for an agency without one: a commune's overdue work goes to its district
    # first and to the province only three working days later (docs/reminders.md).
    ladder: list[LadderRung] = [
        LadderRung(from_days_late=0, notify=["lead"]),
        LadderRung(from_days_late=3, notify=["lead", "cooperating", "parent"]),
        LadderRung(
            from_days_late=6,
            notify=["lead", "cooperating", "parent", "coordinator", "leadership"],
        ),
    ]

    def merged(self, overrides: ReminderOverrides | None) -> ReminderPolicy:
        if overrides is None:
            return self
        changes = overrides.model_dump(exclude_none=True)
        return self.model_copy(update={k: getattr(overrides, k) for k in changes})


class TrackingRules(Strict):
    """How the plan's tracking judges lateness; defaults follow the provincial rules."""

    extension_counts_on_time: bool = Field(
        default=True,
        description="A step finished inside a granted extension counts as done on time "
        "(the task-tracking rules judge against the adjusted deadline); false: judged "
        "against the deadline before the extension.",
    )


class Step(Strict):
    id: StepId
    title: Text
    deliverable: Text | None = None
    lead: Code | None = None
    fan_out: list[Code] | None = Field(
        default=None,
        description="Agency groups: one tracked step per member agency, which leads it.",
    )
    cooperating: list[Code] = Field(
        default=[], description="Agency or group codes (a group stands for all its members)."
    )
    depends_on: list[StepId] = []
    deadline: Deadline | None = None
    recurrence: Recurrence | None = None
    ongoing: Ongoing | None = None
    needs_confirmed_event: bool = Field(
        default=False,
        description="The step waits for the event date to be confirmed (e.g. invitations).",
    )
    follow_up: bool = Field(
        default=False, description="Work after the event; its deadline may fall after it."
    )
    agenda: list[StepId] = []
    reminders: ReminderOverrides | None = None
    note: Text | None = None
    attendance: bool = Field(
        default=False, description="The step sends delegates to the event (organisers skip it)."
    )
    receivers: list[Code] = Field(
        default=[], description="Agencies that receive the deliverable and act on it."
    )
    via: Code | None = Field(
        default=None,
        description='The office the deliverable goes through ("thông qua Sở Nội vụ"): told '
        "with the receivers, may confirm receipt for them.",
    )
    completes_on: CompletesOn | None = Field(
        default=None,
        description="receipt: the step is done when a receiver confirms receipt; submission: "
        "when the lead reports it submitted. Default: receipt when receivers are given in a "
        "schema_version 2 file, submission otherwise (the v1 meaning).",
    )
    conditional: bool = Field(
        default=False,
        description='Work done only if needed ("khi cần thiết", "nếu có"): the lead may '
        "declare it không phát sinh, with a note.",
    )
    # DIR: hierarchy-aware fan-out.
    fan_out_children: bool = Field(
        default=False,
        description="One tracked step per child (in the directory) of each fan_out member.",
    )
    cooperating_same_area: list[Code] = Field(
        default=[],
        description="Groups ('cùng cấp'): each copy cooperates with their members in the "
        "lead's area.",
    )

    @model_validator(mode="after")
    def _lead_or_fan_out(self) -> Self:
        if (self.lead is None) == (self.fan_out is None):
            raise ValueError("mỗi bước cần đúng một trong hai: lead (chủ trì) hoặc fan_out")
        return self

    @model_validator(mode="after")
    def _one_kind_of_timing(self) -> Self:
        chosen = [n for n in ("deadline", "recurrence", "ongoing") if getattr(self, n) is not None]
        if len(chosen) != 1:
            raise ValueError(
                "mỗi bước cần đúng một trong ba: deadline (hạn), recurrence (báo cáo định kỳ) "
                f"hoặc ongoing (nhiệm vụ thường xuyên); đang có: {', '.join(chosen) or 'không có'}"
            )
        return self


class Responsibility(Strict):
    id: StepId
    title: Text
    responsible: list[Code] = Field(
        min_length=1, description="Agency or group codes named by this item of Section IV."
    )
    quote: Text | None = Field(default=None, description="The plan's own words.")
    steps: list[Step] = Field(min_length=1)


class DifficultyRoute(Strict):
    receivers: list[Code] = Field(min_length=1)
    escalate_to: list[Code] = []
    escalate_after: int | None = Field(
        default=None,
        ge=1,
        description="Working days a difficulty may stay unresolved before `escalate_to` is "
        "told (default: the reminder policy's difficulty_escalate_after).",
    )
    escalate_via: Code | None = Field(
        default=None, description="The office through which `escalate_to` is told."
    )
    quote: Text | None = None


class Contact(Strict):
    """The coordinator's contact person, named at the foot of every notice."""

    name: Text
    title: Text | None = None
    agency: Code | None = Field(default=None, description="Default: the plan's coordinator.")
    phone: Text | None = None
    email: Text | None = None


class PlanHeader(Strict):
    id: Code
    number: Text | None = None
    document_type: Text = "KH-UBND"
    title: Text
    issuer: Text
    place: Text | None = None
    issued: PartialDate
    signer: Signer | None = None
    coordinator: Code
    legal_bases: list[LegalBasis] = []
    budget: BudgetLine | None = None
    time_zone: Text = "Asia/Ho_Chi_Minh"
    contact: Contact | None = None
    period: Period | None = Field(default=None, description="Default: the year of `issued`.")
    directory: Text | None = Field(
        default=None,
        description="The province directory the plan uses: an id (config/directories/<id>.yaml) "
        "or a path relative to the plan file.",
    )

    @property
    def covered(self) -> Period:
        """The plan's period as declared, or the calendar year it was issued in."""
        year = self.issued.year
        return self.period or Period(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))

    @property
    def issued_on(self) -> dt.date:
        """The day the directory is read on: the issue date, its first day when left blank."""
        return dt.date(self.issued.year, self.issued.month or 1, self.issued.day or 1)


class PlanCalendar(CalendarOverrides):
    day_off_rule: DayOffRule = Field(
        default=DayOffRule.NEXT_WORKING_DAY,
        description="A due day on a day off: next_working_day (Bộ luật Dân sự 2015, "
        "Điều 148 khoản 5) or keep (a fixed calendar day, with a warning).",
    )


class Plan(Strict):
    schema_version: int = Field(default=1, ge=1, le=2)
    plan: PlanHeader
    calendar: PlanCalendar = PlanCalendar()
    events: list[Event] = Field(
        default=[], description="0..n events: conferences, festivals, an election day…"
    )
    groups: list[AgencyGroup] = []
    # Empty only when a directory gives the agencies (load_plan_file merges them in).
    agencies: list[Agency] = []
    difficulty_route: DifficultyRoute
    reminders: ReminderPolicy = ReminderPolicy()
    tracking: TrackingRules = TrackingRules()
    responsibilities: list[Responsibility] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _single_event_of_v1(cls, data: Any) -> Any:
        # A v1 file's `event:` is the plan's one event, "main", a conference: loaded as is.
        if isinstance(data, dict) and "event" in data:
            if "events" in data:
                raise ValueError("chỉ dùng một trong hai: event (một sự kiện) hoặc events")
            single = data["event"]
            event = {"id": MAIN_EVENT, **single} if isinstance(single, dict) else single
            data = {k: v for k, v in data.items() if k != "event"} | {"events": [event]}
        return data

    @property
    def main_event(self) -> Event | None:
        """The plan's first event: "the" event where a plan has one (attendance, summaries)."""
        return self.events[0] if self.events else None

    def event_by_id(self, event_id: str) -> Event:
        return next(e for e in self.events if e.id == event_id)

    def event_of(self, deadline: Deadline | None) -> Event | None:
        """The event a relative deadline counts from: named, or the plan's only one."""
        if deadline is not None and deadline.event is not None:
            return next((e for e in self.events if e.id == deadline.event), None)
        return self.events[0] if len(self.events) == 1 else None

    def event_before(self, step: Step) -> Event | None:
        """The event a step prepares for: its deadline's; else the only one; else the last."""
        named = self.event_of(step.deadline)
        if named is not None or not self.events:
            return named
        return max(self.events, key=lambda e: e.date)

    @model_validator(mode="after")
    def _has_agencies(self) -> Self:
        if not self.agencies and self.plan.directory is None:
            raise ValueError(
                "danh mục cơ quan (agencies) không được để trống khi kế hoạch không dùng "
                "danh bạ (plan.directory)"
            )
        return self

    def agency(self, code: str) -> Agency:
        return next(a for a in self.agencies if a.code == code)

    def members(self, group: str) -> list[Agency]:
        return [a for a in self.agencies if group in a.groups]

    def expand_codes(self, codes: list[str]) -> list[str]:
        """Agency codes for a list of agency or group codes, each once, in the given order."""
        agencies = {a.code for a in self.agencies}
        expanded = [
            c for code in codes for c in ([code] if code in agencies else self._member_codes(code))
        ]
        return list(dict.fromkeys(expanded))

    def _member_codes(self, group: str) -> list[str]:
        return [a.code for a in self.members(group)]

    def group_name(self, code: str) -> str:
        return next((g.name for g in self.groups if g.code == code), code)

    def all_steps(self) -> list[tuple[Responsibility, Step]]:
        return [(r, s) for r in self.responsibilities for s in r.steps]
