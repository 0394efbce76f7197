"""A hand-built warehouse with one case of every reconciliation check.

Settings: grace 30 days, tolerance 1 % or 1.00. The data ends 2024-03-31,
which is "today" for the grace period.

- D1 Acme won 1000, invoice I1 names it and is paid: no finding.
- D2 Beta won 500, invoice I2 names it but bills 450: amount mismatch.
- D3 Acme still open, invoice I3 names it and is paid: stage conflict.
- D4 Beta lost, invoice I4 names it: stage conflict.
- D5 Gamma won 700, never invoiced; Gamma is in the CRM only.
- D6 Acme won 800, invoice I5 bills 800 two days later without naming it:
  linked by customer, amount and date, so the reference is missing.
- D7 Beta won 400 on 03-01, invoice I6 bills 250 on 03-05 without naming
  it: too far off to link, so I6 has no deal and D7 is not invoiced.
- I7 bills Xeno Ltd, which no CRM record names.
- Leads "Northwind Store" and "Northwood Store" differ in their first word,
  so they go to review rather than being merged.
"""

import pytest

from tests.conftest import build_warehouse, write_csv


@pytest.fixture(scope="session")
def reconcile_warehouse(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reconcile")
    write_csv(folder, "accounts.csv", """
        id,name,erp
        A1,Acme,C1
        A2,Beta,C2
        A3,Gamma,
    """)
    write_csv(folder, "leads.csv", """
        id,created,company
        L1,2024-01-02,Northwind Store
        L2,2024-01-03,Northwood Store
    """)
    write_csv(folder, "deals.csv", """
        id,account,customer,stage,amount,created,closed
        D1,A1,Acme,Closed Won,1000,2024-01-01,2024-01-10
        D2,A2,Beta,Closed Won,500,2024-01-02,2024-01-15
        D3,A1,Acme,Negotiation,300,2024-01-05,
        D4,A2,Beta,Closed Lost,200,2024-01-06,2024-02-01
        D5,A3,Gamma,Closed Won,700,2024-01-07,2024-01-20
        D6,A1,Acme,Closed Won,800,2024-01-08,2024-02-10
        D7,A2,Beta,Closed Won,400,2024-01-09,2024-03-01
    """)
    write_csv(folder, "invoices.csv", """
        number,customer_id,customer,deal,issued,due,total,status
        I1,C1,Acme,D1,2024-01-11,2024-02-10,1000.00,paid
        I2,C2,Beta,D2,2024-01-16,2024-02-15,450.00,open
        I3,C1,Acme,D3,2024-01-20,2024-02-19,300.00,paid
        I4,C2,Beta,D4,2024-02-02,2024-03-03,200.00,open
        I5,C1,Acme,,2024-02-12,2024-03-13,800.00,open
        I6,C2,Beta,,2024-03-05,2024-04-04,250.00,open
        I7,C9,Xeno Ltd,,2024-03-10,2024-04-09,150.00,open
    """)
    write_csv(folder, "payments.csv", """
        id,invoice,date,amount
        P1,I1,2024-02-01,1000.00
        P3,I3,2024-03-31,300.00
    """)
    status = {"Closed Won": "won", "Closed Lost": "lost", "Negotiation": "open"}
    sources = [
        {"table": "accounts", "path": "accounts.csv",
         "columns": {"account_id": "id", "customer_name": "name", "customer_id": "erp"}},
        {"table": "leads", "path": "leads.csv",
         "columns": {"lead_id": "id", "created_on": "created", "customer_name": "company"}},
        {"table": "deals", "path": "deals.csv", "values": {"status": status},
         "columns": {"deal_id": "id", "account_id": "account", "customer_name": "customer",
                     "stage": "stage", "status": "stage", "amount": "amount",
                     "created_on": "created", "closed_on": "closed"}},
        {"table": "invoices", "path": "invoices.csv",
         "columns": {"invoice_id": "number", "customer_id": "customer_id",
                     "customer_name": "customer", "deal_id": "deal", "issued_on": "issued",
                     "due_on": "due", "total": "total", "status": "status"}},
        {"table": "payments", "path": "payments.csv",
         "columns": {"payment_id": "id", "invoice_id": "invoice", "paid_on": "date",
                     "amount": "amount"}},
    ]
    settings = {"grace_days": 30, "tolerance_pct": 0.01, "tolerance_abs": 1,
                "go_live": "2024-02-15"}
    con = build_warehouse(folder, sources, settings)
    yield con
    con.close()
