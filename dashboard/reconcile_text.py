"""Titles and descriptions of the `etl.reconcile` checks, and the update files."""

import pandas as pd

# Per check of `etl.reconcile.CHECKS`: the section title and what it finds.
CHECK_TEXT = {
    "payment_without_invoice": (
        "Payments to unknown invoices",
        "Payments that name an invoice no invoice extract contains. They count as "
        "cash collected but cannot be traced to what they pay.",
    ),
    "won_not_invoiced": (
        "Won deals not invoiced",
        "Won deals with no live invoice once the grace period after the win is over.",
    ),
    "invoice_without_deal": (
        "Invoices without a deal",
        "Live invoices linked to no deal. The candidate is the customer's latest "
        "won deal without a live invoice, won on or before the issue date.",
    ),
    "invoice_missing_deal_reference": (
        "Invoices missing a deal reference",
        "Invoices linked to a deal only by customer, amount and date, because the "
        "invoice carries no deal reference.",
    ),
    "invoice_customer_not_in_crm": (
        "Invoiced customers not in CRM",
        "Live invoices of a customer that no CRM record names.",
    ),
    "amount_mismatch": (
        "Deal and invoice amounts differ",
        "Won deals whose live invoices differ from the deal amount by more than "
        "the tolerance.",
    ),
    "stage_conflict": (
        "CRM stage conflicts",
        "Open deals with a linked invoice paid in full, and lost deals with a "
        "live linked invoice.",
    ),
    "customer_one_system": (
        "Customers in one system only",
        "Customers only in accounting, and CRM customers with a won deal that "
        "accounting does not know.",
    ),
    "probable_duplicates": (
        "Probable duplicate customers",
        "Name pairs close enough to be one company. Record each decision in the "
        "customer overrides file, which the Data quality page offers as a download.",
    ),
}
# Per system of `etl.reconcile.suggested_updates`: label and file name, the
# names `lead2cash reconcile --updates-dir` writes.
UPDATE_FILES = {
    "crm": ("CRM", "crm_updates.csv"),
    "accounting": ("Accounting", "accounting_updates.csv"),
}
_FIRST_COLUMNS = ["system", "action"]


def check_title(name: str) -> str:
    """Return the section title of check `name`, or the name for a new check."""
    return CHECK_TEXT.get(name, (name.replace("_", " ").capitalize(),))[0]


def check_frame(rows: list[dict]) -> pd.DataFrame:
    """Return a check's rows with the system to change and the action first."""
    frame = pd.DataFrame(rows)
    first = [column for column in _FIRST_COLUMNS if column in frame.columns]
    return frame[first + [c for c in frame.columns if c not in first]]


def updates_csv(frame: pd.DataFrame) -> bytes:
    """Return suggested updates as the CSV file that `--updates-dir` writes.

    The file is for import into the CRM or accounting, so it has no byte order
    mark and always uses commas, whatever the sidebar's delimiter.
    """
    # NOTE: this repeats `frame.to_csv(path, index=False)` of the CLI's
    # write_updates, because etl offers no function that returns the bytes.
    return frame.to_csv(index=False).encode("utf-8")
