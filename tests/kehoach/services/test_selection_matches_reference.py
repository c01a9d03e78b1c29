"""The fast selection (`models.reminders.select_items`, memoised per plan step, agency and
policy) selects exactly what the plain reference (tests/models/selection_reference.py, the
selection as it was) selects: the same items, keys and payloads, in the same order. On every
shipped scenario each working day as it is replayed, morning and evening; on the seed plan
through receipts, parts, 'không phát sinh', a returned report, a blockage, an extension and
a moved event; and on a small plan of the national bench's shape (monthly reports with the
commune's Mặt trận cooperating, a campaign, report cycles) through three months of reports."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import select

from flows.modes import Mode
from flows.replay import Day, Replayer
from kehoach.paths import bundled_config_dir
from kehoach.services import tracking
from kehoach.services.context import AppContext
from kehoach.services.lookup import plan_of
from kehoach.services.parts import notice_inputs, record_part_done
from kehoach.services.plans import load_plan
from kehoach.services.receipts import confirm_receipt, declare_not_applicable
from kehoach.services.status import plan_statuses
from kehoach.services.sweep import evaluate, event_facts
from kehoach.store.tables import PlanRow, StepRow
from models.calendar import vietnam_calendar
from models.health import Progress
from models.reminders import ReminderItem, Role, Rule
from models.timeutil import vietnam_moment
from notifications.outbox import payload_text
from tests.conftest import SEED_LOADED_AT
from tests.kehoach.conftest import at
from tests.kehoach.services.test_receipts import AWARDS, BUDGET, PLAN, receipt_seed
from tests.kehoach.services.test_status_matches_reference import SPEECH
from tests.models.selection_reference import reference_select_items
from tests.shipped_scenarios import SCENARIOS, shipped

CONFIG = bundled_config_dir()
BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"


def both(context: AppContext, as_of: dt.datetime) -> tuple[list[ReminderItem], list[ReminderItem]]:
    """What `sweep.evaluate` selects at `as_of`, and what the reference selects from the
    same statuses, events and notice inputs."""
    with context.database.transaction() as session:
        [plan_row] = session.scalars(select(PlanRow)).all()
        fast = evaluate(session, plan_row, as_of)
        plan, calendar = plan_of(session, plan_row)
        steps = plan_statuses(session, plan_row, as_of)
        inputs = notice_inputs(session, plan.plan.id, as_of)
        event = event_facts(session, plan_row)
    return fast, reference_select_items(plan, steps, event, calendar, as_of, inputs)


def assert_same(context: AppContext, as_of: dt.datetime) -> list[ReminderItem]:
    """Equal items, payloads with the same fields in the same order; the items."""
    fast, reference = both(context, as_of)
    pairs = [(f, r) for f, r in zip(fast, reference, strict=False) if f != r]
    assert not pairs and len(fast) == len(reference), f"{as_of}: {pairs[:1] or len(fast)}"
    payloads = [[list(i.as_json().items()) for i in items] for items in (fast, reference)]
    assert payloads[0] == payloads[1], as_of
    # What the PostgreSQL enqueue writes (orjson from the dataclass) is the same JSON.
    written = [json.loads(payload_text(i)) for i in fast]
    assert written == [json.loads(json.dumps(i.as_json())) for i in fast], as_of
    assert [ReminderItem.from_json(w) for w in written] == fast
    return fast


def rules_of(selections: list[list[ReminderItem]]) -> set[Rule]:
    return {item.rule for items in selections for item in items}


@pytest.mark.parametrize("plan_name", sorted(SCENARIOS))
def test_selection_is_the_references_on_every_replayed_day_morning_and_evening(
    plan_name: str, tmp_path: Path
) -> None:
    context, loaded, source, scenario, _ = shipped(plan_name, tmp_path)
    selected: list[list[ReminderItem]] = []

    def compare_on(day: Day) -> None:
        if loaded.calendar.is_working_day(day.day) or day.swept or day.actions:
            for hour in (8, 17):
                selected.append(assert_same(context, vietnam_moment(day.day, dt.time(hour))))

    AppContext.use(context)
    try:
        Replayer(loaded.plan, loaded.calendar, scenario, Mode.NONE, source).run(compare_on)
    finally:
        AppContext.use(None)
        context.close()
    # The comparison saw reminders of the rules the scenarios exercise.
    assert len(selected) >= 2 * 20
    assert {Rule.OVERDUE, Rule.BEFORE_DEADLINE} <= rules_of(selected)


def test_selection_is_the_references_through_receipts_parts_and_a_returned_report(
    context: AppContext, tmp_path: Path
) -> None:
    loaded = context.load_plan_file(receipt_seed(tmp_path / "kh.yaml"))
    with context.database.transaction() as session:
        load_plan(session, loaded, SEED_LOADED_AT)
        cooperated = session.scalars(
            select(StepRow).where(StepRow.cooperating != []).order_by(StepRow.key).limit(3)
        ).all()
        for row in cooperated:
            record_part_done(session, row.key, row.cooperating[0], at(20, 3), plan_id=PLAN)
    moments = [at(day, 3, hour) for day in (18, 26, 27, 28, 29) for hour in (8, 17)]
    moments += [at(day, 4, hour) for day in (1, 2, 3, 4, 5, 10, 15, 24, 25, 26) for hour in (8, 17)]
    with context.database.transaction() as session:
        tracking.record_progress(session, AWARDS, Progress.SUBMITTED, at(27, 3, 15), by="SLDTBXH")
        tracking.record_progress(session, SPEECH, Progress.IN_PROGRESS, at(26, 3, 10))
        tracking.extend_deadline(session, SPEECH, dt.date(2024, 4, 24), at(28, 3, 10))
        tracking.record_progress(session, SPEECH, Progress.SUBMITTED, at(2, 4, 10))
    with context.database.transaction() as session:
        tracking.return_report(session, SPEECH, at(3, 4, 10), reason="Thiếu số liệu huyện")
        confirm_receipt(session, PLAN, AWARDS, "SNV", at(3, 4, 11))
        declare_not_applicable(session, PLAN, BUDGET, "SLDTBXH", at(4, 4, 10), "Không cần")
        tracking.record_progress(
            session, SPEECH, Progress.BLOCKED, at(5, 4, 10), note="Thiếu kinh phí"
        )
    with context.database.transaction() as session:
        tracking.resolve_difficulty(session, SPEECH, at(10, 4, 10))
        tracking.confirm_event(session, PLAN, dt.date(2024, 5, 9), at(10, 4, 11))
    selected = [assert_same(context, moment) for moment in moments]
    expected = {Rule.OVERDUE, Rule.BLOCKED, Rule.RECEIPT_REQUESTED, Rule.RECEIPT_UNCONFIRMED}
    assert expected <= rules_of(selected)


@pytest.fixture(scope="module")
def national() -> ModuleType:
    """benchmarks/national_bench.py, for its plan's shape (imported as its test does)."""
    sys.path.insert(0, str(BENCHMARKS))  # its neighbours: directory_bench, machine
    spec = importlib.util.spec_from_file_location(
        "national_bench", BENCHMARKS / "national_bench.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_selection_is_the_references_on_a_small_plan_of_the_national_benchs_shape(
    national: ModuleType, context: AppContext, tmp_path: Path
) -> None:
    [path] = national.plan_files(tmp_path, 1, 4)  # 4 communes × 147 steps
    loaded = context.load_plan_file(path)
    with context.database.transaction() as session:
        load_plan(session, loaded, national.LOADED_AT)
    rng = random.Random(14)
    calendar = vietnam_calendar()
    day, selected, parts = dt.date(2025, 9, 15), [], set[str]()
    while day < dt.date(2025, 12, 1):
        if calendar.is_working_day(day):
            report_some(context, day, rng, parts)
            selected.append(assert_same(context, national.morning_of(day)))
        day += dt.timedelta(days=1)
    assert len(selected) > 50 and all(selected)
    expected = {Rule.OVERDUE, Rule.BEFORE_DEADLINE, Rule.STALLED, Rule.BLOCKED}
    assert expected <= rules_of(selected)
    assert Role.COOPERATING in {i.role for items in selected for i in items}


