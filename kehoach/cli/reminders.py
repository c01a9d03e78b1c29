"""`kehoach sweep`, `kehoach reminders` and `kehoach channels check`: thin shells over the service.

Registered on the main app by `register(app)`; every line printed is Vietnamese and
every channel URL is printed masked.

Exit codes of `kehoach sweep`: 0 everything due went out (or waits for office hours);
2 bad input (a bad `--as-of`, a bad channel file), nothing written; 3 at least one
message did not get through (gửi lỗi, chờ gửi lại, chờ cấp lại quyền): a scheduler or a
monitoring script sees the failure without reading the output.
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
from kehoach.errors import UserError
from kehoach.present.dates import parse_moment
from kehoach.present.tables import console
from kehoach.services.context import AppContext
from kehoach.services.lookup import plan_of
from kehoach.services.sweep import (
    SweepResult,
    delivery_failed,
    load_channels,
    release_claims,
    resend,
    sweep,
)
from kehoach.services.sweep_days import no_sweep_today
from kehoach.store.outbox_tables import MessageRow, ReminderItemRow
from kehoach.store.tables import PlanRow
from models.reminders import Rule
from models.timeutil import ddmmyyyy
from models.timeutil import local_stamp as _local
from notifications.directory_routes import KIND_LABELS
from notifications.sender import Channels, masked, short_url, tags_of

RULE_LABELS = {
    Rule.BLOCKED: "vướng mắc",
    Rule.OVERDUE: "quá hạn",
    Rule.STALLED: "không cập nhật",
    Rule.EVENT_UNCONFIRMED: "chưa chốt ngày tổ chức",
    Rule.BEFORE_DEADLINE: "sắp đến hạn",
    Rule.DEADLINE_MOVED: "đổi hạn",
    Rule.RECEIPT_UNCONFIRMED: "chưa xác nhận đã nhận",
    Rule.RECEIPT_REQUESTED: "cần xác nhận đã nhận",
    Rule.DELIVERED: "sản phẩm cần tiếp nhận",
    Rule.ANSWERED: "ý kiến của cơ quan đầu mối",
    Rule.SELF_REPORTED: "cơ quan báo cáo qua liên kết",
}
STATE_LABELS = {
    "pending": "chờ gửi",
    "claimed": "đang gửi",
    "sent": "đã gửi",
    "deferred": "chờ gửi lại",
    "failed": "gửi lỗi",
    "no_channel": "không có kênh",
    "superseded": "đã thay thế bằng bản mới",
    "needs_auth": "chờ cấp lại quyền",
    "held": "chờ hết giờ nghỉ",
    None: "chưa soạn thư",
}
# What `kehoach reminders --failed` lists: every message that has not got through.
NOT_THROUGH = ("failed", "deferred", "needs_auth", "no_channel")
EXIT_DELIVERY_FAILED = 3

PlanOption = Annotated[str | None, typer.Option("--plan", help="Chỉ rà soát kế hoạch này.")]
JsonOption = Annotated[bool, typer.Option("--json", help="In JSON cho chương trình khác đọc.")]


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep_command)
    reminders = typer.Typer(
        help="Các nhắc việc và tình trạng gửi; gửi lại thư lỗi, giải phóng thư bị giữ.",
        invoke_without_command=True,
    )
    reminders.callback()(reminders_command)
    reminders.command("gui-lai")(resend_command)
    reminders.command("giai-phong")(release_command)
    app.add_typer(reminders, name="reminders")
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
    """Rà soát: chọn nhắc việc đến hạn, soạn thư tổng hợp và gửi qua các kênh.

    Mã thoát 3 khi có thư chưa gửi được (gửi lỗi, chờ gửi lại, chờ cấp lại quyền).
    """
    _quiet_library_logs()
    moment = parse_moment(as_of, "--as-of") if as_of else _now()
    if notice := no_sweep_today(AppContext.current(), moment, plan):
        if as_json:
            _print_json({"as_of": moment.isoformat(), "day_off": notice})
        else:
            typer.echo(notice)
        return
    result = sweep(AppContext.current(), moment, plan, dry_run, clock=_now)
    failed = not dry_run and delivery_failed(result.delivery)
    if as_json:
        _print_json({**result.as_json(), "delivery_failed": failed})
    elif dry_run:
        _print_dry_run(result)
    else:
        _print_sweep(result)
    if failed:
        raise typer.Exit(EXIT_DELIVERY_FAILED)


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
    stuck = sum(n for s, n in counts.items() if s in NOT_THROUGH)
    if stuck:
        typer.echo(
            f"  {stuck} thư chưa gửi được: xem danh sách nhắc việc chưa gửi được, sửa kênh gửi "
            "rồi cho gửi lại."
        )


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
    typer.echo(
        f"Chạy thử lúc {_local(result.as_of)}: không ghi, không gửi gì. Một lượt rà soát thật "
        f"lúc này sẽ gửi {len(result.previews)} thư (kể cả thư đang chờ gửi từ trước):"
    )
    if not result.previews:
        typer.echo("  Không có thư nào đến lượt gửi.")
    for preview in result.previews:
        typer.echo(f"  {preview.digest.recipient}: {preview.digest.subject}")
        typer.echo(f"      kênh: {', '.join(short_url(c) for c in preview.channels)}")
        for item in preview.items:
            typer.echo(f"      - {item.step_key}: {RULE_LABELS[item.rule]} (cấp {item.rung})")


# --- reminders -------------------------------------------------------------------------


def reminders_command(
    ctx: typer.Context,
    failed: Annotated[
        bool,
        typer.Option(
            "--failed",
            help="Chỉ những nhắc việc chưa gửi được (gửi lỗi, chờ gửi lại, chờ cấp lại quyền, "
            "không có kênh).",
        ),
    ] = False,
    plan: PlanOption = None,
    as_json: JsonOption = False,
) -> None:
    """Mọi nhắc việc đã chọn và tình trạng gửi của từng cái."""
    if ctx.invoked_subcommand is not None:
        return
    with AppContext.current().database.transaction() as session:
        query = (
            select(ReminderItemRow, MessageRow)
            .outerjoin(MessageRow, ReminderItemRow.message_id == MessageRow.id)
            .order_by(ReminderItemRow.id)
        )
        if plan is not None:
            query = query.where(ReminderItemRow.plan_id == plan)
        if failed:
            query = query.where(MessageRow.state.in_(NOT_THROUGH))
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
        typer.echo("Không có nhắc việc nào chưa gửi được." if failed else "Chưa có nhắc việc nào.")
        return
    table = Table(title="Nhắc việc chưa gửi được" if failed else "Các nhắc việc và tình trạng gửi")
    for header in ("Thư số", "Cơ quan", "Bước", "Loại", "Cấp", "Ngày", "Tình trạng", "Lỗi"):
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(
            str(row["message_id"] or ""),
            row["recipient"],
            row["step"],
            RULE_LABELS[Rule(row["rule"])],
            str(row["rung"]),
            ddmmyyyy(dt.date.fromisoformat(row["day"])),
            STATE_LABELS.get(row["state"], row["state"]),
            row["error"] or "",
        )
    console().print(table)


MessageOption = Annotated[
    list[int] | None,
    typer.Option("--thu", help="Số thư (cột «Thư số»); bỏ trống là mọi thư thuộc diện này."),
]


def resend_command(message: MessageOption = None, as_json: JsonOption = False) -> None:
    """Gửi lại các thư gửi lỗi hoặc không có kênh (sau khi đã sửa kênh gửi).

    Thư được gửi ở lượt gửi kế tiếp; kênh nào đã nhận thư thì không gửi lại.
    """
    ids = resend(AppContext.current(), _now(), message or ())
    if as_json:
        _print_json({"resent": ids})
    elif ids:
        typer.echo(f"Đã đưa {len(ids)} thư vào hàng chờ gửi lại: {_numbers(ids)}.")
    else:
        typer.echo("Không có thư gửi lỗi hoặc không có kênh nào để gửi lại.")


def release_command(
    message: MessageOption = None,
    all_claims: Annotated[
        bool, typer.Option("--tat-ca", help="Giải phóng mọi thư đang bị giữ.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Giải phóng thư đang bị một lượt gửi đã dừng giữ chỗ, để lượt gửi kế tiếp gửi ngay.

    Chỉ dùng khi chắc lượt gửi đó đã dừng hẳn; nếu nó còn chạy, thư có thể đến hai lần.
    """
    if not message and not all_claims:
        raise UserError("Cần chỉ rõ số thư (--thu) hoặc chọn giải phóng mọi thư (--tat-ca).")
    ids = release_claims(AppContext.current(), _now(), message or ())
    if as_json:
        _print_json({"released": ids})
    elif ids:
        typer.echo(f"Đã giải phóng {len(ids)} thư: {_numbers(ids)}; sẽ gửi ở lượt gửi kế tiếp.")
    else:
        typer.echo("Không có thư nào đang bị giữ.")


