"""Seeded demo data set: two years of linked CRM and accounting exports.

`generate_demo` writes CSV files shaped like vendor exports, with the faults that
real exports carry, and the mapping file that loads them. The same seed always
gives byte-identical files, because every random draw comes from a
`random.Random` seeded from `seed` and every date lies in a fixed span.
`etl.demo_mismatches` adds the records that only a cross-check of the two
systems finds, such as customers known to one system only.
"""

from __future__ import annotations

import csv
import json
import logging
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from etl.demo_mismatches import make_mismatches
from etl.demo_model import (
    CENT,
    CURRENCY_BY_COUNTRY,
    END,
    START,
    _Account,
    _Activity,
    _CreditNote,
    _Deal,
    _Invoice,
    _Lead,
    _Payment,
    _Return,
)

logger = logging.getLogger(__name__)

ACCOUNTING_DATE_FORMAT = "%m/%d/%Y"

TEAM_BY_OWNER = {
    "Dana Whitfield": "East",
    "Marcus Oyelaran": "East",
    "Priya Raman": "East",
    "Tom Keller": "West",
    "Aiko Tanaka": "West",
    "Luis Ortega": "West",
    "Sophie Laurent": "EMEA",
    "Jonas Becker": "EMEA",
}
# VAT included in the invoice total. US and Canadian invoices carry no tax.
VAT_BY_COUNTRY = {"DE": Decimal("0.19"), "FR": Decimal("0.20"), "GB": Decimal("0.20")}
# Range of deal amounts per segment, in hundreds of the account's currency.
AMOUNT_HUNDREDS_BY_SEGMENT = {
    "SMB": (20, 200),
    "Mid-Market": (100, 600),
    "Enterprise": (400, 1500),
}
DEALS_WEIGHT_BY_SEGMENT = {"SMB": 1, "Mid-Market": 2, "Enterprise": 3}

# Customers with fixed names: (CRM name, accounting name, country, segment).
# All but the last are spelled differently in the accounting export. The last
# is billed in GBP, for which fx_rates.csv has no rate, so it stays unconverted.
NAMED_CUSTOMERS = (
    ("Acme Inc.", "ACME, Inc", "US", "Enterprise"),
    ("The Widget Company Ltd", "Widget Company Limited", "US", "Mid-Market"),
    ("Globex Corporation", "Globex Corp.", "US", "Enterprise"),
    ("Initech LLC", "INITECH LLC", "US", "Mid-Market"),
    ("Smith & Sons Hardware", "Smith and Sons Hardware", "CA", "SMB"),
    ("Northwind Traders", "Northwind Traders Inc.", "US", "SMB"),
    ("Müller Maschinenbau GmbH", "Mueller Maschinenbau GmbH", "DE", "Mid-Market"),
    ("Société Lumière SA", "Societe Lumiere S.A.", "FR", "SMB"),
    ("Harrow & Finch Ltd", "Harrow & Finch Ltd", "GB", "SMB"),
)
CUSTOMER_COUNT = 60
NAME_ROOTS = (
    "Alder", "Bluepeak", "Brightwater", "Cobalt", "Corvid", "Driftwood", "Dunmore",
    "Ember", "Everline", "Fairhaven", "Foxglove", "Goldcrest", "Granite", "Halcyon",
    "Harbor", "Indigo", "Ironwood", "Jasper", "Juniper", "Kestrel", "Keystone",
    "Larkspur", "Lumen", "Maple", "Meridian", "Nimbus", "Northgate", "Oakridge",
    "Orchard", "Pinnacle", "Prairie", "Quarry", "Quill", "Redwood", "Riverstone",
    "Silverline", "Summit", "Thistle", "Tidewater", "Umber", "Upland", "Vantage",
    "Westbrook", "Willow", "Yarrow", "Zephyr", "Ashford", "Beacon", "Cedar",
    "Delta", "Falcon", "Glacier", "Hawthorn", "Ivory", "Lattice", "Mosaic",
    "Nova", "Onyx", "Pioneer", "Sable", "Sequoia", "Tundra", "Vertex", "Wren",
)  # fmt: skip
NAME_SECTORS = (
    "Analytics", "Energy", "Foods", "Health", "Labs", "Logistics", "Manufacturing",
    "Media", "Partners", "Retail", "Software", "Systems",
)  # fmt: skip
LEGAL_SUFFIXES = ("Inc.", "LLC", "Corp.", "Co.", "")
SEGMENTS = ("SMB", "Mid-Market", "Enterprise")

DEAL_COUNT = 700
# Won deals added for each non-USD customer, so that EUR and GBP invoices appear
# whatever the seed.
FOREIGN_ANCHOR_DEALS = 2
LEAD_COUNT = 1500
LEAD_SHARE_OF_DEALS = 0.6
# Companies behind the leads that never became deals.
PROSPECT_COUNT = 400
WIN_RATE = 0.38
OPEN_STAGES = ("Prospecting", "Qualified", "Proposal", "Negotiation")
STAGE_PROBABILITY = {
    "Prospecting": Decimal("0.1"),
    "Qualified": Decimal("0.25"),
    "Proposal": Decimal("0.5"),
    "Negotiation": Decimal("0.75"),
}
DEAL_STATUS_BY_STAGE = {stage: "open" for stage in OPEN_STAGES} | {
    "Closed Won": "won",
    "Closed Lost": "lost",
}
PRODUCTS = ("Platform License", "Professional Services", "Support Plan", "Data Add-on")
ORIGINS = ("Website", "Paid Search", "Referral", "Trade Show", "Outbound", "Partner")

