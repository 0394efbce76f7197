"""`lead2cash export`: the same file as the dashboard's download, from the CLI."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from dashboard.tables import EXPORT_TABLES, TableFilters, fetch_export, frame_bytes
from etl.cli import main

START, END = dt.date(2025, 1, 1), dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def warehouse_path(demo_warehouse):
    return demo_warehouse


@pytest.fixture(scope="module")
def con(warehouse_path):
    import duckdb

    connection = duckdb.connect(str(warehouse_path), read_only=True)
    yield connection
    connection.close()


def run_export(warehouse_path, tmp_path, *args) -> tuple[object, bytes]:
    out = tmp_path / "out.file"
    result = CliRunner().invoke(
        main, ["export", *args, "--db", str(warehouse_path), "--out", str(out)]
    )
    return result, out.read_bytes() if out.exists() else b""


@pytest.mark.parametrize("table", list(EXPORT_TABLES))
def test_export_matches_dashboard_download(warehouse_path, con, tmp_path, table):
    filters = TableFilters(START, END, team="East")
    expected = frame_bytes(fetch_export(con, table, filters), "csv", ";")

    result, written = run_export(
        warehouse_path, tmp_path, table, "--start", "2025-01-01", "--end",
        "2025-06-30", "--team", "East", "--delimiter", ";",
    )

    assert result.exit_code == 0, result.output
    assert written == expected


def test_export_csv_has_bom_and_plain_decimals(warehouse_path, tmp_path):
    result, written = run_export(warehouse_path, tmp_path, "invoices")
    text = written.decode("utf-8")
    header, first = text.splitlines()[:2]

    assert result.exit_code == 0, result.output
    assert written.startswith(b"\xef\xbb\xbf")
    assert header.lstrip("\ufeff").startswith("invoice_id,customer_name")
    total = first.split(",")[header.split(",").index("total")]
    assert Decimal(total) == Decimal(total).quantize(Decimal("0.01"))
    assert "e+" not in text


def test_export_filters_by_segment_and_currency(warehouse_path, tmp_path, con):
    result, written = run_export(
        warehouse_path, tmp_path, "invoices", "--segment", "SMB", "--currency", "USD"
    )
    rows = [line.split(",") for line in written.decode("utf-8-sig").splitlines()]
    header, body = rows[0], rows[1:]

    assert result.exit_code == 0, result.output
    assert body
    assert {row[header.index("segment")] for row in body} == {"SMB"}
    assert {row[header.index("currency")] for row in body} == {"USD"}


def test_export_xlsx_keeps_money_numeric(warehouse_path, tmp_path, con):
    result, written = run_export(
        warehouse_path, tmp_path, "payments", "--format", "xlsx", "--start",
        "2025-01-01", "--end", "2025-06-30",
    )
    sheet = openpyxl.load_workbook(io.BytesIO(written)).active
    header = [cell.value for cell in sheet[1]]
    rows = fetch_export(con, "payments", TableFilters(START, END))

    assert result.exit_code == 0, result.output
    assert sheet.max_row == len(rows) + 1
    assert isinstance(sheet.cell(2, header.index("amount") + 1).value, (int, float))


def test_export_help_lists_tables_and_example():
    result = CliRunner().invoke(main, ["export", "-h"])

    assert result.exit_code == 0
    assert "Example: lead2cash export invoices" in result.output
    for table in EXPORT_TABLES:
        assert table in result.output
    for option in ("--start", "--end", "--owner", "--customer", "--format",
                   "--delimiter", "--out"):
        assert option in result.output


def test_export_missing_warehouse_fails_with_fix(tmp_path):
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(
        main, ["export", "invoices", "--db", str(tmp_path / "none.duckdb"),
               "--out", str(out)],
    )

    assert result.exit_code == 1
    assert "lead2cash demo" in result.output
    assert not out.exists()


def test_export_end_before_start_rejected(warehouse_path, tmp_path):
    result, _ = run_export(
        warehouse_path, tmp_path, "invoices", "--start", "2025-03-01", "--end",
        "2025-01-01",
    )

    assert result.exit_code == 2
    assert "before --start" in result.output


def test_export_unknown_table_rejected(warehouse_path, tmp_path):
    result, _ = run_export(warehouse_path, tmp_path, "secrets")

    assert result.exit_code == 2
    assert "invoices" in result.output
