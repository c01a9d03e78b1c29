"""The delivery retry policy: from a message's attempt records, what happens to it next.

Pure: no database, no clock. The outbox hands in the records of every attempt (one per
channel service and attempt) and the moment; the answer is one of

    sent         every service that matters accepted (or failed but is optional)
    no_channel   accepted, but only by the local mail folder: the agency has no channel
    retry        a failure that may pass (timeout, 4xx, Zalo rate limit): try again later
    needs_auth   the only failures wait for credentials to be renewed (Zalo OA): wait,
                 without spending an attempt, until a person authorises the app again
    failed       refused for good, or out of attempts: listed for a person to act on
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    SENT = "sent"
    NO_CHANNEL = "no_channel"
    RETRY = "retry"
    NEEDS_AUTH = "needs_auth"
    FAILED = "failed"


@dataclass(frozen=True)
class AttemptRecord:
    """One service's result for one attempt; `service` is its masked URL."""

    service: str
    name: str
    ok: bool
    at: dt.datetime
    permanent: bool = False
    optional: bool = False
    needs_auth: bool = False
    error: str | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how soon. The first retry goes with the sender's next run (it runs every
    few minutes in office hours): a passing fault costs minutes. Later ones are spaced out
    so a day-long outage costs a handful of attempts, not hundreds."""

    max_attempts: int = 6
    delays: tuple[dt.timedelta, ...] = (
        dt.timedelta(0),
        dt.timedelta(minutes=5),
        dt.timedelta(minutes=20),
        dt.timedelta(hours=1),
        dt.timedelta(hours=4),
    )

    def delay_after(self, attempt: int) -> dt.timedelta:
        """The wait after the `attempt`-th failed attempt (1-based); the last delay repeats."""
        return self.delays[min(max(attempt, 1), len(self.delays)) - 1]


DEFAULT_POLICY = RetryPolicy()


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    retry_at: dt.datetime | None = None
    error: str | None = None


NO_SERVICE = "Không có kênh nào nhận thư này."


def current_records(
    records: Iterable[AttemptRecord], resent_at: dt.datetime | None = None
) -> list[AttemptRecord]:
    """The latest record of each service, in order. After a person asked for a resend,
    only acceptances from before it still count: an earlier refusal is to be tried again."""
    kept = [r for r in records if r.ok or resent_at is None or r.at >= resent_at]
    return list({r.service: r for r in kept}.values())


def done_services(
    records: Iterable[AttemptRecord], resent_at: dt.datetime | None = None
) -> set[str]:
    """Services a retry skips: they accepted the message, or refused it for good."""
    return {
        r.service for r in current_records(records, resent_at) if r.ok or r.permanent or r.optional
    }


def decide(
    records: Sequence[AttemptRecord],
    attempted: Set[str],
    attempt: int,
    now: dt.datetime,
    *,
    has_channel: bool = True,
    resent_at: dt.datetime | None = None,
    policy: RetryPolicy = DEFAULT_POLICY,
) -> Decision:
    """What follows the `attempt`-th attempt (1-based), given every record so far.

    A service that failed earlier and was not attempted now (no longer configured) no
    longer holds the message back; what it accepted or refused for good still counts.
    """
    latest = [
        r
        for r in current_records(records, resent_at)
        if r.service in attempted or r.ok or r.permanent
    ]
    if not latest:
        return Decision(Outcome.FAILED, error=NO_SERVICE)
    failing = [r for r in latest if not r.ok and not r.optional]
    if not failing:
        return Decision(Outcome.SENT if has_channel else Outcome.NO_CHANNEL)
    return _after_failure(failing, attempt, now, policy)


def _after_failure(
    failing: list[AttemptRecord], attempt: int, now: dt.datetime, policy: RetryPolicy
) -> Decision:
    error = "; ".join(f"{r.name} ({r.service}): {r.error}" for r in failing)
    transient = [r for r in failing if not r.permanent and not r.needs_auth]
    if not transient and any(r.needs_auth for r in failing):
        return Decision(Outcome.NEEDS_AUTH, error=error)
    if transient and attempt < policy.max_attempts:
        return Decision(Outcome.RETRY, now + policy.delay_after(attempt), error)
    return Decision(Outcome.FAILED, error=error)
