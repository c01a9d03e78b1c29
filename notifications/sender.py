"""Delivery through Apprise only: channels from one YAML file, routed by tags = agency codes.

The configuration is read once per sweep and checked entry by entry, so a bad URL is
reported with its file, entry number and line before anything is written. Each service
is kept for the whole sweep with Apprise's per-service pause between sends switched off
(`request_rate_per_sec`, 5.5 s for most plugins: a sweep sends one digest per agency,
never a burst to one endpoint), and so is Apprise's per-service deadline (see
`default_asset`). An agency without a channel of its own gets its messages in the local
mail folder, so nothing is silently dropped, unless the province directory gives it an
address and the file declares the account to send there (tag `danh-ba`,
notifications.directory_routes).

Apprise 2.x facts this module relies on: `notify()` returns an `AppriseResult` that is
never `False`; iterating it yields one `NotifyResult` per service with the privacy URL;
a service marked `optional=yes` reports SUCCESS even when it failed, so success is
read from its last attempt, not from the result's truth value.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml
from apprise import Apprise, AppriseAsset, AppriseResultStatus, NotifyBase, NotifyFormat
from apprise.config.base import ConfigBase
from apprise.manager_plugins import NotificationManager
from sqlalchemy import Engine

from kehoach.errors import UserError
from models.contacts import Addresses
from notifications import directory_routes, zalo
from notifications import email as _email  # noqa: F401  (registers mailto:// and mailtos://)
from notifications.directory_routes import DIRECTORY_TAG, Route, is_template
from notifications.email import Envelope, carrying
from notifications.errors import ChannelError
from notifications.mailfolder import NotifyMailFolder
from notifications.zalo_tokens import AuthState, SqlTokenStore

log = logging.getLogger(__name__)

ALWAYS_TAG = "always"
# Apprise and plugin loggers whose messages explain why an entry did not load.
_EXPLAINING_LOGGERS = ("apprise", "notifications")


@dataclass(frozen=True)
class ServiceResult:
    """One service's outcome for one message; `url` is masked, `error` has no secret."""

    name: str
    url: str
    ok: bool
    error: str | None = None
    permanent: bool = False
    optional: bool = False
    needs_auth: bool = False
    # The service's targets (mailboxes, phones) that accepted, when it has several.
    accepted: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Outgoing:
    envelope: Envelope
    short_text: str


