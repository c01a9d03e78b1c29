"""The weekly progress report on schedule: both files, shown in the dashboard, sent out.

Each Friday (16:00, Vietnam time, by default) the report flow writes the Word report and its
workbook for the week that ends that day (`kehoach bao-cao --ky tuan`), publishes a link
artifact to each and a markdown summary, and sends them to the coordinator and the plan's
leadership: e-mail services get the files as attachments, the others (Zalo, the mail folder)
a short summary naming where the files are. On the first working morning after each cut-off
the plan sets (models.cutoffs), it reports on that data period as it stood at its end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from apprise import Apprise, AppriseAttachment
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.schedules import Cron, RRule

from flows.naming import artifact_key
from flows.schedule import TIME_ZONE
from kehoach.clock import now_utc
from kehoach.reports import record, texts
from kehoach.reports.files import ReportFiles, report_files, reports_folder
from kehoach.reports.record import ReportData
from kehoach.services.context import AppContext
from kehoach.services.links import Links
from models.calendar import WorkingCalendar
from models.cutoffs import upcoming_cutoffs
from models.figures import PeriodKind, percent_text, total
from models.plan import Plan
from models.timeutil import ddmmyyyy
from notifications.sender import Channels

WEEKLY = "0 16 * * 5"  # Fridays at 16:00: the week's figures before the office closes
# The morning after a cut-off: the period's figures are complete, the office is open.
CUTOFF_TIME = dt.time(8, 0)


@task(cache_policy=NO_CACHE)
def build_report(
    plan_id: str | None, as_of: dt.datetime, kind: PeriodKind, at_cutoff: bool = False
) -> ReportData:
    """The report as of `as_of`; on a cut-off run, the one for the cut-off just past (or,
    when the plan has none before `as_of`, the ordinary one)."""
    with AppContext.current().database.transaction() as session:
        at_cut = record.cutoff_report(session, plan_id, as_of) if at_cutoff else None
        return at_cut or record.plan_report(session, plan_id, as_of, kind)


@task(cache_policy=NO_CACHE)
def write_files(data: ReportData) -> ReportFiles:
    return report_files(data, reports_folder(AppContext.current().settings))


def summary_markdown(data: ReportData, files: ReportFiles) -> str:
    overall = total(data.figures())
    rows = [
        f"| {data.agency_name(f.agency)} | {f.assigned} | {f.done_on_time} | {f.done_late} "
        f"| {f.open_in_time} | {f.open_overdue} | {percent_text(f.on_time_rate)} |"
        for f in data.figures()
    ]
    return "\n".join(
        [
            f"# Báo cáo tiến độ — số liệu đến ngày {ddmmyyyy(data.period.cutoff)}",
            "",
            texts.period_line(data.period),
            "",
            texts.overall(overall),
            "",
            "| Cơ quan | Được giao | Đúng hạn | Quá hạn (đã xong) | Trong hạn "
            "| Quá hạn (chưa xong) | Tỷ lệ đúng hạn |",
            "|---|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            files_line(files, report_links(files)),
        ]
    )


class ReportLinks(NamedTuple):
    document: str
    workbook: str


def report_links(files: ReportFiles) -> ReportLinks | None:
    """The signed addresses of both files on the web service (kehoach.web), or None when
    KEHOACH_PUBLIC_URL is not set: a server path means nothing to a phone."""
    links = Links.of(AppContext.current().settings)
    if links is None:
        return None
    now = now_utc()
    return ReportLinks(links.report(files.document, now), links.report(files.workbook, now))


def files_line(files: ReportFiles, links: ReportLinks | None) -> str:
    if links is None:
        return (
            f"Báo cáo ({files.document.name}) và bảng số liệu ({files.workbook.name}) đã được "
            "lập; chưa có đường liên kết tải về vì hệ thống chưa được cấu hình địa chỉ truy "
            "cập công khai. Xin liên hệ cơ quan điều phối để nhận tệp."
        )
    return f"Tải báo cáo: {links.document}\nTải bảng số liệu: {links.workbook}"


@task(cache_policy=NO_CACHE)
def publish(data: ReportData, files: ReportFiles) -> None:
    plan_id = data.plan.plan.id
    links = report_links(files)
    addresses = list(links) if links else [p.as_uri() for p in files]
    for path, link, what in zip(files, addresses, ("bao-cao", "so-lieu"), strict=True):
        create_link_artifact(
            key=artifact_key(plan_id, what),
            link=link,
            link_text=path.name,
            description=f"{texts.summary_line(data.plan)} ({ddmmyyyy(data.period.cutoff)})",
        )
    create_markdown_artifact(
        key=artifact_key(plan_id, "bao-cao-tom-tat"),
        markdown=summary_markdown(data, files),
        description=f"Báo cáo tiến độ, số liệu đến ngày {ddmmyyyy(data.period.cutoff)}",
    )


def report_recipients(plan: Plan) -> list[str]:
    return list(dict.fromkeys([plan.plan.coordinator, *plan.reminders.leadership]))


def send_report(
    channels: Channels,
    recipients: Sequence[str],
    title: str,
    body: str,
    short: str,
    attachments: Sequence[Path],
) -> dict[str, bool]:
    """Each recipient's services: with the files where the service takes attachments
    (e-mail), the short summary elsewhere. Returns, per recipient, whether all went out."""
    sent: dict[str, bool] = {}
    for recipient in recipients:
        results = []
        for service in channels.services_for(recipient):
            apprise = Apprise(asset=channels.asset)
            apprise.add(service)
            if getattr(service, "attachment_support", False):
                attach = AppriseAttachment([str(p) for p in attachments])
                results.append(bool(apprise.notify(body=body, title=title, attach=attach)))
            else:
                results.append(bool(apprise.notify(body=short, title=title)))
        sent[recipient] = all(results)
    return sent


@task(cache_policy=NO_CACHE)
def send(data: ReportData, files: ReportFiles) -> dict[str, bool]:
    context = AppContext.current()
    title = f"Báo cáo {_lower_first(texts.summary_line(data.plan))}"
    short = f"{texts.short_summary(data)}\n{files_line(files, report_links(files))}"
    body = f"{texts.short_summary(data)}\n\nKính gửi kèm báo cáo (Word) và bảng số liệu (Excel)."
    recipients = report_recipients(data.plan)
    settings = context.settings
    channels = Channels.load(settings.apprise_config, settings.outbox_dir, context.database.engine)
    return send_report(channels, recipients, title, body, short, list(files))


def _lower_first(words: str) -> str:
    return words[:1].lower() + words[1:]


@flow(name="Báo cáo tiến độ định kỳ", persist_result=False)
def report_flow(
    plan_id: str | None = None,
    as_of: dt.datetime | None = None,
    ky: str = PeriodKind.WEEK.value,
    gui: bool = True,
    chot_so_lieu: bool = False,
) -> ReportFiles:
    """Lập báo cáo tiến độ (Word) và bảng số liệu (Excel), công bố và gửi cơ quan điều phối,
    lãnh đạo.

    Args:
        plan_id: Mã kế hoạch.
        as_of: Thời điểm chốt số liệu (mặc định: lúc chạy).
        ky: Kỳ báo cáo: tuan, thang, quy, 6-thang, nam (Nghị định 09/2019/NĐ-CP).
        gui: Gửi báo cáo cho cơ quan điều phối và lãnh đạo.
        chot_so_lieu: Báo cáo theo kỳ chốt số liệu vừa kết thúc của kế hoạch (số liệu đến
            hết ngày cuối kỳ).
    """
    data = build_report(plan_id, as_of or now_utc(), PeriodKind(ky), chot_so_lieu)
    files = write_files(data)
    publish(data, files)
    if gui:
        sent = send(data, files)
        get_run_logger().info("Đã gửi báo cáo: %s", sent)
    return files


def report_deployments(
    plan: Plan,
    calendar: WorkingCalendar,
    work_pool_placement: dict[str, Any],
    now: dt.datetime | None = None,
) -> list[Any]:
    """The plan's report deployment (see flows/deployments.py): weekly, and on the day after
    each cut-off the plan sets (models.cutoffs) still to come."""
    weekly = Cron(WEEKLY, timezone=TIME_ZONE)
    cutoffs = cutoff_schedule(plan, calendar, now or now_utc())
    return [
        report_flow.to_deployment(
            name=plan.plan.id,
            **work_pool_placement,
            schedules=[weekly, *([cutoffs] if cutoffs else [])],
            parameters={"plan_id": plan.plan.id},
            tags=[plan.plan.id, "báo cáo"],
            description=(
                f"Báo cáo tiến độ kế hoạch {plan.plan.id} chiều thứ Sáu hằng tuần (16:00 giờ "
                "Việt Nam) và sau mỗi kỳ chốt số liệu của kế hoạch: tệp Word, bảng Excel, "
                "gửi cơ quan điều phối và lãnh đạo."
            ),
        )
    ]


def cutoff_schedule(plan: Plan, calendar: WorkingCalendar, now: dt.datetime) -> Any:
    """The report days after the cut-offs to come, at CUTOFF_TIME (Vietnam time), as an
    RDATE list; None when the plan sets none (no recurring step, or all past)."""
    days = sorted({cut.report_day(calendar) for cut in upcoming_cutoffs(plan, now)})
    if not days:
        return None
    stamps = [dt.datetime.combine(d, CUTOFF_TIME).strftime("%Y%m%dT%H%M%S") for d in days]
    rule = f"DTSTART:{stamps[0]}\nRDATE:{','.join(stamps)}"
    parameters = {"plan_id": plan.plan.id, "chot_so_lieu": True}
    return RRule(rule, timezone=TIME_ZONE, parameters=parameters)
