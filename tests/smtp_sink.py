"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it accepts; channel-file helpers.

Faults, as options of the sink (see tests/notifications/faults/):
    refuse          mailboxes refused for good at RCPT (550)
    refuse_later    mailboxes refused for now at RCPT (451), until removed
    delay           seconds before the reply to end-of-data (a slow, filtering server)
    lose_replies    the next N messages are kept, then the reply is held for
                    `lost_reply_delay` seconds: longer than the client waits, a lost
                    acknowledgement of a message that did arrive
"""

from __future__ import annotations

import asyncio
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from flows.server import free_port

SENDER = "nhacviec@ninhthuan.gov.vn"
SMTP_PASSWORD = "Mk-b1mat-9xQz"


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.sink.refuse:
            return "550 5.1.1 Hộp thư không tồn tại"
        if address in self.sink.refuse_later:
            return "451 4.3.0 Tạm thời không nhận thư, thử lại sau"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self.sink.lock:
            self.sink.received.append((list(envelope.rcpt_tos), parsed))
            lose = self.sink.lose_replies > 0
            self.sink.lose_replies -= int(lose)
        if lose:
            await asyncio.sleep(self.sink.lost_reply_delay)
        return "250 OK"


class _Login:
    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user.encode(), password.encode()

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            self.user,
            self.password,
        )
        return AuthResult(success=ok, handled=False)


class SmtpSink:
    """Accepts mail on a random loopback port; can be stopped and started on the same port."""

    def __init__(self, *, user: str | None = None, password: str | None = None) -> None:
        self.port = free_port()
        self.user, self.password = user, password
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.refuse: set[str] = set()
        self.refuse_later: set[str] = set()
        self.delay = 0.0
        self.lose_replies = 0
        self.lost_reply_delay = 3.0
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> SmtpSink:
        kwargs: dict[str, Any] = {}
        if self.user and self.password:
            kwargs = {"authenticator": _Login(self.user, self.password), "auth_require_tls": False}
        self._controller = Controller(
            _Handler(self), hostname="127.0.0.1", port=self.port, **kwargs
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [message for _, message in self.received]

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(message["Message-ID"]) for _, message in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [message for rcpts, message in self.received if address in rcpts]

    def url(self, to: str, *, user: str | None = None, password: str | None = None) -> str:
        """An Apprise mailto:// URL (no TLS: a loopback test server) sending to `to`."""
        login = f"{quote(user, safe='')}:{quote(password, safe='')}@" if user and password else ""
        return (
            f"mailto://{login}127.0.0.1:{self.port}/{quote(to, safe='@')}"
            f"?from={quote(SENDER, safe='@')}&name={quote('Sở LĐTB&XH Ninh Thuận')}&mode=insecure"
        )


def agency_address(code: str) -> str:
    return f"{code.lower().replace('_', '-')}@ninhthuan.gov.vn"


def write_channels(path: Path, entries: list[dict[str, Any]]) -> Path:
    """An Apprise YAML file: each entry maps a URL to its settings (tag = agency codes)."""
    document = {
        "version": 1,
        "urls": [{e["url"]: [{k: v for k, v in e.items() if k != "url"}]} for e in entries],
    }
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
