"""Each vendor preset refreshes its sample export through a mapping that names only
the preset and the path."""

import datetime as dt
import shutil
import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from etl.config import apply_preset, preset_names
from etl.errors import ConfigError
from etl.refresh import refresh
from etl.schema import TABLES
from tests.conftest import build_warehouse, write_mapping

SAMPLES = Path(__file__).resolve().parent / "samples"
SAMPLE_FILES = {
    "hubspot_deals": "hubspot_deals.csv",
    "hubspot_companies": "hubspot_companies.csv",
    "salesforce_opportunities": "salesforce_opportunities.csv",
    "salesforce_opportunities_report": "salesforce_opportunities_report.csv",
    "salesforce_accounts": "salesforce_accounts.csv",
    "pipedrive_deals": "pipedrive_deals.csv",
    "quickbooks_invoices": "quickbooks_invoices.xlsx",
    "quickbooks_payments": "quickbooks_payments.xlsx",
    "xero_invoices": "xero_invoices.csv",
    "xero_payments": "xero_payments.csv",
    "odoo_invoices": "odoo_invoices.csv",
    "odoo_credit_notes": "odoo_credit_notes.csv",
}
UNMAPPED_DEAL = "unmapped: expected a status mapped to open/won/lost " \
    "(add it to [sources.values.status])"
UNMAPPED_INVOICE = "unmapped: expected a status mapped to open/paid/void " \
    "(add it to [sources.values.status])"
DUPLICATE_INVOICE = "duplicate invoice_id: already loaded from an earlier row or source"


def refresh_sample(tmp_path: Path, preset: str, **options):
    """Refresh the preset's sample alone and return a read-only warehouse connection."""
    source = {"preset": preset, "path": str(SAMPLES / SAMPLE_FILES[preset]), **options}
    return build_warehouse(tmp_path, [source])


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def quarantine(con) -> list[tuple]:
    return rows(
        con,
        "SELECT row_number, column_name, raw_value, reason FROM quarantine "
        "ORDER BY row_number, column_name",
    )


