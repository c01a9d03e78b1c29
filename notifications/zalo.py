"""Zalo as two Apprise plugins: OA text messages and ZNS template messages.

    zalo://{app_id}:{secret_key}@{oa_id}/{user_id}[/{user_id}...]
        ?api=https://openapi.zalo.me  &oauth=https://oauth.zaloapp.com  &mode=cs
    zns://{app_id}:{secret_key}@{oa_id}/{template_id}/{phone}[/{phone}...]
        ?zns=https://business.openapi.zalo.me  &oauth=...
        &title_param=title  &content_param=content  &title_max=30  &content_max=200
        &link_param=lien_ket   (optional: the template's URL parameter for the agency's link)

Importing this module registers both schemas with Apprise. Tokens come from the store set
with `configure(token_store=...)`; `url(privacy=True)` never shows the secret key, and no
log line carries the secret key or a token. A failed send returns False (Apprise's
contract) and leaves the reason on the plugin's `last_error` as a `ChannelError`.

Faults, and what follows from each:
    rate limit and other passing codes (-32, -100, …), HTTP 5xx/429, no connection
                                a transient error: the outbox retries with backoff
    a refresh whose answer was lost   recorded as in doubt (the pair may have rotated)
    the refresh token refused, or the token still refused after a refresh
                                the OA is flagged "cần cấp lại quyền": nothing more is sent
                                to it (no refresh per message) and its messages wait
    any other code              permanent, named in Vietnamese where Zalo documents it
Every message carries an identifier derived from the outbox message: ZNS its
`tracking_id`, OA text messages a short "Số hiệu" line, so a duplicate is recognisable.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, NoReturn
from urllib.parse import urlsplit

import requests
from apprise import NotificationManager, NotifyBase, NotifyType
from apprise.exception import AppriseImproperlyConfigured
from apprise.url import PrivacyMode
from urllib3.exceptions import NewConnectionError

from models.contacts import phone_of
from notifications.directory_routes import is_template
from notifications.email import current_envelope
from notifications.errors import ChannelError
from notifications.links import oa_button
from notifications.zalo_tokens import (
    AUTH_IN_DOUBT,
    AUTH_NEEDED,
    InMemoryTokenStore,
    LeaseTimeout,
    NoTokens,
    TokenPair,
    TokenStore,
    utc_now,
)

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://openapi.zalo.me"
DEFAULT_OAUTH_BASE = "https://oauth.zaloapp.com"
DEFAULT_ZNS_BASE = "https://business.openapi.zalo.me"
TEXT_LIMIT = 2000
# Leaves room for a "(99/99) " label plus some text in every part.
MIN_SPLIT_LIMIT = 16
# -216 / -220: the OA API's "access token invalid / expired"; -124: the same for ZNS.
TOKEN_ERRORS = frozenset({-216, -220, -124})
# Codes that pass if one waits: -32 the app's request rate limit, -100 ZNS "unknown
# error, try again later", -211 the OA's message quota (renewed by Zalo).
TRANSIENT_ERRORS = frozenset({-32, -100, -211})
# What the commonest permanent codes mean, for the coordinator.
ERROR_NAMES = {
    -32: "vượt giới hạn số yêu cầu của ứng dụng",
    -100: "lỗi không xác định phía Zalo",
    -201: "tham số không hợp lệ",
    -211: "hết hạn mức gửi tin của OA",
    -213: "người nhận chưa quan tâm OA",
    -216: "mã truy cập không hợp lệ",
    -220: "mã truy cập đã hết hạn",
    -124: "mã truy cập không hợp lệ",
}
# Zalo answers expires_in as a string of seconds (about 25 hours).
DEFAULT_EXPIRES_IN = 90000
USER_AGENT = "kehoach-zalo/1"


class ZaloAuthError(ChannelError):
    """The OA's tokens do not work; every other recipient of this OA fails the same way.
    A person must authorise the app again: messages wait for it (`needs_auth`)."""

    def __init__(self, message: str, permanent: bool = False, *, needs_auth: bool = True) -> None:
        super().__init__(message, permanent, needs_auth=needs_auth)


class AnswerLost(ChannelError):
    """A request reached (or may have reached) Zalo, and its answer never came back."""


_token_store: TokenStore = InMemoryTokenStore()


def configure(*, token_store: TokenStore) -> None:
    """Choose where token pairs live (the application wires `SqlTokenStore` at start-up)."""
    global _token_store
    _token_store = token_store


def current_token_store() -> TokenStore:
    return _token_store


# --- Pure helpers -------------------------------------------------------------------------


def compose(title: str, body: str) -> str:
    return f"{title}\n{body}" if title else body


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split at line boundaries into parts of at most `limit` characters, numbered "(1/3) "."""
    if limit < MIN_SPLIT_LIMIT:
        raise ValueError(f"limit must be at least {MIN_SPLIT_LIMIT}")
    if len(text) <= limit:
        return [text]
    count = 2
    while True:
        parts = _pack(text, limit - len(_label(count, count)))
        if len(parts) <= count:
            return [_label(i, len(parts)) + part for i, part in enumerate(parts, 1)]
        count = len(parts)


