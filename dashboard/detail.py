"""Detail panels: a deal with its invoices and payments, an invoice with its
payments and credit notes, or a customer with its deals and invoices. Each
panel links its customer to the Client 360 page."""

from typing import Callable, NamedTuple

import streamlit as st

from dashboard import links, warehouse
from dashboard.format import plain_text


class Entity(NamedTuple):
    """A kind of record a table row can open: its id column and its SQL parts."""

    label: str
    id_column: str
    # (SQL file, heading); the first part is the record itself.
    parts: tuple[tuple[str, str], ...]


ENTITIES = {
    "deal": Entity(
        "Deal",
        "deal_id",
        (("deal_detail", "Deal"), ("deal_invoices", "Invoices"),
         ("deal_payments", "Payments")),
    ),
    "invoice": Entity(
        "Invoice",
        "invoice_id",
        (("invoice_detail", "Invoice"), ("invoice_payments", "Payments"),
         ("invoice_credit_notes", "Credit notes")),
    ),
    "customer": Entity(
        "Customer",
        "customer_key",
        (("customer_detail", "Customer"), ("customer_deals", "Deals"),
         ("customer_invoices", "Invoices")),
    ),
}


def show_detail(page, entity: str, value, show_table: Callable) -> None:
    """Show the record `value` of `entity` and the records beside it.

    `show_table` draws each part; it is passed in because the table helper
    itself opens this panel.
    """
    kind = ENTITIES[entity]
    with st.container(border=True, key=f"detail_{entity}"):
        st.subheader(f"{kind.label} {plain_text(value)}")
        for index, (sql_name, heading) in enumerate(kind.parts):
            rows = warehouse.query(
                page.identity, sql_name, **{kind.id_column: str(value)}
            )
            if index == 0:
                show_customer_link(page, rows)
            st.markdown(f"**{heading}**")
            title = f"{heading} of {entity} {value}"
            show_table(page, rows, title, f"{sql_name}_rows", is_filtered=False)


def show_customer_link(page, record) -> None:
    """Link the customer of a one-row `record` frame to its Client 360 page."""
    if record.empty or "customer_key" not in record.columns:
        return
    first = record.iloc[0]
    links.show_client_link(first["customer_key"], first.get("customer_name"),
                           page.filters)
