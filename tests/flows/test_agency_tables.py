"""The per-agency tables of the dashboard when two provinces' directories share a code: each
directory's Sở Nội vụ has its own table, and each plan summary links to its own."""

from __future__ import annotations

from pathlib import Path

import yaml

from flows.plan import plan_flow
from flows.summary import PlanOutcome
from kehoach.paths import bundled_config_dir
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from tests.conftest import SEED_LOADED_AT
from tests.flows.conftest import at
from tests.flows.prefect_api import latest_artifact

SEED = "nt-2024-so-ket-vi-nguoi-ngheo"
OTHER = "tk-2024-so-ket"
OTHER_TITLE = "Sơ kết phong trào thi đua của tỉnh Thử Khác"
SEED_TITLE = (
    "Tổ chức Hội nghị Sơ kết Phong trào thi đua “Vì Người nghèo – Không để ai bị bỏ lại phía "
    "sau” giai đoạn 2021-2025 trên địa bàn tỉnh Ninh Thuận"
)


def _other_province(root: Path, seed_path: Path) -> Path:
    """A copy of the seed plan for another province: its own directory (id tinh-khac-2024),
    in which SNV is that province's Sở Nội vụ."""
    directory = yaml.safe_load(
        (bundled_config_dir() / "directories" / "ninh-thuan-2024.yaml").read_text("utf-8")
    )
    directory["directory"]["id"] = "tinh-khac-2024"
    for agency in directory["agencies"]:
        if agency["code"] == "SNV":
            agency["name"] = "Sở Nội vụ tỉnh Thử Khác"
    (root / "directories").mkdir()
    (root / "directories" / "tinh-khac-2024.yaml").write_text(yaml.safe_dump(directory), "utf-8")
    plan = yaml.safe_load(seed_path.read_text("utf-8"))
    plan["plan"].update(id=OTHER, title=OTHER_TITLE, directory="tinh-khac-2024")
    (root / "plans").mkdir()
    path = root / "plans" / f"{OTHER}.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), "utf-8")
    return path


def _sweep_both(seeded: AppContext, tmp_path: Path, seed_path: Path) -> PlanOutcome:
    loaded = seeded.load_plan_file(_other_province(tmp_path, seed_path))
    with seeded.database.transaction() as session:
        load_plan(session, loaded, SEED_LOADED_AT)
    plan_flow(plan_id=SEED, as_of=at(10), return_state=True)
    state = plan_flow(plan_id=OTHER, as_of=at(10), return_state=True)
    outcome = state.result()
    assert isinstance(outcome, PlanOutcome)
    return outcome


def test_two_directories_sharing_a_code_get_one_agency_table_each(
    seeded: AppContext, tmp_path: Path, seed_path: Path
) -> None:
    _sweep_both(seeded, tmp_path, seed_path)
    ninh_thuan = latest_artifact("co-quan-ninh-thuan-2024-snv")
    other = latest_artifact("co-quan-tinh-khac-2024-snv")
    assert ninh_thuan.description.startswith("**Sở Nội vụ**")
    assert other.description.startswith("**Sở Nội vụ tỉnh Thử Khác**")
    # Each table holds its own province's plan only: the same code elsewhere is not this agency.
    assert _plans_listed(other.data) == [OTHER_TITLE]
    assert _plans_listed(ninh_thuan.data) == [SEED_TITLE]


def _plans_listed(table: str) -> list[str]:
    return [line.removeprefix("## ") for line in table.splitlines() if line.startswith("## ")]


def test_a_plan_summary_links_each_lead_agency_to_its_own_directorys_table(
    seeded: AppContext, tmp_path: Path, seed_path: Path
) -> None:
    _sweep_both(seeded, tmp_path, seed_path)
    other = latest_artifact(f"{OTHER}-tong-hop").data
    seed = latest_artifact(f"{SEED}-tong-hop").data
    assert "[Sở Nội vụ tỉnh Thử Khác](/artifacts/key/co-quan-tinh-khac-2024-snv)" in other
    assert "[Sở Nội vụ](/artifacts/key/co-quan-ninh-thuan-2024-snv)" in seed
    assert "co-quan-ninh-thuan-2024" not in other
