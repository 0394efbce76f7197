"""One unified customer across the CRM and accounting: search and full detail.

The API, the `lead2cash client` command and the dashboard call these
functions alike; the queries live in `etl/kpi_sql/client_*.sql`.
"""

import duckdb

from etl.errors import Lead2CashError
from etl.kpis import compute_kpis
from etl.match import normalize_name
from etl.sqlfiles import execute, read_sql

MAX_PAGE_SIZE = 500


class ClientNotFoundError(Lead2CashError):
    """No customer has the requested key or source id."""

    def __init__(self, client_id: str):
        self.client_id = client_id
        super().__init__(
            f"client `{client_id}` not found; pass a customer key (CUS-...) or a "
            "CRM or accounting customer id, or search with `GET /api/clients?query=`"
        )


class AmbiguousClientError(Lead2CashError):
    """A source id names more than one customer, because two systems reuse it."""

    def __init__(self, client_id: str, customer_keys: list[str]):
        self.client_id = client_id
        self.customer_keys = customer_keys
        super().__init__(
            f"client id `{client_id}` names {len(customer_keys)} customers "
            f"({', '.join(customer_keys)}); pass one of those customer keys instead"
        )


def read_client_sql(name: str) -> str:
    """Return `etl/kpi_sql/client_<name>.sql` with the shared name list filled in."""
    names_sql = read_sql("kpi_sql", "client_names")
    return read_sql("kpi_sql", f"client_{name}").replace("{client_names}", names_sql)


def fetch_rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[dict]:
    """Run `sql` and return its rows as dicts keyed by column name."""
    result = execute(con, sql, params)
    columns = [d[0] for d in result.description]
    return [dict(zip(columns, row)) for row in result.fetchall()]


def search_clients(
    con: duckdb.DuckDBPyConnection, query: str = "", limit: int = 50, offset: int = 0
) -> dict:
    """Find customers by any spelling of their name, their key or a source id.

    Returns one page of matches, ordered by display name then key, and the
    total number of matches.
    """
    search = query.strip()
    params = {"search": search, "normalized": normalize_name(search)}
    sql = read_client_sql("search")
    total = execute(con, f"SELECT count(*) FROM ({sql})", params).fetchall()[0][0]
    page_sql = f"{sql}\nLIMIT $limit OFFSET $offset"
    rows = fetch_rows(con, page_sql, {**params, "limit": limit, "offset": offset})
    return {"query": search, "total": total, "limit": limit, "offset": offset,
            "clients": rows}


def resolve_client(con: duckdb.DuckDBPyConnection, client_id: str) -> str:
    """Return the customer key that `client_id` names, a key or a source id."""
    rows = execute(con, read_client_sql("resolve"),
                   {"client_id": client_id}).fetchall()
    if not rows:
        raise ClientNotFoundError(client_id)
    if rows[0][1] == 1:
        return rows[0][0]
    keys = [key for key, _precedence in rows]
    if len(keys) > 1:
        raise AmbiguousClientError(client_id, keys)
    return keys[0]


def client_detail(con: duckdb.DuckDBPyConnection, client_id: str) -> dict:
    """Return a customer with its deals, documents, activities and KPIs."""
    customer_key = resolve_client(con, client_id)
    params = {"customer_key": customer_key}

    detail = {"client": _client_header(con, customer_key)}
    for section in ("deals", "invoices", "payments", "credit_notes", "activities"):
        detail[section] = fetch_rows(con, read_client_sql(section), params)
    detail["kpis"] = client_kpis(con, customer_key)
    return detail


def _client_header(con, customer_key: str) -> dict:
    header = fetch_rows(con, read_client_sql("header"), {"customer_key": customer_key})[0]
    header["sources"] = fetch_rows(
        con, read_client_sql("sources"), {"customer_key": customer_key}
    )
    return header


def client_kpis(con: duckdb.DuckDBPyConnection, customer_key: str) -> dict:
    """Lifetime value, open AR, days to pay and lead-to-payment days of one customer.

    The period is the whole span of the data and "today" is its last date, so
    open AR is the balance on the last day any deal, invoice or payment carries.
    """
    kpis = compute_kpis(con, customer=customer_key)
    invoicing, collections = kpis["invoicing"], kpis["collections"]
    return {
        "period": kpis["period"],
        "reporting_currency": kpis["reporting_currency"],
        "lifetime_value": invoicing["invoiced_total"],
        "invoice_count": invoicing["invoice_count"],
        "unconverted_invoice_count": invoicing["unconverted_count"],
        "credit_note_total": invoicing["credit_note_total"],
        "cash_collected": collections["cash_collected"],
        "open_ar": collections["ar_total"],
        "open_ar_count": collections["ar_count"],
        "ar_aging": collections["ar_aging"],
        "avg_days_to_pay": collections["days_to_pay"]["mean"],
        "days_to_pay": collections["days_to_pay"],
        "on_time_rate": collections["on_time_rate"],
        "lead_to_payment_days": kpis["lead_to_payment_days"],
        "won_count": kpis["pipeline"]["won_count"],
        "won_value": kpis["pipeline"]["won_value"],
        "open_pipeline_value": kpis["pipeline"]["open_value"],
    }
