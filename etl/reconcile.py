"""Reconciliation checks between the CRM and accounting, run after each refresh.

Each check is one query in `etl/kpi_sql/reconcile_<check>.sql` and returns
rows that name the system to change (`system`) and the change (`action`).
"""

import datetime as dt
from decimal import Decimal

import duckdb
import pandas as pd

from etl.clients import fetch_rows
from etl.kpis import data_span, read_settings
from etl.sqlfiles import read_sql

CHECKS = (
    "won_not_invoiced",
    "invoice_without_deal",
    "invoice_missing_deal_reference",
    "invoice_customer_not_in_crm",
    "amount_mismatch",
    "stage_conflict",
    "customer_one_system",
    "probable_duplicates",
    "payment_without_invoice",
)
CRM_UPDATE_COLUMNS = ["deal_id", "new_stage"]
ACCOUNTING_UPDATE_COLUMNS = ["invoice_id", "deal_reference"]


def check_params(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> dict:
    """Return the settings the checks read, with "today" the last date of data."""
    settings = read_settings(con)
    span = data_span(con)
    return {
        "as_of": as_of or (span[1] if span else dt.date.today()),
        "grace_days": int(settings.get("grace_days", 30)),
        "tolerance_pct": Decimal(str(settings.get("tolerance_pct", "0.01"))),
        "tolerance_abs": Decimal(str(settings.get("tolerance_abs", "1"))),
    }


def run_check(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> list[dict]:
    """Run one check by name and return its rows."""
    if name not in CHECKS:
        raise KeyError(f"unknown check `{name}`; known checks: {', '.join(CHECKS)}")
    return fetch_rows(con, read_sql("kpi_sql", f"reconcile_{name}"), params)


def reconcile(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> dict:
    """Run every check and return `{check: {"count": n, "rows": [...]}}`."""
    params = check_params(con, as_of)
    results = {}
    for name in CHECKS:
        rows = run_check(con, name, params)
        results[name] = {"count": len(rows), "rows": rows}
    return results


def suggested_updates(results: dict) -> dict[str, pd.DataFrame]:
    """Turn check results into one CSV-ready frame of updates per system.

    CRM rows set a deal's stage (`deal_id`, `new_stage`); accounting rows add
    a deal reference to an invoice (`invoice_id`, `deal_reference`). Rows
    that need a person's decision, such as a mismatched amount, are left out.
    """
    crm = [
        {"deal_id": row["deal_id"], "new_stage": row["new_stage"]}
        for row in results["stage_conflict"]["rows"]
    ]
    accounting = [
        {"invoice_id": row["invoice_id"], "deal_reference": row["deal_id"]}
        for row in results["invoice_missing_deal_reference"]["rows"]
    ]
    accounting += [
        {"invoice_id": row["invoice_id"], "deal_reference": row["candidate_deal_id"]}
        for row in results["invoice_without_deal"]["rows"]
        if row["candidate_deal_id"] is not None
    ]
    return {
        "crm": _frame(crm, CRM_UPDATE_COLUMNS, "deal_id"),
        "accounting": _frame(accounting, ACCOUNTING_UPDATE_COLUMNS, "invoice_id"),
    }


def _frame(rows: list[dict], columns: list[str], key: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(key, kind="stable").reset_index(drop=True)
