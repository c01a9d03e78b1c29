"""The scheduled report flow: both files, dashboard artifacts, sent with the files attached."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from flows.deployments import all_deployments
from flows.reports import WEEKLY, report_flow
from kehoach.services import lookup
from kehoach.services.context import AppContext
from kehoach.services.tracking import record_progress
from models.health import Progress
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