@dataclass
class Channels:
    """The Apprise services of one configuration file, plus the mail-folder fallback."""

    services: list[NotifyBase]
    fallback: NotifyBase
    source: Path | None
    asset: AppriseAsset = field(default_factory=lambda: default_asset())
    # Agencies' directory addresses, used for those without an entry of their own.
    addresses: dict[str, Addresses] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # One scratch Apprise object, refilled per message: cheap, and reuses the services.
        self._scratch = Apprise(asset=self.asset)
        self._by_tag: dict[str, list[NotifyBase]] = defaultdict(list)
        self.templates = [s for s in self.services if is_template(s)]
        self._routes: dict[str, list[Route]] = {}
        for service in self.services:
            if service in self.templates:
                continue  # an account for directory addresses, not an agency's own channel
            for tag in {str(t) for t in service.tags}:
                self._by_tag[tag].append(service)
        for service in [*self.services, self.fallback]:
            service.request_rate_per_sec = 0

    @classmethod
    def load(
        cls,
        config: Path | None,
        outbox_dir: Path,
        engine: Engine | None = None,
        asset: AppriseAsset | None = None,
    ) -> Channels:
        """Read and check the configuration; a bad file raises `UserError` naming the entry."""
        if engine is not None:
            zalo.configure(token_store=SqlTokenStore(engine))
        asset = asset or default_asset()
        services = load_services(config, asset) if config is not None else []
        fallback = NotifyMailFolder(folder=str(outbox_dir), asset=asset)
        templates = [s for s in services if is_template(s)]
        # The directory is read only when the file declares an account to use it.
        addresses = directory_routes.read_addresses(engine) if templates and engine else {}
        return cls(services, fallback, config, asset, addresses)

    def services_for(self, recipient: str) -> list[NotifyBase]:
        # Apprise stores tags lower-cased; agency codes are upper-case in plan files.
        own = self._by_tag.get(recipient.lower(), [])
        if not own:
            own = [route.service for route in self.directory_routes(recipient)]
        always = [s for s in self._by_tag.get(ALWAYS_TAG, []) if s not in own]
        # No channel of its own: the mail folder, so the message is never dropped.
        return [*(own or [self.fallback]), *always]

    def directory_routes(self, recipient: str) -> list[Route]:
        """How an agency without an entry of its own is reached from the directory (built
        once per agency and kept: a retry skips the targets that accepted, per service)."""
        if recipient.lower() in self._by_tag:
            return []
        if recipient not in self._routes:
            found = self.addresses.get(recipient)
            self._routes[recipient] = (
                directory_routes.routes(recipient, found, self.templates) if found else []
            )
        return self._routes[recipient]

    def has_channel(self, recipient: str) -> bool:
        return recipient.lower() in self._by_tag or bool(self.directory_routes(recipient))

    def covers(self, recipient: str) -> bool:
        """False when a configuration exists but gives this agency no channel of its own:
        its messages are filed in the mail folder and marked "không có kênh", not "đã gửi".
        Without any configuration the mail folder is the one channel there is."""
        return self.source is None or self.has_channel(recipient)

    def zalo_accounts(self) -> dict[str, AuthState]:
        """Each Zalo OA of the configuration and whether it needs authorising again."""
        accounts: dict[str, AuthState] = {}
        for service in self.services:
            if isinstance(service, zalo.ZaloPluginBase):
                store = service.token_store or zalo.current_token_store()
                accounts[service.app.oa_id] = store.auth_state(service.app.oa_id)
        return accounts

    def deliver(self, outgoing: Outgoing, skip: Set[str] = frozenset()) -> list[ServiceResult]:
        """Send to the recipient's services not in `skip` (masked URLs already done)."""
        services = [
            s for s in self.services_for(outgoing.envelope.recipient) if masked(s) not in skip
        ]
        if not services:
            return []
        self._scratch.clear()
        for service in services:
            self._scratch.add(service)
        with carrying(outgoing.envelope):
            # Email and the mail folder take the envelope's HTML and text; every other
            # service gets the short text, which fits one Zalo message.
            result = self._scratch.notify(body=outgoing.short_text, body_format=NotifyFormat.TEXT)
        return read_results(result, services)


def default_asset() -> AppriseAsset:
    # No Apprise service deadline: every plugin bounds its own I/O (SMTP 15 s, HTTP
    # timeouts), while a deadline would abandon a send still in progress and report it
    # failed; the retry would then deliver it twice.
    return AppriseAsset(service_timeout=0)


def masked(service: NotifyBase) -> str:
    try:
        return str(service.url(privacy=True))
    except Exception:  # a plugin's url() is third-party code; never let it stop a sweep
        return f"{getattr(service, 'protocol', None) or 'unknown'}://"


def short_url(url: str) -> str:
    """A masked URL without its options, for people to read (the options are settings)."""
    return url.split("?", 1)[0]


# --- Results ---------------------------------------------------------------------------


def read_results(result: Any, services: Sequence[NotifyBase]) -> list[ServiceResult]:
    by_id = {_url_id(s): s for s in services}
    results = [_one_result(r, by_id.get(r.url_id)) for r in result]
    if not results and result.status != AppriseResultStatus.SUCCESS:
        # Apprise refused the call itself (e.g. empty content): blame every service.
        reason = f"Apprise không gửi được ({result.status.name})."
        return [ServiceResult(_name(s), masked(s), False, reason) for s in services]
    return results


def _url_id(service: NotifyBase) -> str | None:
    try:
        return service.url_id()
    except Exception:
        return None


