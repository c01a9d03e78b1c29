"""National size on PostgreSQL: 34 provinces' plans, 20 working mornings of growing history.

Each province (the directories of `directory_bench.py`, two levels after 01/07/2025: UBND
tỉnh, 20 departments, 100 communes and their Mặt trận) has one plan fanned out over its
communes: the 12 monthly reports of `directory_bench.py` (each with the commune's Mặt trận
cooperating), a campaign of 39 steps due from late August to mid December, and 8 report
cycles of 12 monthly occurrences: 147 steps per commune, 14,700 per province, 499,800 in
all. Before the first morning the steps already due are a realistic mix (most done, some
late, in progress, blocked). Every report has its own moment in office hours. Then, for
each of 20 working mornings from Monday 06/10/2025:

- the day before, 2 % of the open steps are reported (progress events folded by
  `models.progress.apply`, written in bulk: setup, not timed);
- timed: the status of every step (`kehoach.services.status.statuses`), and the sweep,
  i.e. selecting and queueing the reminders of every plan (`sweep.evaluate` +
  `outbox.enqueue`, what `select_reminders` runs), the items written counted;
- timed apart (the sender flow's part, not the sweep's): composing the digests
  (`sweep.compose`); the sending itself is `delivery_bench.py`'s subject (tens of
  messages per second per sender: thousands of digests a morning are minutes of SMTP
  whatever the database), so here each composed message is marked sent with one attempt
  row, in bulk, for the history to grow as it would;
- the raw driver's floor in the same run, the same database work without kehoach's
  rules: every statement the evaluation sent, sent again by psycopg and fetched; the
  candidates (rows prepared untimed, the same payloads) written once per key into the
  outbox, with its unique key and indexes, the faster of two plain ways (COPY then
  INSERT … ON CONFLICT DO NOTHING; or COPY the keys, keep those the outbox lacks, COPY
  those rows), before the sweep writes them, then rolled back (the table is vacuumed
  after each morning, as autovacuum would). The former floor is printed beside it (the
  step columns alone, every candidate COPYed into a temporary table with no key: not the
  same job, no event log read and no exactly-once).

Prints a table per morning, the growth (last morning / first), the ratio to the floor,
the Prefect flow runs and task runs one morning of these plans creates
(`flows.plan.runs_per_sweep`) and the query plans of the hot reads.

    .venv/bin/python benchmarks/national_bench.py [--quick] [--provinces 34] [--communes 100]
        [--days 20] [--url postgresql+psycopg://…]   (default: a throwaway local server)
        [--profile]   (cProfile the last morning's sweep and composing)
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import dataclasses
import datetime as dt
import json
import pstats
import random
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import throwaway_pg  # benchmarks/throwaway_pg.py
import yaml
from directory_bench import plan as report_plan  # benchmarks/directory_bench.py
from directory_bench import write_files
from machine import describe as describe_machine  # benchmarks/machine.py
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/postgres_server.py starts a throw-away PostgreSQL

import kehoach.store.all_tables  # noqa: E402, F401  (every table on the metadata)
from flows.plan import runs_per_sweep  # noqa: E402
from kehoach.services import sweep  # noqa: E402
from kehoach.services.plans import load_plan  # noqa: E402
from kehoach.services.status import statuses  # noqa: E402
from kehoach.store.base import Base  # noqa: E402
from kehoach.store.planfile import LoadedPlan, load_plan_file  # noqa: E402
from kehoach.store.session import Database  # noqa: E402
from kehoach.store.tables import AgencyRow, PlanRow, StepRow  # noqa: E402
from models.calendar import vietnam_calendar  # noqa: E402
from models.deadlines import resolve_deadlines  # noqa: E402
from models.progress import EventKind, Progress, ProgressState, StepEvent, apply  # noqa: E402
from models.reminders import ReminderItem  # noqa: E402
from models.steps import expand_steps  # noqa: E402
from notifications import outbox  # noqa: E402

YEAR = 2025
LOADED_AT = dt.datetime(2025, 7, 1, 1, 0, tzinfo=dt.UTC)
FIRST_MORNING = dt.date(2025, 10, 6)
CAMPAIGN_STEPS = 39
REPORT_CYCLES = 8
REPORTED_SHARE = 0.02
VIETNAM = dt.timezone(dt.timedelta(hours=7))
# The step columns the former floor reads (about those status draws on: its SOURCE_COLUMNS).
STEP_COLUMNS = (
    "plan_id, key, responsibility_id, step_id, title, deliverable, lead, cooperating, "
    "depends_on, deadline, first_deadline, deadline_source, extended_to, progress, "
    "last_update_at, completed_at, blocked_since, completed_deadline, completed_extended_to, "
    "not_before, series, period_start, period_end, ongoing, submitted_at, completes_on"
)


# --- The plans -----------------------------------------------------------------------------


def province_plan(province: int) -> dict[str, Any]:
    """directory_bench's monthly reports, plus a campaign and report cycles over the communes."""
    document = report_plan(province, YEAR, 0)
    document["plan"]["period"] = {"start": f"{YEAR}-01-01", "end": f"{YEAR}-12-31"}
    campaign = [
        {
            "id": f"CD.{n}",
            "title": f"Chiến dịch: việc số {n}",
            "fan_out": ["xa"],
            "depends_on": [f"CD.{n - 1}"] if n % 3 else [],
            "deadline": {"before_event": 5 + 2 * (CAMPAIGN_STEPS - n)},
        }
        for n in range(CAMPAIGN_STEPS)
    ]
    cycles = [
        {
            "id": f"DK.{n}",
            "title": f"Báo cáo định kỳ số {n}",
            "fan_out": ["xa"],
            "recurrence": {"every": "month", "day": 5 + 2 * n, "meaning": "truoc_ngay"},
        }
        for n in range(REPORT_CYCLES)
    ]
    document["responsibilities"] += [
        {"id": "CD", "title": "Chiến dịch", "responsible": ["xa"], "steps": campaign},
        {"id": "DK", "title": "Báo cáo định kỳ", "responsible": ["xa"], "steps": cycles},
    ]
    return document


