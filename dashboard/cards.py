"""KPI cards: one `st.metric` per KPI with its change, a sparkline and its row count."""

from typing import Callable, NamedTuple

import streamlit as st

from dashboard.format import format_change, format_value
from dashboard.kpis import lookup


class Card(NamedTuple):
    """One KPI card: where its value sits in the KPI object and how it reads."""

    label: str
    path: str
    kind: str
    caption: Callable[[dict], str]
    is_lower_better: bool = False
    help: str | None = None


class CardData(NamedTuple):
    """The KPI objects a row of cards draws from."""

    kpis: dict
    previous: dict | None
    monthly: list[dict]


def _count(kpis: dict, path: str) -> str:
    value = lookup(kpis, path)
    return "no" if value is None else f"{value:,}"


def sparkline(card: Card, monthly: list[dict]) -> list[float] | None:
    """Return the card's value per month, leaving out months without a value."""
    values = [lookup(month, card.path) for month in monthly]
    points = [float(value) for value in values if value is not None]
    return points if len(points) > 1 else None


def show_card(card: Card, data: CardData) -> None:
    """Draw one card, with its change against the period before and a sparkline."""
    value = lookup(data.kpis, card.path)
    previous_value = lookup(data.previous, card.path) if data.previous else None
    currency = data.kpis.get("reporting_currency")
    st.metric(
        card.label,
        format_value(card.kind, value, currency),
        format_change(card.kind, value, previous_value),
        delta_color="inverse" if card.is_lower_better else "normal",
        border=True,
        help=card.help,
        chart_data=sparkline(card, data.monthly),
    )
    st.caption(card.caption(data.kpis))


def show_cards(cards: tuple[Card, ...], data: CardData, columns: int = 3) -> None:
    """Draw `cards` in rows of `columns`."""
    for first in range(0, len(cards), columns):
        for column, card in zip(st.columns(columns), cards[first : first + columns]):
            with column:
                show_card(card, data)


def count_caption(template: str, *paths: str) -> Callable[[dict], str]:
    """Return a caption function that fills `template` with counts from the KPIs."""
    return lambda kpis: template.format(*(_count(kpis, path) for path in paths))


# Cards that more than one page shows.
INVOICED_TOTAL = Card(
    "Invoiced total",
    "invoicing.invoiced_total",
    "money",
    count_caption("{} invoices issued", "invoicing.invoice_count"),
)
CASH_COLLECTED = Card(
    "Cash collected",
    "collections.cash_collected",
    "money",
    count_caption("{} payments received", "collections.payment_count"),
)
WEIGHTED_PIPELINE = Card(
    "Weighted pipeline",
    "pipeline.weighted_value",
    "money",
    count_caption("{} open deals times their probability", "pipeline.open_count"),
)
WIN_RATE = Card(
    "Win rate",
    "pipeline.win_rate",
    "rate",
    count_caption(
        "{} won and {} lost deals", "pipeline.won_count", "pipeline.lost_count"
    ),
)
