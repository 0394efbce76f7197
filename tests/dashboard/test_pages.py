"""Every page through Streamlit's AppTest, with and without a warehouse."""

import datetime as dt
import re
from pathlib import Path

import pytest

from dashboard.period import add_months
from etl.kpis import compute_kpis
from tests.dashboard.conftest import run_page

# The pages with the sidebar filters in use; the filter tables run over these.
PAGES = (
    "views/overview.py",
    "views/pipeline.py",
    "views/income.py",
    "views/data_quality.py",
)
# Pages that cover the whole warehouse or one customer; tests of their own
# check their numbers.
WHOLE_DATA_PAGES = (
    "views/client.py",
    "views/reconciliation.py",
    "views/before_after.py",
)
METRIC_LABELS = {
    "views/overview.py": [
        "Bookings (won value)",
        "Invoiced total",
        "Cash collected",
        "Open pipeline",
        "Weighted pipeline",
        "Accounts receivable",
        "DSO",
        "Win rate",
        "Lead to payment, median",
        "Average invoice size",
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


def test_sidebar_period_defaults_to_last_12_months(app_env, con):
    app = run_page(PAGES[0])
    last = dt.date.fromisoformat(compute_kpis(con)["period"]["end"])
    dates = [widget.value for widget in app.sidebar.date_input]

    assert dates == [add_months(last.replace(day=1), -11), last]


def test_shared_url_sets_filters(app_env):
    url = {"period": "custom", "start": "2025-02-01", "end": "2025-04-30",
           "owner": "Aiko Tanaka", "segment": "SMB", "sep": "semicolon"}
    app = run_page(PAGES[2], url)
    selects = {widget.label: widget.value for widget in app.sidebar.selectbox}

    assert [d.value for d in app.sidebar.date_input] == [
        dt.date(2025, 2, 1), dt.date(2025, 4, 30)
    ]
    assert selects["Owner"] == "Aiko Tanaka"
    assert selects["Segment"] == "SMB"
    assert app.sidebar.radio[0].value == "semicolon"
    assert app.query_params["owner"] == ["Aiko Tanaka"] or app.query_params[
        "owner"
    ] == "Aiko Tanaka"


def test_filters_survive_page_change(app_env):
    app = run_page(PAGES[0], {"period": "year_to_date", "team": "East"})
    app.switch_page(PAGES[1]).run()
    selects = {widget.label: widget.value for widget in app.sidebar.selectbox}

    assert selects["Period"] == "year_to_date"
    assert selects["Team"] == "East"


def test_invalid_url_values_fall_back(app_env):
    url = {"period": "decade", "start": "yesterday", "owner": "Nobody",
           "drill": "overview_monthly~nothing"}
    app = run_page(PAGES[0], url)
    selects = {widget.label: widget.value for widget in app.sidebar.selectbox}

    assert not app.exception
    assert selects["Period"] == "last_12_months"
    assert selects["Owner"] is None


def test_every_page_shows_data_as_of(app_env):
    for page in PAGES + WHOLE_DATA_PAGES:
        app = run_page(page)
        captions = [caption.value for caption in app.caption]

        assert not app.exception, (page, [error.value for error in app.exception])
        assert any(text.startswith("Data as of 20") for text in captions), page
        assert app.get("page_link"), page
        assert app.sidebar.radio(key="feedback_rating"), page
        assert app.sidebar.button[-1].label == "Send rating", page


# Filter sets, drill-downs included, that every page must render without an
# exception, an error or a warning.
COMBINATIONS = [
    {"period": "this_month"},
    {"period": "this_quarter", "owner": "Aiko Tanaka"},
    {"period": "year_to_date", "team": "EMEA", "currency": "GBP"},
    {"period": "all", "customer": "CUS-9C200A07D4"},
    {"period": "custom", "start": "2024-03-01", "end": "2024-03-05"},
    {"period": "last_12_months", "segment": "Enterprise", "currency": "EUR"},
    {"team": "West", "owner": "Priya Raman"},
    {"drill": "overview_monthly~invoiced_total~2025-03"},
    {"drill": "overview_funnel~lead", "owner": "Tom Keller"},
    {"drill": "overview_position~ar_total", "segment": "SMB"},
    {"drill": "pipeline_stage~Proposal~open"},
    {"drill": "pipeline_owner~Aiko Tanaka~won", "period": "all"},
    {"drill": "income_aging~over_90", "currency": "USD"},
    {"drill": "income_dso~2025-06"},
    {"drill": "income_customers~CUS-9C200A07D4"},
    {"drill": "income_cash~2025-03", "period": "this_month"},
    {"drill": "dq_sources~quarantined~acct_credit_notes~credit_notes"},
]


@pytest.mark.parametrize("query_params", COMBINATIONS)
def test_filter_combinations_render_cleanly(app_env, query_params):
    for page in PAGES:
        app = run_page(page, query_params)

        assert not app.exception, (page, [error.value for error in app.exception])
        assert not app.error, (page, [error.value for error in app.error])
        assert not app.warning, (page, [warning.value for warning in app.warning])


@pytest.mark.parametrize(
    "query_params, caption",
    [
        ({"drill": "overview_monthly~invoiced_total~2025-03", "period": "all"},
         "total_rc adds up to USD"),
        ({"drill": "overview_funnel~won"}, "amount_rc adds up to USD"),
        ({"drill": "overview_position~weighted_value"}, "weighted_rc adds up to"),
    ],
)
def test_drill_in_url_narrows_overview(app_env, query_params, caption):
    app = run_page(PAGES[0], query_params)
    captions = [text.value for text in app.caption]

    assert any(caption in text for text in captions), captions
    assert app.button(key="clear_drill")
    assert len(app.dataframe) == 1


def test_clear_selection_drops_drill(app_env):
    app = run_page(PAGES[0], {"drill": "overview_funnel~paid"})
    app.button(key="clear_drill").click().run()

    assert "drill" not in app.query_params
    assert not app.dataframe


def frame_with_column(app, column: str):
    """Return the one table on the page that has `column`."""
    frames = [frame.value for frame in app.dataframe if column in frame.value.columns]
    assert len(frames) == 1, column
    return frames[0]


def test_data_quality_lists_runs_and_quarantine(app_env, con):
    app = run_page("views/data_quality.py")
    run_count = con.execute("SELECT least(count(*), 20) FROM etl_runs").fetchone()[0]
    quarantine_count = con.execute("SELECT count(*) FROM quarantine").fetchone()[0]

    assert len(frame_with_column(app, "config_path")) == run_count
    assert len(frame_with_column(app, "record")) == quarantine_count


# Download buttons beside the CSV and XLSX pair under every table.
EXTRA_DOWNLOADS = {"views/data_quality.py": 1}


@pytest.mark.parametrize("page", PAGES + ("views/before_after.py",))
def test_every_table_has_csv_download(app_env, page):
    app = run_page(page)
    buttons = app.get("download_button")

    # A CSV and an XLSX button under every table.
    assert len(buttons) == 2 * len(app.dataframe) + EXTRA_DOWNLOADS.get(page, 0)


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


def test_explicit_links_from_url(app_env, con):
    app = run_page(PAGES[0], {"period": "all", "links": "explicit"})
    toggle = app.sidebar.toggle(key="filter_links")
    cards = {metric.label: metric.value for metric in app.metric}
    explicit = compute_kpis(con, explicit_links_only=True)["lead_to_payment_days"]

    assert toggle.value is True
    assert not app.exception
    assert cards["Lead to payment, median"] == f"{explicit['median']:.1f} days"
    assert app.query_params["links"] in ("explicit", ["explicit"])
