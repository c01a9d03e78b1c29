"""How long does step health take for a province's worth of plans, read from the database?

Builds synthetic plans (each: 500 agencies, steps fanned out over them, with
dependencies and progress of every kind), loads them into a fresh database, then times
`kehoach.services.status.statuses` — the same code `kehoach status` runs — beside the
raw driver's read of the same rows (the same columns, fetched by sqlite3 or psycopg
alone: the floor no Python code above the driver can beat).

SQLite (default): 25k, 50k and 100k steps. Target: under 1 s for 100k, growing linearly.
PostgreSQL (`--postgres`, a throw-away server from the machine's binaries as the tests
start one, or `--postgres URL` of an empty database): 100k and 500k steps. Targets:
500k ≤ 5 s and ≤ 2× the floor.

    .venv/bin/python benchmarks/status_bench.py [--steps 100000] [--database-url URL]
    .venv/bin/python benchmarks/status_bench.py --postgres [URL]

On PostgreSQL the first plan is loaded through `load_plan` and the others are copies of
its rows under their own ids (loading 100 plans one by one takes ~15 minutes there;
status reads the rows the same way whoever wrote them); each plan gets its own mix of
progress.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import throwaway_pg  # benchmarks/throwaway_pg.py
from machine import describe as describe_machine  # benchmarks/machine.py
from sqlalchemy import JSON, Table, Text, cast, func, insert, literal, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/postgres_server.py starts a throw-away PostgreSQL

from kehoach.services.plans import load_plan  # noqa: E402
from kehoach.services.status import SOURCE_COLUMNS, statuses  # noqa: E402
from kehoach.store.base import Base  # noqa: E402
from kehoach.store.planfile import LoadedPlan, plan_calendar  # noqa: E402
from kehoach.store.session import Database  # noqa: E402
from kehoach.store.tables import PlanRow, StepRow  # noqa: E402
from models.plan import Plan  # noqa: E402

AGENCIES_PER_PLAN = 500
STEPS_PER_AGENCY = 10  # 5,000 tracked steps per plan
AS_OF = dt.datetime(2024, 4, 15, 1, 0, tzinfo=dt.UTC)
LOADED_AT = dt.datetime(2024, 3, 1, 1, 0, tzinfo=dt.UTC)
SQLITE_TARGET_S = 1.0
POSTGRES_TARGET_S, FLOOR_TARGET = 5.0, 2.0


def synthetic_plan(index: int) -> Plan:
    agencies = [
        {"code": f"A{n}", "name": f"Cơ quan số {n}", "kind": "district", "groups": ["all"]}
        for n in range(AGENCIES_PER_PLAN)
    ]
    steps = [
        {
            "id": f"S{n}",
            "title": f"Bước {n}",
            "fan_out": ["all"],
            "depends_on": [f"S{n - 1}"] if n else [],
            "deadline": {"before_event": 40 - 3 * n},
        }
        for n in range(STEPS_PER_AGENCY)
    ]
    return Plan.model_validate(
        {
            "plan": {
                "id": f"bench-{index}",
                "title": f"Kế hoạch đo hiệu năng {index}",
                "issuer": "UBND tỉnh",
                "issued": {"year": 2024},
                "coordinator": "A0",
            },
            "event": {"name": "Hội nghị", "tentative_month": None, "assumed_date": "2024-05-09"},
            "groups": [{"code": "all", "name": "Tất cả"}],
            "agencies": agencies,
            "difficulty_route": {"receivers": ["A0"]},
            "responsibilities": [
                {"id": "R", "title": "Nhiệm vụ", "responsible": ["all"], "steps": steps}
            ],
        }
    )


def _scatter_progress(session: Session, plan_id: str, rng: random.Random) -> None:
    """Give a realistic mix of states without going through the event log (setup only)."""
    ids = list(session.scalars(select(StepRow.id).where(StepRow.plan_id == plan_id)))
    rng.shuffle(ids)
    shares = (("in_progress", 0.3), ("done", 0.3), ("blocked", 0.02))
    for progress, share in shares:
        chosen, ids = ids[: int(len(ids) * share)], ids[int(len(ids) * share) :]
        moment = LOADED_AT + dt.timedelta(days=rng.randint(1, 40))
        values = {"progress": progress, "last_update_at": moment}
        if progress == "done":
            values["completed_at"] = moment
        session.execute(update(StepRow).where(StepRow.id.in_(chosen)).values(**values))


def median_seconds(work: Callable[[], Any], repeats: int = 5) -> tuple[float, Any]:
    timings, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), result


def time_status(database: Database, repeats: int = 5) -> tuple[float, int]:
    def read() -> int:
        with database.transaction() as session:
            return len(statuses(session, AS_OF))

    return median_seconds(read, repeats)


def floor_seconds(database: Database, repeats: int = 5) -> float:
    """The driver alone: one query for the stored columns status draws on, fetched."""
    columns = ", ".join(SOURCE_COLUMNS)
    query = f"SELECT {columns} FROM steps WHERE archived_at IS NULL"
    return median_seconds(lambda: raw_count(database, query), repeats)[0]


def raw_count(database: Database, query: str) -> int:
    """The driver alone runs `query` and fetches every row; how many there were."""
    connection = database.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(query)
        count = len(cursor.fetchall())
        cursor.close()
        connection.rollback()
        return count
    finally:
        connection.close()


def load_plans_range(database: Database, start: int, stop: int) -> None:
    calendar = plan_calendar(synthetic_plan(0))
    for index in range(start, stop):
        plan = synthetic_plan(index)
        loaded = LoadedPlan(plan, Path(f"bench-{index}.yaml"), f"{index:064d}", calendar)
        with database.transaction() as session:
            load_plan(session, loaded, LOADED_AT)
            _scatter_progress(session, plan.plan.id, random.Random(index))


def copy_plans_range(database: Database, start: int, stop: int) -> None:
    """Plans `start`…`stop - 1` as copies of bench-0's rows (loaded first if missing)."""
    with database.transaction() as session:
        if session.get(PlanRow, "bench-0") is None:
            load_plans_range(database, 0, 1)
    for index in range(max(start, 1), stop):
        with database.transaction() as session:
            for table in _plan_tables():
                _copy_rows(session, table, f"bench-{index}")
            session.execute(
                update(StepRow)
                .where(StepRow.plan_id == f"bench-{index}")
                .values(progress="not_started", last_update_at=None, completed_at=None)
            )
            _scatter_progress(session, f"bench-{index}", random.Random(index))


