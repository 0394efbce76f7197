"""Cached calls into the etl functions that the API and the CLI call as well.

Each result is keyed on the warehouse version, so a refresh shows new numbers
on the next run. Errors of the library, such as an unknown client, pass through.
"""

import datetime as dt

import streamlit as st

from dashboard import warehouse
from dashboard.warehouse import FileIdentity
from etl.clients import client_detail, search_clients
from etl.compare import compare_go_live, go_live_setting
from etl.reconcile import check_params, reconcile, suggested_updates

SEARCH_LIMIT = 50


@st.cache_data(show_spinner=False, max_entries=128)
def find_clients(identity: FileIdentity, query: str) -> dict:
    """Return the first SEARCH_LIMIT customers matching `query`, and their total."""
    return warehouse.call(identity, search_clients, query=query, limit=SEARCH_LIMIT)


@st.cache_data(show_spinner=False, max_entries=64)
def load_client(identity: FileIdentity, client_id: str) -> dict:
    """Return the object of `GET /api/clients/{client_id}`."""
    return warehouse.call(identity, client_detail, client_id=client_id)


@st.cache_data(show_spinner=False, max_entries=16)
def load_reconciliation(identity: FileIdentity) -> dict:
    """Return the check results, the settings they used and the suggested updates."""
    results = warehouse.call(identity, reconcile)
    return {
        "results": results,
        "params": warehouse.call(identity, check_params),
        "updates": suggested_updates(results),
    }


@st.cache_data(show_spinner=False, max_entries=16)
def load_go_live_setting(identity: FileIdentity) -> dt.date | None:
    """Return `settings.go_live` of the warehouse, or None when it is not set."""
    return warehouse.call(identity, go_live_setting)


@st.cache_data(show_spinner=False, max_entries=32)
def load_comparison(identity: FileIdentity, go_live: dt.date) -> dict:
    """Return the before-and-after comparison of the headline KPIs at `go_live`."""
    return warehouse.call(identity, compare_go_live, go_live=go_live)
