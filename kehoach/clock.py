"""The one clock of kehoach. Everything below the entry points takes `now` as an argument;
entry points (CLI commands, flows, channels that stamp what they send) read it here, so a
test or a replay can always say which moment it means."""

from __future__ import annotations

import datetime as dt


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
