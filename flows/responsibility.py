"""One Prefect flow per responsibility (an item of Section IV), generated from the plan's data.

A run reads the responsibility's steps as of its moment, queues their reminders in the
outbox, and leaves for the coordinator a table artifact (the most urgent steps first, a
fan-out step's title once above one row per agency). Its own state is Prefect's standard
one, so the dashboard's filters find it: **Failed** (red) when a step is overdue or
blocked, **Completed** otherwise; the Vietnamese words ("Chậm tiến độ: …") are the state's
message, the artifact and one log line.

No task run per step: at national size that was ~500,000 task runs a morning, each a
Failed run logged as an ERROR with a traceback when the step was late (docs/flows.md,
*Flow shape*). Within a plan sweep the plan flow reads the statuses and queues the
reminders once for the whole plan (`sweep_read`); a responsibility run alone (its
deployment) reads and queues its own.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from prefect import Flow, flow, get_run_logger, tags
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State

from flows import sending
from flows.artifacts import markdown_table, publish_markdown, summary_link
from flows.naming import (
    OFF_TRACK,
    ON_TRACK,
    artifact_key,
    responsibility_flow_name,
    responsibility_run_name,
    responsibility_tags,
    status_words,
)
from kehoach.clock import now_utc
from kehoach.errors import UserError
from kehoach.present.tables import ddmmyyyy, deadline_text
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from kehoach.services.status import StepStatus, by_urgency, plan_statuses
from models.health import FLAG_LABELS, Flag, Health, urgency_key
from models.plan import Plan, Responsibility
from models.recurrence import occurrence_label, period_words
from models.series import SeriesLine, current_view, series_lines
from models.timeutil import local_day, local_stamp
from notifications import outbox

# What a coordinator reads first, under each step's title; the rest (cooperating
# agencies, the deadline's origin, last update, reminders) is in the plan's details
# artifact (flows.summary). Prefect's UI does not wrap a table's cells, so the title is
# a paragraph above its step's table, not a column: three columns fit 1440 px.
COLUMNS = ("Chủ trì", "Hạn", "Tình trạng")
# A responsibility run's own task runs: none (its steps are rows of its artifact).
RESPONSIBILITY_TASKS: tuple[Any, ...] = ()
TITLE_WIDTH = 90


@dataclass(frozen=True)
class StepLine:
    """One concrete step as the coordinator reads it: a table row."""

    key: str
    title: str
    lead: str
    lead_name: str
    cooperating: str
    deadline: str
    health: Health
    label: str
    last_update: str
    reminders: str
    red: bool = False  # late or blocked (models.health.Assessment.red)
    flags: tuple[str, ...] = ()  # vướng mắc, không cập nhật, chờ bước trước
    urgency: tuple[int, int, dt.date] = (0, 0, dt.date.min)  # models.health.urgency_key
    step_id: str = ""  # the plan's step: a fan-out's agencies share it
    responsibility_id: str = ""
    due: str = ""  # the deadline in force, short: "08/04/2024", "12/04/2024 (gia hạn)"
    cooperating_codes: tuple[str, ...] = ()
    period: str = ""  # an occurrence of a report cycle: "kỳ tháng 03/2024" (period_text)

    @property
    def status(self) -> str:
        return status_words(self.health, self.label)

    @property
    def lead_cell(self) -> str:
        """The lead, and the period when the step recurs: a cycle's occurrences would
        otherwise differ only by deadline."""
        return f"{self.lead_name} — {self.period}" if self.period else self.lead_name


def period_text(key: str) -> str:
    """'kỳ tháng 03/2024', 'kỳ quý I/2024' for an occurrence of a report cycle, else ''."""
    label = occurrence_label(key)
    return f"kỳ {period_words(label)}" if label else ""


def shorten(text: str, width: int = TITLE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def due_text(status: StepStatus) -> str:
    if status.ongoing is not None:
        return "thường xuyên"
    if status.state.extended_to:
        return f"{ddmmyyyy(status.state.extended_to)} (gia hạn)"
    return ddmmyyyy(status.deadline)


def step_line(plan: Plan, status: StepStatus, sent: outbox.StepReminders) -> StepLine:
    last = status.state.last_update_at
    return StepLine(
        key=status.key,
        title=status.title,
        lead=status.lead,
        lead_name=plan.agency(status.lead).label,
        cooperating=", ".join(plan.agency(c).label for c in status.cooperating) or "—",
        deadline=deadline_text(status),
        health=status.assessment.health,
        label=status.assessment.label,
        last_update=local_stamp(last) if last else "—",
        reminders=str(sent),
        red=status.assessment.red,
        flags=tuple(FLAG_LABELS[f] for f in Flag if f in status.assessment.flags),
        urgency=urgency_key(status.assessment, status.effective_deadline),
        step_id=status.step_id,
        responsibility_id=status.responsibility_id,
        due=due_text(status),
        cooperating_codes=status.cooperating,
        period=period_text(status.key),
    )


def grouped(lines: tuple[StepLine, ...] | list[StepLine]) -> list[list[StepLine]]:
    """The lines of each plan step together, groups in the order of their most urgent line
    (the lines come most urgent first)."""
    groups: dict[str, list[StepLine]] = {}
    for line in lines:
        groups.setdefault(line.step_id or line.key, []).append(line)
    return list(groups.values())


def step_table(group: list[StepLine]) -> list[str]:
    """A step's title once, then one row per agency (a fan-out step has many)."""
    rows = [(line.lead_cell, line.due, line.status) for line in group]
    return [f"**{shorten(group[0].title)}**", "", *markdown_table(COLUMNS, rows), ""]


