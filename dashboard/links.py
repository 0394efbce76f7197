"""Links to the Client 360 page from every record that names a customer.

The page reads its customer from the URL (`?client=CUS-...`), so a link carries
the sidebar filters and the customer key, and opens the same view in a new tab.
"""

import urllib.parse

import pandas as pd
import streamlit as st

from dashboard.filters import Filters

CLIENT_PAGE = "views/client.py"
CLIENT_URL_PATH = "client"
CLIENT_KEY = "client"
LINK_COLUMN = "client_360"
_KEY_COLUMN = "customer_key"


def client_query(customer_key: str, filters: Filters | None) -> dict[str, str]:
    """Return the URL query of the Client 360 page for `customer_key`."""
    params = filters.query_params() if filters else {}
    return {**params, CLIENT_KEY: customer_key}


def client_url(customer_key: str, filters: Filters | None) -> str:
    """Return the Client 360 URL of `customer_key`, relative to the app's root."""
    query = urllib.parse.urlencode(client_query(customer_key, filters))
    return f"{CLIENT_URL_PATH}?{query}"


def show_client_link(customer_key, customer_name, filters: Filters | None) -> None:
    """Draw a link that opens `customer_key` on the Client 360 page."""
    if customer_key is None or pd.isna(customer_key):
        return
    st.page_link(
        CLIENT_PAGE,
        label=f"Open {customer_name or customer_key} in Client 360",
        icon=":material/person_search:",
        query_params=client_query(str(customer_key), filters),
    )


def add_link_column(rows: pd.DataFrame, filters: Filters | None) -> pd.DataFrame:
    """Return `rows` with a Client 360 URL per row beside its customer.

    Rows without a `customer_key` column come back unchanged, and a row without
    a matched customer gets no URL.
    """
    if _KEY_COLUMN not in rows.columns or rows.empty:
        return rows
    urls = [
        None if key is None or pd.isna(key) else client_url(str(key), filters)
        for key in rows[_KEY_COLUMN]
    ]
    after = "customer_name" if "customer_name" in rows.columns else _KEY_COLUMN
    linked = rows.copy()
    linked.insert(rows.columns.get_loc(after) + 1, LINK_COLUMN, urls)
    return linked


def link_column_config() -> dict:
    """Return the column setting that draws the URLs of `add_link_column` as links."""
    return {
        LINK_COLUMN: st.column_config.LinkColumn(
            "Client 360", display_text="Open",
            help="Open the customer's Client 360 page",
        )
    }
