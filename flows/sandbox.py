"""The demo's and the replay's own data: a database and mail folder that real work never shares.

A replay writes reminders dated in the past and "sends" them; it must never touch a
province's real database or reach its real channels. So the demo runs in KEHOACH_HOME
only when that directory is new or was made by an earlier demo, and a replay runs in
`<KEHOACH_HOME>/replay/<plan>`. Both deliver to their own mail folder whatever the
Apprise configuration says.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kehoach.errors import UserError
from kehoach.settings import Settings

MARKER = ".kehoach-demo"
# Where `kehoach web` answers by default: the demo's notices carry links to it.
DEMO_PUBLIC_URL = "http://127.0.0.1:8080"
DEMO_PARTS = ("kehoach.store", "kehoach.store-wal", "kehoach.store-shm", "hop-thu", "prefect")


def sandbox_settings(home: Path) -> Settings:
    settings = Settings(home=home, database_url=None, apprise_config=None)
    if settings.public_url is None:
        settings.public_url = DEMO_PUBLIC_URL
    return settings


def prepare_demo_home(home: Path) -> None:
    """Make `home` ready for a fresh demo; refuse a home that holds real data."""
    if (home / "kehoach.store").exists() and not (home / MARKER).exists():
        raise UserError(
            f"Thư mục dữ liệu {home} đã có cơ sở dữ liệu không phải của bản demo; demo không "
            "ghi đè dữ liệu thật. Chạy demo trong một thư mục mới, ví dụ:\n"
            "  KEHOACH_HOME=$(mktemp -d) kehoach demo"
        )
    _wipe(home, DEMO_PARTS)
    home.mkdir(parents=True, exist_ok=True)
    (home / MARKER).write_text("Thư mục này do `kehoach demo` tạo; chạy lại demo sẽ xóa dữ liệu.\n")


def prepare_replay_home(home: Path, plan_id: str) -> Path:
    sandbox = home / "replay" / plan_id
    _wipe(sandbox, ("kehoach.store", "kehoach.store-wal", "kehoach.store-shm", "hop-thu"))
    sandbox.mkdir(parents=True, exist_ok=True)
    return sandbox


def _wipe(home: Path, names: tuple[str, ...]) -> None:
    for name in names:
        target = home / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
