"""What `models.reminders.select_items` must answer, as it was before its fast path (the
selection of the fourth round, copied unchanged): to check that the fast path selects exactly
the same items, keys and payloads, in the same order.

Slow on purpose and obviously the rules: a Context built per plan, every step walked through
every rule, every text built for every item. Only the data types are shared with the core.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from models.calendar import WorkingCalendar
from models.health import Flag, Health, Progress, is_completed
from models.notice_facts import PlanFacts
from models.parts import open_parts
from models.plan import (
    LADDER_ROLES,
    Agency,
    CompletesOn,
    Event,
    LadderRung,
    Plan,
    ReminderPolicy,
    Step,
)
from models.receipts import completes_on, confirmers, receiver_codes
from models.recurrence import occurrence_label, period_words
from models.reminders import (
    EVENT_STEP_KEY,
    EventFacts,
    NoticeInputs,
    ReminderItem,
    Role,
    Rule,
    StepLike,
)
from models.self_reports import LinkReport, described, hint_of, to_tell
from models.timeutil import VIETNAM, local_day


@dataclass(frozen=True)
class Context:
    """Everything selection needs besides the steps, computed once per plan."""

    plan: Plan
    calendar: WorkingCalendar
    today: dt.date
    policies: dict[str, ReminderPolicy]
    agencies: dict[str, Agency]
    event_day: dt.date | None  # the main event's date in force (None: no event)
    follow_up: frozenset[str]
    now: dt.datetime
    facts: PlanFacts
    inputs: NoticeInputs
    attendance: frozenset[str]
    receivers: dict[str, list[str]]
    # When the event each step prepares for starts (step id → moment; absent: no event).
    starts: dict[str, dt.datetime] = field(default_factory=dict)
    # A window's start per step id: before it, the step is not reminded as due.
    not_before: dict[str, dt.date] = field(default_factory=dict)
    # Attendance steps: the organisers of the event each sends delegates to.
    organisers: dict[str, frozenset[str]] = field(default_factory=dict)
    # Codes of the roles that do not depend on the step, per policy: computed once.
    expanded: dict[tuple[int, str], list[str]] = field(default_factory=dict)
    # Steps completed by the receiver's confirmation (models.receipts), by step id.
    needs_receipt: frozenset[str] = frozenset()

    def codes(self, policy: ReminderPolicy, name: str, codes: list[str]) -> list[str]:
        key = (id(policy), name)
        if key not in self.expanded:
            self.expanded[key] = self.plan.expand_codes(codes)
        return self.expanded[key]

    @classmethod
    def build(
        cls,
        plan: Plan,
        calendar: WorkingCalendar,
        now: dt.datetime,
        event_day: dt.date | None,
        inputs: NoticeInputs | None = None,
        event_days: Mapping[str, dt.date] | None = None,
    ) -> Context:
        policies = {s.id: plan.reminders.merged(s.reminders) for _, s in plan.all_steps()}
        agencies = {a.code: a for a in plan.agencies}
        steps = [s for _, s in plan.all_steps()]
        # Report cycles and ongoing duties are not preparation for the event: they go on.
        follow_up = frozenset(s.id for s in steps if s.follow_up or s.deadline is None)
        return cls(
            plan,
            calendar,
            local_day(now),
            policies,
            agencies,
            event_day,
            follow_up,
            now,
            PlanFacts.of(plan),
            inputs or NoticeInputs(),
            frozenset(s.id for s in steps if s.attendance),
            {s.id: s.receivers for s in steps if s.receivers},
            _starts(plan, _in_force(plan, event_day, event_days)),
            {s.id: s.deadline.not_before for s in steps if s.deadline and s.deadline.not_before},
            _organisers(plan, [s for s in steps if s.attendance]),
            needs_receipt=frozenset(
                s.id for s in steps if completes_on(plan, s) is CompletesOn.RECEIPT
            ),
        )

    def past_its_event(self, step_id: str) -> bool:
        """Preparing for an event is moot once it has started; only follow-up goes on."""
        start = self.starts.get(step_id)
        return start is not None and self.now >= start and step_id not in self.follow_up

    def before_window(self, step_id: str) -> bool:
        """Before "từ 22/02" the step is not yet due: no reminder that it is near."""
        opens = self.not_before.get(step_id)
        return opens is not None and self.today < opens

    def organiser_attends(self, step: StepLike) -> bool:
        """Organisers are not asked to send delegates to their own event."""
        return step.lead in self.organisers.get(step.step_id, ())

    def plan_step(self, step_id: str) -> Step:
        return next(s for _, s in self.plan.all_steps() if s.id == step_id)

    def policy_for(self, step_id: str) -> ReminderPolicy:
        return self.policies.get(step_id, self.plan.reminders)

    def name(self, code: str) -> str:
        agency = self.agencies.get(code)
        return agency.name if agency else code

    def label(self, code: str) -> str:
        agency = self.agencies.get(code)
        return agency.label if agency else code


# --- Selection ---------------------------------------------------------------------------


def reference_select_items(
    plan: Plan,
    steps: Sequence[StepLike],
    event: EventFacts,
    calendar: WorkingCalendar,
    now: dt.datetime,
    inputs: NoticeInputs | None = None,
) -> list[ReminderItem]:
    """Every reminder due at `now` for the plan's steps, before deduplication by key."""
    if event.closed:
        return []
    context = Context.build(plan, calendar, now, event.date, inputs, event.dates)
    items = [item for step in steps for item in _step_items(context, step)]
    items.extend(_event_items(context, event))
    items.extend(_self_reported(context))
    return _unique(items)


