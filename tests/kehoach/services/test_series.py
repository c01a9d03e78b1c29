"""Recurring work in the database: occurrences stored with their periods, kept across reloads,
read back by status with their series; an old database gains the columns (0006_series)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, select

from kehoach.paths import bundled_config_dir
from kehoach.services.plans import load_plan
from kehoach.services.status import statuses
from kehoach.services.tracking import record_progress
from kehoach.store.planfile import load_plan_file
from kehoach.store.session import Database, alembic_config, make_engine
from kehoach.store.tables import StepRow
from models.health import Health, Progress
from models.series import Outcome, series_lines

BRVT = bundled_config_dir() / "plans" / "ba-ria-vung-tau-2012-bao-cao-cchc.yaml"
PLAN = "brvt-2012-bao-cao-cchc"
VIETNAM = dt.timezone(dt.timedelta(hours=7))
LOADED = dt.datetime(2013, 1, 2, 8, tzinfo=VIETNAM)
MARCH = "CV2539.bao_cao_thang#2013-03@CON_DAO"


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


def _load(database: Database, path: Path = BRVT, now: dt.datetime = LOADED) -> None:
    with database.transaction() as session:
        load_plan(session, load_plan_file(path), now)


def test_every_occurrence_is_stored_with_its_series_and_data_period(database: Database) -> None:
    _load(database)
    with database.transaction() as session:
        rows = session.scalars(select(StepRow).where(StepRow.series.is_not(None))).all()
        march = session.scalars(select(StepRow).where(StepRow.key == MARCH)).one()
        found = (march.series, march.deadline, march.period_start, march.period_end)
    # 11 units × (12 monthly + 4 quarterly + 1 six-month + 1 yearly + the next year's plan).
    assert len(rows) == 11 * 19
    assert found == ("CV2539.bao_cao_thang", dt.date(2013, 3, 14), dt.date(2013, 2, 15),
                     dt.date(2013, 3, 14))  # fmt: skip


def test_reloading_a_changed_plan_keeps_each_occurrences_progress(
    database: Database, tmp_path: Path
) -> None:
    _load(database)
    done_at = dt.datetime(2013, 3, 13, 15, tzinfo=VIETNAM)
    with database.transaction() as session:
        record_progress(session, MARCH, Progress.SUBMITTED, done_at, by="CON_DAO")
    changed = tmp_path / "brvt.yaml"
    text = BRVT.read_text(encoding="utf-8")
    changed.write_text(text.replace("Báo cáo tháng về", "Báo cáo hằng tháng về"), "utf-8")
    _load(database, changed, done_at + dt.timedelta(days=1))
    with database.transaction() as session:
        rows = {r.key: r for r in session.scalars(select(StepRow))}
    assert rows[MARCH].progress == "submitted" and rows[MARCH].title.startswith("Báo cáo hằng")
    assert rows["CV2539.bao_cao_thang#2013-04@CON_DAO"].progress == "not_started"
    assert all(r.archived_at is None for r in rows.values())


def test_status_judges_each_occurrence_and_the_series_line_counts_them(
    database: Database,
) -> None:
    _load(database)
    with database.transaction() as session:
        record_progress(session, "CV2539.bao_cao_thang#2013-01@STP", Progress.SUBMITTED,
                        dt.datetime(2013, 1, 14, 9, tzinfo=VIETNAM), by="STP")  # fmt: skip
        record_progress(session, "CV2539.bao_cao_thang#2013-02@STP", Progress.SUBMITTED,
                        dt.datetime(2013, 2, 19, 9, tzinfo=VIETNAM), by="STP")  # fmt: skip
        items = statuses(session, dt.datetime(2013, 3, 20, 9, tzinfo=VIETNAM), PLAN, "STP")
    by_key = {i.key: i for i in items}
    # February's report was due on 08/02/2013, the last working day before Tết.
    assert by_key["CV2539.bao_cao_thang#2013-02@STP"].assessment.health is Health.DONE_LATE
    assert by_key["CV2539.bao_cao_thang#2013-03@STP"].assessment.health is Health.OVERDUE
    monthly = next(
        line
        for line in series_lines(items, dt.date(2013, 3, 20))
        if line.series == "CV2539.bao_cao_thang"
    )
    # April's report covers 15/03–14/04: its period has begun, so it is "đang trong hạn".
    assert monthly.counts == {Outcome.ON_TIME: 1, Outcome.DONE_LATE: 1, Outcome.OVERDUE: 1,
                              Outcome.OPEN: 1, Outcome.NOT_YET: 8}  # fmt: skip
    assert by_key[MARCH.replace("CON_DAO", "STP")].as_json()["period_start"] == "2013-02-15"


def test_an_old_database_gains_the_series_columns_and_keeps_its_steps(
    tmp_path: Path, seed_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
    engine.dispose()
    database = Database(url)  # migrates to the head
    try:
        with database.transaction() as session:
            load_plan(session, load_plan_file(seed_path), LOADED)
            columns = {c["name"] for c in inspect(session.connection()).get_columns("steps")}
            rows = session.scalars(select(StepRow)).all()
    finally:
        database.dispose()
    assert {"series", "period_start", "period_end", "ongoing"} <= columns
    assert rows and all(r.series is None and r.ongoing is None for r in rows)


MINIMAL = Path(__file__).resolve().parents[2] / "data" / "minimal_plan.yaml"
DUTY = """      - id: R2.tuyen_truyen
        title: Tăng cường tuyên truyền
        fan_out: [districts]
        ongoing: {check_in: month}
"""


def test_an_ongoing_duty_read_from_the_database_is_stalled_never_overdue(
    database: Database, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL.read_text(encoding="utf-8") + DUTY, encoding="utf-8")
    _load(database, plan, dt.datetime(2024, 3, 20, 8, tzinfo=VIETNAM))
    with database.transaction() as session:
        record_progress(session, "R2.tuyen_truyen@H1", Progress.IN_PROGRESS,
                        dt.datetime(2024, 4, 10, 9, tzinfo=VIETNAM), by="H1")  # fmt: skip
        june = statuses(session, dt.datetime(2024, 6, 3, 9, tzinfo=VIETNAM), "kh-thu-nghiem")
        next_year = statuses(session, dt.datetime(2025, 2, 3, 9, tzinfo=VIETNAM), "kh-thu-nghiem")
    duties = {s.key: s for s in june if s.ongoing}
    assert set(duties) == {"R2.tuyen_truyen@H1", "R2.tuyen_truyen@H2"}
    # H1 reported in April, not in May: "không cập nhật" from 01/06; H2 never reported.
    assert all(s.assessment.health is Health.ONGOING for s in duties.values())
    assert all(s.assessment.label == "nhiệm vụ thường xuyên; không cập nhật"
               for s in duties.values())  # fmt: skip
    assert duties["R2.tuyen_truyen@H1"].as_json()["ongoing"] == "month"
    after = [s.assessment for s in next_year if s.ongoing]
    assert all(a.health is Health.ONGOING and a.working_days_late == 0 for a in after)
