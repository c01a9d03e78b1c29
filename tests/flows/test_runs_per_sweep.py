"""How many Prefect runs one sweep of a plan creates (the national benchmark's count)."""

from __future__ import annotations

from pathlib import Path

from flows.plan import runs_per_sweep
from kehoach.store.planfile import load_plan_file


def test_the_seed_plan_sweep_is_one_plan_run_five_responsibility_runs_and_a_task_per_step(
    seed_path: Path,
) -> None:
    # Section IV's five items; 54 tracked steps (README "What it tracks") and the sender.
    assert runs_per_sweep(load_plan_file(seed_path).plan) == (6, 55)


def test_a_report_cycle_counts_a_task_run_per_occurrence() -> None:
    path = Path(__file__).parents[2] / "config/plans/ba-ria-vung-tau-2012-bao-cao-cchc.yaml"
    plan = load_plan_file(path).plan
    flows, tasks = runs_per_sweep(plan)
    assert flows == 1 + len(plan.responsibilities)
    assert tasks > 12 * len(plan.responsibilities)  # at least a year of monthly occurrences
