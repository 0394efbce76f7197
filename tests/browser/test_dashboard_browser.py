"""The dashboard in headless Chromium: every page renders, KPI cards show numbers."""

import re

import pytest

pytestmark = pytest.mark.browser

PAGES = (
    ("overview", "", "Overview"),
    ("pipeline", "pipeline", "Pipeline"),
    ("income", "income", "Income & collections"),
    ("data_quality", "data_quality", "Data quality"),
)
RENDER_TIMEOUT_MS = 60_000


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 2400})
    tab = context.new_page()
    yield tab
    context.close()


def open_page(page, url: str):
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(
        '[data-testid="stMainBlockContainer"] h1', timeout=RENDER_TIMEOUT_MS
    )
    # Streamlit shows a running indicator until the script run is done.
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached",
                           timeout=RENDER_TIMEOUT_MS)


@pytest.mark.parametrize("name, path, title", PAGES)
def test_page_renders_in_browser(page, dashboard_url, save_screenshot, name, path,
                                 title):
    open_page(page, f"{dashboard_url}/{path}")
    page.wait_for_timeout(1500)
    save_screenshot(page, name)

    assert page.locator("h1").first.inner_text().strip() == title
    assert page.locator('[data-testid="stException"]').count() == 0


def test_overview_cards_show_numbers(page, dashboard_url):
    open_page(page, dashboard_url)
    values = page.locator('[data-testid="stMetricValue"]')
    values.first.wait_for(timeout=RENDER_TIMEOUT_MS)
    texts = [text.strip() for text in values.all_inner_texts()]

    assert len(texts) == 9
    for text in texts:
        assert re.search(r"\d", text), texts
    assert page.locator('[data-testid="stException"]').count() == 0


def test_overview_bar_click_lists_rows(page, dashboard_url, save_screenshot):
    open_page(page, dashboard_url)
    bar = page.locator(".js-plotly-plot .barlayer .point path").nth(2)
    bar.wait_for(timeout=RENDER_TIMEOUT_MS)
    bar.click(force=True)
    caption = page.get_by_text(re.compile(r"rows, \w+ adds up to"))
    caption.wait_for(timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(1000)
    save_screenshot(page, "overview_drilldown")

    assert page.get_by_text("Download CSV").count() >= 1
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("These rows add up to").count() == 0
