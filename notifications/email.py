"""Email on top of Apprise's mailto:// and mailtos:// plugin, with a Message-ID that never changes.

Why a subclass: Apprise's email plugin always stamps a fresh random Message-ID after
adding any custom headers, so a `+Message-ID=` URL header would leave two Message-ID
lines (invalid), and the plain-text twin of its HTML part is machine-converted. This
subclass keeps Apprise's URL grammar, provider defaults, secure modes, targets, cc/bcc,
privacy URLs, dispatch and per-service results. When the outbox hands it an `Envelope`
it sends one MIME message of its own: our plain text and HTML, a UTF-8 subject, and
`<kehoach.{message key}@{sender domain}>` as Message-ID, the same on every retry, so a
rare duplicate is recognisable as one. Its SMTP session reuses one TLS context per
process and keeps the server's answer codes (a 5xx refusal is not retried). Without an
envelope it is Apprise's own plugin. Importing this module registers it for both schemas.

Timeouts per phase, as RFC 5321 section 4.5.3.2 recommends: the TCP connection takes the
URL's `cto` (Apprise's connect timeout); then the greeting 5 minutes, each command
5 minutes, the reply to DATA 2 minutes, each block of data 3 minutes, and the reply to
the end of data 10 minutes, since servers filter the whole message before answering.
A single short timeout over the whole exchange abandoned messages that had arrived,
and the retries delivered them again. Each mailbox of an entry is its own transaction:
one refused mailbox does not stop the others, and a retry skips those that accepted.
"""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import socket
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache
from typing import Any

from apprise import NotificationManager, NotifyType
from apprise.exception import AppriseImproperlyConfigured
from apprise.plugins.email import NotifyEmail
from apprise.plugins.email.smtp import SMTP_SECURE_MODES, SMTPSecureMode

from models.timeutil import VIETNAM
from notifications.errors import ChannelError

SENDER_NAME = "Hệ thống nhắc việc kehoach"
DEFAULT_DOMAIN = "kehoach.invalid"


@dataclass(frozen=True)
class Envelope:
    """One outbox message as the channels see it: who, what, and its stable identity."""

    key: str
    recipient: str
    recipient_name: str
    subject: str
    text: str
    html: str
    sent_at: dt.datetime
    # The coordinating agency a notice is sent in the name of (the digest's sender).
    sender_name: str = SENDER_NAME
    # Per service (masked URL), the targets that accepted this message on an earlier attempt.
    accepted: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # The recipient agency's signed page link (already in `text` and `html`), for channels
    # that show it their own way (a Zalo OA button, a ZNS parameter). Never logged.
    link: str = ""

    def accepted_by(self, service_url: str) -> frozenset[str]:
        return self.accepted.get(service_url, frozenset())


# Apprise runs each service in a worker thread with a copy of the caller's context, so a
# context variable carries the envelope to the plugin without changing notify()'s API.
_current: ContextVar[Envelope | None] = ContextVar("kehoach_envelope", default=None)


@contextmanager
def carrying(envelope: Envelope) -> Iterator[None]:
    token = _current.set(envelope)
    try:
        yield
    finally:
        _current.reset(token)


def current_envelope() -> Envelope | None:
    return _current.get()


def message_id(key: str, domain: str = DEFAULT_DOMAIN) -> str:
    return f"<kehoach.{key}@{domain}>"


# CPython folds a long non-ASCII header between two encoded-words at a space, which RFC 2047
# readers then drop ("3 việcđổi hạn"). Folding only past RFC 5322's hard limit of 998
# characters keeps a subject in one encoded-word line, whole.
WIRE = policy.SMTP.clone(max_line_length=998)


def build_mime(
    envelope: Envelope,
    sender: Address,
    to: list[Address],
    *,
    cc: list[Address] | None = None,
    cte: str = "quoted-printable",
) -> EmailMessage:
    """The message as sent (quoted-printable) or as filed (`cte="8bit"`, readable as is)."""
    message = EmailMessage()
    message["Subject"] = envelope.subject
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Date"] = format_datetime(envelope.sent_at.astimezone(VIETNAM))
    message["Message-ID"] = message_id(envelope.key, sender.domain or DEFAULT_DOMAIN)
    # RFC 3834: vacation responders must not answer an automatic reminder.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Kehoach-Recipient"] = envelope.recipient
    message.set_content(envelope.text, cte=cte)
    message.add_alternative(envelope.html, subtype="html", cte=cte)
    return message


def address(name: str | bool | None, addr: str) -> Address:
    user, _, domain = addr.rpartition("@")
    display = name if isinstance(name, str) else ""
    return Address(display_name=display, username=user or addr, domain=domain if user else "")


@dataclass(frozen=True)
class SmtpTimeouts:
    """Seconds to wait in each phase of an SMTP exchange (RFC 5321, 4.5.3.2)."""

    greeting: float = 5 * 60
    command: float = 5 * 60
    data_start: float = 2 * 60
    data_block: float = 3 * 60
    data_end: float = 10 * 60


RFC_5321_TIMEOUTS = SmtpTimeouts()


