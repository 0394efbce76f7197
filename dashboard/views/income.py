"""Income & collections: invoices, cash per month, AR aging and the DSO trend."""

import datetime as dt

import plotly.graph_objects as go
import streamlit as st

from dashboard import context, drilldown, warehouse
from dashboard.cards import Card, count_caption, show_cards
from dashboard.kpis import load_kpis, load_previous_kpis
from dashboard.period import month_bounds

CARDS = (
    Card(
        "Invoiced total",
        "invoicing.invoiced_total",
        "money",
        count_caption("{} invoices issued", "invoicing.invoice_count"),
    ),
    Card(
        "Credit notes",
        "invoicing.credit_note_total",
        "money",
        count_caption("{} credit notes issued", "invoicing.credit_note_count"),
        is_lower_better=True,
    ),
    Card(
        "Cash collected",
        "collections.cash_collected",
        "money",
        count_caption("{} payments received", "collections.payment_count"),
    ),
    Card(
        "DSO",
        "collections.dso",
        "days",
        count_caption("AR over {} invoices issued", "invoicing.invoice_count"),
        is_lower_better=True,
    ),
    Card(
        "On-time payment rate",
        "collections.on_time_rate",
        "rate",
        count_caption("{} invoices paid", "collections.days_to_pay.count"),
    ),
    Card(
        "Days to pay, median",
        "collections.days_to_pay.median",
        "days",
        count_caption("{} invoices paid", "collections.days_to_pay.count"),
        is_lower_better=True,
    ),
)
# AR aging buckets of the KPI object, oldest last, with their axis labels.
AGING_BUCKETS = (
    ("current", "Not yet due"),
    ("1_30", "1–30 days"),
    ("31_60", "31–60 days"),
    ("61_90", "61–90 days"),
    ("over_90", "Over 90 days"),
)


def _money(value) -> float | None:
    return None if value is None else float(value)


def cash_figure(monthly: list[dict]) -> go.Figure:
    """Build bars of cash collected per month."""
    months = [row["month"] for row in monthly]
    fig = go.Figure(
        go.Bar(
            x=months,
            y=[_money(row["cash_collected"]) for row in monthly],
            customdata=[[month] for month in months],
            marker_color=drilldown.SERIES_COLOURS[2],
            hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
        )
    )
    fig.update_layout(title="Cash collected per month", xaxis={"type": "category"})
    return fig


def aging_figure(aging: dict, as_of: str) -> go.Figure:
    """Build bars of AR per aging bucket on `as_of`."""
    fig = go.Figure(
        go.Bar(
            x=[label for _, label in AGING_BUCKETS],
            y=[_money(aging.get(bucket)) for bucket, _ in AGING_BUCKETS],
            customdata=[[bucket] for bucket, _ in AGING_BUCKETS],
            marker_color=drilldown.SERIES_COLOURS[1],
            hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
        )
    )
    fig.update_layout(title=f"AR aging on {as_of}", xaxis={"type": "category"})
    return fig


def dso_figure(monthly: list[dict]) -> go.Figure:
    """Build a line of DSO per month."""
    months = [row["month"] for row in monthly]
    fig = go.Figure(
        go.Scatter(
            x=months,
            y=[None if row["dso"] is None else float(row["dso"]) for row in monthly],
            mode="lines+markers",
            customdata=[[month] for month in months],
            line_color=drilldown.SERIES_COLOURS[0],
            hovertemplate="%{x}: %{y:,.1f} days<extra></extra>",
        )
    )
    fig.update_layout(title="DSO per month", xaxis={"type": "category"})
    return fig


def show_cash_rows(page: context.PageContext, monthly: list[dict], key) -> None:
    """Show the payments behind the clicked month `key`."""
    days = month_bounds(key[0], page.period)
    drilldown.show_rows(
        page.identity,
        f"Payments, {key[0]}",
        "period_payments",
        "amount_rc",
        next(row["cash_collected"] for row in monthly if row["month"] == key[0]),
        start=days.start,
        end=days.end,
    )


def show_aging_rows(page: context.PageContext, kpis: dict, key) -> None:
    """Show the open invoices of the clicked aging bucket `key`."""
    as_of = kpis["period"]["as_of"]
    aging = kpis["collections"]["ar_aging"]
    label = dict(AGING_BUCKETS)[key[0]]
    drilldown.show_rows(
        page.identity,
        f"Open invoices on {as_of}, {label}",
        "ar_open_invoices",
        "balance_rc",
        aging.get(key[0]),
        as_of=dt.date.fromisoformat(as_of),
        bucket=key[0],
    )


def show_dso_rows(page: context.PageContext, key) -> None:
    """Show the open invoices at the end of the clicked month `key`."""
    month_end = month_bounds(key[0], page.period).end
    # DSO is a ratio, so no rows add up to it; these rows are its AR numerator.
    drilldown.show_rows(
        page.identity,
        f"Open invoices on {month_end}, the AR behind DSO",
        "ar_open_invoices",
        "balance_rc",
        None,
        as_of=month_end,
        bucket=None,
    )


def show_page() -> None:
    """Draw the Income & collections page."""
    page = context.require()
    kpis = load_kpis(page.identity, page.period)
    previous = load_previous_kpis(page.identity, page.period)

    st.title("Income & collections")
    st.caption(
        f"Invoices issued and payments received between {page.period.start} and "
        f"{page.period.end}; AR is taken on {kpis['period']['as_of']}."
    )
    show_cards(CARDS, kpis, previous)

    monthly = kpis["monthly"]
    left, right = st.columns(2)
    with left:
        cash_key = drilldown.show_chart(cash_figure(monthly), key="income_cash")
    with right:
        aging = aging_figure(kpis["collections"]["ar_aging"], kpis["period"]["as_of"])
        aging_key = drilldown.show_chart(aging, key="income_aging")
    if cash_key:
        show_cash_rows(page, monthly, cash_key)
    if aging_key:
        show_aging_rows(page, kpis, aging_key)

    dso_key = drilldown.show_chart(dso_figure(monthly), key="income_dso")
    if dso_key:
        show_dso_rows(page, dso_key)
    st.caption("Click a bar or point to list the payments or invoices behind it.")

    st.subheader("Invoices issued in the period")
    invoices = warehouse.query(
        page.identity, "period_invoices", start=page.period.start, end=page.period.end
    )
    drilldown.show_table(invoices, "invoices", key="income_invoices")


show_page()
