"""The reporting period: the sidebar filter and the previous period."""

import datetime as dt
from typing import NamedTuple

import streamlit as st

from dashboard import warehouse
from dashboard.warehouse import FileIdentity


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


def data_span(identity: FileIdentity) -> Period:
    """Return the first and last date in the warehouse, or today when it is empty."""
    first_day, last_day = warehouse.query_rows(identity, "data_span")[0]
    today = dt.date.today()
    return Period(first_day or today, last_day or today)


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
