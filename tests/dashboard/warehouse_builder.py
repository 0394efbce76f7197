"""Test warehouses: the demo through the real ETL when it exists, else a tiny one.

The tiny warehouse is written with CREATE TABLE statements that follow the
warehouse contract: the canonical tables of `etl.schema` with lineage and
reporting-currency columns, `customers`, `invoice_facts`, the links, the
quarantine and the run tables.
"""

import importlib.util
from pathlib import Path

import duckdb

from etl.schema import SQL_TYPES, TABLES

# Reporting-currency column added to each money table, and the column it converts.
RC_COLUMNS = {
    "deals": ("amount_rc", "amount"),
    "invoices": ("total_rc", "total"),
    "payments": ("amount_rc", "amount"),
    "credit_notes": ("amount_rc", "amount"),
}
HAS_CUSTOMER_KEY = ("deals", "invoices", "credit_notes")

SUPPORT_TABLES_SQL = """
CREATE TABLE customers (customer_key BIGINT, customer_name VARCHAR);
CREATE TABLE deal_invoice_links (
    deal_id VARCHAR, invoice_id VARCHAR, method VARCHAR, confidence DOUBLE);
CREATE TABLE quarantine (
    source VARCHAR, table_name VARCHAR, file VARCHAR, row_number BIGINT,
    column_name VARCHAR, raw_value VARCHAR, reason VARCHAR, record VARCHAR);
CREATE TABLE etl_runs (
    run_id VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP, status VARCHAR,
    mode VARCHAR, config_path VARCHAR);
CREATE TABLE etl_run_sources (
    run_id VARCHAR, source VARCHAR, table_name VARCHAR, file VARCHAR, sha256 VARCHAR,
    rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT);
CREATE VIEW invoice_facts AS
WITH paid AS (
    SELECT invoice_id, sum(amount_rc) AS paid_rc FROM payments GROUP BY 1),
credited AS (
    SELECT invoice_id, sum(amount_rc) AS credited_rc FROM credit_notes GROUP BY 1)
SELECT i.invoice_id, i.customer_key, c.customer_name, l.deal_id, d.owner,
       i.issued_on, i.due_on, i.currency, i.total, i.total_rc,
       coalesce(p.paid_rc, 0) AS paid_rc,
       coalesce(cr.credited_rc, 0) AS credited_rc,
       greatest(i.total_rc - coalesce(p.paid_rc, 0) - coalesce(cr.credited_rc, 0), 0)
           AS balance_rc,
       CASE WHEN i.status = 'paid' THEN i.paid_on END AS paid_in_full_on
FROM invoices AS i
LEFT JOIN customers AS c USING (customer_key)
LEFT JOIN paid AS p USING (invoice_id)
LEFT JOIN credited AS cr USING (invoice_id)
LEFT JOIN deal_invoice_links AS l USING (invoice_id)
LEFT JOIN deals AS d ON d.deal_id = l.deal_id
WHERE i.status <> 'void';
"""

