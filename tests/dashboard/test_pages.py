"""Every page through Streamlit's AppTest, with and without a warehouse."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.kpis import compute_kpis

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGES = (
    "views/overview.py",
    "views/pipeline.py",
    "views/income.py",
    "views/data_quality.py",
)
METRIC_LABELS = {
    "views/overview.py": [
        "Invoiced total",
        "Cash collected",
        "Accounts receivable",
        "DSO",
        "Win rate",
        "Won value",
        "Average invoice size",
        "Lead to payment, median",
        "Order error rate",
    ],
    "views/pipeline.py": [
        "Open pipeline",
        "Weighted pipeline",
        "Win rate",
        "Won value",
        "Average won deal",
        "Sales cycle, median",
    ],
    "views/income.py": [
        "Invoiced total",
        "Credit notes",
        "Cash collected",
        "DSO",
        "On-time payment rate",
        "Days to pay, median",
    ],
    "views/data_quality.py": [],
}


def run_page(page: str) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    if page != PAGES[0]:
        app.switch_page(page).run()
    return app


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(app_env, page):
    app = run_page(page)

    assert not app.exception, [error.value for error in app.exception]
    assert not app.error, [error.value for error in app.error]


@pytest.mark.parametrize("page", PAGES)
def test_page_metrics_show_numbers(app_env, page):
    app = run_page(page)
    metrics = {metric.label: metric.value for metric in app.metric}

    assert list(metrics) == METRIC_LABELS[page]
    for label, value in metrics.items():
        assert re.search(r"\d", value), f"{label} shows {value!r}"


@pytest.mark.parametrize("page", PAGES[:3])
def test_page_metrics_caption_row_counts(app_env, page):
    app = run_page(page)
    captions = [caption.value for caption in app.caption]

    nouns = "invoices|payments|deals|credit|won|leads|of|open|closed"
    row_count = re.compile(rf"\d+ ({nouns})")
    counted = [text for text in captions if row_count.search(text)]

    assert len(counted) >= len(METRIC_LABELS[page])


def test_sidebar_period_defaults_to_kpi_span(app_env, con):
    app = run_page(PAGES[0])
    period = compute_kpis(con)["period"]
    dates = [widget.value.isoformat() for widget in app.sidebar.date_input]

    assert dates == [period["start"], period["end"]]


def test_data_quality_lists_runs_and_quarantine(app_env, con):
    app = run_page("views/data_quality.py")
    run_count = con.execute("SELECT least(count(*), 20) FROM etl_runs").fetchone()[0]
    quarantine_count = con.execute("SELECT count(*) FROM quarantine").fetchone()[0]

    assert len(app.dataframe) == 3
    assert len(app.dataframe[0].value) == run_count
    assert len(app.dataframe[2].value) == quarantine_count


def test_every_table_has_csv_download(app_env):
    for page in PAGES:
        app = run_page(page)
        buttons = app.get("download_button")

        assert len(buttons) == len(app.dataframe), page


@pytest.mark.parametrize("page", PAGES)
def test_missing_warehouse_shows_empty_state(monkeypatch, tmp_path, page):
    monkeypatch.setenv("LEAD2CASH_DB", str(tmp_path / "missing.duckdb"))
    app = run_page(page)
    messages = " ".join(info.value for info in app.info)

    assert not app.exception
    assert "lead2cash demo" in messages
    assert "lead2cash refresh --config FILE" in messages
    assert str(tmp_path / "missing.duckdb") in messages
    assert not app.metric
