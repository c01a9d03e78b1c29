"""Bootstrap and run kehoach with nothing but Python 3.11+ and the package registries.

    python3 tasks.py demo      # install into .venv (from uv.lock) and run `kehoach demo`
    python3 tasks.py test      # install with dev tools, then lint, type-check and test
    python3 tasks.py kehoach … # any kehoach command inside the project's environment

Why a script and not `make`: a fresh machine is only promised Python. The script
creates `.venv`, installs the pinned `uv` into it and lets uv install the exact
versions recorded in `uv.lock`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
UV_VERSION = "0.13.8"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
# Installed editable, so uv compiles none of them: compiled beside the rest at install.
OWN_PACKAGES = ("kehoach", "models", "flows", "notifications")


def _run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def _succeeds(command: list[str], env: dict[str, str]) -> bool:
    """Run without showing its output: a failure here is an answer, not an error."""
    silent = subprocess.DEVNULL
    return subprocess.run(command, cwd=ROOT, env=env, stdout=silent, stderr=silent).returncode == 0


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036  (this script must also run on older Pythons)
        sys.exit("kehoach cần Python 3.11 trở lên (đang chạy %s)." % sys.version.split()[0])  # noqa: UP031
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    if not (BIN / "uv").exists():
        _run(BIN / "python", "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}")
    env = dict(os.environ, UV_PROJECT_ENVIRONMENT=str(VENV), VIRTUAL_ENV=str(VENV))
    if _succeeds(sync_command(check=True), env):
        return  # in sync: a compiling sync would still spend ~1 s checking every .pyc
    _run(*sync_command(), env=env)
    _run(BIN / "python", "-m", "compileall", "-q", "-j", "0", *OWN_PACKAGES)


def sync_command(*, check: bool = False) -> list[str]:
    """uv's install from the lock, or (`check`) only its test that nothing needs installing.

    The install compiles every module to bytecode, in parallel: otherwise the first demo
    compiles Prefect, SQLAlchemy, Pydantic, FastAPI... module by module as it imports
    them, in both its own process and the Prefect server's, on its critical path.
    """
    # --inexact keeps uv itself, which the lock does not list.
    mode = "--check" if check else "--compile-bytecode"
    sync = ["sync", "--frozen", "--inexact", "--quiet", mode, "--python", str(BIN / "python")]
    return [str(BIN / "uv"), *sync]


def run_tests(extra: list[str]) -> None:
    _run(BIN / "ruff", "check", ".")
    _run(BIN / "ruff", "format", "--check", ".")
    _run(BIN / "mypy")
    _run(BIN / "lint-imports", "--no-cache")
    _run(BIN / "pytest", *extra)


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit(__doc__)
    ensure_environment()
    command, rest = argv[0], argv[1:]
    if command == "test":
        run_tests(rest)
    elif command == "demo":
        _run(BIN / "kehoach", "demo", *rest)
    elif command == "kehoach":
        _run(BIN / "kehoach", *rest)
    else:
        sys.exit(f"Lệnh không rõ: {command!r}. Dùng: demo, test hoặc kehoach.")


if __name__ == "__main__":
    main(sys.argv[1:])
