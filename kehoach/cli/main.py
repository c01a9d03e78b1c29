"""The `kehoach` command: a thin shell over the services; every message in Vietnamese."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kehoach.cli import schema_vi, usage
from kehoach.cli.agencies import agency_code
from kehoach.clock import now_utc
from kehoach.errors import UserError
from kehoach.present import answers
from kehoach.present.dates import parse_date, parse_moment
from kehoach.present.tables import (
    console,
    health_summary,
    load_summary,
    series_table,
    status_table,
)
from kehoach.services import lookup, sweep, tracking
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.services.status import statuses
from models.health import Progress
from models.plan import Plan
from models.series import SeriesLine, current_view, series_lines
from models.statuses import SETTABLE, parse_status, settable_words
from models.timeutil import local_day

app = typer.Typer(
    help="kehoach — theo dõi, nhắc việc và báo cáo tiến độ thực hiện Kế hoạch.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
event_app = typer.Typer(
    help="Ngày tổ chức các sự kiện của kế hoạch (hội nghị, lễ hội, ngày bầu cử…).",
    no_args_is_help=True,
)
app.add_typer(event_app, name="event")

PlanOption = Annotated[str | None, typer.Option("--plan", help="Mã kế hoạch.")]
JsonOption = Annotated[bool, typer.Option("--json", help="In JSON cho chương trình khác đọc.")]
ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Cơ quan báo cáo: mã hoặc tên (mặc định: cơ quan điều phối)."),
]
NoteOption = Annotated[str | None, typer.Option("--note", help="Ghi chú.")]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Vẫn ghi dù bất thường (được lưu trong nhật ký).")
]


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@contextmanager
def unit_of_work() -> Iterator[Session]:
    with AppContext.current().database.transaction() as session:
        yield session


@app.command()
def validate(file: Annotated[Path, typer.Argument(help="Tệp kế hoạch (YAML).")]) -> None:
    """Kiểm tra một tệp kế hoạch mà không ghi gì vào cơ sở dữ liệu."""
    loaded = AppContext.current().load_plan_file(file)
    steps = sum(1 for _ in loaded.plan.all_steps())
    typer.echo(f"Tệp {file} hợp lệ: kế hoạch {loaded.plan.plan.id}, {steps} bước.")
    print_warnings(loaded.warnings)


def print_warnings(warnings: tuple[str, ...]) -> None:
    """Warnings do not refuse the plan (exit code 0) but are printed where errors would be."""
    for line in warnings:
        typer.echo(f"Cảnh báo: {line}")


@app.command()
def load(file: Annotated[Path, typer.Argument(help="Tệp kế hoạch (YAML).")]) -> None:
    """Nạp (hoặc nạp lại) một tệp kế hoạch; tiến độ đã ghi được giữ nguyên."""
    loaded = AppContext.current().load_plan_file(file)
    with unit_of_work() as session:
        report = load_plan(session, loaded, now_utc())
    typer.echo(load_summary(report))
    print_warnings(loaded.warnings)


@app.command()
def status(
    plan: PlanOption = None,
    agency: Annotated[
        str | None,
        typer.Option(
            "--agency", help="Chỉ các bước cơ quan này (mã hoặc tên) chủ trì hoặc phối hợp."
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Xem tình hình tại thời điểm này (giờ Việt Nam).")
    ] = None,
    as_json: JsonOption = False,
    every_period: Annotated[
        bool, typer.Option("--moi-ky", help="Liệt kê mọi kỳ của báo cáo định kỳ.")
    ] = False,
) -> None:
    """Tình hình thực hiện từng bước: hạn, tiến độ, tình trạng."""
    moment = parse_moment(as_of, "--as-of") if as_of else now_utc()
    with unit_of_work() as session:
        plan_id = lookup.get_plan(session, plan).id if plan else None
        items = statuses(session, moment, plan_id, agency_code(session, agency, plan_id))
    today = local_day(moment)
    lines = series_lines(items, today)
    if as_json:
        steps = [i.as_json() for i in items]
        print_json({"as_of": moment.isoformat(), "steps": steps, "series": _jsons(lines)})
        return
    if not items:
        typer.echo("Chưa có bước nào để theo dõi. Nạp một kế hoạch bằng `kehoach load TỆP`.")
        return
    out = console()
    # Occurrences far ahead would flood the table: by default each series shows two.
    out.print(status_table(items if every_period else current_view(items, today), moment))
    if lines:
        out.print(series_table(lines))
    out.print(health_summary(items))


def _jsons(lines: list[SeriesLine]) -> list[dict[str, Any]]:
    return [line.as_json() for line in lines]


def _progress(value: str) -> Progress:
    found = parse_status(value)
    if found is None:
        raise UserError(
            f"Trạng thái '{value}' không hợp lệ; chọn một trong: {settable_words()} "
            f"(hoặc mã: {', '.join(s.value for s in SETTABLE)})."
        )
    return found


@app.command()
def update(
    step: Annotated[
        str, typer.Argument(help="Mã bước, ví dụ IV.2.programme hoặc IV.1.delegates@NINH_HAI.")
    ],
    status_: Annotated[str, typer.Option("--status", help=f"Trạng thái mới: {settable_words()}.")],
    plan: PlanOption = None,
    note: NoteOption = None,
    link: Annotated[str | None, typer.Option("--link", help="Đường dẫn tới sản phẩm.")] = None,
    by: ByOption = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Thời điểm xảy ra (mặc định: bây giờ).")
    ] = None,
    force: ForceOption = False,
) -> None:
    """Ghi nhận tiến độ của một bước (kể cả báo vướng mắc: --status "có vướng mắc")."""
    wanted = _progress(status_)
    moment = parse_moment(at, "--at") if at else None
    with unit_of_work() as session:
        row = tracking.record_progress(
            session,
            step,
            wanted,
            now_utc(),
            plan_id=plan,
            by=agency_code(session, by, plan),
            at=moment,
            note=note,
            link=link,
            force=force,
        )
    typer.echo(answers.progress_recorded(row, wanted, moment))


@app.command()
def extend(
    step: Annotated[str, typer.Argument(help="Mã bước.")],
    new_deadline: Annotated[str, typer.Argument(help="Hạn mới (YYYY-MM-DD hoặc dd/mm/yyyy).")],
    plan: PlanOption = None,
    by: ByOption = None,
    note: NoteOption = None,
    force: ForceOption = False,
) -> None:
    """Gia hạn một bước (cơ quan khác cơ quan điều phối: ghi đề xuất gia hạn chờ duyệt)."""
    day = parse_date(new_deadline, "Hạn mới")
    with unit_of_work() as session:
        result = tracking.extend_deadline(
            session,
            step,
            day,
            now_utc(),
            plan_id=plan,
            by=agency_code(session, by, plan),
            note=note,
            force=force,
        )
    typer.echo(answers.extension_answer(result))


@app.command()
def resolve(
    step: Annotated[str, typer.Argument(help="Mã bước đang có vướng mắc.")],
    plan: PlanOption = None,
    by: ByOption = None,
    note: NoteOption = None,
) -> None:
    """Đánh dấu vướng mắc của một bước đã được giải quyết."""
    with unit_of_work() as session:
        by_code = agency_code(session, by, plan)
        row = tracking.resolve_difficulty(
            session, step, now_utc(), plan_id=plan, by=by_code, note=note
        )
    typer.echo(answers.difficulty_resolved(row))


@event_app.command("confirm")
def event_confirm(
    day: Annotated[str, typer.Argument(help="Ngày tổ chức (YYYY-MM-DD hoặc dd/mm/yyyy).")],
    plan: PlanOption = None,
    event: Annotated[
        str | None,
        typer.Option("--su-kien", help="Mã sự kiện (bắt buộc khi kế hoạch có nhiều sự kiện)."),
    ] = None,
    note: NoteOption = None,
    force: ForceOption = False,
) -> None:
    """Chốt (hoặc dời) ngày tổ chức một sự kiện; các hạn tính theo sự kiện đó được tính lại."""
    when = parse_date(day, "Ngày tổ chức")
    now = now_utc()
    with unit_of_work() as session:
        change = tracking.confirm_event(
            session, plan, when, now, note=note, force=force, event_id=event
        )
        told = sweep.notify_deadlines_moved(session, change, now)
    moved = len(change.moved_steps)
    text = answers.event_confirmed(
        change.plan_id, when, change.old_date, moved, len(told), change.kind
    )
    typer.echo(text)


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Ghi ra tệp thay vì in ra.")
    ] = None,
) -> None:
    """In JSON Schema của tệp kế hoạch (để trình soạn thảo gợi ý và kiểm tra)."""
    text = json.dumps(plan_json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"Đã ghi JSON Schema vào {output}.")


def plan_json_schema() -> dict[str, Any]:
    document = Plan.model_json_schema()
    # A v1 file's single `event:` still validates (models.plan turns it into `events`).
    document["properties"]["event"] = {
        "$ref": "#/$defs/Event",
        "description": "Schema v1: the plan's one event (id main); v2 files use events.",
    }
    schema_vi.localize(document)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "Tệp kế hoạch kehoach"
    # With plan.directory an agency entry may only override a directory entry (its code and
    # the keys it changes); load_plan_file checks the merged entry in full.
    document["$defs"]["Agency"]["required"] = ["code"]
    return document


def command() -> Any:
    """The click command behind `app`, with its help and usage lines in Vietnamese."""
    return usage.localize(typer.main.get_command(app))


def run(args: list[str] | None = None) -> int:
    """Run `kehoach ARGS` as a person would; returns the exit code."""
    return _run(lambda: command().main(args, prog_name="kehoach", standalone_mode=False))


def _run(command: Callable[[], Any]) -> int:
    try:
        code = command()
    except UserError as error:
        typer.echo(f"Lỗi: {error.message}", err=True)
        return error.exit_code
    except usage.UsageError as error:
        typer.echo(f"Lỗi: {usage.describe(error)}\n{usage.HINT}", err=True)
        return 2
    except typer.Exit as done:
        return int(done.exit_code)
    except typer.Abort:
        typer.echo("Đã dừng.", err=True)
        return 130
    except SQLAlchemyError as error:
        typer.echo(f"Lỗi cơ sở dữ liệu: {AppContext.describe_database_error(error)}", err=True)
        return 1
    # Outside standalone mode Click returns the code of an explicit exit (--help: 0).
    return code if isinstance(code, int) else 0


def main() -> None:
    sys.exit(run())


from kehoach.cli import agencies as cli_agencies  # noqa: E402  (adds co-quan)

cli_agencies.register(app)

from kehoach.cli import lich as cli_lich  # noqa: E402  (adds lich)

cli_lich.register(app)

from kehoach.cli import reminders as cli_reminders  # noqa: E402  (adds sweep, reminders, channels check)

cli_reminders.register(app)

from kehoach.cli import zalo as cli_zalo  # noqa: E402  (adds zalo token, zalo status)

cli_zalo.register(app)

from kehoach.cli import orchestration as cli_flows  # noqa: E402  (adds demo, replay, serve, dashboard)

cli_flows.register(app)

from kehoach.cli import record as cli_record  # noqa: E402  (adds ket-thuc, gia-han duyet/tu-choi)

cli_record.register(app)

from kehoach.cli import parts as cli_parts  # noqa: E402  (adds phan-viec-xong)

cli_parts.register(app)

from kehoach.cli import receipts as cli_receipts  # noqa: E402  (adds da-nhan, khong-phat-sinh)

cli_receipts.register(app)

from kehoach.cli import reports as cli_reports  # noqa: E402  (adds bao-cao, thi-dua)

cli_reports.register(app)

from kehoach.cli import sheets as cli_sheets  # noqa: E402  (adds mau, nhap)

cli_sheets.register(app)

from kehoach.cli import document_import as cli_document  # noqa: E402  (adds nhap-van-ban)

cli_document.register(app)

from kehoach.cli import web as cli_web  # noqa: E402  (adds web, thu-hoi-lien-ket)

cli_web.register(app)

from kehoach.cli import deploy as cli_deploy  # noqa: E402  (adds deploy)

cli_deploy.register(app)
