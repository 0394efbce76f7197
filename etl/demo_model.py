"""Records behind the demo data set, and the span of dates it covers.

`etl.demo` and `etl.demo_mismatches` build these records and turn them into
export rows, so both modules share one definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

START = date(2024, 1, 1)
END = date(2025, 12, 31)
CENT = Decimal("0.01")
CURRENCY_BY_COUNTRY = {
    "US": "USD",
    "CA": "USD",
    "DE": "EUR",
    "FR": "EUR",
    "GB": "GBP",
}


@dataclass
class _Account:
    account_id: str
    crm_name: str
    books_name: str
    customer_id: str
    country: str
    segment: str
    owner: str
    terms_days: int
    parent_name: str = ""
    is_customer_id_in_crm: bool = False

    @property
    def currency(self) -> str:
        return CURRENCY_BY_COUNTRY[self.country]


@dataclass
class _Deal:
    account: _Account
    owner: str
    created_on: date
    closed_on: date | None
    stage: str
    amount: Decimal
    product: str
    probability: str = ""
    deal_id: str = ""
    lead_id: str = ""


@dataclass
class _Lead:
    created_on: date
    origin: str
    company: str
    owner: str
    status: str
    deal: _Deal | None = None
    lead_id: str = ""


@dataclass
class _Activity:
    deal: _Deal
    kind: str
    occurred_at: str
    subject: str
    notes: str


@dataclass
class _Invoice:
    deal: _Deal
    issued_on: date
    total: Decimal
    has_deal_ref: bool = True
    is_void: bool = False
    is_duplicate: bool = False
    replaces: _Invoice | None = None
    has_due_date: bool = True
    invoice_id: str = ""
    paid: Decimal = Decimal(0)
    credited: Decimal = Decimal(0)

    @property
    def due_on(self) -> date:
        return self.issued_on + timedelta(days=self.deal.account.terms_days)


@dataclass
class _Payment:
    invoice: _Invoice
    paid_on: date
    amount: Decimal
    method: str
    payment_id: str = ""


@dataclass
class _CreditNote:
    invoice: _Invoice
    issued_on: date
    amount: Decimal
    reason: str
    has_invoice_ref: bool = True
    credit_note_id: str = ""


@dataclass
class _Return:
    invoice: _Invoice
    returned_on: date
    reason: str
    has_invoice_ref: bool = True
    return_id: str = ""
