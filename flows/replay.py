"""Replaying a plan's period: the scheduled sweeps and a scenario's actions, day by day.

Each calendar day of the scenario, in time order: the 08:00 sweep (on the days the
schedule fires: the plan's working days, make-up Saturdays included; a declared day off
is recorded with its name and gets no sweep) and the actions of agencies and the
coordinator. The coordinator's decisions go through the same action flows the dashboard's
forms run; an agency's report of its own step (`update` by the step's lead), given an
`AgencyPage`, is written as the agency's step page writes it (kehoach.web), the way an
agency reports in the product: the coordinator's next digest then lists it among the
reports made through the agencies' links.

Every sweep goes through Prefect by default (`Mode.ALL`): one flow run per
responsibility plus the plan's own, and one task run to send (benchmarks/flow_bench.py
measures what that costs). `Mode.KEY` runs Prefect only for the days worth looking at in
the dashboard and the reminder service directly (same selection, same outbox, same
messages) for the others; the result says which day ran which way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows import forms, sending
from flows.modes import Mode
from flows.plan import plan_flow, runs_per_sweep
from flows.scenario import ConfirmEvent, Scenario, ScenarioFile, Update
from flows.schedule import fires_on
from flows.summary import PlanOutcome
from kehoach.errors import UserError
from kehoach.services.context import AppContext
from models.calendar import WorkingCalendar
from models.deadlines import resolve_deadlines
from models.plan import Plan
from models.steps import expand_steps
from models.timeutil import vietnam_moment


@dataclass
class Done:
    """One scenario action as it happened: what the scenario says, what kehoach answered."""

    at: dt.datetime
    action: Any
    answer: str
    sent: list[sending.Sent] = field(default_factory=list)
    page: bool = False  # written as the agency's own step page writes it, not a form run


@dataclass
class Day:
    day: dt.date
    swept: bool = False
    via_prefect: bool = False
    day_off: str | None = None
    sent: list[sending.Sent] = field(default_factory=list)
    held: int = 0
    actions: list[Done] = field(default_factory=list)
    state: str | None = None

    @property
    def eventful(self) -> bool:
        return bool(self.sent or self.actions or self.day_off)

    @property
    def all_sent(self) -> list[sending.Sent]:
        return self.sent + [m for done in self.actions for m in done.sent]


@dataclass
class Replay:
    days: list[Day] = field(default_factory=list)
    flow_runs: int = 0
    task_runs: int = 0
    last: PlanOutcome | None = None

    @property
    def sent(self) -> list[sending.Sent]:
        return [m for day in self.days for m in day.all_sent]

    @property
    def prefect_days(self) -> list[dt.date]:
        return [d.day for d in self.days if d.via_prefect]

    @property
    def sweeps(self) -> int:
        return sum(d.swept for d in self.days)


class ReplayError(UserError):
    exit_code = 1


def key_days(
    scenario: Scenario, calendar: WorkingCalendar, event_days: set[dt.date]
) -> set[dt.date]:
    """The days worth seeing in the dashboard: each week's first sweep and the last one,
    the day of each coordinator's decision (not an agency's report) and the next sweep
    after it, and the event day."""
    sweeps = [d for d in scenario.days() if fires_on(calendar, d)]
    weeks = [d.isocalendar()[:2] for d in sweeps]
    chosen = {d for i, d in enumerate(sweeps) if i == 0 or weeks[i - 1] != weeks[i]}
    decisions = {a.day for a in scenario.actions if not isinstance(a, Update)}
    chosen |= decisions | {min((d for d in sweeps if d > day), default=day) for day in decisions}
    return chosen | set(sweeps[-1:]) | (event_days & set(sweeps))


Step = Callable[[Day], None]
# (plan id, the agency's update, when) -> the answer for the timeline. The CLI wires it to
# kehoach.web: the flows and the web service are layers that do not import each other.
AgencyPage = Callable[[str, Update, dt.datetime], str]


class Replayer:
    """Plays a scenario against the current `AppContext`'s database and Prefect API."""

    def __init__(
        self,
        plan: Plan,
        calendar: WorkingCalendar,
        scenario: Scenario,
        mode: Mode = Mode.ALL,
        source: ScenarioFile | None = None,
        agency_page: AgencyPage | None = None,
    ) -> None:
        self.plan, self.calendar, self.scenario = plan, calendar, scenario
        self.mode, self.source, self.agency_page = mode, source, agency_page
        steps = expand_steps(plan, resolve_deadlines(plan, calendar), calendar)
        self.leads = {step.key: step.lead for step in steps}
        events = {a.date for a in scenario.actions if isinstance(a, ConfirmEvent)}
        self.key = key_days(scenario, calendar, events | {e.date for e in plan.events})
        self.result = Replay()

    def run(self, on_day: Step | None = None) -> Replay:
        for day in self.scenario.days():
            record = self.play(day)
            self.result.days.append(record)
            if on_day is not None:
                on_day(record)
        return self.result

    def through_prefect(self, day: dt.date) -> bool:
        return self.mode is Mode.ALL or (self.mode is Mode.KEY and day in self.key)

    def play(self, day: dt.date) -> Day:
        record = Day(day, via_prefect=self.through_prefect(day), day_off=self._declared_off(day))
        sweep_at = vietnam_moment(day, self.scenario.sweep_at)
        fires = fires_on(self.calendar, day)
        pending = [(a.moment(), index, a) for index, a in self._actions(day)]
        for moment, index, action in sorted(pending, key=lambda item: item[:2]):
            if fires and not record.swept and sweep_at <= moment:
                self.sweep(record, sweep_at)
            record.actions.append(self.act(index, action, moment, record.via_prefect))
        if fires and not record.swept:
            self.sweep(record, sweep_at)
        # A weekend or holiday without a sweep or a form ran nothing through Prefect.
        forms_run = any(not done.page for done in record.actions)
        record.via_prefect = record.via_prefect and (record.swept or forms_run)
        return record

    def _declared_off(self, day: dt.date) -> str | None:
        # Holidays and swapped days off are worth a line in the timeline; weekends are not.
        return next((off.name for off in self.calendar.named_days_off(day, day)), None)

    def _actions(self, day: dt.date) -> list[tuple[int, Any]]:
        return [(i, a) for i, a in enumerate(self.scenario.actions) if a.day == day]

    def sweep(self, record: Day, now: dt.datetime) -> None:
        record.swept = True
        if record.via_prefect:
            self._prefect_sweep(record, now)
        else:
            delivery = sending.sweep_plan(AppContext.current(), self.plan.plan.id, now)
            record.sent.extend(delivery.messages)
            record.held = delivery.held

    def _prefect_sweep(self, record: Day, now: dt.datetime) -> None:
        state = top_level(plan_flow)(plan_id=self.plan.plan.id, as_of=now, return_state=True)
        record.state = state.name
        self.result.flow_runs += 1
        outcome = state.result(raise_on_failure=False)
        if isinstance(outcome, PlanOutcome):
            record.sent.extend(outcome.delivery.messages)
            record.held = outcome.delivery.held
            flow_runs, task_runs = runs_per_sweep(self.plan)
            self.result.flow_runs += flow_runs - 1
            self.result.task_runs += task_runs
            self.result.last = outcome

    def act(self, index: int, action: Any, now: dt.datetime, prefect: bool) -> Done:
        try:
            if self.agency_page is not None and self._own_report(action):
                answer = self.agency_page(self.plan.plan.id, action, now)
                return Done(now, action, answer, page=True)
            outcome = self._by_form(action, now, prefect)
        except UserError as refusal:
            raise ReplayError(self._where(index, refusal.message)) from None
        return Done(now, action, outcome.message, list(outcome.delivery.messages))

    def _own_report(self, action: Any) -> bool:
        """An agency reporting on a step it leads: in the product, from its own page."""
        return isinstance(action, Update) and action.by == self.leads.get(action.step)

    def _by_form(self, action: Any, now: dt.datetime, prefect: bool) -> forms.ActionOutcome:
        flow, apply, send = self._action(action)
        form = action.form(self.plan.plan.id)
        if not prefect:
            return forms.perform(apply, form, now, send)
        return self._through_prefect(flow, form, now)

    def _through_prefect(self, flow: Any, form: Any, now: dt.datetime) -> forms.ActionOutcome:
        state = top_level(flow)(form, as_of=now, return_state=True)
        self.result.flow_runs += 1
        outcome = state.result(raise_on_failure=False)
        if state.is_failed() or not isinstance(outcome, forms.ActionOutcome):
            raise UserError(state.message or "hành động bị từ chối")
        return outcome

    def _where(self, index: int, message: str) -> str:
        if self.source is None:
            return f"Kịch bản, hành động thứ {index + 1}: {message}"
        located = self.source.locate(("actions", index), message)
        return f"Kịch bản {self.source.path} dừng lại ở {located}"

    @staticmethod
    def _action(action: Any) -> tuple[Any, Any, bool]:
        flow, apply, send = _HANDLERS[action.do]
        return flow, apply, send


