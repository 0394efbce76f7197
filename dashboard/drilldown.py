"""Clickable charts, the drill-down they select, and tables with downloads.

A clicked chart point is kept in the URL (`drill=CHART~PART~PART`), so a shared
link opens the same drill-down and a page can narrow itself to it.
"""

import re
from decimal import Decimal
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import detail, links, warehouse
from dashboard.context import PageContext
from dashboard.filters import DRILL_KEY
from dashboard.format import DASH, format_count, format_money, plain_text
from dashboard.tables import frame_bytes

# Colours of the chart series, the theme's primary colour first.
SERIES_COLOURS = ("#1f4e79", "#e07b39", "#3a9d5d", "#8e5ea2", "#c94f4f")
CHART_HEIGHT_PX = 360
_GENERATION = "chart_generation"
_PART_SEPARATOR = "~"


class Drill(NamedTuple):
    """The chart point a page is narrowed to: the chart's key and the point's keys."""

    chart: str
    point: tuple[str, ...]


def clicked_point(event) -> dict | None:
    """Return the first selected point of a plotly selection event, or None."""
    if not event:
        return None
    points = event.get("selection", {}).get("points") or []
    return points[0] if points else None


def point_key(point: dict | None) -> tuple | None:
    """Return the `customdata` of a clicked point as a tuple of strings, or None.

    Every chart here stores in `customdata` the keys that select its rows, because
    plotly may return `x` reformatted (month strings come back as dates).
    """
    if point is None or point.get("customdata") is None:
        return None
    data = point["customdata"]
    parts = data if isinstance(data, (list, tuple)) else (data,)
    return tuple(str(part) for part in parts)


def current_drill() -> Drill | None:
    """Return the drill-down in the URL, or None."""
    text = st.query_params.get(DRILL_KEY)
    if not text:
        return None
    chart, *parts = text.split(_PART_SEPARATOR)
    return Drill(chart, tuple(parts))


def set_drill(chart: str, point: tuple[str, ...]) -> None:
    """Narrow the page to `point` of `chart`."""
    st.query_params[DRILL_KEY] = _PART_SEPARATOR.join([chart, *point])


def clear_drill() -> None:
    """Drop the drill-down and the selection drawn on every chart."""
    st.query_params.pop(DRILL_KEY, None)
    st.session_state[_GENERATION] = st.session_state.get(_GENERATION, 0) + 1


def style_figure(fig: go.Figure, title: str) -> go.Figure:
    """Apply the dashboard's chart layout: title, height, legend under the plot."""
    fig.update_layout(
        title={"text": title, "font": {"size": 16}},
        height=CHART_HEIGHT_PX,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "y": -0.2},
        clickmode="event+select",
        font={"size": 13},
    )
    return fig


def show_chart(fig: go.Figure, chart: str) -> None:
    """Draw `fig` with point selection on; a new click becomes the page's drill."""
    generation = st.session_state.get(_GENERATION, 0)
    event = st.plotly_chart(
        fig, on_select="rerun", selection_mode=("points",), key=f"{chart}_{generation}"
    )
    clicked = point_key(clicked_point(event))
    seen_key = f"seen_{chart}_{generation}"
    if clicked == st.session_state.get(seen_key):
        return
    # Only a change of this chart's selection moves the drill, so a selection
    # left on another chart does not take it back.
    st.session_state[seen_key] = clicked
    drill = current_drill()
    if clicked is not None:
        set_drill(chart, clicked)
    elif drill and drill.chart == chart:
        clear_drill()


