"""Incremental refresh of append-only sources equals a full refresh."""

import duckdb
import pytest

from etl.errors import ConfigError
from etl.refresh import refresh
from tests.conftest import write_csv, write_mapping

FIRST_EXPORT = """
    id,customer,issued,total,modified
    I1,Acme,2024-01-02,100.00,2024-01-02T10:00:00
    I2,Beta,2024-01-03,N/A,2024-01-03T10:00:00
    I3,Gamma,2024-01-04,300.00,2024-01-04T10:00:00
"""
# I1 unchanged, I2 fixed, I3 changed, I4 new.
SECOND_EXPORT = """
    id,customer,issued,total,modified
    I1,Acme,2024-01-02,100.00,2024-01-02T10:00:00
    I2,Beta,2024-01-03,200.00,2024-02-01T09:00:00
    I3,Gamma,2024-01-04,330.00,2024-02-01T09:30:00
    I4,Delta,2024-02-01,400.00,2024-02-01T11:00:00
"""
SOURCE = {
    "name": "invoices", "table": "invoices", "path": "invoices.csv",
    "incremental": True, "updated_at": "modified",
    "columns": {"invoice_id": "id", "customer_name": "customer",
                "issued_on": "issued", "total": "total"},
}
TABLE_SQL = "SELECT invoice_id, customer_name, issued_on, total FROM invoices ORDER BY 1"


def snapshot(db_path) -> tuple:
    with duckdb.connect(str(db_path), read_only=True) as con:
        invoices = con.execute(TABLE_SQL).fetchall()
        quarantine = con.execute(
            "SELECT row_number, column_name, raw_value FROM quarantine ORDER BY 1"
        ).fetchall()
        runs = con.execute("SELECT mode FROM etl_runs ORDER BY started_at").fetchall()
    return invoices, quarantine, runs


def test_incremental_refresh_equals_full_refresh(tmp_path):
    incremental_db, full_db = tmp_path / "incremental.duckdb", tmp_path / "full.duckdb"
    config = write_mapping(tmp_path, [SOURCE])
    write_csv(tmp_path, "invoices.csv", FIRST_EXPORT)
    refresh(config, incremental_db)

    write_csv(tmp_path, "invoices.csv", SECOND_EXPORT)
    result = refresh(config, incremental_db)
    refresh(config, full_db, mode="full")

    assert snapshot(incremental_db)[:2] == snapshot(full_db)[:2]
    assert result.files[0].mode == "incremental"
    assert result.files[0].rows_read == 3
    assert result.files[0].rows_carried == 1
    assert [r[0] for r in snapshot(incremental_db)[2]] == ["full", "incremental"]


def test_incremental_keeps_unchanged_quarantined_rows(tmp_path):
    db_path = tmp_path / "warehouse.duckdb"
    config = write_mapping(tmp_path, [SOURCE])
    write_csv(tmp_path, "invoices.csv", FIRST_EXPORT)
    refresh(config, db_path)
    refresh(config, db_path)

    invoices, quarantine, runs = snapshot(db_path)
    assert [row[0] for row in invoices] == ["I1", "I3"]
    assert quarantine == [(2, "total", "N/A")]
    assert [r[0] for r in runs] == ["full", "incremental"]


def test_incremental_without_updated_at_is_rejected(tmp_path):
    source = {key: value for key, value in SOURCE.items() if key != "updated_at"}
    write_csv(tmp_path, "invoices.csv", FIRST_EXPORT)
    with pytest.raises(ConfigError, match="needs `updated_at`"):
        refresh(write_mapping(tmp_path, [source]), tmp_path / "w.duckdb")
