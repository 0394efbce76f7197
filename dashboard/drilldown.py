"""Charts whose clicked bar or point shows the rows behind it, and tables with CSV."""

import re
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import warehouse
from dashboard.format import format_count, format_money
from dashboard.warehouse import FileIdentity

# Colours of the chart series, the theme's primary colour first.
SERIES_COLOURS = ("#1f4e79", "#e07b39", "#3a9d5d", "#8e5ea2", "#c94f4f")


def clicked_point(event) -> dict | None:
    """Return the first selected point of a plotly selection event, or None."""
    if not event:
        return None
    points = event.get("selection", {}).get("points") or []
    return points[0] if points else None


def point_key(point: dict | None) -> tuple | None:
    """Return the `customdata` of a clicked point as a tuple, or None.

    Every chart here stores in `customdata` the keys that select its rows, because
    plotly may return `x` reformatted (month strings come back as dates).
    """
    if point is None or point.get("customdata") is None:
        return None
    data = point["customdata"]
    return tuple(data) if isinstance(data, (list, tuple)) else (data,)


def show_chart(fig: go.Figure, key: str) -> tuple | None:
    """Draw `fig` with point selection on and return the clicked point's key."""
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 40, "b": 10}, clickmode="event+select"
    )
    event = st.plotly_chart(
        fig, on_select="rerun", selection_mode="points", key=key
    )
    return point_key(clicked_point(event))


def csv_bytes(rows: pd.DataFrame) -> bytes:
    """Return `rows` as UTF-8 CSV without the index."""
    return rows.to_csv(index=False).encode("utf-8")


def show_table(rows: pd.DataFrame, file_stem: str, key: str) -> None:
    """Show `rows` as a table with a button that downloads them as CSV."""
    st.dataframe(rows, hide_index=True)
    st.download_button(
        "Download CSV",
        csv_bytes(rows),
        file_name=f"{re.sub(r'[^a-z0-9_]+', '_', file_stem.lower())}.csv",
        mime="text/csv",
        key=f"{key}_csv",
    )


def totals_agree(total: Decimal | None, expected) -> bool:
    """Tell whether a drill-down sum equals the charted value to the cent."""
    if expected is None:
        return True
    return abs(Decimal(str(total or 0)) - Decimal(str(expected))) < Decimal("0.005")


def drilldown_caption(summary: warehouse.RowTotal, value_column: str) -> str:
    """Describe a drill-down: its rows, those without a converted amount, the sum."""
    caption = f"{format_count(summary.row_count)} rows"
    missing = summary.row_count - summary.value_count
    if missing:
        caption += f" ({format_count(missing)} without an exchange rate, so not summed)"
    return f"{caption}, {value_column} adds up to {format_money(summary.total)}"


def show_rows(
    identity: FileIdentity,
    title: str,
    sql_name: str,
    value_column: str,
    expected,
    **params,
) -> None:
    """Show the rows of `sql/<sql_name>.sql` behind one clicked value.

    The caption gives the row count and the exact sum of `value_column`. A warning
    appears when that sum differs from `expected`, the value of the clicked bar.
    """
    rows = warehouse.query(identity, sql_name, **params)
    summary = warehouse.query_total(identity, sql_name, value_column, **params)
    total = summary.total
    st.subheader(title)
    st.caption(drilldown_caption(summary, value_column))
    if not totals_agree(total, expected):
        st.warning(
            f"These rows add up to {total}, but the chart shows {expected}: the KPI "
            "and the drill-down query define this value differently."
        )
    show_table(rows, title, key=f"{sql_name}_{title}")
