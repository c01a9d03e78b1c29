"""Steps are judged by the day in Vietnam of their moments, on both databases: steps done
the same day share a judgement and keep their own moments; a minute past midnight in
Vietnam is the next day even when it is the same day in UTC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from kehoach.paths import seed_plan_path
from kehoach.services import tracking
from kehoach.services.plans import load_plan
from kehoach.services.status import plan_statuses, statuses
from kehoach.store.planfile import load_plan_file
from kehoach.store.session import Database
from kehoach.store.tables import PlanRow
from models.health import Health, Progress
from models.timeutil import vietnam_moment
from tests.kehoach.services.status_reference import reference_statuses

STEP = "IV.1.presentations"  # due Monday 15/04/2024, fanned out to 7 agencies
DUE = dt.date(2024, 4, 15)
DONE_AT = {
    "PRTC": vietnam_moment(DUE, dt.time(8)),
    "NINH_HAI": vietnam_moment(DUE, dt.time(23, 30)),  # 16:30 UTC on the 15th
    "NINH_PHUOC": vietnam_moment(DUE + dt.timedelta(days=1), dt.time(0, 30)),  # 17:30 UTC
}
AS_OF = vietnam_moment(dt.date(2024, 4, 17), dt.time(9))


def in_vietnam_time(database_url: str) -> str:
    """A PostgreSQL database whose sessions would default to Vietnam's time zone (as a
    province's server may be set): kehoach's own sessions must still be in UTC."""
    if database_url.startswith("postgresql"):
        engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            name = connection.exec_driver_sql("SELECT current_database()").scalar_one()
            connection.exec_driver_sql(
                f"ALTER DATABASE \"{name}\" SET timezone = 'Asia/Ho_Chi_Minh'"
            )
        engine.dispose()
    return database_url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    found = Database(in_vietnam_time(database_url))
    with found.transaction() as session:
        load_plan(
            session,
            load_plan_file(seed_plan_path()),
            vietnam_moment(DUE, dt.time(7)) - dt.timedelta(days=30),
        )
        for agency, moment in DONE_AT.items():
            tracking.record_progress(session, f"{STEP}@{agency}", Progress.DONE, moment)
    yield found
    found.dispose()


def test_steps_done_the_same_day_share_a_judgement_and_keep_their_own_moments(
    database: Database,
) -> None:
    assert DONE_AT["NINH_HAI"].date() == DONE_AT["NINH_PHUOC"].date()  # one day in UTC
    with database.transaction() as session:
        [plan_row] = session.query(PlanRow).all()
        found = {s.key: s for s in plan_statuses(session, plan_row, AS_OF)}
        reference = reference_statuses(session, plan_row, AS_OF)
    early, late_evening, past_midnight = (found[f"{STEP}@{a}"] for a in DONE_AT)
    assert early.assessment == late_evening.assessment
    assert early.assessment.health is Health.DONE_ON_TIME
    assert past_midnight.assessment.health is Health.DONE_LATE
    assert past_midnight.assessment.working_days_late == 1
    for status, moment in zip((early, late_evening, past_midnight), DONE_AT.values(), strict=True):
        assert status.state.completed_at == moment
        assert status.state.completed_at.tzinfo is dt.UTC
        assert status.state.last_update_at == moment
    assert [s._replace(state=s.state._replace(received_at=None)) for s in reference] == list(
        found.values()
    )


def _seed_as(folder: Path, plan_id: str, due_soon_within: int) -> Path:
    text = seed_plan_path().read_text(encoding="utf-8")
    text = text.replace(f"  id: {SEED_ID}\n", f"  id: {plan_id}\n", 1)
    text = text.replace("  due_soon_within: 3\n", f"  due_soon_within: {due_soon_within}\n", 1)
    path = folder / f"{plan_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


SEED_ID = "nt-2024-so-ket-vi-nguoi-ngheo"


def test_plans_share_judgements_only_when_judged_by_the_same_rules(
    database_url: str, tmp_path: Path
) -> None:
    """Copies of the seed plan, one warning 10 working days ahead instead of 3, one read
    as it was (a report came after the moment read): read together, each step is what its
    own plan's rules and record make it (the reference, plan by plan)."""
    database = Database(database_url)
    loaded_at = vietnam_moment(DUE, dt.time(7)) - dt.timedelta(days=30)
    moment = vietnam_moment(dt.date(2024, 4, 8), dt.time(9))
    with database.transaction() as session:
        for plan_id, within in (("kh-ba-ngay", 3), ("kh-muoi-ngay", 10), ("kh-xem-lai", 3)):
            load_plan(session, load_plan_file(_seed_as(tmp_path, plan_id, within)), loaded_at)
        later, done = moment + dt.timedelta(days=2), Progress.DONE
        tracking.record_progress(session, f"{STEP}@NINH_SON", done, later, plan_id="kh-xem-lai")
    try:
        with database.transaction() as session:
            together = statuses(session, moment)
            rows = session.query(PlanRow).order_by(PlanRow.id).all()
            alone = [s for row in rows for s in reference_statuses(session, row, moment)]
    finally:
        database.dispose()
    assert together == [s._replace(state=s.state._replace(received_at=None)) for s in alone]
    soon = {s.plan_id: s.assessment.health for s in together if s.key == f"{STEP}@PRTC"}
    assert soon == {
        "kh-ba-ngay": Health.NOT_STARTED,
        "kh-muoi-ngay": Health.DUE_SOON,
        "kh-xem-lai": Health.NOT_STARTED,
    }
