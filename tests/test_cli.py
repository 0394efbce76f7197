"""The lead2cash command through click's CliRunner."""

import json

import pytest
from click.testing import CliRunner

from etl.cli import main, parse_duration
from tests.conftest import shared_path, write_mapping

INVOICES = {
    "table": "invoices",
    "columns": {"invoice_id": "invoice_id", "customer_name": "customer",
                "issued_on": "issued_on", "total": "total"},
}


@pytest.fixture
def config(tmp_path):
    source = dict(INVOICES, path=str(shared_path("cases", "money_precision.csv")))
    return write_mapping(tmp_path, [source])


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("15m", 900), ("2h", 7200),
                                               ("1d", 86400)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["15", "m", "0m", "1.5h", "1w"])
def test_parse_duration_rejects_bad_text(text):
    with pytest.raises(Exception, match="is not a duration"):
        parse_duration(text)


def test_refresh_prints_rows_per_source(config, tmp_path):
    result = CliRunner().invoke(main, ["refresh", "--config", str(config),
                                       "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 0, result.output
    assert "read        11  loaded        11  quarantined       0" in result.output


def test_kpis_json_has_documented_keys(config, tmp_path):
    db = str(tmp_path / "w.duckdb")
    CliRunner().invoke(main, ["refresh", "--config", str(config), "--db", db])
    result = CliRunner().invoke(main, ["kpis", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    kpis = json.loads(result.output)
    assert set(kpis) >= {"period", "pipeline", "invoicing", "collections",
                         "lead_to_payment_days", "order_error_rate", "monthly"}
    assert kpis["invoicing"]["invoiced_total"] == 39982.7
    assert kpis["invoicing"]["avg_invoice_size"] == 3634.79


def test_kpis_missing_warehouse_is_short_error(tmp_path):
    result = CliRunner().invoke(main, ["kpis", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "not found; run `lead2cash refresh --config FILE" in result.output
    assert "Traceback" not in result.output


def test_kpis_rejects_start_after_end(config, tmp_path):
    result = CliRunner().invoke(main, ["kpis", "--db", str(tmp_path / "w.duckdb"),
                                       "--start", "2024-02-01", "--end", "2024-01-01"])
    assert result.exit_code == 2
    assert "start 2024-02-01 is after end 2024-01-01" in result.output


def test_refresh_bad_mapping_is_short_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[sources]]\ntable = "orders"\npath = "x.csv"\n')
    result = CliRunner().invoke(main, ["refresh", "--config", str(bad),
                                       "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1
    assert "table `orders` is not a canonical table" in result.output


def test_scheduled_refresh_logs_failure_and_goes_on(tmp_path, caplog):
    broken = write_mapping(tmp_path, [dict(INVOICES, path=str(
        shared_path("cases", "ambiguous_dates.csv")))])
    result = CliRunner().invoke(main, ["refresh", "--config", str(broken), "--db",
                                       str(tmp_path / "w.duckdb"), "--every", "1s",
                                       "--runs", "2"])
    assert result.exit_code == 0
    failures = [r for r in caplog.records if "scheduled refresh" in r.getMessage()]
    assert len(failures) == 2


def test_kpis_rejects_period_over_100_years(config, tmp_path):
    result = CliRunner().invoke(main, ["kpis", "--db", str(tmp_path / "w.duckdb"),
                                       "--start", "0001-01-01", "--end", "9999-12-31"])
    assert result.exit_code == 2
    assert "longer than 100 years" in result.output


def test_kpis_on_file_that_is_not_duckdb(tmp_path):
    fake = tmp_path / "w.duckdb"
    fake.write_text("not a database")
    result = CliRunner().invoke(main, ["kpis", "--db", str(fake)])
    assert result.exit_code == 1
    assert "is not a DuckDB warehouse" in result.output


def test_export_refuses_to_overwrite_warehouse(config, tmp_path):
    db = tmp_path / "w.duckdb"
    CliRunner().invoke(main, ["refresh", "--config", str(config), "--db", str(db)])
    before = db.read_bytes()
    result = CliRunner().invoke(main, ["export", "invoices", "--db", str(db), "--out", str(db)])
    assert result.exit_code == 2
    assert "is the warehouse itself" in result.output
    assert db.read_bytes() == before
