"""How much do the coordinator's drop-down lists cost `serve` (and a pool's refresh)?

Fills a database with status_bench's synthetic plans (5,000 tracked steps each: 500
agencies × 10 fanned-out steps), then times, the way `serve` and `FormRefresher` run them:
- the lists: `read_catalogue` (every open plan's steps, agencies and events) and the eight
  forms' schemas built from it, beside the floor: the raw driver (sqlite3 / psycopg) reading
  the same step columns of the same rows, nothing above it;
- the same read through whole ORM rows (what the lists read before this round);
- the minute's check when nothing changed: the plans' file digests only;
- a form run's label resolution (`choices.resolved` of a chosen step and agency): with the
  shared forms (every open plan's choices read, as before per-plan forms) and with the
  middle plan's own form (its choices only), beside the raw driver reading that plan's
  step columns.

SQLite (default): 100k steps. PostgreSQL (`--postgres`, a throw-away server from the
machine's binaries, or `--postgres URL` of an empty database): 100k and 500k steps.

    .venv/bin/python benchmarks/form_lists_bench.py [--steps 100000]
    .venv/bin/python benchmarks/form_lists_bench.py --postgres [URL]

The first plan is loaded through `load_plan`; the others are copies of its rows under their
own ids (the lists read the rows the same way whoever wrote them).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import status_bench  # benchmarks/status_bench.py: the same synthetic plans and copies
from machine import describe as describe_machine  # benchmarks/machine.py
from sqlalchemy import func, insert, literal, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.choices import StepFacts, plan_versions, read_catalogue, resolved  # noqa: E402
from flows.form_schema import form_schema  # noqa: E402
from flows.forms import ACTION_FLOWS, ProgressReport, StatusChoice  # noqa: E402
from kehoach.store.session import Database  # noqa: E402
from kehoach.store.tables import StepRow  # noqa: E402

PER_PLAN = status_bench.AGENCIES_PER_PLAN * status_bench.STEPS_PER_AGENCY


def the_lists(database: Database) -> int:
    """What `serve` builds at start and after a plan changed: every form's schema."""
    with database.transaction() as session:
        catalogue = read_catalogue(session)
    for action in ACTION_FLOWS:
        form_schema(action, catalogue)
    return len(catalogue.steps)


def orm_rows(database: Database) -> int:
    """The step rows as whole ORM objects, as the lists were read before."""
    with database.transaction() as session:
        query = select(StepRow).where(StepRow.archived_at.is_(None)).order_by(StepRow.position)
        return len(list(session.scalars(query)))


def unchanged_check(database: Database) -> int:
    with database.transaction() as session:
        return len(plan_versions(session))


def floor(database: Database) -> int:
    """The driver alone: the same step columns of the same rows, one query, fetched."""
    columns = ", ".join(StepFacts._fields)
    query = f"SELECT {columns} FROM steps WHERE archived_at IS NULL ORDER BY plan_id, position"
    return status_bench.raw_count(database, query)


def chosen(database: Database, plan_id: str | None, middle: str) -> ProgressReport:
    """A report as the coordinator fills it: the middle plan's third plan step and one of
    its agencies, labelled as the shared forms (`plan_id` None) or the plan's own show them."""
    with database.transaction() as session:
        catalogue = read_catalogue(session, plan_ids=None if plan_id is None else [plan_id])
    group, rows = next(g for g in catalogue.groups if g[0].plan_id == middle)
    lead = next(c.label for c in catalogue.leads if c.plan_id == middle and c.value == rows[7].lead)
    return ProgressReport(step=group.label, lead=lead, status=StatusChoice.DONE)


def resolution(database: Database, form: ProgressReport, plan_id: str | None) -> str:
    with database.transaction() as session:
        return resolved(session, form, plan_id).step


def plan_floor(database: Database, plan_id: str) -> int:
    columns = ", ".join(StepFacts._fields)
    query = (
        f"SELECT {columns} FROM steps WHERE archived_at IS NULL AND plan_id = '{plan_id}' "
        "ORDER BY position"
    )
    return status_bench.raw_count(database, query)


