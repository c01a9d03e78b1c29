"""End to end: a real Prefect server with its UI, a responsibility run, and headless Chromium
finding the run's Vietnamese table in the dashboard."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.prefect_env import drain
from flows.responsibility import run_responsibility
from flows.server import LocalServer
from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from tests.flows.conftest import at
from tests.flows.prefect_api import flow_run_of, latest_artifact, task_runs

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() or shutil.which("chromium") is None,
        reason="cần Chromium của Debian tại /usr/bin/chromium (apt-get install chromium)",
    ),
]


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[LocalServer]:
    server = LocalServer(tmp_path / "prefect", ui=True)
    with server:
        yield server


def test_the_dashboard_shows_a_responsibilitys_vietnamese_table(
    seeded: AppContext, dashboard: LocalServer
) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    with seeded.database.transaction() as session:
        plan = plan_of(session, get_plan(session, "nt-2024-so-ket-vi-nguoi-ngheo"))[0]
    with temporary_settings(updates={PREFECT_API_URL: dashboard.api_url}):
        state = run_responsibility(plan, "IV.3", at(10), send=False)
        drain()
        task_runs(flow_run_of(state).id, 3)
        artifact = latest_artifact("nt-2024-so-ket-vi-nguoi-ngheo-iv-3")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{dashboard.address}/artifacts/artifact/{artifact.latest_id}")
            page.get_by_text("IV.3.summary_report_draft", exact=True).wait_for(timeout=60_000)
            text = page.inner_text("body")
        finally:
            browser.close()
    for expected in ("Bước", "Nội dung", "Chủ trì", "Tình trạng", "Sở Nội vụ", "quá hạn"):
        assert expected in text
    assert "IV.3 · Sở Nội vụ — tình hình lúc 08:00 10/04/2024" in text