def _in_force(
    plan: Plan, main_day: dt.date | None, days: Mapping[str, dt.date] | None
) -> dict[str, dt.date]:
    dates = {e.id: e.date for e in plan.events} | dict(days or {})
    main = plan.main_event
    if main is not None and main_day is not None:
        dates[main.id] = main_day
    return dates


def _start(day: dt.date, event: Event) -> dt.datetime:
    return dt.datetime.combine(day, event.start_time or dt.time(0), tzinfo=VIETNAM)


def _starts(plan: Plan, dates: Mapping[str, dt.date]) -> dict[str, dt.datetime]:
    starts = {}
    for _, step in plan.all_steps():
        event = plan.event_before(step)
        if event is not None:
            starts[step.id] = _start(dates[event.id], event)
    return starts


def _organisers(plan: Plan, steps: list[Step]) -> dict[str, frozenset[str]]:
    events = {s.id: plan.event_before(s) for s in steps}
    return {step_id: frozenset(e.organisers) for step_id, e in events.items() if e is not None}


def _unique(items: list[ReminderItem]) -> list[ReminderItem]:
    # One recipient can reach the same key through two roles; keep the first.
    return list({item.key: item for item in reversed(items)}.values())[::-1]


def _step_items(context: Context, step: StepLike) -> Iterator[ReminderItem]:
    if context.past_its_event(step.step_id) or context.organiser_attends(step):
        return
    if step.state.progress is Progress.NOT_APPLICABLE:
        return  # không phát sinh: nothing is due
    if is_completed(step.state.progress):
        if step.step_id not in context.needs_receipt:
            yield from _delivered(context, step)
        elif step.state.completed_at is None:
            yield from _receipt_items(context, step)
        return
    policy = context.policy_for(step.step_id)
    if step.state.progress is Progress.BLOCKED:
        yield from _blocked(context, policy, step)
    elif step.assessment.health is Health.ONGOING:
        yield from _check_in_missed(context, step)
    elif context.today > step.effective_deadline:
        yield from _overdue(context, policy, step)
    elif not context.before_window(step.step_id):
        yield from _stalled(context, policy, step)
        yield from _before_deadline(context, policy, step)


def _before_deadline(
    context: Context, policy: ReminderPolicy, step: StepLike
) -> Iterator[ReminderItem]:
    left = step.assessment.working_days_left
    threshold = smallest_threshold(policy.before_deadline, left)
    if threshold is None:
        return
    occurrence = f"{threshold}@{step.effective_deadline.isoformat()}"
    rung = rung_index(policy.ladder, 0)
    roles = sorted_ladder(policy.ladder)[rung].notify if rung is not None else ["lead"]
    for code, role in recipients(context, policy, step, roles).items():
        yield _item(context, step, code, role, Rule.BEFORE_DEADLINE, occurrence, rung or 0)


def smallest_threshold(thresholds: Sequence[int], left: int) -> int | None:
    """The threshold a step with `left` working days falls under; a missed one still fires."""
    candidates = [t for t in thresholds if t >= left]
    return min(candidates) if left >= 0 and candidates else None


