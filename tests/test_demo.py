import csv
import re
import tomllib
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl.demo import EXPORTS, QUARANTINE_FAULTS, SPECIAL_DEAL_COUNTS, generate_demo
from etl.demo_mismatches import (
    ACCOUNTING_ONLY_CUSTOMERS,
    CRM_ONLY_CUSTOMERS,
    RETURN_COUNT,
    STAGE_CONFLICT_COUNT,
)
from etl.kpis import EVENTS, compute_kpis
from etl.reconcile import CHECKS, reconcile
from etl.refresh import refresh

ACCOUNTING_FILES = (
    "acct_invoices.csv",
    "acct_payments.csv",
    "acct_credit_notes.csv",
    "acct_returns.csv",
)
SPAN_START = date(2024, 1, 1)
SPAN_END = date(2025, 12, 31)
OPEN_STAGES = ("Prospecting", "Qualified", "Proposal", "Negotiation")
ACCOUNTING_ONLY_INVOICE_COUNT = sum(count for _, _, count in ACCOUNTING_ONLY_CUSTOMERS)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    out_dir = tmp_path_factory.mktemp("demo")
    generate_demo(out_dir)
    return out_dir


@pytest.fixture(scope="module")
def warehouse(demo_dir, tmp_path_factory):
    # One refresh of the demo for every test that reads the warehouse.
    db_path = tmp_path_factory.mktemp("warehouse") / "demo.duckdb"
    refresh(demo_dir / "lead2cash.toml", db_path)
    with duckdb.connect(str(db_path), read_only=True) as con:
        yield con


@pytest.fixture(scope="module")
def reconciled(warehouse) -> dict:
    return reconcile(warehouse)