def show_breadcrumb(page_title: str, *steps: str) -> None:
    """Show the path of the drill-down and a button back to the whole page."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(" › ".join([f"**{page_title}**", *map(plain_text, steps)]))
        st.button(
            "Clear selection", icon=":material/close:", on_click=clear_drill,
            key="clear_drill",
        )


def file_stem(title: str, page: PageContext) -> str:
    """Return a file name stem of `title` and the period, such as
    `invoices_2025-01-01_2025-03-31`."""
    name = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")
    return f"{name}_{page.period.start}_{page.period.end}"


def column_config(rows: pd.DataFrame) -> dict:
    """Return number formats: money with thousands separators and cents."""
    config = {}
    for column in rows.columns:
        if rows[column].map(lambda value: isinstance(value, Decimal)).any():
            config[column] = st.column_config.NumberColumn(format="accounting")
        elif pd.api.types.is_datetime64_any_dtype(rows[column]):
            config[column] = st.column_config.DatetimeColumn(
                format="YYYY-MM-DD HH:mm:ss"
            )
    return config


def show_downloads(page: PageContext, rows: pd.DataFrame, title: str, key: str):
    """Offer `rows` as CSV, with the sidebar's delimiter, and as XLSX."""
    stem = file_stem(title, page)
    delimiter = page.filters.delimiter
    with st.container(horizontal=True):
        st.download_button(
            "Download CSV", lambda: frame_bytes(rows, "csv", delimiter),
            file_name=f"{stem}.csv", mime="text/csv", key=f"{key}_csv",
            icon=":material/download:",
        )
        st.download_button(
            "Download XLSX", lambda: frame_bytes(rows, "xlsx"),
            file_name=f"{stem}.xlsx", key=f"{key}_xlsx", icon=":material/download:",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


def show_table(
    page: PageContext, rows: pd.DataFrame, title: str, key: str,
    entity: str | None = None, is_filtered: bool = True,
) -> None:
    """Show `rows` with downloads; with `entity`, a clicked row opens its detail.

    Rows with a `customer_key` get a column of links to the Client 360 page.
    """
    if rows.empty:
        hint = " Widen the period or clear a filter in the sidebar."
        st.info(
            f"No {title[:1].lower()}{title[1:]}"
            + (f" under these filters.{hint}" if is_filtered else "."),
            icon=":material/filter_alt_off:",
        )
        return
    # The Client 360 link is for the screen only, so the files hold the rows.
    linked_rows = links.add_link_column(rows, page.filters)
    event = st.dataframe(
        linked_rows, hide_index=True, key=key,
        column_config={**column_config(rows), **links.link_column_config()},
        on_select="rerun" if entity else "ignore", selection_mode="single-row",
        placeholder=DASH,
    )
    show_downloads(page, rows, title, key)
    if entity is None:
        return
    selected = event.selection.rows if event else []
    if selected:
        value = rows.iloc[selected[0]][detail.ENTITIES[entity].id_column]
        detail.show_detail(page, entity, value, show_table)
    else:
        st.caption(f"Click a row to open its {entity}.")


def totals_agree(total: Decimal | None, expected) -> bool:
    """Tell whether a drill-down sum equals the charted value to the cent."""
    if expected is None:
        return True
    return abs(Decimal(str(total or 0)) - Decimal(str(expected))) < Decimal("0.005")


def drilldown_caption(summary: warehouse.RowTotal, value_column: str, currency) -> str:
    """Describe a drill-down: its rows, those without a converted amount, the sum."""
    caption = f"{format_count(summary.row_count)} rows"
    missing = summary.row_count - summary.value_count
    if missing:
        caption += f" ({format_count(missing)} without an exchange rate, so not summed)"
    total = format_money(summary.total, currency)
    return f"{caption}, {value_column} adds up to {total}"


class RowQuery(NamedTuple):
    """The drill-down rows behind one clicked value, and the column that sums to it."""

    title: str
    sql_name: str
    value_column: str | None
    expected: object
    entity: str | None


def show_rows(page: PageContext, query: RowQuery, currency: str | None, **extra):
    """Show the rows of `sql/<sql_name>.sql` behind one clicked value.

    The caption gives the row count and the exact sum of the value column. A
    warning appears when that sum differs from `expected`, the clicked value.
    """
    params = page.params(**extra)
    rows = warehouse.query(page.identity, query.sql_name, **params)
    st.subheader(plain_text(query.title))
    if query.value_column:
        summary = warehouse.query_total(
            page.identity, query.sql_name, query.value_column, **params
        )
        st.caption(drilldown_caption(summary, query.value_column, currency))
        if not totals_agree(summary.total, query.expected):
            st.warning(
                f"These rows add up to {summary.total}, but the chart shows "
                f"{query.expected}: the chart and the drill-down query define this "
                "value differently."
            )
    else:
        st.caption(f"{format_count(len(rows))} rows")
    show_table(page, rows, query.title, f"drill_{query.sql_name}", query.entity)
