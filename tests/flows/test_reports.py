"""The scheduled report flow: both files, dashboard artifacts, sent with the files attached."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dateutil.rrule import rrulestr
from docx import Document
from openpyxl import load_workbook

from flows.deployments import all_deployments
from flows.reports import WEEKLY, report_deployments, report_flow
from kehoach.paths import bundled_config_dir
from kehoach.services import lookup
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.services.tracking import record_progress
from kehoach.store.planfile import load_plan_file
from models.cutoffs import last_cutoff, report_cutoffs, upcoming_cutoffs
from models.figures import PeriodKind
from models.health import Progress
from models.timeutil import VIETNAM
from tests.flows.conftest import at
from tests.flows.prefect_api import latest_artifact
from tests.smtp_sink import SmtpSink, agency_address, write_channels

PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"


def test_the_weekly_flow_writes_publishes_and_mails_the_report_with_its_files(
    seeded: AppContext, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    seeded.settings.apprise_config = write_channels(
        tmp_path / "kenh.yaml",
        [{"url": smtp_sink.url(agency_address(c)), "tag": c} for c in ("SLDTBXH", "PCT_UBND")],
    )
    with seeded.database.transaction() as session:
        record_progress(session, "IV.2.programme", Progress.DONE, at(2, hour=9), by="SLDTBXH")
    files = report_flow(PLAN_ID, at(5, hour=16))
    assert files.document.parent == seeded.settings.home / "bao-cao"
    sheet = load_workbook(files.workbook)["Thống kê theo cơ quan"]
    assert [c.value for c in sheet[1]][1] == "Cơ quan" and sheet.max_row > 2

    (mail,) = smtp_sink.to(agency_address("SLDTBXH"))
    names = sorted(part.get_filename() for part in mail.iter_attachments())
    assert names == sorted([files.document.name, files.workbook.name])
    assert "tỷ lệ hoàn thành đúng hạn" in mail.get_body(("plain",)).get_content()
    assert len(smtp_sink.to(agency_address("PCT_UBND"))) == 1
    # The provincial office has no channel of its own: the short summary in the mail folder.
    (folder_mail,) = seeded.settings.outbox_dir.glob("*.eml")
    assert files.document.name in folder_mail.read_text(encoding="utf-8")

    link = latest_artifact(f"{PLAN_ID}-bao-cao")
    assert link.type == "markdown" and files.document.as_uri() in link.data  # a link artifact
    summary = latest_artifact(f"{PLAN_ID}-bao-cao-tom-tat").data
    assert "số liệu đến ngày 05/04/2024" in summary and "| Sở Lao động" in summary


def test_the_report_flow_writes_into_the_shared_reports_folder_when_one_is_set(
    seeded: AppContext, tmp_path: Path
) -> None:
    shared = tmp_path / "thu-muc-chung"
    shared.mkdir()
    seeded.settings.reports_dir = shared
    files = report_flow(PLAN_ID, at(5, hour=16))
    assert {files.document.parent, files.workbook.parent} == {shared}
    assert not (seeded.settings.home / "bao-cao").exists()


def test_every_plan_gets_a_weekly_report_deployment_on_friday_afternoons(
    seeded: AppContext,
) -> None:
    with seeded.database.transaction() as session:
        row = lookup.get_plan(session, PLAN_ID)
        planned = lookup.plan_of(session, row)
    (report,) = [d for d in all_deployments([planned]) if d.flow_name == "Báo cáo tiến độ định kỳ"]
    assert report.parameters == {"plan_id": PLAN_ID}
    assert report.schedules[0].schedule.cron == WEEKLY
    assert report.schedules[0].schedule.timezone == "Asia/Ho_Chi_Minh"


BRVT = bundled_config_dir() / "plans" / "ba-ria-vung-tau-2012-bao-cao-cchc.yaml"
JANUARY_2013 = dt.datetime(2013, 1, 2, 8, tzinfo=VIETNAM)


def test_the_cut_offs_are_the_ends_of_the_data_periods_the_longest_one_per_day() -> None:
    plan = load_plan_file(BRVT).plan
    cuts = report_cutoffs(plan)
    # Sent by 05/06, the second quarter and the six months both end on 04/06: one report,
    # on the longer period (the plan's `covers: until_due`: the cycle before the day).
    june = [c for c in cuts if c.end == dt.date(2013, 6, 4)]
    assert [(c.kind, c.start) for c in june] == [(PeriodKind.HALF_YEAR, dt.date(2012, 12, 5))]
    assert len(cuts) == 18 and cuts == sorted(cuts, key=lambda c: c.end)
    february = next(c for c in cuts if c.end == dt.date(2013, 2, 14))
    assert (february.kind, february.start) == (PeriodKind.MONTH, dt.date(2013, 1, 15))
    assert february.moment == dt.datetime(2013, 2, 14, 16, 59, 59, tzinfo=dt.UTC)
    assert last_cutoff(plan, dt.datetime(2013, 2, 15, 1, tzinfo=dt.UTC)) == february
    assert upcoming_cutoffs(plan, dt.datetime(2013, 2, 15, 1, tzinfo=dt.UTC))[0].end > february.end


def test_the_report_deployment_also_fires_the_working_morning_after_each_cut_off() -> None:
    loaded = load_plan_file(BRVT)
    (deployment,) = report_deployments(loaded.plan, loaded.calendar, {}, JANUARY_2013)
    weekly, cutoff_run = deployment.schedules
    cutoffs = cutoff_run.schedule
    assert weekly.schedule.cron == WEEKLY
    assert cutoffs.timezone == "Asia/Ho_Chi_Minh"
    assert cutoff_run.parameters == {"plan_id": "brvt-2012-bao-cao-cchc", "chot_so_lieu": True}
    fires = list(rrulestr(cutoffs.rrule, forceset=True))
    # 14/01/2013 ends the first month: Tuesday 15/01. 14/02 falls in the Tết days off
    # (up to Friday 15/02): the report is made on Monday 18/02.
    assert fires[0] == dt.datetime(2013, 1, 15, 8, 0)
    assert dt.datetime(2013, 2, 18, 8, 0) in fires and dt.datetime(2013, 2, 15, 8, 0) not in fires
    assert all(loaded.calendar.is_working_day(f.date()) for f in fires)
    assert [f.date() for f in fires] == sorted(
        {c.report_day(loaded.calendar) for c in report_cutoffs(loaded.plan)}
    )


def test_a_cut_off_run_reports_on_the_data_period_as_the_record_stood_at_its_end(
    context: AppContext,
) -> None:
    with context.database.transaction() as session:
        load_plan(session, load_plan_file(BRVT, context.national_calendar), JANUARY_2013)
        # After the cut-off: not in the figures of the period that ended on 14/03.
        record_progress(
            session,
            "CV2539.bao_cao_thang#2013-03@CON_DAO",
            Progress.DONE,
            dt.datetime(2013, 3, 15, 9, tzinfo=VIETNAM),
            by="CON_DAO",
        )
    run = dt.datetime(2013, 3, 15, 10, tzinfo=VIETNAM)
    files = report_flow("brvt-2012-bao-cao-cchc", run, gui=False, chot_so_lieu=True)
    assert files.document.name.endswith("-14-03-2013.docx")
    text = "\n".join(p.text for p in Document(str(files.document)).paragraphs)
    assert "từ ngày 15/02/2013 đến ngày 14/03/2013" in text
    assert completed(files.workbook) == 0
    # The same moment without the cut-off: the figures of now, the step done on 15/03.
    assert completed(report_flow("brvt-2012-bao-cao-cchc", run, gui=False).workbook) == 1


def completed(workbook: Path) -> int:
    steps = load_workbook(workbook)["Các bước"]
    return sum(1 for row in steps.iter_rows(min_row=2, values_only=True) if row[8] is not None)


def test_the_short_summary_carries_a_signed_link_not_a_server_path(
    seeded: AppContext, tmp_path: Path
) -> None:
    seeded.settings.public_url = "https://kehoach.ninhthuan.gov.vn"
    files = report_flow(PLAN_ID, at(5, hour=16))
    short = folder_summaries(seeded)
    assert "https://kehoach.ninhthuan.gov.vn/bao-cao/" in short
    assert str(seeded.settings.home) not in short
    link = latest_artifact(f"{PLAN_ID}-bao-cao")
    assert "https://kehoach.ninhthuan.gov.vn/bao-cao/" in link.data
    assert files.document.as_uri() not in link.data


def test_without_a_public_address_the_summary_says_there_is_no_link_yet(
    seeded: AppContext,
) -> None:
    report_flow(PLAN_ID, at(5, hour=16))
    short = folder_summaries(seeded)
    assert "chưa được cấu hình địa chỉ truy cập công khai" in short
    assert str(seeded.settings.home) not in short


def folder_summaries(context: AppContext) -> str:
    """Every short summary the mail folder received (no channels: everyone's goes there)."""
    mails = sorted(context.settings.outbox_dir.glob("*.eml"))
    assert mails
    return "\n".join(m.read_text(encoding="utf-8") for m in mails)
