"""The reporting period: presets, the previous period and calendar months."""

import datetime as dt
from typing import NamedTuple

import streamlit as st

from dashboard import warehouse
from dashboard.warehouse import FileIdentity
from etl.kpis import data_span as kpi_data_span

# Period presets in the order the sidebar lists them, with their labels.
PRESETS = {
    "this_month": "This month",
    "this_quarter": "This quarter",
    "year_to_date": "Year to date",
    "last_12_months": "Last 12 months",
    "all": "All data",
    "custom": "Custom",
}
DEFAULT_PRESET = "last_12_months"
SPARKLINE_MONTHS = 12


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
    last = add_months(first, 1) - dt.timedelta(days=1)
    return Period(max(first, period.start), min(last, period.end))


def add_months(first: dt.date, months: int) -> dt.date:
    """Return the first day of the month `months` after the month of `first`."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def preset_period(preset: str, span: Period) -> Period:
    """Return the period of `preset`, where "today" is the last date of the data.

    The demo data ends in the past, so a preset ending on the real today would
    show nothing. "custom" returns the whole span, for the caller to narrow.
    """
    today = span.end
    month_start = today.replace(day=1)
    starts = {
        "this_month": month_start,
        "this_quarter": month_start.replace(month=(today.month - 1) // 3 * 3 + 1),
        "year_to_date": today.replace(month=1, day=1),
        "last_12_months": add_months(month_start, -11),
    }
    return Period(starts.get(preset, span.start), today)


def sparkline_months(period: Period, span: Period) -> list[Period]:
    """Return the calendar months a sparkline covers: up to 12 ending with `period`.

    Months before the first date of the data are left out, because they would
    read as a rise from zero.
    """
    last = period.end.replace(day=1)
    months = []
    for offset in range(SPARKLINE_MONTHS - 1, -1, -1):
        first = add_months(last, -offset)
        if add_months(first, 1) > span.start:
            end = min(add_months(first, 1) - dt.timedelta(days=1), period.end)
            months.append(Period(first, end))
    return months


@st.cache_data(show_spinner=False, max_entries=16)
def data_span(identity: FileIdentity) -> Period:
    """Return the span the KPIs default to, or today alone when the data is empty."""
    # The KPI module defines the default span, so the filter starts on the same one.
    span = warehouse.call(identity, kpi_data_span)
    today = dt.date.today()
    return Period(*(span or (today, today)))
