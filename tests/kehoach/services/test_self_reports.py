"""A report made through an agency's link becomes one item for the coordinator, once ever, on
SQLite and PostgreSQL; a report typed by the coordinator's staff is not one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kehoach.services.context import AppContext
from kehoach.services.plans import ORIGIN, load_plan
from kehoach.services.sweep import select_reminders
from kehoach.services.tracking import record_progress
from kehoach.settings import Settings
from kehoach.store.tables import PlanRow
from models.health import Progress
from models.reminders import Rule

MINIMAL = Path(__file__).resolve().parents[2] / "data" / "minimal_plan.yaml"
LOADED = dt.datetime(2024, 3, 20, 1, 0, tzinfo=dt.UTC)
REPORTED = dt.datetime(2024, 4, 2, 2, 0, tzinfo=dt.UTC)
VIA_LINK = {"via": "link", "client": "abc", "link_generation": 1}


def reported(context: AppContext, key: str, by: str, origin: dict[str, object] | None) -> None:
    with context.database.transaction() as session:
        if origin:
            session.info[ORIGIN] = origin
        record_progress(session, key, Progress.IN_PROGRESS, REPORTED, by=by, note="Đang làm")


def selected(context: AppContext, now: dt.datetime) -> list[tuple[str, str, str]]:
    with context.database.transaction() as session:
        items = select_reminders(session, session.get_one(PlanRow, "kh-thu-nghiem"), now)
    return [(i.recipient, i.step_key, i.report) for i in items if i.rule is Rule.SELF_REPORTED]


def test_a_link_report_is_selected_for_the_coordinator_once_and_never_again(
    database_url: str, tmp_path: Path
) -> None:
    context = AppContext(Settings(home=tmp_path / "home", database_url=database_url))
    with context.database.transaction() as session:
        load_plan(session, context.load_plan_file(MINIMAL), LOADED)
    reported(context, "R1.report", "SNV", VIA_LINK)
    reported(context, "R2.delegates@H1", "H1", None)  # typed in by the coordinator's staff
    first = REPORTED + dt.timedelta(hours=1)
    assert selected(context, REPORTED - dt.timedelta(minutes=1)) == []  # not yet made
    assert selected(context, first) == [
        ("SLD", "R1.report", "báo cáo tiến độ: đang thực hiện; ghi chú: “Đang làm”")
    ]
    assert selected(context, first + dt.timedelta(minutes=5)) == []
    assert selected(context, first + dt.timedelta(days=1)) == []
    context.database.engine.dispose()
