"""`kehoach sweep`, `kehoach reminders` and `kehoach channels check`: thin shells over the service.

Registered on the main app by `register(app)`; every line printed is Vietnamese and
every channel URL is printed masked.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import select

from kehoach.clock import now_utc as _now
from kehoach.present.dates import parse_moment
from kehoach.present.tables import console
from kehoach.services.context import AppContext
from kehoach.services.lookup import plan_of
from kehoach.services.sweep import SweepResult, load_channels, sweep
from kehoach.services.sweep_days import no_sweep_today
from kehoach.store.outbox_tables import MessageRow, ReminderItemRow
from kehoach.store.tables import PlanRow
from models.reminders import Rule
from models.timeutil import ddmmyyyy
from models.timeutil import local_stamp as _local
from notifications.sender import Channels, masked, short_url, tags_of

RULE_LABELS = {
    Rule.BLOCKED: "vướng mắc",
    Rule.OVERDUE: "quá hạn",
    Rule.STALLED: "không cập nhật",
    Rule.EVENT_UNCONFIRMED: "chưa chốt ngày tổ chức",
    Rule.BEFORE_DEADLINE: "sắp đến hạn",
    Rule.DEADLINE_MOVED: "đổi hạn",
    Rule.DELIVERED: "sản phẩm cần tiếp nhận",
}
STATE_LABELS = {
    "pending": "chờ gửi",
    "claimed": "đang gửi",
    "sent": "đã gửi",
    "deferred": "chờ gửi lại",
    "failed": "thất bại",
    "held": "chờ hết giờ nghỉ",
    None: "chưa soạn thư",
}

PlanOption = Annotated[str | None, typer.Option("--plan", help="Chỉ rà soát kế hoạch này.")]
JsonOption = Annotated[bool, typer.Option("--json", help="In JSON cho chương trình khác đọc.")]


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep_command)
    app.command("reminders")(reminders_command)
    channels = typer.Typer(help="Kênh gửi nhắc việc (cấu hình Apprise).", no_args_is_help=True)
    channels.command("check")(channels_check)
    app.add_typer(channels, name="channels")


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _quiet_library_logs() -> None:
    # Apprise logs failures in English to stderr; they are recorded, masked, and shown
    # in Vietnamese by these commands instead.
    logging.getLogger("apprise").addHandler(logging.NullHandler())
    logging.getLogger("notifications").addHandler(logging.NullHandler())


# --- sweep -----------------------------------------------------------------------------


def sweep_command(
    plan: PlanOption = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Rà soát như tại thời điểm này (giờ Việt Nam)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Chỉ cho xem sẽ nhắc gì; không ghi, không gửi.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Rà soát: chọn nhắc việc đến hạn, soạn thư tổng hợp và gửi qua các kênh."""
    _quiet_library_logs()
    moment = parse_moment(as_of, "--as-of") if as_of else _now()
    if notice := no_sweep_today(AppContext.current(), moment, plan):
        if as_json:
            _print_json({"as_of": moment.isoformat(), "day_off": notice})
        else:
            typer.echo(notice)
        return
    result = sweep(AppContext.current(), moment, plan, dry_run)
    if as_json:
        _print_json(result.as_json())
    elif dry_run:
        _print_dry_run(result)
    else:
        _print_sweep(result)


def _print_sweep(result: SweepResult) -> None:
    recipients = {item.recipient for item in result.selected}
    typer.echo(f"Rà soát nhắc việc lúc {_local(result.as_of)} (giờ Việt Nam):")
    if result.selected:
        typer.echo(
            f"  Chọn được {len(result.selected)} nhắc việc mới cho {len(recipients)} cơ quan; "
            f"soạn {len(result.composed)} thư."
        )
    else:
        typer.echo("  Không có nhắc việc mới (những việc đã nhắc không nhắc lại).")
    _print_deliveries(result)
    _print_waiting(result)


def _print_deliveries(result: SweepResult) -> None:
    for delivery in result.delivery.delivered:
        state = STATE_LABELS[delivery.state.value]
        typer.echo(f"  {delivery.recipient}: {state} — {delivery.subject}")
        for outcome in delivery.results:
            mark = "đã nhận" if outcome.ok else f"lỗi: {outcome.error}"
            typer.echo(f"      {short_url(outcome.url)}: {mark}")
        if delivery.next_attempt_at and delivery.state.value == "deferred":
            typer.echo(f"      sẽ gửi lại từ {_local(delivery.next_attempt_at)}")
    counts = Counter(d.state.value for d in result.delivery.delivered)
    if result.delivery.delivered:
        summary = ", ".join(f"{STATE_LABELS[s]}: {n}" for s, n in sorted(counts.items()))
        typer.echo(f"  Kết quả gửi: {summary}.")


def _print_waiting(result: SweepResult) -> None:
    sent = {d.message_id for d in result.delivery.delivered}
    waiting = [c for c in result.composed if c.message_id not in sent]
    held = {h.message_id: h.until for h in result.delivery.held}
    for composed in waiting:
        until = held.get(composed.message_id, composed.next_attempt_at)
        typer.echo(
            f"  {composed.recipient}: chưa gửi vì ngoài giờ làm việc hoặc ngày nghỉ; "
            f"sẽ gửi từ {_local(until)}."
        )
    if result.delivery.taken_elsewhere:
        typer.echo(f"  {result.delivery.taken_elsewhere} thư do một lượt rà soát khác đang gửi.")