def plan_files(folder: Path, provinces: int, communes: int) -> list[Path]:
    """directory_bench's directories and plan files, each plan then given its larger self."""
    paths = write_files(folder, provinces, communes, 0, YEAR)
    for n, path in enumerate(paths):
        text = yaml.safe_dump(province_plan(n), allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")
    return paths


def load_all(database: Database, paths: list[Path], each: bool) -> list[LoadedPlan]:
    """The first province through `kehoach load`'s own code (`load_plan`); the others
    too with `each`, else copied from the first one's rows in SQL (same directory shape,
    same steps: `load_plan` of one 14,700-step province takes about 7 s on this machine
    since its steps go in bulk, so 34 are about 4 minutes of setup with `--load-each`)."""
    loaded = [load_plan_file(path) for path in paths]
    for plan in loaded[: None if each else 1]:
        with database.transaction() as session:
            load_plan(session, plan, LOADED_AT)
    for plan in [] if each else loaded[1:]:
        clone_plan(database, loaded[0], plan)
    return loaded


# Rows of a plan that `load_plan` writes, by table; the plan's own row is written apart.
CLONED = ("plan_events", "agencies", "steps", "deadline_history", "step_events")
SAME_PLAN = "WHERE plan_id = :old"


def clone_plan(database: Database, source: LoadedPlan, target: LoadedPlan) -> None:
    """`target`'s rows as `load_plan` would write them, copied from `source`'s (the two
    plans differ only in their ids and the province's name); checked against the steps
    `target` expands to."""
    old, new = source.plan.plan.id, target.plan.plan.id
    with database.transaction() as session:
        row = session.get_one(PlanRow, old)
        session.add(_plan_row(row, target))
        session.flush()
        for name in CLONED:
            columns = [c.name for c in Base.metadata.tables[name].columns if c.name != "id"]
            listed = ", ".join(columns)
            chosen = ", ".join(":new" if c == "plan_id" else c for c in columns)
            session.execute(
                text(f"INSERT INTO {name} ({listed}) SELECT {chosen} FROM {name} {SAME_PLAN}"),
                {"old": old, "new": new},
            )
        _rename_agencies(session, target)
        _check_steps(session, target)


def _plan_row(row: PlanRow, target: LoadedPlan) -> PlanRow:
    return PlanRow(
        id=target.plan.plan.id,
        title=target.plan.plan.title,
        source_path=str(target.path),
        source_sha256=target.sha256,
        document=target.plan.model_dump(mode="json"),
        directory=target.plan.plan.directory,
        event_date=row.event_date,
        event_confirmed=row.event_confirmed,
        loaded_at=row.loaded_at,
    )


def _rename_agencies(session: Session, target: LoadedPlan) -> None:
    for agency in target.plan.agencies:
        session.execute(
            update(AgencyRow)
            .where(AgencyRow.plan_id == target.plan.plan.id, AgencyRow.code == agency.code)
            .values(name=agency.name, short_name=agency.short_name)
        )


def _check_steps(session: Session, target: LoadedPlan) -> None:
    deadlines = resolve_deadlines(target.plan, target.calendar)
    expected = {(s.key, s.deadline) for s in expand_steps(target.plan, deadlines, target.calendar)}
    query = select(StepRow.key, StepRow.deadline).where(StepRow.plan_id == target.plan.plan.id)
    assert {tuple(row) for row in session.execute(query)} == expected, target.plan.plan.id


# --- Progress, written in bulk (setup) -----------------------------------------------------

STATE = ", ".join(ProgressState._fields)
OPEN_STEPS = f"SELECT id, plan_id, key, lead, deadline, {STATE} FROM steps " + (
    "WHERE archived_at IS NULL AND progress <> 'done'"
)


@dataclass(frozen=True)
class Report:
    step_id: int
    plan_id: str
    key: str
    lead: str
    deadline: dt.date
    state: ProgressState


def open_steps(raw: Any, share: float = 1.0, seed: float = 0.0) -> list[Report]:
    """The steps not done; `share`: a random sample of them, drawn by the server."""
    sample = f" AND random() < {share}" if share < 1 else ""
    with raw.transaction(), raw.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", (seed,))
        rows = cursor.execute(OPEN_STEPS + sample + " ORDER BY id").fetchall()
    return [
        Report(*row[:5], ProgressState(Progress(row[5]), *(_aware(v) for v in row[6:])))
        for row in rows
    ]


def _aware(value: Any) -> Any:
    return value.replace(tzinfo=dt.UTC) if isinstance(value, dt.datetime) else value


Reported = list[tuple[Report, list[tuple[Progress, dt.datetime]]]]
REPORTED_COLUMNS = (
    "last_update_at, completed_at, blocked_since, extended_to, submitted_at, received_at, "
    "progress, completed_deadline"
)


def report_progress(raw: Any, reports: Reported) -> int:
    """What `tracking.record_progress` writes for each report: the state folded by
    `models.progress.apply`, the deadline frozen when a step is finished, an event."""
    updates, events = [], []
    for report, changes in reports:
        state = report.state
        for status, at in changes:
            state = apply(state, StepEvent(EventKind.PROGRESS, at, status))
            events.append((report.plan_id, report.key, report.lead, _naive(at), status.value))
        frozen = report.deadline if state.completed_at else None
        values = (*(_naive(v) for v in state[1:]), state.progress.value, frozen)
        updates.append((*values, report.step_id))
    with raw.transaction(), raw.cursor() as cursor:
        # COPY then one UPDATE … FROM: the first morning's mix is ~300k steps at full size.
        cursor.execute(
            "CREATE TEMPORARY TABLE reported_steps ON COMMIT DROP AS SELECT id, "
            f"{REPORTED_COLUMNS} FROM steps WITH NO DATA"
        )
        copy_rows(cursor, f"reported_steps ({REPORTED_COLUMNS}, id)", updates)
        assigned = ", ".join(f"{c} = r.{c}" for c in REPORTED_COLUMNS.split(", "))
        cursor.execute(f"UPDATE steps SET {assigned} FROM reported_steps r WHERE steps.id = r.id")
        columns = "plan_id, step_key, actor, at, status, kind, recorded_at, data"
        with cursor.copy(f"COPY step_events ({columns}) FROM STDIN") as copy:
            for plan_id, key, lead, at, status in events:
                copy.write_row((plan_id, key, lead, at, status, "progress", at, "{}"))
    return len(events)


def _naive(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


OFFICE_OPENS, OFFICE_CLOSES = dt.time(7, 30), dt.time(17, 0)
OFFICE_SECONDS = 9 * 3600 + 30 * 60


def _office_hours(day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment of `day`'s office hours in Vietnam: each report has its own, as agencies
    report when they do (one shared moment would let every report share its judgement)."""
    opens = dt.datetime.combine(day, OFFICE_OPENS, VIETNAM)
    return opens + dt.timedelta(
        seconds=rng.randrange(OFFICE_SECONDS), microseconds=rng.randrange(1_000_000)
    )


def initial_mix(raw: Any, before: dt.date, rng: random.Random) -> int:
    """Steps due before the first morning: 60 % done (a quarter of them late), 8 % blocked,
    17 % still in progress, the rest never started; 10 % of the later ones started."""
    reports: Reported = []
    started = before - dt.timedelta(days=20)
    # All reported before the morning: by the close of the day before at the latest.
    last = dt.datetime.combine(before - dt.timedelta(days=1), OFFICE_CLOSES, VIETNAM)
    for report in open_steps(raw):
        draw = rng.random()
        if report.deadline >= before:
            if draw < 0.1:
                reports.append((report, [(Progress.IN_PROGRESS, _office_hours(started, rng))]))
            continue
        if draw >= 0.85:
            continue
        shift = rng.randint(1, 9) if draw < 0.15 else -rng.randint(0, 9)
        at = min(_office_hours(report.deadline + dt.timedelta(days=shift), rng), last)
        changes = [(Progress.IN_PROGRESS, at - dt.timedelta(days=12))]
        if draw < 0.68:
            changes.append((Progress.DONE if draw < 0.6 else Progress.BLOCKED, at))
        reports.append((report, changes))
    return report_progress(raw, reports)


NEXT = {
    Progress.NOT_STARTED: Progress.IN_PROGRESS,
    Progress.IN_PROGRESS: Progress.DONE,
    Progress.BLOCKED: Progress.IN_PROGRESS,
}


def daily_reports(raw: Any, day: dt.date, rng: random.Random) -> int:
    """The afternoon before `day`'s morning, agencies report 2 % of the open steps: the
    next state mostly, a difficulty (blocked) one time in ten."""
    reports: Reported = []
    for report in open_steps(raw, REPORTED_SHARE, rng.random()):
        blocked = rng.random() < 0.1 and report.state.progress is not Progress.BLOCKED
        status = Progress.BLOCKED if blocked else NEXT[report.state.progress]
        reports.append((report, [(status, _office_hours(day - dt.timedelta(days=1), rng))]))
    return report_progress(raw, reports)


def mark_sent(raw: Any, now: dt.datetime) -> int:
    """What the sender leaves behind for each composed message: sent, one attempt row."""
    moment = _naive(now + dt.timedelta(minutes=5))
    columns = "message_id, attempt, service_name, service_url, ok, optional, permanent, "
    columns += "at, accepted, needs_auth"
    with raw.transaction(), raw.cursor() as cursor:
        cursor.execute(
            "UPDATE outbox_messages SET state = 'sent', attempts = 1, sent_at = %s "
            "WHERE state = 'pending' RETURNING id",
            (moment,),
        )
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.copy(f"COPY delivery_attempts ({columns}) FROM STDIN") as copy:
            for message_id in ids:
                row = (message_id, 1, "Thư điện tử", "mailtos://…", True, False, False)
                copy.write_row((*row, moment, "[]", False))
    return len(ids)


# --- One morning ---------------------------------------------------------------------------


@dataclass
class Morning:
    day: dt.date
    reported: int = 0
    steps: int = 0
    status_s: float = 0.0
    evaluate_s: float = 0.0
    enqueue_s: float = 0.0
    candidates: int = 0
    written: int = 0
    compose_s: float = 0.0
    messages: int = 0
    read_floor_s: float = 0.0  # the same reads, through the raw driver
    write_floor_s: float = 0.0  # the same candidates, written once per key by the raw driver
    columns_floor_s: float = 0.0  # the former floor: only the step columns read ...
    copy_floor_s: float = 0.0  # ... and every candidate COPYed into a bare temporary table
    status_floor_s: float = 0.0  # the status's own reads, through the raw driver
    reads: int = 0  # statements the evaluation sent (and the read floor sent again)
    history: dict[str, int] = field(default_factory=dict)

    @property
    def sweep_s(self) -> float:
        return self.evaluate_s + self.enqueue_s

    @property
    def floor_s(self) -> float:
        return self.read_floor_s + self.write_floor_s

    @property
    def bare_floor_s(self) -> float:
        return self.columns_floor_s + self.copy_floor_s


def timed(work: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def morning_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 0), VIETNAM).astimezone(dt.UTC)


def run_morning(
    database: Database, raw: Any, day: dt.date, rng: random.Random, profile: bool = False
) -> Morning:
    result = Morning(day, reported=daily_reports(raw, day, rng))
    now = morning_of(day)
    status_reads: list[Read] = []
    with database.transaction() as session, recording(session, status_reads):
        found, result.status_s = timed(lambda: statuses(session, now))
        result.steps = len(found)
    result.status_floor_s = read_floor(raw, status_reads)
    profiler = cProfile.Profile() if profile else None
    reads: list[Read] = []
    with profiler or _nothing():
        candidates, written = sweep_all(database, now, result, raw, reads)
        with database.transaction() as session:
            composed, result.compose_s = timed(lambda: sweep.compose(session, now, known=written))
            result.messages = len(composed)
    if profiler is not None:
        print_profile(profiler, day)
    mark_sent(raw, now)
    result.read_floor_s, result.reads = read_floor(raw, reads), len(reads)
    vacuum(raw)  # the floors' rolled-back rows, as autovacuum would (untimed)
    result.columns_floor_s, result.copy_floor_s = bare_floor(raw, candidates)
    result.history = history(raw)
    return result


class _nothing(AbstractContextManager[None]):
    def __exit__(self, *_: object) -> None:
        return None


PROFILE_LINES = 30


def print_profile(profiler: cProfile.Profile, day: dt.date) -> None:
    """The morning's sweep and composing under cProfile: the costliest functions."""
    print(f"Hồ sơ thời gian (cProfile) của lượt quét và soạn thư sáng {day:%d/%m/%Y}:")
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    stats.sort_stats("cumulative").print_stats(PROFILE_LINES)
    stats.sort_stats("tottime").print_stats(PROFILE_LINES)


def sweep_all(
    database: Database,
    now: dt.datetime,
    result: Morning,
    raw: Any = None,
    reads: list[Read] | None = None,
) -> tuple[list[ReminderItem], list[ReminderItem]]:
    """`select_reminders` for every plan in one transaction, as `kehoach sweep` runs it,
    its two halves timed apart; the candidates and the items written.

    With `raw` and `reads`, between the halves and untimed in the sweep's figures: the
    write floor of the plan's candidates (before the sweep writes them, so the same keys
    are new to both), and the statements of the evaluation recorded for the read floor."""
    candidates: list[ReminderItem] = []
    written: list[ReminderItem] = []
    with database.transaction() as session:
        outbox.take_write_lock(session)
        for row in session.scalars(select(PlanRow).order_by(PlanRow.id)).all():
            with recording(session, reads):
                items, seconds = timed(lambda r=row: sweep.evaluate(session, r, now))
            result.evaluate_s += seconds
            if raw is not None:
                result.write_floor_s += write_floor(raw, items, now)
            new, seconds = timed(lambda i=items: outbox.enqueue(session, i, now))
            result.enqueue_s += seconds
            candidates += items
            written += new
    result.candidates, result.written = len(candidates), len(written)
    return candidates, written


# --- The raw driver's floor ------------------------------------------------------------------
#
# What the sweep does to the database, done by psycopg alone, without kehoach's rules:
# - read: every statement the evaluation sent, sent again on a connection of its own, every
#   row fetched (as plain tuples);
# - write: the plan's candidates, their rows prepared untimed (the same payloads), written
#   into the outbox once per key, into the same table with its unique key and indexes,
#   before the sweep writes them, the faster of two plain ways (`write_floor`); then
#   rolled back.
# The former floor is kept beside it: the step columns alone, and every candidate COPYed
# into a temporary table without index or key (not the same job: no event log read, no
# exactly-once, an unlogged table).

Read = tuple[str, Any]


class _RecordingCursor:
    """Mixed into the session connection's cursor class while the evaluation runs."""

    reads: list[Read] | None = None

    def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
        if _RecordingCursor.reads is not None and str(query).lstrip().upper().startswith("SELECT"):
            _RecordingCursor.reads.append((str(query), params))
        return super().execute(query, params, **options)  # type: ignore[misc]


@contextmanager
def recording(session: Session, reads: list[Read] | None) -> Iterator[None]:
    if reads is None:
        yield
        return
    connection = session.connection().connection.dbapi_connection
    assert connection is not None
    factory = connection.cursor_factory
    recorder = type("Recording", (_RecordingCursor, factory), {})
    connection.cursor_factory = recorder
    _RecordingCursor.reads = reads
    try:
        yield
    finally:
        _RecordingCursor.reads = None
        connection.cursor_factory = factory


def read_floor(raw: Any, reads: list[Read]) -> float:
    with raw.transaction(), raw.cursor() as cursor:
        start = time.perf_counter()
        for query, params in reads:
            cursor.execute(query, params).fetchall()
        return time.perf_counter() - start


_ITEM_COLUMNS = (
    "recipient, plan_id, step_key, rule, occurrence, rung, local_day, urgency, payload, created_at"
)


def _rows(items: list[ReminderItem], created: dt.datetime) -> list[tuple[Any, ...]]:
    return [
        (i.recipient, i.plan_id, i.step_key, i.rule.value, i.occurrence, i.rung, i.local_day,
         i.urgency, json.dumps(i.as_json()), created)
        for i in items
    ]  # fmt: skip


class _Rollback(Exception):
    pass


def write_floor(raw: Any, items: list[ReminderItem], now: dt.datetime) -> float:
    """The faster of two plain ways to write the candidates once per key."""
    rows = _rows(items, now.astimezone(dt.UTC).replace(tzinfo=None))
    return min(_rolled_back(raw, _insert_on_conflict, rows), _rolled_back(raw, _new_only, rows))


def _rolled_back(raw: Any, write: Callable[[Any, list[Any]], None], rows: list[Any]) -> float:
    seconds = 0.0
    with contextlib.suppress(_Rollback), raw.transaction(), raw.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE floor_candidates ON COMMIT DROP AS "
            f"SELECT 0 AS n, {_ITEM_COLUMNS} FROM reminder_items WITH NO DATA"
        )
        start = time.perf_counter()
        write(cursor, rows)
        seconds = time.perf_counter() - start
        raise _Rollback
    return seconds


def _insert_on_conflict(cursor: Any, rows: list[Any]) -> None:
    """Every candidate COPYed into a temporary table, then INSERT … ON CONFLICT DO NOTHING."""
    copy_rows(cursor, "floor_candidates", [(n, *row) for n, row in enumerate(rows)])
    cursor.execute(
        f"INSERT INTO reminder_items ({_ITEM_COLUMNS}) SELECT {_ITEM_COLUMNS} "
        f"FROM floor_candidates ON CONFLICT DO NOTHING"
    )


_KEY_COLUMNS = "recipient, plan_id, step_key, rule, occurrence, rung"
_SAME_KEY = " AND ".join(f"r.{c} = k.{c}" for c in _KEY_COLUMNS.split(", "))


def _new_only(cursor: Any, rows: list[Any]) -> None:
    """Only the keys COPYed and checked against the outbox; only the new rows COPYed in."""
    with cursor.copy(f"COPY floor_candidates (n, {_KEY_COLUMNS}) FROM STDIN") as copy:
        for n, row in enumerate(rows):
            copy.write_row((n, *row[:6]))
    trusted = outbox.trusted_statistics(cursor, len(rows))  # as the outbox does
    with outbox.no_nested_loop(cursor, when=not trusted):
        cursor.execute(
            f"SELECT k.n FROM floor_candidates k WHERE NOT EXISTS "
            f"(SELECT 1 FROM reminder_items r WHERE {_SAME_KEY})"
        )
        new = [rows[n] for (n,) in cursor.fetchall()]
    copy_rows(cursor, f"reminder_items ({_ITEM_COLUMNS})", new)


def vacuum(raw: Any) -> None:
    with raw.cursor() as cursor:  # autocommit: VACUUM may not run in a transaction block
        cursor.execute("VACUUM reminder_items")


def bare_floor(raw: Any, items: list[ReminderItem]) -> tuple[float, float]:
    """The former floor: the status's step columns read; COPY as many outbox rows, with
    the same payloads, into a table of the outbox's columns (rows prepared untimed)."""
    rows = _rows(items, dt.datetime(2025, 1, 1))
    with raw.transaction(), raw.cursor() as cursor:
        query = f"SELECT {STEP_COLUMNS} FROM steps WHERE archived_at IS NULL"
        _, read_s = timed(lambda: cursor.execute(query).fetchall())
        cursor.execute(
            f"CREATE TEMPORARY TABLE floor_items ON COMMIT DROP AS SELECT {_ITEM_COLUMNS} "
            "FROM reminder_items WITH NO DATA"
        )
        _, write_s = timed(lambda: copy_rows(cursor, "floor_items", rows))
    return read_s, write_s


def copy_rows(cursor: Any, table: str, rows: list[tuple[Any, ...]]) -> None:
    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


HISTORY = ("step_events", "reminder_items", "outbox_messages", "delivery_attempts")


def history(raw: Any) -> dict[str, int]:
    with raw.transaction(), raw.cursor() as cursor:
        return {t: cursor.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in HISTORY}


# --- Query plans of the hot reads ----------------------------------------------------------

HOT_READS = {
    "sổ sự kiện: phần việc đã xong": (
        "SELECT step_key, actor, at FROM step_events WHERE plan_id = 'kh-0' AND kind = 'part_done'"
    ),
    "sổ sự kiện: vướng mắc": (
        "SELECT step_key, note FROM step_events WHERE plan_id = 'kh-0' AND kind = 'progress' "
        "AND status = 'blocked' AND at <= now() ORDER BY at, id"
    ),
    "sổ sự kiện: thay đổi gần nhất": (
        "SELECT at FROM step_events WHERE plan_id = 'kh-0' AND kind IN ('progress', "
        "'deadline_extended') ORDER BY at DESC LIMIT 1"
    ),
    "hộp thư đi: khóa nhắc việc": (
        "SELECT id FROM reminder_items WHERE recipient = 'X1' AND plan_id = 'kh-0' "
        "AND step_key = 'CD.1@X1' AND rule = 'overdue' AND occurrence = '1@2025-09-01' "
        "AND rung = 1"
    ),
    "hộp thư đi: nhắc việc theo bước": (
        "SELECT step_key FROM reminder_items WHERE plan_id = 'kh-0' "
        "AND step_key IN ('CD.1@X1', 'CD.2@X2')"
    ),
    "hộp thư đi: mục chưa vào thư": "SELECT id FROM reminder_items WHERE message_id IS NULL",
    "thư đến hạn gửi": (
        "SELECT id FROM outbox_messages WHERE state IN ('pending', 'deferred') "
        "AND next_attempt_at <= now() ORDER BY next_attempt_at, id"
    ),
    "lượt gửi của một thư": "SELECT * FROM delivery_attempts WHERE message_id = 1",
}


def explain(raw: Any) -> None:
    with raw.cursor() as cursor:  # autocommit: ANALYZE may not run in a transaction block
        cursor.execute("ANALYZE")
        for label, query in HOT_READS.items():
            lines = [row[0] for row in cursor.execute(f"EXPLAIN {query}").fetchall()]
            scans = [line.strip().split("  (")[0] for line in lines if "Scan" in line]
            print(f"  {label}: {'; '.join(scans) or lines[0].strip()}")


# --- Output --------------------------------------------------------------------------------

HEADER = (
    "ngày        báo  bước     tình trạng  quét (chọn+ghi)        ứng viên  ghi mới  soạn thư"
    "      sàn (đọc+ghi)  quét/sàn  sàn cũ    quét/sàn cũ  sự kiện  mục nhắc  thư"
)


def print_row(m: Morning) -> None:
    h = m.history or {}
    print(
        f"{m.day:%d/%m/%Y} {m.reported:5,} {m.steps:8,} {m.status_s:9.2f} s "
        f"{m.sweep_s:7.2f} s ({m.evaluate_s:5.2f}+{m.enqueue_s:5.2f}) {m.candidates:9,} "
        f"{m.written:8,} {m.compose_s:6.2f} s/{m.messages:5,} {m.floor_s:6.2f} s "
        f"({m.read_floor_s:4.2f}+{m.write_floor_s:4.2f}) {m.sweep_s / m.floor_s:6.1f}× "
        f"{m.bare_floor_s:6.2f} s {m.sweep_s / m.bare_floor_s:6.1f}× "
        f"{h.get('step_events', 0):8,} {h.get('reminder_items', 0):9,} "
        f"{h.get('outbox_messages', 0):6,}",
        flush=True,
    )


def summary(mornings: list[Morning], loaded: list[LoadedPlan]) -> None:
    first, last = mornings[0], mornings[-1]
    runs = [runs_per_sweep(p.plan) for p in loaded]
    flows, tasks = sum(r[0] for r in runs), sum(r[1] for r in runs)
    growth = {
        "tình trạng": last.status_s / first.status_s,
        "quét": last.sweep_s / first.sweep_s,
        "soạn thư": last.compose_s / first.compose_s,
    }
    print("Tăng theo lịch sử (sáng cuối / sáng đầu): " + ", ".join(
        f"{name} {value:.2f}×" for name, value in growth.items()
    ))  # fmt: skip
    status_ratio = max(m.status_s / m.status_floor_s for m in mornings)
    print(
        f"Tình trạng {last.steps:,} bước: tối đa {max(m.status_s for m in mornings):.2f} s "
        f"(mục tiêu ≤ 5 s), gấp tối đa {status_ratio:.1f} lần sàn đọc"
    )
    print(
        f"Quét một buổi sáng: tối đa {max(m.sweep_s for m in mornings):.2f} s (mục tiêu ≤ 60 s), "
        f"gấp tối đa {max(m.sweep_s / m.floor_s for m in mornings):.1f} lần sàn (mục tiêu ≤ 2), "
        f"{max(m.sweep_s / m.bare_floor_s for m in mornings):.1f} lần sàn cũ"
    )
    print(f"Prefect mỗi buổi sáng (hình dạng luồng hiện nay): {flows:,} lượt luồng, ", end="")
    print(f"{tasks:,} lượt tác vụ")


def postgres(url: str | None) -> AbstractContextManager[str]:
    return throwaway_pg.postgres(
        url, "Không có PostgreSQL trên máy: cài gói postgresql hoặc dùng --url."
    )


def working_mornings(count: int) -> list[dt.date]:
    calendar = vietnam_calendar()
    days, day = [], FIRST_MORNING
    while len(days) < count:
        if calendar.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@dataclass(frozen=True)
class Options:
    provinces: int = 34
    communes: int = 100
    days: int = 20
    url: str | None = None
    load_each: bool = False
    explain: bool = True
    profile: bool = False  # cProfile the last morning's sweep and composing


QUICK = Options(provinces=2, communes=10, days=3)


def run(options: Options) -> list[Morning]:
    print(f"Máy: {describe_machine()}")
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as folder, postgres(options.url) as database_url:
        database = Database(database_url)
        paths = plan_files(Path(folder), options.provinces, options.communes)
        loaded, load_s = timed(lambda: load_all(database, paths, options.load_each))
        pooled = database.engine.raw_connection()
        raw = pooled.driver_connection
        raw.autocommit = True  # each bulk write in its own `raw.transaction()`
        try:
            results = replay(database, raw, options, rng, f"nạp {load_s:.0f} s")
            summary(results, loaded)
            if options.explain:
                print("Kế hoạch truy vấn của các lần đọc thường xuyên (EXPLAIN, dữ liệu vừa đo):")
                explain(raw)
        finally:
            pooled.close()
            database.dispose()
    return results


def replay(
    database: Database, raw: Any, options: Options, rng: random.Random, loading: str
) -> list[Morning]:
    mornings = working_mornings(options.days)
    reports, mix_s = timed(lambda: initial_mix(raw, mornings[0], rng))
    print(f"{options.provinces} tỉnh × {options.communes} xã: {loading}; ", end="")
    print(f"{reports:,} báo cáo tiến độ trước buổi sáng đầu ({mix_s:.0f} s)")
    print(HEADER)
    results = []
    for day in mornings:
        profile = options.profile and day == mornings[-1]
        results.append(run_morning(database, raw, day, rng, profile))
        print_row(results[-1])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="2 provinces × 10 communes, 3 days")
    parser.add_argument("--provinces", type=int, default=Options.provinces)
    parser.add_argument("--communes", type=int, default=Options.communes)
    parser.add_argument("--days", type=int, default=Options.days)
    parser.add_argument("--url", help="a PostgreSQL database to fill (default: a throwaway one)")
    parser.add_argument(
        "--load-each", action="store_true", help="every province through load_plan, none copied"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the last morning's sweep and composing"
    )
    args = parser.parse_args()
    # A stopped run still stops its throwaway server (the context managers' exits run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    shape = QUICK if args.quick else Options(args.provinces, args.communes, args.days)
    chosen = {"url": args.url, "load_each": args.load_each, "profile": args.profile}
    run(dataclasses.replace(shape, **chosen))


if __name__ == "__main__":
    main()