ACTIVITY_SUBJECTS = {
    "Call": ("Discovery call", "Pricing call", "Check-in call", "Left voicemail"),
    "Email": ("Sent proposal", "Follow-up email", "Sent contract", "Intro email"),
    "Meeting": ("Product demo", "Onsite workshop", "Contract review", "Kickoff"),
}
ACTIVITY_NOTES = (
    "Asked about annual billing",
    'Champion said "not before Q3"',
    "Needs security questionnaire, legal review pending",
)
# Quoted CSV fields with line breaks, as CRM note fields export them.
MULTILINE_NOTES = (
    "Agreed next steps:\n- send revised quote\n- book legal review",
    "Budget confirmed.\nDecision expected next month.",
    "Call dropped twice.\nRescheduled for Thursday.",
)

INVOICE_STATUS_VALUES = {
    "Paid": "paid",
    "Open": "open",
    "Partially Paid": "open",
    "Void": "void",
}
ACTIVITY_TYPE_VALUES = {"Call": "call", "Email": "email", "Meeting": "meeting"}
PAYMENT_METHODS = ("ACH", "Wire", "Check", "Credit Card", "")
PAYMENT_METHOD_WEIGHTS = (40, 25, 20, 10, 5)
CREDIT_REASONS = (
    "Pricing error",
    "Service outage credit",
    "Returned goods",
    "Goodwill discount",
    "Billing error",
)

# Won deals that get a special accounting treatment, by treatment. They are drawn
# from deals closed early enough that their invoices and the grace period fall
# inside the span.
SPECIAL_DEAL_COUNTS = {
    "never_invoiced": 6,
    "instalments": 14,
    "duplicate": 2,
    "void_reissue": 4,
    "amount_mismatch": 6,
    "no_deal_ref": 6,
}
LAST_SPECIAL_CLOSE = date(2025, 9, 30)
MISMATCH_FACTORS = (Decimal("0.88"), Decimal("0.95"), Decimal("1.04"), Decimal("1.15"))
PAYMENT_BEHAVIOURS = ("on_time", "late", "partial_then_rest", "partial_open", "never")
PAYMENT_BEHAVIOUR_WEIGHTS = (50, 27, 8, 5, 10)
# Unpaid invoices issued in this window are more than 90 days past due at END,
# on net-30 and net-45 terms alike.
OVERDUE_WINDOW = (date(2025, 5, 15), date(2025, 8, 15))
OVERDUE_UNPAID_COUNT = 5
REFUNDED_OVERPAYMENT_COUNT = 2
CREDIT_NOTE_COUNT = 10
BLANK_DUE_DATE_COUNT = 3

# Extra rows that the ETL must quarantine, one per entry: (file, column, value
# written there). "N/A" is a missing required amount, the dates do not exist
# under %m/%d/%Y, and "" is a missing required id. Each row copies a generated
# row and gets a fresh key unless the key is the fault, so that the fault is the
# only thing wrong with it.
QUARANTINE_FAULTS = (
    ("acct_invoices.csv", "Total Amount", "N/A"),
    ("acct_invoices.csv", "Invoice Date", "31/31/2024"),
    ("acct_invoices.csv", "Invoice Number", ""),
    ("acct_payments.csv", "Amount Received", "N/A"),
    ("acct_payments.csv", "Payment Date", "02/30/2025"),
    ("acct_payments.csv", "Invoice Number", ""),
    ("acct_credit_notes.csv", "Credit Amount", "N/A"),
    ("acct_credit_notes.csv", "Credit Date", "13/13/2025"),
    ("crm_deals.csv", "Opportunity ID", ""),
    ("crm_leads.csv", "Lead ID", ""),
)


@dataclass(frozen=True)
class _Export:
    file: str
    table: str
    # (vendor header, canonical fields it feeds). An empty tuple feeds no field.
    columns: tuple[tuple[str, tuple[str, ...]], ...]
    is_accounting: bool = False
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    has_bom: bool = False
    line_end: str = "\n"

    @property
    def headers(self) -> list[str]:
        return [header for header, _ in self.columns]


