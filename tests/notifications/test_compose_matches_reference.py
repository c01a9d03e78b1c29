"""The set-based `outbox.compose` writes exactly the messages the one-recipient-at-a-time
composing wrote (tests/notifications/compose_reference.py): the same subjects, bodies, keys,
send moments and supersedings, and every item in the same message. On every shipped
scenario replayed day by day, and on both databases through a waiting message taking new
items in, and an outage's deferred message superseded by the newer digest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from flows.modes import Mode
from flows.replay import Replayer
from kehoach.paths import bundled_config_dir, seed_plan_path
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.store.outbox_tables import MessageRow, MessageState, ReminderItemRow
from kehoach.store.planfile import load_plan_file
from kehoach.store.session import Database
from notifications import outbox
from tests.notifications import compose_reference
from tests.notifications.test_outbox import EMAIL, NOW, failed, item, no_quiet
from tests.postgres_server import PostgresServer
from tests.shipped_scenarios import SCENARIOS, shipped

CONFIG = bundled_config_dir()
MESSAGE_COLUMNS = (
    "id", "key", "recipient", "recipient_name", "plans", "subject", "body_text", "body_html",
    "body_short", "state", "attempts", "next_attempt_at", "created_at", "superseded_by",
)  # fmt: skip
ITEM_COLUMNS = ("id", "recipient", "step_key", "rule", "occurrence", "rung", "message_id")
Compose = Callable[..., list[outbox.Composed]]
BOTH: dict[str, Compose] = {"fast": outbox.compose, "reference": compose_reference.compose}


Rows = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]
# A replay's delivery stamps each message on the real clock (the sweep's start plus the time
# the send took): not composing's, and never twice the same.
DELIVERED = ("next_attempt_at",)


def outbox_rows(database: Database, leave_out: Sequence[str] = ()) -> Rows:
    """Every message as stored, and which message carries each item."""
    columns = [getattr(MessageRow, name) for name in MESSAGE_COLUMNS if name not in leave_out]
    items = [getattr(ReminderItemRow, name) for name in ITEM_COLUMNS]
    with database.transaction() as session:
        messages = session.execute(select(*columns).order_by(MessageRow.id)).all()
        carried = session.execute(select(*items).order_by(ReminderItemRow.id)).all()
    return [tuple(row) for row in messages], [tuple(row) for row in carried]


def replayed(plan_name: str, home: Path) -> Rows:
    context, loaded, source, scenario, _ = shipped(plan_name, home)
    AppContext.use(context)
    try:
        Replayer(loaded.plan, loaded.calendar, scenario, Mode.NONE, source).run()
        return outbox_rows(context.database, DELIVERED)
    finally:
        AppContext.use(None)
        context.close()


@pytest.mark.parametrize("plan_name", sorted(SCENARIOS))
def test_every_shipped_scenario_composes_the_references_messages(
    plan_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = replayed(plan_name, tmp_path / "fast")
    monkeypatch.setattr(outbox, "compose", compose_reference.compose)
    reference = replayed(plan_name, tmp_path / "reference")
    messages, items = fast
    assert len(messages) > 10 and all(message_id for *_, message_id in items)
    assert messages == reference[0]
    assert items == reference[1]


# --- A waiting message merged, a deferred one superseded, on both databases -----------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Database]]:
    """Two databases holding the seed plan, one per way of composing."""
    if request.param == "sqlite":
        urls = {name: f"sqlite:///{tmp_path / name}.db" for name in BOTH}
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        urls = {name: server.fresh_database() for name in BOTH}
    found = {name: Database(url) for name, url in urls.items()}
    for database in found.values():
        with database.transaction() as session:
            load_plan(session, load_plan_file(seed_plan_path()), NOW - dt.timedelta(days=30))
    yield found
    for database in found.values():
        database.dispose()


def held_a_day(plans: Sequence[str], moment: dt.datetime) -> dt.datetime:
    return moment + dt.timedelta(days=1)


def morning(database: Database, compose: Compose, items: list[Any], now: dt.datetime,
            send_moment: outbox.SendMoment) -> list[outbox.Composed]:  # fmt: skip
    with database.transaction() as session:
        outbox.enqueue(session, items, now)
        return compose(session, now, send_moment)


def fail_once(database: Database, message_id: int, now: dt.datetime) -> None:
    with database.transaction() as session:
        claimed = outbox.claim(session, message_id, now)
        assert claimed is not None
        outbox.record(session, claimed, [failed(EMAIL)], now, lambda moment: moment)


def outage(database: Database, compose: Compose) -> list[list[outbox.Composed]]:
    """Monday's digests held by quiet time take Tuesday's items in; SNV's fails and waits
    for a retry; Wednesday's digest supersedes it."""
    tuesday, wednesday = NOW + dt.timedelta(days=1, hours=3), NOW + dt.timedelta(days=2)
    held = [item("SNV"), item("SNV", step="IV.3.summary_report_draft"), item("STP")]
    composed = [morning(database, compose, held, NOW, held_a_day)]
    more = [item("SNV", occurrence="1"), item("SKHDT")]
    composed.append(morning(database, compose, more, NOW + dt.timedelta(hours=2), held_a_day))
    [snv] = [c for c in composed[-1] if c.recipient == "SNV"]
    fail_once(database, snv.message_id, tuesday)
    late = [item("SNV", occurrence="2"), item("STP", occurrence="1")]
    composed.append(morning(database, compose, late, wednesday, no_quiet))
    return composed


def test_merging_and_superseding_compose_the_references_messages_on_both_databases(
    databases: dict[str, Database],
) -> None:
    fast, reference = (outage(databases[name], compose) for name, compose in BOTH.items())
    assert fast == reference
    assert outbox_rows(databases["fast"]) == outbox_rows(databases["reference"])
    messages, _ = outbox_rows(databases["fast"])
    states = {row[2]: row[9] for row in messages if row[2] == "SNV" and row[13] is not None}
    assert states == {"SNV": MessageState.SUPERSEDED.value}
    # Tuesday: SKHDT's new digest, SNV's merged into Monday's; Wednesday: STP's merged.
    recipients = [[c.recipient for c in composed] for composed in fast]
    assert recipients == [["SNV", "STP"], ["SKHDT", "SNV"], ["SNV", "STP"]]
    assert fast[1][1].message_id == fast[0][0].message_id
    assert fast[2][1].message_id == fast[0][1].message_id
