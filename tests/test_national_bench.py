"""benchmarks/national_bench.py --quick runs, and its mornings say what the full run says."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.postgres_server import PostgresServer

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))  # its neighbours: directory_bench, machine
    spec = importlib.util.spec_from_file_location(
        "national_bench", BENCHMARKS / "national_bench.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.postgres
def test_the_quick_national_run_replays_three_mornings_of_growing_history(
    bench: ModuleType, postgres_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    options = bench.QUICK
    url = postgres_server.fresh_database()
    mornings = bench.run(bench.dataclasses.replace(options, url=url))
    printed = capsys.readouterr().out
    steps = options.provinces * options.communes * 147  # 12 + 39 + 8 × 12 per commune
    assert [m.steps for m in mornings] == [steps] * options.days
    first, *later = mornings
    assert first.written == first.candidates > 0 and first.messages > 0
    # Later mornings see yesterday's reminders among their candidates and skip them.
    assert all(0 < m.written < m.candidates for m in later)
    events = [m.history["step_events"] for m in mornings]
    items = [m.history["reminder_items"] for m in mornings]
    assert events == sorted(set(events)) and items == sorted(set(items))
    assert all(m.history["delivery_attempts"] == m.history["outbox_messages"] for m in mornings)
    # The write floor's rows were rolled back: the outbox holds only what the sweeps wrote.
    assert items[0] == first.written and items[1] - items[0] == later[0].written
    # The floors did their work: every plan's reads sent again, the candidates written.
    assert all(m.reads >= 3 * options.provinces for m in mornings)
    assert all(min(m.read_floor_s, m.write_floor_s, m.status_floor_s) > 0 for m in mornings)
    assert all(m.bare_floor_s > 0 for m in mornings)
    assert "Index Scan using ix_step_events_plan_kind_at" in printed
    assert (
        # Each province's plan: its run and three responsibilities' (flows.plan.runs_per_sweep);
        # no task run per step, so the count does not grow with the steps.
        f"{options.provinces * 4:,} lượt luồng, {options.provinces * 4:,} lượt tác vụ" in printed
    )
