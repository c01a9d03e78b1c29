"""Issue 8's fault scenarios against a real SMTP server and a Zalo stand-in, on SQLite and
PostgreSQL: each asserts the figures sent, duplicates, lost and failed-listed.

The seed plan on 15/04/2024 08:00 gives one digest to each of its 34 agencies.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from flows import sending
from kehoach.services.context import AppContext
from kehoach.services.sweep import SweepResult, release_needs_auth, resend, sweep
from kehoach.store.outbox_tables import MessageState
from notifications.email import NotifyKehoachEmail, SmtpTimeouts
from notifications.zalo_tokens import SqlTokenStore, TokenPair
from tests.notifications.faults.conftest import AGENCIES, Figures, Rig, at
from tests.notifications.zalo_standin import ZaloStandIn
from tests.smtp_sink import agency_address, write_channels

ALL = 34  # digests of 15/04/2024 08:00: one per agency with something due
CLEAN = Figures(sent=ALL, duplicates=0, lost=0, failed_listed=0)
OA_ID = "1122334455667788990"
ZALO_USER = "8000000000000000001"


def in_threads(*jobs: Callable[[], Any], stagger: float = 0.0) -> list[Any]:
    """Run the jobs at once (each `stagger` seconds after the previous); their results."""
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            results[index] = job()
        except BaseException as error:  # re-raised in the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
        time.sleep(stagger)
    for thread in threads:
        thread.join(timeout=300)
    if errors:
        raise errors[0]
    return results


def sweep_in_own_context(rig: Rig, moment: datetime) -> Callable[[], SweepResult]:
    def job() -> SweepResult:
        context = rig.fresh_context()
        try:
            return sweep(context, moment)
        finally:
            context.close()

    return job


def send_in_own_context(rig: Rig, moment: datetime) -> Callable[[], sending.Delivery]:
    def job() -> sending.Delivery:
        context = rig.fresh_context()
        try:
            return sending.send(context, moment)
        finally:
            context.close()

    return job


def channels(rig: Rig, tmp_path: Path, entries: list[dict[str, Any]]) -> None:
    rig.context.settings.apprise_config = write_channels(tmp_path / "kenh-loi.yaml", entries)


def email_entries(rig: Rig, skip: tuple[str, ...] = (), **query: str) -> list[dict[str, Any]]:
    extra = f"&{urlencode(query)}" if query else ""
    return [
        {"url": rig.sink.url(agency_address(code)) + extra, "tag": code}
        for code in AGENCIES
        if code not in skip
    ]


# --- Concurrency -----------------------------------------------------------------------


def test_the_same_sweep_twice_sends_every_message_once(rig: Rig) -> None:
    sweep(rig.context, at(15))
    again = sweep(rig.context, at(15))
    assert again.selected == [] and again.delivery.delivered == []
    assert rig.email_figures() == CLEAN


@pytest.mark.parametrize("sweeps", [2, 4])
def test_sweeps_started_together_send_every_message_once(rig: Rig, sweeps: int) -> None:
    in_threads(*[sweep_in_own_context(rig, at(15)) for _ in range(sweeps)])
    assert rig.email_figures() == CLEAN


def test_a_second_sweep_with_a_later_moment_started_during_a_long_one_sends_nothing_twice(
    rig: Rig,
) -> None:
    # The operator re-runs a sweep that looks stuck, as of 11 minutes later: claims are
    # on the real clock, so the first sweep's are not lapsed for it.
    rig.sink.delay = 0.1
    first, second = in_threads(
        sweep_in_own_context(rig, at(15)),
        sweep_in_own_context(rig, at(15, minute=11)),
        stagger=0.8,
    )
    assert first.delivery.delivered and second.delivery.delivered
    assert rig.email_figures() == CLEAN


def test_a_form_action_delivering_during_a_sweep_sends_nothing_twice(rig: Rig) -> None:
    rig.sink.delay = 0.1
    in_threads(
        sweep_in_own_context(rig, at(15)), send_in_own_context(rig, at(15, minute=30)), stagger=0.8
    )
    assert rig.email_figures() == CLEAN


# --- SMTP faults -----------------------------------------------------------------------


def test_a_451_refusal_waits_for_the_next_sender_run_and_is_sent_then(rig: Rig) -> None:
    rig.sink.refuse_later.add(agency_address("SNV"))
    first = sweep(rig.context, at(15))
    assert [d.recipient for d in first.delivery.delivered if d.state.value == "deferred"] == ["SNV"]
    assert rig.email_figures() == Figures(ALL - 1, 0, 0, 1)
    rig.sink.refuse_later.clear()
    retry = sending.send(rig.context, at(15, minute=5))
    assert [m.recipient for m in retry.sent] == ["SNV"]
    assert rig.email_figures() == CLEAN


def test_a_lost_acknowledgement_gives_one_duplicate_with_the_same_message_id(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(NotifyKehoachEmail, "timeouts", SmtpTimeouts(data_end=0.4))
    rig.sink.lose_replies, rig.sink.lost_reply_delay = 1, 1.2
    sweep(rig.context, at(15))
    assert rig.email_figures() == Figures(ALL, 0, 0, 1)  # arrived, but listed as not sent
    sending.send(rig.context, at(15, minute=5))
    assert rig.email_figures() == Figures(ALL, 1, 0, 0)
    ids = Counter(rig.sink.message_ids())
    assert len(ids) == ALL and sorted(ids.values())[-1] == 2


def test_a_server_slow_to_answer_end_of_data_gets_one_copy_marked_sent(
    rig: Rig, tmp_path: Path
) -> None:
    # The connect timeout (cto) is short; the reply to end-of-data may take minutes.
    channels(rig, tmp_path, email_entries(rig, cto="0.3"))
    rig.sink.lose_replies, rig.sink.lost_reply_delay = 3, 1.0
    result = sweep(rig.context, at(15))
    assert {d.state for d in result.delivery.delivered} == {MessageState.SENT}
    assert rig.email_figures() == CLEAN


def test_one_refused_mailbox_of_an_entry_does_not_stop_the_others(rig: Rig, tmp_path: Path) -> None:
    first, second = "snv@ninhthuan.gov.vn", "vanthu-snv@ninhthuan.gov.vn"
    entries = email_entries(rig, skip=("SNV",))
    entries.append({"url": rig.sink.url(first).replace(first, f"{first}/{second}"), "tag": "SNV"})
    channels(rig, tmp_path, entries)
    rig.sink.refuse_later.add(first)
    sweep(rig.context, at(15))
    assert len(rig.sink.to(second)) == 1 and rig.sink.to(first) == []
    rig.sink.refuse_later.clear()
    sending.send(rig.context, at(15, minute=5))
    # The retry goes to the refused mailbox only.
    assert len(rig.sink.to(first)) == 1 and len(rig.sink.to(second)) == 1
    assert rig.email_figures() == Figures(ALL + 1, 0, 0, 0)


def test_after_a_three_day_outage_each_agency_gets_only_the_newest_digest(rig: Rig) -> None:
    rig.sink.stop()
    for day in (15, 16, 17):
        sweep(rig.context, at(day))
    digests, recipients = rig.digests_and_recipients()
    # Every agency told on more than one of those days keeps only its newest digest.
    assert digests > recipients >= ALL
    assert rig.states()[MessageState.SUPERSEDED.value] == digests - recipients
    rig.sink.start()
    sending.send(rig.context, at(17, hour=10))
    per_mailbox = Counter(mailbox for mailbox, _ in rig.email_arrivals())
    assert len(per_mailbox) == recipients and set(per_mailbox.values()) == {1}
    assert rig.email_figures() == Figures(recipients, 0, 0, 0)


def test_an_agency_without_a_channel_is_marked_no_channel_and_listed(
    rig: Rig, tmp_path: Path
) -> None:
    channels(rig, tmp_path, email_entries(rig, skip=("SNV",)))
    result = sweep(rig.context, at(15))
    states = {d.recipient: d.state for d in result.delivery.delivered}
    assert states["SNV"] is MessageState.NO_CHANNEL
    assert list(rig.context.settings.outbox_dir.rglob("*.eml"))  # filed, so nothing is lost
    assert rig.email_figures() == Figures(ALL - 1, 0, 0, 1)
    channels(rig, tmp_path, email_entries(rig))
    assert len(resend(rig.context, datetime.now(UTC))) == 1
    sending.send(rig.context, at(15, minute=5))
    assert rig.email_figures() == CLEAN


def test_permanent_refusals_are_failed_and_listed_not_retried(rig: Rig) -> None:
    planned = sweep(rig.context, at(15), dry_run=True).previews
    rig.sink.refuse.update(agency_address(p.digest.recipient) for p in planned[:3])
    sweep(rig.context, at(15))
    sending.send(rig.context, at(15, minute=5))
    assert rig.states()[MessageState.FAILED.value] == 3
    assert rig.email_figures() == Figures(ALL - 3, 0, 0, 3)


# --- Zalo faults -----------------------------------------------------------------------


@pytest.fixture
def zalo(rig: Rig, tmp_path: Path) -> ZaloStandIn:
    """Every agency by email, and also (tag "always") one Zalo OA user."""
    standin = ZaloStandIn().__enter__()
    base = standin.base_url
    query = urlencode({"api": base, "oauth": base})
    url = f"zalo://{standin.app_id}:{standin.secret_key}@{OA_ID}/{ZALO_USER}?{query}"
    channels(rig, tmp_path, [*email_entries(rig), {"url": url, "tag": "always"}])
    access, refresh = standin.tokens()
    expires = datetime.now(UTC) + timedelta(hours=20)
    SqlTokenStore(rig.context.database.engine).put(OA_ID, TokenPair(access, refresh, expires))
    yield standin
    standin.__exit__()


REFERENCE = re.compile(r"Số hiệu: ([0-9a-f]{12})$")


def zalo_figures(rig: Rig, standin: ZaloStandIn) -> Figures:
    refs = [REFERENCE.search(text) for text in standin.texts_to(ZALO_USER)]
    return rig.figures([(ZALO_USER, m.group(1)) for m in refs if m], prefix=12)


def test_zalo_rate_limit_codes_are_retried_not_failed(rig: Rig, zalo: ZaloStandIn) -> None:
    zalo.fail_next(11, kind="message", how=-32)
    sweep(rig.context, at(15))
    assert zalo_figures(rig, zalo) == Figures(ALL - 11, 0, 0, 11)
    sending.send(rig.context, at(15, minute=5))
    assert zalo_figures(rig, zalo) == CLEAN
    assert rig.email_figures() == CLEAN  # the retry skipped email, which had accepted


def test_a_lost_then_refused_refresh_stops_sending_and_the_messages_wait_for_reauthorisation(
    rig: Rig, zalo: ZaloStandIn
) -> None:
    access, refresh = zalo.tokens()
    soon = datetime.now(UTC) + timedelta(minutes=2)  # due for refresh, not yet expired
    store = SqlTokenStore(rig.context.database.engine)
    store.put(OA_ID, TokenPair(access, refresh, soon))
    zalo.fail_next(1, kind="refresh", how="lose")  # Zalo rotates the pair; the answer is lost
    sweep(rig.context, at(15))
    assert zalo.refresh_attempts <= 2  # not one refresh per message
    assert store.auth_state(OA_ID).needs_auth
    assert rig.states()[MessageState.NEEDS_AUTH.value] == ALL
    assert rig.states()[MessageState.FAILED.value] == 0
    assert zalo_figures(rig, zalo) == Figures(0, 0, 0, ALL)
    # A person authorises the app again and stores the new pair.
    access, refresh = zalo.tokens()
    store.put(OA_ID, TokenPair(access, refresh, datetime.now(UTC) + timedelta(hours=20)))
    assert len(release_needs_auth(rig.context, datetime.now(UTC))) == ALL
    sending.send(rig.context, at(15, minute=30))
    assert zalo_figures(rig, zalo) == CLEAN
    assert rig.email_figures() == CLEAN


def test_zalo_messages_carry_distinct_tracking_references(rig: Rig, zalo: ZaloStandIn) -> None:
    sweep(rig.context, at(15))
    texts = zalo.texts_to(ZALO_USER)
    refs = {REFERENCE.search(text).group(1) for text in texts}  # type: ignore[union-attr]
    assert len(texts) == len(refs) == ALL


def test_no_secret_reaches_a_stored_error(rig: Rig, zalo: ZaloStandIn) -> None:
    context: AppContext = rig.context
    zalo.fail_next(ALL, kind="message", how=503)
    sweep(context, at(15))
    from sqlalchemy import select

    from kehoach.store.outbox_tables import DeliveryAttemptRow, MessageRow

    with context.database.transaction() as session:
        stored = [*session.scalars(select(DeliveryAttemptRow.error))]
        stored += [*session.scalars(select(MessageRow.last_error))]
    text = "\n".join(e for e in stored if e)
    assert "Zalo tạm thời không phản hồi (HTTP 503)" in text
    for secret in [zalo.secret_key, *zalo.issued_tokens()]:
        assert secret not in text
