"""Create the warehouse tables and derive what the KPIs read."""

import json
import logging
import re
import time
from pathlib import Path

import duckdb

from etl.config import Config, Settings
from etl.match import build_customers
from etl.schema import SQL_TYPES, TABLES
from etl.sqlfiles import read_sql, run_script, split_statements

logger = logging.getLogger(__name__)

LINEAGE_COLUMNS = (
    "_source VARCHAR, _file VARCHAR, _row BIGINT, _updated_at TIMESTAMP, "
    "_lines BIGINT DEFAULT 1"
)
RUN_TABLES_SQL = """
CREATE TABLE IF NOT EXISTS etl_runs (
    run_id VARCHAR PRIMARY KEY, started_at TIMESTAMP, finished_at TIMESTAMP,
    status VARCHAR, mode VARCHAR, config_path VARCHAR, rows_json VARCHAR);
CREATE TABLE IF NOT EXISTS etl_run_sources (
    run_id VARCHAR, source VARCHAR, table_name VARCHAR, file VARCHAR, sha256 VARCHAR,
    rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT, mode VARCHAR,
    rows_carried BIGINT);
"""


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every canonical table, the quarantine and the run log."""
    for table in TABLES.values():
        columns = ", ".join(f"{f.name} {SQL_TYPES[f.kind]}" for f in table.fields)
        con.execute(f"CREATE TABLE {table.name} ({columns}, {LINEAGE_COLUMNS})")
    con.execute(
        "CREATE TABLE quarantine (source VARCHAR, table_name VARCHAR, file VARCHAR, "
        "row_number BIGINT, column_name VARCHAR, raw_value VARCHAR, reason VARCHAR, "
        "record VARCHAR)"
    )
    for statement in split_statements(RUN_TABLES_SQL):
        con.execute(statement)


def settings_params(settings: Settings) -> dict:
    """Return the settings as SQL parameters."""
    return {
        "reporting_currency": settings.reporting_currency.upper(),
        "payment_terms_days": settings.payment_terms_days,
        "grace_days": settings.grace_days,
        "tolerance_pct": settings.tolerance_pct,
        "tolerance_abs": settings.tolerance_abs,
    }


def derive(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Fill defaults, convert currencies, match customers, link deals and invoices."""
    params = settings_params(config.settings)
    steps = (
        ("defaults", lambda: run_script(con, "sql", "defaults", params)),
        ("convert", lambda: _convert(con, params)),
        ("customers", lambda: build_customers(con, _overrides_path(config))),
        ("links", lambda: run_script(con, "sql", "links", params)),
        ("facts", lambda: run_script(con, "sql", "facts", params)),
        ("settings", lambda: store_settings(con, config.settings)),
    )
    for name, step in steps:
        started = time.perf_counter()
        step()
        logger.info("derive %s in %.2f s", name, time.perf_counter() - started)


def _overrides_path(config: Config) -> Path | None:
    name = config.settings.customer_overrides
    return None if name is None else config.path.parent / name


def _convert(con, params: dict) -> None:
    # Macros cannot take prepared parameters, so the reporting currency, an
    # ISO code validated below, is written into the script as a literal.
    currency = params["reporting_currency"]
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValueError(f"reporting_currency `{currency}` is not a 3-letter ISO code")
    script = read_sql("sql", "convert").replace("$reporting_currency", f"'{currency}'")
    for statement in split_statements(script):
        con.execute(statement)
    orphans = con.execute(
        "SELECT count(*) FROM payments AS p WHERE NOT EXISTS "
        "(SELECT 1 FROM invoices AS i WHERE i.invoice_id = p.invoice_id)"
    ).fetchall()[0][0]
    if orphans:
        logger.warning(
            "%d payment(s) name an invoice no extract contains; they count as cash "
            "collected, and `lead2cash reconcile` lists them", orphans,
        )
    unconverted = con.execute(
        "SELECT count(*) FROM invoices WHERE total_rc IS NULL AND total IS NOT NULL"
    ).fetchall()[0][0]
    if unconverted:
        logger.warning(
            "%d invoice(s) have no exchange rate into %s and are left out of totals",
            unconverted, currency,
        )


def store_settings(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Write the reporting settings into the `settings` table as JSON values."""
    con.execute("CREATE TABLE settings (name VARCHAR PRIMARY KEY, value VARCHAR)")
    values = {
        "reporting_currency": settings.reporting_currency.upper(),
        "timezone": settings.timezone,
        "payment_terms_days": settings.payment_terms_days,
        "grace_days": settings.grace_days,
        "tolerance_pct": str(settings.tolerance_pct),
        "tolerance_abs": str(settings.tolerance_abs),
        "go_live": settings.go_live.isoformat() if settings.go_live else None,
        "stage_probability": {k: str(v) for k, v in settings.stage_probability.items()},
    }
    con.executemany(
        "INSERT INTO settings VALUES (?, ?)",
        [(name, json.dumps(value)) for name, value in values.items()],
    )
    con.execute(
        "CREATE TABLE stage_probabilities (stage VARCHAR PRIMARY KEY, probability DECIMAL(18,8))"
    )
    if settings.stage_probability:
        con.executemany(
            "INSERT INTO stage_probabilities VALUES (lower(?), ?)",
            list(settings.stage_probability.items()),
        )
