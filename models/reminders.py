"""Which reminders are due, to whom, and when they may be sent: plain functions over plain data.

Every reminder has a key (recipient, plan, step, rule, occurrence, rung). A repeated rule
puts its period into `occurrence` (the overdue period, the day of a blockage, the stall
episode), so selecting again the same day or the next day yields the same keys, and a
missed sweep yields the key it missed instead of losing it. Nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields, replace
from enum import StrEnum
from functools import lru_cache
from typing import Any, Protocol

from models.calendar import WorkingCalendar
from models.health import Assessment, Flag, Health, Progress, is_completed
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
from models.progress import ProgressState
from models.receipts import completes_on, confirmers, receiver_codes
from models.recurrence import occurrence_label, period_words

# Quiet time moved to models.schedule (when kehoach acts); re-exported for older importers.
from models.schedule import may_send_now as may_send_now
from models.schedule import next_send_moment as next_send_moment
from models.self_reports import LinkReport, described, hint_of, to_tell
from models.timeutil import VIETNAM, local_day

EVENT_STEP_KEY = "#event"  # not a valid step id, so it never collides with a real step


class Rule(StrEnum):
    BLOCKED = "blocked"
    OVERDUE = "overdue"
    STALLED = "stalled"
    EVENT_UNCONFIRMED = "event_unconfirmed"
    BEFORE_DEADLINE = "before_deadline"
    DEADLINE_MOVED = "deadline_moved"
    # Receipts (models.receipts): a receiver that has not confirmed, and the first notice.
    RECEIPT_UNCONFIRMED = "receipt_unconfirmed"
    RECEIPT_REQUESTED = "receipt_requested"
    DELIVERED = "delivered"
    # The coordinator answered the lead (issue 12): a report returned, a request decided.
    ANSWERED = "answered"
    # An agency reported through its own link (issue 12): news for the coordinator.
    SELF_REPORTED = "self_reported"


# Most urgent first; the digest's order.
URGENCY = {rule: rank for rank, rule in enumerate(Rule)}


class Role(StrEnum):
    LEAD = "lead"
    COOPERATING = "cooperating"
    COORDINATOR = "coordinator"
    LEADERSHIP = "leadership"
    LEAD_ESCALATION = "lead_escalation"
    PARENT = "parent"
    DIFFICULTY_ROUTE = "difficulty_route"
    DIFFICULTY_ESCALATION = "difficulty_escalation"
    RECEIVER = "receiver"
    VIA = "via"
    NAMED = "named"


# Roles that follow the work from above: they get one table per kind of problem.
OVERSIGHT = frozenset(
    {Role.COORDINATOR, Role.LEADERSHIP, Role.LEAD_ESCALATION, Role.PARENT, Role.NAMED}
)


class StepLike(Protocol):
    """What selection reads of a step's status (`kehoach.services.status.StepStatus` fits)."""

    @property
    def plan_id(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def step_id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def deliverable(self) -> str | None: ...
    @property
    def lead(self) -> str: ...
    @property
    def cooperating(self) -> tuple[str, ...]: ...
    @property
    def deadline(self) -> dt.date: ...
    @property
    def state(self) -> ProgressState: ...
    @property
    def assessment(self) -> Assessment: ...
    @property
    def effective_deadline(self) -> dt.date: ...


@dataclass(frozen=True)
class NoticeInputs:
    """What the event log adds to the steps' states: cooperators' parts, difficulty texts.

    `parts` maps a step key to the cooperators that reported their part done;
    `difficulties` maps a blocked step's key to the difficulty as it was reported;
    `reports`: what agencies reported through their links since the last listing.
    """

    parts: Mapping[str, frozenset[str]] = field(default_factory=dict)
    difficulties: Mapping[str, str] = field(default_factory=dict)
    reports: Sequence[LinkReport] = ()


@dataclass(frozen=True)
class EventFacts:
    """The event date the database holds now, and whether the coordinator confirmed it."""

    date: dt.date | None  # the main event's (None: a plan without events)
    confirmed: bool
    closed: bool = False  # kết thúc kế hoạch: nothing is reminded any more
    dates: Mapping[str, dt.date] = field(default_factory=dict)  # every event's, by id
    confirmed_ids: frozenset[str] = frozenset()  # the events already confirmed


@dataclass(frozen=True)
class ReminderItem:
    recipient: str
    plan_id: str
    step_key: str
    rule: Rule
    occurrence: str
    rung: int
    local_day: dt.date
    recipient_name: str
    role: Role
    plan_title: str
    title: str
    lead: str
    lead_name: str
    deadline: dt.date | None = None
    working_days_left: int = 0
    working_days_late: int = 0
    deliverable: str | None = None
    since: dt.date | None = None
    previous_deadline: dt.date | None = None
    also_told: tuple[str, ...] = ()
    # What a notice in an office's register names (see models.notice_facts).
    reference: str = ""
    deadline_basis: str = ""
    difficulty: str | None = None
    route_next: str = ""
    addressee: str = ""
    plan_ref: str = ""
    sender: str = ""
    sender_label: str = ""
    contact: str = ""
    answer: str = ""  # Rule.ANSWERED: what the coordinator decided, and why
    # Rule.SELF_REPORTED: what the agency reported through its link, when, and what the
    # coordinator may do about it (models.self_reports.HINTS).
    report: str = ""
    reported_at: dt.datetime | None = None
    reporter: str = ""
    report_hint: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, str, int]:
        return (
            self.recipient,
            self.plan_id,
            self.step_key,
            self.rule.value,
            self.occurrence,
            self.rung,
        )

    @property
    def urgency(self) -> int:
        return URGENCY[self.rule]

    def sort_key(self) -> tuple[Any, ...]:
        deadline = self.deadline or dt.date.max
        return (self.urgency, -self.working_days_late, self.working_days_left, deadline, self.key)

    def as_json(self) -> dict[str, Any]:
        values = self.__dict__.copy()
        values.update(
            local_day=self.local_day.isoformat(),
            deadline=_iso(self.deadline),
            since=_iso(self.since),
            previous_deadline=_iso(self.previous_deadline),
            also_told=list(self.also_told),
            reported_at=self.reported_at.isoformat() if self.reported_at else None,
        )
        return values

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReminderItem:
        values = dict(data)
        for name in _DATES:
            values[name] = _day(values.get(name))
        values["rule"], values["role"] = _RULES[values["rule"]], _ROLES[values["role"]]
        values["also_told"] = tuple(values.get("also_told") or ())
        reported = values.get("reported_at")
        values["reported_at"] = dt.datetime.fromisoformat(reported) if reported else None
        return cls(**values)