NEXT = {
    Progress.NOT_STARTED: Progress.IN_PROGRESS,
    Progress.IN_PROGRESS: Progress.DONE,
    Progress.BLOCKED: Progress.IN_PROGRESS,
}


def report_some(context: AppContext, day: dt.date, rng: random.Random, parts: set[str]) -> None:
    """The afternoon before `day`, a few open steps move on, some blocked, some parts done
    (`parts`: the steps whose first cooperator has reported its part)."""
    moment = vietnam_moment(day - dt.timedelta(days=1), dt.time(15))
    with context.database.transaction() as session:
        rows = session.scalars(
            select(StepRow).where(StepRow.progress != Progress.DONE.value).order_by(StepRow.key)
        ).all()
        for row in rng.sample(rows, min(len(rows), 12)):
            if row.cooperating and row.key not in parts and rng.random() < 0.3:
                parts.add(row.key)
                record_part_done(session, row.key, row.cooperating[0], moment, plan_id=row.plan_id)
                continue
            blocked = rng.random() < 0.15 and row.progress != Progress.BLOCKED.value
            status = Progress.BLOCKED if blocked else NEXT[Progress(row.progress)]
            note = "Chưa có số liệu" if blocked else None
            tracking.record_progress(
                session, row.key, status, moment, plan_id=row.plan_id, note=note, force=True
            )
