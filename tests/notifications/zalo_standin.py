"""A local stand-in for Zalo's OA message, OAuth refresh and ZNS APIs.

A real HTTP server (stdlib `http.server`, one thread per request) on 127.0.0.1 and a
random port; one base URL serves all three APIs, so a plugin URL points `api`, `oauth`
and `zns` at `standin.base_url`. It checks every request's shape the way Zalo would and
answers 400 with an error JSON when something is missing, keeps one valid access token
and one single-use refresh token (a spent refresh token gets Zalo's error answer), counts
refreshes, and can be scripted to expire the access token, to fail N times (HTTP 503, a
dropped connection, or a Zalo error code) or to be down until told otherwise.

    with ZaloStandIn() as zalo:
        access, refresh = zalo.tokens()
        zalo.expire_access_token(-216)
        zalo.fail_next(2, kind="message", how=503)
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs

TEXT_LIMIT = 2000
MESSAGE_PATH = re.compile(r"/v3\.0/oa/message/(cs|transaction|promotion)")
REFRESH_PATH = "/v4/oa/access_token"
ZNS_PATH = "/message/template"

Kind = Literal["message", "refresh", "zns", "any"]
# An int is a Zalo error code answered with HTTP 200, as Zalo does; "drop" closes the
# connection unanswered; "lose" does the work (a refresh rotates the pair), then drops:
# an answer lost on its way back.
How = int | Literal["drop", "lose"]
UNLIMITED = 10**9


@dataclass
class Recorded:
    """One request as it arrived; header names in lower case."""

    kind: str
    path: str
    headers: dict[str, str]
    json: Any = None
    form: dict[str, str] | None = None
    status: int = 0
    answer: dict[str, Any] = field(default_factory=dict)


@dataclass
class Script:
    kind: Kind
    how: How
    remaining: int
    # Matching requests let through before the failures start.
    after: int = 0


class Rejected(Exception):
    """A request whose shape Zalo would refuse: answered 400 with this message."""


class ZaloStandIn:
    def __init__(
        self,
        *,
        app_id: str = "3012345678901234567",
        secret_key: str = "bi-mat-ung-dung-Zx81",
        refresh_delay: float = 0.0,
    ) -> None:
        self.app_id = app_id
        self.secret_key = secret_key
        # Holding a refresh open widens the window in which a second refresh would collide.
        self.refresh_delay = refresh_delay
        self.requests: list[Recorded] = []
        self.refresh_attempts = 0
        self.refresh_count = 0
        self._serial = itertools.count(1)
        self._issued: list[str] = []
        self._expired: dict[str, int] = {}
        self._scripts: list[Script] = []
        self._lock = threading.Lock()
        self.access_token, self.refresh_token = self._mint()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._serve, daemon=True)

    # --- life cycle --------------------------------------------------------------------

    def __enter__(self) -> ZaloStandIn:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        # A short poll interval makes shutdown (and so each test's teardown) quick.
        self._server.serve_forever(poll_interval=0.02)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- scripting ---------------------------------------------------------------------

    def tokens(self) -> tuple[str, str]:
        """The pair Zalo currently accepts (seed a token store with it)."""
        with self._lock:
            return self.access_token, self.refresh_token

    def issued_tokens(self) -> list[str]:
        """Every access and refresh token ever handed out (to prove none was logged)."""
        with self._lock:
            return list(self._issued)

    def expire_access_token(self, code: int = -216) -> None:
        """The current access token is refused with `code` until a refresh replaces it."""
        with self._lock:
            self._expired[self.access_token] = code

    def fail_next(self, count: int, *, kind: Kind = "any", how: How = 503, after: int = 0) -> None:
        """Fail `count` requests of `kind` (after letting `after` of them through)."""
        with self._lock:
            self._scripts.append(Script(kind, how, count, after))

    def outage(self, *, kind: Kind = "any", how: How = 503) -> None:
        self.fail_next(UNLIMITED, kind=kind, how=how)

    def end_outage(self) -> None:
        with self._lock:
            self._scripts.clear()

    # --- what arrived ------------------------------------------------------------------

    def delivered(self, kind: str = "message") -> list[Recorded]:
        return [r for r in self.requests if r.kind == kind and r.answer.get("error") == 0]

    def texts_to(self, user_id: str) -> list[str]:
        return [
            r.json["message"]["text"]
            for r in self.delivered("message")
            if r.json["recipient"]["user_id"] == user_id
        ]

    def of_kind(self, kind: str) -> list[Recorded]:
        return [r for r in self.requests if r.kind == kind]

    # --- request handling (called from the server's threads) --------------------------

    def handle(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        kind = _kind_of(path)
        record = Recorded(kind=kind, path=path, headers=headers)
        with self._lock:
            self.requests.append(record)
        status, answer = self._answer(kind, record, raw)
        record.status = status
        record.answer = answer if isinstance(answer, dict) else {}
        return status, answer

    def _answer(self, kind: str, record: Recorded, raw: bytes) -> tuple[int, Any]:
        scripted = self._scripted(kind)
        if scripted == LOST:
            self._route(kind, record, raw)
            return 0, None
        if scripted is not None:
            return scripted
        try:
            return 200, self._route(kind, record, raw)
        except Rejected as error:
            return 400, {"error": -201, "message": f"Invalid request: {error}"}

    def _route(self, kind: str, record: Recorded, raw: bytes) -> dict[str, Any]:
        if kind == "message":
            return self._message(record, raw)
        if kind == "refresh":
            return self._refresh(record, raw)
        if kind == "zns":
            return self._zns(record, raw)
        raise Rejected(f"unknown path {record.path}")

    def _scripted(self, kind: str) -> tuple[int, Any] | None:
        with self._lock:
            for script in self._scripts:
                if script.remaining <= 0 or script.kind not in ("any", kind):
                    continue
                if script.after > 0:
                    script.after -= 1
                    continue
                script.remaining -= 1
                return _failure(script.how)
        return None

    def _message(self, record: Recorded, raw: bytes) -> dict[str, Any]:
        body = record.json = _json_body(record.headers, raw)
        user_id = _dig(body, "recipient", "user_id")
        text = _dig(body, "message", "text")
        if len(text) > TEXT_LIMIT:
            raise Rejected(f"text is {len(text)} characters, more than {TEXT_LIMIT}")
        refused = self._token_refusal(record.headers, default_code=-216)
        if refused:
            return refused
        return {
            "error": 0,
            "message": "Success",
            "data": {"message_id": self._id("msg"), "user_id": user_id},
        }

    def _zns(self, record: Recorded, raw: bytes) -> dict[str, Any]:
        body = record.json = _json_body(record.headers, raw)
        phone = _field(body, "phone")
        if not re.fullmatch(r"84\d{9,10}", phone):
            raise Rejected(f"phone {phone!r} is not 84xxxxxxxxx")
        _field(body, "template_id")
        _field(body, "tracking_id")
        if not isinstance(body.get("template_data"), dict) or not body["template_data"]:
            raise Rejected("template_data must be a non-empty object")
        refused = self._token_refusal(record.headers, default_code=-124)
        if refused:
            return refused
        return {"error": 0, "message": "Success", "data": {"msg_id": self._id("zns")}}

    def _token_refusal(self, headers: dict[str, str], default_code: int) -> dict[str, Any] | None:
        token = headers.get("access_token")
        if not token:
            raise Rejected("missing access_token header")
        with self._lock:
            valid = token == self.access_token and token not in self._expired
            code = self._expired.get(token, default_code)
        return None if valid else {"error": code, "message": "Access token is invalid"}

    def _refresh(self, record: Recorded, raw: bytes) -> dict[str, Any]:
        form = record.form = _form_body(record.headers, raw)
        secret = record.headers.get("secret_key")
        if not secret:
            raise Rejected("missing secret_key header")
        if form.get("grant_type") != "refresh_token" or not form.get("refresh_token"):
            raise Rejected("grant_type=refresh_token and refresh_token are required")
        if not form.get("app_id"):
            raise Rejected("app_id is required")
        time.sleep(self.refresh_delay)
        return self._rotate(secret, form)

    def _rotate(self, secret: str, form: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            self.refresh_attempts += 1
            if secret != self.secret_key or form["app_id"] != self.app_id:
                return _oauth_error(-14002, "Invalid app_id or secret_key")
            if form["refresh_token"] != self.refresh_token:
                return _oauth_error(-14014, "Invalid refresh token")
            self.access_token, self.refresh_token = self._mint_locked()
            self.refresh_count += 1
            access, refresh = self.access_token, self.refresh_token
        return {"access_token": access, "refresh_token": refresh, "expires_in": "90000"}

    def _mint(self) -> tuple[str, str]:
        with self._lock:
            return self._mint_locked()

    def _mint_locked(self) -> tuple[str, str]:
        serial = next(self._serial)
        pair = (f"AT-{serial}-Kq9vXw3mZ", f"RT-{serial}-Lp2sYb7nD")
        self._issued.extend(pair)
        return pair

    def _id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._serial)}"


def _kind_of(path: str) -> str:
    if MESSAGE_PATH.fullmatch(path):
        return "message"
    if path == REFRESH_PATH:
        return "refresh"
    return "zns" if path == ZNS_PATH else "unknown"


LOST = (-1, None)


def _failure(how: How) -> tuple[int, Any]:
    if how == "drop":
        return 0, None
    if how == "lose":
        return LOST
    if how >= 100:
        return how, None
    return 200, {"error": how, "message": "Scripted failure"}


def _oauth_error(code: int, name: str) -> dict[str, Any]:
    return {"error": code, "error_name": name, "error_description": f"{name} (stand-in)"}


def _json_body(headers: dict[str, str], raw: bytes) -> dict[str, Any]:
    if not headers.get("content-type", "").startswith("application/json"):
        raise Rejected("Content-Type must be application/json")
    try:
        body = json.loads(raw.decode("utf-8"))
    except ValueError as error:
        raise Rejected("body is not UTF-8 JSON") from error
    if not isinstance(body, dict):
        raise Rejected("body must be a JSON object")
    return body


def _form_body(headers: dict[str, str], raw: bytes) -> dict[str, str]:
    if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise Rejected("Content-Type must be application/x-www-form-urlencoded")
    fields = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
    return {name: values[-1] for name, values in fields.items()}


def _dig(body: dict[str, Any], outer: str, inner: str) -> str:
    section = body.get(outer)
    if not isinstance(section, dict):
        raise Rejected(f"{outer} must be an object")
    return _field(section, inner, f"{outer}.{inner}")


def _field(body: dict[str, Any], name: str, label: str | None = None) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise Rejected(f"{label or name} is required")
    return value


def _lowered(headers: Any) -> dict[str, str]:
    """Header names are case-insensitive; recorded in lower case to compare simply."""
    return {name.lower(): value for name, value in headers}


def _handler_for(standin: ZaloStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, answer = standin.handle(self.path, _lowered(self.headers.items()), raw)
            if status == 0:
                self.close_connection = True  # a dropped connection: no answer at all
                return
            self._reply(status, answer)

        def _reply(self, status: int, answer: Any) -> None:
            payload = b"Service Unavailable" if answer is None else json.dumps(answer).encode()
            self.send_response(status)
            kind = "text/plain" if answer is None else "application/json; charset=utf-8"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet; every request is in standin.requests

    return Handler
