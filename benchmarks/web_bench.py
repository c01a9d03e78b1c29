"""Requests per second of the agencies' web service, beside the framework's floor.

Serves, one after the other on the same uvicorn settings and loopback port kind:
    hello       a bare ASGI app answering "xin chao" (what uvicorn alone costs)
    agency page GET /a/{link} for a district of the seed plan (its steps, most urgent first)
    report      POST of a progress report (form token checked and used, event written),
                each with its own form token fetched beforehand (not timed)
on a fresh SQLite database holding the seed plan. The client runs in the same process
(httpx, asyncio) and shares the machine's cores with the server: figures are a floor.

    .venv/bin/python benchmarks/web_bench.py [--requests 400] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from machine import describe as describe_machine  # benchmarks/machine.py

from kehoach.clock import now_utc
from kehoach.paths import seed_plan_path
from kehoach.services.context import AppContext
from kehoach.services.links import Links, step_path
from kehoach.services.plans import load_plan
from kehoach.settings import Settings
from kehoach.web.app import create_app, hello_app
from kehoach.web.server import Background

AGENCY = "NINH_SON"
STEP = "IV.1.presentations@NINH_SON"
FORM = re.compile(
    r'action="([^"]+/tien-do)"[^>]*>\s*<input type="hidden" name="form" value="([^"]+)"'
)


async def timed(count: int, concurrency: int, one: Callable[[int], Awaitable[int]]) -> float:
    """Requests per second for `count` requests, `concurrency` at a time; all must succeed."""
    gate = asyncio.Semaphore(concurrency)

    async def guarded(n: int) -> int:
        async with gate:
            return await one(n)

    started = time.perf_counter()
    codes = await asyncio.gather(*(guarded(n) for n in range(count)))
    elapsed = time.perf_counter() - started
    bad = [c for c in codes if c not in (200, 303)]
    if bad:
        raise SystemExit(f"{len(bad)} yêu cầu lỗi (mã {sorted(set(bad))})")
    return count / elapsed


async def hello(url: str, count: int, concurrency: int) -> float:
    async with httpx.AsyncClient() as client:
        return await timed(count, concurrency, lambda _: _status(client.get(url)))


async def _status(request: Awaitable[httpx.Response]) -> int:
    return (await request).status_code


async def pages_and_reports(
    url: str, links: Links, count: int, concurrency: int
) -> tuple[float, float]:
    page = links.page(AGENCY, 1, now_utc())
    async with httpx.AsyncClient(timeout=60) as client:
        page_rate = await timed(count, concurrency, lambda _: _status(client.get(page)))
        step = page + step_path("nt-2024-so-ket-vi-nguoi-ngheo", STEP)
        forms = [FORM.search((await client.get(step)).text) for _ in range(count)]
        tokens = [(m.group(1), m.group(2)) for m in forms if m]

        def report(n: int) -> Awaitable[int]:
            action, token = tokens[n]
            data = {"form": token, "status": "in_progress", "note": f"Báo cáo lần {n}"}
            return _status(client.post(url + action, data=data))

        report_rate = await timed(len(tokens), concurrency, report)
    return page_rate, report_rate


def seeded_context(home: Path) -> AppContext:
    context = AppContext(Settings(home=home, database_url=None, public_url="http://127.0.0.1"))
    with context.database.transaction() as session:
        load_plan(session, context.load_plan_file(seed_plan_path()), now_utc())
    return context


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        with Background(hello_app()) as server:
            floor = asyncio.run(hello(server.url, args.requests, args.concurrency))
        context = seeded_context(Path(home))
        with Background(create_app(context)) as server:
            links = Links(server.url, Links.required(context.settings).secret)
            page, report = asyncio.run(
                pages_and_reports(server.url, links, args.requests, args.concurrency)
            )
        context.close()
    print(f"Máy: {describe_machine()}")
    print(f"{args.requests} yêu cầu mỗi loại, {args.concurrency} đồng thời, SQLite:")
    print(f"  ASGI 'hello' (nền của uvicorn):     {floor:8.0f} yêu cầu/giây")
    print(f"  trang của cơ quan (GET):            {page:8.0f} yêu cầu/giây")
    print(f"  gửi báo cáo tiến độ (POST, ghi CSDL): {report:6.0f} yêu cầu/giây")


if __name__ == "__main__":
    main()
