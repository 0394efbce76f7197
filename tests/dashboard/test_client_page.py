"""Client 360: the page shows the object of `etl.clients.client_detail`."""

import urllib.parse

import pandas as pd
import pytest

from dashboard.client360 import CARDS, SECTIONS, sources_frame, timeline_events
from dashboard.format import format_value, plain_text
from dashboard.kpis import lookup
from dashboard.links import LINK_COLUMN, add_link_column, client_url
from etl.clients import client_detail, search_clients
from tests.dashboard.conftest import run_page

CLIENT_PAGE = "views/client.py"


@pytest.fixture(scope="module")
def busiest_key(con) -> str:
    """The customer with the most invoices, so every table has rows."""
    return con.execute(
        "SELECT customer_key FROM invoices WHERE customer_key IS NOT NULL "
        "GROUP BY customer_key ORDER BY count(*) DESC, customer_key LIMIT 1"
    ).fetchone()[0]


def test_client_page_equals_library_object(app_env, con, busiest_key):
    detail = client_detail(con, busiest_key)
    kpis = detail["kpis"]
    app = run_page(CLIENT_PAGE, {"client": busiest_key})
    metrics = {metric.label: metric.value for metric in app.metric}
    tables = [frame.value for frame in app.dataframe]

    assert not app.exception, [error.value for error in app.exception]
    assert app.header[0].value == plain_text(detail["client"]["customer_name"])
    for card in CARDS:
        expected = format_value(card.kind, lookup(kpis, card.path), "USD")
        assert metrics[card.label] == expected, card.label
    sources = sources_frame(detail["client"]["sources"])
    assert tables[0].fillna("").equals(sources.fillna(""))
    shown = [section for section, _, _ in SECTIONS if detail[section]]
    assert len(tables) == 1 + len(shown)
    for table, section in zip(tables[1:], shown):
        assert len(table) == len(detail[section]), section
    assert app.query_params["client"] in (busiest_key, [busiest_key])


def test_client_search_by_source_id_opens_customer(app_env, con, busiest_key):
    source_id = con.execute(
        "SELECT customer_id FROM invoices WHERE customer_key = ? LIMIT 1",
        [busiest_key],
    ).fetchone()[0]
    app = run_page(CLIENT_PAGE)
    assert not app.metric

    app.text_input(key="client_search").input(source_id).run()
    app.selectbox(key="client_pick").select(busiest_key).run()
    name = search_clients(con, busiest_key)["clients"][0]["customer_name"]

    assert app.query_params["client"] in (busiest_key, [busiest_key])
    assert app.header[0].value == plain_text(name)
    assert len(app.metric) == len(CARDS)


def test_client_page_unknown_id_warns(app_env):
    app = run_page(CLIENT_PAGE, {"client": "NO-SUCH-CLIENT"})

    assert not app.exception
    assert "`NO-SUCH-CLIENT` not found" in app.warning[0].value
    assert not app.metric


def test_timeline_has_every_dated_record(con, busiest_key):
    detail = client_detail(con, busiest_key)
    events = timeline_events(detail)
    dated = {
        "Deal created": sum(d["created_on"] is not None for d in detail["deals"]),
        "Deal closed": sum(d["closed_on"] is not None for d in detail["deals"]),
        "Invoice": len(detail["invoices"]),
        "Payment": len(detail["payments"]),
        "Credit note": len(detail["credit_notes"]),
        "Activity": len(detail["activities"]),
    }

    assert events["kind"].value_counts().to_dict() == {
        kind: count for kind, count in dated.items() if count
    }
    assert list(events["date"]) == sorted(events["date"])


def test_income_tables_link_to_client_page(app_env, con):
    app = run_page("views/income.py")
    invoices = app.dataframe[0].value
    first = invoices.iloc[0]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(first[LINK_COLUMN]).query)

    assert urllib.parse.urlsplit(first[LINK_COLUMN]).path == "client"
    assert query["client"] == [first["customer_key"]]
    assert query["period"] == ["last_12_months"]


def test_link_column_sits_after_customer_name():
    rows = pd.DataFrame({"invoice_id": ["I1", "I2"], "customer_name": ["A", None],
                         "customer_key": ["CUS-1", None]})
    linked = add_link_column(rows, None)

    assert list(linked.columns) == [
        "invoice_id", "customer_name", LINK_COLUMN, "customer_key"
    ]
    assert linked[LINK_COLUMN].iloc[0] == client_url("CUS-1", None)
    assert pd.isna(linked[LINK_COLUMN].iloc[1])
    assert client_url("CUS-1", None) == "client?client=CUS-1"
    assert list(rows.columns) == ["invoice_id", "customer_name", "customer_key"]
