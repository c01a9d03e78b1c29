"""How long does step health take for a province's worth of plans, read from the database?

Builds synthetic plans (each: 500 agencies, steps fanned out over them, with
dependencies and progress of every kind), loads them into a fresh SQLite file,
then times `kehoach.services.status.statuses` — the same code `kehoach status` runs — at
25k, 50k and 100k steps. Target: under 1 s for 100k steps on SQLite, growing
linearly.

    .venv/bin/python benchmarks/status_bench.py [--steps 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from machine import describe as describe_machine  # benchmarks/machine.py
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kehoach.services.plans import load_plan
from kehoach.services.status import statuses
from kehoach.store.planfile import LoadedPlan, plan_calendar
from kehoach.store.session import Database
from kehoach.store.tables import StepRow
from models.plan import Plan

AGENCIES_PER_PLAN = 500
STEPS_PER_AGENCY = 10  # 5,000 tracked steps per plan
AS_OF = dt.datetime(2024, 4, 15, 1, 0, tzinfo=dt.UTC)
LOADED_AT = dt.datetime(2024, 3, 1, 1, 0, tzinfo=dt.UTC)


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


def time_status(database: Database, repeats: int = 5) -> tuple[float, int]:
    timings, count = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        with database.transaction() as session:
            count = len(statuses(session, AS_OF))
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), count


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    per_plan = AGENCIES_PER_PLAN * STEPS_PER_AGENCY
    print(f"Máy: {describe_machine()}")
    with tempfile.TemporaryDirectory() as scratch:
        database = Database(args.database_url or f"sqlite:///{scratch}/bench.db")
        loaded = 0
        for target in (args.steps // 4, args.steps // 2, args.steps):
            plans = max(1, target // per_plan)
            start = time.perf_counter()
            load_plans_range(database, loaded, plans)
            load_seconds = time.perf_counter() - start
            loaded = plans
            seconds, count = time_status(database)
            print(
                f"{count:>7} bước: tình trạng {seconds * 1000:7.0f} ms "
                f"({seconds / count * 1e6:5.2f} µs/bước); nạp thêm mất {load_seconds:5.1f} s"
            )
        database.dispose()


def load_plans_range(database: Database, start: int, stop: int) -> None:
    calendar = plan_calendar(synthetic_plan(0))
    for index in range(start, stop):
        plan = synthetic_plan(index)
        loaded = LoadedPlan(plan, Path(f"bench-{index}.yaml"), f"{index:064d}", calendar)
        with database.transaction() as session:
            load_plan(session, loaded, LOADED_AT)
            _scatter_progress(session, plan.plan.id, random.Random(index))


if __name__ == "__main__":
    main()