def _dot_stuffed(data: bytes) -> bytes:
    """The message as DATA sends it: leading dots doubled, ended by CRLF . CRLF."""
    quoted = re.sub(rb"(?m)^\.", b"..", data)
    if not quoted.endswith(b"\r\n"):
        quoted += b"\r\n"
    return quoted + b".\r\n"


class _Phased:
    """Gives smtplib's clients a TCP connect and a greeting with timeouts of their own."""

    connect_timeout: float = 15.0
    greeting_timeout: float = RFC_5321_TIMEOUTS.greeting

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock: socket.socket = super()._get_socket(host, port, self.connect_timeout)  # type: ignore[misc]
        sock.settimeout(self.greeting_timeout)
        return sock


class _PhasedSMTP(_Phased, smtplib.SMTP):
    pass


class _PhasedSMTPSSL(_Phased, smtplib.SMTP_SSL):
    pass


@lru_cache(maxsize=2)
def tls_context(verify: bool) -> ssl.SSLContext:
    """One context per process: building one loads the system CA store (~15 ms), which
    Apprise's own SMTP controller does for every message, even on plain SMTP."""
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class SmtpSession:
    """One SMTP conversation in Apprise's secure modes: connect, secure, log in, send."""

    def __init__(self, plugin: NotifyEmail, timeouts: SmtpTimeouts = RFC_5321_TIMEOUTS) -> None:
        self.host = str(plugin.smtp_host)
        self.port = int(plugin.port or 0)  # 0: smtplib's default port for the connection
        self.mode = str(plugin.secure_mode)
        self.login = (plugin.user, plugin.password) if plugin.user and plugin.password else None
        self.verify = bool(plugin.verify_certificate)
        self.connect_timeout = float(plugin.socket_connect_timeout)
        self.timeouts = timeouts
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSession:
        if self.mode not in SMTP_SECURE_MODES:
            raise AppriseImproperlyConfigured(f"mode={self.mode!r} không hợp lệ")
        self._smtp = self._connect()
        try:
            self._phase(self.timeouts.command)
            if self.mode == SMTPSecureMode.STARTTLS:
                self._smtp.starttls(context=tls_context(self.verify))
            if self.login:
                self._smtp.login(*self.login)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _connect(self) -> smtplib.SMTP:
        smtp: _PhasedSMTP | _PhasedSMTPSSL
        if self.mode == SMTPSecureMode.SSL:
            smtp = _PhasedSMTPSSL(context=tls_context(self.verify))
        else:
            smtp = _PhasedSMTP()
        smtp.connect_timeout = self.connect_timeout
        smtp.greeting_timeout = self.timeouts.greeting
        smtp.timeout = self.timeouts.command
        smtp.connect(self.host, self.port)
        return smtp

    def _phase(self, seconds: float) -> None:
        assert self._smtp is not None
        self._smtp.timeout = seconds
        if self._smtp.sock is not None:
            self._smtp.sock.settimeout(seconds)

    def deliver(self, sender: str, recipients: list[str], data: bytes) -> None:
        """One transaction, each phase with its own timeout. Refusals raise with their SMTP
        codes (a 5xx answer is not worth a retry); the connection stays usable after one."""
        smtp = self._smtp
        assert smtp is not None
        self._phase(self.timeouts.command)
        smtp.ehlo_or_helo_if_needed()
        code, reply = smtp.mail(sender)
        if code != 250:
            smtp.rset()
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        refused = self._recipients(recipients)
        if len(refused) == len(recipients):
            smtp.rset()
            raise smtplib.SMTPRecipientsRefused(refused)
        self._data(data)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)

    def _recipients(self, recipients: list[str]) -> dict[str, tuple[int, bytes]]:
        assert self._smtp is not None
        refused: dict[str, tuple[int, bytes]] = {}
        for recipient in recipients:
            code, reply = self._smtp.rcpt(recipient)
            if code not in (250, 251):
                refused[recipient] = (code, reply)
        return refused

    def _data(self, data: bytes) -> None:
        smtp = self._smtp
        assert smtp is not None
        self._phase(self.timeouts.data_start)
        smtp.putcmd("data")
        code, reply = smtp.getreply()
        if code != 354:
            smtp.rset()
            raise smtplib.SMTPDataError(code, reply)
        self._phase(self.timeouts.data_block)
        smtp.send(_dot_stuffed(data))
        self._phase(self.timeouts.data_end)
        code, reply = smtp.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)

    def __exit__(self, *_: object) -> None:
        if self._smtp is not None:
            with suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None