def _plan_tables() -> list[Table]:
    """Every table holding a plan's rows, parents first (foreign keys)."""
    return [
        t
        for t in Base.metadata.sorted_tables
        if t.name == "plans" or ("plan_id" in t.c and t.name in {"agencies", "steps",
            "step_events", "deadline_history", "plan_events"})
    ]  # fmt: skip


def _copy_rows(session: Session, table: Table, plan_id: str) -> None:
    key = table.c.id if table.name == "plans" else table.c.plan_id
    # Generated keys are left to the database; the plan's id is the copy's own.
    columns = [c for c in table.c if c is not table.autoincrement_column]
    values = [literal(plan_id) if c is key else c for c in columns]
    if table.name == "plans":
        values = [_renamed_document(c, plan_id) if c.name == "document" else v
                  for c, v in zip(columns, values, strict=True)]  # fmt: skip
    source = select(*values).where(key == "bench-0")
    session.execute(insert(table).from_select([c.name for c in columns], source))


def _renamed_document(document: Any, plan_id: str) -> Any:
    # PostgreSQL only (the copies are): the stored plan names its own id.
    path = cast(literal("{plan,id}"), ARRAY(Text))
    renamed = func.jsonb_set(
        cast(document, JSONB), path, func.to_jsonb(cast(literal(plan_id), Text))
    )
    return cast(renamed, JSON)


def report(seconds: float, count: int, floor: float, extra: str) -> None:
    print(
        f"{count:>7} bước: tình trạng {seconds * 1000:7.0f} ms ({seconds / count * 1e6:5.2f} "
        f"µs/bước); sàn (đọc thô) {floor * 1000:6.0f} ms, gấp {seconds / floor:4.2f} lần{extra}",
        flush=True,
    )


def run_sqlite(url: str | None, steps: int) -> None:
    per_plan = AGENCIES_PER_PLAN * STEPS_PER_AGENCY
    with tempfile.TemporaryDirectory() as scratch:
        database = Database(url or f"sqlite:///{scratch}/bench.db")
        loaded = 0
        for target in (steps // 4, steps // 2, steps):
            plans = max(1, target // per_plan)
            start = time.perf_counter()
            load_plans_range(database, loaded, plans)
            load_seconds = time.perf_counter() - start
            loaded = plans
            seconds, count = time_status(database)
            floor = floor_seconds(database)
            report(seconds, count, floor, f"; nạp thêm mất {load_seconds:5.1f} s")
        verdict = "đạt" if seconds < SQLITE_TARGET_S else "CHƯA ĐẠT"
        print(f"Mục tiêu {steps:,} bước < {SQLITE_TARGET_S:.0f} s trên SQLite: {verdict}")
        database.dispose()


def postgres(url: str | None) -> AbstractContextManager[str]:
    return throwaway_pg.postgres(
        url, "Không có PostgreSQL trên máy (cần gói postgresql của Debian)."
    )


def run_postgres(url: str | None, sizes: tuple[int, ...] = (100_000, 500_000)) -> None:
    per_plan = AGENCIES_PER_PLAN * STEPS_PER_AGENCY
    with postgres(url) as database_url:
        database = Database(database_url)
        with database.engine.connect() as connection:
            print(f"PostgreSQL {connection.execute(text('SHOW server_version')).scalar()}")
        loaded = 0
        for target in sizes:
            plans = target // per_plan
            start = time.perf_counter()
            copy_plans_range(database, loaded, plans)
            load_seconds = time.perf_counter() - start
            loaded = plans
            with database.engine.connect() as connection:
                connection.execute(text("ANALYZE"))
            seconds, count = time_status(database, repeats=3)
            floor = floor_seconds(database, repeats=3)
            report(seconds, count, floor, f"; nạp thêm mất {load_seconds:5.1f} s")
        met = seconds <= POSTGRES_TARGET_S and seconds <= FLOOR_TARGET * floor
        print(
            f"Mục tiêu {sizes[-1]:,} bước ≤ {POSTGRES_TARGET_S:.0f} s và ≤ {FLOOR_TARGET:.0f} lần "
            f"sàn trên PostgreSQL: {'đạt' if met else 'CHƯA ĐẠT'}"
        )
        database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=100_000, help="SQLite: the largest size")
    parser.add_argument("--database-url", default=None, help="SQLite: default a fresh file")
    parser.add_argument(
        "--postgres", nargs="?", const="", default=None, metavar="URL",
        help="PostgreSQL: a throw-away server, or the URL of an empty database",
    )  # fmt: skip
    args = parser.parse_args()
    print(f"Máy: {describe_machine()}")
    if args.postgres is None:
        run_sqlite(args.database_url, args.steps)
    else:
        run_postgres(args.postgres or None)


if __name__ == "__main__":
    main()