EXPORTS = (
    _Export(
        "crm_accounts.csv",
        "accounts",
        (
            ("Account ID", ("account_id",)),
            ("Account Name", ("customer_name",)),
            ("ERP Customer No", ("customer_id",)),
            ("Industry Segment", ("segment",)),
            ("Billing Country", ("country",)),
            ("Account Owner", ("owner",)),
            ("Parent Account", ("parent_name",)),
        ),
    ),
    _Export(
        "crm_leads.csv",
        "leads",
        (
            ("Lead ID", ("lead_id",)),
            ("Created Date", ("created_on",)),
            ("Lead Source", ("origin",)),
            ("Company", ("customer_name",)),
            ("Lead Owner", ("owner",)),
            ("Lead Status", ("status",)),
        ),
    ),
    _Export(
        "crm_deals.csv",
        "deals",
        (
            ("Opportunity ID", ("deal_id",)),
            ("Converted Lead ID", ("lead_id",)),
            ("Account ID", ("account_id",)),
            ("Account Name", ("customer_name",)),
            ("Opportunity Owner", ("owner",)),
            ("Sales Team", ("team",)),
            ("Stage", ("stage", "status")),
            ("Amount", ("amount",)),
            ("Currency", ("currency",)),
            ("Probability (%)", ("probability",)),
            ("Created Date", ("created_on",)),
            ("Close Date", ("closed_on",)),
            ("Product Line", ("product",)),
        ),
        values={"status": DEAL_STATUS_BY_STAGE},
        line_end="\r\n",
    ),
    _Export(
        "crm_activities.csv",
        "activities",
        (
            ("Activity ID", ("activity_id",)),
            ("Related Opportunity", ("deal_id",)),
            ("Account ID", ("account_id",)),
            ("Activity Type", ("type",)),
            ("Activity Date", ("occurred_on",)),
            ("Assigned To", ("owner",)),
            ("Subject", ("subject",)),
            ("Notes", ()),
        ),
        values={"type": ACTIVITY_TYPE_VALUES},
    ),
    _Export(
        "acct_invoices.csv",
        "invoices",
        (
            ("Invoice Number", ("invoice_id",)),
            ("Customer No", ("customer_id",)),
            ("Customer Name", ("customer_name",)),
            ("Order Ref", ("deal_id",)),
            ("Invoice Date", ("issued_on",)),
            ("Due Date", ("due_on",)),
            ("Total Amount", ("total",)),
            ("Tax Amount", ("tax",)),
            ("Currency", ("currency",)),
            ("Status", ("status",)),
            ("Disputed", ("disputed",)),
            ("Replaces Invoice", ("replaces_invoice_id",)),
        ),
        is_accounting=True,
        values={"status": INVOICE_STATUS_VALUES},
        has_bom=True,
    ),
    _Export(
        "acct_payments.csv",
        "payments",
        (
            ("Payment Ref", ("payment_id",)),
            ("Invoice Number", ("invoice_id",)),
            ("Payment Date", ("paid_on",)),
            ("Amount Received", ("amount",)),
            ("Currency", ("currency",)),
            ("Payment Method", ("method",)),
        ),
        is_accounting=True,
    ),
    _Export(
        "acct_credit_notes.csv",
        "credit_notes",
        (
            ("Credit Memo No", ("credit_note_id",)),
            ("Applied To Invoice", ("invoice_id",)),
            ("Customer No", ("customer_id",)),
            ("Customer Name", ("customer_name",)),
            ("Credit Date", ("issued_on",)),
            ("Credit Amount", ("amount",)),
            ("Currency", ("currency",)),
            ("Reason Code", ("reason",)),
        ),
        is_accounting=True,
    ),
    _Export(
        "acct_returns.csv",
        "returns",
        (
            ("RMA Number", ("return_id",)),
            ("Order Ref", ("deal_id",)),
            ("Invoice Number", ("invoice_id",)),
            ("Return Date", ("returned_on",)),
            ("Return Reason", ("reason",)),
        ),
        is_accounting=True,
    ),
    _Export(
        "fx_rates.csv",
        "fx_rates",
        (
            ("Rate Date", ("rate_date",)),
            ("From Currency", ("currency",)),
            ("To Currency", ()),
            ("Exchange Rate", ("rate",)),
        ),
    ),
)
# Key column of each file that gets quarantined rows, for fresh ids on the copies.
KEY_COLUMN_BY_FILE = {
    "acct_invoices.csv": "Invoice Number",
    "acct_payments.csv": "Payment Ref",
    "acct_credit_notes.csv": "Credit Memo No",
    "crm_deals.csv": "Opportunity ID",
    "crm_leads.csv": "Lead ID",
}
SETTINGS = {
    "reporting_currency": "USD",
    "timezone": "UTC",
    "payment_terms_days": 30,
    "grace_days": 30,
    "tolerance_pct": Decimal("0.01"),
    "tolerance_abs": 1,
    "go_live": "2025-01-01",
}


def generate_demo(out_dir: Path, seed: int = 20240101) -> Path:
    """Write the seeded demo exports and their mapping file under `out_dir`.

    The files cover 2024-01-01 to 2025-12-31. The same seed gives byte-identical
    files. Returns the path of the mapping file, `out_dir / "lead2cash.toml"`.
    """
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)

    # CRM side: accounts, their deals, the leads deals came from, activities.
    accounts = _make_accounts(rng)
    deals = _make_deals(rng, accounts)
    leads = _make_leads(rng, deals)
    activities = _make_activities(rng, deals)

    # Accounting side: credit notes come before payments, which settle the rest.
    invoices = _make_invoices(rng, deals)
    credit_notes = _make_credit_notes(rng, invoices)
    payments = _make_payments(rng, invoices)

    # Cross-system faults come from a second generator, so that the records
    # above are the same as without them. Ids then follow the dates again.
    mismatch_rng = random.Random(f"{seed}:mismatches")
    mismatches = make_mismatches(mismatch_rng, accounts, invoices)
    accounts += mismatches.accounts
    deals = _number_deals(deals + mismatches.deals)
    invoices = _number_invoices(invoices + mismatches.invoices)
    payments = _number_payments(payments + mismatches.payments)

    # The added payments draw their rows from the second generator too, so that
    # the exchange rates drawn after the payment rows stay as they were.
    added_payments = {id(payment) for payment in mismatches.payments}
    payment_rows = [
        _payment_row(mismatch_rng if id(payment) in added_payments else rng, payment)
        for payment in payments
    ]
    rows_by_file = {
        "crm_accounts.csv": [_account_row(account) for account in accounts],
        "crm_leads.csv": [_lead_row(lead) for lead in leads],
        "crm_deals.csv": [_deal_row(deal) for deal in deals],
        "crm_activities.csv": _activity_rows(activities),
        "acct_invoices.csv": [_invoice_row(invoice) for invoice in invoices],
        "acct_payments.csv": payment_rows,
        "acct_credit_notes.csv": [_credit_note_row(note) for note in credit_notes],
        "acct_returns.csv": [_return_row(item) for item in mismatches.returns],
        "fx_rates.csv": _fx_rate_rows(rng),
    }
    _add_quarantine_rows(rng, rows_by_file)
    return _write_files(out_dir, rows_by_file)


