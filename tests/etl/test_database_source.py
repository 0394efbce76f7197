"""Database sources read from a real PostgreSQL server through SQLAlchemy."""

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

import etl.read
from etl.errors import SourceError
from etl.refresh import refresh
from tests.conftest import write_mapping

DATABASE = "sales"
READER = "reporter"
READER_PASSWORD = "s3cret-Reader-pw"
WRONG_PASSWORD = "Wrong-pw-4711"

INVOICES_SQL = """
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (
    invoice_id text PRIMARY KEY,
    customer text,
    issued_on date,
    due_on date,
    total numeric(12, 2),
    currency text,
    paid_at timestamptz
);
INSERT INTO billing.invoices VALUES
    ('0001001', 'Acme GmbH', '2024-01-05', '2024-02-04', 1234.50, 'EUR',
     '2024-02-01 10:00:00+00'),
    ('0001002', 'Globex', '2024-01-31', NULL, 99.99, 'USD',
     '2024-03-31T23:30:00-05:00'),
    ('0001003', 'Initech', '2024-02-29', NULL, NULL, 'USD', NULL),
    ('0001004', 'Umbrella', '2024-03-15', '2024-04-14', 0.00, 'USD', NULL);
"""
PAYMENTS_SQL = """
CREATE TABLE billing.payments (
    payment_id text PRIMARY KEY,
    invoice_id text,
    received_at timestamptz,
    amount numeric(12, 2),
    method text
);
INSERT INTO billing.payments VALUES
    ('P-001', '0001001', '2024-02-01 10:00:00+00', 1234.50, 'wire'),
    ('P-002', '0001002', '2024-03-31T23:30:00-04:00', 99.99, 'card'),
    ('P-003', NULL, '2024-04-02 09:00:00+00', 50.00, 'card'),
    ('P-004', '0001001', '2024-04-03 12:00:00+00', -25.00, 'refund');
"""
RATES_SQL = """
CREATE TABLE billing.fx_rates (rate_date date, currency text, rate numeric(18, 8));
INSERT INTO billing.fx_rates VALUES
    ('2024-01-31', 'EUR', 1.08512345),
    ('2024-01-31', 'VND', 0.00003930);
"""

INVOICE_COLUMNS = {
    "invoice_id": "invoice_id", "customer_name": "customer", "issued_on": "issued_on",
    "due_on": "due_on", "total": "total", "currency": "currency",
}
PAYMENT_COLUMNS = {
    "payment_id": "payment_id", "invoice_id": "invoice_id", "paid_on": "received_at",
    "amount": "amount", "method": "method",
}
PAYMENTS_QUERY = (
    "SELECT payment_id, invoice_id, received_at, amount, method "
    "FROM billing.payments ORDER BY payment_id"
)


@pytest.fixture(scope="module")
def sales_database(postgres_server):
    """Create the `sales` database, its tables and a read-only login role."""
    admin = postgres_server.connect()
    try:
        cursor = admin.cursor()
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        cursor.execute(f"DROP ROLE IF EXISTS {READER}")
        cursor.execute(f"CREATE ROLE {READER} LOGIN PASSWORD %s", [READER_PASSWORD])
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        admin.close()

    owner = postgres_server.connect(DATABASE)
    try:
        cursor = owner.cursor()
        for script in (INVOICES_SQL, PAYMENTS_SQL, RATES_SQL):
            cursor.execute(script)
        cursor.execute(f"GRANT USAGE ON SCHEMA billing TO {READER}")
        cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA billing TO {READER}")
    finally:
        owner.close()
    return postgres_server


def database_url(server, password: str = READER_PASSWORD, dbname: str = DATABASE,
                 socket_dir: str | None = None) -> str:
    return (
        f"postgresql+psycopg2://{READER}:{password}@/{dbname}"
        f"?host={socket_dir or server.socket_dir}"
    )


def refresh_sources(folder, sources: list[dict], settings: dict | None = None):
    """Refresh a warehouse in `folder` and open it read-only."""
    db_path = folder / "warehouse.duckdb"
    result = refresh(write_mapping(folder, sources, settings), db_path)
    return result, duckdb.connect(str(db_path), read_only=True)


def invoices_source(server, **options) -> dict:
    return {
        "name": "billing_invoices", "table": "invoices", "url": database_url(server),
        "db_table": "billing.invoices", "columns": dict(INVOICE_COLUMNS), **options,
    }


def payments_source(server, **options) -> dict:
    return {
        "name": "billing_payments", "table": "payments", "url": database_url(server),
        "query": PAYMENTS_QUERY, "columns": dict(PAYMENT_COLUMNS), **options,
    }


