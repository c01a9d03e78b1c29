"""End to end: a real Prefect server with its UI, a sweep, and headless Chromium at 1440 px
reading the runs and tables as a coordinator does, and a form's drop-down list of the plan's
steps."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.agencies import PUBLISHED
from flows.deployments import action_deployments, current_catalogue, register
from flows.plan import plan_flow
from flows.prefect_env import drain
from flows.server import LocalServer
from kehoach.services.context import AppContext
from tests.flows.conftest import at
from tests.flows.prefect_api import child_flow_runs, flow_run_of, latest_artifact

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTH = 1440
PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"

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


@pytest.fixture
def browser_page():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": WIDTH, "height": 900})
        finally:
            browser.close()


def _visible_to_its_right_edge(page, cell) -> bool:
    """The cell's right edge is on screen and not hidden by a scrolling container or the
    side panel: the element drawn there is the cell itself."""
    box = cell.bounding_box()
    if box is None or box["x"] + box["width"] > WIDTH:
        return False
    x, y = box["x"] + box["width"] - 3, box["y"] + box["height"] / 2
    return bool(
        cell.evaluate("(el, [x, y]) => el.contains(document.elementFromPoint(x, y))", [x, y])
    )


def test_at_1440_px_the_tables_fit_and_the_failed_filter_lists_the_red_runs(
    seeded: AppContext, dashboard: LocalServer, browser_page
) -> None:
    PUBLISHED.forget()
    with temporary_settings(updates={PREFECT_API_URL: dashboard.api_url}):
        state = plan_flow(plan_id=PLAN_ID, as_of=at(10), return_state=True)
        drain()
        red = sorted(
            run.name for run in child_flow_runs(flow_run_of(state)) if run.state.is_failed()
        )
        table = latest_artifact(f"{PLAN_ID}-iv-1")
    assert red == ["IV.2 · 08:00 10/04/2024", "IV.3 · 08:00 10/04/2024"]
    page = browser_page
    page.goto(f"{dashboard.address}/artifacts/artifact/{table.latest_id}")
    page.get_by_text("Cử đại diện tham dự Hội nghị", exact=False).first.wait_for(timeout=60_000)
    assert page.locator("th", has_text="Tình trạng").count() == 2  # a table per step
    text = page.inner_text("body")
    assert (
        "IV.1 · Các sở, ban, ngành, đoàn thể tỉnh" in text
        and "tình hình lúc 08:00 10/04/2024" in text
    )
    assert _visible_to_its_right_edge(page, page.locator("th", has_text="Tình trạng").first)
    status = page.locator("tbody tr").first.locator("td").last  # the first agency's status
    assert _visible_to_its_right_edge(page, status)
    page.goto(f"{dashboard.address}/runs?state=Failed")
    page.get_by_text(red[0], exact=True).first.wait_for(timeout=60_000)
    listed = page.inner_text("body")
    assert all(name in listed for name in red)
    assert "IV.5 · 08:00 10/04/2024" not in listed  # on track: not among the Failed


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
