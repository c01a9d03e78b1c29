"""Does status stay fast once report cycles are expanded? A year of monthly reports for
every commune (≈ 3,300 communes × 12 = ≈ 40k occurrences) beside the 100k steps of
status_bench.py, on a fresh SQLite file.

Measured, each with its floor from the same run:
- expansion: `expand_steps` of the recurring plan, against the expansion of a plan with the
  same number of one-off steps (12 fanned-out steps with fixed dates): the cost of the
  cycles themselves (due days, periods, labels);
- status: `statuses` of everything (occurrences + 100k steps), against a bare read of the
  same step rows (one SELECT of the columns status reads, no judging): what the rules add;
  and the series lines (`models.series.series_lines`) built from the result.

    .venv/bin/python benchmarks/recurrence_bench.py [--communes 3300] [--steps 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from machine import describe as describe_machine  # benchmarks/machine.py
from sqlalchemy import select
from status_bench import AGENCIES_PER_PLAN, STEPS_PER_AGENCY, load_plans_range

from kehoach.services.plans import load_plan
from kehoach.services.status import _STEP_COLUMNS, statuses
from kehoach.store.planfile import LoadedPlan, plan_calendar
from kehoach.store.session import Database
from models.deadlines import resolve_deadlines
from models.plan import Plan
from models.series import series_lines
from models.steps import expand_steps

AS_OF = dt.datetime(2024, 4, 15, 1, 0, tzinfo=dt.UTC)
LOADED_AT = dt.datetime(2024, 1, 2, 1, 0, tzinfo=dt.UTC)


def commune_plan(communes: int, recurring: bool) -> Plan:
    """Every commune reports monthly ("trước ngày 15"), or 12 one-off steps for the floor."""
    agencies = [
        {"code": f"X{n}", "name": f"UBND xã số {n}", "kind": "commune", "groups": ["xa"]}
        for n in range(communes)
    ]
    if recurring:
        timings = [{"recurrence": {"every": "month", "day": 15, "meaning": "truoc_ngay"}}]
    else:
        timings = [{"deadline": {"date": f"2024-{m:02d}-14"}} for m in range(1, 13)]
    steps = [
        {"id": f"thang{i}", "title": "Báo cáo tháng", "fan_out": ["xa"], **timing}
        for i, timing in enumerate(timings)
    ]
    return Plan.model_validate(
        {
            "schema_version": 2,
            "plan": {
                "id": "bench-xa" if recurring else "bench-xa-mot-lan",
                "title": "Báo cáo tháng của các xã",
                "issuer": "UBND tỉnh",
                "issued": {"year": 2024},
                "coordinator": "X0",
                "period": {"start": "2024-01-01", "end": "2024-12-31"},
            },
            "event": {"name": "Mốc", "tentative_month": None, "assumed_date": "2024-12-31"},
            "groups": [{"code": "xa", "name": "UBND các xã"}],
            "agencies": agencies,
            "difficulty_route": {"receivers": ["X0"]},
            "responsibilities": [
                {"id": "R", "title": "Báo cáo", "responsible": ["xa"], "steps": steps}
            ],
        }
    )


def median_seconds(action: Callable[[], Any], repeats: int = 3) -> tuple[float, Any]:
    timings, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), result


def _expansion(communes: int) -> tuple[Plan, Any]:
    calendar = plan_calendar(commune_plan(1, True))
    recurring, once = commune_plan(communes, True), commune_plan(communes, False)
    cycles, steps = median_seconds(
        lambda: expand_steps(recurring, resolve_deadlines(recurring, calendar), calendar)
    )
    floor, _ = median_seconds(lambda: expand_steps(once, resolve_deadlines(once, calendar)))
    print(
        f"Khai triển {len(steps)} kỳ báo cáo: {cycles * 1000:.0f} ms; sàn (cùng số bước một "
        f"lần): {floor * 1000:.0f} ms; tỉ lệ {cycles / floor:.2f}×"
    )
    return recurring, calendar


def _status(database: Database) -> None:
    def bare_read() -> int:
        with database.transaction() as session:
            return len(session.connection().execute(select(*_STEP_COLUMNS)).all())

    def judged() -> Any:
        with database.transaction() as session:
            return statuses(session, AS_OF)

    floor, rows = median_seconds(bare_read)
    seconds, items = median_seconds(judged)
    lines_s, lines = median_seconds(lambda: series_lines(items, AS_OF.date()))
    print(
        f"{len(items)} bước ({rows} dòng): tình trạng {seconds * 1000:.0f} ms; sàn (đọc thô "
        f"các cột): {floor * 1000:.0f} ms; tỉ lệ {seconds / floor:.2f}×; "
        f"{len(lines)} dòng chuỗi báo cáo thêm {lines_s * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--communes", type=int, default=3300)
    parser.add_argument("--steps", type=int, default=100_000, help="one-off steps beside")
    args = parser.parse_args()
    print(f"Máy: {describe_machine()}")
    plan, calendar = _expansion(args.communes)
    with tempfile.TemporaryDirectory() as scratch:
        database = Database(f"sqlite:///{scratch}/bench.db")
        # First the one-off steps alone (status_bench's case), then with the occurrences.
        load_plans_range(database, 0, args.steps // (AGENCIES_PER_PLAN * STEPS_PER_AGENCY))
        _status(database)
        start = time.perf_counter()
        with database.transaction() as session:
            load_plan(session, LoadedPlan(plan, Path("xa.yaml"), "0" * 64, calendar), LOADED_AT)
        print(f"Nạp kế hoạch báo cáo tháng: {time.perf_counter() - start:.1f} s")
        _status(database)
        database.dispose()


if __name__ == "__main__":
    main()
