"""Drill-down queries: the rows behind each charted value add up to it.

Each chart of the dashboard is listed with the query it is drawn from and the
query its clicked point drills into; every test runs under a table of filters.
"""

import datetime as dt
from decimal import Decimal

import pytest

from dashboard import warehouse
from dashboard.period import data_span, month_bounds
from dashboard.tables import TableFilters
from dashboard.charts import AGING_BUCKETS, FUNNEL, POSITION
from etl.kpis import compute_kpis

CENT = Decimal("0.01")
ALL_GROUPS = {"stage": None, "pipeline_owner": None, "status": None}
AR_ROWS = {"bucket": None, "customer_key": None}
# Filter sets every chart is checked under; the KPI module takes the first three.
FILTERS = [
    {},
    {"owner": "Aiko Tanaka"},
    {"team": "East"},
    {"customer": "CUS-9C200A07D4"},
    {"segment": "Enterprise"},
    {"currency": "EUR"},
    {"team": "West", "segment": "SMB", "currency": "USD"},
]
KPI_FILTERS = [f for f in FILTERS if not {"segment", "currency"} & f.keys()]
POSITION_ROWS = {
    measure: (sql_name, column, extra)
    for measure, (_, sql_name, column, _, extra) in POSITION.items()
}
FUNNEL_ROWS = {
    stage: (sql_name, column) for stage, (_, sql_name, column, *_) in FUNNEL.items()
}


@pytest.fixture(scope="module")
def identity(warehouse_path):
    return warehouse.file_identity(warehouse_path)


@pytest.fixture(scope="module")
def period(identity):
    return data_span(identity)


def params(period, filters: dict, **extra) -> dict:
    table = TableFilters(period.start, period.end, **filters)
    return {**table.params(), **extra}


def total(identity, name, column, query_params) -> Decimal:
    summary = warehouse.query_total(identity, name, column, **query_params)
    return Decimal(summary.total or 0)


def assert_equal_to_cent(actual, expected):
    assert abs(Decimal(actual or 0) - Decimal(expected or 0)) < CENT, (actual, expected)


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize(
    "field, sql_name, column",
    [
        ("won_value", "won_deals", "amount_rc"),
        ("invoiced_total", "period_invoices", "total_rc"),
        ("cash_collected", "period_payments", "amount_rc"),
    ],
)
def test_monthly_bars_sum_to_rows(identity, period, filters, field, sql_name, column):
    """Overview flows chart and Income cash chart: each month's bar."""
    monthly = warehouse.query(identity, "monthly_flows", **params(period, filters))

    assert not monthly.empty
    for row in monthly.itertuples():
        days = month_bounds(row.month, period)
        month_params = {**params(period, filters), "start": days.start, "end": days.end}
        assert_equal_to_cent(
            total(identity, sql_name, column, month_params), getattr(row, field)
        )


@pytest.mark.parametrize("filters", KPI_FILTERS)
def test_monthly_flows_match_kpis(identity, period, con, filters):
    """Without segment or currency, the charted months equal the KPI months."""
    kpis = compute_kpis(con, start=period.start, end=period.end, **filters)
    monthly = warehouse.query(identity, "monthly_flows", **params(period, filters))

    assert list(monthly["month"]) == [month["month"] for month in kpis["monthly"]]
    for row, month in zip(monthly.itertuples(), kpis["monthly"]):
        for field in ("won_value", "invoiced_total", "cash_collected"):
            assert_equal_to_cent(getattr(row, field), month[field])


@pytest.mark.parametrize("filters", KPI_FILTERS)
def test_position_bars_match_kpis(identity, period, con, filters):
    """Overview position chart: open, weighted pipeline and AR equal the KPIs."""
    kpis = compute_kpis(con, start=period.start, end=period.end, **filters)
    expected = {
        "open_value": kpis["pipeline"]["open_value"],
        "weighted_value": kpis["pipeline"]["weighted_value"],
        "ar_total": kpis["collections"]["ar_total"],
    }
    for measure, (sql_name, column, extra) in POSITION_ROWS.items():
        value = total(identity, sql_name, column, params(period, filters, **extra))

        assert_equal_to_cent(value, expected[measure])