def test_db_table_source_loads_typed_invoices(sales_database, tmp_path):
    result, con = refresh_sources(tmp_path, [invoices_source(sales_database)])

    loaded = con.execute(
        "SELECT invoice_id, customer_name, issued_on, due_on, total, currency "
        "FROM invoices ORDER BY invoice_id"
    ).fetchall()
    assert loaded == [
        ("0001001", "Acme GmbH", dt.date(2024, 1, 5), dt.date(2024, 2, 4),
         Decimal("1234.50"), "EUR"),
        ("0001002", "Globex", dt.date(2024, 1, 31), dt.date(2024, 3, 1),
         Decimal("99.99"), "USD"),
        ("0001004", "Umbrella", dt.date(2024, 3, 15), dt.date(2024, 4, 14),
         Decimal("0.00"), "USD"),
    ]


def test_db_table_null_total_is_quarantined(sales_database, tmp_path):
    result, con = refresh_sources(tmp_path, [invoices_source(sales_database)])

    quarantined = con.execute(
        "SELECT source, table_name, column_name, raw_value, reason, record "
        "FROM quarantine"
    ).fetchall()
    assert len(quarantined) == 1
    source, table, column, raw_value, reason, record = quarantined[0]
    assert (source, table, column, raw_value, reason) == (
        "billing_invoices", "invoices", "total", None, "missing value",
    )
    assert '"invoice_id":"0001003"' in record


def test_db_table_counts_read_loaded_quarantined(sales_database, tmp_path):
    result, con = refresh_sources(tmp_path, [invoices_source(sales_database)])

    assert len(result.files) == 1
    counts = result.files[0]
    assert (counts.rows_read, counts.rows_loaded, counts.rows_quarantined) == (4, 3, 1)
    assert counts.rows_read == counts.rows_loaded + counts.rows_quarantined
    assert "billing.invoices" in counts.file
    assert READER_PASSWORD not in counts.file


@pytest.mark.parametrize(
    ("timezone", "late_payment_on"),
    [("UTC", dt.date(2024, 4, 1)), ("America/New_York", dt.date(2024, 3, 31))],
)
def test_query_source_loads_payments(
    sales_database, tmp_path, timezone, late_payment_on
):
    result, con = refresh_sources(
        tmp_path, [payments_source(sales_database)], {"timezone": timezone}
    )

    loaded = con.execute(
        "SELECT payment_id, invoice_id, paid_on, amount, method FROM payments "
        "ORDER BY payment_id"
    ).fetchall()
    assert loaded == [
        ("P-001", "0001001", dt.date(2024, 2, 1), Decimal("1234.50"), "wire"),
        ("P-002", "0001002", late_payment_on, Decimal("99.99"), "card"),
        ("P-004", "0001001", dt.date(2024, 4, 3), Decimal("-25.00"), "refund"),
    ]
    quarantined = con.execute(
        "SELECT row_number, column_name, raw_value, reason FROM quarantine"
    ).fetchall()
    assert quarantined == [(3, "invoice_id", None, "missing value")]
    counts = result.files[0]
    assert (counts.rows_read, counts.rows_loaded, counts.rows_quarantined) == (4, 3, 1)


def test_query_and_db_table_sources_together(sales_database, tmp_path):
    sources = [invoices_source(sales_database), payments_source(sales_database)]
    result, con = refresh_sources(tmp_path, sources)

    counts = {
        f.source: (f.rows_read, f.rows_loaded, f.rows_quarantined) for f in result.files
    }
    assert counts == {"billing_invoices": (4, 3, 1), "billing_payments": (4, 3, 1)}
    assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (2,)
    lineage = con.execute(
        "SELECT DISTINCT _file FROM invoices UNION SELECT DISTINCT _file FROM payments"
    ).fetchall()
    assert all(READER_PASSWORD not in file for (file,) in lineage)


def test_query_source_read_in_small_chunks(sales_database, tmp_path, monkeypatch):
    monkeypatch.setattr(etl.read, "DB_CHUNK_ROWS", 3)
    result, con = refresh_sources(tmp_path, [payments_source(sales_database)])

    rows = con.execute("SELECT payment_id, _row FROM payments ORDER BY _row").fetchall()
    assert rows == [("P-001", 1), ("P-002", 2), ("P-004", 4)]
    counts = result.files[0]
    assert (counts.rows_read, counts.rows_loaded, counts.rows_quarantined) == (4, 3, 1)


