"""Drill-down queries: the rows behind each charted value add up to it."""

import datetime as dt
from decimal import Decimal

import pytest

from dashboard import warehouse
from dashboard.period import data_span, month_bounds
from etl.kpis import compute_kpis

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def identity(warehouse_path):
    return warehouse.file_identity(warehouse_path)


@pytest.fixture(scope="module")
def period(identity):
    return data_span(identity)


@pytest.fixture(scope="module")
def kpis(con, period):
    return compute_kpis(con, start=period.start, end=period.end)


def total(identity, name, column, **params) -> Decimal:
    return Decimal(warehouse.query_total(identity, name, column, **params).total or 0)


def assert_equal_to_cent(actual, expected):
    assert abs(Decimal(actual) - Decimal(expected or 0)) < CENT, (actual, expected)


def test_won_deals_sum_to_won_value(identity, period, kpis):
    won = total(identity, "won_deals", "amount_rc", start=period.start, end=period.end)

    assert_equal_to_cent(won, kpis["pipeline"]["won_value"])


def test_invoice_rows_sum_to_invoiced_total(identity, period, kpis):
    invoiced = total(
        identity, "period_invoices", "total_rc", start=period.start, end=period.end
    )
    summary = warehouse.query_total(
        identity, "period_invoices", "total_rc", start=period.start, end=period.end
    )
    unconverted = summary.row_count - summary.value_count

    assert_equal_to_cent(invoiced, kpis["invoicing"]["invoiced_total"])
    assert summary.value_count == kpis["invoicing"]["invoice_count"]
    assert unconverted == kpis["invoicing"]["unconverted_count"]


def test_payment_rows_sum_to_cash(identity, period, kpis):
    cash = total(
        identity, "period_payments", "amount_rc", start=period.start, end=period.end
    )
    summary = warehouse.query_total(
        identity, "period_payments", "amount_rc", start=period.start, end=period.end
    )

    assert_equal_to_cent(cash, kpis["collections"]["cash_collected"])
    assert summary.value_count == kpis["collections"]["payment_count"]


def test_open_invoices_sum_to_ar(identity, kpis):
    as_of = dt.date.fromisoformat(kpis["period"]["as_of"])
    summary = warehouse.query_total(
        identity, "ar_open_invoices", "balance_rc", as_of=as_of, bucket=None
    )

    assert_equal_to_cent(summary.total, kpis["collections"]["ar_total"])
    assert summary.value_count == kpis["collections"]["ar_count"]


@pytest.mark.parametrize("bucket", ["current", "1_30", "31_60", "61_90", "over_90"])
def test_open_invoices_sum_to_bucket(identity, kpis, bucket):
    as_of = dt.date.fromisoformat(kpis["period"]["as_of"])
    value = total(
        identity, "ar_open_invoices", "balance_rc", as_of=as_of, bucket=bucket
    )

    assert_equal_to_cent(value, kpis["collections"]["ar_aging"][bucket])


@pytest.mark.parametrize(
    "field, sql_name, column",
    [
        ("won_value", "won_deals", "amount_rc"),
        ("invoiced_total", "period_invoices", "total_rc"),
        ("cash_collected", "period_payments", "amount_rc"),
    ],
)
def test_month_rows_sum_to_monthly_value(identity, period, kpis, field, sql_name,
                                            column):
    assert kpis["monthly"], "the KPI object has no months"
    for month in kpis["monthly"]:
        days = month_bounds(month["month"], period)
        value = total(identity, sql_name, column, start=days.start, end=days.end)

        assert_equal_to_cent(value, month[field] or 0)


@pytest.mark.parametrize("group_column", ["stage", "owner"])
def test_pipeline_bars_sum_to_deals(identity, period, group_column):
    filters = {"start": period.start, "end": period.end, "stage": None, "owner": None}
    groups = warehouse.query(
        identity, f"pipeline_by_{group_column}", status=None, **filters
    )

    assert not groups.empty
    for row in groups.itertuples():
        selected = {**filters, group_column: getattr(row, group_column)}
        summary = warehouse.query_total(
            identity, "pipeline_deals", "amount_rc", status=row.status, **selected
        )

        assert summary.row_count == row.deal_count
        assert_equal_to_cent(summary.total or 0, Decimal(str(row.value_rc)))


def test_open_deals_sum_to_open_value(identity, period, kpis):
    summary = warehouse.query_total(
        identity,
        "pipeline_deals",
        "amount_rc",
        start=period.start,
        end=period.end,
        stage=None,
        owner=None,
        status="open",
    )

    assert summary.value_count == kpis["pipeline"]["open_count"]
    assert_equal_to_cent(summary.total or 0, kpis["pipeline"]["open_value"])


def test_quarantine_rows_match_run_counts(identity, con):
    run_id = warehouse.query(identity, "etl_runs", limit=1)["run_id"].iloc[0]
    sources = warehouse.query(identity, "run_sources", run_id=run_id)

    for row in sources.itertuples():
        rows = warehouse.query(
            identity, "quarantine_rows", source=row.source, table_name=row.table_name
        )
        quarantined = rows[["file", "row_number"]].drop_duplicates()

        assert len(quarantined) == row.rows_quarantined, row.source