def _write_files(
    out_dir: Path, rows_by_file: dict[str, list[dict[str, str]]]
) -> Path:
    for export in EXPORTS:
        rows = rows_by_file[export.file]
        _write_csv(out_dir / export.file, export, rows)
        logger.info(
            "demo %s: %s rows written to %s", export.file, f"{len(rows):,}", out_dir
        )

    mapping_path = out_dir / "lead2cash.toml"
    mapping_path.write_text(_render_mapping(), encoding="utf-8", newline="\n")
    return mapping_path


def _write_csv(path: Path, export: _Export, rows: list[dict[str, str]]) -> None:
    encoding = "utf-8-sig" if export.has_bom else "utf-8"
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=export.headers, lineterminator=export.line_end
        )
        writer.writeheader()
        writer.writerows(rows)


# --- CRM side -------------------------------------------------------------------


def _make_accounts(rng: random.Random) -> list[_Account]:
    customers = list(NAMED_CUSTOMERS)
    for name in _company_names(rng, CUSTOMER_COUNT - len(customers)):
        country = "CA" if rng.random() < 0.15 else "US"
        customers.append((name, name, country, rng.choice(SEGMENTS)))
    rng.shuffle(customers)

    customer_numbers = rng.sample(range(1001, 1999), len(customers))
    accounts = [
        _make_account(rng, index, customer, customer_numbers[index])
        for index, customer in enumerate(customers)
    ]
    for subsidiary in rng.sample(accounts, 3):
        parent = rng.choice([a for a in accounts if a is not subsidiary])
        subsidiary.parent_name = parent.crm_name
    return accounts


def _make_account(
    rng: random.Random, index: int, customer: tuple[str, str, str, str], number: int
) -> _Account:
    crm_name, books_name, country, segment = customer
    # Accounts billed in EUR or GBP belong to the EMEA team.
    is_emea = CURRENCY_BY_COUNTRY[country] != "USD"
    owners = [o for o, team in TEAM_BY_OWNER.items() if (team == "EMEA") == is_emea]
    return _Account(
        account_id=f"ACC-{index + 1:04d}",
        crm_name=crm_name,
        books_name=books_name,
        customer_id=f"CUST-{number}",
        country=country,
        segment=segment,
        owner=rng.choice(owners),
        terms_days=rng.choice((30, 30, 45)),
        is_customer_id_in_crm=rng.random() < 0.35,
    )


def _company_names(rng: random.Random, count: int) -> list[str]:
    # Each root is used once, so no two generated names differ only in the suffix.
    names = []
    for root in rng.sample(NAME_ROOTS, count):
        name = f"{root} {rng.choice(NAME_SECTORS)} {rng.choice(LEGAL_SUFFIXES)}"
        names.append(name.strip())
    return names


def _make_deals(rng: random.Random, accounts: list[_Account]) -> list[_Deal]:
    weights = [
        DEALS_WEIGHT_BY_SEGMENT[a.segment] * (1 if a.currency == "USD" else 0.5)
        for a in accounts
    ]
    foreign = [a for a in accounts if a.currency != "USD"]
    anchor_count = FOREIGN_ANCHOR_DEALS * len(foreign)
    deals = [
        _make_deal(rng, account)
        for account in rng.choices(accounts, weights, k=DEAL_COUNT - anchor_count)
    ]
    for account in foreign:
        deals += [_make_won_deal(rng, account) for _ in range(FOREIGN_ANCHOR_DEALS)]
    return _number_deals(deals)


def _number_deals(deals: list[_Deal]) -> list[_Deal]:
    # The CRM numbers deals in the order they were created.
    deals = sorted(deals, key=lambda deal: deal.created_on)
    for number, deal in enumerate(deals, start=10001):
        deal.deal_id = f"OPP-{number}"
    return deals


def _make_deal(rng: random.Random, account: _Account) -> _Deal:
    created_on = START + timedelta(days=rng.randrange((END - START).days - 3))
    closed_on = created_on + timedelta(days=rng.randint(14, 160))
    deal = _Deal(
        account=account,
        owner=account.owner if rng.random() < 0.9 else rng.choice(list(TEAM_BY_OWNER)),
        created_on=created_on,
        closed_on=closed_on,
        stage="Closed Won" if rng.random() < WIN_RATE else "Closed Lost",
        amount=_deal_amount(rng, account),
        product=rng.choice(PRODUCTS) if rng.random() < 0.95 else "",
    )
    if closed_on > END:
        _reopen_deal(rng, deal)
    elif deal.stage == "Closed Lost" and rng.random() < 0.2:
        deal.amount = Decimal("0.00")
    return deal


