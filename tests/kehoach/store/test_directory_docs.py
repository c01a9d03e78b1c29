"""The examples of docs/directory.md are a directory file and a plan that load as written."""

from __future__ import annotations

import re
from pathlib import Path

from kehoach.store.directoryfile import load_directory_file
from kehoach.store.planfile import load_plan_file

DOC = Path(__file__).resolve().parents[3] / "docs" / "directory.md"


def example(marker: str) -> str:
    found = re.search(
        rf"<!-- {marker} -->\n```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S
    )
    assert found, marker
    return found.group(1)


def test_the_documented_directory_and_plan_load_and_the_merged_agency_is_left_out(
    tmp_path: Path,
) -> None:
    directories = tmp_path / "config" / "directories"
    plans = tmp_path / "config" / "plans"
    directories.mkdir(parents=True)
    plans.mkdir()
    (directories / "tinh-thu-2025.yaml").write_text(example("example: directory"), encoding="utf-8")
    (plans / "kh.yaml").write_text(example("example: directory-plan"), encoding="utf-8")
    directory = load_directory_file(directories / "tinh-thu-2025.yaml").directory
    plan = load_plan_file(plans / "kh.yaml").plan
    assert "SLDTBXH" in directory.by_code()
    assert [a.code for a in plan.agencies] == ["UBND_TINH", "SNV", "XA_MOT", "MT_XA_MOT"]
    assert plan.agency("XA_MOT").parent == "UBND_TINH"
