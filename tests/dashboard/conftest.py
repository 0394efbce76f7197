"""Shared fixtures: the demo warehouse, built once per session by the real ETL."""

import csv
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl.demo import generate_demo
from etl.refresh import refresh

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
FEEDBACK_DB_ENV = "LEAD2CASH_FEEDBACK_DB"
# The invoice status the variant demo exports, which no status map names.
UNMAPPED_STATUS = "Draft"


def build_variant_config(directory: Path) -> Path:
    """Generate the demo with two changes and return its mapping file.

    The first invoice exports the status `Draft`, which no status map names,
    and [settings] sets no `go_live`.
    """
    config_path = generate_demo(directory / "demo")
    invoices_path = config_path.parent / "acct_invoices.csv"
    with open(invoices_path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("Status")] = UNMAPPED_STATUS
    with open(invoices_path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    text = config_path.read_text(encoding="utf-8")
    config_path.write_text(re.sub(r"(?m)^go_live = .*\n", "", text), encoding="utf-8")
    return config_path


def run_page(page: str, query_params: dict | None = None) -> AppTest:
    """Run the app, then switch to `page` with `query_params` in the URL.

    The first run opens the default page, which keeps only the filter keys in
    the URL, so page keys such as `client` are set again before the switch.
    """
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.query_params.update(query_params or {})
    app.run()
    if page != "views/overview.py":
        app.switch_page(page)
        app.query_params.update(query_params or {})
        app.run()
    return app


@pytest.fixture(scope="session")
def warehouse_path(demo_warehouse) -> Path:
    """The demo warehouse, written to a temporary directory."""
    return demo_warehouse


@pytest.fixture(scope="session")
def con(warehouse_path):
    """A read-only connection to the session warehouse."""
    connection = duckdb.connect(str(warehouse_path), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def variant_config(tmp_path_factory) -> Path:
    """The mapping file of the demo with an unmapped status and no go-live date."""
    return build_variant_config(tmp_path_factory.mktemp("variant"))


@pytest.fixture(scope="session")
def variant_warehouse_path(variant_config) -> Path:
    """The warehouse of `variant_config`, for tests that only read it."""
    db_path = variant_config.parent.parent / "variant.duckdb"
    refresh(variant_config, db_path)
    return db_path


@pytest.fixture
def app_env(monkeypatch, warehouse_path):
    """Point LEAD2CASH_DB at the session warehouse, with feedback stored beside it."""
    monkeypatch.setenv("LEAD2CASH_DB", str(warehouse_path))
    monkeypatch.delenv(FEEDBACK_DB_ENV, raising=False)
    return warehouse_path


@pytest.fixture
def variant_env(monkeypatch, variant_warehouse_path):
    """Point LEAD2CASH_DB at the variant warehouse."""
    monkeypatch.setenv("LEAD2CASH_DB", str(variant_warehouse_path))
    monkeypatch.delenv(FEEDBACK_DB_ENV, raising=False)
    return variant_warehouse_path