@dataclass(frozen=True)
class Outcome:
    """What a responsibility run hands on: its steps as read, and the reminders queued."""

    plan_id: str
    responsibility_id: str
    name: str
    as_of: dt.datetime
    lines: tuple[StepLine, ...]
    queued: int
    delivery: sending.Delivery | None = field(default=None)
    # Per recurring step and agency: (agency, report, its occurrences' outcomes).
    series: tuple[tuple[str, str, str], ...] = ()

    @property
    def red(self) -> list[StepLine]:
        return [line for line in self.lines if line.red]

    @property
    def on_track(self) -> bool:
        return not self.red


@dataclass(frozen=True)
class PlanRead:
    """One sweep's read of a plan, shared by its responsibility runs: the statuses once,
    the reminders queued once for the whole plan, the reminders per step after that."""

    plan: Plan
    as_of: dt.datetime
    statuses: tuple[StepStatus, ...]
    queued: dict[str, int]  # per responsibility
    sent: dict[str, outbox.StepReminders]

    @property
    def plan_id(self) -> str:
        return self.plan.plan.id

    def of(self, responsibility_id: str) -> list[StepStatus]:
        return [s for s in self.statuses if s.responsibility_id == responsibility_id]


_SWEEP: contextvars.ContextVar[PlanRead | None] = contextvars.ContextVar("sweep", default=None)


@contextlib.contextmanager
def sharing(read: PlanRead) -> Iterator[None]:
    """The responsibility runs started inside use this read instead of their own."""
    token = _SWEEP.set(read)
    try:
        yield
    finally:
        _SWEEP.reset(token)


def sweep_read(context: AppContext, plan: Plan, now: dt.datetime) -> PlanRead:
    """Read a plan's statuses and queue all its reminders (plan-level ones included)."""
    with context.database.transaction() as session:
        plan_row = get_plan(session, plan.plan.id)
        statuses = tuple(plan_statuses(session, plan_row, now))
        items = sending.queued_items(session, plan_row, now, statuses=statuses)
        sent = outbox.reminders_by_step(session, plan_row.id, [s.key for s in statuses])
    owner = {s.key: s.responsibility_id for s in statuses}
    queued: dict[str, int] = {}
    for item in items:
        if item.step_key in owner:
            queued[owner[item.step_key]] = queued.get(owner[item.step_key], 0) + 1
    return PlanRead(plan, now, statuses, queued, sent)


def read_responsibility(
    context: AppContext, plan_id: str, responsibility_id: str, now: dt.datetime, send: bool
) -> Outcome:
    """Statuses and reminders of one responsibility at `now`; no Prefect involved."""
    shared = _SWEEP.get()
    if shared is not None and shared.plan_id == plan_id and shared.as_of == now:
        responsibility = _responsibility(shared.plan, responsibility_id)
        statuses, queued = shared.of(responsibility.id), shared.queued.get(responsibility.id, 0)
        return _outcome(shared.plan, responsibility, now, statuses, queued, shared.sent, None)
    with context.database.transaction() as session:
        plan, _ = plan_of(session, get_plan(session, plan_id))
    responsibility = _responsibility(plan, responsibility_id)
    statuses, count, sent, delivery = _own_read(context, plan.plan.id, responsibility, now, send)
    return _outcome(plan, responsibility, now, statuses, count, sent, delivery)


def _own_read(
    context: AppContext, plan_id: str, responsibility: Responsibility, now: dt.datetime, send: bool
) -> tuple[list[StepStatus], int, dict[str, outbox.StepReminders], sending.Delivery | None]:
    with context.database.transaction() as session:
        plan_row = get_plan(session, plan_id)
        statuses = [
            s
            for s in plan_statuses(session, plan_row, now)
            if s.responsibility_id == responsibility.id
        ]
        queued = sending.queue(session, plan_row, now, responsibility.id)
    delivery = sending.send(context, now) if send else None
    with context.database.transaction() as session:
        sent = outbox.reminders_by_step(session, plan_id, [s.key for s in statuses])
    return statuses, queued, sent, delivery


