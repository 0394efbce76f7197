"""Data quality: the last ETL runs, rows per source and the quarantined rows."""

import plotly.graph_objects as go
import streamlit as st

from dashboard import context, drilldown, warehouse
from dashboard.format import format_count

RUN_LIMIT = 20


def sources_figure(sources) -> go.Figure:
    """Build bars of rows loaded and quarantined per source and table."""
    labels = [f"{row.source} → {row.table_name}" for row in sources.itertuples()]
    fig = go.Figure()
    for column, name, colour in (
        ("rows_loaded", "loaded", drilldown.SERIES_COLOURS[2]),
        ("rows_quarantined", "quarantined", drilldown.SERIES_COLOURS[4]),
    ):
        fig.add_bar(
            x=labels,
            y=sources[column],
            name=name,
            marker_color=colour,
            customdata=[
                [name, row.source, row.table_name] for row in sources.itertuples()
            ],
            hovertemplate="%{x}: %{y:,} rows<extra>" + name + "</extra>",
        )
    fig.update_layout(
        title="Rows per source (read = loaded + quarantined)",
        barmode="stack",
        xaxis={"type": "category"},
    )
    return fig


def show_source_rows(page: context.PageContext, sources, key) -> None:
    """Show the loaded or quarantined rows of the clicked source bar `key`."""
    kind, source, table = key
    match = sources[(sources["source"] == source) & (sources["table_name"] == table)]
    expected = int(match[f"rows_{kind}"].sum())
    if kind == "loaded":
        rows = warehouse.query_source_rows(page.identity, table, source)
        row_count = len(rows)
    else:
        rows = warehouse.query(
            page.identity, "quarantine_rows", source=source, table_name=table
        )
        # One quarantined row may fail on several columns, one line each.
        row_count = len(rows[["file", "row_number"]].drop_duplicates())
    st.subheader(f"Rows {kind} from {source} into {table}")
    st.caption(f"{format_count(row_count)} rows; the run reported {expected:,}.")
    if row_count != expected:
        st.warning(
            f"The warehouse holds {row_count:,} rows {kind} from {source}, but the "
            f"run reported {expected:,}."
        )
    drilldown.show_table(rows, f"{kind}_{source}_{table}", key=f"dq_{kind}")


def show_runs(page: context.PageContext):
    """Show the last runs; return the sources of the run chosen, or None."""
    st.subheader("Last ETL runs")
    runs = warehouse.query(page.identity, "etl_runs", limit=RUN_LIMIT)
    drilldown.show_table(runs, "etl_runs", key="dq_runs")
    if runs.empty:
        st.info("The warehouse records no ETL run.")
        return None
    run_id = st.selectbox("Run", runs["run_id"].tolist(), index=0)
    return warehouse.query(page.identity, "run_sources", run_id=run_id)


def show_page() -> None:
    """Draw the Data quality page."""
    page = context.require()
    st.title("Data quality")
    st.caption("This page covers whole runs, so the period filter does not apply.")

    sources = show_runs(page)
    if sources is not None:
        st.subheader("Rows per source")
        drilldown.show_table(sources, "run_sources", key="dq_sources")
        key = drilldown.show_chart(sources_figure(sources), key="dq_sources_chart")
        if key:
            show_source_rows(page, sources, key)
        else:
            st.caption("Click a bar to list the rows behind it.")

    st.subheader("Quarantined rows")
    quarantine = warehouse.query(
        page.identity, "quarantine_rows", source=None, table_name=None
    )
    st.caption(f"{len(quarantine):,} quarantined values with the reason for each.")
    drilldown.show_table(quarantine, "quarantine", key="dq_quarantine")


show_page()
