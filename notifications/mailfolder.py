"""The default channel: one readable .eml file per message in a local folder.

    mailfolder:///absolute/path/to/folder

An Apprise plugin like any other channel, so the outbox, the results and the retries are
the same whether a message goes to a mail server, to Zalo, or here. The file is the
email that would have been sent (same Message-ID), written with UTF-8 headers and 8-bit
bodies so a text editor shows the Vietnamese as is, and any mail client opens it. A
retry of the same message rewrites the same file: never two copies.
"""

from __future__ import annotations

import html
import os
import uuid
from email import policy
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from apprise import NotificationManager, NotifyBase, NotifyType
from apprise.exception import AppriseImproperlyConfigured

from kehoach.clock import now_utc
from models.timeutil import VIETNAM
from notifications.email import SENDER_NAME, Envelope, address, build_mime, current_envelope
from notifications.errors import ChannelError

SCHEMA = "mailfolder"
FOLDER_DOMAIN = "hop-thu.invalid"


def file_name(envelope: Envelope) -> str:
    local = envelope.sent_at.astimezone(VIETNAM)
    return f"{local:%Y-%m-%d_%H%M%S}_{envelope.recipient}_{envelope.key[:16]}.eml"


def write_message(folder: Path, envelope: Envelope) -> Path:
    """Write atomically: a reader never sees half a message, a crash leaves no stub."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file_name(envelope)
    sender = address(envelope.sender_name or SENDER_NAME, f"kehoach@{FOLDER_DOMAIN}")
    to = address(envelope.recipient_name, f"{envelope.recipient.lower()}@{FOLDER_DOMAIN}")
    message = build_mime(envelope, sender, [to], cte="8bit")
    temporary = target.with_suffix(f".{uuid.uuid4().hex}.tmp")
    temporary.write_bytes(message.as_bytes(policy=policy.default.clone(utf8=True)))
    os.replace(temporary, target)
    return target


def adhoc_envelope(title: str, body: str) -> Envelope:
    """For a notify() that did not come from the outbox (e.g. a channel test)."""
    return Envelope(
        key=uuid.uuid4().hex,
        recipient="khac",
        recipient_name="Người nhận khác",
        subject=title or "Thông báo từ kehoach",
        text=body,
        html=f"<pre>{html.escape(body)}</pre>",
        sent_at=now_utc(),
    )


class NotifyMailFolder(NotifyBase):
    service_name = "Hộp thư cục bộ"  # type: ignore[assignment]
    protocol = SCHEMA  # type: ignore[assignment]
    request_rate_per_sec = 0  # a local file needs no pacing
    templates = ("{schema}://{folder}",)  # type: ignore[assignment]
    template_tokens = dict(  # noqa: RUF012  (Apprise's own convention)
        NotifyBase.template_tokens,
        folder={"name": "Thư mục", "type": "string", "required": True},
    )

    def __init__(self, folder: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not folder or not Path(folder).is_absolute():
            message = (
                "URL mailfolder:// cần đường dẫn tuyệt đối tới thư mục, "
                "ví dụ mailfolder:///var/lib/kehoach/hop-thu"
            )
            self.logger.warning(message)
            raise AppriseImproperlyConfigured(message)
        self.folder = Path(folder)
        self.last_error: ChannelError | None = None

    def send(
        self, body: str, title: str = "", notify_type: NotifyType = NotifyType.INFO, **kwargs: Any
    ) -> bool:
        self.last_error = None
        envelope = current_envelope() or adhoc_envelope(title, body)
        try:
            path = write_message(self.folder, envelope)
        except OSError as error:
            self.last_error = ChannelError(
                f"Không ghi được thư vào thư mục {self.folder} ({error.strerror}). "
                "Sẽ thử lại ở lần rà soát sau.",
                permanent=False,
            )
            self.logger.warning("%s", self.last_error.message)
            return False
        self.logger.info("Đã ghi thư vào %s", path)
        return True

    @property
    def url_identifier(self) -> tuple[str, str]:  # type: ignore[override]
        return (SCHEMA, str(self.folder))

    def url(self, privacy: bool = False, *args: Any, **kwargs: Any) -> str:
        params = self.url_parameters(*args, privacy=privacy, **kwargs)
        return f"{SCHEMA}://{quote(str(self.folder))}?{self.urlencode(params)}"

    @staticmethod
    def parse_url(
        url: str,
        verify_host: bool = True,
        plus_to_space: bool = False,
        strict_port: bool = False,
        sanitize: bool = True,
    ) -> dict[str, Any] | None:
        results = NotifyBase.parse_url(url, verify_host=False)
        if results:
            # Apprise reads the first path segment as a host; the folder is the whole path.
            results["folder"] = unquote(urlsplit(url).path)
        return results


def _register() -> None:
    manager = NotificationManager()
    if SCHEMA not in manager or manager[SCHEMA] is not NotifyMailFolder:
        manager.add(NotifyMailFolder, force=True)


_register()
