"""On SQLite the morning's hot reads go through an index, never a scan of the history."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from kehoach.store.session import Database

HOT_READS = {
    "ix_step_events_plan_kind_at": [
        # services.parts: the done parts and the reported difficulties of a plan
        "SELECT step_key, actor, at FROM step_events WHERE plan_id = 'kh' AND kind = 'part_done'",
        "SELECT step_key, note FROM step_events WHERE plan_id = 'kh' AND kind = 'progress' "
        "AND status = 'blocked' AND at <= '2025-10-06' ORDER BY at, id",
        # services.status: the latest change of a plan, and its events up to a moment
        "SELECT at FROM step_events WHERE plan_id = 'kh' AND kind IN ('progress', "
        "'deadline_extended') ORDER BY at DESC LIMIT 1",
        "SELECT step_key, kind, at FROM step_events WHERE plan_id = 'kh' "
        "AND kind IN ('progress', 'deadline_extended') AND at <= '2025-10-06'",
    ],
    # The enqueue's ON CONFLICT probe: the unique key uq_reminder_items_key, as SQLite names it.
    "sqlite_autoindex_reminder_items_1": [
        "SELECT id FROM reminder_items WHERE recipient = 'X1' AND plan_id = 'kh' "
        "AND step_key = 'CD.1@X1' AND rule = 'overdue' AND occurrence = '1@2025-09-01' "
        "AND rung = 1",
    ],
    "ix_reminder_items_plan_step": [  # outbox.reminders_by_step
        "SELECT step_key FROM reminder_items WHERE plan_id = 'kh' AND step_key IN ('a', 'b')",
    ],
    "ix_reminder_items_message": ["SELECT id FROM reminder_items WHERE message_id IS NULL"],
    "ix_delivery_attempts_message": ["SELECT * FROM delivery_attempts WHERE message_id = 1"],
}


@pytest.mark.parametrize(
    ("index", "query"), [(index, q) for index, queries in HOT_READS.items() for q in queries]
)
def test_a_hot_read_uses_its_index(index: str, query: str, tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'kehoach.store'}")
    try:
        with database.engine.connect() as connection:
            plan = connection.execute(text(f"EXPLAIN QUERY PLAN {query}")).all()
        details = " | ".join(str(row[-1]) for row in plan)
        assert f"INDEX {index}" in details, details
        assert "SCAN step_events" not in details and "SCAN reminder_items " not in details
    finally:
        database.dispose()
