"""The warehouse wrapper: SQL loading, parameters and reopening a replaced file."""

import os
import shutil

import duckdb
import pytest

from dashboard import warehouse


def test_bind_parameters_drops_unused():
    sql = "SELECT * FROM t WHERE a = $a AND b <= $b"

    assert warehouse.bind_parameters(sql, {"a": 1, "b": 2, "c": 3}) == {"a": 1, "b": 2}


def test_bind_parameters_missing_raises():
    with pytest.raises(KeyError, match=r"\bb\b"):
        warehouse.bind_parameters("SELECT $a + $b", {"a": 1})


def test_load_sql_expands_include():
    sql = warehouse.load_sql("pipeline_by_stage")

    assert "include:" not in sql
    assert "FROM deal_facts AS d" in sql


@pytest.mark.parametrize("name", ["../secret", "Upper", "with space"])
def test_load_sql_rejects_invalid_name(name):
    with pytest.raises(ValueError, match="invalid SQL file name"):
        warehouse.load_sql(name)


def test_every_sql_file_parses(warehouse_path):
    identity = warehouse.file_identity(warehouse_path)
    with warehouse.connect(identity) as con:
        for path in sorted(warehouse.SQL_DIR.glob("*.sql")):
            sql = warehouse.load_sql(path.stem)
            con.execute(f"PREPARE check_{path.stem} AS {sql}")


def test_file_identity_missing_is_none(tmp_path):
    assert warehouse.file_identity(tmp_path / "missing.duckdb") is None


def test_db_path_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LEAD2CASH_DB", str(tmp_path / "x.duckdb"))

    assert warehouse.db_path() == tmp_path / "x.duckdb"


def test_db_path_default(monkeypatch):
    monkeypatch.delenv("LEAD2CASH_DB", raising=False)

    assert str(warehouse.db_path()) == os.path.join("data", "lead2cash.duckdb")


def test_replaced_file_is_reopened(tmp_path, warehouse_path):
    path = tmp_path / "live.duckdb"
    shutil.copy(warehouse_path, path)
    before = warehouse.file_identity(path)
    runs_before = len(warehouse.query(before, "etl_runs", limit=100))

    # A refresh writes the new file beside the old one and swaps it in.
    replacement = tmp_path / "new.duckdb"
    shutil.copy(warehouse_path, replacement)
    con = duckdb.connect(str(replacement))
    con.execute("INSERT INTO etl_runs (run_id, started_at) VALUES ('later', now())")
    con.close()
    os.replace(replacement, path)
    after = warehouse.file_identity(path)

    assert after != before
    assert len(warehouse.query(after, "etl_runs", limit=100)) == runs_before + 1


def test_query_error_names_warehouse(tmp_path):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    identity = warehouse.file_identity(path)

    with pytest.raises(warehouse.WarehouseError, match="empty.duckdb"):
        warehouse.query(identity, "etl_runs", limit=5)