_TOP_LEVEL: dict[str, Any] = {}


def top_level(flow: Any) -> Any:
    """The flow, run from the replay itself, with its result storage named.

    Prefect asks its server for the default result storage at each top-level flow run
    (twice for a sweep), even for a flow that persists nothing, as kehoach's do: naming
    the local storage Prefect would default to spares those requests (70 in the demo)."""
    if flow.name not in _TOP_LEVEL:
        from prefect.settings import PREFECT_LOCAL_STORAGE_PATH

        storage = Path(PREFECT_LOCAL_STORAGE_PATH.value())  # a path needs no saved block
        _TOP_LEVEL[flow.name] = flow.with_options(result_storage=storage)
    return _TOP_LEVEL[flow.name]


_HANDLERS: dict[str, tuple[Any, Any, bool]] = {
    "update": (forms.record_progress_flow, forms.apply_progress, False),
    "resolve": (forms.resolve_difficulty_flow, forms.apply_resolution, False),
    "extend": (forms.extend_deadline_flow, forms.apply_extension, False),
    "confirm_event": (forms.confirm_event_flow, forms.apply_event_date, True),
    "receive": (forms.confirm_receipt_flow, forms.apply_receipt, False),
    "not_applicable": (forms.not_applicable_flow, forms.apply_not_applicable, False),
}