def _numbers(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:20])
    return shown + (f" và {len(ids) - 20} thư khác" if len(ids) > 20 else "")


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
            _agency_channels(channels, code, name) for code, name in sorted(agencies.items())
        ],
        "directory_accounts": [short_url(masked(t)) for t in channels.templates],
        "unknown_tags": sorted(t for t in tags_of(channels.services) if t not in known),
        "zalo": [
            {"oa_id": oa_id, "state": state.state, "note": state.note}
            for oa_id, state in sorted(channels.zalo_accounts().items())
        ],
    }


def _agency_channels(channels: Channels, code: str, name: str) -> dict[str, Any]:
    """An agency's channels; one reached from the directory shows its accounts and masked
    addresses, not the per-agency URLs (they hold the whole address)."""
    routes = channels.directory_routes(code)
    shown = [masked(r.account) for r in routes] if routes else None
    return {
        "code": code,
        "name": name,
        "channels": shown or [masked(s) for s in channels.services_for(code)],
        "own_channel": channels.has_channel(code),
        "directory": [
            {"kind": r.kind, "address": r.shown_address, "via": short_url(masked(r.account))}
            for r in routes
        ],
    }


def _channel_line(agency: dict[str, Any]) -> str:
    if agency["directory"]:
        used = ", ".join(
            f"{KIND_LABELS[r['kind']]} {r['address']} (qua {r['via']})" for r in agency["directory"]
        )
        return f"theo danh bạ: {used}"
    return ", ".join(short_url(url) for url in agency["channels"])


