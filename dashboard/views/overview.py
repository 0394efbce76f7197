"""Overview: the headline KPIs and bookings, invoicing and cash per month."""

import plotly.graph_objects as go
import streamlit as st

from dashboard import context, drilldown
from dashboard.cards import Card, count_caption, show_cards
from dashboard.kpis import load_kpis, load_previous_kpis, lookup
from dashboard.period import month_bounds

CARDS = (
    Card(
        "Invoiced total",
        "invoicing.invoiced_total",
        "money",
        count_caption("{} invoices issued", "invoicing.invoice_count"),
    ),
    Card(
        "Cash collected",
        "collections.cash_collected",
        "money",
        count_caption("{} payments received", "collections.payment_count"),
    ),
    Card(
        "Accounts receivable",
        "collections.ar_total",
        "money",
        lambda kpis: (
            f"{lookup(kpis, 'collections.ar_count') or 0:,} invoices open on "
            f"{kpis['period']['as_of']}"
        ),
        is_lower_better=True,
    ),
    Card(
        "DSO",
        "collections.dso",
        "days",
        count_caption("AR over {} invoices issued", "invoicing.invoice_count"),
        is_lower_better=True,
    ),
    Card(
        "Win rate",
        "pipeline.win_rate",
        "rate",
        count_caption(
            "{} won and {} lost deals", "pipeline.won_count", "pipeline.lost_count"
        ),
    ),
    Card(
        "Won value",
        "pipeline.won_value",
        "money",
        count_caption("{} won deals", "pipeline.won_count"),
    ),
    Card(
        "Average invoice size",
        "invoicing.avg_invoice_size",
        "money",
        count_caption("{} invoices issued", "invoicing.invoice_count"),
    ),
    Card(
        "Lead to payment, median",
        "lead_to_payment_days.median",
        "days",
        count_caption(
            "{} leads paid, {} still unpaid",
            "lead_to_payment_days.count",
            "lead_to_payment_days.open_count",
        ),
        is_lower_better=True,
    ),
    Card(
        "Order error rate",
        "order_error_rate.rate",
        "rate",
        count_caption(
            "{} of {} orders with an error",
            "order_error_rate.orders_with_errors",
            "order_error_rate.orders",
        ),
        is_lower_better=True,
    ),
)

# Monthly series: KPI field, legend name, drill-down query and its value column.
SERIES = (
    ("won_value", "Bookings (won value)", "won_deals", "amount_rc"),
    ("invoiced_total", "Invoiced", "period_invoices", "total_rc"),
    ("cash_collected", "Cash collected", "period_payments", "amount_rc"),
)


def monthly_figure(monthly: list[dict]) -> go.Figure:
    """Build grouped bars of bookings, invoiced and cash collected per month."""
    months = [row["month"] for row in monthly]
    fig = go.Figure()
    for (field, name, _, _), colour in zip(SERIES, drilldown.SERIES_COLOURS):
        fig.add_bar(
            x=months,
            y=[None if row[field] is None else float(row[field]) for row in monthly],
            name=name,
            marker_color=colour,
            customdata=[[field, month] for month in months],
            hovertemplate="%{x|%b %Y}: %{y:,.0f}<extra>" + name + "</extra>",
        )
    fig.update_layout(
        title="Bookings, invoiced and cash collected per month",
        barmode="group",
        legend={"orientation": "h", "y": -0.15},
        xaxis={"type": "category"},
    )
    return fig


def show_month_rows(page: context.PageContext, monthly: list[dict], key: tuple):
    """Show the deals, invoices or payments behind one clicked monthly bar."""
    field, month = key
    _, name, sql_name, column = next(series for series in SERIES if series[0] == field)
    days = month_bounds(month, page.period)
    expected = next(row[field] for row in monthly if row["month"] == month)
    drilldown.show_rows(
        page.identity,
        f"{name}, {month}",
        sql_name,
        column,
        expected,
        start=days.start,
        end=days.end,
    )


def period_caption(page: context.PageContext, kpis: dict, previous) -> str:
    """Describe the period, what the changes compare with and the currency."""
    days = page.period.days
    if previous is None:
        changes = f"The {days} days before hold no data, so no changes are shown."
    else:
        changes = f"Changes are against the {days} days before."
    currency = kpis.get("reporting_currency") or "the reporting currency"
    return (
        f"{page.period.start} to {page.period.end}. {changes} AR is taken on "
        f"{kpis['period']['as_of']}. Amounts are in {currency}."
    )


def show_page() -> None:
    """Draw the Overview page."""
    page = context.require()
    kpis = load_kpis(page.identity, page.period)
    previous = load_previous_kpis(page.identity, page.period)

    st.title("Overview")
    st.caption(period_caption(page, kpis, previous))
    show_cards(CARDS, kpis, previous)

    key = drilldown.show_chart(monthly_figure(kpis["monthly"]), key="overview_monthly")
    if key:
        show_month_rows(page, kpis["monthly"], key)
    else:
        st.caption("Click a bar to list the deals, invoices or payments behind it.")


show_page()
