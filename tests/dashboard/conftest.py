"""Shared fixtures: one warehouse per session and the KPI module it is read with."""

import importlib.util
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent))

import kpi_stub  # noqa: E402
from warehouse_builder import (  # noqa: E402
    build_demo_warehouse,
    build_tiny_warehouse,
    has_demo_etl,
)

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "dashboard" / "app.py"


@pytest.fixture(scope="session")
def warehouse_path(tmp_path_factory) -> Path:
    """The demo loaded by the real ETL when it is installed, else the tiny warehouse."""
    directory = tmp_path_factory.mktemp("warehouse")
    if has_demo_etl():
        return build_demo_warehouse(directory)
    return build_tiny_warehouse(directory / "tiny.duckdb")


@pytest.fixture(scope="session", autouse=True)
def kpi_module():
    """`etl.kpis`, replaced by the stub for as long as the real module is missing."""
    if importlib.util.find_spec("etl.kpis") is not None:
        import etl.kpis

        yield etl.kpis
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "etl.kpis", kpi_stub)
        yield kpi_stub


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
