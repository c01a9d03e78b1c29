"""Replaying the Bà Rịa–Vũng Tàu reporting calendar: each occurrence judged and reminded on
its own, and the series figures as the coordinator (Sở Nội vụ) reads them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from flows.agencies import agency_item, rows_by_agency
from flows.modes import Mode
from flows.replay import Replay, Replayer
from flows.responsibility import read_responsibility, table_markdown
from flows.scenario import ScenarioFile
from flows.sending import Delivery
from flows.summary import EventLine, PlanOutcome, summary_markdown
from kehoach.paths import bundled_config_dir
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from kehoach.services.plans import load_plan
from kehoach.services.status import StepStatus, statuses
from kehoach.settings import Settings
from kehoach.store.outbox_tables import ReminderItemRow
from models.plan import Plan
from models.series import Outcome, SeriesLine, current_view, series_lines

PLAN_FILE = bundled_config_dir() / "plans" / "ba-ria-vung-tau-2012-bao-cao-cchc.yaml"
SCENARIO = bundled_config_dir() / "scenarios" / "ba-ria-vung-tau-2012-bao-cao-cchc.yaml"
PLAN = "brvt-2012-bao-cao-cchc"
END = dt.datetime(2013, 6, 17, 17, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppContext, Replay]]:
    home: Path = tmp_path_factory.mktemp("brvt")
    context = AppContext(Settings(home=home, database_url=None, apprise_config=None))
    loaded = context.load_plan_file(PLAN_FILE)
    with context.database.transaction() as session:
        load_plan(session, loaded, dt.datetime(2013, 1, 2, 0, tzinfo=dt.UTC))
    AppContext.use(context)
    source = ScenarioFile(SCENARIO)
    scenario = source.checked(loaded.plan, loaded.calendar)
    try:
        yield context, Replayer(loaded.plan, loaded.calendar, scenario, Mode.NONE, source).run()
    finally:
        AppContext.use(None)


def _lines(context: AppContext) -> dict[tuple[str, str], SeriesLine]:
    with context.database.transaction() as session:
        items = statuses(session, END, PLAN)
    return {
        (line.series.split(".")[1], line.lead): line for line in series_lines(items, END.date())
    }


def test_the_series_figures_show_who_reported_late_and_who_not_at_all(replayed) -> None:
    context, _ = replayed
    lines = _lines(context)
    con_dao = lines[("bao_cao_thang", "CON_DAO")].counts
    assert con_dao == {Outcome.ON_TIME: 4, Outcome.DONE_LATE: 2, Outcome.OPEN: 1,
                       Outcome.NOT_YET: 5}  # fmt: skip
    assert lines[("bao_cao_thang", "XUYEN_MOC")].counts[Outcome.OVERDUE] == 1
    assert lines[("bao_cao_thang", "STC")].counts[Outcome.DONE_LATE] == 1
    assert lines[("bao_cao_quy", "TAN_THANH")].counts == {
        Outcome.OVERDUE: 1, Outcome.ON_TIME: 1, Outcome.OPEN: 1, Outcome.NOT_YET: 1
    }  # fmt: skip
    assert lines[("bao_cao_quy", "LONG_DIEN")].counts[Outcome.ON_TIME] == 2
    assert lines[("bao_cao_6_thang", "DAT_DO")].counts == {Outcome.DONE_LATE: 1}
    assert lines[("bao_cao_thang", "STP")].sentence() == (
        "Báo cáo tháng về cải cách hành chính: 6/12 kỳ đúng hạn, 1 đang trong hạn, "
        "5 chưa đến kỳ; kỳ gần nhất: tháng 06/2013, hạn 14/06/2013; "
        "kỳ tới: tháng 07/2013, hạn 12/07/2013"
    )


def test_each_missing_report_is_reminded_as_its_own_overdue_occurrence(replayed) -> None:
    context, _ = replayed
    with context.database.transaction() as session:
        overdue = set(
            session.execute(
                select(ReminderItemRow.step_key, ReminderItemRow.recipient).where(
                    ReminderItemRow.rule == "overdue"
                )
            )
        )
    assert ("CV2539.bao_cao_quy#2013-Q1@TAN_THANH", "TAN_THANH") in overdue
    assert ("CV2539.bao_cao_thang#2013-05@XUYEN_MOC", "XUYEN_MOC") in overdue
    # Only late reports are reminded as overdue: no unit that sent on time.
    assert {key for key, _ in overdue} == {
        "CV2539.bao_cao_quy#2013-Q1@TAN_THANH",
        "CV2539.bao_cao_thang#2013-05@XUYEN_MOC",
        "CV2539.bao_cao_thang#2013-02@CON_DAO",
        "CV2539.bao_cao_thang#2013-04@CON_DAO",
        "CV2539.bao_cao_thang#2013-03@STC",
        "CV2539.bao_cao_6_thang#2013-H1@DAT_DO",
    }


def test_the_summary_lists_each_series_and_not_every_future_occurrence(replayed) -> None:
    context, _ = replayed
    outcome = read_responsibility(context, PLAN, "CV2539", END, send=False)
    assert not any("#2013-12@" in line.key for line in outcome.lines)
    # Per series and unit: the latest and next occurrence, and the one still overdue.
    tan_thanh = sorted(line.key for line in outcome.lines if line.lead == "TAN_THANH")
    assert [k for k in tan_thanh if "bao_cao_quy" in k] == [
        "CV2539.bao_cao_quy#2013-Q1@TAN_THANH",
        "CV2539.bao_cao_quy#2013-Q2@TAN_THANH",
        "CV2539.bao_cao_quy#2013-Q3@TAN_THANH",
    ]
    plan = PlanOutcome(
        PLAN, "Báo cáo CCHC", END, EventLine("Mốc", END.date(), True, 0), (outcome,),
        Delivery(), {},
    )  # fmt: skip
    text = summary_markdown(plan)
    assert "## Báo cáo định kỳ" in text
    assert (
        "| UBND huyện Tân Thành | Báo cáo quý về cải cách hành chính | 1/4 kỳ đúng hạn, 1 quá hạn"
        in text
    )


def test_a_cycles_occurrences_in_the_dashboard_tables_each_name_their_period(replayed) -> None:
    context, _ = replayed
    outcome = read_responsibility(context, PLAN, "CV2539", END, send=False)
    table = table_markdown(outcome)
    tan_thanh = [row for row in table.splitlines() if row.startswith("| UBND huyện Tân Thành")]
    for period in ("quý I/2013", "quý II/2013", "quý III/2013"):
        assert any(row.startswith(f"| UBND huyện Tân Thành — kỳ {period} |") for row in tan_thanh)
    assert any("— kỳ tháng 05/2013 |" in row for row in table.splitlines())
    assert len(set(tan_thanh)) == len(tan_thanh)  # no two rows read the same
    agency_rows = rows_by_agency(outcome_plan(context), list(_statuses(context)))["TAN_THANH"]
    quarterly = [agency_item(row) for row in agency_rows if "quý" in row.period]
    assert any(", kỳ quý I/2013 (nhiệm vụ CV2539, chủ trì)" in item for item in quarterly)


def outcome_plan(context: AppContext) -> Plan:
    with context.database.transaction() as session:
        return plan_of(session, get_plan(session, PLAN))[0]


def _statuses(context: AppContext) -> list[StepStatus]:
    with context.database.transaction() as session:
        return current_view(statuses(session, END, PLAN), END.date())
