"""Income & collections: invoices, cash per month, AR aging, DSO and AR by customer."""

import plotly.graph_objects as go
import streamlit as st

from dashboard import context, drilldown, layout, warehouse
from dashboard.charts import AGING_BUCKETS
from dashboard.cards import CASH_COLLECTED, INVOICED_TOTAL, Card, count_caption
from dashboard.drilldown import RowQuery
from dashboard.period import month_bounds

CARDS = (
    INVOICED_TOTAL,
    Card(
        "Credit notes",
        "invoicing.credit_note_total",
        "money",
        count_caption("{} credit notes issued", "invoicing.credit_note_count"),
        is_lower_better=True,
    ),
    CASH_COLLECTED,
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
TOP_CUSTOMERS = 10
CHARTS = ("income_cash", "income_aging", "income_dso", "income_customers")
AR_ROWS = {"bucket": None, "customer_key": None}
# Tables under the charts: title, SQL file, extra parameters, record a row opens.
TABLES = (
    ("Invoices", "period_invoices", {}, "invoice"),
    ("Payments", "period_payments", {}, "invoice"),
    ("Credit notes", "period_credit_notes", {}, "invoice"),
    ("Customers", "customers", AR_ROWS, "customer"),
)


def _number(value) -> float | None:
    return None if value is None else float(value)


def bar_figure(x, y, keys, title: str, hover: str, colour: str) -> go.Figure:
    """Build one bar series whose points carry `keys` as their drill-down keys."""
    fig = go.Figure(
        go.Bar(
            x=list(x), y=[_number(value) for value in y],
            customdata=[[key] for key in keys], marker_color=colour,
            hovertemplate=hover,
        )
    )
    fig.update_layout(xaxis={"type": "category"})
    return drilldown.style_figure(fig, title)


def aging_values(aging) -> list:
    """Return the open balance per bucket in AGING_BUCKETS order, 0 when empty."""
    by_bucket = dict(zip(aging["bucket"], aging["balance_rc"]))
    return [by_bucket.get(bucket, 0) for bucket in AGING_BUCKETS]


def dso_figure(monthly: list[dict]) -> go.Figure:
    """Build a line of DSO per month."""
    months = [row["month"] for row in monthly]
    fig = go.Figure(
        go.Scatter(
            x=months,
            y=[_number(row["dso"]) for row in monthly],
            mode="lines+markers",
            customdata=[[month] for month in months],
            line_color=drilldown.SERIES_COLOURS[0],
            hovertemplate="%{x}: %{y:,.1f} days<extra></extra>",
        )
    )
    fig.update_layout(xaxis={"type": "category"})
    return drilldown.style_figure(fig, "DSO per month (owner, team, customer only)")


def cash_query(flows, month: str):
    """Return the payments behind the clicked month, or None for an unknown one."""
    match = flows[flows["month"] == month]
    if match.empty:
        return None
    expected = match["cash_collected"].iloc[0]
    return RowQuery(f"Payments, {month}", "period_payments", "amount_rc", expected,
                    "invoice")


def drill_query(page, drill, charts: dict):
    """Return the rows query and its extra parameters of the clicked point, or None."""
    key = drill.point[0] if drill.point else ""
    if drill.chart == "income_cash":
        query = cash_query(charts["flows"], key)
        if query is None:
            return None
        days = month_bounds(key, page.period)
        return query, {"start": days.start, "end": days.end}
    if drill.chart == "income_aging" and key in AGING_BUCKETS:
        values = dict(zip(AGING_BUCKETS, aging_values(charts["aging"])))
        title = f"Open invoices on {page.period.end}, {AGING_BUCKETS[key]}"
        query = RowQuery(
            title, "ar_open_invoices", "balance_rc", values[key], "invoice"
        )
        return query, {**AR_ROWS, "bucket": key}
    if drill.chart == "income_dso":
        month = next((row for row in charts["monthly"] if row["month"] == key), None)
        if month is None:
            return None
        month_end = month_bounds(key, page.period).end
        # DSO is a ratio, so no rows add up to it. These rows are its AR numerator,
        # which segment and currency filters narrow although DSO ignores them.
        expected = None if page.filters.narrows_tables_only else month["ar_total"]
        title = f"Open invoices on {month_end}, the AR behind DSO"
        query = RowQuery(title, "ar_open_invoices", "balance_rc", expected, "invoice")
        return query, {**AR_ROWS, "as_of": month_end}
    if drill.chart == "income_customers":
        match = charts["customers"][charts["customers"]["customer_key"] == key]
        if match.empty:
            return None
        title = f"Open invoices of {match['customer_name'].iloc[0]}"
        query = RowQuery(title, "ar_open_invoices", "balance_rc",
                         match["ar_rc"].iloc[0], "invoice")
        return query, {**AR_ROWS, "customer_key": key}
    return None


def show_charts(page: context.PageContext, kpis: dict, currency: str) -> dict:
    """Draw the four charts; return the rows they were drawn from."""
    params = page.params()
    charts = {
        "flows": warehouse.query(page.identity, "monthly_flows", **params),
        "aging": warehouse.query(page.identity, "ar_aging", **page.params(**AR_ROWS)),
        "monthly": kpis["monthly"],
        "customers": warehouse.query(
            page.identity, "customers", **page.params(**AR_ROWS)
        ),
    }
    money_hover = f"%{{x}}: {currency} %{{y:,.0f}}<extra></extra>"
    left, right = st.columns(2)
    with left:
        flows = charts["flows"]
        figure = bar_figure(flows["month"], flows["cash_collected"], flows["month"],
                            "Cash collected per month", money_hover,
                            drilldown.SERIES_COLOURS[2])
        drilldown.show_chart(figure, "income_cash")
    with right:
        figure = bar_figure(AGING_BUCKETS.values(), aging_values(charts["aging"]),
                            AGING_BUCKETS, f"AR aging on {page.period.end}",
                            money_hover, drilldown.SERIES_COLOURS[1])
        drilldown.show_chart(figure, "income_aging")
    left, right = st.columns(2)
    with left:
        drilldown.show_chart(dso_figure(charts["monthly"]), "income_dso")
    with right:
        # customers.sql sorts by open balance, largest first.
        top = charts["customers"].head(TOP_CUSTOMERS)
        top = top[top["ar_rc"] > 0]
        figure = bar_figure(top["customer_name"], top["ar_rc"], top["customer_key"],
                            f"AR by customer, top {TOP_CUSTOMERS}", money_hover,
                            drilldown.SERIES_COLOURS[3])
        drilldown.show_chart(figure, "income_customers")
    return charts


def show_tables(page: context.PageContext) -> None:
    """Show the invoices, payments, credit notes and customers of the period."""
    tabs = st.tabs([title for title, *_ in TABLES])
    for tab, (title, sql_name, extra, entity) in zip(tabs, TABLES):
        with tab:
            rows = warehouse.query(page.identity, sql_name, **page.params(**extra))
            drilldown.show_table(page, rows, title, f"income_{sql_name}", entity)


def show_page() -> None:
    """Draw the Income & collections page."""
    page = context.require()
    data = layout.load_card_data(page)
    currency = data.kpis.get("reporting_currency") or ""
    layout.show_heading(page, "Income & collections", CARDS, data)

    charts = show_charts(page, data.kpis, currency)
    drill = layout.page_drill(CHARTS)
    found = drill_query(page, drill, charts) if drill else None
    if found:
        query, extra = found
        drilldown.show_breadcrumb("Income & collections", query.title)
        drilldown.show_rows(page, query, currency, **extra)
        return
    if drill:
        st.info("The selection in the link is not on this page; showing it all.")
    st.caption("Click a bar or point to list the payments or invoices behind it.")
    show_tables(page)


show_page()
