"""The sender flow delivers queued messages on its own schedule; a failed delivery is red."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect.server.schemas.schedules import CronSchedule

from flows.deployments import all_deployments
from flows.plan import plan_flow
from flows.sender import SENDER_CRON, SENDER_DEPLOYMENT, sender_flow
from kehoach.paths import seed_plan_path
from kehoach.services.context import AppContext
from kehoach.services.sweep import compose, select_reminders
from kehoach.store.planfile import load_plan_file
from kehoach.store.tables import PlanRow
from tests.flows.conftest import at
from tests.kehoach.conftest import email_everyone
from tests.smtp_sink import SmtpSink, agency_address

PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"


def test_the_sender_runs_every_five_minutes_in_office_hours_on_working_days() -> None:
    loaded = load_plan_file(seed_plan_path())
    planned = (loaded.plan, loaded.calendar)
    [sender] = [d for d in all_deployments([planned]) if d.name == SENDER_DEPLOYMENT]
    assert sender.flow_name == "Gửi thư nhắc việc" and sender.parameters == {}
    schedule = CronSchedule(cron=SENDER_CRON, timezone="Asia/Ho_Chi_Minh")
    start = dt.datetime(2024, 4, 19, 17, 50, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a Friday
    dates = asyncio.run(schedule.get_dates(n=3, start=start))
    local = [d.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")) for d in dates]
    assert [(d.day, d.hour, d.minute) for d in local] == [(19, 17, 50), (19, 17, 55), (22, 7, 0)]


def test_a_failed_delivery_turns_the_plan_run_red_and_the_sender_retries_it(
    seeded: AppContext, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    seeded.settings.apprise_config = email_everyone(tmp_path / "kenh.yaml", smtp_sink)
    smtp_sink.refuse_later.add(agency_address("SLDTBXH"))
    state = plan_flow(plan_id=PLAN_ID, as_of=at(10), return_state=True)
    assert state.is_failed() and state.name == "Failed"
    assert "Chưa gửi được 1 thư." in (state.message or "")
    smtp_sink.refuse_later.clear()
    retried = sender_flow(as_of=at(10, minute=5), return_state=True)
    assert retried.is_completed() and retried.name == "Completed"
    assert (retried.message or "").startswith("Đã gửi 1 thư")
    assert len(smtp_sink.to(agency_address("SLDTBXH"))) == 1


def test_a_sender_run_whose_delivery_fails_is_red(
    seeded: AppContext, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    seeded.settings.apprise_config = email_everyone(tmp_path / "kenh.yaml", smtp_sink)
    smtp_sink.stop()
    with seeded.database.transaction() as session:
        select_reminders(session, session.get_one(PlanRow, PLAN_ID), at(10))
        compose(session, at(10))
    state = sender_flow(as_of=at(10), return_state=True)
    smtp_sink.start()
    assert state.is_failed() and state.name == "Failed"
