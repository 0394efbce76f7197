"""Client 360: one customer across the CRM and accounting, as `GET /api/clients/{id}`
returns it: the source ids it was matched from, KPIs, a timeline and every record."""

import datetime as dt

import streamlit as st

from dashboard import context, drilldown, etl_calls
from dashboard.format import plain_text
from dashboard.cards import CardData, show_cards
from dashboard.client360 import (
    CARDS,
    SECTIONS,
    section_frame,
    sources_frame,
    timeline_events,
    timeline_figure,
)
from dashboard.links import CLIENT_KEY
from dashboard.period import Period
from etl.errors import Lead2CashError

_PICK = "client_pick"


def _open_picked() -> None:
    st.query_params[CLIENT_KEY] = st.session_state[_PICK]


def show_search(page: context.PageContext) -> None:
    """Draw the search box and the list of matching customers to open."""
    text = st.text_input(
        "Find a customer", key="client_search",
        placeholder="Any spelling of the name, a customer key (CUS-…), or a CRM or "
        "accounting id",
    )
    found = etl_calls.find_clients(page.identity, text.strip())
    if not found["clients"]:
        st.info(f"No customer matches {plain_text(text.strip())}. Try part of the name or an id.",
                icon=":material/search_off:")
        return
    labels = {
        client["customer_key"]: f"{client['customer_name']} ({client['customer_key']})"
        for client in found["clients"]
    }
    listed_count = len(labels)
    noun = "customers" if not text.strip() else "matches"
    label = f"{found['total']:,} {noun}"
    if found["total"] > listed_count:
        label += f", the first {listed_count} listed. Type more to narrow them"
    st.selectbox(label, list(labels), index=None, format_func=labels.get, key=_PICK,
                 on_change=_open_picked, placeholder="Pick a customer to open")


def show_header(client: dict) -> None:
    """Show the unified name, where the customer is known and the ids behind it."""
    st.header(plain_text(client["customer_name"]))
    systems = [name for name, known in (("the CRM", client["in_crm"]),
                                         ("accounting", client["in_accounting"]))
               if known]
    st.caption(
        f"Customer key `{client['customer_key']}`, known in "
        f"{' and '.join(systems) or 'no system'}. Names in the exports: "
        f"{', '.join(f'`{name}`' for name in client['names'])}."
    )


def client_context(page: context.PageContext, kpis: dict) -> context.PageContext:
    """Return the page context with the customer's span as its period.

    The download file names carry the period, and this page covers the whole
    history, not the sidebar period.
    """
    period = kpis["period"]
    span = Period(*(dt.date.fromisoformat(period[end]) for end in ("start", "end")))
    return page._replace(filters=page.filters._replace(period=span))


def show_tables(page: context.PageContext, detail: dict) -> None:
    """Show deals, invoices, payments, credit notes and activities in tabs."""
    key = detail["client"]["customer_key"]
    titles = [f"{title} ({len(detail[section]):,})" for section, title, _ in SECTIONS]
    for tab, (section, title, entity) in zip(st.tabs(titles), SECTIONS):
        with tab:
            rows = section_frame(detail[section])
            drilldown.show_table(page, rows, f"{title} of {key}", f"client_{section}",
                                 entity, is_filtered=False)


def show_page() -> None:
    """Draw the Client 360 page."""
    page = context.require()
    st.title("Client 360")
    show_search(page)
    client_id = st.query_params.get(CLIENT_KEY) or page.filters.customer
    if not client_id:
        st.info("Pick a customer above, or open one from a deal or invoice on any "
                "other page.", icon=":material/person_search:")
        return
    try:
        detail = etl_calls.load_client(page.identity, client_id)
    except Lead2CashError as error:
        st.warning(str(error), icon=":material/person_off:")
        return

    # Who the customer is, then its numbers, its history and its records.
    client = detail["client"]
    kpis = detail["kpis"]
    page = client_context(page, kpis)
    show_header(client)
    st.markdown("**Matched from**")
    drilldown.show_table(page, sources_frame(client["sources"]),
                         f"Source ids of {client['customer_key']}", "client_sources",
                         is_filtered=False)
    st.caption(
        f"Whole history, {kpis['period']['start']} to {kpis['period']['end']}. AR is "
        f"taken on {kpis['period']['as_of']}. Amounts are in "
        f"{kpis['reporting_currency']}. The sidebar filters do not apply here."
    )
    show_cards(CARDS, CardData(kpis, None, []), columns=4)
    if kpis["unconverted_invoice_count"]:
        st.warning(
            f"{kpis['unconverted_invoice_count']:,} invoices of this customer have no "
            f"exchange rate into {kpis['reporting_currency']}, so the money cards "
            "leave them out. Add the missing rates to the FX extract and refresh.",
            icon=":material/currency_exchange:",
        )
    events = timeline_events(detail)
    if not events.empty:
        st.plotly_chart(timeline_figure(events, client["customer_name"]),
                        key="client_timeline")
    show_tables(page, detail)


show_page()
