"""What a notice in a provincial office's register says about its plan, worked out once.

The plan by its number and date (or "dự thảo, chưa có số"), the sender (the coordinating
agency), its contact person, how each recipient is addressed ("Đồng chí <họ tên>, <chức
vụ>" for a person), each step by the plan's own numbering and title, and where each
deadline comes from. Plain text from plan data; nothing here reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.event_kinds import EventType, day_noun
from models.plan import DayCount, Deadline, DeadlineSource, PartialDate, Plan, PlanHeader, Step


@dataclass(frozen=True)
class PlanFacts:
    plan_ref: str
    sender: str
    sender_label: str
    contact: str
    references: dict[str, str]
    bases: dict[str, str]
    addressees: dict[str, str]
    route_next: str

    @classmethod
    def of(cls, plan: Plan) -> PlanFacts:
        coordinator = plan.agency(plan.plan.coordinator)
        steps = plan.all_steps()
        return cls(
            plan_ref=plan_reference(plan.plan),
            sender=coordinator.name,
            sender_label=coordinator.label,
            contact=contact_line(plan),
            references={s.id: f"Nhiệm vụ {r.id} – {s.title}" for r, s in steps},
            bases={s.id: deadline_basis(plan, s) for _, s in steps},
            addressees={a.code: addressee(plan, a.code) for a in plan.agencies},
            route_next=_route_next(plan),
        )


def plan_reference(header: PlanHeader) -> str:
    """'Kế hoạch số 45/KH-UBND ngày 12/03/2024 của …', or the draft's 'dự thảo, chưa có số'."""
    if header.number is None:
        return f"Kế hoạch (dự thảo, chưa có số) của {header.issuer}"
    number = header.number if "/" in header.number else f"{header.number}/{header.document_type}"
    return f"Kế hoạch số {number} {issued_on(header.issued)} của {header.issuer}"


def issued_on(issued: PartialDate) -> str:
    if issued.day is not None and issued.month is not None:
        return f"ngày {issued.day:02d}/{issued.month:02d}/{issued.year}"
    if issued.month is not None:
        return f"tháng {issued.month:02d}/{issued.year}"
    return f"năm {issued.year}"


def contact_line(plan: Plan) -> str:
    contact = plan.plan.contact
    if contact is None:
        return ""
    agency = plan.agency(contact.agency or plan.plan.coordinator).label
    parts = [f"Đồng chí {contact.name}" + (f", {contact.title}" if contact.title else "")]
    parts[0] += f", {agency}"
    if contact.phone:
        parts.append(f"điện thoại: {contact.phone}")
    if contact.email:
        parts.append(f"thư điện tử: {contact.email}")
    return "; ".join(parts)


def addressee(plan: Plan, code: str) -> str:
    agency = plan.agency(code)
    if agency.person is None:
        return agency.name
    return f"Đồng chí {agency.person.name}, {agency.person.title}"


def deadline_basis(plan: Plan, step: Step) -> str:
    """Where a step's deadline comes from: the plan's own text or the coordinator's choice."""
    if step.deadline is None:  # a report cycle or an ongoing duty: the plan's own words
        return "theo Kế hoạch"
    rule = _relative(plan, step.deadline)
    if step.deadline.source is DeadlineSource.PLAN_TEXT:
        return "theo Kế hoạch" + (f" ({rule})" if rule else "")
    chosen = f"do {plan.agency(plan.plan.coordinator).label} (cơ quan đầu mối) ấn định"
    return chosen + (f": {rule}" if rule else "")


def _relative(plan: Plan, deadline: Deadline) -> str:
    days = "ngày làm việc" if deadline.days is DayCount.WORKING else "ngày"
    if deadline.before_event is not None:
        return f"{deadline.before_event} {days} trước {_event_day(plan, deadline)}"
    if deadline.after_event is not None:
        return f"{deadline.after_event} {days} sau {_event_day(plan, deadline)}"
    if deadline.after_step is not None:
        other = next((r.id for r, s in plan.all_steps() if s.id == deadline.after_step), "")
        if deadline.calendar_days is not None:
            return f"{deadline.calendar_days} ngày sau hạn của Nhiệm vụ {other}".rstrip()
        return f"{deadline.working_days} ngày làm việc sau hạn của Nhiệm vụ {other}".rstrip()
    return ""


def _event_day(plan: Plan, deadline: Deadline) -> str:
    """'ngày tổ chức Hội nghị', 'ngày tổ chức Lễ', 'ngày bầu cử', 'ngày tổ chức sự kiện'."""
    event = plan.event_of(deadline)
    if event is None:
        return "ngày tổ chức sự kiện"
    if event.kind is not EventType.CONFERENCE:
        return day_noun(event.kind)
    # "Hội nghị", "Hội thảo" name the event in two words; a "Lễ …" in one ("Lễ kỷ" would cut
    # "Lễ kỷ niệm" in half); anything else is "sự kiện".
    words = event.name.split()
    if words[:1] == ["Hội"]:
        return "ngày tổ chức " + " ".join(words[:2])
    return "ngày tổ chức " + ("Lễ" if words[:1] == ["Lễ"] else "sự kiện")


def _route_next(plan: Plan) -> str:
    route = plan.difficulty_route
    names = [plan.agency(c).label for c in plan.expand_codes(route.escalate_to)]
    return ", ".join(names)