def _overdue(context: Context, policy: ReminderPolicy, step: StepLike) -> Iterator[ReminderItem]:
    late = max(1, step.assessment.working_days_late)
    period = (late - 1) // policy.overdue_every
    current = rung_index(policy.ladder, late)
    if current is None:
        return
    first = rung_index(policy.ladder, 1 + period * policy.overdue_every) or 0
    ladder = sorted_ladder(policy.ladder)
    per_rung = [recipients(context, policy, step, r.notify) for r in ladder[first : current + 1]]
    told = per_rung[-1]
    occurrence = f"{period}@{step.effective_deadline.isoformat()}"
    others = tuple(context.label(c) for c, r in told.items() if r not in _DIRECT)
    for code, role in told.items():
        also = tuple(label for label in others if label != context.label(code))
        if role is Role.COOPERATING:
            # A cooperator is asked for its part, once per deadline, not urged each period.
            part = f"part@{step.effective_deadline.isoformat()}"
            rung = next(i for i, r in enumerate(ladder) if Role.COOPERATING in r.notify)
            yield _item(context, step, code, role, Rule.OVERDUE, part, rung, also_told=also)
            continue
        # The lowest rung of this period naming `code`: escalating within a period
        # tells only the newly added recipients; the lead is not told twice.
        rung = first + next(i for i, group in enumerate(per_rung) if code in group)
        yield _item(context, step, code, role, Rule.OVERDUE, occurrence, rung, also_told=also)


# Who is "told above" a step: not the lead and cooperating agencies doing the work.
_DIRECT = (Role.LEAD, Role.COOPERATING)


def rung_index(ladder: Sequence[LadderRung], days_late: int) -> int | None:
    """Index (in `from_days_late` order) of the rung in force at `days_late`."""
    reached = [
        i for i, rung in enumerate(sorted_ladder(ladder)) if rung.from_days_late <= days_late
    ]
    return reached[-1] if reached else None


def sorted_ladder(ladder: Sequence[LadderRung]) -> list[LadderRung]:
    return sorted(ladder, key=lambda rung: rung.from_days_late)


def _stalled(context: Context, policy: ReminderPolicy, step: StepLike) -> Iterator[ReminderItem]:
    updated = step.state.last_update_at
    if step.state.progress is not Progress.IN_PROGRESS or updated is None:
        return
    since = local_day(updated)
    quiet = context.calendar.working_days_between(since, context.today)
    if quiet < policy.stalled_after:
        return
    occurrence = f"{since.isoformat()}#{quiet // policy.stalled_after}"
    for code, role in recipients(context, policy, step, ["lead"]).items():
        yield _item(context, step, code, role, Rule.STALLED, occurrence, 0, since=since)


def _check_in_missed(context: Context, step: StepLike) -> Iterator[ReminderItem]:
    """An ongoing duty is never overdue; its lead is asked for the missed update, weekly."""
    if Flag.STALLED not in step.assessment.flags:
        return
    updated = step.state.last_update_at
    since = local_day(updated) if updated else None
    # One key per ISO week: a sweep the same week finds it sent, a missed one still sends it.
    occurrence = f"check-in@{context.today:%G-W%V}"
    for code, role in recipients(context, context.policy_for(step.step_id), step, ["lead"]).items():
        # No deadline is shown: the duty has none (the row's period end only stands in).
        yield _item(
            context, step, code, role, Rule.STALLED, occurrence, 0, since=since, deadline=None
        )


def _blocked(context: Context, policy: ReminderPolicy, step: StepLike) -> Iterator[ReminderItem]:
    blocked_at = step.state.blocked_since or step.state.last_update_at
    if blocked_at is None:
        return
    since = local_day(blocked_at)
    elapsed = max(0, context.calendar.working_days_between(since, context.today))
    occurrence = f"{since.isoformat()}#{elapsed // policy.blocked_every}"
    route = context.plan.difficulty_route
    text = context.inputs.difficulties.get(step.key)
    # The agency that reported the difficulty is not told of it; the others resolve it.
    for code in (c for c in context.plan.expand_codes(route.receivers) if c != step.lead):
        yield _item(
            context,
            step,
            code,
            Role.DIFFICULTY_ROUTE,
            Rule.BLOCKED,
            occurrence,
            0,
            since=since,
            difficulty=text,
        )
    if elapsed < (route.escalate_after or policy.difficulty_escalate_after):
        return
    # Unresolved too long: the route's next level is told, once per difficulty.
    via = context.label(route.escalate_via) if route.escalate_via else ""
    for code in context.plan.expand_codes(route.escalate_to):
        addressee = context.facts.addressees.get(code, code) + (f" (qua {via})" if via else "")
        yield _item(
            context,
            step,
            code,
            Role.DIFFICULTY_ESCALATION,
            Rule.BLOCKED,
            f"{since.isoformat()}#len",
            1,
            since=since,
            difficulty=text,
            working_days_late=elapsed,
            addressee=addressee,
        )


