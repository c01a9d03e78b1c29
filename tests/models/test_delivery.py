"""The delivery retry policy (models/delivery.py): pure decisions over attempt records."""

from __future__ import annotations

import datetime as dt

from models.delivery import (
    DEFAULT_POLICY,
    NO_SERVICE,
    AttemptRecord,
    Outcome,
    RetryPolicy,
    current_records,
    decide,
    done_services,
)

NOW = dt.datetime(2024, 4, 15, 1, 0, tzinfo=dt.UTC)
EMAIL = "mailto://u:****@127.0.0.1/snv%40x.vn"
ZALO = "zalo://123:****@456/789"


def rec(service: str, ok: bool, minutes: int = 0, **flags: bool) -> AttemptRecord:
    name = "Zalo OA" if service == ZALO else "E-Mail"
    error = None if ok else "lỗi thử"
    at = NOW + dt.timedelta(minutes=minutes)
    return AttemptRecord(service, name, ok, at, error=error, **flags)


def test_every_service_accepting_means_sent() -> None:
    records = [rec(EMAIL, True), rec(ZALO, True)]
    assert decide(records, {EMAIL, ZALO}, 1, NOW).outcome is Outcome.SENT


def test_accepted_only_by_the_mail_folder_of_an_agency_without_channel_is_no_channel() -> None:
    decision = decide([rec(EMAIL, True)], {EMAIL}, 1, NOW, has_channel=False)
    assert decision.outcome is Outcome.NO_CHANNEL


def test_a_transient_failure_is_retried_after_the_policy_delay() -> None:
    decision = decide([rec(EMAIL, False)], {EMAIL}, 2, NOW)
    assert decision.outcome is Outcome.RETRY
    assert decision.retry_at == NOW + dt.timedelta(minutes=5)
    assert decision.error == f"E-Mail ({EMAIL}): lỗi thử"


def test_the_first_retry_goes_with_the_next_sender_run_and_later_ones_back_off() -> None:
    delays = [DEFAULT_POLICY.delay_after(n) for n in range(1, 8)]
    assert delays[0] == dt.timedelta(0)
    assert delays == sorted(delays) and delays[-1] == delays[-2] == dt.timedelta(hours=4)
    assert DEFAULT_POLICY.delay_after(0) == dt.timedelta(0)


def test_out_of_attempts_a_transient_failure_fails() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert decide([rec(EMAIL, False)], {EMAIL}, 2, NOW, policy=policy).outcome is Outcome.RETRY
    assert decide([rec(EMAIL, False)], {EMAIL}, 3, NOW, policy=policy).outcome is Outcome.FAILED


def test_a_permanent_refusal_fails_at_once() -> None:
    decision = decide([rec(EMAIL, False, permanent=True)], {EMAIL}, 1, NOW)
    assert decision.outcome is Outcome.FAILED and decision.retry_at is None


def test_one_transient_failure_among_permanent_ones_is_still_retried() -> None:
    records = [rec(EMAIL, False, permanent=True), rec(ZALO, False)]
    assert decide(records, {EMAIL, ZALO}, 1, NOW).outcome is Outcome.RETRY


def test_a_channel_waiting_for_reauthorisation_makes_the_message_wait_not_fail() -> None:
    records = [rec(EMAIL, True), rec(ZALO, False, needs_auth=True)]
    decision = decide(records, {EMAIL, ZALO}, 9, NOW)
    assert decision.outcome is Outcome.NEEDS_AUTH and decision.retry_at is None
    assert "Zalo OA" in (decision.error or "")


def test_a_transient_failure_next_to_one_waiting_for_reauthorisation_is_retried() -> None:
    records = [rec(EMAIL, False), rec(ZALO, False, needs_auth=True)]
    assert decide(records, {EMAIL, ZALO}, 1, NOW).outcome is Outcome.RETRY


def test_an_optional_service_that_failed_does_not_hold_the_message() -> None:
    records = [rec(EMAIL, True), rec(ZALO, False, optional=True)]
    assert decide(records, {EMAIL, ZALO}, 1, NOW).outcome is Outcome.SENT


def test_a_failed_service_no_longer_configured_no_longer_holds_the_message() -> None:
    records = [rec(EMAIL, True), rec(ZALO, False, minutes=1)]
    assert decide(records, {EMAIL}, 2, NOW).outcome is Outcome.SENT


def test_no_record_at_all_fails_naming_the_reason() -> None:
    decision = decide([], set(), 1, NOW)
    assert decision.outcome is Outcome.FAILED and decision.error == NO_SERVICE


def test_the_latest_record_of_each_service_counts() -> None:
    records = [rec(ZALO, False), rec(ZALO, True, minutes=5)]
    assert current_records(records) == [records[1]]
    assert decide(records, {ZALO}, 2, NOW).outcome is Outcome.SENT


def test_a_retry_skips_services_that_accepted_or_refused_for_good() -> None:
    records = [rec(EMAIL, True), rec(ZALO, False, permanent=True), rec("json://x", False)]
    assert done_services(records) == {EMAIL, ZALO}


def test_after_a_resend_earlier_refusals_are_tried_again_but_acceptances_still_count() -> None:
    records = [rec(EMAIL, True), rec(ZALO, False, permanent=True)]
    resent = NOW + dt.timedelta(minutes=10)
    assert done_services(records, resent) == {EMAIL}
    later = [*records, rec(ZALO, True, minutes=11)]
    assert decide(later, {ZALO}, 1, NOW, resent_at=resent).outcome is Outcome.SENT
