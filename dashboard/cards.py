"""KPI cards: one `st.metric` per KPI with its change and the rows it rests on."""

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


def _count(kpis: dict, path: str) -> str:
    value = lookup(kpis, path)
    return "no" if value is None else f"{value:,}"


def show_card(card: Card, kpis: dict, previous: dict | None) -> None:
    """Draw one card, with its change against `previous`, the KPIs before."""
    value = lookup(kpis, card.path)
    previous_value = lookup(previous, card.path) if previous else None
    st.metric(
        card.label,
        format_value(card.kind, value),
        format_change(card.kind, value, previous_value),
        delta_color="inverse" if card.is_lower_better else "normal",
        border=True,
    )
    st.caption(card.caption(kpis))


def show_cards(cards: tuple[Card, ...], kpis: dict, previous: dict | None, columns=3):
    """Draw `cards` in rows of `columns`."""
    for first in range(0, len(cards), columns):
        for column, card in zip(st.columns(columns), cards[first : first + columns]):
            with column:
                show_card(card, kpis, previous)


def count_caption(template: str, *paths: str) -> Callable[[dict], str]:
    """Return a caption function that fills `template` with counts from the KPIs."""
    return lambda kpis: template.format(*(_count(kpis, path) for path in paths))
