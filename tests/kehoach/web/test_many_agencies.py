"""150 agencies sending their reports at the same moment: every one is written exactly
once, on SQLite and on PostgreSQL, and the same 150 forms sent again write nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import select

from kehoach.services.context import AppContext
from kehoach.services.links import Links, step_path
from kehoach.services.plans import load_plan
from kehoach.settings import Settings
from kehoach.store.tables import EventRow, StepRow
from kehoach.web.app import create_app
from kehoach.web.server import Background
from tests.kehoach.web.conftest import FORM_TOKEN, NOW

AGENCIES = 150
PLAN = "kh-150-xa"


def plan_document() -> dict[str, object]:
    communes = [
        {"code": f"X{n:03d}", "name": f"UBND xã Số {n}", "kind": "commune", "groups": ["xa"]}
        for n in range(1, AGENCIES + 1)
    ]
    return {
        "schema_version": 1,
        "plan": {"id": PLAN, "title": "Kế hoạch thử nghiệm 150 xã", "issuer": "UBND huyện Thử",
                 "issued": {"year": 2024, "month": 3}, "coordinator": "PLD"},
        "event": {"name": "Hội nghị tổng kết", "tentative_month": "2024-04",
                  "assumed_date": dt.date(2024, 4, 25)},
        "groups": [{"code": "xa", "name": "UBND các xã"}],
        "agencies": [{"code": "PLD", "name": "Phòng Lao động – TB&XH", "kind": "department"},
                     *communes],
        "difficulty_route": {"receivers": ["PLD"]},
        "responsibilities": [{
            "id": "R1", "title": "Các xã", "responsible": ["xa"],
            "steps": [{"id": "R1.report", "title": "Gửi báo cáo kết quả", "fan_out": ["xa"],
                       "deadline": {"before_event": 5}}],
        }],
    }  # fmt: skip


@pytest.fixture
def many(database_url: str, tmp_path: Path) -> Iterator[tuple[AppContext, str, Links]]:
    path = tmp_path / "kh-150-xa.yaml"
    path.write_text(yaml.safe_dump(plan_document(), allow_unicode=True), encoding="utf-8")
    context = AppContext(Settings(home=tmp_path / "home", database_url=database_url))
    with context.database.transaction() as session:
        load_plan(session, context.load_plan_file(path), NOW - dt.timedelta(days=20))
    with Background(create_app(context, clock=lambda: NOW)) as server:
        context.settings.public_url = server.url
        yield context, server.url, Links.required(context.settings)
    context.close()


async def _forms(client: httpx.AsyncClient, links: Links) -> list[tuple[str, str]]:
    async def one(n: int) -> tuple[str, str]:
        code = f"X{n:03d}"
        page = await client.get(links.page(code, 1, NOW) + step_path(PLAN, f"R1.report@{code}"))
        [(action, _, token)] = [f for f in FORM_TOKEN.findall(page.text) if f[1] == "tien-do"]
        return action, token

    return list(await asyncio.gather(*(one(n) for n in range(1, AGENCIES + 1))))


async def _post_all(client: httpx.AsyncClient, url: str, forms: list[tuple[str, str]]) -> list[int]:
    async def one(action: str, token: str) -> int:
        data = {"form": token, "status": "submitted", "note": "Đã gửi báo cáo"}
        return (await client.post(url + action, data=data)).status_code

    return list(await asyncio.gather(*(one(a, t) for a, t in forms)))


def _client() -> httpx.AsyncClient:
    # One connection per agency, as 150 offices' browsers would open.
    return httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=AGENCIES))


async def _run(url: str, links: Links) -> tuple[list[int], list[int]]:
    async with _client() as client:
        forms = await _forms(client, links)
    async with _client() as client:
        first = await _post_all(client, url, forms)
    async with _client() as client:
        again = await _post_all(client, url, forms)
    return first, again


def test_150_agencies_reporting_at_once_are_each_written_exactly_once(
    many: tuple[AppContext, str, Links],
) -> None:
    context, url, links = many
    first, again = asyncio.run(_run(url, links))
    assert Counter(first) == {303: AGENCIES}
    assert Counter(again) == {409: AGENCIES}
    with context.database.transaction() as session:
        actors = list(session.scalars(select(EventRow.actor).where(EventRow.kind == "progress")))
        progress = Counter(session.scalars(select(StepRow.progress)))
    assert sorted(actors) == [f"X{n:03d}" for n in range(1, AGENCIES + 1)]
    assert progress == {"submitted": AGENCIES}