def _delivered(context: Context, step: StepLike) -> Iterator[ReminderItem]:
    """The receivers of a deliverable are asked to act on it, at the first sweep after."""
    done_at = step.state.completed_at
    receivers = context.receivers.get(step.step_id)
    if done_at is None or not receivers:
        return
    day = local_day(done_at)
    if context.calendar.working_days_between(day, context.today) > 1:
        return
    for code in context.plan.expand_codes(receivers):
        if code != step.lead:
            yield _item(context, step, code, Role.RECEIVER, Rule.DELIVERED, day.isoformat(), 0)


def _confirmers(context: Context, step: StepLike) -> dict[str, Role]:
    """Who is asked to confirm receipt: the `via` office first, then the receivers."""
    plan_step = context.plan_step(step.step_id)
    receivers = receiver_codes(context.plan, plan_step, step.lead)
    asked = confirmers(receivers, plan_step.via)
    return {code: Role.VIA if code == plan_step.via else Role.RECEIVER for code in asked}


def _receipt_items(context: Context, step: StepLike) -> Iterator[ReminderItem]:
    """Told once when submitted (a missed sweep catches up); reminded if not confirmed."""
    submitted = step.state.submitted_at
    if submitted is None:
        return
    day = local_day(submitted)
    asked = _confirmers(context, step)
    for code, role in asked.items():
        yield _item(
            context, step, code, role, Rule.RECEIPT_REQUESTED, day.isoformat(), 0, since=day
        )
    yield from _receipt_unconfirmed(context, step, day, asked)


def _receipt_unconfirmed(
    context: Context, step: StepLike, day: dt.date, asked: dict[str, Role]
) -> Iterator[ReminderItem]:
    """After N working days, once per overdue period; the ladder climbs as for lateness,
    the receivers standing where the lead stands (the lead has done its part)."""
    policy = context.policy_for(step.step_id)
    waited = context.calendar.working_days_between(day, context.today)
    late = waited - policy.receipt_reminder_after
    if late < 0:
        return
    occurrence = f"{day.isoformat()}#{late // policy.overdue_every}"
    rung = rung_index(policy.ladder, late) or 0
    above = [r for r in sorted_ladder(policy.ladder)[rung].notify if r not in _DIRECT]
    told = dict(asked)
    for code, role in recipients(context, policy, step, above).items():
        told.setdefault(code, role)  # a receiver that also oversees is asked as receiver
    for code, role in told.items():
        if code != step.lead:
            yield _item(
                context, step, code, role, Rule.RECEIPT_UNCONFIRMED, occurrence,
                rung if role not in (Role.RECEIVER, Role.VIA) else 0,
                since=day, working_days_late=waited,
            )  # fmt: skip


def _event_items(context: Context, event: EventFacts) -> Iterator[ReminderItem]:
    """The coordinator is asked to confirm each event still tentative as it comes near."""
    for index, planned in enumerate(context.plan.events):
        if index == 0:
            day, confirmed = event.date, event.confirmed
        else:
            day = event.dates.get(planned.id, planned.date)
            confirmed = planned.id in event.confirmed_ids
        if day is not None and not confirmed and context.now < _start(day, planned):
            key = EVENT_STEP_KEY if index == 0 else f"{EVENT_STEP_KEY}:{planned.id}"
            yield from _unconfirmed(context, planned, day, key)


def _unconfirmed(
    context: Context, planned: Event, day: dt.date, key: str
) -> Iterator[ReminderItem]:
    policy = context.plan.reminders
    left = context.calendar.working_days_between(context.today, day)
    if left > policy.unconfirmed_event_before:
        return
    # Asked again at the overdue cadence until the date is confirmed.
    repeat = (policy.unconfirmed_event_before - left) // policy.overdue_every
    coordinator = context.plan.plan.coordinator
    yield ReminderItem(
        recipient=coordinator,
        plan_id=context.plan.plan.id,
        step_key=key,
        rule=Rule.EVENT_UNCONFIRMED,
        occurrence=f"{day.isoformat()}#{repeat}",
        rung=0,
        local_day=context.today,
        recipient_name=context.name(coordinator),
        role=Role.COORDINATOR,
        plan_title=context.plan.plan.title,
        title=planned.name,
        lead=coordinator,
        lead_name=context.label(coordinator),
        deadline=day,
        working_days_left=left,
        **_plan_texts(context, coordinator),
    )