# Enum lookups by value and date parsing are the hot path of composing thousands of items.
_DATES = ("local_day", "deadline", "since", "previous_deadline")
_RULES = {rule.value: rule for rule in Rule}
_ROLES = {role.value: role for role in Role}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


@lru_cache(maxsize=4096)
def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class StepRules:
    """A plan step's part in selection that no copy's state changes (a province's 14,700
    copies share 59 plan steps): worked out once per plan step and context."""

    policy: ReminderPolicy
    past_its_event: bool
    before_window: bool
    organisers: frozenset[str]  # attendance: the organisers of the event it sends delegates to
    needs_receipt: bool
    # Finished (or void), it has nobody to tell: no receiver to hand its deliverable to.
    quiet_when_finished: bool


class _Memo:
    """What selection works out once per plan and reuses for every step copy: per plan step,
    per agency, per policy and number of days, per group of recipients. The dicts and
    lists it hands out are shared: callers read them, never change them."""

    def __init__(self) -> None:
        self.rules: dict[str, StepRules] = {}
        self.expanded: dict[tuple[str, ...], list[str]] = {}
        self.ladders: dict[int, list[LadderRung]] = {}
        self.rungs: dict[tuple[int, int], int | None] = {}
        self.people: dict[tuple[Any, ...], dict[str, Role]] = {}
        self.overdue: dict[tuple[Any, ...], list[_Told]] = {}
        self.before: dict[tuple[int, int], tuple[int, int, tuple[str, ...]] | None] = {}
        self.confirmers: dict[tuple[str, str], dict[str, Role]] = {}
        self.texts: dict[str, dict[str, Any]] = {}
        self.labels: dict[str, str] = {}
        self.references: dict[tuple[str, str, str | None], str] = {}
        self.coops: dict[int, bool] = {}
        # The last step's own item fields: a step's items are made one after the other.
        self.step: StepLike | None = None
        self.step_values: dict[str, Any] = {}