def _reopen_deal(rng: random.Random, deal: _Deal) -> None:
    # A deal that would close after the span is still open at the end of it.
    deal.closed_on = None
    deal.stage = rng.choices(OPEN_STAGES, weights=(4, 3, 2, 1))[0]
    if rng.random() < 0.3:
        percent = int(STAGE_PROBABILITY[deal.stage] * 100) + rng.choice((-5, 0, 5))
        deal.probability = f"{percent}%"


def _make_won_deal(rng: random.Random, account: _Account) -> _Deal:
    created_on = START + timedelta(days=rng.randrange(500))
    return _Deal(
        account=account,
        owner=account.owner,
        created_on=created_on,
        closed_on=created_on + timedelta(days=rng.randint(20, 90)),
        stage="Closed Won",
        amount=_deal_amount(rng, account),
        product=rng.choice(PRODUCTS),
    )


def _deal_amount(rng: random.Random, account: _Account) -> Decimal:
    low, high = AMOUNT_HUNDREDS_BY_SEGMENT[account.segment]
    return Decimal(rng.randint(low, high) * 100).quantize(CENT)


def _make_leads(rng: random.Random, deals: list[_Deal]) -> list[_Lead]:
    leads = []
    for deal in deals:
        if rng.random() < LEAD_SHARE_OF_DEALS:
            lead_age = timedelta(days=rng.randint(1, 45))
            created_on = max(START, deal.created_on - lead_age)
            company = deal.account.crm_name
            lead = _Lead(created_on, _origin(rng), company, deal.owner, "Converted")
            lead.deal = deal
            leads.append(lead)

    prospects = _prospect_names(rng)
    while len(leads) < LEAD_COUNT:
        leads.append(_make_prospect_lead(rng, prospects))

    leads.sort(key=lambda lead: lead.created_on)
    for number, lead in enumerate(leads, start=1):
        lead.lead_id = f"L-{number:06d}"
        if lead.deal is not None:
            lead.deal.lead_id = lead.lead_id
    return leads


def _make_prospect_lead(rng: random.Random, prospects: list[str]) -> _Lead:
    created_on = START + timedelta(days=rng.randrange((END - START).days + 1))
    if (END - created_on).days < 60:
        status = rng.choice(("Open", "Working"))
    else:
        status = rng.choice(("Disqualified", "Nurture", "Unresponsive"))
    company = rng.choice(prospects) if rng.random() < 0.97 else ""
    owner = rng.choice(list(TEAM_BY_OWNER))
    return _Lead(created_on, _origin(rng), company, owner, status)


def _prospect_names(rng: random.Random) -> list[str]:
    names = [f"{root} {sector}" for root in NAME_ROOTS for sector in NAME_SECTORS]
    return rng.sample(names, PROSPECT_COUNT)


def _origin(rng: random.Random) -> str:
    return rng.choice(ORIGINS) if rng.random() < 0.96 else ""


def _make_activities(rng: random.Random, deals: list[_Deal]) -> list[_Activity]:
    activities = []
    for deal in deals:
        last_day = deal.closed_on or END
        for _ in range(rng.randint(0, 4)):
            day = deal.created_on + timedelta(
                days=rng.randint(0, (last_day - deal.created_on).days)
            )
            activities.append(_make_activity(rng, deal, day))
    activities.sort(key=lambda activity: activity.occurred_at)

    with_line_breaks = rng.sample(activities, len(MULTILINE_NOTES))
    for activity, notes in zip(with_line_breaks, MULTILINE_NOTES):
        activity.notes = notes
    return activities


def _make_activity(rng: random.Random, deal: _Deal, day: date) -> _Activity:
    kind = rng.choice(list(ACTIVITY_SUBJECTS))
    hour, minute = rng.randint(8, 17), rng.choice((0, 15, 30, 45))
    occurred_at = f"{day.isoformat()}T{hour:02d}:{minute:02d}:00Z"
    notes = rng.choice(ACTIVITY_NOTES) if rng.random() < 0.2 else ""
    subject = rng.choice(ACTIVITY_SUBJECTS[kind])
    return _Activity(deal, kind, occurred_at, subject, notes)


# --- Accounting side ------------------------------------------------------------


def _make_invoices(rng: random.Random, deals: list[_Deal]) -> list[_Invoice]:
    treatment_by_deal = _pick_special_deals(rng, deals)
    invoices = []
    for deal in deals:
        if deal.stage == "Closed Won":
            treatment = treatment_by_deal.get(deal.deal_id, "")
            invoices += _invoice_deal(rng, deal, treatment)

    invoices = _number_invoices(invoices)
    net_30 = [i for i in invoices if i.deal.account.terms_days == 30 and not i.is_void]
    for invoice in rng.sample(net_30, BLANK_DUE_DATE_COUNT):
        invoice.has_due_date = False
    return invoices


def _number_invoices(invoices: list[_Invoice]) -> list[_Invoice]:
    # Numbering follows the issue date, as accounting systems assign it.
    invoices = sorted(invoices, key=lambda invoice: invoice.issued_on)
    for number, invoice in enumerate(invoices, start=100001):
        invoice.invoice_id = f"INV-{number}"
    return invoices


