"""The KPI object of `etl.kpis.compute_kpis`, cached per period and file version."""

import streamlit as st

from dashboard import warehouse
from dashboard.period import Period, data_span, previous_period
from dashboard.warehouse import FileIdentity
from etl.kpis import compute_kpis


@st.cache_data(show_spinner=False, max_entries=128)
def _cached_kpis(start, end, identity: FileIdentity) -> dict:
    return warehouse.call(identity, compute_kpis, start=start, end=end)


def load_kpis(identity: FileIdentity, period: Period) -> dict:
    """Return the KPI object for `period`; its `as_of` is the date AR is taken on."""
    return _cached_kpis(period.start, period.end, identity)


def lookup(kpis: dict, path: str):
    """Return the value at a dotted `path` such as "collections.ar_total", or None."""
    value = kpis
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def load_previous_kpis(identity: FileIdentity, period: Period) -> dict | None:
    """Return the KPIs of the period before `period`, or None if it has no data.

    A period before the first date of the data would make every change read as
    growth from zero, so the cards then show no change at all.
    """
    previous = previous_period(period)
    if previous.end < data_span(identity).start:
        return None
    return load_kpis(identity, previous)
