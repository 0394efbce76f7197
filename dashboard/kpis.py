"""The KPI object of `etl.kpis.compute_kpis`, cached per filter set and file version."""

import streamlit as st

from dashboard import warehouse
from dashboard.filters import Filters
from dashboard.period import Period, data_span, previous_period, sparkline_months
from dashboard.warehouse import FileIdentity
from etl.kpis import compute_kpis


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_kpis(start, end, kpi_filters: tuple, identity: FileIdentity) -> dict:
    return warehouse.call(
        identity, compute_kpis, start=start, end=end, **dict(kpi_filters)
    )


def kpis_for(identity: FileIdentity, period: Period, filters: Filters) -> dict:
    """Return the KPI object for `period` under the owner, team and customer filters."""
    kpi_filters = tuple(sorted(filters.kpi_arguments().items()))
    return _cached_kpis(period.start, period.end, kpi_filters, identity)


def load_kpis(identity: FileIdentity, filters: Filters) -> dict:
    """Return the KPI object of the filters' period; AR is taken on its last day."""
    return kpis_for(identity, filters.period, filters)


def lookup(kpis: dict, path: str):
    """Return the value at a dotted `path` such as "collections.ar_total", or None."""
    value = kpis
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def load_previous_kpis(identity: FileIdentity, filters: Filters) -> dict | None:
    """Return the KPIs of the period before the filters' period, or None without data.

    A period before the first date of the data would make every change read as
    growth from zero, so the cards then show no change at all.
    """
    previous = previous_period(filters.period)
    if previous.end < data_span(identity).start:
        return None
    return kpis_for(identity, previous, filters)


def load_monthly_kpis(identity: FileIdentity, filters: Filters) -> list[dict]:
    """Return the KPI object of each month a card's sparkline covers, oldest first."""
    months = sparkline_months(filters.period, data_span(identity))
    return [kpis_for(identity, month, filters) for month in months]