def _print_dry_run(result: SweepResult) -> None:
    typer.echo(f"Chạy thử lúc {_local(result.as_of)}: không ghi, không gửi gì.")
    if not result.previews:
        typer.echo("  Không có nhắc việc mới.")
    for preview in result.previews:
        typer.echo(f"  {preview.digest.recipient}: {preview.digest.subject}")
        typer.echo(f"      kênh: {', '.join(short_url(c) for c in preview.channels)}")
        for item in preview.items:
            typer.echo(f"      - {item.step_key}: {RULE_LABELS[item.rule]} (cấp {item.rung})")


# --- reminders -------------------------------------------------------------------------


def reminders_command(
    failed: Annotated[
        bool, typer.Option("--failed", help="Chỉ những nhắc việc gửi thất bại.")
    ] = False,
    plan: PlanOption = None,
    as_json: JsonOption = False,
) -> None:
    """Mọi nhắc việc đã chọn và tình trạng gửi của từng cái."""
    with AppContext.current().database.transaction() as session:
        query = (
            select(ReminderItemRow, MessageRow)
            .outerjoin(MessageRow, ReminderItemRow.message_id == MessageRow.id)
            .order_by(ReminderItemRow.id)
        )
        if plan is not None:
            query = query.where(ReminderItemRow.plan_id == plan)
        if failed:
            query = query.where(MessageRow.state == "failed")
        rows = [_reminder_json(item, message) for item, message in session.execute(query).all()]
    if as_json:
        _print_json({"reminders": rows})
    else:
        _print_reminders(rows, failed)


def _reminder_json(item: ReminderItemRow, message: MessageRow | None) -> dict[str, Any]:
    return {
        "recipient": item.recipient,
        "plan": item.plan_id,
        "step": item.step_key,
        "rule": item.rule,
        "occurrence": item.occurrence,
        "rung": item.rung,
        "day": item.local_day.isoformat(),
        "message_id": message.id if message else None,
        "state": message.state if message else None,
        "attempts": message.attempts if message else 0,
        "sent_at": message.sent_at.isoformat() if message and message.sent_at else None,
        "error": message.last_error if message else None,
    }


def _print_reminders(rows: list[dict[str, Any]], failed: bool) -> None:
    if not rows:
        typer.echo("Không có nhắc việc nào gửi thất bại." if failed else "Chưa có nhắc việc nào.")
        return
    table = Table(title="Nhắc việc gửi thất bại" if failed else "Các nhắc việc và tình trạng gửi")
    for header in ("Cơ quan", "Bước", "Loại", "Cấp", "Ngày", "Tình trạng", "Lỗi"):
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(
            row["recipient"],
            row["step"],
            RULE_LABELS[Rule(row["rule"])],
            str(row["rung"]),
            ddmmyyyy(dt.date.fromisoformat(row["day"])),
            STATE_LABELS.get(row["state"], row["state"]),
            row["error"] or "",
        )
    console().print(table)


# --- channels check --------------------------------------------------------------------


def channels_check(as_json: JsonOption = False) -> None:
    """Đọc cấu hình kênh gửi; cho biết (đã che mật khẩu) cơ quan nào chưa có kênh."""
    _quiet_library_logs()
    context = AppContext.current()
    channels = load_channels(context)
    with context.database.transaction() as session:
        agencies = _agencies(session)
    report = _coverage(channels, agencies)
    if as_json:
        _print_json(report)
    else:
        _print_coverage(report, context)


def _agencies(session: Any) -> dict[str, str]:
    names: dict[str, str] = {}
    for row in session.scalars(select(PlanRow).order_by(PlanRow.id)):
        plan, _ = plan_of(session, row)
        names.update({a.code: a.name for a in plan.agencies})
    return names


def _coverage(channels: Channels, agencies: dict[str, str]) -> dict[str, Any]:
    known = {code.lower() for code in agencies} | {"always"}
    return {
        "config": str(channels.source) if channels.source else None,
        "fallback": masked(channels.fallback),
        "services": len(channels.services),
        "agencies": [
            {
                "code": code,
                "name": name,
                "channels": [masked(s) for s in channels.services_for(code)],
                "own_channel": channels.has_channel(code),
            }
            for code, name in sorted(agencies.items())
        ],
        "unknown_tags": sorted(t for t in tags_of(channels.services) if t not in known),
    }


def _print_coverage(report: dict[str, Any], context: AppContext) -> None:
    outbox = context.settings.outbox_dir
    if report["config"] is None:
        typer.echo(
            f"Chưa đặt KEHOACH_APPRISE_CONFIG: mọi thư nhắc việc được ghi vào hộp thư cục bộ "
            f"{outbox}."
        )
    else:
        typer.echo(f"Tệp cấu hình kênh gửi {report['config']}: {report['services']} kênh hợp lệ.")
    covered = [a for a in report["agencies"] if a["own_channel"]]
    missing = [a for a in report["agencies"] if not a["own_channel"]]
    for agency in covered:
        urls = ", ".join(short_url(url) for url in agency["channels"])
        typer.echo(f"  {agency['code']} — {agency['name']}: {urls}")
    if missing:
        typer.echo(f"Các cơ quan chưa có kênh riêng (thư được ghi vào hộp thư cục bộ {outbox}):")
        for agency in missing:
            typer.echo(f"  {agency['code']} — {agency['name']}")
    if not report["agencies"]:
        typer.echo("Chưa nạp kế hoạch nào nên chưa biết cần những cơ quan nào (`kehoach load`).")
    if report["unknown_tags"]:
        tags = ", ".join(report["unknown_tags"])
        typer.echo(f"Tag không khớp mã cơ quan nào trong các kế hoạch đã nạp (gõ sai?): {tags}")
