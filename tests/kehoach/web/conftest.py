"""The agencies' web service on a loopback port, over the seeded database, at a fixed moment."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import func, select

from kehoach.services.context import AppContext
from kehoach.services.links import Links, generation
from kehoach.store.tables import EventRow
from kehoach.store.web_tables import UsedFormRow
from kehoach.web.app import create_app
from kehoach.web.server import Background

NOW = dt.datetime(2024, 4, 10, 2, 0, tzinfo=dt.UTC)  # 09:00 on 10/04/2024 in Vietnam
FORM_TOKEN = re.compile(
    r'action="([^"]+/([a-z-]+))"[^>]*>\s*<input type="hidden" name="form" value="([^"]+)"'
)


@dataclass
class Web:
    context: AppContext
    url: str
    links: Links
    clock: list[dt.datetime]

    def page_link(self, agency: str, now: dt.datetime | None = None) -> str:
        with self.context.database.transaction() as session:
            gen = generation(session, agency)
        return self.links.page(agency, gen, now or self.clock[0])

    def forms(self, html: str) -> dict[str, tuple[str, str]]:
        """Each form on a page: its action's name -> (address, form token)."""
        return {name: (action, token) for action, name, token in FORM_TOKEN.findall(html)}


def events(context: AppContext) -> int:
    with context.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(EventRow)) or 0


def used_forms(context: AppContext) -> int:
    with context.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(UsedFormRow)) or 0


@pytest.fixture
def web(seeded: AppContext) -> Iterator[Web]:
    clock = [NOW]
    app = create_app(seeded, clock=lambda: clock[0])
    with Background(app) as server:
        seeded.settings.public_url = server.url
        links = Links.required(seeded.settings)
        yield Web(seeded, server.url, links, clock)


@pytest.fixture
def client(web: Web) -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30, follow_redirects=False) as session:
        yield session
