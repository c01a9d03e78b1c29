"""What `kehoach demo`, `replay` and `serve` print once the work is done, in Vietnamese."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.markup import escape

from flows.modes import MODE_LABELS
from flows.replay import Replay, Replayer
from flows.sandbox import MARKER
from flows.schedule import fire_time
from flows.timeline import agency_names, day_lines
from kehoach.cli.reminders import STATE_LABELS
from kehoach.present.answers import step_words
from kehoach.present.tables import console, ddmmyyyy, health_summary
from kehoach.services.context import AppContext
from kehoach.services.status import StepStatus, by_urgency, statuses
from models.health import HEALTH_LABELS
from models.timeutil import vietnam_moment
from notifications import outbox

# The delivery states in the words `kehoach reminders` uses (issue 8 added several).
STATE_WORDS = {k: v for k, v in STATE_LABELS.items() if k is not None}


def print_report(
    context: AppContext, replayer: Replayer, result: Replay, home: Path, seconds: float
) -> None:
    out = console()
    plan = replayer.plan
    names = {a.code: a.label for a in plan.agencies}
    out.rule("Dòng thời gian: việc đã làm và nhắc việc đã gửi")
    for day in result.days:
        if day.eventful:
            for line in day_lines(day, names, plan.plan.coordinator, replayer.scenario.sweep_at):
                out.print(line)
    out.rule("Tổng hợp cuối kỳ")
    for line in summary_lines(context, replayer, result, seconds):
        out.print(line)
    hint = list(dashboard_lines(home, result))
    if hint:
        out.rule("Bảng điều khiển")
    for line in hint:
        out.print(line)
    out.rule("Trang báo cáo của các cơ quan")
    for line in web_lines(context, home):
        out.print(line)


def web_lines(context: AppContext, home: Path) -> Iterator[str]:
    """How to open an agency's page from one of the demo's notices."""
    public = context.settings.public_url or ""
    notices = sorted(context.settings.outbox_dir.glob("*.eml"))
    prefix = f"KEHOACH_HOME={home} " if os.environ.get("KEHOACH_HOME") else ""
    port = public.rsplit(":", 1)[-1] if public.count(":") == 2 else "8080"
    yield "Mỗi thư nhắc việc trong hộp thư demo có liên kết riêng tới trang của cơ quan nhận:"
    yield f"  [bold]{prefix}KEHOACH_PUBLIC_URL={public} {_command()} web --port {port}[/]"
    example = f" (ví dụ {escape(notices[-1].name)})" if notices else ""
    yield (
        f"  rồi mở liên kết ở cuối một thư trong {escape(str(context.settings.outbox_dir))}"
        f"{example} bằng trình duyệt: cơ quan xem nhiệm vụ, báo cáo tiến độ, vướng mắc, "
        "đề xuất gia hạn; lệnh `status` hiện ngay báo cáo đó."
    )


def summary_lines(
    context: AppContext, replayer: Replayer, result: Replay, seconds: float
) -> Iterator[str]:
    end = replayer.scenario.end
    moment = vietnam_moment(end, dt.time(17, 0))
    with context.database.transaction() as session:
        items = statuses(session, moment, replayer.plan.plan.id)
        by_state = outbox.count_by_state(session)
    yield f"Tình hình lúc 17:00 {ddmmyyyy(end)}: {escape(health_summary(items))}."
    names = {a.code: a.label for a in replayer.plan.agencies}
    yield from red_lines([i for i in items if i.assessment.red], names)
    counts = ", ".join(f"{STATE_WORDS.get(k, k)} {v}" for k, v in sorted(by_state.items()))
    folder = context.settings.outbox_dir
    yield f"Thư nhắc việc: {counts or 'không có'}; mỗi thư là một tệp trong {folder}"
    yield from prefect_lines(replayer, result)
    yield f"Thời gian chạy: {seconds:.0f} giây."


def red_lines(items: list[StepStatus], names: dict[str, str]) -> Iterator[str]:
    """Steps still overdue or blocked, one line per step of the plan (fan-outs grouped)."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in by_urgency(items):
        groups[(step_words(item), HEALTH_LABELS[item.assessment.health])].append(item.lead)
    for (step, health), leads in groups.items():
        who = agency_names(leads, names)
        count = f" ({len(leads)} cơ quan)" if len(leads) > 1 else ""
        yield f"  [red]●[/] {escape(step[0].upper() + step[1:])} — {health}: {escape(who)}{count}"


