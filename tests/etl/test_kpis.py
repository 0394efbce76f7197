"""Each KPI on a hand-built data set, with the expected value worked out by hand.

Period 2024-02-01 to 2024-03-31 (60 days), as of 2024-03-31.

Deals:
- D1 won 1000: lead L1 2024-01-01, created 01-05, won 02-01.
- D2 won 500: lead L2 01-10, created 01-15, won 02-15.
- D3 lost.
- D4 open 2000 in stage Negotiation, probability 0.5 from the stage table.
- D5 won 300: created 02-10, won 02-25, never invoiced.
Invoices: I1 1000 for D1 (02-02, due 03-03), I3 void for D1, I2 520 for D2
(02-16, due 03-17), I4 200 with no deal (03-01, due 03-15).
Payments: I1 600 on 02-20 and 400 on 03-01; I2 520 on 03-20; I4 50 on 03-10.
Credit note C1: 20 against I2 on 03-25.
"""

import datetime as dt
from decimal import Decimal

import pytest

from etl.kpis import compute_kpis
from tests.conftest import build_warehouse, write_csv

START, END = dt.date(2024, 2, 1), dt.date(2024, 3, 31)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kpis")
    write_csv(folder, "leads.csv", """
        id,created
        L1,2024-01-01
        L2,2024-01-10
    """)
    write_csv(folder, "deals.csv", """
        id,lead,customer,owner,stage,amount,created,closed
        D1,L1,Acme,Ann,Won,1000,2024-01-05,2024-02-01
        D2,L2,Beta,Bob,Won,500,2024-01-15,2024-02-15
        D3,,Gamma,Ann,Lost,0,2024-01-20,2024-02-20
        D4,,Delta,Bob,Negotiation,2000,2024-02-01,
        D5,,Epsilon,Ann,Won,300,2024-02-10,2024-02-25
    """)
    write_csv(folder, "invoices.csv", """
        number,customer,deal,issued,due,total,status
        I1,Acme,D1,2024-02-02,2024-03-03,1000.00,open
        I3,Acme,D1,2024-02-01,2024-03-02,1000.00,void
        I2,Beta,D2,2024-02-16,2024-03-17,520.00,open
        I4,Xeno Ltd,,2024-03-01,2024-03-15,200.00,open
    """)
    write_csv(folder, "payments.csv", """
        id,invoice,date,amount
        P1,I1,2024-02-20,600.00
        P2,I1,2024-03-01,400.00
        P3,I2,2024-03-20,520.00
        P4,I4,2024-03-10,50.00
    """)
    write_csv(folder, "credits.csv", """
        id,invoice,date,amount
        C1,I2,2024-03-25,20.00
    """)
    status = {"Won": "won", "Lost": "lost", "Negotiation": "open"}
    sources = [
        {"table": "leads", "path": "leads.csv",
         "columns": {"lead_id": "id", "created_on": "created"}},
        {"table": "deals", "path": "deals.csv", "values": {"status": status},
         "columns": {"deal_id": "id", "lead_id": "lead", "customer_name": "customer",
                     "owner": "owner", "stage": "stage", "status": "stage",
                     "amount": "amount", "created_on": "created", "closed_on": "closed"}},
        {"table": "invoices", "path": "invoices.csv",
         "columns": {"invoice_id": "number", "customer_name": "customer",
                     "deal_id": "deal", "issued_on": "issued", "due_on": "due",
                     "total": "total", "status": "status"}},
        {"table": "payments", "path": "payments.csv",
         "columns": {"payment_id": "id", "invoice_id": "invoice",
                     "paid_on": "date", "amount": "amount"}},
        {"table": "credit_notes", "path": "credits.csv",
         "columns": {"credit_note_id": "id", "invoice_id": "invoice",
                     "issued_on": "date", "amount": "amount"}},
    ]
    settings = {"stage_probability": {"Negotiation": 0.5}}
    con = build_warehouse(folder, sources, settings)
    yield con
    con.close()


@pytest.fixture(scope="module")
def kpis(warehouse):
    return compute_kpis(warehouse, START, END)


def test_pipeline_counts_and_values(kpis):
    pipeline = kpis["pipeline"]
    assert pipeline["won_count"] == 3
    assert pipeline["lost_count"] == 1
    assert pipeline["won_value"] == Decimal("1800.00")
    assert pipeline["win_rate"] == 0.75
    assert pipeline["avg_won_deal_size"] == Decimal("600.00")


def test_open_and_weighted_pipeline(kpis):
    assert kpis["pipeline"]["open_by_stage"] == [
        {"stage": "Negotiation", "open_count": 1, "open_value": Decimal("2000.00"),
         "weighted_value": Decimal("1000.00")},
    ]
    assert kpis["pipeline"]["open_value"] == Decimal("2000.00")
    assert kpis["pipeline"]["open_count"] == 1
    assert kpis["pipeline"]["weighted_value"] == Decimal("1000.00")


def test_sales_cycle_days(kpis):
    # cycles 27 (D1), 31 (D2) and 15 (D5) days
    assert kpis["pipeline"]["sales_cycle_days"] == {
        "median": 27.0, "mean": 24.3, "p90": 30.2, "count": 3,
    }