# One recipient of an overdue step's reminder: code, role, rung, the others told above.
_Told = tuple[str, Role, int, tuple[str, ...]]


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
    memo: _Memo = field(default_factory=lambda: _Memo(), compare=False, repr=False)

    def codes(self, policy: ReminderPolicy, name: str, codes: list[str]) -> list[str]:
        key = (id(policy), name)
        if key not in self.expanded:
            self.expanded[key] = self.plan.expand_codes(codes)
        return self.expanded[key]

    def expand(self, codes: Sequence[str]) -> list[str]:
        """`Plan.expand_codes`, once per list (a route's receivers, a step's): read-only."""
        key = tuple(codes)
        found = self.memo.expanded.get(key)
        if found is None:
            found = self.memo.expanded[key] = self.plan.expand_codes(list(codes))
        return found

    def rules_of(self, step_id: str) -> StepRules:
        """What every copy of a plan step shares, worked out at its first copy."""
        rules = self.memo.rules.get(step_id)
        if rules is None:
            rules = self.memo.rules[step_id] = StepRules(
                self.policy_for(step_id),
                self.past_its_event(step_id),
                self.before_window(step_id),
                self.organisers.get(step_id, frozenset()),
                step_id in self.needs_receipt,
                step_id not in self.needs_receipt and not self.receivers.get(step_id),
            )
        return rules

    def quiet(self, step: StepLike) -> bool:
        """True for a step that cannot yield anything, tested cheaply before the rules are
        walked: finished with nobody to tell (most of a morning's steps), or past its event.
        `_step_items` would yield nothing for it either."""
        rules = self.memo.rules.get(step.step_id) or self.rules_of(step.step_id)
        return rules.past_its_event or (
            rules.quiet_when_finished and step.state.progress in _FINISHED
        )

    def ladder(self, policy: ReminderPolicy) -> list[LadderRung]:
        """`sorted_ladder(policy.ladder)`, once per policy: read-only."""
        found = self.memo.ladders.get(id(policy))
        if found is None:
            found = self.memo.ladders[id(policy)] = sorted_ladder(policy.ladder)
        return found

    def rung(self, policy: ReminderPolicy, days_late: int) -> int | None:
        """`rung_index(policy.ladder, days_late)`, once per policy and number of days."""
        key = (id(policy), days_late)
        if key not in self.memo.rungs:
            self.memo.rungs[key] = rung_index(policy.ladder, days_late)
        return self.memo.rungs[key]

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
        found = self.memo.labels.get(code)
        if found is None:
            agency = self.agencies.get(code)
            found = self.memo.labels[code] = agency.label if agency else code
        return found


# Progress after which only the deliverable's receivers hear of a step.
_FINISHED = frozenset({Progress.SUBMITTED, Progress.DONE, Progress.NOT_APPLICABLE})


# --- Selection ---------------------------------------------------------------------------


