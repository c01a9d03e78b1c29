"""Steps are judged by the day in Vietnam of their moments, on both databases: steps done
the same day share a judgement and keep their own moments; a minute past midnight in
Vietnam is the next day even when it is the same day in UTC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from kehoach.paths import seed_plan_path
from kehoach.services import tracking
from kehoach.services.plans import load_plan
from kehoach.services.status import plan_statuses
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


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    found = Database(database_url)
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
        assert status.state.last_update_at == moment
    assert [s._replace(state=s.state._replace(received_at=None)) for s in reference] == list(
        found.values()
    )
