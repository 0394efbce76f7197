"""Overview: is the pipeline turning into cash? KPIs, flows, position and funnel."""

import plotly.graph_objects as go
import streamlit as st

from dashboard import context, drilldown, layout, warehouse
from dashboard.charts import FUNNEL, POSITION, SERIES
from dashboard.cards import (
    CASH_COLLECTED, INVOICED_TOTAL, WEIGHTED_PIPELINE, WIN_RATE, Card, count_caption,
)
from dashboard.drilldown import RowQuery
from dashboard.format import format_count, format_days, format_money_short
from dashboard.kpis import lookup
from dashboard.period import month_bounds

CARDS = (
    Card(
        "Bookings (won value)",
        "pipeline.won_value",
        "money",
        count_caption("{} won deals", "pipeline.won_count"),
        help="Value of the deals won in the period.",
    ),
    INVOICED_TOTAL,
    CASH_COLLECTED,
    Card(
        "Open pipeline",
        "pipeline.open_value",
        "money",
        count_caption("{} open deals", "pipeline.open_count"),
        help="Deals open on the last day of the period.",
    ),
    WEIGHTED_PIPELINE,
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
        help="AR at the period end / invoiced total × days in the period.",
    ),
    WIN_RATE,
    Card(
        "Lead to payment, median",
        "lead_to_payment_days.median",
        "days",
        count_caption(
            "{} won deals paid, {} still unpaid",
            "lead_to_payment_days.count",
            "lead_to_payment_days.open_count",
        ),
        is_lower_better=True,
    ),
    Card(
        "Average invoice size",
        "invoicing.avg_invoice_size",
        "money",
        count_caption("{} invoices issued", "invoicing.invoice_count"),
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

CHARTS = ("overview_monthly", "overview_position", "overview_funnel")


def _number(value) -> float | None:
    return None if value is None else float(value)


def monthly_figure(monthly, currency: str) -> go.Figure:
    """Build grouped bars of bookings, invoiced and cash collected per month."""
    months = list(monthly["month"])
    fig = go.Figure()
    for (field, (name, *_)), colour in zip(SERIES.items(), drilldown.SERIES_COLOURS):
        fig.add_bar(
            x=months,
            y=[_number(value) for value in monthly[field]],
            name=name,
            marker_color=colour,
            customdata=[[field, month] for month in months],
            hovertemplate=f"%{{x}}: {currency} %{{y:,.0f}}<extra>{name}</extra>",
        )
    fig.update_layout(barmode="group", xaxis={"type": "category"})
    return drilldown.style_figure(
        fig, "Is the pipeline turning into cash? Bookings, invoiced and cash per month"
    )


def position_values(page: context.PageContext) -> dict:
    """Return each position bar's row total, over the rows of its drill-down."""
    values = {}
    for measure, (_, sql_name, column, _, extra) in POSITION.items():
        values[measure] = warehouse.query_total(
            page.identity, sql_name, column, **page.params(**extra)
        )
    return values


def position_figure(values: dict, as_of, currency: str) -> go.Figure:
    """Build bars of open and weighted pipeline beside AR on `as_of`."""
    measures = list(POSITION)
    fig = go.Figure(
        go.Bar(
            x=[POSITION[measure][0] for measure in measures],
            y=[_number(values[measure].total) for measure in measures],
            customdata=[[measure] for measure in measures],
            marker_color=[drilldown.SERIES_COLOURS[i] for i in (0, 3, 1)],
            text=[f"{format_count(values[m].row_count)} rows" for m in measures],
            textposition="inside",
            hovertemplate=f"%{{x}}: {currency} %{{y:,.0f}}<extra></extra>",
        )
    )
    fig.update_layout(xaxis={"type": "category"})
    return drilldown.style_figure(fig, f"Pipeline beside receivables on {as_of}")


def funnel_text(stage: str, row, kpis: dict, currency: str) -> str:
    """Label one funnel bar with its count, value and median days."""
    label, _, column, _, median_path = FUNNEL[stage]
    text = f"{format_count(row.row_count)}"
    if column:
        text += f" · {format_money_short(row.value_rc, currency)}"
    if median_path:
        text += f" · {format_days(lookup(kpis, median_path))}"
    return text


def funnel_figure(stages, kpis: dict, currency: str) -> go.Figure:
    """Build horizontal bars of leads, wins, invoices and payments in the period."""
    rows = list(stages.itertuples())
    fig = go.Figure(
        go.Bar(
            y=[FUNNEL[row.stage][0] for row in rows],
            x=[row.row_count for row in rows],
            orientation="h",
            customdata=[[row.stage] for row in rows],
            text=[funnel_text(row.stage, row, kpis, currency) for row in rows],
            textposition="outside",
            cliponaxis=False,
            marker_color=drilldown.SERIES_COLOURS[0],
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    # Room on the right for the labels outside the longest bar.
    longest = max([row.row_count for row in rows] or [0])
    fig.update_layout(
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"range": [0, longest * 1.9 + 1]},
    )
    return drilldown.style_figure(
        fig, "Lead to payment: count · value · median days from the step before"
    )


def month_query(monthly, point) -> tuple[RowQuery, dict] | None:
    """Return the rows behind the clicked monthly bar, or None for an unknown one."""
    field, month = (point + ("", ""))[:2]
    match = monthly[monthly["month"] == month]
    if field not in SERIES or match.empty:
        return None
    name, sql_name, column, entity = SERIES[field]
    expected = match[field].iloc[0]
    return RowQuery(f"{name}, {month}", sql_name, column, expected, entity), {}


def show_drill(page, drill, monthly, positions, stages, currency) -> None:
    """Show the breadcrumb and the rows behind the clicked chart point."""
    found = None
    point = drill.point
    if drill.chart == "overview_monthly":
        found = month_query(monthly, point)
        if found:
            days = month_bounds(point[1], page.period)
            found = (found[0], {"start": days.start, "end": days.end})
    elif drill.chart == "overview_position" and point[:1] and point[0] in POSITION:
        label, sql_name, column, entity, extra = POSITION[point[0]]
        expected = positions[point[0]].total
        found = RowQuery(label, sql_name, column, expected, entity), extra
    elif drill.chart == "overview_funnel" and point[:1] and point[0] in FUNNEL:
        label, sql_name, column, entity, _ = FUNNEL[point[0]]
        match = stages[stages["stage"] == point[0]]
        found = RowQuery(label, sql_name, column, match["value_rc"].iloc[0], entity), {}
    if found is None:
        st.info("The selection in the link is not on this page; showing it all.")
        return
    query, extra = found
    drilldown.show_breadcrumb("Overview", query.title)
    drilldown.show_rows(page, query, currency, **extra)


def show_page() -> None:
    """Draw the Overview page."""
    page = context.require()
    data = layout.load_card_data(page)
    currency = data.kpis.get("reporting_currency") or ""
    layout.show_heading(page, "Overview", CARDS, data)

    # Flows per month, then the position and the funnel side by side.
    monthly = warehouse.query(page.identity, "monthly_flows", **page.params())
    drilldown.show_chart(monthly_figure(monthly, currency), "overview_monthly")
    positions = position_values(page)
    stages = warehouse.query(page.identity, "funnel", **page.params())
    left, right = st.columns(2)
    with left:
        figure = position_figure(positions, page.period.end, currency)
        drilldown.show_chart(figure, "overview_position")
    with right:
        figure = funnel_figure(stages, data.kpis, currency)
        drilldown.show_chart(figure, "overview_funnel")

    drill = layout.page_drill(CHARTS)
    if drill:
        show_drill(page, drill, monthly, positions, stages, currency)
    else:
        st.caption(
            "Click a bar to list the deals, invoices or payments behind it; click a "
            "row there to open the record."
        )


show_page()
