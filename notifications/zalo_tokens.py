"""Where the Zalo OA token pair lives, and the one rule that keeps it alive.

Zalo refresh tokens are single-use and rotate: a refresh answers a new access token *and*
a new refresh token, and the old refresh token is spent. Two refreshes running at once
would make the second one spend a dead token, and the Zalo channel would stop working a
day later. So every store serialises refreshes per OA and, once it holds the lock,
re-reads the pair: when someone else refreshed meanwhile, their pair is reused instead of
spending the refresh token twice. The new pair is written before the lock is released and
before the caller sends anything with it.

Each OA also has an authorisation state: `ok`; `in_doubt` when a refresh was sent but its
answer was lost (Zalo may have rotated the pair, the stored refresh token may be spent);
`needs_auth` when Zalo refused the refresh token, so only a person authorising the app
again (`kehoach zalo token`) can bring the OA back. While it needs authorising, nothing
is sent to it and its messages wait. Storing a new pair makes the state `ok` again.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    insert,
    select,
    update,
)

from kehoach.clock import now_utc as utc_now
from kehoach.store.zalo_tables import ZaloTokenRow

log = logging.getLogger(__name__)

# Refresh a little before Zalo's own expiry, so a send never starts with a dying token.
REFRESH_MARGIN = timedelta(minutes=5)

Clock = Callable[[], datetime]


@dataclass(frozen=True, repr=False)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_at: datetime

    @classmethod
    def from_expires_in(
        cls, access_token: str, refresh_token: str, expires_in: int, now: datetime
    ) -> TokenPair:
        return cls(access_token, refresh_token, now + timedelta(seconds=expires_in))

    def is_due(self, now: datetime, margin: timedelta = REFRESH_MARGIN) -> bool:
        """True when the access token is expired or about to expire."""
        return now >= self.expires_at - margin

    def __repr__(self) -> str:
        # Tokens never reach a log line or a traceback through repr().
        return f"TokenPair(access_token=***, refresh_token=***, expires_at={self.expires_at!r})"


Refresher = Callable[[TokenPair], TokenPair]

AUTH_OK = "ok"
AUTH_IN_DOUBT = "in_doubt"
AUTH_NEEDED = "needs_auth"


@dataclass(frozen=True)
class AuthState:
    state: str = AUTH_OK
    note: str | None = None  # Vietnamese, never a token
    since: datetime | None = None

    @property
    def needs_auth(self) -> bool:
        return self.state == AUTH_NEEDED


class NoTokens(LookupError):
    """No token pair has been stored for this OA yet; someone must seed one."""


class LeaseTimeout(TimeoutError):
    """Another worker held the refresh lease for longer than we were willing to wait."""


class TokenStore(Protocol):
    def get(self, oa_id: str) -> TokenPair | None: ...

    def put(self, oa_id: str, pair: TokenPair) -> None: ...

    def auth_state(self, oa_id: str) -> AuthState: ...

    def mark(self, oa_id: str, state: str, note: str | None = None) -> None: ...

    def refresh(
        self, oa_id: str, refresher: Refresher, *, stale_access_token: str | None = None
    ) -> TokenPair:
        """Return a usable pair, calling `refresher` at most once and never concurrently.

        The stored pair is reused when it is not due and differs from `stale_access_token`
        (the token Zalo just rejected, if any): that means someone else already refreshed.
        """
        ...


def is_reusable(current: TokenPair, stale_access_token: str | None, now: datetime) -> bool:
    return current.access_token != stale_access_token and not current.is_due(now)


def reuse_or_refresh(
    oa_id: str,
    current: TokenPair | None,
    refresher: Refresher,
    stale_access_token: str | None,
    now: datetime,
) -> TokenPair:
    """Inside the lock: the stored pair if someone already refreshed it, else a new one."""
    if current is None:
        raise NoTokens(oa_id)
    if is_reusable(current, stale_access_token, now):
        return current
    return refresher(current)


class InMemoryTokenStore:
    """Thread-safe store for tests and single-process use; forgets everything on exit."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self._clock = clock
        self._pairs: dict[str, TokenPair] = {}
        self._states: dict[str, AuthState] = {}
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def get(self, oa_id: str) -> TokenPair | None:
        return self._pairs.get(oa_id)

    def put(self, oa_id: str, pair: TokenPair) -> None:
        self._pairs[oa_id] = pair
        self._states.pop(oa_id, None)

    def auth_state(self, oa_id: str) -> AuthState:
        return self._states.get(oa_id, AuthState())

    def mark(self, oa_id: str, state: str, note: str | None = None) -> None:
        self._states[oa_id] = AuthState(state, note, self._clock())

    def refresh(
        self, oa_id: str, refresher: Refresher, *, stale_access_token: str | None = None
    ) -> TokenPair:
        with self._lock_for(oa_id):
            current = self.get(oa_id)
            pair = reuse_or_refresh(oa_id, current, refresher, stale_access_token, self._clock())
            if pair is not current:
                self.put(oa_id, pair)
            return pair

    def _lock_for(self, oa_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(oa_id, threading.Lock())


TABLE = cast(Table, ZaloTokenRow.__table__)


class SqlTokenStore:
    """Token pairs in the `zalo_tokens` table, shared by every process on the database.

    Cross-process exclusion is a compare-and-set lease: one UPDATE that succeeds only when
    no live lease exists. It is plain SQL, so SQLite and PostgreSQL behave the same. A lease
    outlives a crashed holder by at most `lease` and is then taken over.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock = utc_now,
        lease: timedelta = timedelta(seconds=60),
        wait: timedelta = timedelta(seconds=30),
        poll_seconds: float = 0.05,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._lease = lease
        self._wait = wait
        self._poll_seconds = poll_seconds

    def get(self, oa_id: str) -> TokenPair | None:
        query = select(TABLE.c.access_token, TABLE.c.refresh_token, TABLE.c.expires_at)
        with self._engine.connect() as conn:
            row = conn.execute(query.where(TABLE.c.oa_id == oa_id)).first()
        return None if row is None else TokenPair(*row)

    def put(self, oa_id: str, pair: TokenPair) -> None:
        """Store a pair a person obtained by authorising the app: the OA is healthy again."""
        values = {**_pair_values(pair), **_auth_values(AUTH_OK, None, self._clock())}
        with self._engine.begin() as conn:
            changed = conn.execute(
                update(TABLE)
                .where(TABLE.c.oa_id == oa_id)
                .values(**values, version=TABLE.c.version + 1)
            ).rowcount
            if not changed:
                conn.execute(insert(TABLE).values(oa_id=oa_id, version=1, **values))

    def auth_state(self, oa_id: str) -> AuthState:
        query = select(TABLE.c.auth_state, TABLE.c.auth_note, TABLE.c.auth_changed_at)
        with self._engine.connect() as conn:
            row = conn.execute(query.where(TABLE.c.oa_id == oa_id)).first()
        return AuthState() if row is None else AuthState(*row)

    def mark(self, oa_id: str, state: str, note: str | None = None) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(TABLE)
                .where(TABLE.c.oa_id == oa_id)
                .values(**_auth_values(state, note, self._clock()))
            )

    def refresh(
        self, oa_id: str, refresher: Refresher, *, stale_access_token: str | None = None
    ) -> TokenPair:
        owner = self._acquire(oa_id)
        fresh: TokenPair | None = None
        try:
            current = self.get(oa_id)
            pair = reuse_or_refresh(oa_id, current, refresher, stale_access_token, self._clock())
            fresh = pair if pair is not current else None
            return pair
        finally:
            # Runs before the caller sees the new pair: stored first, then used.
            self._finish(oa_id, owner, fresh)

    def _acquire(self, oa_id: str) -> str:
        owner = uuid.uuid4().hex
        deadline = time.monotonic() + self._wait.total_seconds()
        while not self._try_lease(oa_id, owner):
            if time.monotonic() >= deadline:
                raise LeaseTimeout(oa_id)
            time.sleep(self._poll_seconds)
        return owner

    def _try_lease(self, oa_id: str, owner: str) -> bool:
        now = self._clock()
        free = (TABLE.c.lease_until.is_(None)) | (TABLE.c.lease_until < now)
        with self._engine.begin() as conn:
            taken = conn.execute(
                update(TABLE)
                .where(TABLE.c.oa_id == oa_id, free)
                .values(lease_owner=owner, lease_until=now + self._lease)
            ).rowcount
            if not taken and not _row_exists(conn, oa_id):
                raise NoTokens(oa_id)
        return bool(taken)

    def _finish(self, oa_id: str, owner: str, fresh: TokenPair | None) -> None:
        with self._engine.begin() as conn:
            if fresh is not None:
                # Written even if our lease lapsed meanwhile: the refresh token we used is
                # spent, so this pair is the only one that still works.
                conn.execute(
                    update(TABLE)
                    .where(TABLE.c.oa_id == oa_id)
                    .values(
                        **_pair_values(fresh),
                        **_auth_values(AUTH_OK, None, self._clock()),
                        version=TABLE.c.version + 1,
                    )
                )
            if not _release_in(conn, oa_id, owner):
                log.warning("Zalo token lease for OA %s lapsed before it was released", oa_id)


def _pair_values(pair: TokenPair) -> dict[str, Any]:
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "expires_at": pair.expires_at,
    }


def _auth_values(state: str, note: str | None, now: datetime) -> dict[str, Any]:
    return {"auth_state": state, "auth_note": note, "auth_changed_at": now}


def _row_exists(conn: Connection, oa_id: str) -> bool:
    return conn.execute(select(TABLE.c.oa_id).where(TABLE.c.oa_id == oa_id)).first() is not None


def _release_in(conn: Connection, oa_id: str, owner: str) -> bool:
    released = conn.execute(
        update(TABLE)
        .where(TABLE.c.oa_id == oa_id, TABLE.c.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
    ).rowcount
    return bool(released)
