"""Before and after: the headline KPIs before and after the go-live date."""

import datetime as dt

import streamlit as st

from dashboard import context, drilldown, etl_calls
from dashboard.comparison import (
    GO_LIVE_KEY,
    HEADLINE,
    default_go_live,
    display_rows,
    kpi_label,
    parse_go_live,
    raw_rows,
    verdict,
)
from dashboard.format import format_change, format_count, format_value
from dashboard.period import data_span
from etl.compare import GoLiveError

_DATE = "go_live_date"


def choose_go_live(page: context.PageContext):
    """Draw the go-live date input, seeded from the URL, and return the date chosen."""
    span = data_span(page.identity)
    setting = etl_calls.load_go_live_setting(page.identity)
    default, is_setting = default_go_live(setting, span)
    if _DATE not in st.session_state:
        url_day = parse_go_live(st.query_params.get(GO_LIVE_KEY), span)
        st.session_state[_DATE] = url_day or default
    day = st.date_input(
        "Go-live date: the first day of the after period", key=_DATE,
        min_value=span.start + dt.timedelta(days=1),
        max_value=span.end, format="YYYY-MM-DD",
    )
    if day == default:
        st.query_params.pop(GO_LIVE_KEY, None)
    else:
        st.query_params[GO_LIVE_KEY] = day.isoformat()
    explain_go_live(day, setting, is_setting, default)
    return day


def explain_go_live(day, setting, is_setting: bool, default) -> None:
    """Say whether `day` is the warehouse's go-live setting or a what-if date."""
    if is_setting and day == setting:
        st.caption(f"{day} is `go_live` from the mapping file's [settings].")
        return
    if setting is None:
        source = (
            "The mapping file's [settings] set no `go_live`, so this compares "
            f"around {day}"
            + (", the middle of the data span" if day == default else "")
        )
    else:
        source = f"The `go_live` setting is {setting}, but this compares around {day}"
    st.info(
        f"**What-if.** {source}. Set `go_live = \"YYYY-MM-DD\"` in [settings] and "
        "refresh to make a date the default.",
        icon=":material/science:",
    )


def show_headline(comparison: dict) -> None:
    """Show lead-to-payment time, order error rate and invoice size, each with its
    before and after value side by side."""
    currency = comparison["reporting_currency"]
    rows = {row["name"]: row for row in comparison["kpis"]}
    for name in HEADLINE:
        row = rows[name]
        label, kind = kpi_label(name)
        before, after = st.columns(2)
        before.metric(
            f"{label}, before", format_value(kind, row["before"], currency),
            border=True, height="stretch",
        )
        after.metric(
            f"{label}, after", format_value(kind, row["after"], currency),
            format_change(kind, row["after"], row["before"]), border=True,
            height="stretch",
            delta_color="inverse" if row["better"] == "lower" else "normal",
        )
        st.caption(
            f"{verdict(row).capitalize()} after go-live. Counts behind it: "
            f"{format_count(row['before_count'])} before and "
            f"{format_count(row['after_count'])} after."
        )


def show_page() -> None:
    """Draw the Before and after page."""
    page = context.require()
    st.title("Before and after")
    day = choose_go_live(page)
    try:
        comparison = etl_calls.load_comparison(page.identity, day)
    except GoLiveError as error:
        st.warning(str(error), icon=":material/event_busy:")
        return

    periods = comparison["periods"]
    before, after = periods["before"], periods["after"]
    st.caption(
        f"Before: {before['start']} to {before['end']} ({before['days']} days). "
        f"After: {after['start']} to {after['end']} ({after['days']} days). Each "
        "side covers the whole warehouse as of its own last day, so the sidebar "
        "filters do not apply. Totals also appear per 30 days, because the two "
        "sides differ in length."
    )
    show_headline(comparison)

    st.subheader("Every headline KPI")
    st.dataframe(display_rows(comparison), hide_index=True, key="compare_rows")
    st.caption("The files hold the unformatted values of `lead2cash compare --json`.")
    drilldown.show_downloads(page, raw_rows(comparison),
                             f"Before and after {day}", "compare_rows")


show_page()