ZALO_STATES = {
    "ok": "hoạt động bình thường",
    "in_doubt": "lần làm mới mã gần nhất chưa rõ kết quả",
    "needs_auth": "cần cấp lại quyền; tin gửi qua OA này đang chờ",
}


def _print_zalo(accounts: list[dict[str, Any]]) -> None:
    for account in accounts:
        state = ZALO_STATES.get(account["state"], account["state"])
        note = f" ({account['note']})" if account["note"] and account["state"] != "ok" else ""
        typer.echo(f"  Zalo OA {account['oa_id']}: {state}{note}")


def _print_coverage(report: dict[str, Any], context: AppContext) -> None:
    outbox = context.settings.outbox_dir
    if report["config"] is None:
        typer.echo(
            f"Chưa đặt KEHOACH_APPRISE_CONFIG: mọi thư nhắc việc được ghi vào hộp thư cục bộ "
            f"{outbox}."
        )
    else:
        typer.echo(f"Tệp cấu hình kênh gửi {report['config']}: {report['services']} kênh hợp lệ.")
    if report["directory_accounts"]:
        accounts = ", ".join(report["directory_accounts"])
        typer.echo(
            f"Gửi tới địa chỉ trong danh bạ cơ quan cho cơ quan chưa có mục riêng: {accounts}"
        )
    covered = [a for a in report["agencies"] if a["own_channel"]]
    missing = [a for a in report["agencies"] if not a["own_channel"]]
    for agency in covered:
        typer.echo(f"  {agency['code']} — {agency['name']}: {_channel_line(agency)}")
    if missing and report["config"] is not None:
        typer.echo(
            f"Các cơ quan chưa có kênh riêng (thư được lưu vào hộp thư cục bộ {outbox} và "
            "ghi là «không có kênh», không phải «đã gửi»):"
        )
        for agency in missing:
            typer.echo(f"  {agency['code']} — {agency['name']}")
    _print_zalo(report["zalo"])
    if not report["agencies"]:
        typer.echo("Chưa nạp kế hoạch nào nên chưa biết cần những cơ quan nào (`kehoach load`).")
    if report["unknown_tags"]:
        tags = ", ".join(report["unknown_tags"])
        typer.echo(f"Tag không khớp mã cơ quan nào trong các kế hoạch đã nạp (gõ sai?): {tags}")