def smtp_error(error: BaseException, where: str) -> ChannelError:
    """A Vietnamese, actionable description of an SMTP failure; 5xx answers are permanent."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return ChannelError(
            f"Máy chủ thư {where} từ chối đăng nhập (mã {error.smtp_code}); kiểm tra tài khoản "
            "và mật khẩu trong tệp cấu hình kênh gửi.",
            permanent=True,
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _refused(error, where)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return ChannelError(
            f"Máy chủ thư {where} không hỗ trợ yêu cầu ({error}); kiểm tra mode= (starttls, "
            "ssl, insecure) và tài khoản trong tệp cấu hình kênh gửi.",
            permanent=True,
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return _answered(error.smtp_code, _reply(error.smtp_error), where)
    if isinstance(error, AppriseImproperlyConfigured):
        return ChannelError(f"Cấu hình thư điện tử không hợp lệ: {error}.", permanent=True)
    return ChannelError(
        f"Không kết nối được tới máy chủ thư {where} ({type(error).__name__}). "
        "Sẽ thử lại ở lần rà soát sau.",
        permanent=False,
    )


def _raise_refusals(errors: list[ChannelError]) -> None:
    """One error for the refused mailboxes; permanent only if every refusal is."""
    if not errors:
        return
    if len(errors) == 1:
        raise errors[0]
    text = " ".join(e.message for e in errors)
    raise ChannelError(text, permanent=all(e.permanent for e in errors))


def _refused(error: smtplib.SMTPRecipientsRefused, where: str) -> ChannelError:
    codes = sorted({code for code, _ in error.recipients.values()})
    addresses = ", ".join(sorted(error.recipients))
    permanent = all(500 <= code < 600 for code in codes)
    hint = "kiểm tra địa chỉ trong tệp cấu hình kênh gửi." if permanent else "sẽ thử lại sau."
    return ChannelError(
        f"Máy chủ thư {where} từ chối địa chỉ nhận {addresses} "
        f"(mã {', '.join(map(str, codes))}); {hint}",
        permanent=permanent,
    )


def _answered(code: int, reply: str, where: str) -> ChannelError:
    permanent = 500 <= code < 600
    later = "" if permanent else " Sẽ thử lại ở lần rà soát sau."
    return ChannelError(f"Máy chủ thư {where} trả lời lỗi {code}: {reply}.{later}", permanent)


def _reply(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())[:200]


class NotifyKehoachEmail(NotifyEmail):
    """Apprise's email plugin, sending the outbox's own MIME message when there is one."""

    last_error: ChannelError | None = None
    # Per-phase SMTP timeouts; the fault-injection tests shorten them.
    timeouts: SmtpTimeouts = RFC_5321_TIMEOUTS

    def send(
        self,
        body: str,
        title: str = "",
        notify_type: NotifyType = NotifyType.INFO,
        attach: Any = None,
        body_format: Any = None,
        **kwargs: Any,
    ) -> bool:
        envelope = current_envelope()
        if envelope is None:
            return bool(super().send(body, title, notify_type, attach, body_format, **kwargs))
        self.last_error = None
        self.accepted_targets: set[str] = set()
        try:
            self._send_envelope(envelope)
        except ChannelError as error:
            self.last_error = error
            self.logger.warning("%s", error.message)
            return False
        return True

    def _send_envelope(self, envelope: Envelope) -> None:
        where = f"{self.smtp_host}:{self.port}"
        done = envelope.accepted_by(str(self.url(privacy=True)))
        pending = [(n, a) for n, a in self.targets if a not in done and not self.is_delivered(a)]
        self.accepted_targets.update(a for _, a in self.targets if a in done)
        self.throttle()
        try:
            with SmtpSession(self, self.timeouts) as smtp:
                refusals = [self._one(smtp, envelope, name, addr) for name, addr in pending]
        except (OSError, smtplib.SMTPException, RuntimeError, AppriseImproperlyConfigured) as error:
            raise smtp_error(error, where) from error
        _raise_refusals([smtp_error(r, where) for r in refusals if r is not None])

    def _one(
        self, smtp: SmtpSession, envelope: Envelope, name: str | bool | None, addr: str
    ) -> smtplib.SMTPException | None:
        """Send to one mailbox; a refusal is returned, so the next mailbox still gets its
        copy. A lost connection raises: every mailbox after it would fail the same way."""
        try:
            smtp.deliver(self._from()[1], self._envelope_to(addr), self._data(envelope, name, addr))
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as refusal:
            if isinstance(refusal, smtplib.SMTPServerDisconnected):
                raise
            return refusal
        self.mark_delivered(addr)
        self.accepted_targets.add(addr)
        return None

    def _envelope_to(self, addr: str) -> list[str]:
        return list(dict.fromkeys([addr, *sorted(self.cc), *sorted(self.bcc)]))

    def _from(self) -> tuple[str, str]:
        name, addr = self.from_addr
        return str(name or SENDER_NAME), str(addr)

    def _data(self, envelope: Envelope, name: str | bool | None, addr: str) -> bytes:
        # A notice goes out in the name of its coordinating agency, not the mailbox's.
        own_name = envelope.sender_name if envelope.sender_name != SENDER_NAME else None
        sender = address(own_name or self._from()[0], self._from()[1])
        cc = [address(self.names.get(c), c) for c in sorted(self.cc - {addr})]
        message = build_mime(envelope, sender, [address(name, addr)], cc=cc)
        return message.as_bytes(policy=WIRE)


def _register() -> None:
    manager = NotificationManager()
    if "mailto" not in manager or manager["mailto"] is not NotifyKehoachEmail:
        # force: our subclass takes over both schemas; Apprise's own class stays loaded.
        manager.add(NotifyKehoachEmail, force=True)


_register()