def test_lead_to_won_days(kpis):
    # D1 01-01 -> 02-01 = 31, D2 01-10 -> 02-15 = 36, D5 created 02-10 -> 02-25 = 15
    assert kpis["pipeline"]["lead_to_won_days"] == {"median": 31.0, "mean": 27.3, "count": 3}


def test_invoicing_excludes_void(kpis):
    invoicing = kpis["invoicing"]
    assert invoicing["invoice_count"] == 3
    assert invoicing["invoiced_total"] == Decimal("1720.00")
    assert invoicing["avg_invoice_size"] == Decimal("573.33")
    assert invoicing["credit_note_total"] == Decimal("20.00")
    # (1720 - 20) / 3 = 566.666...
    assert invoicing["avg_invoice_size_net"] == Decimal("566.67")


def test_cash_ar_and_aging(kpis):
    collections = kpis["collections"]
    assert collections["cash_collected"] == Decimal("1570.00")
    assert collections["ar_total"] == Decimal("150.00")
    assert collections["ar_aging"] == {
        "current": Decimal("0.00"), "1_30": Decimal("150.00"), "31_60": Decimal("0.00"),
        "61_90": Decimal("0.00"), "over_90": Decimal("0.00"),
    }


def test_dso_and_cei(kpis):
    # DSO: 150 / 1720 * 60 = 5.23; CEI: (0 + 1720 - 150) / (0 + 1720 - 0) = 91.28 %
    assert kpis["collections"]["dso"] == 5.2
    assert kpis["collections"]["cei"] == 91.3


def test_on_time_rate_and_days_to_pay(kpis):
    # I1 paid in full 03-01 (due 03-03, 28 days); I2 on 03-20 (due 03-17, 33 days)
    collections = kpis["collections"]
    assert collections["on_time_rate"] == 0.5
    assert collections["days_to_pay"] == {"median": 30.5, "mean": 30.5, "count": 2}
    assert collections["days_late"] == {"median": 1.5, "mean": 1.5}


def test_lead_to_payment_cycle(kpis):
    # D1: 01-01 -> 03-01 = 60 days; D2: 01-10 -> 03-20 = 70 days; D5 unpaid
    cycle = kpis["lead_to_payment_days"]
    assert (cycle["median"], cycle["mean"], cycle["p90"]) == (65.0, 65.0, 69.0)
    assert cycle["count"] == 2
    assert cycle["open_count"] == 1
    assert cycle["open_median_age_days"] == 50.0
    assert cycle["stages"] == {
        "lead_to_won_median": 33.5,
        "won_to_invoiced_median": 1.0,
        "invoiced_to_paid_median": 30.5,
    }


def test_order_error_rate_by_event(kpis):
    # D1 was voided and reissued; D2 has a credit note and 520 billed for 500
    errors = kpis["order_error_rate"]
    assert errors["orders"] == 3
    assert errors["orders_with_errors"] == 2
    assert errors["rate"] == 0.6667
    assert errors["by_event"]["void_reissue"]["orders"] == 1
    assert errors["by_event"]["credit_note"]["orders"] == 1
    assert errors["by_event"]["amount_mismatch"]["orders"] == 1
    assert errors["by_event"]["duplicate_invoice"]["orders"] == 0
    assert errors["by_event"]["return_recorded"]["orders"] == 0
    assert errors["not_invoiced"] == 1


def test_monthly_series(kpis):
    february, march = kpis["monthly"]
    assert february == {
        "month": "2024-02", "won_value": Decimal("1800.00"),
        "invoiced_total": Decimal("1520.00"), "cash_collected": Decimal("600.00"),
        "ar_total": Decimal("920.00"), "dso": 17.6,
    }
    assert march == {
        "month": "2024-03", "won_value": Decimal("0.00"),
        "invoiced_total": Decimal("200.00"), "cash_collected": Decimal("970.00"),
        "ar_total": Decimal("150.00"), "dso": 23.3,
    }


def test_owner_filter_narrows_every_section(warehouse):
    kpis = compute_kpis(warehouse, START, END, owner="Bob")
    assert kpis["pipeline"]["won_count"] == 1
    assert kpis["invoicing"]["invoiced_total"] == Decimal("520.00")
    assert kpis["collections"]["cash_collected"] == Decimal("520.00")
    assert kpis["pipeline"]["open_value"] == Decimal("2000.00")


def test_empty_period_gives_nulls_not_zero_division(warehouse):
    kpis = compute_kpis(warehouse, dt.date(2030, 1, 1), dt.date(2030, 1, 31))
    assert kpis["pipeline"]["win_rate"] is None
    assert kpis["invoicing"]["avg_invoice_size"] is None
    assert kpis["collections"]["dso"] is None
    assert kpis["order_error_rate"]["rate"] is None


def test_order_error_rate_null_without_invoices(tmp_path):
    write_csv(tmp_path, "deals.csv", """
        id,status,amount,closed
        D1,won,100,2024-01-02
    """)
    source = {"table": "deals", "path": "deals.csv",
              "columns": {"deal_id": "id", "status": "status", "amount": "amount",
                          "closed_on": "closed"}}
    con = build_warehouse(tmp_path, [source])
    errors = compute_kpis(con)["order_error_rate"]
    assert errors["rate"] is None
    assert errors["orders"] == 1
