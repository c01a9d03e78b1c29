"""Loading a plan into the database: idempotent, keeps progress, archives; SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kehoach.services.plans import load_plan
from kehoach.services.tracking import record_progress
from kehoach.store.planfile import load_plan_file
from kehoach.store.session import Database
from kehoach.store.tables import EventRow, StepRow
from models.health import Progress

MINIMAL = Path(__file__).resolve().parents[2] / "data" / "minimal_plan.yaml"
T0 = dt.datetime(2024, 3, 20, 2, 0, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(days=1)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


def write_plan(tmp_path: Path, old: str = "", new: str = "") -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(MINIMAL.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return path


def load(database: Database, path: Path, now: dt.datetime = T0):
    with database.transaction() as session:
        return load_plan(session, load_plan_file(path), now)


def step(database: Database, key: str) -> StepRow:
    with database.transaction() as session:
        row = session.scalar(select(StepRow).where(StepRow.key == key))
        assert row is not None
        return row


def test_loading_expands_fan_out_into_one_step_per_agency(
    database: Database, tmp_path: Path
) -> None:
    report = load(database, write_plan(tmp_path))
    assert report.created
    assert sorted(report.added) == [
        "R1.programme",
        "R1.report",
        "R2.delegates@H1",
        "R2.delegates@H2",
    ]
    assert step(database, "R2.delegates@H1").depends_on == ["R1.programme"]
    assert step(database, "R1.programme").deadline == dt.date(2024, 4, 10)
    assert step(database, "R1.report").deadline == dt.date(2024, 4, 15)


def test_loading_the_same_file_twice_changes_nothing(database: Database, tmp_path: Path) -> None:
    path = write_plan(tmp_path)
    load(database, path)
    with database.transaction() as session:
        events_before = session.scalar(select(func.count()).select_from(EventRow))
    assert load(database, path, T1).unchanged
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(EventRow)) == events_before


def test_reloading_an_edited_file_moves_deadlines_and_keeps_progress(
    database: Database, tmp_path: Path
) -> None:
    load(database, write_plan(tmp_path))
    with database.transaction() as session:
        record_progress(session, "R1.programme", Progress.IN_PROGRESS, T0, by="SLD")
    report = load(database, write_plan(tmp_path, "before_event: 10", "before_event: 12"), T1)
    assert report.moved == ["R1.programme", "R1.report"]
    row = step(database, "R1.programme")
    assert row.progress == "in_progress"
    assert row.deadline == dt.date(2024, 4, 8)
    assert row.first_deadline == dt.date(2024, 4, 10)


def test_a_step_removed_from_the_file_is_archived_and_comes_back_when_restored(
    database: Database, tmp_path: Path
) -> None:
    path = write_plan(tmp_path)
    load(database, path)
    without_h2 = write_plan(
        tmp_path, "  - {code: H2, name: UBND huyện Hai, kind: district, groups: [districts]}\n"
    )
    report = load(database, without_h2, T1)
    assert report.archived == ["R2.delegates@H2"]
    assert step(database, "R2.delegates@H2").archived_at == T1
    report = load(database, write_plan(tmp_path), T1 + dt.timedelta(hours=1))
    assert report.restored == ["R2.delegates@H2"]
    assert step(database, "R2.delegates@H2").archived_at is None


def test_instants_come_back_as_utc(database: Database, tmp_path: Path) -> None:
    load(database, write_plan(tmp_path))
    vietnam_morning = dt.datetime(2024, 3, 21, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    with database.transaction() as session:
        record_progress(
            session,
            "R1.programme",
            Progress.IN_PROGRESS,
            T1 + dt.timedelta(days=1),
            at=vietnam_morning,
        )
    assert step(database, "R1.programme").last_update_at == dt.datetime(
        2024, 3, 21, 2, 0, tzinfo=dt.UTC
    )
