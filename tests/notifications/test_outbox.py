"""The outbox on SQLite and PostgreSQL: unique items, one claim per message, recorded results."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from kehoach.paths import seed_plan_path
from kehoach.services.plans import load_plan
from kehoach.store.outbox_tables import (
    DeliveryAttemptRow,
    MessageRow,
    MessageState,
    ReminderItemRow,
)
from kehoach.store.planfile import load_plan_file
from kehoach.store.session import Database
from models.delivery import DEFAULT_POLICY
from models.reminders import ReminderItem, Role, Rule
from notifications import outbox
from notifications.sender import ServiceResult

NOW = dt.datetime(2024, 4, 15, 1, 0, tzinfo=dt.UTC)
PLAN = "nt-2024-so-ket-vi-nguoi-ngheo"
EMAIL = ServiceResult("E-Mail", "mailto://u:****@127.0.0.1/snv%40x.vn", True)
ZALO = ServiceResult("Zalo OA", "zalo://123:****@456/789", True)


@pytest.fixture
def database(database_url: str, kehoach_home: Path) -> Iterator[Database]:
    db = Database(database_url)
    with db.transaction() as session:
        load_plan(session, load_plan_file(seed_plan_path()), NOW - dt.timedelta(days=30))
    yield db
    db.dispose()


def item(
    recipient: str = "SNV", step: str = "IV.3.appraisal", occurrence: str = "0"
) -> ReminderItem:
    return ReminderItem(
        recipient=recipient,
        plan_id=PLAN,
        step_key=step,
        rule=Rule.OVERDUE,
        occurrence=occurrence,
        rung=0,
        local_day=dt.date(2024, 4, 15),
        recipient_name=f"Cơ quan {recipient}",
        role=Role.LEAD,
        plan_title="Kế hoạch",
        title="Thẩm định thành tích",
        lead=recipient,
        lead_name=recipient,
        deadline=dt.date(2024, 4, 8),
        working_days_late=5,
    )


def at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in `count` threads released together; return their results."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def no_quiet(plans: Sequence[str], moment: dt.datetime) -> dt.datetime:
    return moment


def count(database: Database, table: Any) -> int:
    with database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def enqueue_and_compose(database: Database, items: list[ReminderItem]) -> list[outbox.Composed]:
    with database.transaction() as session:
        outbox.enqueue(session, items, NOW)
        return outbox.compose(session, NOW, no_quiet)


def claim(database: Database, message_id: int, now: dt.datetime = NOW) -> outbox.Claim | None:
    with database.transaction() as session:
        return outbox.claim(session, message_id, now)


def record(
    database: Database, claimed: outbox.Claim, results: list[ServiceResult], now: dt.datetime = NOW
) -> outbox.Recorded:
    with database.transaction() as session:
        return outbox.record(session, claimed, results, now, lambda moment: moment)


def message(database: Database, message_id: int) -> MessageRow:
    with database.transaction() as session:
        return session.get_one(MessageRow, message_id)


def failed(result: ServiceResult, permanent: bool = False) -> ServiceResult:
    return ServiceResult(result.name, result.url, False, "Máy chủ không trả lời", permanent)


# --- Items -----------------------------------------------------------------------------


def test_enqueuing_the_same_items_twice_writes_each_key_once(database: Database) -> None:
    items = [item("SNV"), item("SLDTBXH"), item("SNV")]
    with database.transaction() as session:
        assert len(outbox.enqueue(session, items, NOW)) == 2
    with database.transaction() as session:
        assert outbox.enqueue(session, items, NOW) == []
    assert count(database, ReminderItemRow) == 2


def test_two_writers_enqueuing_at_once_store_each_key_once(database: Database) -> None:
    items = [item(code) for code in ("SNV", "STP", "SKHDT", "STC", "SCT")]

    def enqueue(_: int) -> int:
        with database.transaction() as session:
            return len(outbox.enqueue(session, items, NOW))

    inserted = at_once(2, enqueue)
    assert sorted(inserted) == [0, 5]
    assert count(database, ReminderItemRow) == 5


# --- Messages --------------------------------------------------------------------------


def test_compose_makes_one_message_per_recipient_from_unassigned_items(database: Database) -> None:
    items = [item("SNV"), item("SNV", step="IV.3.summary_report_draft"), item("STP")]
    composed = enqueue_and_compose(database, items)
    assert sorted((c.recipient, len(c.item_keys)) for c in composed) == [("SNV", 2), ("STP", 1)]
    with database.transaction() as session:
        assert outbox.compose(session, NOW, no_quiet) == []
    assert count(database, MessageRow) == 2


def test_new_items_join_a_message_still_waiting_for_its_first_send(database: Database) -> None:
    [first] = enqueue_and_compose(database, [item("SNV")])
    [merged] = enqueue_and_compose(database, [item("SNV", step="IV.3.summary_report_draft")])
    assert merged.message_id == first.message_id and len(merged.item_keys) == 2
    assert merged.key != first.key
    assert "2 việc quá hạn" in message(database, first.message_id).subject


def test_a_message_once_attempted_is_left_alone_and_new_items_get_their_own(
    database: Database,
) -> None:
    [first] = enqueue_and_compose(database, [item("SNV")])
    assert claim(database, first.message_id) is not None
    [second] = enqueue_and_compose(database, [item("SNV", step="IV.3.summary_report_draft")])
    assert second.message_id != first.message_id
    assert "1 việc quá hạn" in message(database, first.message_id).subject


def test_the_message_key_depends_only_on_recipient_and_items() -> None:
    items = [item("SNV"), item("SNV", occurrence="1")]
    assert outbox.message_key(items) == outbox.message_key(list(reversed(items)))
    assert outbox.message_key(items) != outbox.message_key(items[:1])


# --- Claims ----------------------------------------------------------------------------


def test_of_two_workers_claiming_one_message_exactly_one_wins(database: Database) -> None:
    [composed] = enqueue_and_compose(database, [item("SNV")])
    claims = at_once(4, lambda _: claim(database, composed.message_id))
    assert sum(c is not None for c in claims) == 1
    assert message(database, composed.message_id).attempts == 1


def test_a_claim_holds_for_the_lease_then_lapses_so_a_crash_loses_nothing(
    database: Database,
) -> None:
    [composed] = enqueue_and_compose(database, [item("SNV")])
    assert claim(database, composed.message_id) is not None  # ... and the worker dies
    assert claim(database, composed.message_id, NOW + dt.timedelta(minutes=9)) is None
    with database.transaction() as session:
        assert outbox.due_messages(session, NOW + dt.timedelta(minutes=9)) == []
        due = outbox.due_messages(session, NOW + outbox.LEASE + dt.timedelta(seconds=1))
    assert [d.message_id for d in due] == [composed.message_id]
    assert claim(database, composed.message_id, NOW + outbox.LEASE + dt.timedelta(seconds=1))


def test_a_claim_lives_on_the_real_clock_whatever_moment_the_sweeps_evaluate(
    database: Database,
) -> None:
    # Issue 8: a sweep as of 11 minutes later, started 30 s after the first claimed, used
    # to see the claim (stamped with the first sweep's moment) as lapsed and send again.
    [composed] = enqueue_and_compose(database, [item("SNV")])
    real = dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC)
    with database.transaction() as session:
        assert outbox.claim(session, composed.message_id, NOW, now=real)
    later = NOW + dt.timedelta(minutes=11)
    with database.transaction() as session:
        soon = real + dt.timedelta(seconds=30)
        assert outbox.claim(session, composed.message_id, later, now=soon) is None
        lapsed = real + outbox.LEASE + dt.timedelta(seconds=1)
        assert outbox.claim(session, composed.message_id, later, now=lapsed) is not None


def test_renewing_a_lease_keeps_a_slow_send_from_being_taken_over(database: Database) -> None:
    [composed] = enqueue_and_compose(database, [item("SNV")])
    lease = dt.timedelta(minutes=1)
    with database.transaction() as session:
        held = outbox.claim(session, composed.message_id, NOW, now=NOW, lease=lease)
        assert held is not None
        assert outbox.renew(session, held, NOW + dt.timedelta(seconds=50))
        late = NOW + dt.timedelta(seconds=70)
        assert outbox.claim(session, composed.message_id, NOW, now=late, lease=lease) is None
        gone = NOW + dt.timedelta(seconds=111)
        taker = outbox.claim(session, composed.message_id, NOW, now=gone, lease=lease)
        assert taker is not None and not outbox.renew(session, held, gone)


def test_a_worker_whose_claim_lapsed_cannot_overwrite_the_new_owner(database: Database) -> None:
    [composed] = enqueue_and_compose(database, [item("SNV")])
    stale = claim(database, composed.message_id)
    later = NOW + outbox.LEASE + dt.timedelta(minutes=1)
    owner = claim(database, composed.message_id, later)
    assert stale is not None and owner is not None
    assert record(database, owner, [EMAIL], later).kept
    late_answer = record(database, stale, [failed(EMAIL)], later)
    assert not late_answer.kept
    assert message(database, composed.message_id).state == MessageState.SENT


# --- Results ---------------------------------------------------------------------------


def test_a_successful_send_is_recorded_per_service_and_marks_the_message_sent(
    database: Database,
) -> None:
    [composed] = enqueue_and_compose(database, [item("SNV")])
    claimed = claim(database, composed.message_id)
    assert claimed is not None
    assert record(database, claimed, [EMAIL, ZALO]).state is MessageState.SENT
    row = message(database, composed.message_id)
    assert row.sent_at == NOW and row.claim_token is None
    assert count(database, DeliveryAttemptRow) == 2


def test_a_failing_send_is_retried_with_backoff_then_marked_failed(database: Database) -> None:
    [composed] = enqueue_and_compose(database, [item("SNV")])
    now = NOW
    policy = DEFAULT_POLICY
    for attempt in range(1, policy.max_attempts + 1):
        claimed = claim(database, composed.message_id, now)
        assert claimed is not None and claimed.attempt == attempt
        recorded = record(database, claimed, [failed(EMAIL)], now)
        if attempt < policy.max_attempts:
            assert recorded.state is MessageState.DEFERRED
            assert recorded.next_attempt_at == now + policy.delay_after(attempt)
            assert claim(database, composed.message_id, now - dt.timedelta(seconds=1)) is None
            now = recorded.next_attempt_at
    assert recorded.state is MessageState.FAILED
    assert "Máy chủ không trả lời" in (message(database, composed.message_id).last_error or "")


def test_a_permanent_failure_fails_the_message_at_once(database: Database) -> None:
    [composed] = enqueue_and_compose(database, [item("SNV")])
    claimed = claim(database, composed.message_id)
    assert claimed is not None
    assert record(database, claimed, [failed(ZALO, permanent=True)]).state is MessageState.FAILED


def test_a_retry_skips_the_services_that_already_accepted_the_message(database: Database) -> None:
    [composed] = enqueue_and_compose(database, [item("SNV")])
    first = claim(database, composed.message_id)
    assert first is not None and first.done_services == frozenset()
    record(database, first, [EMAIL, failed(ZALO)])
    second = claim(database, composed.message_id)
    assert second is not None and second.done_services == {EMAIL.url}
    assert record(database, second, [ZALO]).state is MessageState.SENT


def test_an_optional_service_that_failed_does_not_hold_the_message_back(
    database: Database,
) -> None:
    [composed] = enqueue_and_compose(database, [item("SNV")])
    claimed = claim(database, composed.message_id)
    assert claimed is not None
    optional = ServiceResult("Zalo OA", ZALO.url, False, "Zalo không trả lời", optional=True)
    assert record(database, claimed, [EMAIL, optional]).state is MessageState.SENT


def test_a_failing_channel_removed_from_the_configuration_no_longer_holds_the_message(
    database: Database,
) -> None:
    [composed] = enqueue_and_compose(database, [item("SNV")])
    first = claim(database, composed.message_id)
    assert first is not None
    assert record(database, first, [failed(ZALO)]).state is MessageState.DEFERRED
    second = claim(database, composed.message_id)  # Zalo is gone; the agency has email now
    assert second is not None
    assert record(database, second, [EMAIL]).state is MessageState.SENT


def test_four_writers_enqueueing_the_same_ten_thousand_items_write_each_once(
    database: Database,
) -> None:
    # Issue 8: on PostgreSQL the losing writers fell back to one savepoint per row in one
    # transaction and ran out of shared memory; ON CONFLICT DO NOTHING keeps it bounded.
    items = [item(f"CQ{n % 40}", occurrence=str(n)) for n in range(10_000)]

    def write(_: int) -> int:
        with database.transaction() as session:
            return len(outbox.enqueue(session, items, NOW))

    written = at_once(4, write)
    assert sum(written) == 10_000 and count(database, ReminderItemRow) == 10_000


def test_a_composer_that_another_beat_to_an_item_composes_again_from_what_is_stored(
    database: Database,
) -> None:
    """The first composer holds SNV's item while the second may read it as free, with a
    newer one besides (PostgreSQL; SQLite's write lock makes the second wait outright). The
    second's attach waits, finds the item taken and composes again from what is stored
    now: the newer item joins the first's message, still waiting for its first send, and
    each item is in exactly one message."""
    first_item, later_item = item("SNV"), item("SNV", step="IV.3.summary_report_draft")
    with database.transaction() as session:
        outbox.enqueue(session, [first_item], NOW)
    results: dict[str, list[outbox.Composed]] = {}
    second = threading.Thread(target=lambda: results.update(second=enqueue_and_compose(
        database, [later_item])))  # fmt: skip
    with database.transaction() as session:
        results["first"] = outbox.compose(session, NOW, no_quiet)
        second.start()
        second.join(timeout=1)  # meanwhile it reads, then waits for our row locks
    second.join(timeout=60)
    [first], [merged] = results["first"], results["second"]
    assert first.item_keys == (first_item.key,)
    assert merged.message_id == first.message_id
    assert merged.item_keys == (first_item.key, later_item.key)
    with database.transaction() as session:
        carriers = session.scalars(select(ReminderItemRow.message_id)).all()
    assert carriers == [first.message_id] * 2


def outbox_analysed_empty(database: Database) -> None:
    """A new database's outbox analysed while empty: rows rolled back, then ANALYZE."""
    if database.engine.dialect.name != "postgresql":
        pytest.skip("the planner's choice is PostgreSQL's")
    with database.transaction() as session:
        session.execute(text(f"INSERT INTO reminder_items ({ROW_COLUMNS}) {ROLLED_BACK}"))
        session.rollback()
    with database.transaction() as session:
        session.execute(text("ANALYZE reminder_items"))


def two_enqueues_in_one_transaction(database: Database) -> None:
    """A morning of two plans: the second's candidates half new, checked against the
    rows the first wrote in the same transaction. Under a statement timeout far above
    the linear check's time even on a loaded machine, far below the quadratic one's."""
    first = [item(f"CQ{n % 40}", occurrence=str(n)) for n in range(20_000)]
    second = [item(f"CQ{n % 40}", occurrence=str(n)) for n in range(10_000, 30_000)]
    with database.transaction() as session:
        session.execute(text("SET LOCAL statement_timeout = '15s'"))
        assert len(outbox.enqueue(session, first, NOW)) == 20_000
        assert len(outbox.enqueue(session, second, NOW)) == 10_000
    assert count(database, ReminderItemRow) == 30_000


def test_checking_new_keys_stays_linear_when_the_outbox_was_analysed_empty(
    database: Database,
) -> None:
    # The planner took the outbox for one row and compared each candidate with every row:
    # 20,000 against 20,000 in 50 s. A national morning's sweep stalled on it.
    outbox_analysed_empty(database)
    two_enqueues_in_one_transaction(database)


def test_checking_new_keys_does_not_wait_for_another_writer_holding_the_statistics_lock(
    database: Database,
) -> None:
    # Another sweep analysed the outbox in its transaction and has not committed: this one
    # neither waits for it (the lock is held until that commit) nor goes quadratic.
    outbox_analysed_empty(database)
    other = database.engine.connect()
    try:
        other.execute(text("BEGIN"))
        other.execute(text("ANALYZE reminder_items"))
        two_enqueues_in_one_transaction(database)
    finally:
        other.rollback()
        other.close()


ROW_COLUMNS = (
    "recipient, plan_id, step_key, rule, occurrence, rung, local_day, urgency, payload, created_at"
)
ROLLED_BACK = (
    f"SELECT 'X', '{PLAN}', 'k' || g, 'overdue', '0', 0, DATE '2024-04-15', 1, '{{}}', "
    "now() FROM generate_series(1, 50000) g"
)