@pytest.mark.parametrize("filters", FILTERS)
def test_funnel_bars_sum_to_rows(identity, period, filters):
    """Overview funnel chart: each stage's count and value."""
    stages = warehouse.query(identity, "funnel", **params(period, filters))

    assert list(stages["stage"]) == list(FUNNEL_ROWS)
    for row in stages.itertuples():
        sql_name, column = FUNNEL_ROWS[row.stage]
        rows = warehouse.query(identity, sql_name, **params(period, filters))

        assert len(rows) == row.row_count
        if column:
            assert_equal_to_cent(sum(rows[column].dropna(), Decimal(0)), row.value_rc)


@pytest.mark.parametrize("filters", KPI_FILTERS)
def test_funnel_matches_kpis(identity, period, con, filters):
    kpis = compute_kpis(con, start=period.start, end=period.end, **filters)
    stages = warehouse.query(identity, "funnel", **params(period, filters))
    by_stage = {row.stage: row for row in stages.itertuples()}

    assert by_stage["won"].row_count == kpis["pipeline"]["won_count"]
    assert_equal_to_cent(by_stage["won"].value_rc, kpis["pipeline"]["won_value"])
    assert_equal_to_cent(
        by_stage["invoiced"].value_rc, kpis["invoicing"]["invoiced_total"]
    )


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("group_column", ["stage", "owner"])
def test_pipeline_bars_sum_to_deals(identity, period, filters, group_column):
    """Pipeline page: each stacked bar of the stage and owner charts."""
    query_params = params(period, filters, **ALL_GROUPS)
    groups = warehouse.query(identity, f"pipeline_by_{group_column}", **query_params)
    parameter = "stage" if group_column == "stage" else "pipeline_owner"

    for row in groups.itertuples():
        selected = {**query_params, parameter: getattr(row, group_column),
                    "status": row.status}
        summary = warehouse.query_total(identity, "pipeline_deals", "amount_rc",
                                        **selected)

        assert summary.row_count == row.deal_count
        assert_equal_to_cent(summary.total, row.value_rc)


@pytest.mark.parametrize("filters", KPI_FILTERS)
def test_open_deals_match_kpis(identity, con, filters):
    """Open deals on an earlier period end, counted as the KPI counts them."""
    start, end = dt.date(2025, 1, 1), dt.date(2025, 6, 30)
    kpis = compute_kpis(con, start=start, end=end, **filters)
    table = TableFilters(start, end, **filters)
    summary = warehouse.query_total(
        identity, "pipeline_deals", "amount_rc",
        **{**table.params(), **ALL_GROUPS, "status": "open"},
    )

    assert summary.value_count == kpis["pipeline"]["open_count"]
    assert_equal_to_cent(summary.total, kpis["pipeline"]["open_value"])


@pytest.mark.parametrize("filters", FILTERS)
def test_aging_bars_sum_to_open_invoices(identity, period, filters):
    """Income aging chart: each bucket."""
    query_params = params(period, filters, **AR_ROWS)
    aging = warehouse.query(identity, "ar_aging", **query_params)

    assert set(aging["bucket"]) <= set(AGING_BUCKETS)
    for row in aging.itertuples():
        bucket_params = {**query_params, "bucket": row.bucket}
        value = total(identity, "ar_open_invoices", "balance_rc", bucket_params)

        assert_equal_to_cent(value, row.balance_rc)


@pytest.mark.parametrize("filters", KPI_FILTERS)
def test_aging_matches_kpis(identity, period, con, filters):
    kpis = compute_kpis(con, start=period.start, end=period.end, **filters)
    aging = warehouse.query(identity, "ar_aging", **params(period, filters, **AR_ROWS))
    by_bucket = dict(zip(aging["bucket"], aging["balance_rc"]))

    for bucket in AGING_BUCKETS:
        assert_equal_to_cent(
            by_bucket.get(bucket, 0), kpis["collections"]["ar_aging"][bucket]
        )