def prefect_lines(replayer: Replayer, result: Replay) -> Iterator[str]:
    yield f"Chế độ: {MODE_LABELS[replayer.mode]}."
    if not result.prefect_days:
        return
    days = ", ".join(f"{d:%d/%m}" for d in result.prefect_days)
    yield (
        f"Prefect: {result.flow_runs} lượt chạy flow, {result.task_runs} task run; "
        f"{len(result.prefect_days)}/{len(result.days)} ngày chạy qua Prefect ({days})."
    )
    if len(result.prefect_days) < result.sweeps:
        yield (
            "  Các ngày khác chạy cùng dịch vụ nhắc việc trực tiếp (cùng quy tắc, cùng hộp thư "
            "đi), không qua Prefect, để bản demo xong trong một phút; "
            "`--prefect moi-ngay` cho mọi ngày qua Prefect."
        )


def _command() -> str:
    # After `python3 tasks.py demo` the venv's `kehoach` is not on PATH: name it by its path.
    if shutil.which("kehoach"):
        return "kehoach"
    return "python3 tasks.py kehoach" if Path("tasks.py").is_file() else sys.argv[0]


def dashboard_lines(home: Path, result: Replay) -> Iterator[str]:
    """The closing hint: `dashboard` to see the runs (when some went through Prefect),
    `serve` for the coordinator's forms and the daily schedule."""
    prefix = _environment_prefix(home)
    if result.prefect_days:
        yield "Xem các lượt chạy trên bảng điều khiển Prefect:"
        yield f"  [bold]{prefix}{_command()} dashboard[/]"
        yield (
            "  rồi mở http://127.0.0.1:4200 — Runs: các lượt quét và từng nhiệm vụ (lọc được "
            "theo trạng thái); Artifacts: bảng tình hình từng nhiệm vụ và tổng hợp kế hoạch."
        )
    yield "Dùng các biểu mẫu điều phối và lịch quét hằng ngày:"
    yield f"  [bold]{prefix}{_command()} serve[/]"
    yield (
        "  (chạy thay lệnh trên, cũng mở bảng điều khiển tại http://127.0.0.1:4200) — "
        "Deployments: các biểu mẫu Báo cáo tiến độ, Chốt ngày sự kiện, Gia hạn bước… với danh "
        "sách chọn bước, cơ quan theo Kế hoạch (Run → Custom run), và lịch quét 08:00 mọi "
        "ngày làm việc."
    )


def _environment_prefix(home: Path) -> str:
    """What the next command needs to find this run's data: its KEHOACH_HOME and, after
    the demo (whose runs are on kehoach's own server), no shared Prefect server."""
    prefix = f"KEHOACH_HOME={home} " if os.environ.get("KEHOACH_HOME") else ""
    own_server = (home / MARKER).exists() and os.environ.get("PREFECT_API_URL")
    return prefix + ("PREFECT_API_URL= " if own_server else "")


def deployment_lines(deployments: list[Any]) -> Iterator[str]:
    yield f"Đã đăng ký {len(deployments)} deployment:"
    for deployment in deployments:
        yield f"  • {_deployment_name(deployment)}{_schedule_text(deployment)}"


def _deployment_name(deployment: Any) -> str:
    """A form's deployment is named as its flow (the form): say it once."""
    if deployment.name == deployment.flow_name:
        return f"Biểu mẫu {deployment.name}"
    return f"{deployment.flow_name}/{deployment.name}"


def _schedule_text(deployment: Any) -> str:
    schedules = getattr(deployment, "schedules", None) or []
    texts = [_one_schedule(s.schedule) for s in schedules]
    return f" — lịch {', '.join(texts)}" if texts else " — chạy theo yêu cầu"


def _one_schedule(schedule: Any) -> str:
    if getattr(schedule, "rrule", None):
        return f"{fire_time(schedule.rrule):%H:%M} mọi ngày làm việc, giờ Việt Nam"
    return f"{schedule.cron} ({schedule.timezone})"
