"""The Zalo channel against a real HTTP stand-in for Zalo on loopback."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode

import apprise
import pytest
import requests
from sqlalchemy import Engine, create_engine

from notifications import zalo
from notifications.zalo import (
    ChannelError,
    NotifyZalo,
    NotifyZaloZns,
    ZaloPluginBase,
    normalise_phone,
    split_text,
    tracking_id,
)
from notifications.zalo_tokens import (
    TABLE,
    InMemoryTokenStore,
    LeaseTimeout,
    NoTokens,
    Refresher,
    SqlTokenStore,
    TokenPair,
    TokenStore,
)
from tests.notifications.zalo_standin import How, ZaloStandIn

OA_ID = "1122334455667788990"
USER = "8351234567890123456"
T0 = datetime(2025, 10, 13, 8, 30, tzinfo=UTC)
T = TypeVar("T")


@pytest.fixture
def standin() -> Iterator[ZaloStandIn]:
    with ZaloStandIn() as server:
        yield server


@pytest.fixture
def store(standin: ZaloStandIn) -> InMemoryTokenStore:
    store = InMemoryTokenStore()
    store.put(OA_ID, valid_pair(standin))
    return store


@pytest.fixture(autouse=True)
def wired(store: InMemoryTokenStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # No pause between sends (Apprise's throttle) so the suite stays fast.
    monkeypatch.setattr(ZaloPluginBase, "request_rate_per_sec", 0)
    previous = zalo.current_token_store()
    zalo.configure(token_store=store)
    yield
    zalo.configure(token_store=previous)


def valid_pair(standin: ZaloStandIn, expires_in: timedelta = timedelta(hours=25)) -> TokenPair:
    access, refresh = standin.tokens()
    return TokenPair(access, refresh, datetime.now(UTC) + expires_in)


def zalo_url(standin: ZaloStandIn, *users: str, **args: str) -> str:
    query = urlencode({"api": standin.base_url, "oauth": standin.base_url, **args})
    path = "/".join(users or (USER,))
    return f"zalo://{standin.app_id}:{standin.secret_key}@{OA_ID}/{path}?{query}"


def zns_url(standin: ZaloStandIn, template_id: str, *phones: str) -> str:
    query = urlencode({"zns": standin.base_url, "oauth": standin.base_url})
    return f"zns://{standin.app_id}:{standin.secret_key}@{OA_ID}/{template_id}/{'/'.join(phones)}?{query}"


def plugin_for(url: str) -> ZaloPluginBase:
    plugin = apprise.Apprise.instantiate(url)
    assert isinstance(plugin, ZaloPluginBase)
    return plugin


def send(
    url: str, body: str, title: str = "", store: TokenStore | None = None
) -> tuple[apprise.AppriseResult, ZaloPluginBase]:
    plugin = plugin_for(url)
    plugin.token_store = store
    notifier = apprise.Apprise()
    notifier.add(plugin)
    return notifier.notify(body, title=title), plugin


# --- OA text messages ----------------------------------------------------------------------


def test_a_vietnamese_text_reaches_the_right_user_id_intact(standin: ZaloStandIn) -> None:
    title = "Nhắc việc: báo cáo quý III"
    body = "Sở Tài chính nộp báo cáo trước 17 giờ ngày 15/10. Đề nghị khẩn trương thực hiện."

    result, plugin = send(zalo_url(standin), body, title)

    assert result and plugin.last_error is None
    assert standin.texts_to(USER) == [f"{title}\n{body}"]
    (request,) = standin.of_kind("message")
    assert request.path == "/v3.0/oa/message/cs"
    assert request.headers["access_token"] == standin.tokens()[0]


def test_every_user_id_of_a_url_gets_the_message(standin: ZaloStandIn) -> None:
    result, _ = send(zalo_url(standin, "111", "222"), "Họp giao ban lúc 8 giờ.")

    assert result
    assert standin.texts_to("111") == standin.texts_to("222") == ["Họp giao ban lúc 8 giờ."]


def test_a_long_digest_is_split_into_numbered_parts_in_order(standin: ZaloStandIn) -> None:
    lines = [f"{n:03d}. Phường Đô Vinh: cập nhật tiến độ nhiệm vụ số {n}" for n in range(120)]
    digest = "\n".join(lines)

    result, _ = send(zalo_url(standin), digest)

    parts = standin.texts_to(USER)
    assert result and len(parts) == 4
    assert all(len(part) <= 2000 for part in parts)
    assert [part[:6] for part in parts] == ["(1/4) ", "(2/4) ", "(3/4) ", "(4/4) "]
    assert "\n".join(part[6:] for part in parts) == digest


def test_splitting_keeps_short_text_whole_and_cuts_an_overlong_line_at_a_space() -> None:
    assert split_text("ngắn gọn", limit=20) == ["ngắn gọn"]
    parts = split_text("một hai ba bốn năm sáu bảy tám", limit=16)
    assert all(len(part) <= 16 for part in parts)
    assert " ".join(part.split(" ", 1)[1] for part in parts) == "một hai ba bốn năm sáu bảy tám"


# --- Tokens ----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [-216, -220])
def test_a_rejected_token_is_refreshed_once_and_the_message_retried(
    standin: ZaloStandIn, store: InMemoryTokenStore, code: int
) -> None:
    standin.expire_access_token(code)

    result, plugin = send(zalo_url(standin), "Nhắc hạn nộp hồ sơ.")

    assert result and plugin.last_error is None
    assert standin.refresh_attempts == 1
    assert [r.answer["error"] for r in standin.of_kind("message")] == [code, 0]
    stored = store.get(OA_ID)
    assert stored is not None
    assert (stored.access_token, stored.refresh_token) == standin.tokens()
    assert stored.expires_at > datetime.now(UTC) + timedelta(hours=24)


def test_the_refresh_request_carries_the_secret_header_and_form_fields(
    standin: ZaloStandIn,
) -> None:
    _, spent = standin.tokens()
    standin.expire_access_token()

    send(zalo_url(standin), "Nhắc việc.")

    (refresh,) = standin.of_kind("refresh")
    assert refresh.headers["secret_key"] == standin.secret_key
    assert refresh.form == {
        "refresh_token": spent,
        "app_id": standin.app_id,
        "grant_type": "refresh_token",
    }


def test_a_token_about_to_expire_is_refreshed_before_sending(
    standin: ZaloStandIn, store: InMemoryTokenStore
) -> None:
    store.put(OA_ID, valid_pair(standin, expires_in=timedelta(minutes=2)))

    result, _ = send(zalo_url(standin), "Nhắc việc.")

    assert result and standin.refresh_count == 1
    assert [r.answer["error"] for r in standin.of_kind("message")] == [0]


def test_a_refresh_outage_shortly_before_expiry_still_sends_with_the_current_token(
    standin: ZaloStandIn, store: InMemoryTokenStore
) -> None:
    store.put(OA_ID, valid_pair(standin, expires_in=timedelta(minutes=2)))
    standin.outage(kind="refresh", how=503)

    result, _ = send(zalo_url(standin), "Nhắc việc.")

    assert result and standin.texts_to(USER) == ["Nhắc việc."]
    assert standin.refresh_count == 0


def test_a_refused_refresh_flags_the_oa_for_reauthorisation_with_a_vietnamese_reason(
    standin: ZaloStandIn, store: InMemoryTokenStore
) -> None:
    access, _ = standin.tokens()
    store.put(OA_ID, TokenPair(access, "RT-da-dung-roi", datetime.now(UTC) + timedelta(hours=1)))
    standin.expire_access_token(-216)

    result, plugin = send(zalo_url(standin), "Nhắc việc.")

    assert not result
    error = plugin.last_error
    # Issue 8: the messages wait for a person to authorise the app again, not fail.
    assert error is not None and error.needs_auth and not error.permanent
    assert error.message.startswith("Zalo từ chối mã truy cập (lỗi -216) và làm mới mã thất bại")
    assert any(error.message in entry.message for entry in result.logs())
    assert store.auth_state(OA_ID).needs_auth


def test_a_token_still_rejected_after_refresh_waits_for_reauthorisation(
    standin: ZaloStandIn,
) -> None:
    standin.fail_next(2, kind="message", how=-216)

    result, plugin = send(zalo_url(standin), "Nhắc việc.")

    assert not result and standin.refresh_count == 1
    # Issue 8: waiting for re-authorisation, not a permanent failure.
    assert plugin.last_error is not None and plugin.last_error.needs_auth
    assert "vẫn từ chối mã truy cập" in plugin.last_error.message


def test_no_stored_token_pair_waits_for_reauthorisation(standin: ZaloStandIn) -> None:
    result, plugin = send(zalo_url(standin), "Nhắc việc.", store=InMemoryTokenStore())

    assert not result and plugin.last_error is not None
    assert plugin.last_error.needs_auth and "Chưa có mã truy cập Zalo" in plugin.last_error.message
    assert standin.requests == []


def test_two_threads_on_an_expired_token_refresh_it_exactly_once(standin: ZaloStandIn) -> None:
    standin.refresh_delay = 0.3
    standin.expire_access_token()

    results = run_together(lambda user: send(zalo_url(standin, user), "Nhắc việc."), "111", "222")

    assert all(result for result, _ in results)
    assert standin.refresh_attempts == 1
    assert standin.texts_to("111") == standin.texts_to("222") == ["Nhắc việc."]


@pytest.fixture
def engines(database_url: str) -> Iterator[tuple[Engine, Engine]]:
    """Two engines on one database (SQLite file or PostgreSQL, from tests/conftest.py), as
    two processes would have."""
    first, second = create_engine(database_url), create_engine(database_url)
    TABLE.drop(first, checkfirst=True)
    TABLE.create(first)
    yield first, second
    TABLE.drop(first)
    first.dispose()
    second.dispose()


def test_two_processes_sharing_a_database_refresh_an_expired_token_exactly_once(
    standin: ZaloStandIn, engines: tuple[Engine, Engine]
) -> None:
    first, second = SqlTokenStore(engines[0]), SqlTokenStore(engines[1])
    first.put(OA_ID, valid_pair(standin))
    standin.refresh_delay = 0.3
    standin.expire_access_token()
    stores = {"111": first, "222": second}

    results = run_together(
        lambda user: send(zalo_url(standin, user), "Nhắc việc.", store=stores[user]), *stores
    )

    assert all(result for result, _ in results)
    assert standin.refresh_attempts == 1
    for store in stores.values():
        stored = store.get(OA_ID)
        assert stored is not None and stored.access_token == standin.tokens()[0]


def run_together(action: Callable[[str], T], *users: str) -> list[T]:
    barrier = threading.Barrier(len(users))
    results: dict[str, T] = {}

    def run(user: str) -> None:
        barrier.wait()
        results[user] = action(user)

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return [results[user] for user in users]


# --- Token stores on their own ---------------------------------------------------------------


def refresher_counting(calls: list[TokenPair], serial: str = "2") -> Refresher:
    def refresh(pair: TokenPair) -> TokenPair:
        calls.append(pair)
        return TokenPair(f"AT-{serial}", f"RT-{serial}", T0 + timedelta(hours=25))

    return refresh


def test_a_refresh_already_done_by_someone_else_is_reused() -> None:
    store = InMemoryTokenStore(clock=lambda: T0)
    store.put(OA_ID, TokenPair("AT-2", "RT-2", T0 + timedelta(hours=25)))
    calls: list[TokenPair] = []

    pair = store.refresh(OA_ID, refresher_counting(calls, "3"), stale_access_token="AT-1")

    assert calls == [] and pair.access_token == "AT-2"


def test_the_sql_store_round_trips_aware_utc_times(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path)
    store = SqlTokenStore(engine)
    saigon = datetime(2025, 10, 13, 22, 30, tzinfo=timezone(timedelta(hours=7)))

    store.put(OA_ID, TokenPair("AT-1", "RT-1", saigon))

    stored = store.get(OA_ID)
    assert stored is not None and stored.expires_at == saigon
    assert stored.expires_at.utcoffset() == timedelta(0)


def test_a_live_lease_held_elsewhere_makes_the_sql_store_wait_then_give_up(
    tmp_path: Path,
) -> None:
    engine = sqlite_engine(tmp_path)
    holder = SqlTokenStore(engine, clock=lambda: T0)
    holder.put(OA_ID, TokenPair("AT-1", "RT-1", T0 - timedelta(minutes=1)))
    assert holder._try_lease(OA_ID, "someone-else")
    waiter = SqlTokenStore(engine, clock=lambda: T0, wait=timedelta(seconds=0.2))

    with pytest.raises(LeaseTimeout):
        waiter.refresh(OA_ID, refresher_counting([]))


def test_a_lease_left_by_a_crashed_process_is_taken_over_after_it_lapses(
    tmp_path: Path,
) -> None:
    engine = sqlite_engine(tmp_path)
    crashed = SqlTokenStore(engine, clock=lambda: T0)
    crashed.put(OA_ID, TokenPair("AT-1", "RT-1", T0 - timedelta(minutes=1)))
    assert crashed._try_lease(OA_ID, "crashed")
    later = SqlTokenStore(engine, clock=lambda: T0 + timedelta(minutes=2))
    calls: list[TokenPair] = []

    pair = later.refresh(OA_ID, refresher_counting(calls))

    assert len(calls) == 1 and pair.access_token == "AT-2"


def test_a_failing_refresher_releases_the_sql_lease(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path)
    store = SqlTokenStore(engine, clock=lambda: T0, wait=timedelta(seconds=0.2))
    store.put(OA_ID, TokenPair("AT-1", "RT-1", T0 - timedelta(minutes=1)))

    def failing(pair: TokenPair) -> TokenPair:
        raise ChannelError("Zalo từ chối làm mới mã", permanent=True)

    with pytest.raises(ChannelError):
        store.refresh(OA_ID, failing)
    assert store.refresh(OA_ID, refresher_counting([])).access_token == "AT-2"


def test_refreshing_an_oa_without_tokens_raises_no_tokens(tmp_path: Path) -> None:
    with pytest.raises(NoTokens):
        SqlTokenStore(sqlite_engine(tmp_path)).refresh(OA_ID, refresher_counting([]))
    with pytest.raises(NoTokens):
        InMemoryTokenStore().refresh(OA_ID, refresher_counting([]))


def sqlite_engine(tmp_path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{tmp_path / 'tokens.db'}")
    TABLE.create(engine)
    return engine


# --- ZNS -------------------------------------------------------------------------------------


def test_zns_sends_phone_template_data_and_a_stable_tracking_id(standin: ZaloStandIn) -> None:
    url = zns_url(standin, "231677", "0912 345 678")
    title = "Hạn chót nộp báo cáo tổng kết năm của Ủy ban nhân dân"

    for _ in range(2):
        assert send(url, "Báo cáo tổng kết năm 2025.\nHạn: 20/12.", title)[0]
    assert send(url, "Báo cáo khác.", title)[0]

    first, again, other = (r.json for r in standin.delivered("zns"))
    assert first["phone"] == "84912345678" and first["template_id"] == "231677"
    assert first["template_data"] == {
        "title": "Hạn chót nộp báo cáo tổng kết…",
        "content": "Báo cáo tổng kết năm 2025. Hạn: 20/12.",
    }
    assert first["tracking_id"] == again["tracking_id"] != other["tracking_id"]


def test_zns_parameter_names_and_limits_come_from_the_url(standin: ZaloStandIn) -> None:
    url = zns_url(standin, "231677", "84912345678") + "&title_param=task&content_param=note"

    assert send(url + "&content_max=10", "Nộp báo cáo tháng.", "Nhắc việc")[0]

    (request,) = standin.delivered("zns")
    assert request.json["template_data"] == {"task": "Nhắc việc", "note": "Nộp báo c…"}


def test_a_rejected_zns_token_is_refreshed_and_retried(standin: ZaloStandIn) -> None:
    standin.expire_access_token(-124)

    result, _ = send(zns_url(standin, "231677", "0912345678"), "Nhắc việc.", "Nhắc")

    assert result and standin.refresh_count == 1
    assert [r.answer["error"] for r in standin.of_kind("zns")] == [-124, 0]


def test_phones_are_normalised_to_the_84_form() -> None:
    assert normalise_phone("0912 345 678") == "84912345678"
    assert normalise_phone("+84 912.345.678") == "84912345678"
    assert normalise_phone("912345678") == "84912345678"
    assert normalise_phone("12345") is None
    assert tracking_id("84912345678", "1", {"a": "b"}) == tracking_id(
        "84912345678", "1", {"a": "b"}
    )


# --- Outages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("how", [503, "drop"])
def test_an_outage_is_a_non_permanent_failure(standin: ZaloStandIn, how: How) -> None:
    standin.outage(how=how)

    result, plugin = send(zalo_url(standin), "Nhắc việc.")

    assert not result
    assert plugin.last_error is not None and not plugin.last_error.permanent
    assert "Sẽ thử lại sau" in plugin.last_error.message


def test_an_outage_during_refresh_is_not_permanent(standin: ZaloStandIn) -> None:
    standin.expire_access_token()
    standin.outage(kind="refresh", how=503)

    result, plugin = send(zalo_url(standin), "Nhắc việc.")

    assert not result and plugin.last_error is not None
    assert not plugin.last_error.permanent
    assert "làm mới mã thất bại" in plugin.last_error.message


def test_an_apprise_retry_after_a_brief_outage_delivers_each_part_once(
    standin: ZaloStandIn,
) -> None:
    digest = "\n".join(f"Dòng {n}: " + " ".join(["nội dung"] * 20) for n in range(30))
    standin.fail_next(1, kind="message", how=503, after=1)  # the second part fails once

    result, plugin = send(zalo_url(standin, retry="1", wait="0"), digest)

    assert result and plugin.last_error is None
    assert standin.texts_to(USER) == split_text(digest) and len(split_text(digest)) == 3
    assert [r.status for r in standin.of_kind("message")] == [200, 503, 200, 200]


# --- Secrets -------------------------------------------------------------------------------


def test_neither_the_secret_key_nor_any_token_shows_in_urls_or_logs(
    standin: ZaloStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    standin.expire_access_token()
    ok, plugin = send(zalo_url(standin), "Nhắc việc.")
    standin.expire_access_token()
    standin.outage(kind="refresh", how=-14014)
    failed, _ = send(zalo_url(standin), "Nhắc việc.")
    apprise.Apprise().add(zalo_url(standin).replace(f"@{OA_ID}", "@"))

    secrets = [standin.secret_key, *standin.issued_tokens()]
    seen = [
        caplog.text,
        plugin.privacy_url(),
        plugin.url(privacy=True),
        *(r.url for r in (*ok, *failed)),
        *(e.message for e in (*ok.logs(), *failed.logs())),
        repr(valid_pair(standin)),
    ]
    assert ok and not failed and len(secrets) > 2
    assert not [s for s in secrets if any(s in text for text in seen)]
    assert "****" in plugin.privacy_url()


# --- Loading through Apprise ------------------------------------------------------------------


def test_apprise_accepts_both_urls_once_the_module_is_imported(standin: ZaloStandIn) -> None:
    notifier = apprise.Apprise()

    assert notifier.add(zalo_url(standin, "111", "222"), tag="so-tai-chinh")
    assert notifier.add(zns_url(standin, "231677", "0912345678"), tag="so-tai-chinh")

    zalo_plugin, zns_plugin = notifier
    assert isinstance(zalo_plugin, NotifyZalo) and isinstance(zns_plugin, NotifyZaloZns)
    assert zalo_plugin.targets == ["111", "222"] and zns_plugin.phones == ["84912345678"]
    # url() without privacy round-trips
    assert apprise.Apprise().add([zalo_plugin.url(), zns_plugin.url()])


@pytest.mark.parametrize(
    "url",
    [
        "zalo://3012:bi-mat@/8351234",  # no oa_id
        "zalo://3012:bi-mat@1122334455",  # no user_id
        "zalo://3012@1122334455/8351234",  # no secret key
        "zalo://3012:bi-mat@1122334455/8351234?api=ftp://zalo",  # not an HTTP base
        "zns://3012:bi-mat@1122334455/231677",  # no phone
        "zns://3012:bi-mat@1122334455/231677/12345",  # not a phone number
        "zns://3012:bi-mat@1122334455/231677/0912345678?title_max=many",
    ],
)
def test_apprise_rejects_malformed_urls_at_load_time(url: str) -> None:
    assert not apprise.Apprise().add(url)


# --- The stand-in itself ------------------------------------------------------------------


def test_the_standin_refuses_requests_of_the_wrong_shape(standin: ZaloStandIn) -> None:
    message_url = f"{standin.base_url}/v3.0/oa/message/cs"
    good = {"recipient": {"user_id": USER}, "message": {"text": "x"}}
    access, _ = standin.tokens()

    no_token = requests.post(message_url, json=good, timeout=5)
    too_long = {"recipient": {"user_id": USER}, "message": {"text": "x" * 2001}}
    long_text = requests.post(
        message_url, json=too_long, headers={"access_token": access}, timeout=5
    )
    no_user = requests.post(message_url, json={"message": {"text": "x"}}, timeout=5)
    no_secret = requests.post(f"{standin.base_url}/v4/oa/access_token", data={}, timeout=5)

    assert [r.status_code for r in (no_token, long_text, no_user, no_secret)] == [400] * 4
    assert standin.delivered() == []