def select_items(
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
    quiet = context.quiet
    items = [item for step in steps if not quiet(step) for item in _step_items(context, step)]
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
    # The key's fields, the rule as its member (`key` reads its value: slower, same test).
    keys = {(i.recipient, i.plan_id, i.step_key, i.rule, i.occurrence, i.rung) for i in items}
    if len(keys) == len(items):
        return items  # the usual case, in the order the rules found them
    return list({item.key: item for item in reversed(items)}.values())[::-1]


def _step_items(context: Context, step: StepLike) -> Iterator[ReminderItem]:
    rules = context.rules_of(step.step_id)
    if rules.past_its_event or step.lead in rules.organisers:
        return  # organisers are not asked to send delegates to their own event
    progress = step.state.progress
    if progress is Progress.NOT_APPLICABLE:
        return  # không phát sinh: nothing is due
    if is_completed(progress):
        if not rules.needs_receipt:
            yield from _delivered(context, step)
        elif step.state.completed_at is None:
            yield from _receipt_items(context, step)
        return
    policy = rules.policy
    if progress is Progress.BLOCKED:
        yield from _blocked(context, policy, step)
    elif step.assessment.health is Health.ONGOING:
        yield from _check_in_missed(context, step)
    elif context.today > step.effective_deadline:
        yield from _overdue(context, policy, step)
    elif not rules.before_window:
        yield from _stalled(context, policy, step)
        yield from _before_deadline(context, policy, step)


def _before_deadline(
    context: Context, policy: ReminderPolicy, step: StepLike
) -> Iterator[ReminderItem]:
    due = _before_rule(context, policy, step.assessment.working_days_left)
    if due is None:
        return
    threshold, rung, roles = due
    occurrence = f"{threshold}@{step.effective_deadline.isoformat()}"
    for code, role in recipients(context, policy, step, roles).items():
        yield _item(context, step, code, role, Rule.BEFORE_DEADLINE, occurrence, rung)


def _before_rule(
    context: Context, policy: ReminderPolicy, left: int
) -> tuple[int, int, tuple[str, ...]] | None:
    """The threshold reached with `left` working days, its rung and the roles it tells;
    once per policy and number of days."""
    key = (id(policy), left)
    if key in context.memo.before:
        return context.memo.before[key]
    threshold = smallest_threshold(policy.before_deadline, left)
    rung = context.rung(policy, 0)
    roles = context.ladder(policy)[rung].notify if rung is not None else ["lead"]
    found = None if threshold is None else (threshold, rung or 0, tuple(roles))
    context.memo.before[key] = found
    return found


def smallest_threshold(thresholds: Sequence[int], left: int) -> int | None:
    """The threshold a step with `left` working days falls under; a missed one still fires."""
    candidates = [t for t in thresholds if t >= left]
    return min(candidates) if left >= 0 and candidates else None


def _overdue(context: Context, policy: ReminderPolicy, step: StepLike) -> Iterator[ReminderItem]:
    late = max(1, step.assessment.working_days_late)
    current = context.rung(policy, late)
    if current is None:
        return
    period = (late - 1) // policy.overdue_every
    first = context.rung(policy, 1 + period * policy.overdue_every) or 0
    # Who is told depends on the step only through its lead and open cooperators.
    key = (id(policy), first, current, step.lead, _open_cooperating(context, policy, step, None))
    told = context.memo.overdue.get(key)
    if told is None:
        told = context.memo.overdue[key] = _overdue_told(context, policy, step, first, current)
    deadline = step.effective_deadline.isoformat()
    occurrence, part = f"{period}@{deadline}", f"part@{deadline}"
    for code, role, rung, also in told:
        # A cooperator is asked for its part, once per deadline, not urged each period.
        once = part if role is Role.COOPERATING else occurrence
        yield _item(context, step, code, role, Rule.OVERDUE, once, rung, also_told=also)


def _overdue_told(
    context: Context, policy: ReminderPolicy, step: StepLike, first: int, current: int
) -> list[_Told]:
    """Who is told, at which rung, with whom else, when this period's reminders start at
    rung `first` and the step has now reached rung `current`."""
    ladder = context.ladder(policy)
    per_rung = [recipients(context, policy, step, r.notify) for r in ladder[first : current + 1]]
    told = per_rung[-1]
    others = tuple(context.label(c) for c, r in told.items() if r not in _DIRECT)
    found: list[_Told] = []
    for code, role in told.items():
        also = tuple(label for label in others if label != context.label(code))
        if role is Role.COOPERATING:
            rung = next(i for i, r in enumerate(ladder) if Role.COOPERATING in r.notify)
        else:
            # The lowest rung of this period naming `code`: escalating within a period
            # tells only the newly added recipients; the lead is not told twice.
            rung = first + next(i for i, group in enumerate(per_rung) if code in group)
        found.append((code, role, rung, also))
    return found


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
    for code in (c for c in context.expand(route.receivers) if c != step.lead):
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
    for code in context.expand(route.escalate_to):
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
    for code in context.expand(receivers):
        if code != step.lead:
            yield _item(context, step, code, Role.RECEIVER, Rule.DELIVERED, day.isoformat(), 0)


def _confirmers(context: Context, step: StepLike) -> dict[str, Role]:
    """Who is asked to confirm receipt (read-only: once per plan step and lead)."""
    key = (step.step_id, step.lead)
    if key not in context.memo.confirmers:
        context.memo.confirmers[key] = _asked(context, step)
    return context.memo.confirmers[key]


def _asked(context: Context, step: StepLike) -> dict[str, Role]:
    """The `via` office first, then the receivers."""
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
    rung = context.rung(policy, late) or 0
    above = [r for r in context.ladder(policy)[rung].notify if r not in _DIRECT]
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


def deadline_moved_items(
    plan: Plan,
    steps: Sequence[StepLike],
    previous: dict[str, dt.date],
    new_event_date: dt.date,
    calendar: WorkingCalendar,
    now: dt.datetime,
    inputs: NoticeInputs | None = None,
    event_id: str | None = None,
) -> list[ReminderItem]:
    """Tell the lead and cooperating agencies of each moved step its new deadline.

    `previous` maps step keys to their deadline before the move; the occurrence is the
    new event date (with the event's id, for an event other than the main one), so
    moving the date again tells them again, once.
    """
    main = plan.main_event
    is_main = event_id is None or (main is not None and main.id == event_id)
    days = {event_id: new_event_date} if event_id else {}
    main_day = new_event_date if is_main else None
    context = Context.build(plan, calendar, now, main_day, inputs, days)
    occurrence = new_event_date.isoformat() if is_main else f"{event_id}@{new_event_date}"
    items = [
        replace(
            _item(context, step, code, role, Rule.DEADLINE_MOVED, occurrence, 0),
            previous_deadline=previous.get(step.key),
        )
        for step in steps
        if step.key in previous
        and not is_completed(step.state.progress)
        and step.state.progress is not Progress.NOT_APPLICABLE
        and not context.organiser_attends(step)
        for code, role in recipients(
            context, context.policy_for(step.step_id), step, ["lead", "cooperating"]
        ).items()
    ]
    return _unique(items)


def answer_item(
    plan: Plan,
    step: StepLike,
    answer: str,
    occurrence: str,
    calendar: WorkingCalendar,
    now: dt.datetime,
    event_day: dt.date | None,
) -> ReminderItem:
    """Tell a step's lead what the coordinator answered (`occurrence`: the answer's event,
    so each answer is told once)."""
    context = Context.build(plan, calendar, now, event_day)
    return _item(context, step, step.lead, Role.LEAD, Rule.ANSWERED, occurrence, 0, answer=answer)


# --- Recipients --------------------------------------------------------------------------


def recipients(
    context: Context, policy: ReminderPolicy, step: StepLike, names: Sequence[str]
) -> dict[str, Role]:
    """Agency codes for ladder roles or literal codes, each once, in the given order.

    Read-only: the same dict for every step of this policy with this lead and these open
    cooperators, the only things of a step that decide who is told.
    """
    roles = tuple(names)
    key = (id(policy), roles, step.lead, _open_cooperating(context, policy, step, roles))
    found = context.memo.people.get(key)
    if found is None:
        found = context.memo.people[key] = _recipients(context, policy, step, roles)
    return found


def _open_cooperating(
    context: Context, policy: ReminderPolicy, step: StepLike, names: tuple[str, ...] | None
) -> tuple[str, ...] | None:
    """The step's open cooperators if `names` (None: any rung of the policy) ask them."""
    if names is None:
        asks = context.memo.coops.get(id(policy))
        if asks is None:
            asks = any(Role.COOPERATING in rung.notify for rung in policy.ladder)
            context.memo.coops[id(policy)] = asks
    else:
        asks = Role.COOPERATING in names
    return tuple(open_parts(step.cooperating, context.inputs.parts, step.key)) if asks else None


def _recipients(
    context: Context, policy: ReminderPolicy, step: StepLike, names: Sequence[str]
) -> dict[str, Role]:
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
    label = occurrence_label(key)
    found = context.memo.references.get((step_id, title, label))
    if found is None:
        reference = context.facts.references.get(step_id, title)
        found = f"{reference} – kỳ {period_words(label)}" if label else reference
        context.memo.references[step_id, title, label] = found
    return found


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
    values = {
        **_step_values(context, step),
        **(context.memo.texts.get(code) or _recipient_texts(context, code)),
        "rule": rule,
        "occurrence": occurrence,
        "rung": rung,
        "role": role,
    }
    if extra:
        values.update(extra)
    return _made(values)


# Every field of an item, in field order, with its default (None: the field has none).
_BLANK = {f.name: None if f.default is MISSING else f.default for f in fields(ReminderItem)}


def _made(values: dict[str, Any]) -> ReminderItem:
    """The item of `values`, every field in field order: what `ReminderItem(**values)`
    makes, whose generated `__init__` (one `object.__setattr__` per frozen field) costs
    5 µs of the 36 fields, 20 times this (tens of thousands of items a morning)."""
    item = object.__new__(ReminderItem)
    object.__setattr__(item, "__dict__", values)  # `values` is the item's own, from now on
    return item


def _step_values(context: Context, step: StepLike) -> dict[str, Any]:
    """The fields that come from the step, for each of its items (made one after the
    other: the last step's are kept). Read-only."""
    memo = context.memo
    if memo.step is not step:
        memo.step, memo.step_values = (
            step,
            {
                **_BLANK,
                "plan_id": step.plan_id,
                "step_key": step.key,
                "local_day": context.today,
                "plan_title": context.plan.plan.title,
                "title": step.title,
                "lead": step.lead,
                "lead_name": context.label(step.lead),
                "deadline": step.effective_deadline,
                "working_days_left": max(0, step.assessment.working_days_left),
                "working_days_late": step.assessment.working_days_late,
                "deliverable": step.deliverable,
                "reference": _reference(context, step),
                "deadline_basis": _basis(context, step),
            },
        )
    return memo.step_values


def _recipient_texts(context: Context, code: str) -> dict[str, Any]:
    """The fields that come from the recipient, once per agency. Read-only."""
    found = context.memo.texts.get(code)
    if found is None:
        found = context.memo.texts[code] = {
            "recipient": code,
            "recipient_name": context.name(code),
            **_plan_texts(context, code),
        }
    return found


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