# Rows of the tiny warehouse, as (table, columns, rows). Every amount is in USD,
# the reporting currency, except deal D5 in EUR, which has no exchange rate.
ROWS = (
    ("customers", "customer_key, customer_name",
     [(1, "Acme"), (2, "Globex"), (3, "Initech")]),
    ("leads", "lead_id, created_on, origin, customer_name, owner, status",
     [("L1", "2024-01-05", "web", "Acme", "Ann", "converted"),
      ("L2", "2024-01-20", "event", "Globex", "Bob", "converted")]),
    ("deals",
     "deal_id, lead_id, customer_key, customer_name, owner, stage, status, amount,"
     " amount_rc, currency, probability, created_on, closed_on",
     [("D1", "L1", 1, "Acme", "Ann", "Won", "won", 10000, 10000, "USD", 1,
       "2024-01-08", "2024-02-10"),
      ("D2", "L2", 2, "Globex", "Bob", "Won", "won", 5000, 5000, "USD", 1,
       "2024-01-22", "2024-03-05"),
      ("D3", None, 3, "Initech", "Bob", "Lost", "lost", 3000, 3000, "USD", 0,
       "2024-01-25", "2024-03-20"),
      ("D4", None, 1, "Acme", "Ann", "Proposal", "open", 8000, 8000, "USD", 0.5,
       "2024-02-01", None),
      ("D5", None, 2, "Globex", "Bob", "Qualify", "open", 2000, None, "EUR", 0.2,
       "2024-03-01", None)]),
    ("invoices",
     "invoice_id, customer_key, customer_name, deal_id, issued_on, due_on, total,"
     " total_rc, currency, status, paid_on",
     [("I1", 1, "Acme", "D1", "2024-02-15", "2024-03-16", 10000, 10000, "USD",
       "paid", "2024-03-01"),
      ("I2", 2, "Globex", "D2", "2024-03-10", "2024-04-09", 5000, 5000, "USD",
       "open", None),
      ("I3", 1, "Acme", None, "2024-01-10", "2024-02-09", 1200, 1200, "USD",
       "open", None),
      ("I4", 3, "Initech", None, "2024-02-20", "2024-03-21", 700, 700, "USD",
       "void", None)]),
    ("payments", "payment_id, invoice_id, paid_on, amount, amount_rc, currency",
     [("P1", "I1", "2024-03-01", 10000, 10000, "USD"),
      ("P2", "I2", "2024-04-01", 2000, 2000, "USD"),
      ("P3", "I3", "2024-02-20", 200, 200, "USD")]),
    ("credit_notes",
     "credit_note_id, invoice_id, customer_key, issued_on, amount, amount_rc,"
     " currency",
     [("C1", "I3", 1, "2024-03-01", 100, 100, "USD")]),
    ("deal_invoice_links", "deal_id, invoice_id, method, confidence",
     [("D1", "I1", "reference", 1.0), ("D2", "I2", "reference", 1.0)]),
    ("quarantine",
     "source, table_name, file, row_number, column_name, raw_value, reason, record",
     [("billing", "invoices", "invoices.csv", 7, "issued_on", "31/02/2024",
       "invalid date", '{"invoice_id": "I9"}'),
      ("billing", "invoices", "invoices.csv", 7, "total", "abc",
       "invalid money", '{"invoice_id": "I9"}')]),
    ("etl_runs", "run_id, started_at, finished_at, status, mode, config_path",
     [("run-1", "2024-04-02 08:00:00", "2024-04-02 08:00:05", "ok", "full",
       "lead2cash.toml")]),
    ("etl_run_sources",
     "run_id, source, table_name, file, sha256, rows_read, rows_loaded,"
     " rows_quarantined",
     [("run-1", "crm", "deals", "deals.csv", "ab12", 5, 5, 0),
      ("run-1", "billing", "invoices", "invoices.csv", "cd34", 5, 4, 1)]),
)


def _canonical_table_sql(name: str) -> str:
    table = TABLES[name]
    columns = [f"{field.name} {SQL_TYPES[field.kind]}" for field in table.fields]
    if name in RC_COLUMNS:
        columns.append(f"{RC_COLUMNS[name][0]} DECIMAL(18,2)")
    if name in HAS_CUSTOMER_KEY:
        columns.append("customer_key BIGINT")
    columns += ["_source VARCHAR", "_file VARCHAR", "_row BIGINT"]
    return f"CREATE TABLE {name} ({', '.join(columns)})"


def build_tiny_warehouse(path: Path) -> Path:
    """Write the tiny hand-made warehouse to `path` and return it."""
    con = duckdb.connect(str(path))
    for name in TABLES:
        con.execute(_canonical_table_sql(name))
    con.execute(SUPPORT_TABLES_SQL)
    for table, columns, rows in ROWS:
        marks = ", ".join("?" for _ in columns.split(","))
        con.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    con.execute("UPDATE deals SET _source = 'crm'")
    con.execute("UPDATE invoices SET _source = 'billing' WHERE status <> 'void'")
    con.close()
    return path


def has_demo_etl() -> bool:
    """Tell whether the real ETL and the demo generator are installed."""
    return all(
        importlib.util.find_spec(name) is not None for name in ("etl.refresh", "etl.demo")
    )


def build_demo_warehouse(directory: Path) -> Path:
    """Generate the demo extracts in `directory` and load them with the real ETL."""
    from etl.demo import generate_demo
    from etl.refresh import refresh

    config_path = generate_demo(directory / "demo")
    db_path = directory / "demo.duckdb"
    refresh(config_path, db_path)
    return db_path
