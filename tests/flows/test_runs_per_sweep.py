"""How many Prefect runs one sweep of a plan creates (the national benchmark's count)."""

from __future__ import annotations

from pathlib import Path

from flows.plan import runs_per_sweep
from kehoach.store.planfile import load_plan_file


def test_the_seed_plan_sweep_is_one_plan_run_five_responsibility_runs_and_no_task_per_step(
    seed_path: Path,
) -> None:
    # Section IV's five items: their subflow calls (recorded as task runs) and the sender.
    assert runs_per_sweep(load_plan_file(seed_path).plan) == (6, 6)


def test_a_report_cycle_adds_no_run_per_occurrence() -> None:
    path = Path(__file__).parents[2] / "config/plans/ba-ria-vung-tau-2012-bao-cao-cchc.yaml"
    plan = load_plan_file(path).plan
    responsibilities = len(plan.responsibilities)
    assert runs_per_sweep(plan) == (1 + responsibilities, responsibilities + 1)
