"""Shared fixtures: the demo warehouse, built once per session by the real ETL."""

from pathlib import Path

import duckdb
import pytest

from etl.demo import generate_demo
from etl.refresh import refresh

def build_demo_warehouse(directory: Path) -> Path:
    """Generate the demo extracts in `directory` and load them with the ETL."""
    config_path = generate_demo(directory / "demo")
    db_path = directory / "demo.duckdb"
    refresh(config_path, db_path)
    return db_path


@pytest.fixture(scope="session")
def warehouse_path(tmp_path_factory) -> Path:
    """The demo warehouse, written to a temporary directory."""
    return build_demo_warehouse(tmp_path_factory.mktemp("warehouse"))


@pytest.fixture(scope="session")
def con(warehouse_path):
    """A read-only connection to the session warehouse."""
    connection = duckdb.connect(str(warehouse_path), read_only=True)
    yield connection
    connection.close()


@pytest.fixture
def app_env(monkeypatch, warehouse_path):
    """Point LEAD2CASH_DB at the session warehouse."""
    monkeypatch.setenv("LEAD2CASH_DB", str(warehouse_path))
    return warehouse_path