def test_query_without_rows_loads_nothing(sales_database, tmp_path):
    query = PAYMENTS_QUERY.replace("ORDER BY", "WHERE amount > 1000000 ORDER BY")
    source = payments_source(sales_database, query=query)
    result, con = refresh_sources(tmp_path, [source])

    assert con.execute("SELECT count(*) FROM payments").fetchone() == (0,)
    counts = result.files[0]
    assert (counts.rows_read, counts.rows_loaded, counts.rows_quarantined) == (0, 0, 0)


def test_password_read_from_environment(sales_database, tmp_path, monkeypatch):
    monkeypatch.setenv("LEAD2CASH_TEST_PG_PASSWORD", READER_PASSWORD)
    url = database_url(sales_database, password="${LEAD2CASH_TEST_PG_PASSWORD}")
    result, con = refresh_sources(tmp_path, [invoices_source(sales_database, url=url)])

    assert con.execute("SELECT count(*) FROM invoices").fetchone() == (3,)
    assert READER_PASSWORD not in result.files[0].file


def test_small_numeric_rate_is_loaded(sales_database, tmp_path):
    source = {
        "name": "billing_rates", "table": "fx_rates",
        "url": database_url(sales_database),
        "db_table": "billing.fx_rates",
        "columns": {"rate_date": "rate_date", "currency": "currency", "rate": "rate"},
    }
    result, con = refresh_sources(tmp_path, [source])

    rates = con.execute(
        "SELECT currency, rate FROM fx_rates ORDER BY currency"
    ).fetchall()
    assert rates == [("EUR", Decimal("1.08512345")), ("VND", Decimal("0.00003930"))]
    assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (0,)


def test_null_timestamptz_optional_date_is_null(sales_database, tmp_path):
    columns = {**INVOICE_COLUMNS, "paid_on": "paid_at"}
    source = invoices_source(sales_database, columns=columns)
    result, con = refresh_sources(tmp_path, [source])

    paid = con.execute("SELECT invoice_id, paid_on FROM invoices ORDER BY 1").fetchall()
    assert paid == [
        ("0001001", dt.date(2024, 2, 1)),
        ("0001002", dt.date(2024, 4, 1)),
        ("0001004", None),
    ]
    reasons = con.execute("SELECT column_name, reason FROM quarantine").fetchall()
    assert reasons == [("total", "missing value")]


def assert_source_error_hides_password(
    error: SourceError, dbname: str, password: str
) -> None:
    message = str(error)
    assert f"/{dbname}" in message
    assert "billing.invoices" in message
    assert password not in message
    assert password not in repr(error.__cause__ or "")


def test_wrong_password_is_source_error(sales_database, tmp_path):
    url = database_url(sales_database, password=WRONG_PASSWORD)
    config = write_mapping(tmp_path, [invoices_source(sales_database, url=url)])

    with pytest.raises(SourceError) as caught:
        refresh(config, tmp_path / "warehouse.duckdb")

    assert "password authentication failed" in str(caught.value)
    assert_source_error_hides_password(caught.value, DATABASE, WRONG_PASSWORD)
    assert not (tmp_path / "warehouse.duckdb").exists()


@pytest.mark.parametrize(
    ("dbname", "socket_dir", "expected"),
    [
        ("no_such_db", None, "does not exist"),
        (DATABASE, "/nonexistent-lead2cash-socket", "No such file or directory"),
    ],
    ids=["missing-database", "no-server"],
)
def test_unreachable_database_is_source_error(
    sales_database, tmp_path, dbname, socket_dir, expected
):
    url = database_url(sales_database, dbname=dbname, socket_dir=socket_dir)
    config = write_mapping(tmp_path, [invoices_source(sales_database, url=url)])

    with pytest.raises(SourceError) as caught:
        refresh(config, tmp_path / "warehouse.duckdb")

    assert expected in str(caught.value)
    assert_source_error_hides_password(caught.value, dbname, READER_PASSWORD)


def test_source_error_names_source(sales_database, tmp_path):
    url = database_url(sales_database, password=WRONG_PASSWORD)
    config = write_mapping(tmp_path, [invoices_source(sales_database, url=url)])

    with pytest.raises(SourceError) as caught:
        refresh(config, tmp_path / "warehouse.duckdb")

    assert "billing_invoices" in str(caught.value)


def test_unknown_driver_is_source_error(sales_database, tmp_path):
    url = database_url(sales_database).replace("+psycopg2", "+nosuchdriver")
    config = write_mapping(tmp_path, [invoices_source(sales_database, url=url)])

    with pytest.raises(SourceError) as caught:
        refresh(config, tmp_path / "warehouse.duckdb")

    assert "nosuchdriver" in str(caught.value)
    assert READER_PASSWORD not in str(caught.value)
