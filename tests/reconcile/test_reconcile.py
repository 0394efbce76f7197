"""Each reconciliation check on the hand-built warehouse in conftest.py."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from etl.cli import main
from etl.match import customer_key
from etl.reconcile import CHECKS, reconcile, suggested_updates

ACME, BETA, GAMMA = customer_key("acme"), customer_key("beta"), customer_key("gamma")
XENO = customer_key("xeno")


@pytest.fixture(scope="module")
def results(reconcile_warehouse):
    return reconcile(reconcile_warehouse)


def test_reconcile_runs_every_check(results):
    assert list(results) == list(CHECKS)
    for name, result in results.items():
        assert result["count"] == len(result["rows"]), name


def test_won_not_invoiced_after_grace(results):
    assert results["won_not_invoiced"]["rows"] == [
        {"deal_id": "D5", "customer_key": GAMMA, "customer": "Gamma", "owner": None,
         "closed_on": dt.date(2024, 1, 20), "amount_rc": Decimal("700.00"),
         "days_since_won": 71, "system": "Accounting",
         "action": "Accounting: issue an invoice for won deal D5 (700.00), won "
                   "2024-01-20; if it was not won, set its stage in the CRM"},
        {"deal_id": "D7", "customer_key": BETA, "customer": "Beta", "owner": None,
         "closed_on": dt.date(2024, 3, 1), "amount_rc": Decimal("400.00"),
         "days_since_won": 30, "system": "Accounting",
         "action": "Accounting: issue an invoice for won deal D7 (400.00), won "
                   "2024-03-01; if it was not won, set its stage in the CRM"},
    ]


def test_won_not_invoiced_inside_grace(reconcile_warehouse):
    rows = reconcile(reconcile_warehouse, dt.date(2024, 3, 30))["won_not_invoiced"]["rows"]
    assert [row["deal_id"] for row in rows] == ["D5"]


def test_invoice_without_deal(results):
    assert results["invoice_without_deal"]["rows"] == [
        {"invoice_id": "I6", "customer_key": BETA, "customer_name": "Beta",
         "issued_on": dt.date(2024, 3, 5), "total_rc": Decimal("250.00"),
         "candidate_deal_id": "D7", "system": "Accounting",
         "action": "Accounting: add deal reference D7 to invoice I6"},
        {"invoice_id": "I7", "customer_key": XENO, "customer_name": "Xeno Ltd",
         "issued_on": dt.date(2024, 3, 10), "total_rc": Decimal("150.00"),
         "candidate_deal_id": None, "system": "CRM",
         "action": "CRM: record the deal that invoice I7 (Xeno Ltd) bills, then add "
                   "its id to the invoice in accounting"},
    ]


def test_invoice_missing_deal_reference(results):
    assert results["invoice_missing_deal_reference"]["rows"] == [
        {"invoice_id": "I5", "customer_key": ACME, "customer_name": "Acme",
         "issued_on": dt.date(2024, 2, 12), "total_rc": Decimal("800.00"),
         "deal_id": "D6", "confidence": 0.89, "system": "Accounting",
         "action": "Accounting: add deal reference D6 to invoice I5"},
    ]


def test_invoice_customer_not_in_crm(results):
    assert results["invoice_customer_not_in_crm"]["rows"] == [
        {"invoice_id": "I7", "customer_key": XENO, "customer_name": "Xeno Ltd",
         "customer_id": "C9", "issued_on": dt.date(2024, 3, 10),
         "total_rc": Decimal("150.00"), "system": "CRM",
         "action": "CRM: create account 'Xeno Ltd' (accounting customer C9) billed "
                   "by invoice I7"},
    ]


def test_amount_mismatch_beyond_tolerance(results):
    assert results["amount_mismatch"]["rows"] == [
        {"deal_id": "D2", "customer_key": BETA, "customer": "Beta", "invoice_ids": "I2",
         "amount_rc": Decimal("500.00"), "invoiced_rc": Decimal("450.00"),
         "difference_rc": Decimal("-50.00"), "system": "Accounting",
         "action": "Accounting: invoice the remaining 50.00 of deal D2 (amount 500.00, "
                   "invoiced 450.00)"},
    ]


def test_stage_conflict_open_paid_and_lost_invoiced(results):
    assert results["stage_conflict"]["rows"] == [
        {"deal_id": "D3", "customer_key": ACME, "customer": "Acme",
         "stage": "Negotiation", "status": "open", "conflict": "open_deal_paid_invoice",
         "invoice_ids": "I3", "last_paid_on": dt.date(2024, 3, 31),
         "new_stage": "Closed Won", "system": "CRM",
         "action": "CRM: set deal D3 to Closed Won (invoice I3 is paid)"},
        {"deal_id": "D4", "customer_key": BETA, "customer": "Beta",
         "stage": "Closed Lost", "status": "lost", "conflict": "lost_deal_invoiced",
         "invoice_ids": "I4", "last_paid_on": None, "new_stage": "Closed Won",
         "system": "CRM",
         "action": "CRM: set deal D4 to Closed Won (invoice I4 was issued); if it was "
                   "lost, void the invoice in accounting"},
    ]


def test_customer_in_one_system_only(results):
    assert results["customer_one_system"]["rows"] == [
        {"customer_key": GAMMA, "customer_name": "Gamma", "present_in": "crm",
         "source_id": "A3", "won_deals": 1, "system": "Accounting",
         "action": "Accounting: create customer 'Gamma' (CRM account A3), or record "
                   "its accounting customer id on the CRM account"},
        {"customer_key": XENO, "customer_name": "Xeno Ltd", "present_in": "accounting",
         "source_id": "C9", "won_deals": 0, "system": "CRM",
         "action": "CRM: create account 'Xeno Ltd' (accounting customer C9)"},
    ]


def test_probable_duplicates_from_review(results):
    assert results["probable_duplicates"]["rows"] == [
        {"name_a": "northwind store", "name_b": "northwood store", "score": 86.7,
         "customer_key_a": customer_key("northwind store"),
         "customer_name_a": "Northwind Store",
         "customer_key_b": customer_key("northwood store"),
         "customer_name_b": "Northwood Store", "system": "CRM",
         "action": "CRM: merge 'Northwind Store' and 'Northwood Store' if they "
                   "are one company; either way record the decision as accept or "
                   "reject in the customer overrides file"},
    ]


def test_suggested_updates_per_system(results):
    updates = suggested_updates(results)
    assert updates["crm"].to_dict("records") == [
        {"deal_id": "D3", "new_stage": "Closed Won"},
        {"deal_id": "D4", "new_stage": "Closed Won"},
    ]
    assert updates["accounting"].to_dict("records") == [
        {"invoice_id": "I5", "deal_reference": "D6"},
        {"invoice_id": "I6", "deal_reference": "D7"},
    ]


def test_reconcile_command_json_and_csv(reconcile_warehouse, tmp_path):
    db_path = reconcile_warehouse.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()[0][0]
    result = CliRunner().invoke(main, ["reconcile", "--db", db_path, "--json",
                                       "--updates-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert {name: check["count"] for name, check in printed.items()} == {
        "won_not_invoiced": 2, "invoice_without_deal": 2,
        "invoice_missing_deal_reference": 1, "invoice_customer_not_in_crm": 1,
        "amount_mismatch": 1, "stage_conflict": 2, "customer_one_system": 2,
        "probable_duplicates": 1, "payment_without_invoice": 0,
    }
    assert printed["amount_mismatch"]["rows"][0]["difference_rc"] == -50.0
    assert (tmp_path / "crm_updates.csv").read_text() == (
        "deal_id,new_stage\nD3,Closed Won\nD4,Closed Won\n"
    )
    assert (tmp_path / "accounting_updates.csv").read_text() == (
        "invoice_id,deal_reference\nI5,D6\nI6,D7\n"
    )


def test_payment_to_unknown_invoice_is_listed(tmp_path):
    from etl.reconcile import check_params, run_check
    from tests.conftest import build_warehouse, write_csv

    write_csv(tmp_path, "invoices.csv", """
        number,issued,total
        I1,2024-01-02,100.00
    """)
    write_csv(tmp_path, "payments.csv", """
        id,invoice,date,amount
        P1,I1,2024-01-10,100.00
        P8,INV-999,2024-01-11,700.00
    """)
    sources = [
        {"table": "invoices", "path": "invoices.csv",
         "columns": {"invoice_id": "number", "issued_on": "issued", "total": "total"}},
        {"table": "payments", "path": "payments.csv",
         "columns": {"payment_id": "id", "invoice_id": "invoice", "paid_on": "date",
                     "amount": "amount"}},
    ]
    con = build_warehouse(tmp_path, sources)
    rows = run_check(con, "payment_without_invoice", check_params(con))
    assert [(row["payment_id"], row["invoice_id"]) for row in rows] == [("P8", "INV-999")]
    assert rows[0]["action"] == (
        "Accounting: apply payment P8 to an existing invoice; "
        "invoice INV-999 is in no invoice extract"
    )