def _one_result(result: Any, service: NotifyBase | None) -> ServiceResult:
    attempts = result.attempts
    ok = bool(attempts) and attempts[-1].status == AppriseResultStatus.SUCCESS
    accepted = frozenset(getattr(service, "accepted_targets", None) or ())
    if ok:
        return ServiceResult(result.name, result.url, ok, optional=bool(result.optional))
    error = _failure(result, service)
    return ServiceResult(
        result.name,
        result.url,
        ok,
        error.message,
        error.permanent,
        bool(result.optional),
        error.needs_auth,
        accepted,
    )


def _failure(result: Any, service: NotifyBase | None) -> ChannelError:
    own = getattr(service, "last_error", None)
    error = own if isinstance(own, ChannelError) else ChannelError(_logged_reason(result))
    if result.status == AppriseResultStatus.TIMEOUT:
        error = ChannelError("Dịch vụ không trả lời kịp (quá thời gian chờ). Sẽ thử lại sau.")
    text = scrub(error.message, secrets_of(service))
    return ChannelError(text, error.permanent, needs_auth=error.needs_auth)


def _logged_reason(result: Any) -> str:
    warnings = [e.message for e in result.logs() if e.level >= logging.WARNING]
    detail = f": {warnings[-1]}" if warnings else ""
    return f"{result.name} báo gửi không thành công{detail}"


def _name(service: NotifyBase) -> str:
    return str(getattr(service, "service_name", None) or type(service).__name__)


# --- Secrets ---------------------------------------------------------------------------

_TOKEN = re.compile(r"[^/:@?&=#,;\s]+")


def secrets_of(service: NotifyBase | None) -> set[str]:
    """Parts of the service URL that its privacy URL hides (passwords, tokens, keys), and
    the secrets the plugin holds outside its URL (Zalo's current access and refresh token)."""
    if service is None:
        return set()
    own = _own_secrets(service)
    try:
        full, private = str(service.url(privacy=False)), str(service.url(privacy=True))
    except Exception:
        return own
    public = set(_TOKEN.findall(private))
    hidden = {t for t in _TOKEN.findall(full) if t not in public and len(t) >= 4}
    return own | hidden | {unquote(t) for t in hidden}


def _own_secrets(service: NotifyBase) -> set[str]:
    held = getattr(service, "held_secrets", None)
    try:
        return {s for s in held() if s and len(s) >= 4} if callable(held) else set()
    except Exception:  # third-party or store trouble must not stop the scrubbing
        return set()


# Whatever follows a secret-looking name in a server's answer, e.g. "access_token=…".
_NAMED_SECRET = re.compile(
    r"(?i)\b(access_token|refresh_token|secret_key|password|passwd|api_key|token)"
    r"([\"']?\s*[:=]\s*[\"']?)[^\s\"'&,;]+"
)