def load_preset(name: str) -> dict:
    text = resources.files("etl").joinpath("presets", f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def sample_headers(name: str) -> list[str]:
    path = SAMPLES / SAMPLE_FILES[name]
    if path.suffix == ".xlsx":
        import openpyxl

        sheet = openpyxl.load_workbook(path, read_only=True).active
        header_row = load_preset(name)["header_row"]
        cells = next(sheet.iter_rows(min_row=header_row, max_row=header_row, values_only=True))
        return [cell or "" for cell in cells]
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    return [header.strip('"') for header in first_line.split(",")]


def test_shipped_presets_have_samples():
    assert preset_names() == sorted(SAMPLE_FILES)


@pytest.mark.parametrize("name", sorted(SAMPLE_FILES))
def test_preset_about_describes_export(name):
    about = load_preset(name)["about"]
    assert set(about) == {"vendor", "export", "headers", "notes"}
    assert about["vendor"]
    assert about["export"].strip()
    assert about["notes"].strip()
    assert about["headers"]


@pytest.mark.parametrize("name", sorted(SAMPLE_FILES))
def test_preset_columns_are_listed_headers(name):
    preset = load_preset(name)
    listed = {header.lower() for header in preset["about"]["headers"]}
    in_sample = {header.lower() for header in sample_headers(name)}
    for field_name, column in preset["columns"].items():
        assert column.lower() in listed, f"{field_name} = {column!r} not in [about].headers"
        assert column.lower() in in_sample, f"{field_name} = {column!r} not in the sample"


@pytest.mark.parametrize("name", sorted(SAMPLE_FILES))
def test_preset_fields_exist_in_table(name):
    preset = load_preset(name)
    fields = TABLES[preset["table"]].field_names
    assert set(preset.get("columns", {})) <= set(fields)
    assert set(preset.get("values", {})) <= set(fields)


@pytest.mark.parametrize("name", sorted(SAMPLE_FILES))
def test_preset_status_map_targets_canonical(name):
    preset = load_preset(name)
    statuses = TABLES[preset["table"]].statuses
    for value in preset.get("values", {}).get("status", {}).values():
        assert value in statuses


def test_hubspot_deals_parse(tmp_path):
    con = refresh_sample(tmp_path, "hubspot_deals")
    assert rows(
        con,
        "SELECT deal_id, stage, status, amount, currency, created_on, closed_on, "
        "owner, customer_name FROM deals ORDER BY deal_id",
    ) == [
        ("15604538101", "Closed Won", "won", Decimal("24000.00"), "USD",
         dt.date(2024, 1, 9), dt.date(2024, 3, 28), "Maria Lopez", "Acme Corp"),
        ("15604538102", "Contract Sent", "open", Decimal("12500.50"), "USD",
         dt.date(2024, 2, 20), dt.date(2024, 5, 15), "Maria Lopez", "Globex"),
        ("15604538103", "Closed Lost", "lost", Decimal("3000.00"), "USD",
         dt.date(2024, 1, 15), dt.date(2024, 2, 29), "Sam Patel", "Initech"),
        ("15604538104", "appointmentscheduled", "open", None, "USD",
         dt.date(2024, 4, 1), None, "Sam Patel", "Umbrella Corporation;Umbrella Health"),
        ("15604538106", "Decision Maker Bought-In", "open", Decimal("45000.00"), "USD",
         dt.date(2024, 3, 18), dt.date(2024, 7, 31), None, "Stark Industries"),
    ]
    assert quarantine(con) == [(5, "Deal Stage", "Partner Review", UNMAPPED_DEAL)]


def test_hubspot_companies_parse(tmp_path):
    con = refresh_sample(tmp_path, "hubspot_companies")
    assert rows(
        con,
        "SELECT account_id, customer_name, owner, segment, country, customer_id "
        "FROM accounts ORDER BY account_id",
    ) == [
        ("9012345001", "Acme Corp", "Maria Lopez", "Computer Software", "United States",
         None),
        ("9012345002", "Globex", "Maria Lopez", "Manufacturing", "Germany", None),
        ("9012345003", "Initech", "Sam Patel", "Financial Services", "United States",
         None),
        ("9012345004", "Umbrella Corporation", None, None, "United Kingdom", None),
    ]
    assert quarantine(con) == [(5, "Company name", None, "missing value")]


def test_salesforce_opportunities_parse(tmp_path):
    con = refresh_sample(tmp_path, "salesforce_opportunities")
    assert rows(
        con,
        "SELECT deal_id, account_id, customer_name, stage, status, amount, "
        "probability, created_on, closed_on, owner FROM deals ORDER BY deal_id",
    ) == [
        ("0065e00000Gq1AAAAZ", "0015e00000Xy9AAAAJ", "Acme Corp", "Closed Won", "won",
         Decimal("60000.00"), None, dt.date(2024, 1, 4), dt.date(2024, 3, 15),
         "Maria Lopez"),
        ("0065e00000Gq1ABAAZ", "0015e00000Xy9ABAAJ", "Globex", "Negotiation/Review",
         "open", Decimal("18250.50"), None, dt.date(2024, 2, 1), dt.date(2024, 6, 30),
         "Sam Patel"),
        ("0065e00000Gq1ACAAZ", "0015e00000Xy9ACAAJ", "Initech", "Closed Lost", "lost",
         Decimal("4000.00"), None, dt.date(2024, 1, 10), dt.date(2024, 2, 20),
         "Sam Patel"),
        ("0065e00000Gq1ADAAZ", "0015e00000Xy9AAAAJ", "Acme Corp", "Prospecting", "open",
         None, None, dt.date(2024, 4, 2), dt.date(2024, 9, 30), "Maria Lopez"),
    ]
    assert quarantine(con) == [
        (5, "STAGENAME", "Stalled", UNMAPPED_DEAL),
        (6, "CLOSEDATE", "not set",
         "invalid value: expected an existing date as ISO 8601 (fix the value, or "
         "set `date_format` if the export uses another format)"),
    ]


def test_salesforce_created_datetime_uses_timezone(tmp_path):
    # 2024-01-10T23:30:00.000Z is already 11 January in Berlin.
    source = {"preset": "salesforce_opportunities",
              "path": str(SAMPLES / SAMPLE_FILES["salesforce_opportunities"])}
    con = build_warehouse(tmp_path, [source], {"timezone": "Europe/Berlin"})
    assert rows(con, "SELECT created_on FROM deals WHERE deal_id = '0065e00000Gq1ACAAZ'") == [
        (dt.date(2024, 1, 11),)
    ]


def test_salesforce_report_parses(tmp_path):
    con = refresh_sample(tmp_path, "salesforce_opportunities_report")
    assert rows(
        con,
        "SELECT deal_id, customer_name, owner, stage, status, amount, created_on, "
        "closed_on FROM deals ORDER BY deal_id",
    ) == [
        ("0065e00000Gq1AAAAZ", "Acme Corp", "Maria Lopez", "Closed Won", "won",
         Decimal("60000.00"), dt.date(2024, 1, 4), dt.date(2024, 3, 15)),
        ("0065e00000Gq1ABAAZ", "Globex", "Sam Patel", "Negotiation/Review", "open",
         Decimal("18250.50"), dt.date(2024, 2, 1), dt.date(2024, 6, 30)),
        ("0065e00000Gq1ACAAZ", "Initech", "Sam Patel", "Closed Lost", "lost",
         Decimal("4000.00"), dt.date(2024, 1, 10), dt.date(2024, 2, 20)),
        ("0065e00000Gq1ADAAZ", "Acme Corp", "Maria Lopez", "Value Proposition", "open",
         None, dt.date(2024, 4, 2), dt.date(2024, 9, 30)),
    ]
    assert quarantine(con) == [(5, "Stage", "Stalled", UNMAPPED_DEAL)]


def test_salesforce_report_footer_is_quarantined(tmp_path):
    export = tmp_path / "report.csv"
    shutil.copyfile(SAMPLES / SAMPLE_FILES["salesforce_opportunities_report"], export)
    with open(export, "a", encoding="utf-8") as handle:
        handle.write((SAMPLES / "salesforce_report_footer.csv").read_text(encoding="utf-8"))
    con = build_warehouse(tmp_path, [
        {"preset": "salesforce_opportunities_report", "path": str(export)},
    ])
    assert rows(con, "SELECT count(*) FROM deals") == [(4,)]
    assert rows(con, "SELECT count(DISTINCT row_number) FROM quarantine") == [(6,)]


def test_salesforce_accounts_parse(tmp_path):
    con = refresh_sample(tmp_path, "salesforce_accounts")
    assert rows(
        con,
        "SELECT account_id, customer_name, customer_id, segment, country, owner, "
        "parent_name FROM accounts ORDER BY account_id",
    ) == [
        ("0015e00000Xy9AAAAJ", "Acme Corp", "C-00042", "Technology", "United States",
         "Maria Lopez", None),
        ("0015e00000Xy9ABAAJ", "Globex", "C-00107", "Manufacturing", "Germany",
         "Sam Patel", None),
        ("0015e00000Xy9ACAAJ", "Initech", None, "Banking", "USA", "Sam Patel", None),
        ("0015e00000Xy9ADAAJ", "Umbrella Corporation", "00311", "Healthcare",
         "United Kingdom", "Maria Lopez", "Umbrella Holdings"),
    ]
    assert quarantine(con) == [(5, "NAME", None, "missing value")]


def test_pipedrive_deals_parse(tmp_path):
    con = refresh_sample(tmp_path, "pipedrive_deals")
    assert rows(
        con,
        "SELECT deal_id, customer_name, owner, stage, status, amount, currency, "
        "created_on, closed_on FROM deals ORDER BY deal_id",
    ) == [
        ("101", "Acme Corp", "Maria Lopez", "Negotiations Started", "won",
         Decimal("24000.00"), "USD", dt.date(2024, 1, 9), dt.date(2024, 3, 28)),
        ("102", "Globex", "Maria Lopez", "Proposal Made", "open",
         Decimal("12500.50"), "EUR", dt.date(2024, 2, 20), None),
        ("103", "Initech", "Sam Patel", "Qualified", "lost",
         Decimal("3000.00"), "USD", dt.date(2024, 1, 15), dt.date(2024, 2, 29)),
        ("104", "Umbrella Corporation", "Sam Patel", "Lead In", "open",
         Decimal("0.00"), "GBP", dt.date(2024, 4, 1), None),
        ("106", "Stark Industries", "Maria Lopez", "Contact Made", "won",
         Decimal("45000.00"), "USD", dt.date(2024, 3, 18), dt.date(2024, 4, 29)),
    ]
    assert quarantine(con) == [(5, "Deal - Status", "deleted", UNMAPPED_DEAL)]


def test_quickbooks_invoices_parse(tmp_path):
    con = refresh_sample(tmp_path, "quickbooks_invoices")
    assert rows(
        con,
        "SELECT invoice_id, customer_name, issued_on, due_on, total, status "
        "FROM invoices ORDER BY invoice_id",
    ) == [
        ("1001", "Acme Corp", dt.date(2024, 3, 5), dt.date(2024, 4, 4),
         Decimal("1250.00"), "open"),
        ("1002", "Globex", dt.date(2024, 3, 7), dt.date(2024, 4, 6),
         Decimal("2400.50"), "open"),
        # a real date cell, read as 2024-03-11 00:00:00
        ("1003", "Initech", dt.date(2024, 3, 11), dt.date(2024, 4, 10),
         Decimal("480.00"), "open"),
        # no due date: issue date plus the default 30 days of payment terms
        ("1005", "Umbrella Corporation", dt.date(2024, 3, 14), dt.date(2024, 4, 13),
         Decimal("999.99"), "open"),
    ]
    assert quarantine(con) == [
        (4, "Transaction type", "Credit Memo", UNMAPPED_INVOICE),
        (6, "Num", None, "missing value"),
        (6, "Transaction type", "Payment", UNMAPPED_INVOICE),
        (7, "Amount", None, "missing value"),
        (8, "Date", None, "missing value"),
        (8, "Num", None, "missing value"),
        (9, "Amount", None, "missing value"),
        (9, "Date", None, "missing value"),
        (9, "Num", None, "missing value"),
    ]


def test_quickbooks_footer_rows_are_quarantined(tmp_path):
    con = refresh_sample(tmp_path, "quickbooks_invoices")
    records = rows(
        con,
        "SELECT DISTINCT row_number, json_extract_string(record, '$.\"Unnamed: 0\"') "
        "FROM quarantine WHERE row_number >= 8 ORDER BY 1",
    )
    assert records == [(8, "TOTAL"), (9, "Friday, April 12, 2024 09:41 AM GMT-05:00")]


def test_quickbooks_payments_parse(tmp_path):
    con = refresh_sample(tmp_path, "quickbooks_payments")
    assert rows(
        con,
        "SELECT invoice_id, paid_on, amount, method, currency FROM payments "
        "ORDER BY _row",
    ) == [
        ("1001", dt.date(2024, 3, 20), Decimal("1250.00"), "Check", "USD"),
        ("1003", dt.date(2024, 3, 25), Decimal("300.00"), "Credit Card", "USD"),
        ("1002", dt.date(2024, 4, 2), Decimal("1000.00"), "ACH", "USD"),
        ("1007", dt.date(2024, 4, 2), Decimal("400.00"), "ACH", "USD"),
    ]
    assert quarantine(con) == [
        (5, "Invoice no.", None, "missing value"),
        (6, "Date", None, "missing value"),
        (6, "Invoice no.", None, "missing value"),
        (7, "Amount", None, "missing value"),
        (7, "Date", None, "missing value"),
        (7, "Invoice no.", None, "missing value"),
    ]


def test_quickbooks_payments_get_distinct_ids(tmp_path):
    con = refresh_sample(tmp_path, "quickbooks_payments")
    payment_ids = [row[0] for row in rows(con, "SELECT payment_id FROM payments")]
    assert len(set(payment_ids)) == 4
    assert all(payment_id.startswith("payments:") for payment_id in payment_ids)


def test_quickbooks_payments_settle_invoices(tmp_path):
    sources = [
        {"preset": "quickbooks_invoices", "path": str(SAMPLES / "quickbooks_invoices.xlsx")},
        {"preset": "quickbooks_payments", "path": str(SAMPLES / "quickbooks_payments.xlsx")},
    ]
    con = build_warehouse(tmp_path, sources)
    assert rows(
        con, "SELECT invoice_id, balance_rc FROM invoice_facts ORDER BY invoice_id"
    ) == [
        ("1001", Decimal("0.00")),
        ("1002", Decimal("1400.50")),
        ("1003", Decimal("180.00")),
        ("1005", Decimal("999.99")),
    ]


def test_xero_invoices_parse(tmp_path):
    con = refresh_sample(tmp_path, "xero_invoices")
    assert rows(
        con,
        "SELECT invoice_id, customer_name, issued_on, due_on, total, tax, currency, "
        "status FROM invoices ORDER BY invoice_id",
    ) == [
        ("INV-0041", "Acme Ltd", dt.date(2024, 3, 5), dt.date(2024, 4, 4),
         Decimal("1440.00"), Decimal("240.00"), "GBP", "paid"),
        ("INV-0042", "Globex GmbH, Hamburg", dt.date(2024, 3, 12), dt.date(2024, 4, 11),
         Decimal("2400.00"), Decimal("400.00"), "EUR", "open"),
        ("INV-0043", "Initech", dt.date(2024, 3, 13), dt.date(2024, 4, 12),
         Decimal("600.00"), Decimal("100.00"), "GBP", "void"),
        ("INV-0044", "Umbrella Corporation", dt.date(2024, 3, 20), dt.date(2024, 4, 19),
         Decimal("120.00"), Decimal("20.00"), "GBP", "void"),
        ("INV-0045", "Hooli", dt.date(2024, 3, 25), dt.date(2024, 4, 24),
         Decimal("360.00"), Decimal("60.00"), "GBP", "void"),
        ("INV-0046", "Stark Industries", dt.date(2024, 3, 28), dt.date(2024, 4, 27),
         Decimal("960.00"), Decimal("160.00"), "GBP", "open"),
        # An ISO date parses beside the preset's day-first format.
        ("INV-0047", "Wayne Enterprises", dt.date(2024, 3, 29), dt.date(2024, 4, 28),
         Decimal("50.00"), Decimal("0.00"), "GBP", "open"),
    ]
    assert quarantine(con) == [(2, "invoice_id", "INV-0041", DUPLICATE_INVOICE)]


def test_xero_payments_parse(tmp_path):
    con = refresh_sample(tmp_path, "xero_payments")
    assert rows(
        con,
        "SELECT payment_id, invoice_id, paid_on, amount, currency FROM payments "
        "ORDER BY _row",
    ) == [
        ("b2f3a7c1-6d21-4f3e-9a0b-1f2e3d4c5b60", "INV-0041", dt.date(2024, 3, 20),
         Decimal("1440.00"), "GBP"),
        ("c9a8b7d6-1e2f-4a3b-8c7d-0e1f2a3b4c5d", "INV-0046", dt.date(2024, 4, 2),
         Decimal("400.00"), "GBP"),
        ("d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6", "INV-0041", dt.date(2024, 4, 9),
         Decimal("-40.00"), "GBP"),
        ("e5f6a7b8-c9d0-4e1f-a2b3-c4d5e6f7a8b9", "INV-0042", dt.date(2024, 4, 10),
         Decimal("1200.00"), "EUR"),
    ]
    assert quarantine(con) == [(5, "Invoice.InvoiceNumber", None, "missing value")]


def test_odoo_invoices_parse(tmp_path):
    con = refresh_sample(tmp_path, "odoo_invoices")
    assert rows(
        con,
        "SELECT invoice_id, customer_name, issued_on, due_on, total, tax, currency, "
        "status FROM invoices ORDER BY invoice_id",
    ) == [
        ("INV/2024/00001", "Deco Addict, Addison Olson", dt.date(2024, 3, 5),
         dt.date(2024, 4, 4), Decimal("1150.00"), Decimal("150.00"), "USD", "paid"),
        ("INV/2024/00002", "Azure Interior", dt.date(2024, 3, 7), dt.date(2024, 4, 6),
         Decimal("2300.00"), Decimal("300.00"), "EUR", "open"),
        ("INV/2024/00003", "Gemini Furniture", dt.date(2024, 3, 10),
         dt.date(2024, 3, 10), Decimal("460.00"), Decimal("60.00"), "USD", "paid"),
        ("INV/2024/00004", "Wood Corner", dt.date(2024, 3, 12), dt.date(2024, 4, 11),
         Decimal("800.00"), Decimal("0.00"), "USD", "paid"),
        ("INV/2024/00005", "Ready Mat", dt.date(2024, 3, 15), dt.date(2024, 4, 14),
         Decimal("287.50"), Decimal("37.50"), "USD", "open"),
    ]
    assert quarantine(con) == [
        (6, "invoice_date", None, "missing value"),
        (6, "name", "", "missing value"),
        (7, "payment_state", "invoicing_legacy", UNMAPPED_INVOICE),
    ]


def test_odoo_status_in_payment_voids_cancelled(tmp_path):
    export = tmp_path / "odoo17.csv"
    text = (SAMPLES / "odoo_invoices.csv").read_text(encoding="utf-8")
    text = text.replace(",payment_state,", ",status_in_payment,")
    text = text.replace("2024-03-15,2024-04-14,250.0,37.5,287.5,USD,posted,not_paid",
                        "2024-03-15,2024-04-14,250.0,37.5,287.5,USD,cancel,cancel")
    export.write_text(text, encoding="utf-8")
    source = {"preset": "odoo_invoices", "path": str(export),
              "columns": {"status": "status_in_payment"}}
    con = build_warehouse(tmp_path, [source])
    assert rows(con, "SELECT status FROM invoices WHERE invoice_id = 'INV/2024/00005'") == [
        ("void",)
    ]


def test_odoo_credit_notes_parse(tmp_path):
    con = refresh_sample(tmp_path, "odoo_credit_notes")
    assert rows(
        con,
        "SELECT credit_note_id, invoice_id, customer_name, issued_on, amount, currency, "
        "reason FROM credit_notes ORDER BY credit_note_id",
    ) == [
        ("RINV/2024/00001", "INV/2024/00003", "Gemini Furniture", dt.date(2024, 3, 12),
         Decimal("460.00"), "USD", "Reversal of: INV/2024/00003, wrong product"),
        ("RINV/2024/00002", "INV/2024/00001", "Deco Addict, Addison Olson",
         dt.date(2024, 3, 20), Decimal("115.00"), "USD",
         "Reversal of: INV/2024/00001, damaged item"),
        # a negative amount is stored positive
        ("RINV/2024/00003", None, "Azure Interior", dt.date(2024, 3, 25),
         Decimal("200.00"), "EUR", "Goodwill discount"),
    ]
    assert quarantine(con) == [
        (4, "invoice_date", None, "missing value"),
        (4, "name", "", "missing value"),
    ]


def test_odoo_reversed_invoice_owes_nothing(tmp_path):
    sources = [
        {"preset": "odoo_invoices", "path": str(SAMPLES / "odoo_invoices.csv")},
        {"preset": "odoo_credit_notes", "path": str(SAMPLES / "odoo_credit_notes.csv")},
    ]
    con = build_warehouse(tmp_path, sources)
    assert rows(
        con,
        "SELECT invoice_id, credited_rc, balance_rc FROM invoice_facts "
        "WHERE currency = 'USD' ORDER BY invoice_id",
    ) == [
        ("INV/2024/00001", Decimal("115.00"), Decimal("1035.00")),
        ("INV/2024/00003", Decimal("460.00"), Decimal("0.00")),
        ("INV/2024/00004", Decimal("0.00"), Decimal("0.00")),
        ("INV/2024/00005", Decimal("0.00"), Decimal("287.50")),
    ]


def test_user_columns_override_preset(tmp_path):
    source = {
        "preset": "pipedrive_deals",
        "path": str(SAMPLES / "pipedrive_deals.csv"),
        "columns": {"closed_on": "Deal - Won time"},
    }
    con = build_warehouse(tmp_path, [source])
    assert rows(con, "SELECT deal_id, closed_on FROM deals ORDER BY deal_id") == [
        ("101", dt.date(2024, 3, 28)),
        ("102", None),
        ("103", None),
        ("104", None),
        ("106", dt.date(2024, 4, 29)),
    ]
    assert rows(con, "SELECT count(*) FROM deals WHERE owner IS NOT NULL") == [(5,)]


def test_user_status_values_merge_with_preset(tmp_path):
    source = {
        "preset": "salesforce_opportunities",
        "path": str(SAMPLES / "salesforce_opportunities.csv"),
        "values": {"status": {"Stalled": "open"}},
    }
    con = build_warehouse(tmp_path, [source])
    assert rows(con, "SELECT deal_id, status FROM deals ORDER BY deal_id") == [
        ("0065e00000Gq1AAAAZ", "won"),
        ("0065e00000Gq1ABAAZ", "open"),
        ("0065e00000Gq1ACAAZ", "lost"),
        ("0065e00000Gq1ADAAZ", "open"),
        ("0065e00000Gq1AEAAZ", "open"),
    ]


def test_user_date_format_replaces_preset(tmp_path):
    entry = apply_preset("test", {"preset": "xero_invoices", "path": "x.csv",
                                  "date_format": "%m/%d/%Y"})
    assert entry["date_format"] == "%m/%d/%Y"
    assert entry["columns"]["invoice_id"] == "InvoiceNumber"
    assert "about" not in entry


def test_unknown_preset_names_shipped_presets(tmp_path):
    config = write_mapping(tmp_path, [{"preset": "hubspot_deal", "path": "deals.csv"}])
    with pytest.raises(ConfigError) as error:
        refresh(config, tmp_path / "warehouse.duckdb")
    message = str(error.value)
    assert "unknown preset `hubspot_deal`" in message
    assert ", ".join(sorted(SAMPLE_FILES)) in message


def test_broken_line_keeps_later_rows_apart(tmp_path):
    lines = (SAMPLES / "pipedrive_deals.csv").read_text(encoding="utf-8").splitlines()
    # File line 4 (deal 103) gains a 15th cell, so DuckDB rejects it. The deleted
    # deal two lines below is then staged with _row 4, the rejected line's number.
    lines[3] = lines[3] + ',"extra"'
    export = tmp_path / "deals.csv"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = build_warehouse(tmp_path, [{"preset": "pipedrive_deals", "path": str(export)}])
    assert rows(con, "SELECT deal_id, _row FROM deals ORDER BY deal_id") == [
        ("101", 1), ("102", 2), ("104", 4), ("106", 6),
    ]
    assert rows(con, "SELECT count(DISTINCT row_number) FROM quarantine") == [(2,)]
