"""Client 360, Reconciliation and the feedback form in headless Chromium."""

import re

import duckdb
import pytest

from dashboard.reconcile_text import updates_csv
from etl.api_cli import write_updates
from etl.feedback import feedback_path, feedback_summary
from etl.reconcile import reconcile, suggested_updates
from tests.browser.test_dashboard_browser import (
    EXCEPTION,
    RENDER_TIMEOUT_MS,
    open_page,
    wait_for_run,
)

pytestmark = pytest.mark.browser


def click_first_row(page, grid):
    """Select the first row of a data grid through its row selector."""
    grid.wait_for(timeout=RENDER_TIMEOUT_MS)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The row selector sits in the first column; row 1 starts below the header.
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 18)


def test_invoice_detail_links_to_client_page(page, dashboard_url, save_screenshot):
    open_page(page, f"{dashboard_url}/income")
    click_first_row(page, page.locator('[data-testid="stDataFrame"]').first)
    link = page.get_by_role("link", name=re.compile(r"^Open .+ in Client 360$"))
    link.first.wait_for(timeout=RENDER_TIMEOUT_MS)
    name = re.search(r"Open (.+) in Client 360", link.first.inner_text())
    link.first.click()
    page.wait_for_url(re.compile(r"/client\?.*client=CUS-"), timeout=RENDER_TIMEOUT_MS)
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=RENDER_TIMEOUT_MS)
    wait_for_run(page)
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(1000)
    save_screenshot(page, "client_360")

    assert page.locator("h1").first.inner_text().strip() == "Client 360"
    main = page.locator('[data-testid="stMainBlockContainer"]')
    assert main.locator("h2").first.inner_text().strip() == name.group(1)
    assert page.get_by_text("Lifetime value").count() >= 1
    assert "period=last_12_months" in page.url
    assert page.locator(EXCEPTION).count() == 0


def test_reconciliation_page_downloads_updates(page, dashboard_url, browser_warehouse,
                                               save_screenshot, tmp_path):
    with duckdb.connect(str(browser_warehouse), read_only=True) as con:
        results = reconcile(con)
    frames = suggested_updates(results)
    write_updates(frames, tmp_path / "cli")
    open_page(page, f"{dashboard_url}/reconciliation")
    page.get_by_text("Download accounting_updates.csv").wait_for(
        timeout=RENDER_TIMEOUT_MS
    )
    wait_for_run(page)
    page.wait_for_timeout(1500)
    save_screenshot(page, "reconciliation")

    with page.expect_download(timeout=RENDER_TIMEOUT_MS) as download:
        page.get_by_text("Download accounting_updates.csv").click()
    body = open(download.value.path(), "rb").read()

    assert download.value.suggested_filename == "accounting_updates.csv"
    assert body == updates_csv(frames["accounting"])
    assert body == (tmp_path / "cli" / "accounting_updates.csv").read_bytes()
    for name, result in results.items():
        assert page.get_by_text(re.compile(rf" · {result['count']}$")).count() >= 1
    assert page.locator(EXCEPTION).count() == 0


def test_feedback_form_submits(page, dashboard_url, browser_warehouse,
                               save_screenshot):
    open_page(page, f"{dashboard_url}/pipeline")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("3 · Works well").click()
    sidebar.locator("textarea").fill("The stage chart reads well")
    sidebar.get_by_role("button", name="Send rating").click()
    sidebar.get_by_text(re.compile(r"^Thank you")).wait_for(timeout=RENDER_TIMEOUT_MS)
    wait_for_run(page)
    sidebar.get_by_text("Rate again").scroll_into_view_if_needed()
    save_screenshot(page, "feedback_sent")
    summary = feedback_summary(feedback_path(browser_warehouse))

    assert summary["pages"] == [{
        "page": "Pipeline", "count": 1, "average_rating": 3.0,
        "needs_improvement": 0, "satisfactory": 0, "works_well": 1,
    }]
    assert summary["recent_comments"][0]["comment"] == "The stage chart reads well"
    assert page.locator(EXCEPTION).count() == 0
