"""End to end: a real Prefect server with its UI, and headless Chromium at 1440 px finding a
responsibility run's Vietnamese table, and a form's drop-down list of the plan's steps."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.deployments import action_deployments, current_catalogue, register
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

NINH_HAI_DELEGATES = (
    "IV.1 · Cử đại diện tham dự Hội nghị theo thành phần, số lượng được mời — "
    "Ủy ban nhân dân huyện Ninh Hải"
)

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


def test_a_forms_step_field_is_a_drop_down_list_of_the_plans_own_words(
    seeded: AppContext, dashboard: LocalServer, tmp_path: Path
) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    from prefect.client.orchestration import get_client

    catalogue = current_catalogue()
    first = catalogue.steps[0][0].label  # the list may render only its first entries
    with temporary_settings(updates={PREFECT_API_URL: dashboard.api_url}):
        register(action_deployments(catalogue=catalogue))
        with get_client(sync_client=True) as client:
            form = client.read_deployment_by_name("Báo cáo tiến độ/Báo cáo tiến độ")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"{dashboard.address}/deployments/deployment/{form.id}/run")
            page.get_by_text("Số mục, tên việc và cơ quan chủ trì").wait_for(timeout=60_000)
            page.locator(".p-select-button__control").first.click()  # the first field: Bước
            page.keyboard.press("ArrowDown")  # opens the list, as for a person using the keyboard
            try:
                page.get_by_role("option", name=first, exact=True).wait_for(timeout=30_000)
                # The list has a search box: a few letters of the agency find its step.
                page.locator(".p-select-options input[type=search]").fill("Ninh Hải")
                page.get_by_role("option", name=NINH_HAI_DELEGATES).wait_for(timeout=30_000)
            finally:
                page.screenshot(path=str(tmp_path / "bieu-mau.png"))
            text = page.inner_text("body")
        finally:
            browser.close()
    assert first == (
        "IV.1 · Cử đại diện tham dự Hội nghị theo thành phần, số lượng được mời — "
        "Văn phòng Ủy ban nhân dân tỉnh"
    )
    assert "IV.1.delegates@VPUBND" not in text
    for expected in ("Báo cáo tiến độ", "Bước", "Trạng thái", "Cơ quan điều phối của kế hoạch"):
        assert expected in text