def _pick_special_deals(rng: random.Random, deals: list[_Deal]) -> dict[str, str]:
    eligible = [
        deal.deal_id
        for deal in deals
        if deal.stage == "Closed Won" and deal.closed_on <= LAST_SPECIAL_CLOSE
    ]
    picked = iter(rng.sample(eligible, sum(SPECIAL_DEAL_COUNTS.values())))
    return {
        next(picked): treatment
        for treatment, count in SPECIAL_DEAL_COUNTS.items()
        for _ in range(count)
    }


def _invoice_deal(rng: random.Random, deal: _Deal, treatment: str) -> list[_Invoice]:
    issued_on = deal.closed_on + timedelta(days=rng.randint(0, 10))
    if issued_on > END or treatment == "never_invoiced":
        return []
    if treatment == "instalments":
        return _invoice_in_instalments(rng, deal, issued_on)
    if treatment == "duplicate":
        # The order is posted twice on the same day under two invoice numbers.
        return [
            _Invoice(deal, issued_on, deal.amount),
            _Invoice(deal, issued_on, deal.amount, is_duplicate=True),
        ]
    if treatment == "void_reissue":
        return _invoice_void_and_reissue(rng, deal, issued_on)

    total = deal.amount
    if treatment == "amount_mismatch":
        total = (deal.amount * rng.choice(MISMATCH_FACTORS)).quantize(CENT)
    return [_Invoice(deal, issued_on, total, has_deal_ref=treatment != "no_deal_ref")]


def _invoice_in_instalments(
    rng: random.Random, deal: _Deal, issued_on: date
) -> list[_Invoice]:
    # A 40/60 split keeps the two totals different, so they never look duplicated.
    first_total = (deal.amount * Decimal("0.4")).quantize(CENT)
    second_on = issued_on + timedelta(days=rng.randint(30, 60))
    instalments = [_Invoice(deal, issued_on, first_total)]
    if second_on <= END:
        instalments.append(_Invoice(deal, second_on, deal.amount - first_total))
    return instalments


def _invoice_void_and_reissue(
    rng: random.Random, deal: _Deal, issued_on: date
) -> list[_Invoice]:
    wrong_total = (deal.amount * Decimal("1.10")).quantize(CENT)
    voided = _Invoice(deal, issued_on, wrong_total, is_void=True)
    reissued_on = issued_on + timedelta(days=rng.randint(2, 8))
    return [voided, _Invoice(deal, reissued_on, deal.amount, replaces=voided)]


def _make_credit_notes(
    rng: random.Random, invoices: list[_Invoice]
) -> list[_CreditNote]:
    # One duplicate is credited in full. The other stays open, ignored by the customer.
    duplicate = next(invoice for invoice in invoices if invoice.is_duplicate)
    credited_on = duplicate.issued_on + timedelta(days=9)
    reason = "Duplicate invoice"
    full_credit = _CreditNote(duplicate, credited_on, duplicate.total, reason)

    # Partial credits. One of them does not name the invoice it corrects.
    last_issue = END - timedelta(days=30)
    candidates = [
        invoice
        for invoice in invoices
        if not (invoice.is_void or invoice.is_duplicate)
        and invoice.issued_on <= last_issue
    ]
    partial_credits = [
        _make_partial_credit(rng, invoice)
        for invoice in rng.sample(candidates, CREDIT_NOTE_COUNT)
    ]
    rng.choice(partial_credits).has_invoice_ref = False

    notes = sorted([full_credit, *partial_credits], key=lambda note: note.issued_on)
    for number, note in enumerate(notes, start=5001):
        note.credit_note_id = f"CM-{number}"
        note.invoice.credited += note.amount
    return notes


def _make_partial_credit(rng: random.Random, invoice: _Invoice) -> _CreditNote:
    share = Decimal(rng.randint(5, 25)) / 100
    issued_on = invoice.issued_on + timedelta(days=rng.randint(3, 25))
    amount = (invoice.total * share).quantize(CENT)
    return _CreditNote(invoice, issued_on, amount, rng.choice(CREDIT_REASONS))


def _make_payments(rng: random.Random, invoices: list[_Invoice]) -> list[_Payment]:
    behaviour_by_invoice = _pick_payment_behaviours(rng, invoices)
    payments = []
    for invoice in invoices:
        behaviour = behaviour_by_invoice.get(invoice.invoice_id, "")
        if not behaviour:
            behaviour = rng.choices(PAYMENT_BEHAVIOURS, PAYMENT_BEHAVIOUR_WEIGHTS)[0]
        payments += _pay_invoice(rng, invoice, behaviour)

    # Payments after the span have not happened yet, so those invoices stay open.
    payments = _number_payments([p for p in payments if p.paid_on <= END])
    for payment in payments:
        payment.invoice.paid += payment.amount
    return payments


def _number_payments(payments: list[_Payment]) -> list[_Payment]:
    payments = sorted(payments, key=lambda payment: payment.paid_on)
    for number, payment in enumerate(payments, start=700001):
        payment.payment_id = f"PAY-{number}"
    return payments


