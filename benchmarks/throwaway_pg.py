"""A PostgreSQL database for a benchmark: the one given, or a throw-away server started from
the machine's binaries the way the tests start one (tests/postgres_server.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def postgres(url: str | None, missing: str) -> Iterator[str]:
    """Yield `url`, or a fresh database of a server of our own; `missing` is the Vietnamese
    sentence printed when the machine has no PostgreSQL binaries."""
    if url:
        yield url
        return
    from tests.postgres_server import find_postgres

    server = find_postgres()
    if server is None:
        raise SystemExit(missing)
    with server:
        yield server.fresh_database()
