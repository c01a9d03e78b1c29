"""The layers as written in pyproject.toml, and the core's promise never to read the clock."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["models", "kehoach", "flows", "notifications"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, check=False
    )


def scratch_copy(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_every_layer_contract_holds_in_the_tree() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("module", "line", "rule"),
    [
        ("models/health.py", "import kehoach.services.sweep", "The pure core imports no framework"),
        ("models/steps.py", "import sqlalchemy", "The pure core imports no framework"),
        ("notifications/email.py", "import kehoach.cli.main", "Layers"),
        ("kehoach/store/tables.py", "import kehoach.services.status", "Layers"),
        ("kehoach/services/status.py", "import prefect", "Only the CLI and the flows know Prefect"),
    ],
)
def test_a_wrong_import_fails_with_the_rule_it_breaks(
    tmp_path: Path, module: str, line: str, rule: str
) -> None:
    copy = scratch_copy(tmp_path)
    target = copy / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    result = lint_imports(copy)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(row.startswith(rule) for row in broken), result.stdout


CLOCK_CALLS = {"now", "today", "utcnow", "monotonic", "perf_counter", "time_ns"}


def reads_clock(call: ast.Call) -> bool:
    if not isinstance(call.func, ast.Attribute):
        return False
    if call.func.attr in CLOCK_CALLS:
        return True
    # time.time() reads the clock; dt.time(7, 30) only builds a time of day.
    return call.func.attr == "time" and not call.args and not call.keywords


@pytest.mark.parametrize("module", sorted(p.name for p in (ROOT / "models").glob("*.py")))
def test_no_core_module_reads_the_clock(module: str) -> None:
    tree = ast.parse((ROOT / "models" / module).read_text(encoding="utf-8"))
    readers = [
        ast.unparse(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and reads_clock(node)
    ]
    assert readers == []
