"""A hand-built warehouse and a real API server on 127.0.0.1 serving it.

Acme Inc. is CRM account A1 and accounting customer C1, spelled "ACME, Inc"
in accounting. Lead L1 (2024-01-01) became deal D1, won 1000 on 2024-02-01.
Invoice I1 bills it 1000 on 2024-02-02; it is paid 600 on 02-20, credited 100
on 02-25 and paid 300 on 03-01, so it is settled 28 days after issue. Invoice
I2 (200) is void. Beta GmbH has one open deal and nothing in accounting.
"""

import socket
import threading
import time
from contextlib import contextmanager

import pytest
import requests
import uvicorn

from etl.api import create_app
from tests.conftest import build_warehouse, write_csv

SOURCES = [
    {"table": "accounts", "path": "accounts.csv",
     "columns": {"account_id": "id", "customer_name": "name", "customer_id": "erp"}},
    {"table": "leads", "path": "leads.csv",
     "columns": {"lead_id": "id", "created_on": "created", "customer_name": "company"}},
    {"table": "deals", "path": "deals.csv",
     "columns": {"deal_id": "id", "lead_id": "lead", "account_id": "account",
                 "customer_name": "customer", "owner": "owner", "stage": "stage",
                 "status": "status", "amount": "amount", "created_on": "created",
                 "closed_on": "closed"}},
    {"table": "activities", "path": "activities.csv",
     "columns": {"activity_id": "id", "deal_id": "deal", "type": "type",
                 "occurred_on": "date", "subject": "subject"}},
    {"table": "invoices", "path": "invoices.csv",
     "columns": {"invoice_id": "number", "customer_id": "customer_id",
                 "customer_name": "customer", "deal_id": "deal", "issued_on": "issued",
                 "due_on": "due", "total": "total", "status": "status"}},
    {"table": "payments", "path": "payments.csv",
     "columns": {"payment_id": "id", "invoice_id": "invoice", "paid_on": "date",
                 "amount": "amount"}},
    {"table": "credit_notes", "path": "credits.csv",
     "columns": {"credit_note_id": "id", "invoice_id": "invoice", "issued_on": "date",
                 "amount": "amount", "reason": "reason"}},
]


def write_extracts(folder, extra_accounts: str = "") -> None:
    """Write the hand-built extracts; `extra_accounts` adds account rows."""
    write_csv(folder, "accounts.csv", "id,name,erp\nA1,Acme Inc.,C1\nA2,Beta GmbH,\n"
              + extra_accounts)
    write_csv(folder, "leads.csv", """
        id,created,company
        L1,2024-01-01,Acme Inc.
    """)
    write_csv(folder, "deals.csv", """
        id,lead,account,customer,owner,stage,status,amount,created,closed
        D1,L1,A1,Acme Inc.,Ann,Closed Won,won,1000,2024-01-05,2024-02-01
        D2,,A2,Beta GmbH,Bob,Proposal,open,500,2024-02-10,
    """)
    write_csv(folder, "activities.csv", """
        id,deal,type,date,subject
        X1,D1,call,2024-01-20,Intro call
    """)
    write_csv(folder, "invoices.csv", """
        number,customer_id,customer,deal,issued,due,total,status
        I1,C1,"ACME, Inc",D1,2024-02-02,2024-03-03,1000.00,open
        I2,C1,"ACME, Inc",,2024-02-03,2024-03-04,200.00,void
    """)
    write_csv(folder, "payments.csv", """
        id,invoice,date,amount
        P1,I1,2024-02-20,600.00
        P2,I1,2024-03-01,300.00
    """)
    write_csv(folder, "credits.csv", """
        id,invoice,date,amount,reason
        CN1,I1,2024-02-25,100.00,discount
    """)


@pytest.fixture(scope="session")
def warehouse_path(tmp_path_factory):
    folder = tmp_path_factory.mktemp("api")
    write_extracts(folder)
    build_warehouse(folder, SOURCES, {"go_live": "2024-02-01"}).close()
    return folder / "warehouse.duckdb"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(db_path):
    """Run the API on `db_path` in a uvicorn thread on a free loopback port."""
    port = free_port()
    config = uvicorn.Config(create_app(db_path), host="127.0.0.1", port=port,
                            log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"API server did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def api_url(warehouse_path):
    with serve(warehouse_path) as url:
        yield url


@pytest.fixture(scope="session")
def http():
    with requests.Session() as session:
        yield session