def scrub(text: str, secrets: set[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "****")
    return _NAMED_SECRET.sub(r"\1\2****", text)


# --- Configuration file ----------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    number: int
    line: int
    raw: Any


def load_services(path: Path, asset: AppriseAsset) -> list[NotifyBase]:
    document, entries = read_config(path)
    problems: list[str] = []
    services: list[NotifyBase] = []
    for entry in entries:
        loaded, problem = _load_entry(document, entry, asset)
        services.extend(loaded)
        if problem:
            problems.append(
                f"mục thứ {entry.number} (dòng {entry.line}, {label(entry)}): {problem}"
            )
    problems += directory_routes.template_problems([s for s in services if is_template(s)])
    if problems:
        raise config_error(path, problems)
    return services


def config_error(path: Path, problems: list[str]) -> UserError:
    lines = "\n".join(f"  - {problem}" for problem in problems)
    return UserError(
        f"Tệp cấu hình kênh gửi {path} (KEHOACH_APPRISE_CONFIG) có lỗi, chưa gửi gì:\n{lines}\n"
        "Sửa tệp rồi chạy lại; xem mẫu config/apprise.example.yaml và docs/reminders.md."
    )


def read_config(path: Path) -> tuple[dict[str, Any], list[Entry]]:
    text = _read_text(path)
    try:
        document = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"dòng {mark.line + 1}: " if mark else ""
        raise config_error(path, [f"{where}không phải YAML hợp lệ"]) from None
    if not isinstance(document, dict) or not isinstance(document.get("urls"), list):
        raise config_error(path, ["cần một khối YAML có khóa 'urls' là danh sách các URL"])
    if "include" in document:
        raise config_error(path, ["khóa 'include' chưa được hỗ trợ; hãy gộp các URL vào tệp này"])
    lines = _entry_lines(root)
    entries = [
        Entry(n + 1, lines[n] if n < len(lines) else 1, raw)
        for n, raw in enumerate(document["urls"])
    ]
    return document, entries


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise config_error(path, ["không tìm thấy tệp"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise config_error(path, [f"không đọc được tệp ({type(error).__name__})"]) from None


def _entry_lines(root: Any) -> list[int]:
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "urls" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def raw_url(entry: Entry) -> str:
    if isinstance(entry.raw, str):
        return entry.raw
    if isinstance(entry.raw, dict):
        return next((str(k) for k in entry.raw if "://" in str(k)), "")
    return ""


def label(entry: Entry) -> str:
    """`schema://host` only: enough to find the entry, never a password or a token."""
    url = raw_url(entry)
    if "://" not in url:
        return "không có URL"
    scheme, rest = url.split("://", 1)
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rpartition("@")[2]
    return f"{scheme}://{host}"


def _load_entry(
    document: dict[str, Any], entry: Entry, asset: AppriseAsset
) -> tuple[list[NotifyBase], str | None]:
    url = raw_url(entry)
    if not url:
        return [], "không có URL dạng schema://…"
    schema = url.split("://", 1)[0].lower()
    if schema not in NotificationManager():
        return [], f"không có loại kênh '{schema}://' (gõ sai? ví dụ: mailtos://, zalo://, zns://)"
    with _explanations() as reasons:
        services = _parse_one(document, entry.raw, asset)
    if not services:
        why = f" Lý do: {scrub(reasons[-1], _url_secrets(url))}" if reasons else ""
        return [], "URL không dùng được; kiểm tra lại từng phần của URL." + why
    if any(not s.tags for s in services):
        return (
            services,
            "chưa có tag (mã cơ quan nhận), ví dụ 'tag: SNV'; mục này sẽ không được dùng",
        )
    return services, None


def _parse_one(document: dict[str, Any], raw: Any, asset: AppriseAsset) -> list[NotifyBase]:
    # Each entry is parsed alone, with the file's shared sections, so a failure can be
    # pinned to it: Apprise itself skips a bad entry and only logs it.
    shared: dict[str, Any] = {
        k: document[k] for k in ("version", "asset", "groups") if k in document
    }
    single_entry: dict[str, Any] = {**shared, "urls": [raw]}
    single = yaml.safe_dump(single_entry, allow_unicode=True, sort_keys=False)
    services, _ = ConfigBase.config_parse_yaml(single, asset=asset)
    return [s for s in services if isinstance(s, NotifyBase)]


def _url_secrets(url: str) -> set[str]:
    parts = urlsplit(url)
    found = {
        p for p in (parts.password, *re.findall(r"=([^&]+)", parts.query)) if p and len(p) >= 4
    }
    return found | {unquote(p) for p in found}


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _explanations() -> Iterator[list[str]]:
    handler = _Collect()
    loggers = [logging.getLogger(name) for name in _EXPLAINING_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def tags_of(services: Sequence[NotifyBase]) -> set[str]:
    """The agency tags of the services (the directory accounts' tag is not an agency's)."""
    return {str(t) for s in services for t in s.tags} - {DIRECTORY_TAG}
