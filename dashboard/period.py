"""The reporting period: the sidebar filter and the previous period."""

import datetime as dt
from typing import NamedTuple

import streamlit as st

from dashboard import warehouse
from dashboard.warehouse import FileIdentity
from etl.kpis import data_span as kpi_data_span


class Period(NamedTuple):
    """An inclusive range of dates."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def previous_period(period: Period) -> Period:
    """Return the period of equal length that ends the day before `period` starts."""
    end = period.start - dt.timedelta(days=1)
    return Period(end - dt.timedelta(days=period.days - 1), end)


def month_bounds(month: str, period: Period) -> Period:
    """Return the days of `month` ("YYYY-MM") that fall inside `period`."""
    first = dt.date.fromisoformat(f"{month}-01")
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    last = next_month - dt.timedelta(days=1)
    return Period(max(first, period.start), min(last, period.end))


@st.cache_data(show_spinner=False, max_entries=16)
def data_span(identity: FileIdentity) -> Period:
    """Return the span the KPIs default to, or today alone when the data is empty."""
    # The KPI module defines the default span, so the filter starts on the same one.
    span = warehouse.call(identity, kpi_data_span)
    today = dt.date.today()
    return Period(*(span or (today, today)))


def select_period(identity: FileIdentity) -> Period:
    """Show the start and end dates in the sidebar and return the chosen period."""
    span = data_span(identity)
    # The file version is part of the keys, so a new warehouse resets the dates
    # to its own span.
    version = f"{identity.inode}_{identity.mtime_ns}"
    st.sidebar.header("Period")
    start = st.sidebar.date_input(
        "Start", span.start, span.start, span.end, key=f"start_{version}"
    )
    end = st.sidebar.date_input(
        "End", span.end, span.start, span.end, key=f"end_{version}"
    )
    if end < start:
        st.sidebar.warning("End is before start, so the two dates were swapped.")
        start, end = end, start
    return Period(start, end)
