"""Where the data files shipped with kehoach (plans, calendars, scenarios) are found."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_config_dir() -> Path:
    # An installed wheel carries config/ inside the package; a checkout has it at the top.
    installed = _PACKAGE / "bundled_config"
    return installed if installed.is_dir() else _PACKAGE.parent / "config"


def seed_plan_path() -> Path:
    return bundled_config_dir() / "plans" / "ninh-thuan-2024-so-ket-vi-nguoi-ngheo.yaml"