def _pick_payment_behaviours(
    rng: random.Random, invoices: list[_Invoice]
) -> dict[str, str]:
    behaviour_by_invoice = {
        i.invoice_id: "never" for i in invoices if i.is_void or i.is_duplicate
    }
    normal = [i for i in invoices if i.invoice_id not in behaviour_by_invoice]
    window_start, window_end = OVERDUE_WINDOW
    overdue = [i for i in normal if window_start <= i.issued_on <= window_end]
    for invoice in rng.sample(overdue, OVERDUE_UNPAID_COUNT):
        behaviour_by_invoice[invoice.invoice_id] = "never"

    early = [i for i in normal if i.invoice_id not in behaviour_by_invoice]
    early = [i for i in early if i.issued_on <= window_start]
    for invoice in rng.sample(early, REFUNDED_OVERPAYMENT_COUNT):
        behaviour_by_invoice[invoice.invoice_id] = "overpay_refund"
    return behaviour_by_invoice


def _pay_invoice(
    rng: random.Random, invoice: _Invoice, behaviour: str
) -> list[_Payment]:
    balance = invoice.total - invoice.credited
    terms_days = invoice.deal.account.terms_days
    on_time = invoice.issued_on + timedelta(days=rng.randint(3, terms_days))
    late = invoice.due_on + timedelta(days=rng.randint(1, 80))
    part = (balance * Decimal(rng.randint(30, 70)) / 100).quantize(CENT)
    method = rng.choices(PAYMENT_METHODS, PAYMENT_METHOD_WEIGHTS)[0]

    if behaviour == "on_time":
        schedule = [(on_time, balance)]
    elif behaviour == "late":
        schedule = [(late, balance)]
    elif behaviour == "partial_then_rest":
        schedule = [(on_time, part), (late + timedelta(days=20), balance - part)]
    elif behaviour == "partial_open":
        schedule = [(late, part)]
    elif behaviour == "overpay_refund":
        extra = Decimal(rng.choice((50, 100, 250))).quantize(CENT)
        refund_on = on_time + timedelta(days=rng.randint(10, 30))
        schedule = [(on_time, balance + extra), (refund_on, -extra)]
    else:
        schedule = []
    return [
        _Payment(invoice, day, amount, method) for day, amount in schedule if amount
    ]


