"""The one clock reads the system time as an aware UTC instant."""

from __future__ import annotations

import datetime as dt
import time

from kehoach.clock import now_utc


def test_now_is_an_aware_utc_instant_of_the_system_clock() -> None:
    before = time.time()
    now = now_utc()
    after = time.time()
    assert now.tzinfo is dt.UTC
    assert before <= now.timestamp() <= after
