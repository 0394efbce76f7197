"""Pipeline: open and weighted pipeline, win rate, and deals by stage and by owner."""

import plotly.graph_objects as go
import streamlit as st

from dashboard import context, drilldown, warehouse
from dashboard.cards import Card, count_caption, show_cards
from dashboard.kpis import load_kpis, load_previous_kpis

CARDS = (
    Card(
        "Open pipeline",
        "pipeline.open_value",
        "money",
        count_caption("{} open deals", "pipeline.open_count"),
    ),
    Card(
        "Weighted pipeline",
        "pipeline.weighted_value",
        "money",
        count_caption("{} open deals times their probability", "pipeline.open_count"),
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


def grouped_figure(groups, group_column: str, title: str) -> go.Figure:
    """Build bars of deal value per group, stacked by deal status."""
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        rows = groups[groups["status"] == status]
        fig.add_bar(
            x=rows[group_column],
            y=rows["value_rc"],
            name=status,
            marker_color=colour,
            customdata=[[group, status] for group in rows[group_column]],
            text=rows["deal_count"],
            hovertemplate="%{x}: %{y:,.0f} in %{text} deals<extra>"
            + status
            + "</extra>",
        )
    fig.update_layout(
        title=title,
        barmode="stack",
        xaxis={"type": "category"},
        uniformtext_mode="hide",
    )
    fig.update_traces(textposition="none")
    return fig


def show_grouped_chart(page: context.PageContext, group_column: str, title: str):
    """Draw the deals-by-`group_column` chart; return the clicked bar and the groups."""
    groups = warehouse.query(
        page.identity,
        f"pipeline_by_{group_column}",
        start=page.period.start,
        end=page.period.end,
        stage=None,
        owner=None,
        status=None,
    )
    figure = grouped_figure(groups, group_column, title)
    return drilldown.show_chart(figure, key=f"pipeline_{group_column}"), groups


def show_group_rows(page: context.PageContext, group_column: str, key, groups):
    """Show the deals behind the clicked bar `key` (group, status)."""
    group, status = key
    clicked = groups[(groups[group_column] == group) & (groups["status"] == status)]
    filters = {"stage": None, "owner": None, "status": status, group_column: group}
    drilldown.show_rows(
        page.identity,
        f"{status.capitalize()} deals, {group_column} {group}",
        "pipeline_deals",
        "amount_rc",
        clicked["value_rc"].iloc[0] if len(clicked) else None,
        start=page.period.start,
        end=page.period.end,
        **filters,
    )


def show_page() -> None:
    """Draw the Pipeline page."""
    page = context.require()
    kpis = load_kpis(page.identity, page.period)
    previous = load_previous_kpis(page.identity, page.period)

    st.title("Pipeline")
    st.caption(
        f"Open deals created by {page.period.end}, and deals won or lost between "
        f"{page.period.start} and {page.period.end}. Values are in the reporting "
        "currency; deals without an exchange rate count but add nothing."
    )
    show_cards(CARDS, kpis, previous)

    clicks = {}
    for column, group_column in zip(st.columns(2), ("stage", "owner")):
        with column:
            title = f"Deal value by {group_column}"
            clicks[group_column] = show_grouped_chart(page, group_column, title)
    for group_column, (key, groups) in clicks.items():
        if key:
            show_group_rows(page, group_column, key, groups)
    if not any(key for key, _ in clicks.values()):
        st.caption("Click a bar to list the deals behind it.")

    st.subheader("Deals in the period")
    deals = warehouse.query(
        page.identity,
        "pipeline_deals",
        start=page.period.start,
        end=page.period.end,
        stage=None,
        owner=None,
        status=None,
    )
    drilldown.show_table(deals, "pipeline_deals", key="pipeline_deals")


show_page()
