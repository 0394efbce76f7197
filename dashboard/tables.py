"""Tables of `dashboard/sql/`, loaded by name, shared by the pages and the CLI export.

This module imports no Streamlit, so `lead2cash export` can write the same files
as the dashboard's download buttons from the same SQL.
"""

import datetime as dt
import re
import warnings
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pandas as pd

from etl.export import frame_to_csv, frame_to_xlsx
from etl.sqlfiles import fetch_frame

SQL_DIR = Path(__file__).parent / "sql"
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_INCLUDE = re.compile(r"/\*\s*include:\s*([a-z0-9_]+)\s*\*/")
_SQL_NAME = re.compile(r"[a-z0-9_]+")
FORMATS = ("csv", "xlsx")

# DuckDB 1.4+ warns that `fetch_frame` copies the rows once more on a cursor. The
# tables here are small, and the warning would repeat on every page run.
warnings.filterwarnings(
    "ignore", message="Arrow output on a DB-API result", category=UserWarning
)
DELIMITERS = (",", ";")


class ExportTable(NamedTuple):
    """A table that the dashboard shows and `lead2cash export` writes."""

    sql_name: str
    description: str
    # Parameters beyond the filters, fixed to "keep every row".
    extra: dict


# Table names of `lead2cash export`, each with its SQL file under dashboard/sql/.
EXPORT_TABLES = {
    "deals": ExportTable(
        "pipeline_deals",
        "deals open at the period end or won or lost in the period",
        {"stage": None, "pipeline_owner": None, "status": None},
    ),
    "won_deals": ExportTable("won_deals", "deals won in the period", {}),
    "leads": ExportTable("period_leads", "leads created in the period", {}),
    "invoices": ExportTable("period_invoices", "invoices issued in the period", {}),
    "paid_invoices": ExportTable(
        "paid_invoices", "invoices paid in full in the period", {}
    ),
    "payments": ExportTable("period_payments", "payments dated in the period", {}),
    "credit_notes": ExportTable(
        "period_credit_notes", "credit notes issued in the period", {}
    ),
    "ar_aging": ExportTable(
        "ar_open_invoices",
        "invoices open at the period end with their aging bucket",
        {"bucket": None, "customer_key": None},
    ),
    "customers": ExportTable(
        "customers",
        "customers with won, invoiced, cash and open AR",
        {"bucket": None, "customer_key": None},
    ),
    "quarantine": ExportTable(
        "quarantine_rows",
        "rows the last load quarantined; the filters do not apply",
        {"source": None, "table_name": None},
    ),
}


class TableFilters(NamedTuple):
    """The period and the filters every dashboard table is queried under."""

    start: dt.date
    end: dt.date
    owner: str | None = None
    team: str | None = None
    customer: str | None = None
    segment: str | None = None
    currency: str | None = None

    def params(self) -> dict[str, Any]:
        """Return the SQL parameters; AR is taken on the last day of the period."""
        return {**self._asdict(), "as_of": self.end}


def load_sql(name: str) -> str:
    """Return the text of `dashboard/sql/<name>.sql` with its includes expanded.

    A comment `/* include: other */` is replaced by the text of `other.sql` in
    brackets, so an aggregate can run over exactly the rows of a drill-down query.
    """
    if not _SQL_NAME.fullmatch(name):
        raise ValueError(f"invalid SQL file name {name!r}: use [a-z0-9_]+")
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    return _INCLUDE.sub(lambda match: f"({load_sql(match.group(1))})", text)


def bind_parameters(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """Return the subset of `params` that `sql` uses, because DuckDB rejects extras.

    Raises KeyError naming a `$name` that the query uses but `params` lacks.
    """
    used = set(_PARAMETER.findall(sql))
    missing = sorted(used - params.keys())
    if missing:
        raise KeyError(f"query parameters missing: {', '.join(missing)}")
    return {name: value for name, value in params.items() if name in used}


def fetch_sql(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> pd.DataFrame:
    """Run `sql/<name>.sql` and return its rows with DECIMAL values kept as Decimal."""
    sql = load_sql(name)
    return fetch_frame(con, sql, bind_parameters(sql, params))


def export_params(table: str, filters: TableFilters) -> dict[str, Any]:
    """Return the SQL parameters of export table `table` under `filters`."""
    return {**filters.params(), **EXPORT_TABLES[table].extra}


def fetch_export(con, table: str, filters: TableFilters) -> pd.DataFrame:
    """Return the rows of export table `table` under `filters`."""
    sql_name = EXPORT_TABLES[table].sql_name
    return fetch_sql(con, sql_name, export_params(table, filters))


def frame_bytes(frame: pd.DataFrame, file_format: str, delimiter: str = ",") -> bytes:
    """Return `frame` as a CSV (UTF-8 with BOM, `delimiter`) or XLSX file."""
    if file_format not in FORMATS:
        raise ValueError(f"invalid format {file_format!r}: use one of {FORMATS}")
    if file_format == "xlsx":
        return frame_to_xlsx(frame)
    return frame_to_csv(frame, delimiter)