@pytest.mark.parametrize("filters", KPI_FILTERS)
def test_dso_points_rest_on_month_end_ar(identity, period, con, filters):
    """Income DSO line: the AR rows at each month end sum to that month's AR."""
    kpis = compute_kpis(con, start=period.start, end=period.end, **filters)
    for month in kpis["monthly"]:
        month_end = month_bounds(month["month"], period).end
        query_params = params(period, filters, **AR_ROWS, as_of=month_end)
        value = total(identity, "ar_open_invoices", "balance_rc", query_params)

        assert_equal_to_cent(value, month["ar_total"])


@pytest.mark.parametrize("filters", FILTERS)
def test_customer_bars_sum_to_open_invoices(identity, period, filters):
    """Income AR-by-customer chart: each customer's bar."""
    query_params = params(period, filters, **AR_ROWS)
    customers = warehouse.query(identity, "customers", **query_params)

    for row in customers.head(10).itertuples():
        customer_params = {**query_params, "customer_key": row.customer_key}
        value = total(identity, "ar_open_invoices", "balance_rc", customer_params)

        assert_equal_to_cent(value, row.ar_rc)


@pytest.mark.parametrize("filters", KPI_FILTERS)
def test_customer_totals_match_kpis(identity, period, con, filters):
    kpis = compute_kpis(con, start=period.start, end=period.end, **filters)
    customers = warehouse.query(
        identity, "customers", **params(period, filters, **AR_ROWS)
    )

    assert_equal_to_cent(sum(customers["won_rc"]), kpis["pipeline"]["won_value"])


@pytest.mark.parametrize("filters", KPI_FILTERS)
def test_credit_note_rows_sum_to_kpi(identity, period, con, filters):
    kpis = compute_kpis(con, start=period.start, end=period.end, **filters)
    summary = warehouse.query_total(
        identity, "period_credit_notes", "amount_rc", **params(period, filters)
    )

    assert_equal_to_cent(summary.total, kpis["invoicing"]["credit_note_total"])
    assert summary.value_count == kpis["invoicing"]["credit_note_count"]


def test_invoice_rows_count_unconverted(identity, period, con):
    kpis = compute_kpis(con, start=period.start, end=period.end)
    summary = warehouse.query_total(
        identity, "period_invoices", "total_rc", **params(period, {})
    )

    assert summary.value_count == kpis["invoicing"]["invoice_count"]
    assert summary.row_count - summary.value_count == kpis["invoicing"][
        "unconverted_count"
    ]


def test_payment_rows_count_payments(identity, period, con):
    kpis = compute_kpis(con, start=period.start, end=period.end)
    summary = warehouse.query_total(
        identity, "period_payments", "amount_rc", **params(period, {})
    )

    assert summary.value_count == kpis["collections"]["payment_count"]


def test_source_bars_match_quarantine_rows(identity):
    """Data quality chart: each quarantined bar."""
    run_id = warehouse.query(identity, "etl_runs", limit=1)["run_id"].iloc[0]
    sources = warehouse.query(identity, "run_sources", run_id=run_id)

    for row in sources.itertuples():
        rows = warehouse.query(
            identity, "quarantine_rows", source=row.source, table_name=row.table_name
        )
        quarantined = rows[["file", "row_number"]].drop_duplicates()

        assert len(quarantined) == row.rows_quarantined, row.source


@pytest.mark.parametrize("filters", [{"segment": "Enterprise"}, {"currency": "EUR"}])
def test_segment_and_currency_narrow_rows(identity, period, filters):
    rows = warehouse.query(identity, "period_invoices", **params(period, filters))
    every = warehouse.query(identity, "period_invoices", **params(period, {}))
    column, value = next(iter(filters.items()))

    assert 0 < len(rows) < len(every)
    assert set(rows[column]) == {value}
