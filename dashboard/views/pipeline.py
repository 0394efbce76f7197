"""Pipeline: open and weighted pipeline, win rate, and deals by stage and by owner."""

import plotly.graph_objects as go
import streamlit as st

from dashboard import context, drilldown, layout, warehouse
from dashboard.cards import WEIGHTED_PIPELINE, WIN_RATE, Card, count_caption
from dashboard.drilldown import RowQuery

CARDS = (
    Card(
        "Open pipeline",
        "pipeline.open_value",
        "money",
        count_caption("{} open deals", "pipeline.open_count"),
    ),
    WEIGHTED_PIPELINE,
    WIN_RATE,
    Card(
        "Won value",
        "pipeline.won_value",
        "money",
        count_caption("{} won deals", "pipeline.won_count"),
    ),
    Card(
        "Average won deal",
        "pipeline.avg_won_deal_size",
        "money",
        count_caption("{} won deals", "pipeline.won_count"),
    ),
    Card(
        "Sales cycle, median",
        "pipeline.sales_cycle_days.median",
        "days",
        count_caption("{} closed deals", "pipeline.sales_cycle_days.count"),
        is_lower_better=True,
    ),
)
# Deal statuses in stacking order, each with its bar colour.
STATUS_COLOURS = {"open": "#1f4e79", "won": "#3a9d5d", "lost": "#b8bec6"}
# Chart key per grouping column, and the pipeline_deals parameter it sets.
GROUPS = {
    "stage": ("pipeline_stage", "stage"),
    "owner": ("pipeline_owner", "pipeline_owner"),
}
ALL_GROUPS = {"stage": None, "pipeline_owner": None, "status": None}


def grouped_figure(groups, group_column: str, currency: str) -> go.Figure:
    """Build bars of deal value per group, stacked by deal status."""
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        rows = groups[groups["status"] == status]
        fig.add_bar(
            x=rows[group_column],
            y=[float(value) for value in rows["value_rc"]],
            name=status,
            marker_color=colour,
            customdata=[[group, status] for group in rows[group_column]],
            text=rows["deal_count"],
            textposition="none",
            hovertemplate=f"%{{x}}: {currency} %{{y:,.0f}} in %{{text}} deals"
            f"<extra>{status}</extra>",
        )
    fig.update_layout(barmode="stack", xaxis={"type": "category"})
    return drilldown.style_figure(fig, f"Deal value by {group_column}")


def show_group_rows(page: context.PageContext, drill, groups: dict, currency: str):
    """Show the deals behind the clicked bar: one group of one status."""
    group_column = next(
        (column for column, (chart, _) in GROUPS.items() if chart == drill.chart), None
    )
    group, status = (drill.point + ("", ""))[:2]
    frame = groups[group_column]
    clicked = frame[(frame[group_column] == group) & (frame["status"] == status)]
    if clicked.empty:
        st.info("The selection in the link is not on this page; showing it all.")
        return
    title = f"{status.capitalize()} deals, {group_column} {group}"
    query = RowQuery(
        title, "pipeline_deals", "amount_rc", clicked["value_rc"].iloc[0], "deal"
    )
    parameter = GROUPS[group_column][1]
    drilldown.show_breadcrumb("Pipeline", f"Deal value by {group_column}", title)
    drilldown.show_rows(
        page, query, currency, **{**ALL_GROUPS, "status": status, parameter: group}
    )


def show_page() -> None:
    """Draw the Pipeline page."""
    page = context.require()
    data = layout.load_card_data(page)
    currency = data.kpis.get("reporting_currency") or ""
    layout.show_heading(page, "Pipeline", CARDS, data)
    st.caption(
        f"Deals open on {page.period.end}, and deals won or lost between "
        f"{page.period.start} and {page.period.end}. Deals without an exchange "
        "rate count but add nothing."
    )

    groups = {}
    for column, group_column in zip(st.columns(2), GROUPS):
        groups[group_column] = warehouse.query(
            page.identity, f"pipeline_by_{group_column}", **page.params(**ALL_GROUPS)
        )
        with column:
            figure = grouped_figure(groups[group_column], group_column, currency)
            drilldown.show_chart(figure, GROUPS[group_column][0])

    drill = layout.page_drill([chart for chart, _ in GROUPS.values()])
    if drill:
        show_group_rows(page, drill, groups, currency)
        return
    st.caption("Click a bar to list the deals behind it.")
    st.subheader("Deals in the period")
    deals = warehouse.query(
        page.identity, "pipeline_deals", **page.params(**ALL_GROUPS)
    )
    drilldown.show_table(page, deals, "Deals", "pipeline_deals", "deal")


show_page()
