"""A throwaway PostgreSQL server for tests: the machine's own binaries on 127.0.0.1.

CI installs Debian's `postgresql` package; a developer may instead point
KEHOACH_TEST_POSTGRES_URL at a server they run (the URL of a database the tests
may create and drop databases from).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from types import TracebackType

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from flows.server import free_port


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


class PostgresServer:
    def __init__(self, admin_url: str, data_dir: Path | None = None, bin_dir: Path | None = None):
        self.admin_url = admin_url
        self._data_dir = data_dir
        self._bin_dir = bin_dir

    def _as_owner(self, *args: str) -> list[str]:
        # initdb refuses to run as root; CI runs as root, so use the postgres account.
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *args]
        return list(args)

    def __enter__(self) -> PostgresServer:
        if self._data_dir is not None and self._bin_dir is not None:
            self._start()
        return self

    def _start(self) -> None:
        assert self._data_dir is not None and self._bin_dir is not None
        self._data_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self._data_dir.parent, "postgres")
            shutil.chown(self._data_dir, "postgres")
        port = make_url(self.admin_url).port
        run = dict(check=True, capture_output=True)
        subprocess.run(
            self._as_owner(
                str(self._bin_dir / "initdb"),
                "-D",
                str(self._data_dir),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
            ),
            **run,
        )
        options = f"-p {port} -k {self._data_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            self._as_owner(
                str(self._bin_dir / "pg_ctl"),
                "-D",
                str(self._data_dir),
                "-o",
                options,
                "-w",
                "-l",
                str(self._data_dir / "log"),
                "start",
            ),
            **run,
        )

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._data_dir is not None and self._bin_dir is not None:
            subprocess.run(
                self._as_owner(
                    str(self._bin_dir / "pg_ctl"),
                    "-D",
                    str(self._data_dir),
                    "-m",
                    "immediate",
                    "stop",
                ),
                capture_output=True,
            )
            shutil.rmtree(self._data_dir.parent, ignore_errors=True)

    def fresh_database(self) -> str:
        name = f"kehoach_test_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)


def find_postgres() -> PostgresServer | None:
    url = os.environ.get("KEHOACH_TEST_POSTGRES_URL")
    if url:
        return PostgresServer(url)
    bin_dir = _binaries()
    if bin_dir is None:
        return None
    port = free_port()
    admin = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    # Not under pytest's tmp dirs: those are private to root, and the server runs as postgres.
    return PostgresServer(admin, Path(tempfile.mkdtemp(prefix="kehoach-pg-")) / "data", bin_dir)
