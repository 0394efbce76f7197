"""The parts every KPI page shares: its heading, the cards and the drill-down."""

import streamlit as st

from dashboard import drilldown
from dashboard.cards import CardData, show_cards
from dashboard.context import PageContext
from dashboard.kpis import load_kpis, load_monthly_kpis, load_previous_kpis


def load_card_data(page: PageContext) -> CardData:
    """Return the KPIs of the period, of the period before and of each month."""
    return CardData(
        load_kpis(page.identity, page.filters),
        load_previous_kpis(page.identity, page.filters),
        load_monthly_kpis(page.identity, page.filters),
    )


def period_caption(page: PageContext, data: CardData) -> str:
    """Describe the period, what the changes compare with and the currency."""
    days = page.period.days
    if data.previous is None:
        changes = f"The {days} days before hold no data, so no changes are shown."
    else:
        changes = f"Changes are against the {days} days before."
    currency = data.kpis.get("reporting_currency") or "the reporting currency"
    return (
        f"{page.period.start} to {page.period.end}. {changes} AR is taken on "
        f"{data.kpis['period']['as_of']}. Amounts are in {currency}. Sparklines "
        "show the last 12 months."
    )


def show_heading(page: PageContext, title: str, cards, data: CardData) -> None:
    """Show the page title, the period caption and the KPI cards."""
    st.title(title)
    st.caption(period_caption(page, data))
    show_cards(cards, data)
    if page.filters.narrows_tables_only:
        st.caption(
            "The cards ignore the segment and currency filters, because the KPI "
            "module does not take them; the charts and tables below apply them."
        )


def page_drill(chart_keys) -> drilldown.Drill | None:
    """Return the URL's drill-down when one of `chart_keys` made it, else None."""
    drill = drilldown.current_drill()
    return drill if drill and drill.chart in chart_keys else None