def _self_reported(context: Context) -> Iterator[ReminderItem]:
    """Each report made through an agency's link, for the coordinator, keyed by its event:
    listed once ever, whatever responsibility's run or sweep first selects it."""
    coordinator = context.plan.plan.coordinator
    for report in to_tell(context.inputs.reports, coordinator, context.now):
        yield ReminderItem(
            recipient=coordinator,
            plan_id=context.plan.plan.id,
            step_key=report.step_key,
            rule=Rule.SELF_REPORTED,
            occurrence=report.occurrence,
            rung=0,
            local_day=context.today,
            recipient_name=context.name(coordinator),
            role=Role.COORDINATOR,
            plan_title=context.plan.plan.title,
            title=report.title,
            lead=report.lead,
            lead_name=context.label(report.lead),
            deadline=None,
            reference=_report_reference(context, report),
            report=described(report),
            reported_at=report.at,
            reporter=context.name(report.actor),
            report_hint=hint_of(report),
            **_plan_texts(context, coordinator),
        )


def _report_reference(context: Context, report: LinkReport) -> str:
    """The step by the plan's numbering; a fanned-out copy reported by another agency (a
    cooperator, a receiver) says whose copy it is."""
    reference = _reference_of(context, report.step_id, report.title, report.step_key)
    if "@" in report.step_key and report.actor != report.lead:
        return f"{reference} (phần của {context.label(report.lead)})"
    return reference


def recipients(
    context: Context, policy: ReminderPolicy, step: StepLike, names: Sequence[str]
) -> dict[str, Role]:
    """Agency codes for ladder roles or literal codes, each once, in the given order."""
    found: dict[str, Role] = {}
    for name in names:
        role = _role(name)
        codes = role_codes(context, policy, step, name)
        if role is Role.PARENT and not codes:
            # An agency at the top of the directory answers to the plan's coordinator.
            role, codes = Role.COORDINATOR, [context.plan.plan.coordinator]
        for code in codes:
            if code:
                found.setdefault(code, role)
    return found


def role_codes(context: Context, policy: ReminderPolicy, step: StepLike, name: str) -> list[str]:
    plan = context.plan
    if name == Role.LEAD:
        return [step.lead]
    if name == Role.COOPERATING:
        # Only the cooperators whose part is still open; never the lead itself.
        parts = open_parts(step.cooperating, context.inputs.parts, step.key)
        return [code for code in parts if code != step.lead]
    if name == Role.COORDINATOR:
        return [plan.plan.coordinator]
    if name == Role.LEADERSHIP:
        return context.codes(policy, name, list(policy.leadership))
    if name == Role.LEAD_ESCALATION:
        lead = context.agencies.get(step.lead)
        return [lead.escalation_to] if lead and lead.escalation_to else []
    if name == Role.PARENT:
        lead = context.agencies.get(step.lead)
        return [lead.parent] if lead and lead.parent in context.agencies else []
    return context.codes(policy, name, [name])


def _role(name: str) -> Role:
    return Role(name) if name in LADDER_ROLES else Role.NAMED


def _reference(context: Context, step: StepLike) -> str:
    return _reference_of(context, step.step_id, step.title, step.key)


def _reference_of(context: Context, step_id: str, title: str, key: str) -> str:
    """The plan's numbering and title; an occurrence of a report cycle also names its period."""
    reference = context.facts.references.get(step_id, title)
    label = occurrence_label(key)
    return f"{reference} – kỳ {period_words(label)}" if label else reference


def _item(
    context: Context,
    step: StepLike,
    code: str,
    role: Role,
    rule: Rule,
    occurrence: str,
    rung: int,
    **extra: Any,
) -> ReminderItem:
    values: dict[str, Any] = {
        "deadline": step.effective_deadline,
        "working_days_left": max(0, step.assessment.working_days_left),
        "working_days_late": step.assessment.working_days_late,
        "deliverable": step.deliverable,
        "reference": _reference(context, step),
        "deadline_basis": _basis(context, step),
        **_plan_texts(context, code),
    }
    values.update(extra)
    return ReminderItem(
        recipient=code,
        plan_id=step.plan_id,
        step_key=step.key,
        rule=rule,
        occurrence=occurrence,
        rung=rung,
        local_day=context.today,
        recipient_name=context.name(code),
        role=role,
        plan_title=context.plan.plan.title,
        title=step.title,
        lead=step.lead,
        lead_name=context.label(step.lead),
        **values,
    )


def _plan_texts(context: Context, code: str) -> dict[str, Any]:
    facts = context.facts
    return {
        "addressee": facts.addressees.get(code, context.name(code)),
        "plan_ref": facts.plan_ref,
        "sender": facts.sender,
        "sender_label": facts.sender_label,
        "contact": facts.contact,
        "route_next": facts.route_next,
    }


def _basis(context: Context, step: StepLike) -> str:
    if step.effective_deadline != step.deadline:
        return f"gia hạn (hạn trước đó {step.deadline:%d/%m/%Y})"
    return context.facts.bases.get(step.step_id, "")
