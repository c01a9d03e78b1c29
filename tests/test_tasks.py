"""tasks.py, the bootstrap script: what it asks uv to do."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import tasks


def run_uv(command: list[str], environment: Path) -> int:
    env = dict(os.environ, UV_PROJECT_ENVIRONMENT=str(environment), VIRTUAL_ENV=str(environment))
    return subprocess.run(command, cwd=tasks.ROOT, env=env, capture_output=True).returncode


def test_the_install_compiles_every_module_to_bytecode_from_the_lock() -> None:
    command = tasks.sync_command()

    assert command[:2] == [str(tasks.BIN / "uv"), "sync"]
    assert {"--frozen", "--inexact", "--compile-bytecode"} <= set(command)
    assert "--check" not in command


def test_the_check_before_it_installs_and_compiles_nothing() -> None:
    command = tasks.sync_command(check=True)

    assert "--check" in command
    assert "--compile-bytecode" not in command


def test_the_projects_environment_counts_as_in_sync_so_a_demo_skips_the_install() -> None:
    assert run_uv(tasks.sync_command(check=True), tasks.VENV) == 0


def test_a_missing_environment_is_not_in_sync_so_it_gets_installed(tmp_path: Path) -> None:
    assert run_uv(tasks.sync_command(check=True), tmp_path / "absent") != 0
