"""The dashboard in headless Chromium against a real server on 127.0.0.1."""

import csv
import io
import re
import urllib.parse
from decimal import Decimal

import duckdb
import pytest

from dashboard.period import Period, preset_period
from dashboard.tables import TableFilters, fetch_export, frame_bytes
from etl.kpis import data_span

pytestmark = pytest.mark.browser

PAGES = (
    ("overview", "", "Overview"),
    ("pipeline", "pipeline", "Pipeline"),
    ("income", "income", "Income & collections"),
    ("data_quality", "data_quality", "Data quality"),
    ("before_after", "before_after", "Before and after"),
)
RENDER_TIMEOUT_MS = 60_000
EXCEPTION = '[data-testid="stException"]'
# Pages that draw no plotly chart, so the render tests do not wait for one.
CHARTLESS_PAGES = {"before_after"}


def wait_for_run(page):
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached",
                           timeout=RENDER_TIMEOUT_MS)


def open_page(page, url: str):
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(
        '[data-testid="stMainBlockContainer"] h1', timeout=RENDER_TIMEOUT_MS
    )
    wait_for_run(page)


def wait_for_charts(page, name: str = ""):
    """Wait until plotly has drawn the charts, which load after the script run."""
    if name in CHARTLESS_PAGES:
        # Tables draw after the script run too, and have no element to wait on.
        page.wait_for_timeout(1500)
        return
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(1500)


