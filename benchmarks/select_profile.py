"""Where the morning sweep's selection goes at national size: `sweep.evaluate`, in parts.

Builds the national bench's provinces on PostgreSQL (`national_bench.py`: the first province
through `load_plan`, the others copied; the realistic mix of progress before the first
morning), then on each morning times `sweep.evaluate` of every plan beside its parts: the
status read (`plan_statuses`), the event rows, `notice_inputs`, and the pure selection
(`models.reminders.select_items`), and the raw driver's read of the same step columns.
With `--profile`, a cProfile of the pure selection of every plan on the first morning.

    .venv/bin/python benchmarks/select_profile.py [--provinces 2] [--communes 100] [--days 1]
        [--profile] [--dump inputs.pickle] [--url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pickle
import pstats
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import national_bench as nb  # benchmarks/national_bench.py
from machine import describe as describe_machine  # benchmarks/machine.py
from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach.collector import collector_paused
from kehoach.services import sweep
from kehoach.services.lookup import plan_of
from kehoach.services.parts import notice_inputs
from kehoach.services.status import plan_statuses
from kehoach.store.session import Database
from kehoach.store.tables import PlanRow
from models.reminders import select_items


@dataclass
class Parts:
    evaluate_s: float = 0.0
    status_s: float = 0.0
    inputs_s: float = 0.0
    select_s: float = 0.0
    steps: int = 0
    items: int = 0


def measure(
    database: Database, now: dt.datetime, profile: cProfile.Profile | None, dump: Path | None
) -> Parts:
    """`evaluate` of every plan, then each of its parts again (same transaction, warm);
    `dump`: the pure selection's inputs pickled there, to time it alone without a database."""
    parts, inputs_of = Parts(), []
    with database.transaction() as session:
        for row in session.scalars(select(PlanRow).order_by(PlanRow.id)).all():
            inputs_of.append(measure_plan(session, row, now, parts, profile))
    if dump is not None:
        dump.write_bytes(pickle.dumps(inputs_of))
    return parts


def measure_plan(
    session: Session, row: PlanRow, now: dt.datetime, parts: Parts, profile: Any
) -> tuple[Any, ...]:
    items, seconds = nb.timed(lambda: sweep.evaluate(session, row, now))
    parts.evaluate_s += seconds
    parts.items += len(items)
    plan, calendar = plan_of(session, row)
    steps, seconds = nb.timed(lambda: plan_statuses(session, row, now))
    parts.status_s += seconds
    parts.steps += len(steps)
    start = time.perf_counter()
    event, inputs = sweep.event_facts(session, row), notice_inputs(session, plan.plan.id, now)
    parts.inputs_s += time.perf_counter() - start
    selection = (plan, steps, event, calendar, now, inputs)
    if profile is not None:
        profile.enable()
    with collector_paused():  # as `evaluate` runs it
        again, seconds = nb.timed(lambda: select_items(*selection))
    if profile is not None:
        profile.disable()
    parts.select_s += seconds
    assert again == items, row.id
    return selection


def read_floor(raw: Any) -> float:
    with raw.transaction(), raw.cursor() as cursor:
        query = f"SELECT {nb.STEP_COLUMNS} FROM steps WHERE archived_at IS NULL"
        return nb.timed(lambda: cursor.execute(query).fetchall())[1]


def print_parts(day: dt.date, parts: Parts, floor_s: float) -> None:
    per_step = 1e6 / parts.steps
    print(
        f"{day:%d/%m/%Y} {parts.steps:8,} bước {parts.items:7,} mục | evaluate "
        f"{parts.evaluate_s:5.2f} s ({parts.evaluate_s * per_step:5.1f} µs/bước, "
        f"{parts.evaluate_s / floor_s:4.1f}× sàn đọc {floor_s:4.2f} s) | tình trạng "
        f"{parts.status_s:5.2f} s, sổ sự kiện {parts.inputs_s:4.2f} s, chọn "
        f"{parts.select_s:5.2f} s ({parts.select_s * per_step:4.1f} µs/bước)",
        flush=True,
    )


def run(options: argparse.Namespace) -> None:
    print(f"Máy: {describe_machine()}")
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as folder, nb.postgres(options.url) as url:
        database = Database(url)
        paths = nb.plan_files(Path(folder), options.provinces, options.communes)
        nb.load_all(database, paths, each=False)
        pooled = database.engine.raw_connection()
        raw = pooled.driver_connection
        raw.autocommit = True
        try:
            mornings = nb.working_mornings(options.days)
            nb.initial_mix(raw, mornings[0], rng)
            profile = cProfile.Profile() if options.profile else None
            for n, day in enumerate(mornings):
                if n:
                    nb.daily_reports(raw, day, rng)
                now = nb.morning_of(day)
                first = n == 0
                parts = measure(database, now, profile if first else None, options.dump)
                print_parts(day, parts, read_floor(raw))
                nb.sweep_all(database, now, nb.Morning(day))  # the outbox as a sweep leaves it
            if profile is not None:
                pstats.Stats(profile).sort_stats("tottime").print_stats(35)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
        finally:
            pooled.close()
            database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--provinces", type=int, default=2)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="cProfile the pure selection")
    parser.add_argument("--dump", type=Path, help="pickle the last morning's selection inputs")
    parser.add_argument("--url", help="a PostgreSQL database to fill (default: a throwaway one)")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
