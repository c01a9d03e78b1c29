"""`load_plan` writes a plan's new steps in bulk: the very rows (steps, their 'added'
events, their first deadlines, and every other table) that adding them one ORM object at
a time wrote, on the seed plan and every shipped plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kehoach.paths import bundled_config_dir
from kehoach.services import plans
from kehoach.services.plans import LoadReport, Moving, load_plan
from kehoach.store.base import Base
from kehoach.store.planfile import load_plan_file
from kehoach.store.session import Database
from kehoach.store.tables import StepRow
from models.deadlines import DeadlineReason
from models.progress import EventKind
from models.steps import ConcreteStep

LOADED_AT = dt.datetime(2024, 3, 1, 2, 0, tzinfo=dt.UTC)
WRITTEN = ("plans", "plan_events", "agencies", "steps", "step_events", "deadline_history")
PLANS = sorted((bundled_config_dir() / "plans").glob("*.yaml"))


def one_by_one(
    session: Any, plan_id: str, steps: list[ConcreteStep], moving: Moving, report: LoadReport
) -> None:
    """How `load_plan` added steps before: an ORM row, an event and a deadline each."""
    for step in steps:
        values = plans._definition(step)
        row = StepRow(
            plan_id=plan_id, key=step.key, deadline=step.deadline, first_deadline=step.deadline,
            **values,
        )  # fmt: skip
        session.add(row)
        report.added.append(step.key)
        plans.log_event(session, plan_id, EventKind.STEP_ADDED, moving.now, step_key=step.key)
        plans.record_deadline(session, row, replace(moving, reason=DeadlineReason.PLAN_TEXT))


def table_rows(session: Any, name: str) -> list[tuple[Any, ...]]:
    table = Base.metadata.tables[name]
    return [tuple(row) for row in session.execute(select(table).order_by(*table.primary_key))]


def written(path: Path, folder: Path) -> tuple[LoadReport, dict[str, list[tuple[Any, ...]]]]:
    database = Database(f"sqlite:///{folder / 'kehoach.db'}")
    try:
        with database.transaction() as session:
            report = load_plan(session, load_plan_file(path), LOADED_AT)
        with database.transaction() as session:
            rows = {name: table_rows(session, name) for name in WRITTEN}
        return report, rows
    finally:
        database.dispose()


@pytest.mark.parametrize("path", PLANS, ids=[p.stem for p in PLANS])
def test_a_plans_steps_written_in_bulk_are_the_rows_written_one_by_one(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bulk").mkdir()
    (tmp_path / "orm").mkdir()
    bulk_report, bulk = written(path, tmp_path / "bulk")
    monkeypatch.setattr(plans, "_add_steps", one_by_one)
    orm_report, orm = written(path, tmp_path / "orm")
    assert bulk_report == orm_report and bulk_report.added
    assert len(bulk["steps"]) == len(bulk_report.added) > 0
    for name in WRITTEN:
        assert bulk[name] == orm[name], name