def metric_value(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def choose(page, label: str, option: str):
    """Pick `option` in the sidebar selectbox labelled `label`."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]')
    box.filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_run(page)


def default_filters(warehouse_path) -> TableFilters:
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        span = Period(*data_span(con))
    period = preset_period("last_12_months", span)
    return TableFilters(period.start, period.end)


@pytest.mark.parametrize("name, path, title", PAGES)
def test_page_renders_in_browser(page, dashboard_url, save_screenshot, name, path,
                                 title):
    open_page(page, f"{dashboard_url}/{path}")
    wait_for_charts(page, name)
    save_screenshot(page, name)

    assert page.locator("h1").first.inner_text().strip() == title
    assert page.locator(EXCEPTION).count() == 0
    assert page.get_by_text(re.compile(r"^Data as of \d{4}-\d\d-\d\d")).count() == 1


@pytest.mark.parametrize("name, path, title", PAGES)
def test_page_fits_narrow_viewport(phone, dashboard_url, save_screenshot, name, path,
                                   title):
    open_page(phone, f"{dashboard_url}/{path}")
    wait_for_charts(phone, name)
    save_screenshot(phone, f"{name}_390x844")

    assert phone.locator("h1").first.inner_text().strip() == title
    assert phone.locator(EXCEPTION).count() == 0
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"{name} scrolls sideways: {width}px wide"


def test_overview_cards_show_numbers(page, dashboard_url):
    open_page(page, dashboard_url)
    values = page.locator('[data-testid="stMetricValue"]')
    # The cards appear one by one, so wait for the last of the eleven.
    values.nth(10).wait_for(timeout=RENDER_TIMEOUT_MS)
    texts = [text.strip() for text in values.all_inner_texts()]

    assert len(texts) == 11
    for text in texts:
        assert re.search(r"\d", text), texts
    assert page.locator(EXCEPTION).count() == 0


def test_period_change_updates_page_and_url(page, dashboard_url):
    open_page(page, dashboard_url)
    before = metric_value(page, "Invoiced total")
    choose(page, "Period", "This month")
    # Under load the rerun may start after wait_for_run returned, so poll.
    page.wait_for_function(
        """([label, before]) => [...document.querySelectorAll('[data-testid="stMetric"]')]
            .some(card => card.innerText.includes(label)
                  && !card.querySelector('[data-testid="stMetricValue"]')
                          .innerText.includes(before))""",
        arg=["Invoiced total", before], timeout=RENDER_TIMEOUT_MS,
    )

    assert "period=this_month" in page.url
    assert metric_value(page, "Invoiced total") != before
    assert page.locator(EXCEPTION).count() == 0


def test_overview_bar_click_lists_rows(page, dashboard_url, save_screenshot):
    open_page(page, dashboard_url)
    bar = page.locator(".js-plotly-plot .barlayer .point path").nth(2)
    bar.wait_for(timeout=RENDER_TIMEOUT_MS)
    bar.click(force=True)
    caption = page.get_by_text(re.compile(r"rows.*, \w+ adds up to USD"))
    caption.wait_for(timeout=RENDER_TIMEOUT_MS)
    wait_for_run(page)
    save_screenshot(page, "overview_drilldown")

    assert "drill=overview_monthly" in page.url
    assert page.get_by_text("Clear selection").count() == 1
    assert page.get_by_text("Download CSV").count() >= 1
    assert page.locator(EXCEPTION).count() == 0
    assert page.get_by_text("These rows add up to").count() == 0


def test_csv_download_sums_to_card(page, dashboard_url, browser_warehouse):
    open_page(page, f"{dashboard_url}/income")
    card = metric_value(page, "Invoiced total")
    with page.expect_download(timeout=RENDER_TIMEOUT_MS) as download:
        # The invoices table's button, by its widget key: the other tabs hold
        # hidden buttons of the same label.
        page.locator(".st-key-income_period_invoices_csv").get_by_text(
            "Download CSV"
        ).click()
    body = open(download.value.path(), "rb").read()
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    invoiced = sum(Decimal(row["total_rc"]) for row in rows if row["total_rc"])
    with duckdb.connect(str(browser_warehouse), read_only=True) as con:
        filters = default_filters(browser_warehouse)
        expected = frame_bytes(fetch_export(con, "invoices", filters), "csv")

    assert card == f"USD {invoiced:,.0f}"
    assert body == expected


def test_shared_url_applies_filters(page, dashboard_url, save_screenshot):
    query = urllib.parse.urlencode({
        "period": "custom", "start": "2025-01-01", "end": "2025-06-30",
        "owner": "Aiko Tanaka", "currency": "USD",
        "drill": "pipeline_owner~Aiko Tanaka~won",
    })
    open_page(page, f"{dashboard_url}/pipeline?{query}")
    page.get_by_text("Clear selection").wait_for(timeout=RENDER_TIMEOUT_MS)
    save_screenshot(page, "pipeline_shared_url")
    sidebar = page.locator('[data-testid="stSidebar"]')
    owner = sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Owner")

    # The chosen option is the value of the selectbox's search input.
    owner_text = owner.first.evaluate(
        "box => box.innerText + ' ' + Array.from(box.querySelectorAll('input'))"
        ".map(input => input.value).join(' ')"
    )

    assert "Aiko Tanaka" in owner_text
    assert sidebar.locator("input[value='2025-01-01']").count() == 1
    assert page.get_by_text("Won deals, owner Aiko Tanaka").count() >= 1
    assert "owner=Aiko+Tanaka" in page.url or "owner=Aiko%20Tanaka" in page.url
    assert page.locator(EXCEPTION).count() == 0


def test_filters_survive_page_change(page, dashboard_url):
    open_page(page, f"{dashboard_url}/?period=year_to_date&team=East")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Pipeline").click()
    page.wait_for_url(re.compile(r"/pipeline"), timeout=RENDER_TIMEOUT_MS)
    wait_for_run(page)
    page.wait_for_timeout(500)

    assert "team=East" in page.url
    assert "period=year_to_date" in page.url
    assert page.locator(EXCEPTION).count() == 0


def test_table_row_opens_detail(page, dashboard_url, save_screenshot):
    open_page(page, f"{dashboard_url}/pipeline")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=RENDER_TIMEOUT_MS)
    box = grid.bounding_box()
    # The row selector sits in the first column; row 1 starts below the header.
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 18)
    page.get_by_text(re.compile(r"^Deal \S+$")).first.wait_for(
        timeout=RENDER_TIMEOUT_MS
    )
    wait_for_run(page)
    save_screenshot(page, "pipeline_detail")

    assert page.get_by_text("Invoices", exact=True).count() >= 1
    assert page.locator(EXCEPTION).count() == 0
