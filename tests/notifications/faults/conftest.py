"""The fault-injection rig: the seed plan on SQLite or PostgreSQL, a real SMTP sink and a
Zalo stand-in with their faults as options, and the four figures every scenario asserts.

    sent          distinct messages (by Message-ID / Số hiệu) that arrived
    duplicates    copies that arrived beyond the first of each message
    lost          messages marked delivered that never arrived, plus composed messages
                  neither delivered nor listed as not got through
    failed_listed messages `kehoach reminders --failed` lists (gửi lỗi, chờ gửi lại,
                  chờ cấp lại quyền, không có kênh)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from kehoach.cli.reminders import NOT_THROUGH
from kehoach.paths import seed_plan_path
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.settings import Settings
from kehoach.store.outbox_tables import MessageRow, MessageState
from tests.kehoach.conftest import email_everyone, seed_agencies
from tests.smtp_sink import SmtpSink, agency_address

VIETNAM = dt.timezone(dt.timedelta(hours=7))
LOADED_AT = dt.datetime(2024, 4, 1, 1, 0, tzinfo=dt.UTC)


def at(day: int, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime(2024, 4, day, hour, minute, tzinfo=VIETNAM)


@dataclass(frozen=True)
class Figures:
    sent: int
    duplicates: int
    lost: int
    failed_listed: int


@dataclass
class Rig:
    home: Path
    url: str
    sink: SmtpSink
    context: AppContext

    def fresh_context(self) -> AppContext:
        """Another process's view: its own settings, engine and connections."""
        settings = self.context.settings.model_copy()
        return AppContext(settings)

    def states(self) -> Counter[str]:
        with self.context.database.transaction() as session:
            return Counter(session.scalars(select(MessageRow.state)))

    def digests_and_recipients(self) -> tuple[int, int]:
        with self.context.database.transaction() as session:
            recipients = list(session.scalars(select(MessageRow.recipient)))
        return len(recipients), len(set(recipients))

    def keys_in(self, states: tuple[str, ...]) -> set[str]:
        with self.context.database.transaction() as session:
            query = select(MessageRow.key).where(MessageRow.state.in_(states))
            return set(session.scalars(query))

    def figures(self, arrivals: list[tuple[str, str]], prefix: int = 32) -> Figures:
        """`arrivals`: (mailbox or user, message key or its first `prefix` characters)."""
        copies = Counter(arrivals)
        arrived = {key for _, key in copies}
        delivered = {k[:prefix] for k in self.keys_in((MessageState.SENT.value,))}
        listed = self.keys_in(NOT_THROUGH)
        waiting = self.keys_in((MessageState.PENDING.value, MessageState.CLAIMED.value))
        lost = len(delivered - arrived) + len(waiting)
        return Figures(len(copies), sum(copies.values()) - len(copies), lost, len(listed))

    def email_arrivals(self) -> list[tuple[str, str]]:
        with self.sink.lock:
            received = list(self.sink.received)
        return [
            (mailbox, _key_of(str(message["Message-ID"])))
            for mailboxes, message in received
            for mailbox in mailboxes
        ]

    def email_figures(self) -> Figures:
        return self.figures(self.email_arrivals())


def _key_of(message_id: str) -> str:
    return message_id.removeprefix("<kehoach.").split("@", 1)[0]


@pytest.fixture
def rig(
    database_url: str, kehoach_home: Path, smtp_sink: SmtpSink, tmp_path: Path
) -> Iterator[Rig]:
    settings = Settings(home=kehoach_home, database_url=database_url)  # type: ignore[arg-type]
    settings.apprise_config = email_everyone(tmp_path / "kenh-gui.yaml", smtp_sink)
    context = AppContext(settings)
    AppContext.use(context)
    loaded = context.load_plan_file(seed_plan_path())
    with context.database.transaction() as session:
        load_plan(session, loaded, LOADED_AT)
    yield Rig(kehoach_home, database_url, smtp_sink, context)
    AppContext.use(None)


AGENCIES = seed_agencies()
__all__ = ["AGENCIES", "Figures", "Rig", "agency_address", "at"]