def _outcome(
    plan: Plan,
    responsibility: Responsibility,
    now: dt.datetime,
    statuses: list[StepStatus],
    queued: int,
    sent: dict[str, outbox.StepReminders],
    delivery: sending.Delivery | None,
) -> Outcome:
    # Most urgent first, as in every table (models.health.urgency_key).
    # Occurrences far ahead of a report cycle would flood the dashboard: counted in the
    # series lines instead (models.series.current_view).
    shown = current_view(statuses, local_day(now))
    empty = outbox.StepReminders()
    lines = tuple(step_line(plan, s, sent.get(s.key, empty)) for s in by_urgency(shown))
    name = responsibility_flow_name(plan, responsibility)
    series = tuple(_series_sentence(plan, line) for line in series_lines(statuses, local_day(now)))
    return Outcome(plan.plan.id, responsibility.id, name, now, lines, queued, delivery, series)


def _series_sentence(plan: Plan, line: SeriesLine) -> tuple[str, str, str]:
    return plan.agency(line.lead).label, line.title, line.outcomes_text()


def _responsibility(plan: Plan, responsibility_id: str) -> Responsibility:
    for responsibility in plan.responsibilities:
        if responsibility.id == responsibility_id:
            return responsibility
    known = ", ".join(r.id for r in plan.responsibilities)
    raise UserError(f"Kế hoạch {plan.plan.id} không có nhiệm vụ '{responsibility_id}' ({known}).")


def table_markdown(outcome: Outcome) -> str:
    head = (
        f"Tình hình lúc **{local_stamp(outcome.as_of)}**: {len(outcome.red)}/"
        f"{len(outcome.lines)} bước quá hạn hoặc vướng mắc; việc gấp nhất trước."
    )
    tables = [line for group in grouped(outcome.lines) for line in step_table(group)]
    return "\n".join([head, "", *tables])


def publish(outcome: Outcome) -> None:
    queued = f"; mới xếp hàng {outcome.queued} nhắc việc" if outcome.queued else ""
    publish_markdown(
        table_markdown(outcome),
        key=artifact_key(outcome.plan_id, outcome.responsibility_id),
        description=(
            f"**{outcome.name}** — tình hình lúc {local_stamp(outcome.as_of)}{queued}. "
            f"{summary_link(outcome.plan_id)}"
        ),
    )


def final_state(outcome: Outcome) -> State[Any]:
    """Prefect's own state names (the dashboard's filters look for them); the words in the
    message."""
    red = outcome.red
    if not red:
        message = f"{ON_TRACK}: {len(outcome.lines)} bước, không bước nào quá hạn hay vướng mắc."
        return Completed(message=message, data=outcome)
    listed = "; ".join(_red_group(group) for group in grouped(red))
    message = f"{OFF_TRACK}: {len(red)}/{len(outcome.lines)} bước quá hạn hoặc vướng mắc — {listed}"
    return Failed(message=message, data=outcome)


def _red_group(group: list[StepLine]) -> str:
    """One step's late agencies in a sentence: its title once, each agency's words."""
    if len({line.label for line in group}) == 1:
        names = ", ".join(line.lead_cell for line in group)
        return f"{shorten(group[0].title, 50)} ({group[0].label}): {names}"
    names = ", ".join(f"{line.lead_cell} ({line.label})" for line in group)
    return f"{shorten(group[0].title, 50)}: {names}"


def _run_name() -> str:
    return responsibility_run_name(flow_run.parameters)


@flow(name="Nhiệm vụ", flow_run_name=_run_name, persist_result=False)
def responsibility_flow(
    plan_id: str, responsibility_id: str, as_of: dt.datetime | None = None, send: bool = True
) -> State[Any]:
    """Đánh giá các bước của một nhiệm vụ, xếp hàng nhắc việc và (nếu `send`) gửi đi."""
    now = as_of or now_utc()
    outcome = read_responsibility(AppContext.current(), plan_id, responsibility_id, now, send)
    publish(outcome)
    state = final_state(outcome)
    # The one line of the run's log: a late step is business data, not an error.
    logger = get_run_logger()
    (logger.warning if state.is_failed() else logger.info)("%s", state.message)
    return state


@lru_cache(maxsize=256)
def _named(name: str) -> Flow[Any, Any]:
    return responsibility_flow.with_options(name=name)


def flow_for(plan: Plan, responsibility_id: str) -> Flow[Any, Any]:
    """The responsibility's own flow, e.g. "IV.3 · Sở Nội vụ" in the dashboard."""
    return _named(responsibility_flow_name(plan, _responsibility(plan, responsibility_id)))


def run_responsibility(
    plan: Plan, responsibility_id: str, as_of: dt.datetime | None = None, send: bool = True
) -> State[Any]:
    """Run one responsibility's flow, tagged with its plan and agencies; returns its state."""
    responsibility = _responsibility(plan, responsibility_id)
    with tags(*responsibility_tags(plan, responsibility)):
        state = flow_for(plan, responsibility_id)(
            plan_id=plan.plan.id,
            responsibility_id=responsibility_id,
            as_of=as_of,
            send=send,
            return_state=True,
        )
    return cast(State[Any], state)