def read_rows(demo_dir: Path, file_name: str) -> list[dict[str, str]]:
    with (demo_dir / file_name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def parse_money(text: str) -> Decimal:
    digits = re.sub(r"[^0-9.]", "", text)
    amount = Decimal(digits)
    return -amount if text.startswith("(") else amount


def is_us_date(text: str) -> bool:
    try:
        datetime.strptime(text, "%m/%d/%Y")
    except ValueError:
        return False
    return True


def good_rows(demo_dir: Path, file_name: str) -> list[dict[str, str]]:
    # The rows of a file without the rows written to be quarantined.
    faults = [
        (column, value)
        for name, column, value in QUARANTINE_FAULTS
        if name == file_name
    ]
    return [
        row
        for row in read_rows(demo_dir, file_name)
        if not any(row[column] == value for column, value in faults)
    ]


def test_generate_demo_reproducible(tmp_path):
    first = generate_demo(tmp_path / "first").parent
    second = generate_demo(tmp_path / "second").parent

    first_names = sorted(path.name for path in first.iterdir())
    second_names = sorted(path.name for path in second.iterdir())
    assert first_names == second_names
    for name in first_names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_generate_demo_other_seed_differs(tmp_path):
    default = generate_demo(tmp_path / "default").parent
    other = generate_demo(tmp_path / "other", seed=7).parent

    default_deals = (default / "crm_deals.csv").read_bytes()
    assert default_deals != (other / "crm_deals.csv").read_bytes()


def test_generate_demo_returns_mapping_path(tmp_path):
    out_dir = tmp_path / "nested" / "demo"

    assert generate_demo(out_dir) == out_dir / "lead2cash.toml"


def test_mapping_parses_with_sources(demo_dir):
    mapping = tomllib.loads((demo_dir / "lead2cash.toml").read_text(encoding="utf-8"))

    assert mapping["settings"]["reporting_currency"] == "USD"
    assert set(mapping["settings"]["stage_probability"]) == {
        "Prospecting", "Qualified", "Proposal", "Negotiation",
    }  # fmt: skip
    assert [source["path"] for source in mapping["sources"]] == [
        export.file for export in EXPORTS
    ]
    for source in mapping["sources"]:
        assert (demo_dir / source["path"]).is_file(), source["path"]


def test_mapping_columns_exist_in_headers(demo_dir):
    mapping = tomllib.loads((demo_dir / "lead2cash.toml").read_text(encoding="utf-8"))

    for source in mapping["sources"]:
        with (demo_dir / source["path"]).open(encoding="utf-8-sig", newline="") as f:
            headers = next(csv.reader(f))
        for field_name, column in source["columns"].items():
            assert column in headers, (source["name"], field_name, column)


def test_mapping_status_maps_cover_values(demo_dir):
    mapping = tomllib.loads((demo_dir / "lead2cash.toml").read_text(encoding="utf-8"))
    status_maps = {
        source["path"]: source["values"]["status"]
        for source in mapping["sources"]
        if "status" in source.get("values", {})
    }

    assert set(status_maps) == {"crm_deals.csv", "acct_invoices.csv"}
    for row in read_rows(demo_dir, "crm_deals.csv"):
        assert row["Stage"] in status_maps["crm_deals.csv"], row["Stage"]
    for row in read_rows(demo_dir, "acct_invoices.csv"):
        assert row["Status"] in status_maps["acct_invoices.csv"], row["Status"]


def test_mapping_dates_declared_for_accounting(demo_dir):
    mapping = tomllib.loads((demo_dir / "lead2cash.toml").read_text(encoding="utf-8"))
    date_formats = {s["path"]: s.get("date_format") for s in mapping["sources"]}

    for file_name in ACCOUNTING_FILES:
        assert date_formats[file_name] == "%m/%d/%Y"
    assert date_formats["crm_deals.csv"] is None


def test_csv_rows_have_every_column(demo_dir):
    for export in EXPORTS:
        rows = read_rows(demo_dir, export.file)
        assert rows, export.file
        for row in rows:
            assert list(row) == export.headers, export.file
            assert None not in row.values(), export.file


def test_row_counts(demo_dir):
    counts = {export.file: len(read_rows(demo_dir, export.file)) for export in EXPORTS}

    assert counts["crm_accounts.csv"] == 60 + len(CRM_ONLY_CUSTOMERS)
    assert counts["crm_leads.csv"] == 1501
    added_deals = len(CRM_ONLY_CUSTOMERS) + STAGE_CONFLICT_COUNT
    assert counts["crm_deals.csv"] == 701 + added_deals
    assert counts["acct_returns.csv"] == RETURN_COUNT
    assert counts["fx_rates.csv"] == 24
    assert 1000 <= counts["crm_activities.csv"] <= 2000
    assert 200 <= counts["acct_invoices.csv"] <= 350
    assert 200 <= counts["acct_payments.csv"] <= 350
    assert 10 <= counts["acct_credit_notes.csv"] <= 20


def test_owners_and_teams(demo_dir):
    deals = read_rows(demo_dir, "crm_deals.csv")

    assert len({row["Opportunity Owner"] for row in deals}) == 8
    assert len({row["Sales Team"] for row in deals}) == 3


def test_one_file_has_bom(demo_dir):
    with_bom = [
        export.file
        for export in EXPORTS
        if (demo_dir / export.file).read_bytes().startswith(b"\xef\xbb\xbf")
    ]

    assert with_bom == ["acct_invoices.csv"]


def test_one_file_has_crlf(demo_dir):
    with_crlf = [
        export.file
        for export in EXPORTS
        if b"\r\n" in (demo_dir / export.file).read_bytes()
    ]
    deal_lines = (demo_dir / "crm_deals.csv").read_bytes().split(b"\n")

    assert with_crlf == ["crm_deals.csv"]
    assert deal_lines[-1] == b""
    assert all(line.endswith(b"\r") for line in deal_lines[:-1])


def test_activity_notes_have_line_breaks(demo_dir):
    notes = [row["Notes"] for row in read_rows(demo_dir, "crm_activities.csv")]

    assert sum("\n" in note for note in notes) == 3
    assert any('"' in note for note in notes)


def test_accounting_amounts_formatted(demo_dir):
    invoices = good_rows(demo_dir, "acct_invoices.csv")
    credit_notes = good_rows(demo_dir, "acct_credit_notes.csv")
    payments = good_rows(demo_dir, "acct_payments.csv")
    dollar_thousands = re.compile(r"\$\d{1,3}(,\d{3})+\.\d{2}")
    bracketed = re.compile(r"\([\d,]+\.\d{2}\)")

    totals = [row["Total Amount"] for row in invoices]
    assert sum(bool(dollar_thousands.fullmatch(total)) for total in totals) > 100
    assert any(total.startswith("€") for total in totals)
    assert any(total.startswith("GBP ") for total in totals)
    assert all(bracketed.fullmatch(row["Credit Amount"]) for row in credit_notes)
    refunds = [row for row in payments if row["Amount Received"].startswith("(")]
    assert len(refunds) == 2


def test_crm_amounts_plain(demo_dir):
    for row in good_rows(demo_dir, "crm_deals.csv"):
        assert re.fullmatch(r"\d+\.\d{2}", row["Amount"]), row["Amount"]


def test_accounting_dates_us_format(demo_dir):
    date_columns = {
        "acct_invoices.csv": ("Invoice Date", "Due Date"),
        "acct_payments.csv": ("Payment Date",),
        "acct_credit_notes.csv": ("Credit Date",),
        "acct_returns.csv": ("Return Date",),
    }

    for file_name, columns in date_columns.items():
        for row in good_rows(demo_dir, file_name):
            for column in columns:
                value = row[column]
                assert value == "" or is_us_date(value), (file_name, column, value)


def test_quarantine_faults_present(demo_dir):
    kinds = Counter()
    for file_name, column, value in QUARANTINE_FAULTS:
        rows = read_rows(demo_dir, file_name)
        matching = [row for row in rows if row[column] == value]
        if value == "N/A":
            kinds["amount N/A"] += len(matching)
        elif value == "":
            kinds["missing required id"] += len(matching)
        else:
            assert not is_us_date(value)
            kinds["impossible date"] += len(matching)

    assert kinds == {"amount N/A": 3, "impossible date": 3, "missing required id": 4}
    assert 5 <= len(QUARANTINE_FAULTS) <= 15


def test_quarantine_rows_have_one_fault(demo_dir):
    for export in EXPORTS:
        faults = [(c, v) for name, c, v in QUARANTINE_FAULTS if name == export.file]
        for row in read_rows(demo_dir, export.file):
            matched = [fault for fault in faults if row[fault[0]] == fault[1]]
            assert len(matched) <= 1, (export.file, row)


def test_customer_names_differ_between_systems(demo_dir):
    crm_names = {row["Account Name"] for row in read_rows(demo_dir, "crm_accounts.csv")}
    invoices = good_rows(demo_dir, "acct_invoices.csv")
    books_names = {row["Customer Name"] for row in invoices}
    respelled = books_names - crm_names

    assert "ACME, Inc" in respelled
    assert "Widget Company Limited" in respelled
    assert "Acme Inc." in crm_names
    assert "The Widget Company Ltd" in crm_names
    assert len(respelled) >= 5


def test_blank_optional_cells(demo_dir):
    invoices = good_rows(demo_dir, "acct_invoices.csv")
    leads = good_rows(demo_dir, "crm_leads.csv")
    accounts = read_rows(demo_dir, "crm_accounts.csv")

    no_deal_ref = [row for row in invoices if row["Order Ref"] == ""]
    assert len(no_deal_ref) == (
        SPECIAL_DEAL_COUNTS["no_deal_ref"] + ACCOUNTING_ONLY_INVOICE_COUNT
    )
    assert sum(row["Due Date"] == "" for row in invoices) == 3
    assert sum(row["Tax Amount"] == "" for row in invoices) > 100
    assert sum(row["Lead Source"] == "" for row in leads) > 0
    assert sum(row["ERP Customer No"] == "" for row in accounts) > 0


def test_invoice_ids_unique(demo_dir):
    ids = [row["Invoice Number"] for row in good_rows(demo_dir, "acct_invoices.csv")]

    assert len(ids) == len(set(ids))


def test_duplicate_invoices_share_deal_total_date(demo_dir):
    invoices = good_rows(demo_dir, "acct_invoices.csv")
    billed = Counter(
        (row["Order Ref"], row["Total Amount"], row["Invoice Date"])
        for row in invoices
        if row["Order Ref"] and row["Status"] != "Void"
    )

    duplicates = [key for key, count in billed.items() if count > 1]
    assert len(duplicates) == SPECIAL_DEAL_COUNTS["duplicate"]


def test_void_invoices_reissued(demo_dir):
    invoices = good_rows(demo_dir, "acct_invoices.csv")
    voided = {row["Invoice Number"] for row in invoices if row["Status"] == "Void"}
    replaced = [row["Replaces Invoice"] for row in invoices if row["Replaces Invoice"]]

    assert len(voided) == SPECIAL_DEAL_COUNTS["void_reissue"]
    assert sorted(replaced) == sorted(voided)


def invoice_ids(demo_dir: Path) -> set[str]:
    return {row["Invoice Number"] for row in read_rows(demo_dir, "acct_invoices.csv")}


def test_payments_reference_invoices(demo_dir):
    known_ids = invoice_ids(demo_dir)
    payments = read_rows(demo_dir, "acct_payments.csv")
    blank = [row for row in payments if row["Invoice Number"] == ""]

    assert len(blank) == 1
    for row in payments:
        if row["Invoice Number"]:
            assert row["Invoice Number"] in known_ids, row["Payment Ref"]


def test_credit_notes_reference_invoices(demo_dir):
    known_ids = invoice_ids(demo_dir)
    credit_notes = good_rows(demo_dir, "acct_credit_notes.csv")

    assert sum(row["Applied To Invoice"] == "" for row in credit_notes) == 1
    assert all(row["Reason Code"] for row in credit_notes)
    for row in credit_notes:
        if row["Applied To Invoice"]:
            assert row["Applied To Invoice"] in known_ids, row["Credit Memo No"]


def test_deals_link_to_leads(demo_dir):
    lead_ids = {row["Lead ID"] for row in read_rows(demo_dir, "crm_leads.csv")}
    deals = good_rows(demo_dir, "crm_deals.csv")
    from_leads = [row for row in deals if row["Converted Lead ID"]]

    assert 0.5 <= len(from_leads) / len(deals) <= 0.7
    for row in from_leads:
        assert row["Converted Lead ID"] in lead_ids, row["Opportunity ID"]


def test_deal_stages_cover_pipeline(demo_dir):
    stages = Counter(row["Stage"] for row in good_rows(demo_dir, "crm_deals.csv"))

    for stage in ("Prospecting", "Qualified", "Proposal", "Negotiation"):
        assert stages[stage] > 0, stage
    assert stages["Closed Won"] > 150
    assert stages["Closed Lost"] > 150


def test_won_deals_without_invoice_ref(demo_dir):
    referenced = {row["Order Ref"] for row in good_rows(demo_dir, "acct_invoices.csv")}
    won_early = [
        row["Opportunity ID"]
        for row in good_rows(demo_dir, "crm_deals.csv")
        if row["Stage"] == "Closed Won" and row["Close Date"] <= "2025-09-30"
    ]

    # Deals never invoiced, deals whose only invoice names no deal, and the
    # won deals of customers that accounting has no record of.
    unreferenced = [deal_id for deal_id in won_early if deal_id not in referenced]
    assert len(unreferenced) == (
        SPECIAL_DEAL_COUNTS["never_invoiced"]
        + SPECIAL_DEAL_COUNTS["no_deal_ref"]
        + len(CRM_ONLY_CUSTOMERS)
    )


def test_invoiced_totals_differ_from_deal(demo_dir):
    amounts = {
        row["Opportunity ID"]: Decimal(row["Amount"])
        for row in good_rows(demo_dir, "crm_deals.csv")
    }
    billed = {}
    for row in good_rows(demo_dir, "acct_invoices.csv"):
        if row["Order Ref"] and row["Status"] != "Void":
            total = parse_money(row["Total Amount"])
            billed.setdefault(row["Order Ref"], []).append(total)

    mismatched = [
        deal_id
        for deal_id, totals in billed.items()
        if len(totals) == 1 and totals[0] != amounts[deal_id]
    ]
    assert len(mismatched) == SPECIAL_DEAL_COUNTS["amount_mismatch"]
    instalments = [totals for totals in billed.values() if len(totals) == 2]
    assert len(instalments) >= SPECIAL_DEAL_COUNTS["instalments"]


def test_open_receivables_over_90_days(demo_dir):
    invoices = good_rows(demo_dir, "acct_invoices.csv")
    open_invoices = [
        row for row in invoices if row["Status"] in ("Open", "Partially Paid")
    ]
    over_90 = [
        row
        for row in open_invoices
        if row["Due Date"]
        and (SPAN_END - datetime.strptime(row["Due Date"], "%m/%d/%Y").date()).days > 90
    ]

    assert len(over_90) >= 5
    assert any(row["Status"] == "Partially Paid" for row in invoices)


def test_late_payments_present(demo_dir):
    due_by_invoice = {
        row["Invoice Number"]: datetime.strptime(row["Due Date"], "%m/%d/%Y").date()
        for row in good_rows(demo_dir, "acct_invoices.csv")
        if row["Due Date"]
    }
    late = [
        row
        for row in good_rows(demo_dir, "acct_payments.csv")
        if row["Invoice Number"] in due_by_invoice
        and datetime.strptime(row["Payment Date"], "%m/%d/%Y").date()
        > due_by_invoice[row["Invoice Number"]]
    ]

    assert len(late) > 30


def test_currencies_and_rates(demo_dir):
    invoices = good_rows(demo_dir, "acct_invoices.csv")
    currencies = Counter(row["Currency"] for row in invoices)
    rates = read_rows(demo_dir, "fx_rates.csv")

    assert currencies["EUR"] > 0
    assert currencies["GBP"] > 0
    assert currencies["USD"] > currencies["EUR"] + currencies["GBP"]
    assert {row["From Currency"] for row in rates} == {"EUR"}
    assert [row["Rate Date"][:7] for row in rates][:2] == ["2024-01", "2024-02"]
    assert rates[-1]["Rate Date"] == "2025-12-01"


def test_refresh_quarantines_only_faults(demo_dir, tmp_path):
    result = refresh(demo_dir / "lead2cash.toml", tmp_path / "warehouse.duckdb")

    with duckdb.connect(str(result.db_path), read_only=True) as con:
        quarantined = con.execute(
            "SELECT source, column_name, coalesce(raw_value, '') FROM quarantine "
            "ORDER BY source, column_name"
        ).fetchall()
        quarantined_rows = con.execute(
            "SELECT count(DISTINCT (source, row_number)) FROM quarantine"
        ).fetchone()[0]

    expected = sorted(
        (file_name.removesuffix(".csv"), column, value)
        for file_name, column, value in QUARANTINE_FAULTS
    )
    assert sorted(quarantined) == expected
    assert quarantined_rows == len(QUARANTINE_FAULTS)


def test_returns_reference_won_invoiced_deals(demo_dir):
    deals = good_rows(demo_dir, "crm_deals.csv")
    stages = {row["Opportunity ID"]: row["Stage"] for row in deals}
    deal_by_invoice = {
        row["Invoice Number"]: row["Order Ref"]
        for row in good_rows(demo_dir, "acct_invoices.csv")
        if row["Status"] != "Void"
    }
    returns = read_rows(demo_dir, "acct_returns.csv")

    assert len({row["RMA Number"] for row in returns}) == RETURN_COUNT
    assert sum(row["Invoice Number"] == "" for row in returns) == 1
    for row in returns:
        assert stages[row["Order Ref"]] == "Closed Won", row["RMA Number"]
        assert row["Order Ref"] in deal_by_invoice.values(), row["RMA Number"]
        assert row["Return Reason"], row["RMA Number"]
        if row["Invoice Number"]:
            assert deal_by_invoice[row["Invoice Number"]] == row["Order Ref"]


def test_accounting_only_customers_absent_from_crm(demo_dir):
    accounts = read_rows(demo_dir, "crm_accounts.csv")
    crm_names = {row["Account Name"] for row in accounts}
    crm_names |= {row["Company"] for row in good_rows(demo_dir, "crm_leads.csv")}
    crm_customer_ids = {row["ERP Customer No"] for row in accounts}
    invoices = good_rows(demo_dir, "acct_invoices.csv")

    for name, customer_id, invoice_count in ACCOUNTING_ONLY_CUSTOMERS:
        billed = [row for row in invoices if row["Customer No"] == customer_id]
        assert name not in crm_names
        assert customer_id not in crm_customer_ids
        assert len(billed) == invoice_count, customer_id
        assert {row["Customer Name"] for row in billed} == {name}
        assert all(row["Order Ref"] == "" for row in billed), customer_id


def test_crm_only_customers_won_not_invoiced(demo_dir):
    accounts = {
        row["Account Name"]: row for row in read_rows(demo_dir, "crm_accounts.csv")
    }
    deals = good_rows(demo_dir, "crm_deals.csv")
    invoices = good_rows(demo_dir, "acct_invoices.csv")
    billed_names = {row["Customer Name"] for row in invoices}
    referenced = {row["Order Ref"] for row in invoices}

    for name in CRM_ONLY_CUSTOMERS:
        won = [
            row for row in deals
            if row["Account Name"] == name and row["Stage"] == "Closed Won"
        ]  # fmt: skip
        assert accounts[name]["ERP Customer No"] == ""
        assert name not in billed_names
        assert len(won) == 1, name
        assert won[0]["Opportunity ID"] not in referenced


def test_accounts_cross_reference_customer_ids(demo_dir):
    erp_numbers = {
        row["ERP Customer No"]
        for row in read_rows(demo_dir, "crm_accounts.csv")
        if row["ERP Customer No"]
    }
    billed_numbers = {
        row["Customer No"] for row in good_rows(demo_dir, "acct_invoices.csv")
    }

    # An account with no invoices can still carry its accounting number.
    assert len(erp_numbers & billed_numbers) >= 10


def test_stage_conflicts_in_exports(demo_dir):
    deals = good_rows(demo_dir, "crm_deals.csv")
    stages = {row["Opportunity ID"]: row["Stage"] for row in deals}
    invoices = [
        row
        for row in good_rows(demo_dir, "acct_invoices.csv")
        if row["Order Ref"] and row["Status"] != "Void"
    ]

    open_and_paid = [
        row for row in invoices
        if stages[row["Order Ref"]] in OPEN_STAGES and row["Status"] == "Paid"
    ]  # fmt: skip
    lost_and_invoiced = [
        row for row in invoices if stages[row["Order Ref"]] == "Closed Lost"
    ]
    assert len(open_and_paid) == 1
    assert len(lost_and_invoiced) == 1


def test_go_live_inside_span(demo_dir):
    mapping = tomllib.loads((demo_dir / "lead2cash.toml").read_text(encoding="utf-8"))
    go_live = date.fromisoformat(mapping["settings"]["go_live"])

    assert SPAN_START < go_live < SPAN_END


# The demo applies every payment to an exported invoice, so it has no
# unapplied cash for that check to find.
@pytest.mark.parametrize("check", [c for c in CHECKS if c != "payment_without_invoice"])
def test_reconcile_check_finds_rows(reconciled, check):
    assert reconciled[check]["count"] > 0


def test_reconcile_one_system_counts(reconciled):
    one_system = Counter(
        row["present_in"] for row in reconciled["customer_one_system"]["rows"]
    )

    assert reconciled["invoice_customer_not_in_crm"]["count"] == (
        ACCOUNTING_ONLY_INVOICE_COUNT
    )
    assert one_system["accounting"] == len(ACCOUNTING_ONLY_CUSTOMERS)
    assert one_system["crm"] == len(CRM_ONLY_CUSTOMERS)


def test_reconcile_stage_conflict_kinds(reconciled):
    conflicts = [row["conflict"] for row in reconciled["stage_conflict"]["rows"]]

    assert sorted(conflicts) == ["lost_deal_invoiced", "open_deal_paid_invoice"]


@pytest.mark.parametrize("event", EVENTS)
def test_kpis_count_order_error_event(warehouse, event):
    by_event = compute_kpis(warehouse)["order_error_rate"]["by_event"]

    assert by_event[event]["orders"] > 0


def test_kpis_count_every_return(warehouse):
    by_event = compute_kpis(warehouse)["order_error_rate"]["by_event"]

    assert by_event["return_recorded"]["orders"] == RETURN_COUNT