def _fx_rate_rows(rng: random.Random) -> list[dict[str, str]]:
    # A monthly EUR rate as a bounded random walk. GBP has no rate on purpose.
    rate = Decimal("1.0950")
    rows = []
    for month_index in range(24):
        rate_date = date(2024 + month_index // 12, month_index % 12 + 1, 1)
        step = Decimal(rng.randint(-150, 150)) / 10000
        rate = min(max(rate + step, Decimal("1.0200")), Decimal("1.1800"))
        row = {"Rate Date": rate_date.isoformat(), "From Currency": "EUR"}
        rows.append(row | {"To Currency": "USD", "Exchange Rate": f"{rate:.4f}"})
    return rows


# --- Rows as exported -----------------------------------------------------------


def _account_row(account: _Account) -> dict[str, str]:
    return {
        "Account ID": account.account_id,
        "Account Name": account.crm_name,
        "ERP Customer No": account.customer_id if account.is_customer_id_in_crm else "",
        "Industry Segment": account.segment,
        "Billing Country": account.country,
        "Account Owner": account.owner,
        "Parent Account": account.parent_name,
    }


def _lead_row(lead: _Lead) -> dict[str, str]:
    return {
        "Lead ID": lead.lead_id,
        "Created Date": lead.created_on.isoformat(),
        "Lead Source": lead.origin,
        "Company": lead.company,
        "Lead Owner": lead.owner,
        "Lead Status": lead.status,
    }


def _deal_row(deal: _Deal) -> dict[str, str]:
    # The CRM leaves the currency blank for deals in its default currency, USD.
    return {
        "Opportunity ID": deal.deal_id,
        "Converted Lead ID": deal.lead_id,
        "Account ID": deal.account.account_id,
        "Account Name": deal.account.crm_name,
        "Opportunity Owner": deal.owner,
        "Sales Team": TEAM_BY_OWNER[deal.owner],
        "Stage": deal.stage,
        "Amount": f"{deal.amount:.2f}",
        "Currency": "" if deal.account.currency == "USD" else deal.account.currency,
        "Probability (%)": deal.probability,
        "Created Date": deal.created_on.isoformat(),
        "Close Date": deal.closed_on.isoformat() if deal.closed_on else "",
        "Product Line": deal.product,
    }


def _activity_rows(activities: list[_Activity]) -> list[dict[str, str]]:
    return [
        {
            "Activity ID": f"ACT-{number:06d}",
            "Related Opportunity": activity.deal.deal_id,
            "Account ID": activity.deal.account.account_id,
            "Activity Type": activity.kind,
            "Activity Date": activity.occurred_at,
            "Assigned To": activity.deal.owner,
            "Subject": activity.subject,
            "Notes": activity.notes,
        }
        for number, activity in enumerate(activities, start=1)
    ]


def _invoice_row(invoice: _Invoice) -> dict[str, str]:
    account = invoice.deal.account
    return {
        "Invoice Number": invoice.invoice_id,
        "Customer No": account.customer_id,
        "Customer Name": account.books_name,
        "Order Ref": invoice.deal.deal_id if invoice.has_deal_ref else "",
        "Invoice Date": _accounting_date(invoice.issued_on),
        "Due Date": _accounting_date(invoice.due_on) if invoice.has_due_date else "",
        "Total Amount": _format_money(invoice.total, account.currency),
        "Tax Amount": _included_tax(invoice),
        "Currency": account.currency,
        "Status": _invoice_status(invoice),
        "Disputed": "Y" if invoice.credited and not invoice.is_duplicate else "N",
        "Replaces Invoice": invoice.replaces.invoice_id if invoice.replaces else "",
    }


def _invoice_status(invoice: _Invoice) -> str:
    if invoice.is_void:
        return "Void"
    if invoice.paid + invoice.credited >= invoice.total:
        return "Paid"
    return "Partially Paid" if invoice.paid > 0 else "Open"


def _included_tax(invoice: _Invoice) -> str:
    vat_rate = VAT_BY_COUNTRY.get(invoice.deal.account.country)
    if vat_rate is None:
        return ""
    tax = (invoice.total - invoice.total / (1 + vat_rate)).quantize(CENT)
    return _format_money(tax, invoice.deal.account.currency)


def _payment_row(rng: random.Random, payment: _Payment) -> dict[str, str]:
    # Some rows leave the currency blank, which means the invoice's currency.
    currency = payment.invoice.deal.account.currency
    return {
        "Payment Ref": payment.payment_id,
        "Invoice Number": payment.invoice.invoice_id,
        "Payment Date": _accounting_date(payment.paid_on),
        "Amount Received": _format_money(payment.amount, currency),
        "Currency": currency if rng.random() < 0.9 else "",
        "Payment Method": payment.method,
    }


def _credit_note_row(note: _CreditNote) -> dict[str, str]:
    # The export shows credits as negative amounts in brackets.
    account = note.invoice.deal.account
    return {
        "Credit Memo No": note.credit_note_id,
        "Applied To Invoice": note.invoice.invoice_id if note.has_invoice_ref else "",
        "Customer No": account.customer_id,
        "Customer Name": account.books_name,
        "Credit Date": _accounting_date(note.issued_on),
        "Credit Amount": _format_money(-note.amount, account.currency),
        "Currency": account.currency,
        "Reason Code": note.reason,
    }


def _return_row(item: _Return) -> dict[str, str]:
    invoice = item.invoice
    return {
        "RMA Number": item.return_id,
        "Order Ref": invoice.deal.deal_id,
        "Invoice Number": invoice.invoice_id if item.has_invoice_ref else "",
        "Return Date": _accounting_date(item.returned_on),
        "Return Reason": item.reason,
    }


def _format_money(amount: Decimal, currency: str) -> str:
    # As the accounting export writes it: negative amounts in brackets with no
    # symbol, USD with `$`, EUR with `€`, any other currency with its ISO code.
    digits = f"{abs(amount):,.2f}"
    if amount < 0:
        return f"({digits})"
    prefix = {"USD": "$", "EUR": "€"}.get(currency, f"{currency} ")
    return prefix + digits


def _accounting_date(day: date) -> str:
    return day.strftime(ACCOUNTING_DATE_FORMAT)


def _add_quarantine_rows(
    rng: random.Random, rows_by_file: dict[str, list[dict[str, str]]]
) -> None:
    # Copy only rows as generated, so that each bad row carries a single fault.
    originals = {name: list(rows) for name, rows in rows_by_file.items()}
    for file_name, column, value in QUARANTINE_FAULTS:
        rows = rows_by_file[file_name]
        bad_row = dict(rng.choice(originals[file_name]))
        key_column = KEY_COLUMN_BY_FILE[file_name]
        bad_row[key_column] = _next_id(rows, key_column)
        bad_row[column] = value
        rows.insert(rng.randint(1, len(rows) - 1), bad_row)


def _next_id(rows: list[dict[str, str]], column: str) -> str:
    # Ids are a text prefix and a number, such as INV-100231.
    numbered = [re.fullmatch(r"(\D*)(\d+)", row[column]) for row in rows]
    matches = [match for match in numbered if match]
    last = max(matches, key=lambda match: int(match.group(2)))
    width = len(last.group(2))
    return f"{last.group(1)}{int(last.group(2)) + 1:0{width}d}"


# --- Mapping file ---------------------------------------------------------------


def _render_mapping() -> str:
    lines = [
        "# Mapping for the seeded demo data set written by `lead2cash demo`.",
        "# Paths are relative to this file.",
        "",
        "[settings]",
        *_toml_pairs(SETTINGS),
        "",
        "[settings.stage_probability]",
        *_toml_pairs(STAGE_PROBABILITY),
    ]
    for export in EXPORTS:
        lines += ["", "[[sources]]", *_toml_pairs(_source_options(export))]
        lines += ["", "[sources.columns]", *_toml_pairs(_column_map(export))]
        for field_name, value_map in export.values.items():
            lines += ["", f"[sources.values.{field_name}]", *_toml_pairs(value_map)]
    return "\n".join(lines) + "\n"


def _source_options(export: _Export) -> dict[str, str]:
    options = {
        "name": export.file.removesuffix(".csv"),
        "table": export.table,
        "path": export.file,
        "format": "csv",
        "delimiter": ",",
    }
    if export.is_accounting:
        options["date_format"] = ACCOUNTING_DATE_FORMAT
        options |= {"decimal": ".", "thousands": ","}
    return options


def _column_map(export: _Export) -> dict[str, str]:
    return {
        field_name: header
        for header, field_names in export.columns
        for field_name in field_names
    }


def _toml_pairs(pairs: dict[str, object]) -> list[str]:
    return [f"{_toml_key(key)} = {_toml_value(value)}" for key, value in pairs.items()]


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _toml_value(value: object) -> str:
    # JSON string escapes are valid in TOML basic strings.
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