def measure_resolution(database: Database, repeats: int) -> None:
    with database.transaction() as session:
        ids = sorted(plan_versions(session))
    middle = ids[len(ids) // 2][0]
    shared, own = chosen(database, None, middle), chosen(database, middle, middle)
    before, key = status_bench.median_seconds(lambda: resolution(database, shared, None), repeats)
    after, same = status_bench.median_seconds(lambda: resolution(database, own, middle), repeats)
    assert key == same and "@" in key, (key, same)  # both resolve to the one fanned-out step
    base, rows = status_bench.median_seconds(lambda: plan_floor(database, middle), repeats)
    print(
        f"        một lượt biểu mẫu tìm lại bước đã chọn: biểu mẫu chung {before:6.2f} s; "
        f"biểu mẫu riêng của kế hoạch {after:5.2f} s ({rows} bước của kế hoạch; sàn driver "
        f"{base:5.3f} s, gấp {after / base:4.1f} lần)",
        flush=True,
    )


def fill_sqlite(database: Database, plans: int) -> None:
    """bench-0 through load_plan, the others as copies (SQLite's json_set renames them)."""
    status_bench.load_plans_range(database, 0, 1)
    for index in range(1, plans):
        with database.transaction() as session:
            for table in status_bench._plan_tables():
                _copy_rows(session, table, f"bench-{index}")


def _copy_rows(session: Session, table: Any, plan_id: str) -> None:
    key = table.c.id if table.name == "plans" else table.c.plan_id
    columns = [c for c in table.c if c is not table.autoincrement_column]
    values = [literal(plan_id) if c is key else c for c in columns]
    if table.name == "plans":
        renamed = func.json_set(table.c.document, "$.plan.id", plan_id)
        values = [
            renamed if c.name == "document" else v for c, v in zip(columns, values, strict=True)
        ]
    source = select(*values).where(key == "bench-0")
    session.execute(insert(table).from_select([c.name for c in columns], source))


def measure(database: Database, repeats: int) -> None:
    lists, steps = status_bench.median_seconds(lambda: the_lists(database), repeats)
    base = status_bench.median_seconds(lambda: floor(database), repeats)[0]
    orm = status_bench.median_seconds(lambda: orm_rows(database), repeats)[0]
    check = status_bench.median_seconds(lambda: unchanged_check(database), repeats)[0]
    print(
        f"{steps:>7} bước: danh sách của 8 biểu mẫu {lists:6.2f} s; sàn (driver đọc cùng các "
        f"cột) {base:5.2f} s, gấp {lists / base:4.2f} lần; đọc nguyên hàng ORM {orm:5.2f} s; "
        f"kiểm tra mỗi phút khi không đổi {check * 1000:5.1f} ms",
        flush=True,
    )
    measure_resolution(database, repeats)


def run_sqlite(steps: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        database = Database(f"sqlite:///{scratch}/bench.db")
        fill_sqlite(database, max(1, steps // PER_PLAN))
        measure(database, repeats=3)
        database.dispose()


def run_postgres(url: str | None, sizes: tuple[int, ...] = (100_000, 500_000)) -> None:
    with status_bench.postgres(url) as database_url:
        database = Database(database_url)
        with database.engine.connect() as connection:
            print(f"PostgreSQL {connection.execute(text('SHOW server_version')).scalar()}")
        loaded = 0
        for target in sizes:
            status_bench.copy_plans_range(database, loaded, target // PER_PLAN)
            loaded = target // PER_PLAN
            with database.engine.connect() as connection:
                connection.execute(text("ANALYZE"))
            measure(database, repeats=3)
        database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=100_000, help="SQLite: how many steps")
    parser.add_argument(
        "--postgres", nargs="?", const="", default=None, metavar="URL",
        help="PostgreSQL: a throw-away server, or the URL of an empty database",
    )  # fmt: skip
    args = parser.parse_args()
    print(f"Máy: {describe_machine()}")
    if args.postgres is None:
        run_sqlite(args.steps)
    else:
        run_postgres(args.postgres or None)


if __name__ == "__main__":
    main()
