"""A morning's sweep touches only today's candidates, with the answers the old pre-read gave.

Until issue 14 the enqueue first read every item already queued for the candidates'
steps and wrote only the others; now the outbox's unique key alone decides. Each test
replays working mornings of the seed plan with its agencies reporting, on SQLite and on
PostgreSQL, and checks each morning against that old rule computed from the table.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from kehoach.services import tracking
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.services.sweep import compose, evaluate, select_reminders
from kehoach.settings import Settings
from kehoach.store.outbox_tables import ReminderItemRow
from kehoach.store.tables import PlanRow
from models.progress import Progress
from tests.conftest import SEED_LOADED_AT
from tests.kehoach.conftest import at

PLAN = "nt-2024-so-ket-vi-nguoi-ngheo"
MORNINGS = (1, 2, 3, 4, 5, 8, 9, 10)  # April 2024's first two working weeks
REPORTS = {  # what agencies report the afternoon before a morning
    3: [("IV.3.summary_report_draft", Progress.IN_PROGRESS)],
    5: [("IV.3.summary_report_draft", Progress.BLOCKED)],
    9: [("IV.3.summary_report_draft", Progress.IN_PROGRESS)],
}
KEY = (
    ReminderItemRow.recipient, ReminderItemRow.plan_id, ReminderItemRow.step_key,
    ReminderItemRow.rule, ReminderItemRow.occurrence, ReminderItemRow.rung,
)  # fmt: skip


@pytest.fixture
def replayed(database_url: str, tmp_path: Path, seed_path: Path) -> Iterator[AppContext]:
    settings = Settings(home=tmp_path / "home", database_url=SecretStr(database_url))
    context = AppContext(settings)
    with context.database.transaction() as session:
        load_plan(session, context.load_plan_file(seed_path), SEED_LOADED_AT)
    yield context
    context.database.dispose()


def queued_keys(context: AppContext) -> set[tuple[object, ...]]:
    with context.database.transaction() as session:
        return {tuple(row) for row in session.execute(select(*KEY))}


def report(context: AppContext, day: int) -> None:
    for key, status in REPORTS.get(day, []):
        with context.database.transaction() as session:
            moment = at(day - 1, hour=15)
            tracking.record_progress(session, key, status, moment, plan_id=PLAN, at=moment)


def morning(context: AppContext, day: int) -> tuple[list[tuple[object, ...]], list[object]]:
    """(what the old pre-read would have written, what the sweep wrote) at 08:00."""
    before = queued_keys(context)
    with context.database.transaction() as session:
        plan_row = session.get_one(PlanRow, PLAN)
        candidates = {item.key: item for item in evaluate(session, plan_row, at(day))}
        written = select_reminders(session, plan_row, at(day))
        compose(session, at(day), known=written)
    expected = [key for key in candidates if key not in before]
    return expected, [item.key for item in written]


def test_each_morning_writes_exactly_the_items_the_old_pre_read_wrote(
    replayed: AppContext,
) -> None:
    written_each_morning = []
    for day in MORNINGS:
        report(replayed, day)
        expected, written = morning(replayed, day)
        assert written == expected, f"{day:02d}/04/2024"
        written_each_morning.append(len(written))
    assert all(written_each_morning[:2]) and sum(written_each_morning[2:])  # new items come


def test_a_morning_does_not_queue_again_what_the_morning_before_queued(
    replayed: AppContext,
) -> None:
    report(replayed, 1)
    _, first = morning(replayed, 1)
    with replayed.database.transaction() as session:
        again = evaluate(session, session.get_one(PlanRow, PLAN), at(2))
    _, second = morning(replayed, 2)
    repeated = {item.key for item in again} & set(first)
    assert first and repeated  # the overdue steps are candidates again the next morning
    assert not repeated & set(second)
    assert len(queued_keys(replayed)) == len(first) + len(second)


def test_the_same_morning_swept_twice_writes_nothing_the_second_time(
    replayed: AppContext,
) -> None:
    expected, written = morning(replayed, 8)
    assert written == expected and written
    assert morning(replayed, 8) == ([], [])
