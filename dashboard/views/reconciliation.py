"""Reconciliation: where the CRM and accounting disagree, and what to change where."""

import pandas as pd
import streamlit as st

from dashboard import context, drilldown, etl_calls
from dashboard.reconcile_text import (
    CHECK_TEXT,
    UPDATE_FILES,
    check_frame,
    check_title,
    updates_csv,
)


def show_counts(results: dict) -> None:
    """Show one card per check with its row count, four to a row."""
    names = list(results)
    for first in range(0, len(names), 4):
        for column, name in zip(st.columns(4), names[first : first + 4]):
            column.metric(check_title(name), f"{results[name]['count']:,}", border=True)


def show_updates(updates: dict[str, pd.DataFrame]) -> None:
    """Show the suggested updates per system, each as a CSV file to import."""
    st.subheader("Suggested updates to import")
    st.caption(
        "The rows a system can take as they are: deal stages for the CRM and deal "
        "references for accounting. Mismatched amounts, missing invoices, missing "
        "customers and duplicates need a person's decision, so they are only in "
        "the sections below. The files equal those of `lead2cash reconcile "
        "--updates-dir DIR`."
    )
    columns = st.columns(len(UPDATE_FILES))
    for column, (system, (label, file_name)) in zip(columns, UPDATE_FILES.items()):
        frame = updates[system]
        with column:
            st.markdown(f"**{label}: {len(frame):,} updates**")
            if frame.empty:
                st.success(f"Nothing to change in {label}.", icon=":material/check:")
                continue
            st.dataframe(frame, hide_index=True, key=f"updates_{system}")
            st.download_button(
                f"Download {file_name}", updates_csv(frame), file_name=file_name,
                mime="text/csv", key=f"updates_{system}_csv",
                icon=":material/download:",
            )


def show_check(page: context.PageContext, name: str, result: dict) -> None:
    """Show one check: what it finds, its count and its rows."""
    st.subheader(f"{check_title(name)} · {result['count']:,}")
    st.caption(CHECK_TEXT.get(name, (name, ""))[1])
    if not result["rows"]:
        st.success("No rows: the two systems agree here.", icon=":material/check:")
        return
    rows = check_frame(result["rows"])
    drilldown.show_table(page, rows, check_title(name), f"check_{name}",
                         is_filtered=False)


def show_page() -> None:
    """Draw the Reconciliation page."""
    page = context.require()
    st.title("Reconciliation")
    found = etl_calls.load_reconciliation(page.identity)
    params = found["params"]
    st.caption(
        f"Checks of `lead2cash reconcile` over the whole warehouse, with today "
        f"taken as {params['as_of']}: a won deal is due an invoice after "
        f"{params['grace_days']} days, and amounts agree within the larger of "
        f"{float(params['tolerance_pct']) * 100:g}% and {params['tolerance_abs']}. The "
        "sidebar filters do not apply. `docs/reconciliation.md` describes each check."
    )
    results = found["results"]
    show_counts(results)
    show_updates(found["updates"])
    for name, result in results.items():
        show_check(page, name, result)


show_page()
