"""Data quality: the last ETL runs, rows per source, unmapped status values, the
quarantined rows, customer names to review and the dashboard's feedback."""

import plotly.graph_objects as go
import streamlit as st

from dashboard import context, drilldown, layout, warehouse
from dashboard.feedback_form import show_feedback_summary
from dashboard.format import format_count
from dashboard.quality_fixes import (
    OVERRIDES_FILE,
    overrides_csv,
    status_snippet,
    with_fixes,
)

RUN_LIMIT = 20
CHART = "dq_sources"


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
    fig.update_layout(barmode="stack", xaxis={"type": "category"})
    return drilldown.style_figure(fig, "Rows per source (read = loaded + quarantined)")


def show_source_rows(page: context.PageContext, sources, point) -> None:
    """Show the loaded or quarantined rows of the clicked source bar."""
    kind, source, table = (point + ("", "", ""))[:3]
    match = sources[(sources["source"] == source) & (sources["table_name"] == table)]
    if match.empty or kind not in ("loaded", "quarantined"):
        st.info("The selection in the link is not in this run; showing it all.")
        return
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
    title = f"Rows {kind} from {source} into {table}"
    drilldown.show_breadcrumb("Data quality", title)
    st.subheader(title)
    st.caption(f"{format_count(row_count)} rows; the run reported {expected:,}.")
    if row_count != expected:
        st.warning(
            f"The warehouse holds {row_count:,} rows {kind} from {source}, but the "
            f"run reported {expected:,}."
        )
    drilldown.show_table(page, rows, title, f"dq_{kind}", is_filtered=False)


def show_runs(page: context.PageContext):
    """Show the last runs; return the sources of the run chosen, or None."""
    st.subheader("Last ETL runs")
    runs = warehouse.query(page.identity, "etl_runs", limit=RUN_LIMIT)
    drilldown.show_table(page, runs, "ETL runs", "dq_runs", is_filtered=False)
    if runs.empty:
        return None
    run_id = st.selectbox("Run", runs["run_id"].tolist(), index=0)
    return warehouse.query(page.identity, "run_sources", run_id=run_id)


def show_unmapped_statuses(page: context.PageContext) -> None:
    """Show status values no map names, with the mapping entries that fix them."""
    st.subheader("Unmapped status values")
    unmapped = warehouse.query(page.identity, "unmapped_statuses")
    if unmapped.empty:
        st.success("Every exported status value maps to a canonical status.",
                   icon=":material/check:")
        return
    st.caption(
        f"{len(unmapped):,} status values in {int(unmapped['row_count'].sum()):,} "
        "rows map to no canonical status, so those rows are quarantined. Add each "
        "value to [sources.values.status] of its source in the mapping file, then "
        "refresh."
    )
    drilldown.show_table(page, with_fixes(unmapped), "Unmapped status values",
                         "dq_unmapped", is_filtered=False)
    st.markdown("Entries to paste into the mapping file, each set to the status "
                "that the value means:")
    st.code(status_snippet(unmapped), language="toml")


def show_match_review(page: context.PageContext) -> None:
    """Show the customer name pairs to decide, with an overrides file to fill in."""
    st.subheader("Customer names to review")
    review = warehouse.query(page.identity, "customer_match_review")
    if review.empty:
        st.success("No customer names wait for a decision.", icon=":material/check:")
        return
    st.caption(
        f"{len(review):,} name pairs are close but were not merged. In the "
        f"downloaded file, write accept (one company) or reject (two companies) "
        f"in the decision column, save it beside the mapping file and set "
        f"`customer_overrides = \"{OVERRIDES_FILE}\"` in its [settings]. Every "
        "later refresh then honours the decisions."
    )
    drilldown.show_table(page, review, "Customer match review", "dq_match_review",
                         is_filtered=False)
    st.download_button(
        f"Download {OVERRIDES_FILE} to fill in", overrides_csv(review),
        file_name=OVERRIDES_FILE, mime="text/csv", key="dq_overrides_csv",
        icon=":material/download:",
    )


def show_page() -> None:
    """Draw the Data quality page."""
    page = context.require()
    st.title("Data quality")
    st.caption("This page covers whole runs, so the sidebar filters do not apply.")

    sources = show_runs(page)
    if sources is not None:
        st.subheader("Rows per source")
        drilldown.show_table(page, sources, "Run sources", "dq_sources_table",
                             is_filtered=False)
        drilldown.show_chart(sources_figure(sources), CHART)
        drill = layout.page_drill([CHART])
        if drill:
            show_source_rows(page, sources, drill.point)
        else:
            st.caption("Click a bar to list the rows behind it.")

    show_unmapped_statuses(page)
    st.subheader("Quarantined rows")
    quarantine = warehouse.query(
        page.identity, "quarantine_rows", source=None, table_name=None
    )
    st.caption(f"{len(quarantine):,} quarantined values with the reason for each.")
    drilldown.show_table(page, quarantine, "Quarantine", "dq_quarantine",
                         is_filtered=False)
    show_match_review(page)
    st.subheader("Dashboard feedback")
    show_feedback_summary(page)


show_page()
