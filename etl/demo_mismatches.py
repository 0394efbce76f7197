"""Demo records that only a cross-check of the CRM and accounting finds.

`make_mismatches` adds customers known to one system only, deals whose CRM
stage contradicts accounting, and recorded returns of invoiced orders.
`etl.demo` gives it a random generator of its own, so that the other demo
records come out the same with or without these.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from etl.demo_model import (
    CENT,
    END,
    START,
    _Account,
    _Deal,
    _Invoice,
    _Payment,
    _Return,
)

# Customers that appear only in accounting: (accounting name, customer number,
# invoice count). CRM accounts use customer numbers 1001 to 1998 only.
ACCOUNTING_ONLY_CUSTOMERS = (
    ("Ostara Veterinary Clinics", "CUST-2101", 2),
    ("Pembury Print Works Ltd", "CUST-2102", 1),
    ("Tallis & Crane Bakeries", "CUST-2103", 2),
)
# CRM accounts with one won deal each that accounting never invoiced. The deals
# close by 2025-08-27, so the grace period for invoicing ends inside the span.
CRM_ONLY_CUSTOMERS = ("Ravensworth Outdoor Co.", "Kittering Dental Group")
CRM_ONLY_FIRST_CREATED = date(2025, 3, 1)
# The number of deals whose CRM stage contradicts accounting: one still open
# with a paid invoice and one lost with an invoice issued.
STAGE_CONFLICT_COUNT = 2
RETURN_COUNT = 4
RETURN_REASONS = (
    "Cancelled within return window",
    "Wrong edition ordered",
    "Damaged on delivery",
    "Ordered in error",
)
SETTLEMENT_METHODS = ("ACH", "Wire", "Check")


@dataclass
class Mismatches:
    """Records to add to the demo data set.

    Account and return ids are set here. `etl.demo` numbers the deals, invoices
    and payments together with its own.
    """

    accounts: list[_Account] = field(default_factory=list)
    deals: list[_Deal] = field(default_factory=list)
    invoices: list[_Invoice] = field(default_factory=list)
    payments: list[_Payment] = field(default_factory=list)
    returns: list[_Return] = field(default_factory=list)


def make_mismatches(
    rng: random.Random, accounts: list[_Account], invoices: list[_Invoice]
) -> Mismatches:
    """Build the cross-system faults against the demo's accounts and invoices.

    New CRM accounts are numbered after `accounts`. Returns are recorded
    against invoices from `invoices`, which must already carry their ids.
    """
    usd_accounts = [account for account in accounts if account.currency == "USD"]
    mismatches = Mismatches()

    _add_crm_only_customers(rng, mismatches, len(accounts), usd_accounts)
    _add_accounting_only_customers(rng, mismatches)
    _add_stage_conflicts(rng, mismatches, usd_accounts)
    mismatches.returns = _record_returns(rng, invoices)
    return mismatches


def _add_crm_only_customers(
    rng: random.Random,
    mismatches: Mismatches,
    account_count: int,
    usd_accounts: list[_Account],
) -> None:
    for offset, name in enumerate(CRM_ONLY_CUSTOMERS, start=1):
        owner = rng.choice(usd_accounts).owner
        account_id = f"ACC-{account_count + offset:04d}"
        account = _Account(account_id, name, "", "", "US", "SMB", owner, 30)
        created_on = CRM_ONLY_FIRST_CREATED + timedelta(days=rng.randrange(120))
        closed_on = created_on + timedelta(days=rng.randint(20, 60))
        amount = _draw_amount(rng)
        deal = _Deal(account, owner, created_on, closed_on, "Closed Won", amount, "")
        deal.product = "Platform License"
        mismatches.accounts.append(account)
        mismatches.deals.append(deal)


def _add_accounting_only_customers(rng: random.Random, mismatches: Mismatches) -> None:
    for name, customer_id, invoice_count in ACCOUNTING_ONLY_CUSTOMERS:
        account = _Account("", "", name, customer_id, "US", "SMB", "", 30)
        issued_on = START + timedelta(days=rng.randrange(500))
        for _ in range(invoice_count):
            # A sale booked straight into accounting. Its deal is in no CRM
            # export, and the invoice names no deal.
            amount = _draw_amount(rng)
            sale = _Deal(account, "", issued_on, issued_on, "Closed Won", amount, "")
            invoice = _Invoice(sale, issued_on, amount, has_deal_ref=False)
            mismatches.invoices.append(invoice)
            if rng.random() < 0.7:
                paid_on = issued_on + timedelta(days=rng.randint(5, 40))
                _settle(rng, mismatches, invoice, paid_on)
            issued_on += timedelta(days=rng.randint(60, 150))


def _add_stage_conflicts(
    rng: random.Random, mismatches: Mismatches, usd_accounts: list[_Account]
) -> None:
    # Paid in full, but the owner never moved the deal on from Negotiation.
    account = rng.choice(usd_accounts)
    created_on = date(2025, 4, 1) + timedelta(days=rng.randrange(60))
    amount = _draw_amount(rng)
    open_deal = _Deal(
        account, account.owner, created_on, None, "Negotiation", amount, ""
    )
    issued_on = created_on + timedelta(days=rng.randint(40, 70))
    paid_invoice = _Invoice(open_deal, issued_on, amount)
    paid_on = issued_on + timedelta(days=rng.randint(10, 25))
    _settle(rng, mismatches, paid_invoice, paid_on)

    # Marked lost in the CRM a few days after accounting had invoiced it.
    account = rng.choice(usd_accounts)
    created_on = date(2024, 9, 1) + timedelta(days=rng.randrange(90))
    closed_on = created_on + timedelta(days=rng.randint(30, 60))
    amount = _draw_amount(rng)
    lost_deal = _Deal(
        account, account.owner, created_on, closed_on, "Closed Lost", amount, ""
    )
    issued_on = closed_on - timedelta(days=rng.randint(3, 10))
    issued_invoice = _Invoice(lost_deal, issued_on, amount)

    for deal in (open_deal, lost_deal):
        deal.product = rng.choice(("Platform License", "Support Plan"))
    mismatches.deals += [open_deal, lost_deal]
    mismatches.invoices += [paid_invoice, issued_invoice]


def _record_returns(rng: random.Random, invoices: list[_Invoice]) -> list[_Return]:
    # Orders with one plain invoice only, so that a return is the only error
    # event on each of them.
    invoice_count_by_deal: dict[str, int] = {}
    for invoice in invoices:
        deal_id = invoice.deal.deal_id
        invoice_count_by_deal[deal_id] = invoice_count_by_deal.get(deal_id, 0) + 1
    last_issue = END - timedelta(days=60)
    candidates = [
        invoice
        for invoice in invoices
        if invoice_count_by_deal[invoice.deal.deal_id] == 1
        and invoice.has_deal_ref
        and not invoice.credited
        and invoice.total == invoice.deal.amount
        and invoice.issued_on <= last_issue
    ]

    returns = []
    for invoice, reason in zip(rng.sample(candidates, RETURN_COUNT), RETURN_REASONS):
        returned_on = invoice.issued_on + timedelta(days=rng.randint(7, 45))
        returns.append(_Return(invoice, returned_on, reason))
    # The returns desk sometimes records only the order, not the invoice.
    rng.choice(returns).has_invoice_ref = False

    returns.sort(key=lambda item: item.returned_on)
    for number, item in enumerate(returns, start=3001):
        item.return_id = f"RMA-{number}"
    return returns


def _settle(
    rng: random.Random, mismatches: Mismatches, invoice: _Invoice, paid_on: date
) -> None:
    # Payments after the span have not happened yet.
    if paid_on > END:
        return
    method = rng.choice(SETTLEMENT_METHODS)
    mismatches.payments.append(_Payment(invoice, paid_on, invoice.total, method))
    invoice.paid += invoice.total


def _draw_amount(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(30, 250) * 100).quantize(CENT)
