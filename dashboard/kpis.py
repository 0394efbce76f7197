"""The KPI object of `etl.kpis.compute_kpis`, cached per period and file version."""

import importlib
import logging

import duckdb
import streamlit as st

from dashboard import warehouse
from dashboard.period import Period
from dashboard.warehouse import FileIdentity, WarehouseError

logger = logging.getLogger(__name__)


@st.cache_data(show_spinner=False, max_entries=128)
def _cached_kpis(start, end, identity: FileIdentity) -> dict:
    # Imported on use, so that a test can install its own `etl.kpis` module.
    compute_kpis = importlib.import_module("etl.kpis").compute_kpis
    try:
        with warehouse.connect(identity) as con:
            return compute_kpis(con, start=start, end=end)
    except duckdb.Error as error:
        raise WarehouseError(
            f"computing the KPIs failed on the warehouse {identity.path}: {error}. "
            "Rebuild it with `lead2cash refresh --config FILE` or `lead2cash demo`."
        ) from error


def load_kpis(identity: FileIdentity, period: Period) -> dict:
    """Return the KPI object for `period`; its `as_of` is the date AR is taken on."""
    return _cached_kpis(period.start, period.end, identity)


def lookup(kpis: dict, path: str):
    """Return the value at a dotted `path` such as "collections.ar_total", or None."""
    value = kpis
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