def _label(index: int, count: int) -> str:
    return f"({index}/{count}) "


def _pack(text: str, budget: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for line in _fit_lines(text.split("\n"), budget):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= budget:
            current = candidate
        else:
            parts.append(current)
            current = line
    return [*parts, current]


def _fit_lines(lines: list[str], budget: int) -> Iterator[str]:
    """Lines longer than the budget are cut at their last space that fits (or hard)."""
    for line in lines:
        while len(line) > budget:
            cut = line.rfind(" ", 0, budget + 1)
            cut = cut if cut > 0 else budget
            yield line[:cut].rstrip()
            line = line[cut:].lstrip()
        yield line


# One rule for what a Vietnamese phone number is: the directory's (models.contacts).
normalise_phone = phone_of


def tracking_id(phone: str, template_id: str, data: dict[str, str], key: str = "") -> str:
    """Same message to the same phone -> same id, so Zalo and we can recognise a retry.
    `key` is the outbox message's key: two messages with equal texts keep distinct ids."""
    canonical = json.dumps([phone, template_id, data, key], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def reference(key: str) -> str:
    """The line that ends an OA text message from the outbox: the message's short number."""
    return f"Số hiệu: {key[:12]}"


@dataclass(frozen=True)
class ZnsParams:
    """How a message fills a ZNS template.

    Defaults follow Zalo's parameter types: 30 characters is the limit of the short text
    types (custom label, code, customer name), 200 that of the longest free-text types
    (product/brand name, address). Set them to the template's own parameter settings.
    """

    title_name: str = "title"
    content_name: str = "content"
    title_max: int = 30
    content_max: int = 200
    # The template's parameter that takes the agency's signed page link (its button's URL);
    # empty: the template has none and the link goes out by e-mail and OA messages only.
    link_name: str = ""


def template_data(title: str, body: str, params: ZnsParams) -> dict[str, str]:
    heading = title or body.strip().split("\n", 1)[0]
    return {
        params.title_name: clip(heading, params.title_max),
        params.content_name: clip(body, params.content_max),
    }


def clip(text: str, limit: int) -> str:
    """One line (template parameters take no line breaks), cut with "…" when too long."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def mask_phone(phone: str) -> str:
    return f"…{phone[-4:]}"


# --- Zalo's HTTP API ----------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoints:
    api: str = DEFAULT_API_BASE
    oauth: str = DEFAULT_OAUTH_BASE
    zns: str = DEFAULT_ZNS_BASE


@dataclass(frozen=True)
class ZaloApp:
    app_id: str
    secret_key: str = field(repr=False)
    oa_id: str


class ZaloClient:
    """Calls Zalo with a valid access token: refreshes ahead of expiry, and once more when
    Zalo rejects the token, then retries the call once."""

    def __init__(
        self,
        app: ZaloApp,
        endpoints: Endpoints,
        store: TokenStore,
        *,
        timeout: tuple[float, float],
        verify: bool = True,
    ) -> None:
        self._app = app
        self._endpoints = endpoints
        self._store = store
        self._timeout = timeout
        self._verify = verify

    def post(self, url: str, payload: dict[str, Any], recipient: str) -> None:
        self._raise_if_awaiting_auth()
        pair = self._usable_pair()
        answer = self._post_json(url, pair.access_token, payload)
        code = error_code(answer)
        if code in TOKEN_ERRORS:
            cause = f"Zalo từ chối mã truy cập (lỗi {code})"
            pair = self._refresh(pair, cause)
            answer = self._post_json(url, pair.access_token, payload)
            self._raise_if_token_rejected(answer)
        raise_for_answer(answer, recipient)

    def exchange(self, pair: TokenPair) -> TokenPair:
        """Spend the refresh token for a new pair (the store calls this under its lock)."""
        log.info("Zalo: làm mới mã truy cập cho OA %s", self._app.oa_id)
        form = {
            "refresh_token": pair.refresh_token,
            "app_id": self._app.app_id,
            "grant_type": "refresh_token",
        }
        url = f"{self._endpoints.oauth}/v4/oa/access_token"
        try:
            answer = self._request(url, {"secret_key": self._app.secret_key}, data=form)
        except AnswerLost as error:
            # Zalo may have rotated the pair: the refresh token we hold may be spent.
            note = "Lần làm mới mã gần nhất không nhận được trả lời của Zalo; chưa rõ kết quả."
            self._store.mark(self._app.oa_id, AUTH_IN_DOUBT, note)
            raise ChannelError(f"{note} Sẽ thử lại sau.", permanent=False) from error
        try:
            return pair_from_answer(answer)
        except ZaloAuthError as error:
            self._flag(error.message)
            raise

    def _flag(self, message: str) -> None:
        self._store.mark(self._app.oa_id, AUTH_NEEDED, message)

    def _raise_if_awaiting_auth(self) -> None:
        state = self._store.auth_state(self._app.oa_id)
        if state.needs_auth:
            raise ZaloAuthError(
                f"OA {self._app.oa_id} cần cấp lại quyền cho ứng dụng Zalo; tin chờ gửi "
                f"đến khi cấp lại ({state.note or 'Zalo từ chối mã làm mới'})."
            )

    def _usable_pair(self) -> TokenPair:
        pair = self._store.get(self._app.oa_id)
        if pair is None:
            raise self._missing_tokens()
        if not pair.is_due(utc_now()):
            return pair
        try:
            return self._refresh(pair, f"Mã truy cập Zalo của OA {self._app.oa_id} sắp hết hạn")
        except ChannelError as error:
            # A passing refresh outage need not stop sends while the old token still lives.
            if error.permanent or error.needs_auth or pair.is_due(utc_now(), margin=timedelta(0)):
                raise
            log.warning("Zalo: %s Dùng tạm mã hiện tại.", error.message)
            return pair

    def _refresh(self, stale: TokenPair, cause: str) -> TokenPair:
        oa_id = self._app.oa_id
        try:
            return self._store.refresh(oa_id, self.exchange, stale_access_token=stale.access_token)
        except ChannelError as error:
            message = f"{cause} và làm mới mã thất bại: {error.message}"
            raise type(error)(
                message, permanent=error.permanent, needs_auth=error.needs_auth
            ) from error
        except LeaseTimeout as error:
            message = f"{cause}; tiến trình khác đang làm mới mã quá lâu. Sẽ thử lại sau."
            raise ChannelError(message, permanent=False) from error
        except NoTokens as error:
            raise self._missing_tokens() from error

    def _raise_if_token_rejected(self, answer: dict[str, Any]) -> None:
        code = error_code(answer)
        if code in TOKEN_ERRORS:
            message = (
                f"Zalo vẫn từ chối mã truy cập sau khi đã làm mới (lỗi {code}). "
                f"Cần cấp lại quyền cho ứng dụng Zalo của OA {self._app.oa_id}."
            )
            self._flag(message)
            raise ZaloAuthError(message)

    def _missing_tokens(self) -> ZaloAuthError:
        return ZaloAuthError(
            f"Chưa có mã truy cập Zalo cho OA {self._app.oa_id}; "
            "cần nạp cặp mã (access token, refresh token) ban đầu."
        )

    def _post_json(self, url: str, access_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        return self._request(url, {"access_token": access_token}, json=payload)

    def _request(self, url: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
        try:
            response = requests.post(
                url,
                headers={"User-Agent": USER_AGENT, **headers},
                timeout=self._timeout,
                verify=self._verify,
                # A redirect would forward the token headers to wherever it points.
                allow_redirects=False,
                **body,
            )
        except requests.RequestException as error:
            raise _request_error(error, url) from error
        return answer_of(response)


def _never_sent(error: requests.RequestException) -> bool:
    """No connection was made, so Zalo cannot have acted on the request."""
    if isinstance(error, requests.ConnectTimeout | requests.exceptions.InvalidURL):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError)


def _request_error(error: requests.RequestException, url: str) -> ChannelError:
    host = urlsplit(url).netloc
    name = type(error).__name__
    if _never_sent(error):
        return ChannelError(
            f"Không kết nối được tới Zalo ({host}): {name}. Sẽ thử lại sau.", permanent=False
        )
    # Sent, or perhaps sent: the answer is what was lost (read timeout, reset).
    return AnswerLost(
        f"Không nhận được trả lời của Zalo ({host}): {name}. Sẽ thử lại sau.", permanent=False
    )


def answer_of(response: requests.Response) -> dict[str, Any]:
    status = response.status_code
    if status >= 500 or status == 429:
        message = f"Zalo tạm thời không phản hồi (HTTP {status}). Sẽ thử lại sau."
        raise ChannelError(message, permanent=False)
    answer = _json_or_none(response)
    if answer is None:
        message = f"Zalo trả lời không đọc được (HTTP {status})."
        raise ChannelError(message, permanent=status != 200)
    if status != 200:
        detail = _detail(answer)
        raise ChannelError(f"Zalo từ chối yêu cầu (HTTP {status}{detail}).", permanent=True)
    return answer


def _json_or_none(response: requests.Response) -> dict[str, Any] | None:
    try:
        answer = response.json()
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def error_code(answer: dict[str, Any]) -> int:
    try:
        return int(answer.get("error", 0))
    except (TypeError, ValueError):
        return -1


def _detail(answer: dict[str, Any]) -> str:
    """Only the fields Zalo uses for errors, so a token in an answer is never echoed."""
    code = answer.get("error")
    if code is None:
        return ""
    text = answer.get("message") or answer.get("error_name") or answer.get("error_description")
    name = ERROR_NAMES.get(error_code(answer))
    told = f"{name}; Zalo: {str(text)[:200]}" if name and text else name or str(text)[:200]
    return f", lỗi {code}: {told}"


def raise_for_answer(answer: dict[str, Any], recipient: str) -> None:
    code = error_code(answer)
    if code == 0:
        return
    transient = code in TRANSIENT_ERRORS
    later = " Sẽ thử lại sau." if transient else ""
    raise ChannelError(
        f"Zalo không nhận tin gửi tới {recipient}{_detail(answer)}.{later}",
        permanent=not transient,
    )


def pair_from_answer(answer: dict[str, Any]) -> TokenPair:
    access, refresh = answer.get("access_token"), answer.get("refresh_token")
    if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
        code = answer.get("error", "?")
        reason = answer.get("error_name") or answer.get("error_description") or "không rõ"
        raise ZaloAuthError(
            f"Zalo từ chối làm mới mã (lỗi {code}: {str(reason)[:200]}); "
            "cần cấp lại quyền cho ứng dụng Zalo."
        )
    expires_in = _seconds(answer.get("expires_in"))
    return TokenPair.from_expires_in(access, refresh, expires_in, utc_now())


def _seconds(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return DEFAULT_EXPIRES_IN


# --- Apprise plugins ----------------------------------------------------------------------

# Apprise's self-description of the URLs (Apprise.details(), configuration tools).
Spec = dict[str, dict[str, Any]]
CREDENTIAL_TOKENS: Spec = {
    **NotifyBase.template_tokens,
    "app_id": {"name": "App ID", "type": "string", "required": True},
    "secret_key": {"name": "App Secret Key", "type": "string", "private": True, "required": True},
    "oa_id": {"name": "OA ID", "type": "string", "required": True},
}
COMMON_ARGS: Spec = {
    **NotifyBase.template_args,
    "oauth": {"name": "OAuth Base URL", "type": "string", "default": DEFAULT_OAUTH_BASE},
}
OA_TOKENS: Spec = {
    **CREDENTIAL_TOKENS,
    "targets": {"name": "User IDs", "type": "list:string", "required": True},
}
OA_ARGS: Spec = {
    **COMMON_ARGS,
    "api": {"name": "OA API Base URL", "type": "string", "default": DEFAULT_API_BASE},
    "mode": {"name": "Message Type", "type": "string", "default": "cs"},
}
ZNS_TOKENS: Spec = {
    **CREDENTIAL_TOKENS,
    "template_id": {"name": "Template ID", "type": "string", "required": True},
    "targets": {"name": "Phone Numbers", "type": "list:string", "required": True},
}
ZNS_ARGS: Spec = {
    **COMMON_ARGS,
    "zns": {"name": "ZNS API Base URL", "type": "string", "default": DEFAULT_ZNS_BASE},
    "title_param": {"name": "Title Parameter", "type": "string", "default": "title"},
    "content_param": {"name": "Content Parameter", "type": "string", "default": "content"},
    "title_max": {"name": "Title Max Length", "type": "int", "min": 2, "default": 30},
    "content_max": {"name": "Content Max Length", "type": "int", "min": 2, "default": 200},
    "link_param": {"name": "Link Parameter", "type": "string", "default": ""},
}


class ZaloPluginBase(NotifyBase):
    """What both Zalo URLs share: credentials, endpoints, error recording."""

    service_url = "https://developers.zalo.me/"  # type: ignore[assignment]
    template_tokens = CREDENTIAL_TOKENS
    template_args = COMMON_ARGS
    # Seconds between two sends of one plugin instance (Apprise's throttle()); 0 disables.
    request_rate_per_sec = 0.2
    # Overridable for one instance (tests, or a second database); else `configure()`'s.
    token_store: TokenStore | None = None

    def __init__(
        self,
        app_id: str | None = None,
        secret_key: str | None = None,
        oa_id: str | None = None,
        api: str | None = None,
        oauth: str | None = None,
        zns: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.app = ZaloApp(
            _required(app_id, "app_id (phần trước dấu :)"),
            _required(secret_key, "secret_key (phần giữa dấu : và @)"),
            _required(oa_id, "OA ID (phần sau dấu @)"),
        )
        self.endpoints = Endpoints(
            api=_base_url(api, DEFAULT_API_BASE),
            oauth=_base_url(oauth, DEFAULT_OAUTH_BASE),
            zns=_base_url(zns, DEFAULT_ZNS_BASE),
        )
        self.last_error: ChannelError | None = None
        self.accepted_targets: set[str] = set()

    def notify(self, *args: Any, **kwargs: Any) -> bool:
        self.last_error = None
        self.accepted_targets = set()
        return super().notify(*args, **kwargs)

    async def async_notify(self, *args: Any, **kwargs: Any) -> bool:
        self.last_error = None
        self.accepted_targets = set()
        return await super().async_notify(*args, **kwargs)

    def held_secrets(self) -> set[str]:
        """The OA's current tokens: an error text must never carry them (see sender.scrub)."""
        pair = (self.token_store or current_token_store()).get(self.app.oa_id)
        return set() if pair is None else {pair.access_token, pair.refresh_token}

    def privacy_url(self) -> str:
        return self.url(privacy=True)

    def client(self) -> ZaloClient:
        store = self.token_store or current_token_store()
        return ZaloClient(
            self.app,
            self.endpoints,
            store,
            timeout=self.request_timeout,
            verify=self.verify_certificate,
        )

    def each_target(self, targets: list[str], deliver: Callable[[str], None]) -> bool:
        """Deliver to every target; one failing target does not stop the others, except
        when the OA's tokens are broken, which would fail all of them the same way."""
        envelope = current_envelope()
        done = envelope.accepted_by(self.url(privacy=True)) if envelope else frozenset()
        ok = True
        for target in targets:
            if target in done:  # accepted on an earlier attempt of this outbox message
                self.accepted_targets.add(target)
                continue
            try:
                deliver(target)
                self.accepted_targets.add(target)
            except ChannelError as error:
                ok = False
                self.record(error)
                if isinstance(error, ZaloAuthError):
                    break
        return ok

    def record(self, error: ChannelError) -> None:
        self.last_error = error
        self.logger.warning("%s: %s", self.service_name, error.message)

    def credentials_url(self, privacy: bool) -> str:
        secret = self.pprint(self.app.secret_key, privacy, mode=PrivacyMode.Secret, safe="")
        app_id = self.quote(self.app.app_id, safe="")
        return f"{self.secure_protocol}://{app_id}:{secret}@{self.quote(self.app.oa_id, safe='')}"

    @property
    def url_identifier(self) -> tuple[str, ...]:  # type: ignore[override]
        return (str(self.secure_protocol), self.app.app_id, self.app.secret_key, self.app.oa_id)


def _bad_config(what: str) -> NoReturn:
    # Raised from __init__, never from parse_url(): Apprise turns it into add() -> False.
    message = f"URL Zalo thiếu hoặc sai {what}."
    log.warning(message)
    raise AppriseImproperlyConfigured(message)


def _required(value: str | None, what: str) -> str:
    return value if value else _bad_config(what)


def _base_url(value: str | None, default: str) -> str:
    if not value:
        return default
    if not re.match(r"https?://[^/\s]+", value):
        _bad_config(f"địa chỉ máy chủ ({value!r}, cần http:// hoặc https://)")
    return value.rstrip("/")


def parse_common(url: str) -> dict[str, Any] | None:
    results = NotifyBase.parse_url(url, verify_host=False)
    if not results:
        return results
    query = results["qsd"]
    results.update(
        app_id=NotifyBase.unquote(results["user"] or ""),
        secret_key=NotifyBase.unquote(results["password"] or ""),
        oa_id=NotifyBase.unquote(results["host"] or ""),
        path=NotifyBase.split_path(results["fullpath"]),
        **{name: query[name] for name in ("api", "oauth", "zns") if name in query},
    )
    return results


def endpoint_params(endpoints: Endpoints, names: tuple[str, ...]) -> dict[str, str]:
    defaults = Endpoints()
    return {
        name: getattr(endpoints, name)
        for name in names
        if getattr(endpoints, name) != getattr(defaults, name)
    }


class NotifyZalo(ZaloPluginBase):
    """OA consultation ("cs") text messages to the users who follow the OA."""

    service_name = "Zalo OA"  # type: ignore[assignment]
    secure_protocol = "zalo"  # type: ignore[assignment]
    templates = ("{schema}://{app_id}:{secret_key}@{oa_id}/{targets}",)  # type: ignore[assignment]
    template_tokens = OA_TOKENS
    template_args = OA_ARGS

    def __init__(
        self, targets: list[str] | None = None, mode: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.targets = [t for t in (targets or []) if t]
        if not self.targets and not is_template(self):
            _bad_config("user_id người nhận (sau OA ID, ví dụ /1234567890)")
        self.mode = mode or "cs"
        if not re.fullmatch(r"[a-z_]+", self.mode):
            _bad_config(f"loại tin (mode={self.mode!r})")

    def send(
        self, body: str, title: str = "", notify_type: NotifyType = NotifyType.INFO, **kwargs: Any
    ) -> bool:
        envelope = current_envelope()
        text = compose(title, body)
        if envelope is not None:
            text = f"{text}\n{reference(envelope.key)}"
        parts = split_text(text)
        link = envelope.link if envelope is not None else ""
        client = self.client()
        return self.each_target(
            self.targets, lambda user: self._send_parts(client, user, parts, link)
        )

    def _send_parts(
        self, client: ZaloClient, user_id: str, parts: list[str], link: str = ""
    ) -> None:
        url = f"{self.endpoints.api}/v3.0/oa/message/{self.mode}"
        for index, part in enumerate(parts):
            # With Apprise's ?retry=N, a retry skips the parts that already arrived.
            if self.is_delivered((user_id, index)):
                continue
            self.throttle()
            message: dict[str, Any] = {"text": part}
            if link and index == len(parts) - 1:
                message["attachment"] = oa_button(link)  # the agency's page, on the last part
            payload = {"recipient": {"user_id": user_id}, "message": message}
            client.post(url, payload, recipient=f"user_id {user_id}")
            self.mark_delivered((user_id, index))
        self.logger.info("Zalo OA: đã gửi %d phần tới user_id %s", len(parts), user_id)

    def url(self, privacy: bool = False, *args: Any, **kwargs: Any) -> str:
        params = {"mode": self.mode, **endpoint_params(self.endpoints, ("api", "oauth"))}
        params.update(self.url_parameters(privacy=privacy, **kwargs))
        targets = "/".join(self.quote(t, safe="") for t in self.targets)
        return f"{self.credentials_url(privacy)}/{targets}?{self.urlencode(params)}"

    def __len__(self) -> int:
        return len(self.targets)

    @staticmethod
    def parse_url(
        url: str,
        verify_host: bool = True,
        plus_to_space: bool = False,
        strict_port: bool = False,
        sanitize: bool = True,
    ) -> dict[str, Any] | None:
        results = parse_common(url)
        if results:
            results["targets"] = results.pop("path")
            results["mode"] = results["qsd"].get("mode")
        return results


ZNS_QUERY_ARGS = ("title_param", "content_param", "title_max", "content_max", "link_param")


class NotifyZaloZns(ZaloPluginBase):
    """ZNS template messages to phone numbers (no need to follow the OA)."""

    service_name = "Zalo ZNS"  # type: ignore[assignment]
    secure_protocol = "zns"  # type: ignore[assignment]
    templates = ("{schema}://{app_id}:{secret_key}@{oa_id}/{template_id}/{targets}",)  # type: ignore[assignment]
    template_tokens = ZNS_TOKENS
    template_args = ZNS_ARGS

    def __init__(
        self,
        template_id: str | None = None,
        targets: list[str] | None = None,
        title_param: str | None = None,
        content_param: str | None = None,
        title_max: str | int | None = None,
        content_max: str | int | None = None,
        link_param: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.template_id = _required(template_id, "template_id (sau OA ID)")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", self.template_id):
            _bad_config(f"template_id ({self.template_id!r})")
        self.phones = [_phone_or_fail(raw) for raw in targets or []]
        if not self.phones and not is_template(self):
            _bad_config("số điện thoại người nhận (sau template_id)")
        self.params = ZnsParams(
            title_name=title_param or ZnsParams.title_name,
            content_name=content_param or ZnsParams.content_name,
            title_max=_limit(title_max, ZnsParams.title_max, "title_max"),
            content_max=_limit(content_max, ZnsParams.content_max, "content_max"),
            link_name=link_param or "",
        )

    def send(
        self, body: str, title: str = "", notify_type: NotifyType = NotifyType.INFO, **kwargs: Any
    ) -> bool:
        data = template_data(title, body, self.params)
        envelope = current_envelope()
        if self.params.link_name and envelope is not None and envelope.link:
            data[self.params.link_name] = envelope.link
        client = self.client()
        return self.each_target(self.phones, lambda phone: self._send_one(client, phone, data))

    def _send_one(self, client: ZaloClient, phone: str, data: dict[str, str]) -> None:
        if self.is_delivered(phone):
            return
        self.throttle()
        envelope = current_envelope()
        key = envelope.key if envelope else ""
        payload = {
            "phone": phone,
            "template_id": self.template_id,
            "template_data": data,
            # The link is fresh on every attempt; a retry must keep the same tracking id.
            "tracking_id": tracking_id(phone, self.template_id, self._stable(data), key),
        }
        url = f"{self.endpoints.zns}/message/template"
        client.post(url, payload, recipient=f"số {mask_phone(phone)}")
        self.mark_delivered(phone)
        self.logger.info("Zalo ZNS: đã gửi mẫu %s tới số %s", self.template_id, mask_phone(phone))

    def _stable(self, data: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in data.items() if k != self.params.link_name}

    def url(self, privacy: bool = False, *args: Any, **kwargs: Any) -> str:
        params = {**self._param_args(), **endpoint_params(self.endpoints, ("zns", "oauth"))}
        params.update(self.url_parameters(privacy=privacy, **kwargs))
        phones = "/".join(
            self.pprint(p, privacy, mode=PrivacyMode.Tail, safe="") for p in self.phones
        )
        path = f"{self.quote(self.template_id, safe='')}/{phones}"
        return f"{self.credentials_url(privacy)}/{path}?{self.urlencode(params)}"

    def _param_args(self) -> dict[str, str]:
        p = self.params
        return {
            "title_param": p.title_name,
            "content_param": p.content_name,
            "title_max": str(p.title_max),
            "content_max": str(p.content_max),
            **({"link_param": p.link_name} if p.link_name else {}),
        }

    def __len__(self) -> int:
        return len(self.phones)

    @staticmethod
    def parse_url(
        url: str,
        verify_host: bool = True,
        plus_to_space: bool = False,
        strict_port: bool = False,
        sanitize: bool = True,
    ) -> dict[str, Any] | None:
        results = parse_common(url)
        if results:
            path = results.pop("path")
            results["template_id"] = path[0] if path else None
            results["targets"] = path[1:]
            results.update({k: v for k, v in results["qsd"].items() if k in ZNS_QUERY_ARGS})
        return results


def _phone_or_fail(raw: str) -> str:
    phone = normalise_phone(raw)
    return phone if phone else _bad_config(f"số điện thoại ({mask_phone(raw)})")


def _limit(value: str | int | None, default: int, name: str) -> int:
    if value is None or value == "":
        return default
    try:
        limit = int(value)
    except ValueError:
        _bad_config(f"{name} (cần số nguyên, nhận {value!r})")
    return limit if limit >= 2 else _bad_config(f"{name} (cần ít nhất 2)")


def _register(*plugins: type[NotifyBase]) -> None:
    manager = NotificationManager()
    for plugin in plugins:
        schema = plugin.secure_protocol
        if schema not in manager or manager[schema] is not plugin:
            # force: a reloaded module replaces its own earlier classes.
            manager.add(plugin, force=True)


_register(NotifyZalo, NotifyZaloZns)
