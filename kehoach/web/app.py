"""The agencies' web service: an ASGI app (Starlette) of server-rendered Vietnamese pages.

    GET  /a/{link}                              the agency's page: its steps, most urgent first
    GET  /a/{link}/buoc/{plan}/{step}           a step's page: deadline, history, forms
    POST /a/{link}/buoc/{plan}/{step}/{action}  one action (actions.ACTIONS), with a form token
    GET  /lich/{link}.ics                       the agency's calendar feed (kehoach.web.ical)
    GET  /bao-cao/{link}/{file}                 a report file (flows.reports' link)

Starlette rather than FastAPI: these are HTML forms and pages, not a JSON API, so FastAPI's
models and OpenAPI add nothing; Starlette is what FastAPI (and Prefect's server) run on.
A GET never writes (mail scanners open links); a POST writes only with the link of the
agency concerned, a form token issued for that step, unused, and in one transaction with
the action. The database work is synchronous, so it runs in Starlette's thread pool.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from kehoach.clock import now_utc
from kehoach.errors import UserError
from kehoach.services.context import AppContext
from kehoach.services.links import Links, link_secret, step_path
from kehoach.services.plans import ORIGIN
from kehoach.store.tables import StepRow
from kehoach.web import ical
from kehoach.web.access import NOT_YOURS, Refused, Visitor, form_token, use_form, visitor
from kehoach.web.access import refused as refused_for
from kehoach.web.actions import ACTIONS, Submitted, allowed, involved
from kehoach.web.views import agency_name, agency_steps, find_step, step_page
from models.links import LinkRefused, Purpose, Refusal, client_hash, verify
from notifications.outbox import take_write_lock

TEMPLATES = Path(__file__).resolve().parent / "templates"
SECURITY_HEADERS = {
    # The link is in the address: no Referer may carry it to a deliverable's site.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Robots-Tag": "noindex, nofollow",
}
# Called after an agency's action is committed (plan id, step key); the CLI may wire it
# to something (kehoach.web imports no Prefect); by default the next sweep shows it.
Reported = Callable[[str, str], None]


@dataclass
class WebService:
    context: AppContext
    clock: Callable[[], dt.datetime] = now_utc
    on_report: Reported | None = None

    def __post_init__(self) -> None:
        self.secret = link_secret(self.context.settings)
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True
        )
        self.templates = Jinja2Templates(env=env)

    @property
    def upload_limit(self) -> int:
        return self.context.settings.upload_limit_mb * 1024 * 1024

    def page(self, request: Request, name: str, status: int = 200, **values: Any) -> Response:
        response = self.templates.TemplateResponse(request, name, values, status_code=status)
        response.headers.update(SECURITY_HEADERS)
        return response

    def refusal(self, request: Request, refused: Refused) -> Response:
        return self.page(request, "refused.html", refused.status, refused=refused)

    def who(self, token: str, purpose: Purpose = Purpose.PAGE) -> Visitor:
        with self.context.database.transaction() as session:
            return visitor(session, token, purpose, self.secret, self.clock())


def create_app(
    context: AppContext | None = None,
    *,
    clock: Callable[[], dt.datetime] = now_utc,
    on_report: Reported | None = None,
) -> Starlette:
    service = WebService(context or AppContext.current(), clock, on_report)
    app = Starlette(
        routes=[
            Route("/a/{token}", _handler(service, agency_view)),
            Route("/a/{token}/buoc/{plan}/{step}", _handler(service, step_view)),
            Route(
                "/a/{token}/buoc/{plan}/{step}/{action}",
                _handler(service, step_action),
                methods=["POST"],
            ),
            Route("/lich/{token}.ics", _handler(service, calendar_feed)),
            Route("/bao-cao/{token}/{name}", _handler(service, report_file)),
            Route("/", _handler(service, home)),
        ]
    )
    app.state.service = service
    return app


def _handler(service: WebService, view: Callable[..., Any]) -> Callable[[Request], Any]:
    async def handle(request: Request) -> Response:
        try:
            response: Response = await view(service, request)
            return response
        except Refused as refused:
            return service.refusal(request, refused)

    return handle


async def home(service: WebService, request: Request) -> Response:
    return service.page(request, "home.html")


async def agency_view(service: WebService, request: Request) -> Response:
    token = request.path_params["token"]

    def read() -> dict[str, Any]:
        now = service.clock()
        with service.context.database.transaction() as session:
            who = visitor(session, token, Purpose.PAGE, service.secret, now)
            lines = agency_steps(session, who.agency, now)
            name = agency_name(session, who.agency)
        links = Links.of(service.context.settings)
        base = links.public_url if links else str(request.base_url).rstrip("/")
        calendar = f"{base}/lich/{_calendar_token(service, who, now)}.ics"
        return {"agency": name, "lines": lines, "token": token, "calendar": calendar}

    return service.page(request, "agency.html", **await run_in_threadpool(read))


def _calendar_token(service: WebService, who: Visitor, now: dt.datetime) -> str:
    settings = service.context.settings
    links = Links("", service.secret, settings.link_days, settings.calendar_link_days)
    return links.token(Purpose.CALENDAR, who.agency, who.generation, now)


def _step_of(session: Any, who: Visitor, plan: str, key: str, lock: bool = False) -> Any:
    row = find_step(session, plan, key, lock)
    if row is None or not involved(row, who.agency):
        raise NOT_YOURS
    return row


async def step_view(service: WebService, request: Request) -> Response:
    token, plan, key = (request.path_params[k] for k in ("token", "plan", "step"))
    notice, error = request.query_params.get("da_ghi", ""), ""

    def read() -> dict[str, Any]:
        now = service.clock()
        with service.context.database.transaction() as session:
            who = visitor(session, token, Purpose.PAGE, service.secret, now)
            row = _step_of(session, who, plan, key)
            view = step_page(session, row, who.agency, now)
            forms = {
                name: form_token(who, f"{plan}/{key}", service.secret, now)
                for name, action in ACTIONS.items()
                if allowed(action, row, who.agency)
            }
        return {"step": view, "forms": forms, "token": token, "agency": who.agency}

    values = await run_in_threadpool(read)
    base = f"/a/{token}{step_path(plan, key)}"
    return service.page(
        request, "step.html", notice=_notice(notice), error=error, base=base, **values
    )


NOTICES = {"1": "Đã ghi nhận nội dung cơ quan gửi. Xin cảm ơn."}


def _notice(code: str) -> str:
    return NOTICES.get(code, "")


async def step_action(service: WebService, request: Request) -> Response:
    token, plan, key, name = (request.path_params[k] for k in ("token", "plan", "step", "action"))
    action = ACTIONS.get(name)
    if action is None:
        raise NOT_YOURS
    # The link is checked before the body is read: no stranger can fill the disk.
    await run_in_threadpool(service.who, token)
    length = int(request.headers.get("content-length") or 0)
    if length > service.upload_limit + 64 * 1024:
        return _too_large(service, request)
    form = await request.form(max_files=1, max_fields=20)
    try:
        upload = await _saved_upload(service, form.get("file"))
    except _TooLarge:
        return _too_large(service, request)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    client = client_hash(service.secret, request.client.host if request.client else "")

    def write() -> str:
        with service.context.database.transaction() as session:
            take_write_lock(session)
            # Read once the step is ours to write (SQLite's write lock, PostgreSQL's row
            # lock): two reports of one step then carry moments in the order they land.
            who = visitor(session, token, Purpose.PAGE, service.secret, service.clock())
            row = _step_of(session, who, plan, key, lock=True)
            now = service.clock()
            if not allowed(action, row, who.agency):
                raise NOT_YOURS
            use_form(session, who, f"{plan}/{key}", fields.get("form", ""), service.secret, now)
            origin = {"via": "link", "client": client, "link_generation": who.generation}
            origin |= {"file": upload} if upload else {}
            return _run_action(session, action, row, who.agency, fields, now, origin)

    try:
        await run_in_threadpool(write)
    except UserError as error:
        return _form_error(service, request, error.message, f"/a/{token}{step_path(plan, key)}")
    if service.on_report is not None:
        service.on_report(plan, key)
    return RedirectResponse(f"/a/{token}{step_path(plan, key)}?da_ghi=1", status_code=303)


def _run_action(
    session: Any,
    action: Any,
    row: StepRow,
    agency: str,
    fields: dict[str, str],
    now: dt.datetime,
    origin: dict[str, Any],
) -> str:
    """The action itself, once the link and the form token are checked: its event-log rows
    carry `origin` (`via: link` is what the coordinator's digest lists as self-reported)."""
    session.info[ORIGIN] = origin
    try:
        return str(action.run(session, row, agency, _submitted(fields), now))
    finally:
        session.info.pop(ORIGIN, None)


def report_as_agency(
    context: AppContext,
    plan: str,
    key: str,
    agency: str,
    fields: dict[str, str],
    now: dt.datetime,
) -> StepRow:
    """A progress report (or a difficulty, `status` blocked) written as the lead agency's
    POST on its step page writes it, without a link or a form token: how `kehoach demo` and
    `replay` play an agency's own reports. Returns the step as recorded."""
    name = "vuong-mac" if fields.get("status") == "blocked" else "tien-do"
    action = ACTIONS[name]
    with context.database.transaction() as session:
        take_write_lock(session)
        row = find_step(session, plan, key, lock=True)
        if row is None:
            raise UserError(f"Kế hoạch không có bước {key} (như kịch bản ghi).")
        if not allowed(action, row, agency):
            raise UserError(
                f"Cơ quan {agency} không chủ trì việc “{row.title}”: không báo qua trang được."
            )
        _run_action(session, action, row, agency, fields, now, {"via": "link", "replayed": True})
    return row


def _submitted(fields: dict[str, str]) -> Submitted:
    link = (fields.get("link") or "").strip() or None
    if link is not None and urlsplit(link).scheme not in ("http", "https"):
        raise UserError("Đường dẫn sản phẩm phải bắt đầu bằng http:// hoặc https://.")
    return Submitted(fields, link)


def _form_error(service: WebService, request: Request, message: str, back: str) -> Response:
    return service.page(request, "form_error.html", 400, message=message, back=back)


def _too_large(service: WebService, request: Request) -> Response:
    limit = service.context.settings.upload_limit_mb
    refused = Refused(
        413,
        "Tệp quá lớn",
        f"Tệp gửi kèm vượt quá giới hạn {limit} MB. Xin nén tệp hoặc gửi đường dẫn "
        "tới sản phẩm thay cho tệp. Chưa có nội dung nào được ghi.",
    )
    return service.refusal(request, refused)


class _TooLarge(Exception):
    pass


async def _saved_upload(service: WebService, upload: Any) -> dict[str, Any] | None:
    """Kept under its SHA-256 in KEHOACH_HOME/tep-nop; the event log keeps name, size, hash."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    digest, size = hashlib.sha256(), 0
    folder = service.context.settings.uploads_dir
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        while chunk := await upload.read(256 * 1024):
            size += len(chunk)
            if size > service.upload_limit:
                out.close()
                os.unlink(temporary)
                raise _TooLarge
            digest.update(chunk)
            out.write(chunk)
    os.replace(temporary, folder / digest.hexdigest())
    name = Path(upload.filename).name[:200]
    return {"name": name, "size": size, "sha256": digest.hexdigest()}


async def calendar_feed(service: WebService, request: Request) -> Response:
    token = request.path_params["token"]

    def read() -> bytes:
        now = service.clock()
        with service.context.database.transaction() as session:
            who = visitor(session, token, Purpose.CALENDAR, service.secret, now)
            return ical.feed(session, who.agency, now)

    body = await run_in_threadpool(read)
    headers = {**SECURITY_HEADERS, "Content-Disposition": 'inline; filename="lich-viec.ics"'}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


REPORT_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


async def report_file(service: WebService, request: Request) -> Response:
    """A report file behind a signed link (Purpose.REPORT): the token names the file, so a
    link opens that one file in the reports folder and nothing else."""
    try:
        claims = verify(
            request.path_params["token"], Purpose.REPORT, service.secret, service.clock()
        )
    except LinkRefused as error:
        raise refused_for(error.refusal) from error
    path = service.context.settings.report_folder / Path(claims.file).name
    if claims.file != request.path_params["name"] or not path.is_file():
        raise refused_for(Refusal.TAMPERED)
    disposition = f"attachment; filename*=UTF-8''{quote(path.name)}"
    headers = {**SECURITY_HEADERS, "Content-Disposition": disposition}
    body = await run_in_threadpool(path.read_bytes)
    return Response(body, media_type=REPORT_TYPES[path.suffix], headers=headers)


def hello_app() -> Any:
    """A bare ASGI "hello" on the same server: the framework floor of benchmarks/web_bench."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/plain")],
            }
        )
        await send({"type": "http.response.body", "body": b"xin chao"})

    return app
